"""Command line: `dbt-kpi-lint check | rules | rule CODE | review | certify | generate | status | report`.

Each command is one module of this package with an `add_parser` and its `run`; this module
assembles them and keeps the promise every command shares: exit code 0 when nothing fails the
run, 1 when a finding (or a stale file) fails it, 2 when the input cannot be used, reported in
one line (argparse's errors too: see parser.py). No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, Sequence

from .. import __version__
from ..loading.dbt_project import ProjectError
from .common import EXIT_ERROR, EXIT_OK, UsageError
from .parser import CommandLineParser, unrecognized_arguments

# Each command's module (in --help's order), imported only when that command runs: importing
# them all takes 0.15 s, half of what the pre-commit hook's staleness check may take in all.
COMMAND_MODULES = {
    "check": "check",
    "rules": "explain",
    "rule": "explain",
    "review": "review",
    "certify": "certify",
    "generate": "generate",
    "status": "status",
    "report": "scorecard",
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser, commands = _parser(_command_in(argv), version_only=argv[:1] == ["--version"])
    if not argv:
        # As ruff: the help, on stderr with the exit code of a usage error, so that a script whose
        # command went missing (`dbt-kpi-lint $COMMAND`, empty) fails instead of passing.
        parser.print_help(sys.stderr)
        return EXIT_ERROR
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


def _command_in(argv: Sequence[str]) -> str | None:
    """The command `argv` names, if a known one: the main parser's options take no values, so it
    is the first argument that is no option."""
    first = next((argument for argument in argv if not argument.startswith("-")), None)
    return first if first in COMMAND_MODULES else None


def _parser(command: str | None, version_only: bool = False) -> tuple[argparse.ArgumentParser, Any]:
    """The parser and its commands (`.choices` maps each command name to its parser): only
    `command`'s when one is named, none for `--version`, every command's for --help and for a
    misspelt one."""
    parser = CommandLineParser(prog="dbt-kpi-lint", description="Lint the KPIs of a dbt semantic layer.")
    parser.add_argument("--version", action="version", version=f"dbt-kpi-lint {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND", dest="command")
    if command:
        modules = [COMMAND_MODULES[command]]
    elif version_only:
        modules = []
    else:
        modules = list(COMMAND_MODULES.values())
    for module in dict.fromkeys(modules):
        importlib.import_module(f".{module}", __name__).add_parser(commands)
    return parser, commands
