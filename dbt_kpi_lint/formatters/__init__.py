"""Output formats. Each is a function of a Report; none knows how findings were made."""

from __future__ import annotations

from .base import CheckedMetric, Formatter, Report, RuleDescription
from .github import format_github
from .json import format_json
from .junit import format_junit
from .sarif import format_sarif
from .statistics import format_statistics_json, format_statistics_text
from .text import format_text

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
    "junit": format_junit,
}

# `--statistics` replaces the findings with counts per rule, in the formats that can show them.
STATISTICS_FORMATTERS: dict[str, Formatter] = {
    "text": format_statistics_text,
    "json": format_statistics_json,
}

__all__ = ["FORMATTERS", "STATISTICS_FORMATTERS", "CheckedMetric", "Formatter", "Report", "RuleDescription"]
