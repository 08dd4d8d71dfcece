"""What a metric's values can be, as far as its definition tells without running it.

Only certainties count: a `count` is never negative and a conversion rate lies in [0, 1]. A `sum`
may be negative (refunds), a derived expression may be anything: those stay unknown. Every range
known this way starts at 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Metric, Project

COUNTING_AGGREGATIONS = frozenset({"count", "count_distinct", "sum_boolean"})
DEFAULT_CONVERSION_CALCULATION = "conversion_rate"  # MetricFlow's default when none is written


@dataclass(frozen=True)
class ValueRange:
    """Values from 0 up to `high` (None: unbounded)."""

    high: float | None
    kind: str  # what the metric's values are, for messages: "a conversion rate"

    def contains(self, number: float) -> bool:
        return number >= 0 and (self.high is None or number <= self.high)


def aggregation_of(metric: Metric, project: Project) -> str | None:
    """The aggregation of a simple or cumulative metric: its own `agg`, or its measure's."""
    if metric.agg:
        return metric.agg
    measure = project.measure(metric.measure) if metric.measure else None
    return measure.agg if measure else None


def value_range_of(metric: Metric, project: Project) -> ValueRange | None:
    return _range(metric, project, frozenset())


def _range(metric: Metric, project: Project, visiting: frozenset[str]) -> ValueRange | None:
    if metric.name in visiting:
        return None
    visiting = visiting | {metric.name}
    if metric.type == "conversion":
        calculation = metric.conversion_calculation or DEFAULT_CONVERSION_CALCULATION
        if calculation == "conversion_rate":
            return ValueRange(1.0, "a conversion rate")
        return ValueRange(None, "a number of conversions")
    if metric.type in ("simple", "cumulative"):
        aggregation = aggregation_of(metric, project)
        if aggregation in COUNTING_AGGREGATIONS:
            return ValueRange(None, f"a `{aggregation}`")
    if metric.type == "cumulative":
        below = _input_range(metric, "input_metric", project, visiting)
        return ValueRange(None, f"a running total of {below.kind}") if below else None
    if metric.type == "ratio" and all(
        _input_range(metric, role, project, visiting) for role in ("numerator", "denominator")
    ):
        return ValueRange(None, "a ratio of two metrics that are never negative")
    return None


def _input_range(metric: Metric, role: str, project: Project, visiting: frozenset[str]) -> ValueRange | None:
    for reference in metric.inputs:
        source = project.metric(reference.name) if reference.role == role else None
        if source is not None:
            return _range(source, project, visiting)
    return None
