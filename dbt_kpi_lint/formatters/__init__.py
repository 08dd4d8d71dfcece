"""Output formats. Each is a function of a Report; none knows how findings were made."""

from __future__ import annotations

from .base import Formatter, Report, RuleDescription
from .json import format_json
from .text import format_text

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
}

__all__ = ["FORMATTERS", "Formatter", "Report", "RuleDescription"]
