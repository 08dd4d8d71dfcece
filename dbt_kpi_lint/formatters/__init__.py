"""Output formats. Each is a function of a Report; none knows how findings were made."""

from __future__ import annotations

import importlib

from .base import CheckedMetric, Formatter, PathBase, Report, RuleDescription


def _on_use(module: str, function: str) -> Formatter:
    """A format imported when first used: a run pays only for the one it prints (SARIF hashes,
    JUnit builds XML), which keeps the pre-commit path short."""

    def format_report(report: Report) -> str:
        formatter: Formatter = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return formatter(report)

    return format_report


FORMATTERS: dict[str, Formatter] = {
    "text": _on_use("text", "format_text"),
    "json": _on_use("json", "format_json"),
    "github": _on_use("github", "format_github"),
    "sarif": _on_use("sarif", "format_sarif"),
    "junit": _on_use("junit", "format_junit"),
    "gitlab": _on_use("gitlab", "format_gitlab"),
}

# Formats read by a CI service, which resolves paths from the repository root rather than from
# the directory the linter ran in.
REPOSITORY_RELATIVE_FORMATS = frozenset({"github", "sarif", "junit", "gitlab"})

# `--statistics` replaces the findings with counts per rule, in the formats that can show them.
STATISTICS_FORMATTERS: dict[str, Formatter] = {
    "text": _on_use("statistics", "format_statistics_text"),
    "json": _on_use("statistics", "format_statistics_json"),
}

__all__ = [
    "FORMATTERS",
    "REPOSITORY_RELATIVE_FORMATS",
    "STATISTICS_FORMATTERS",
    "CheckedMetric",
    "Formatter",
    "PathBase",
    "Report",
    "RuleDescription",
]
