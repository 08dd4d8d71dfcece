"""What a metric's values can be, as far as its definition tells without running it.

Only certainties count: a `count` is never negative and a conversion rate lies in [0, 1]. A `sum`
may be negative (refunds), a derived expression may be anything: those stay unknown. Every range
known this way starts at 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generator

from ..model import Metric, Project
from .input_fold import InputFold

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


class ValueRanges(InputFold[ValueRange | None]):
    """What each metric of a project can be; None where its definition does not make it certain."""

    def __init__(self, project: Project) -> None:
        super().__init__(self._range, in_cycle=None)
        self._project = project

    def _range(self, metric: Metric) -> Generator[Metric, ValueRange | None, ValueRange | None]:
        if metric.type == "conversion":
            calculation = metric.conversion_calculation or DEFAULT_CONVERSION_CALCULATION
            if calculation == "conversion_rate":
                return ValueRange(1.0, "a conversion rate")
            return ValueRange(None, "a number of conversions")
        if metric.type in ("simple", "cumulative"):
            aggregation = aggregation_of(metric, self._project)
            if aggregation in COUNTING_AGGREGATIONS:
                return ValueRange(None, f"a `{aggregation}`")
        if metric.type == "cumulative":
            source = self._input(metric, "input_metric")
            below = (yield source) if source is not None else None
            return ValueRange(None, f"a running total of {below.kind}") if below else None
        if metric.type == "ratio":
            for role in ("numerator", "denominator"):
                source = self._input(metric, role)
                if source is None or not (yield source):
                    return None
            return ValueRange(None, "a ratio of two metrics that are never negative")
        return None

    def _input(self, metric: Metric, role: str) -> Metric | None:
        """The first input of `role` that the project defines."""
        for reference in metric.inputs:
            source = self._project.metric(reference.name) if reference.role == role else None
            if source is not None:
                return source
        return None
