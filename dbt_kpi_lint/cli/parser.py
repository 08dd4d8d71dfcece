"""argparse as the CLI promises it: whole option names only, and one-line errors that suggest.

An abbreviated option (`--form` for `--format`) is refused on every parser: accepted, it would
break the day an option with the same prefix is added. A misspelt option, command or choice gets
the closest real one in its error.
"""

from __future__ import annotations

import argparse
from typing import Any, Iterable, NoReturn, Sequence

from .common import EXIT_ERROR

# How alike a typo and a name must be (difflib's ratio) to suggest the name: `chek` → `check`
# (0.89), `--formt` → `--format` (0.92), while `KPI999` does not become `KPI009` (0.67).
_SIMILAR_ENOUGH = 0.75


class CommandLineParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, its command parsers) with the CLI's rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"dbt-kpi-lint: error: {message}\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # The one place argparse sees an invalid choice (commands, --format values); overridden to
        # add the suggestion Python 3.14 only offers behind `suggest_on_error`.
        if action.choices is not None and value not in action.choices:
            choices = [str(choice) for choice in action.choices]
            message = f"invalid choice: {value!r} (choose from {', '.join(choices)})"
            raise argparse.ArgumentError(action, message + did_you_mean(str(value), choices))


def unrecognized_arguments(
    arguments: Sequence[str], command: argparse.ArgumentParser, main: argparse.ArgumentParser
) -> str:
    """The error for arguments neither the command nor the main parser takes, suggesting the option meant."""
    # argparse has no public list of a parser's options
    options = [*command._option_string_actions, *main._option_string_actions]
    suggestions = (did_you_mean(argument.split("=", 1)[0], options) for argument in arguments if argument[:1] == "-")
    hint = next((suggestion for suggestion in suggestions if suggestion), "")
    return f"unrecognized arguments: {' '.join(arguments)}" + (hint or f"; see `{command.prog} --help`")


def did_you_mean(word: str, names: Iterable[str]) -> str:
    """`; did you mean NAME?` for the one name `word` starts or resembles most, or ""."""
    import difflib  # only a failing command line needs it

    names = list(dict.fromkeys(names))  # in order, once each
    starting = [name for name in names if name.startswith(word)]
    matches = starting if len(starting) == 1 else difflib.get_close_matches(word, names, n=1, cutoff=_SIMILAR_ENOUGH)
    return f"; did you mean {matches[0]}?" if matches else ""
