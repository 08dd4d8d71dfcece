"""Vanity metrics: numbers that can only grow, and so never tell anyone to act."""

from __future__ import annotations

from typing import Iterable

from ..model import Metric, Project, Severity
from .registry import RuleContext, Violation, rule


def is_all_time_running_total(metric: Metric) -> bool:
    return metric.type == "cumulative" and not metric.window and not metric.grain_to_date


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
    chains = _ChainsToAllTimeTotal(context.project)
    for metric in context.project.metrics:
        for reference in metric.inputs:
            chain = chains.from_metric(reference.name)
            if chain:
                yield Violation(
                    f"`{metric.name}` is built on an all-time running total "
                    f"({' -> '.join(chain)}): its value drifts with all history; use a windowed "
                    f"or period-to-date input, or bound `{chain[-1]}` with a window",
                    metric,
                    location=reference.location,
                )
                break


class _ChainsToAllTimeTotal:
    """Memoized input paths to an all-time running total; input cycles end a path."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self._known: dict[str, tuple[str, ...]] = {}

    def from_metric(self, name: str) -> tuple[str, ...]:
        if name in self._known:
            return self._known[name]
        self._known[name] = ()  # guards against input cycles while this name is explored
        metric = self._project.metric(name)
        chain: tuple[str, ...] = ()
        if metric is not None and is_all_time_running_total(metric):
            chain = (name,)
        elif metric is not None:
            for reference in metric.inputs:
                below = self.from_metric(reference.name)
                if below:
                    chain = (name, *below)
                    break
        self._known[name] = chain
        return chain
