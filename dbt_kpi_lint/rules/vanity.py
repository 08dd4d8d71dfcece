"""Vanity metrics: numbers that can only grow, and so never tell anyone to act."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generator, Iterable

from ..model import Metric, MetricInput, Project, Severity
from .input_fold import InputFold
from .registry import RuleContext, Violation, rule

# `a - b`: the one expression that turns two readings of a running total into a period's figure.
_DIFFERENCE = re.compile(r"(?P<total>\w+)\s*-\s*(?P<at_start>\w+)")


def is_all_time_running_total(metric: Metric) -> bool:
    return metric.type == "cumulative" and not metric.window and not metric.grain_to_date


def is_period_to_date_difference(metric: Metric, project: Project) -> bool:
    """`X - X at the start of a grain`: a running total minus its own value when the period began.

    That is the period-to-date figure (month to date for `offset_to_grain: month`), which can fall
    from one period to the next. The value at the start may be an input of `X` with
    `offset_to_grain`, or a derived metric that is exactly that.
    """
    if metric.type != "derived" or metric.expr is None or len(metric.inputs) != 2:
        return False
    match = _DIFFERENCE.fullmatch(_unparenthesized(metric.expr.strip()))
    if match is None:
        return False
    by_alias = {reference.reads_as: reference for reference in metric.inputs}
    total, at_start = by_alias.get(match["total"]), by_alias.get(match["at_start"])
    return (
        total is not None
        and at_start is not None
        and _unshifted(total)
        and _start_of_grain_value_of(at_start, project) == total.name
    )


def _unparenthesized(expression: str) -> str:
    """`expression` without the parentheses around all of it: `((a - b))` -> `a - b`.

    By index, not by slicing per pair: an expression in 100,000 parentheses is 100,000 copies.
    """
    start, end = 0, len(expression)
    while end - start >= 2 and expression[start] == "(" and expression[end - 1] == ")":
        start, end = start + 1, end - 1
        while start < end and expression[start].isspace():
            start += 1
        while end > start and expression[end - 1].isspace():
            end -= 1
    return expression[start:end]


def _unshifted(reference: MetricInput) -> bool:
    return not (reference.offset_window or reference.offset_to_grain or reference.has_filter)


def _unshifted_but_for_grain(reference: MetricInput) -> bool:
    return not (reference.offset_window or reference.has_filter)


def _start_of_grain_value_of(reference: MetricInput, project: Project) -> str | None:
    """The metric whose value at the start of a grain `reference` reads, if that is what it reads."""
    if reference.offset_to_grain and _unshifted_but_for_grain(reference):
        return reference.name
    if not _unshifted(reference):
        return None
    metric = project.metric(reference.name)
    if metric is None or metric.type != "derived" or len(metric.inputs) != 1 or metric.expr is None:
        return None
    [inner] = metric.inputs
    reads_only_the_start = metric.expr.strip() == inner.reads_as
    return inner.name if reads_only_the_start and inner.offset_to_grain and _unshifted_but_for_grain(inner) else None


def _window_hint(metric: Metric) -> str:
    if metric.spec == "legacy":
        return "`type_params.cumulative_type_params.window: 28 days` or `grain_to_date: month`"
    return "`window: 28 days` or `grain_to_date: month`"


@rule("VAN001", "all-time-cumulative", severity=Severity.WARNING, severity_note="warning; error on a KPI")
def all_time_cumulative(context: RuleContext) -> Iterable[Violation]:
    """A cumulative metric has neither a window nor a grain_to_date: an all-time running total.

    ## What it checks
    A `cumulative` metric with no `window` and no `grain_to_date` (in either spelling:
    `type_params.window`, `type_params.cumulative_type_params.window`, or the latest spec's
    `window`) sums everything since the first row. The finding is an **error** when the metric is a
    KPI and a **warning** otherwise.

    ## Why it matters
    An all-time total ("customers ever", "lifetime revenue") can only go up. It looks good on every
    slide and never signals that something needs attention, which makes it the textbook vanity
    metric. A trailing window or a period-to-date figure can fall, and so carries information.

    ## Example
    ```yaml
    metrics:
      - name: customers_to_date
        type: cumulative
        type_params:
          measure: new_customers
    ```

    ## Fix
    Bound it: `cumulative_type_params: {window: 28 days}` for a trailing figure, or
    `{grain_to_date: month}` for month-to-date. If the all-time figure is needed for context, keep
    it as a metric but do not promote it to KPI.
    """
    kpi_names = {kpi.metric.name for kpi in context.kpis}
    for metric in context.project.metrics:
        if is_all_time_running_total(metric):
            is_kpi = metric.name in kpi_names
            yield Violation(
                f"`{metric.name}` is an all-time running total (cumulative with no window or "
                f"grain_to_date){' promoted to KPI' if is_kpi else ''}: it can only grow, so it never "
                f"signals when to act; add {_window_hint(metric)}",
                metric,
                severity=Severity.ERROR if is_kpi else Severity.WARNING,
            )


@rule("VAN002", "built-on-all-time-cumulative", severity=Severity.WARNING)
def built_on_all_time_cumulative(context: RuleContext) -> Iterable[Violation]:
    """A metric is computed from an all-time running total.

    ## What it checks
    Derived metrics (`metrics` / `input_metrics`), ratios (`numerator` / `denominator`), cumulative
    metrics over a metric (`input_metric`) and conversion metrics are followed transitively; when
    one of their inputs is, or is built on, a cumulative metric with neither `window` nor
    `grain_to_date`, the finding points at the input reference that leads there.

    One construction is bounded and not reported: a derived metric `X - X_at_start` where
    `X_at_start` reads the same running total `X` with `offset_to_grain` (directly, or through a
    derived metric that does only that). It is the period-to-date figure, what this rule
    recommends; metrics built on it are not reported either.

    ## Why it matters
    A ratio or difference over a lifetime total inherits its flaw: the lifetime part dominates as
    history piles up, so the result drifts smoothly and hides what happened this period.

    ## Example
    ```yaml
    metrics:
      - name: revenue_per_customer_ever
        type: ratio
        type_params:
          numerator: revenue
          denominator: customers_to_date   # all-time running total
    ```

    ## Fix
    Build on a windowed input instead (`customers_last_28_days`, `customers_mtd`), or bound the
    cumulative input itself.
    """
    paths = _PathsToAllTimeTotal(context.project)
    for metric in context.project.metrics:
        if is_period_to_date_difference(metric, context.project):
            continue
        for reference in metric.inputs:
            source = context.project.metric(reference.name)
            path = paths(source) if source is not None else None
            if path is not None:
                yield Violation(
                    f"`{metric.name}` is built on an all-time running total ({path}): its value drifts with "
                    f"all history; use a windowed or period-to-date input, or bound `{path.total}` with a window",
                    metric,
                    location=reference.location,
                )
                break


@dataclass(frozen=True)
class _Path:
    """An input path to an all-time running total, kept as far as a message shows it.

    Whole paths would be quadratic: a chain of 10,000 metrics has 10,000 paths of 5,000 names on average.
    """

    shown: tuple[str, ...]  # the first names of the path, at most _SHOWN_NAMES
    length: int
    total: str  # the all-time running total it ends at

    def through(self, name: str) -> _Path:
        return _Path((name, *self.shown)[:_SHOWN_NAMES], self.length + 1, self.total)

    def __str__(self) -> str:
        if self.length <= _SHOWN_NAMES:
            return " -> ".join(self.shown)
        hidden = self.length - _SHOWN_NAMES
        return " -> ".join((*self.shown[: _SHOWN_NAMES - 1], f"... {hidden:,} more", self.total))


_SHOWN_NAMES = 8


class _PathsToAllTimeTotal(InputFold[_Path | None]):
    """The first input path (in input order) from a metric to an all-time running total, if any."""

    def __init__(self, project: Project) -> None:
        super().__init__(self._path, in_cycle=None)
        self._project = project

    def _path(self, metric: Metric) -> Generator[Metric, _Path | None, _Path | None]:
        if is_all_time_running_total(metric):
            return _Path((metric.name,), 1, metric.name)
        if is_period_to_date_difference(metric, self._project):
            return None
        for reference in metric.inputs:
            source = self._project.metric(reference.name)
            below = (yield source) if source is not None else None
            if below is not None:
                return below.through(metric.name)
        return None
