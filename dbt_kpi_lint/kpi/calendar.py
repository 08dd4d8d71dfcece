"""The calendar of KPI periods: what the generated models compute in Jinja, for Python's readers.

Weeks start on Monday (MetricFlow's `metric_time__week` on every engine), quarters and years are
calendar ones. The period holding a day is still running on that day, so the period judged as
of a day is the last complete one before it.
"""

from __future__ import annotations

from datetime import date, timedelta


def period_start(day: date, grain: str) -> date:
    """The first day of the period of `grain` holding `day`."""
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    return day


def shifted(start: date, grain: str, periods: int) -> date:
    """The start of the period `periods` after (negative: before) the one starting on `start`."""
    if grain == "day":
        return start + timedelta(days=periods)
    if grain == "week":
        return start + timedelta(weeks=periods)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    index = start.year * 12 + start.month - 1 + periods * months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_period(as_of: date, grain: str) -> tuple[date, date]:
    """(first day, last day) of the period judged as of `as_of`."""
    current = period_start(as_of, grain)
    start = shifted(current, grain, -1)
    return start, current - timedelta(days=1)
