"""Numbers and periods as people read them: the same in the terminal, in markdown and in the scorecard."""

from __future__ import annotations

import math
from datetime import date, datetime

# Significant digits a value keeps at least: 35.39 stays 35.39, never "35"; 276,470 keeps every digit.
_SIGNIFICANT = 4


def period_label(grain: str, start: date) -> str:
    """`2026-05-31` (day), `2026-W23` (ISO week), `2026-05` (month), `2026-Q1` (quarter), `2026` (year)."""
    if grain == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain == "month":
        return f"{start:%Y-%m}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if grain == "year":
        return str(start.year)
    return start.isoformat()


def timestamp(moment: datetime) -> str:
    """When the tables were built, to the minute: dbt's `run_started_at` is UTC."""
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def number(value: float | None, number_format: str = "number", unit: str | None = None) -> str:
    """A value in its KPI's format: `percent` shows 0.2105 as 21.05%; a unit follows the number."""
    if value is None:
        return "-"
    if number_format == "percent":
        return _digits(value * 100) + "%"
    return _digits(value) + (f" {unit}" if unit else "")


def change(value: float | None, relative: float | None, number_format: str = "number", unit: str | None = None) -> str:
    """The change from the previous period, signed, with its relative size: `+33,560 (+13.82%)`."""
    if value is None:
        return "-"
    absolute = number(value, number_format, unit)
    sign = "+" if value > 0 else ""
    if number_format == "percent":
        return f"{sign}{_digits(value * 100)} pt"
    suffix = f" ({'+' if relative > 0 else ''}{_digits(relative * 100)}%)" if relative is not None else ""
    return f"{sign}{absolute}{suffix}"


def _digits(value: float) -> str:
    if value == 0:
        return "0"
    if value == round(value) and abs(value) < 1e15:
        return f"{value:,.0f}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, _SIGNIFICANT - 1 - magnitude)
    shown = f"{value:,.{decimals}f}"
    # 4.3 is "4.3": zeros the value does not have would claim a precision it does not have either.
    return shown.rstrip("0").rstrip(".") if "." in shown else shown
