"""The geometry of a KPI's sparkline: its actuals over the history, and the target of each period.

Only coordinates and words are computed here; the template writes them as inline SVG. Each period
owns one slot of the width: its actual is a dot at the slot's centre, its target a level line
across the slot, so a target that changes between periods (dated targets) shows as a step where
it changes, and a period without a value or a target leaves a gap rather than a made-up line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from ..status.formatting import number, period_label
from ..status.tables import KpiRow

WIDTH = 280
HEIGHT = 64
# Room for the dots' radius around the plot, so the highest and lowest values are not cut.
MARGIN = 5.0


@dataclass(frozen=True)
class SparkPoint:
    x: float
    y: float
    status: str
    note: str  # the tooltip: period, actual, target
    latest: bool


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    actual_path: str  # SVG path data; one subpath per run of periods with values
    target_path: str  # SVG path data, "" when no period has a target
    points: tuple[SparkPoint, ...]
    first_period: str
    last_period: str
    description: str  # for screen readers: what the picture shows, in words


def sparkline(history: Sequence[KpiRow], name: str) -> Sparkline | None:
    """The sparkline of one KPI's rows (any order), or None when no period has a value or a target."""
    periods = sorted(history, key=lambda row: row.periods_ago, reverse=True)  # oldest first, as read
    values = [value for row in periods for value in (row.actual, row.target) if value is not None]
    if not values:
        return None
    scale = _Scale.fitting(len(periods), min(values), max(values))
    points = tuple(
        SparkPoint(
            x=round(scale.centre(index), 1),
            y=round(scale.y(row.actual), 1),
            status=row.status,
            note=_note(row),
            latest=row.periods_ago == 0,
        )
        for index, row in enumerate(periods)
        if row.actual is not None
    )
    first, last = periods[0], periods[-1]
    return Sparkline(
        width=WIDTH,
        height=HEIGHT,
        actual_path=_actual_path(periods, scale),
        target_path=_target_path(periods, scale),
        points=points,
        first_period=period_label(first.grain, first.period_start),
        last_period=period_label(last.grain, last.period_start),
        description=_description(name, periods),
    )


@dataclass(frozen=True)
class _Scale:
    """From (period index, value) to SVG coordinates."""

    slot: float  # the width each period owns
    low: float
    high: float

    @classmethod
    def fitting(cls, periods: int, low: float, high: float) -> _Scale:
        if high == low:  # a flat history sits in the middle, not on an edge
            spread = abs(high) or 1.0
            low, high = low - spread, high + spread
        return cls((WIDTH - 2 * MARGIN) / periods, low, high)

    def left(self, index: int) -> float:
        return MARGIN + self.slot * index

    def centre(self, index: int) -> float:
        return self.left(index) + self.slot / 2

    def y(self, value: float) -> float:
        return MARGIN + (self.high - value) / (self.high - self.low) * (HEIGHT - 2 * MARGIN)


def _actual_path(periods: Sequence[KpiRow], scale: _Scale) -> str:
    return " ".join(
        f"{'L' if joined else 'M'}{scale.centre(index):.1f} {scale.y(actual):.1f}"
        for index, actual, joined in _with_gaps([row.actual for row in periods])
    )


def _target_path(periods: Sequence[KpiRow], scale: _Scale) -> str:
    # Joined to the period before, the pen stands at this slot's left edge: a step to the new level.
    return " ".join(
        f"V{scale.y(target):.1f} H{scale.left(index + 1):.1f}"
        if joined
        else f"M{scale.left(index):.1f} {scale.y(target):.1f} H{scale.left(index + 1):.1f}"
        for index, target, joined in _with_gaps([row.target for row in periods])
    )


def _with_gaps(values: Sequence[float | None]) -> Iterator[tuple[int, float, bool]]:
    """(index, value, whether the period before has a value too) for each period with a value."""
    previous_has_value = False
    for index, value in enumerate(values):
        if value is not None:
            yield index, value, previous_has_value
        previous_has_value = value is not None


def _note(row: KpiRow) -> str:
    period = period_label(row.grain, row.period_start)
    actual = number(row.actual, row.number_format, row.unit)
    target = number(row.target, row.number_format, row.unit)
    return f"{period}: {actual} (target {target}), {row.status.replace('_', ' ')}"


def _description(name: str, periods: Sequence[KpiRow]) -> str:
    first, last = periods[0], periods[-1]
    shown = [row for row in periods if row.actual is not None]
    span = f"{period_label(first.grain, first.period_start)} to {period_label(last.grain, last.period_start)}"
    if not shown:
        return f"{name}, {span}: no values, target {number(last.target, last.number_format, last.unit)}"
    low = min(shown, key=lambda row: row.actual or 0.0)
    high = max(shown, key=lambda row: row.actual or 0.0)
    formatted = [number(row.actual, row.number_format, row.unit) for row in (low, high, last)]
    return (
        f"{name}, {len(periods)} periods from {span}: between {formatted[0]} and {formatted[1]}, "
        f"latest {formatted[2]}, target {number(last.target, last.number_format, last.unit)}"
    )
