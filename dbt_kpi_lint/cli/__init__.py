"""Command line: `dbt-kpi-lint check | rules | rule CODE | review | certify | generate | status | report`.

Each command is one module of this package with an `add_parser` and its `run`; this module
assembles them and keeps the promise every command shares: exit code 0 when nothing fails the
run, 1 when a finding (or a stale file) fails it, 2 when the input cannot be used, reported in
one line (argparse's errors too: see parser.py). No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Sequence

from .. import __version__
from ..loading.dbt_project import ProjectError
from . import certify, check, explain, generate, review, scorecard, status
from .common import EXIT_ERROR, EXIT_OK, UsageError
from .parser import CommandLineParser, unrecognized_arguments

COMMANDS = (check, explain, review, certify, generate, status, scorecard)


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = _parser()
    try:
        args, unrecognized = parser.parse_known_args(argv)  # an option's type may raise UsageError (`--vars`)
        if unrecognized:
            parser.error(unrecognized_arguments(unrecognized, commands.choices[args.command], parser))
        return int(args.run(args))
    except (UsageError, ProjectError) as error:
        print(f"dbt-kpi-lint: error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the promise: never a traceback
        print(
            f"dbt-kpi-lint: internal error: {type(error).__name__}: {_one_line(str(error))} "
            "(please report it with the command you ran)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _one_line(message: str) -> str:
    """A message that quotes the user's text (a name from a manifest, say) kept on one line."""
    return "\\n".join(message.splitlines())


def _parser() -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its commands (`.choices` maps each command name to its parser)."""
    parser = CommandLineParser(prog="dbt-kpi-lint", description="Lint the KPIs of a dbt semantic layer.")
    parser.add_argument("--version", action="version", version=f"dbt-kpi-lint {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND", dest="command")
    for command in COMMANDS:
        command.add_parser(commands)
    return parser, commands
