"""Period math and status evaluation: pure Python, no dbt, no MetricFlow, no SQL.

Kept apart so the rules that decide "on track" can be tested exactly and cheaply, and so the
period boundaries are defined once and match what MetricFlow groups by.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal

from .spec import Direction, Grain, KpiSpec

Status = Literal["on_track", "at_risk", "off_track", "no_target", "no_data"]

# Band edges are inclusive ("short by no more than band x target"). Products such as
# 0.1 * 0.3 are not exact in binary floating point, so a value sitting on the edge could
# otherwise fall either way; allow this relative slack at the comparison.
_EDGE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Period:
    """A calendar period [start, end) of one grain."""

    grain: Grain
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def period_start(day: date, grain: Grain) -> date:
    """Start of the period holding `day`.

    Weeks start on Monday, as MetricFlow's week rows do: it renders `DATE_TRUNC('week', ...)`
    (ISO weeks on DuckDB; Snowflake follows its WEEK_START parameter, Monday by default) and
    `isoweek` on BigQuery. A mismatch would show as no_data, never as a wrong number.
    """
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown grain {grain!r}")


def shift_period_start(start: date, grain: Grain, periods: int) -> date:
    """The start of the period `periods` away from the period starting at `start`."""
    if grain == "day":
        return start + timedelta(days=periods)
    if grain == "week":
        return start + timedelta(weeks=periods)
    months = {"month": 1, "quarter": 3, "year": 12}.get(grain)
    if months is None:
        raise ValueError(f"unknown grain {grain!r}")
    index = start.year * 12 + (start.month - 1) + periods * months
    return date(index // 12, index % 12 + 1, 1)


def period_of(day: date, grain: Grain) -> Period:
    start = period_start(day, grain)
    return Period(grain, start, shift_period_start(start, grain, 1))


def last_complete_period(as_of: date, grain: Grain) -> Period:
    """The latest period that ended before `as_of`.

    The period holding `as_of` is still running (today's data is partial), so it is skipped even
    when `as_of` is its first day: as of 2024-07-01 the last complete month is June.
    """
    start = period_start(as_of, grain)
    return period_of(shift_period_start(start, grain, -1), grain)


def previous_period(period: Period) -> Period:
    return period_of(shift_period_start(period.start, period.grain, -1), period.grain)


def coerce_as_of(value: date | datetime | str | None) -> date:
    """The as-of date from a dbt var (often a string), a date, or None for today (UTC).

    UTC, not the machine's zone, so a CI runner and a laptop agree on which period is complete.
    """
    if value is None or value == "":
        return datetime.now(timezone.utc).date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise TypeError(f"as_of must be a date, an ISO date string or None, got {type(value).__name__}")


def clean_value(value: object) -> float | None:
    """A metric value as float, or None when there is no usable number.

    NaN/inf come from e.g. a ratio over an empty denominator on some engines: not data.
    Decimal (DuckDB SUM over DECIMAL columns) becomes float here, once.
    """
    if value is None:
        return None
    if not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        raise TypeError(f"metric value {value!r} is not numeric")
    number = float(value)
    return number if math.isfinite(number) else None


def attainment(actual: float | None, target: float | None, direction: Direction | None) -> float | None:
    """How far toward the target `actual` is, where 1.0 means exactly on target.

    increase: 1 + (actual - target) / |target|   (= actual / target for a positive target)
    decrease: 1 + (target - actual) / |target|   (the mirror: 10% over a ceiling scores 0.9)

    The linear mirror (rather than target / actual) keeps one reading for both directions:
    attainment >= 1 is on track, >= 1 - band is at risk or better; it stays finite when a
    "lower is better" actual reaches 0, and behaves for negative targets. Undefined (None) when
    there is no actual, no target, no direction, or the target is 0.
    """
    if actual is None or target is None or direction is None or target == 0:
        return None
    sign = 1.0 if direction == "increase" else -1.0
    return 1.0 + sign * (actual - target) / abs(target)


def evaluate_status(
    actual: float | None, target: float | None, direction: Direction | None, at_risk_band: float
) -> Status:
    """on_track / at_risk / off_track against the target, with the band as a fraction of |target|.

    A missing target wins over missing data: a KPI without a target is only tracked, whatever
    its data; only a KPI that could be judged is reported as lacking data. Without a direction
    a target cannot be judged either (is 90 against 100 short or ahead?).
    """
    if target is None or direction is None:
        return "no_target"
    if actual is None:
        return "no_data"
    # Shortfall is how far on the wrong side of the target actual sits (<= 0 means met).
    shortfall = (target - actual) if direction == "increase" else (actual - target)
    slack = _EDGE_TOLERANCE * max(abs(target), abs(actual), 1.0)
    if shortfall <= slack:
        return "on_track"
    if shortfall <= at_risk_band * abs(target) + slack:
        return "at_risk"
    return "off_track"


@dataclass(frozen=True)
class KpiStatusRow:
    """One row of the `kpi_status` table."""

    metric_name: str
    label: str | None
    owner: str | None
    objective: str | None
    indicator: str | None
    direction: Direction | None
    grain: Grain
    as_of: date
    period_start: date
    period_end: date  # last day of the period, inclusive: what a reader expects to see
    previous_period_start: date
    actual: float | None
    previous: float | None
    target: float | None
    at_risk_band: float
    attainment: float | None
    status: Status
    lint_codes: str  # comma-joined: a plain string every BI tool and warehouse can show


def evaluate_kpi(spec: KpiSpec, values: Mapping[date, float | None], as_of: date) -> KpiStatusRow:
    """Judge one KPI from its per-period values, keyed by period start at the KPI's grain."""
    current = last_complete_period(as_of, spec.grain)
    before = previous_period(current)
    actual = clean_value(values.get(current.start))
    previous = clean_value(values.get(before.start))
    return KpiStatusRow(
        metric_name=spec.metric,
        label=spec.label,
        owner=spec.owner,
        objective=spec.objective,
        indicator=spec.indicator,
        direction=spec.direction,
        grain=spec.grain,
        as_of=as_of,
        period_start=current.start,
        period_end=current.last_day,
        previous_period_start=before.start,
        actual=actual,
        previous=previous,
        target=spec.target,
        at_risk_band=spec.at_risk_band,
        attainment=attainment(actual, spec.target, spec.direction),
        status=evaluate_status(actual, spec.target, spec.direction, spec.at_risk_band),
        lint_codes=",".join(spec.lint_codes),
    )
