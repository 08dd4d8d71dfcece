"""Command line: `dbt-kpi-lint check | rules | rule CODE | review | certify | generate | status`.

Each command is one module of this package with an `add_parser` and its `run`; this module
assembles them and keeps the promise every command shares: exit code 0 when nothing fails the
run, 1 when a finding (or a stale file) fails it, 2 when the input cannot be used, reported in
one line. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .. import __version__
from ..loading.dbt_project import ProjectError
from . import certify, check, explain, generate, review, status
from .common import EXIT_ERROR, EXIT_OK, UsageError

COMMANDS = (check, explain, review, certify, generate, status)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (UsageError, ProjectError) as error:
        print(f"dbt-kpi-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the promise: never a traceback
        print(
            f"dbt-kpi-lint: internal error: {type(error).__name__}: {error} "
            "(please report it with the command you ran)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dbt-kpi-lint", description="Lint the KPIs of a dbt semantic layer.")
    parser.add_argument("--version", action="version", version=f"dbt-kpi-lint {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser
