"""A KPI is judged per period; the period must be one the status table can compute."""

from __future__ import annotations

from typing import Iterable

from ..kpi.values import GRAINS, shown
from ..model import Severity
from .closed_values import unaccepted_value
from .registry import RuleContext, Violation, rule


@rule("KPI009", "invalid-grain", severity=Severity.ERROR)
def invalid_grain(context: RuleContext) -> Iterable[Violation]:
    """A KPI's `grain` is not a period the status table can judge it over.

    ## What it checks
    `grain` is optional (the default is `month`); when present it must be one of `day`, `week`,
    `month`, `quarter` or `year`, exactly: MetricFlow's standard granularities from a day up.
    Unrendered Jinja counts as a grain whose value is not known yet.

    ## Why it matters
    The KPI status table compares the last complete period of this grain with the target. An
    unknown grain (`monthly`, `fiscal_quarter`, `hour`) cannot be computed; the table falls back
    to `month`, which silently judges a weekly target against a month of data.

    ## Example
    ```yaml
    metrics:
      - name: weekly_active_users
        config:
          meta:
            kpi: true
            grain: weekly        # KPI009: write `grain: week`
    ```

    ## Fix
    Write one of the five grains; the message names the likely one. A target meant for a custom
    (fiscal) calendar needs a standard grain here.
    """
    consequence = "the status table cannot judge over (it falls back to month)"
    for kpi in context.kpis:
        if found := unaccepted_value(kpi, context.meta_keys.grain, kpi.grain, GRAINS, consequence):
            yield found


@rule("KPI010", "cumulative-kpi-reads-first-day", severity=Severity.WARNING)
def cumulative_kpi_reads_first_day(context: RuleContext) -> Iterable[Violation]:
    """A cumulative KPI is judged per period on the running value of the period's first day.

    ## What it checks
    A KPI whose metric is `cumulative`, judged over a grain coarser than a day (the default
    `month`), must say how a period's daily running values become one number:
    `cumulative_type_params: {period_agg: last}` (or `average`). Without it MetricFlow uses
    `first`.

    ## Why it matters
    Queried by month, a month-to-date or trailing-30-day metric then shows its value on the 1st
    of the month: one day of a "month-to-date" total, or the 30 days that ended before the month
    began. The KPI status table, dashboards and `mf query --group-by metric_time__month` all read
    that number, so the KPI is judged on a period that is not the one its target means.

    ## Example
    ```yaml
    metrics:
      - name: revenue_mtd
        type: cumulative
        type_params:
          measure: revenue
          cumulative_type_params:
            grain_to_date: month     # KPI010: no period_agg, so May shows May 1st only
        config:
          meta: {kpi: true, target: 250000, direction: increase, grain: month}
    ```

    ## Fix
    Add `period_agg: last` under `type_params.cumulative_type_params` (latest spec: `period_agg:
    last` on the metric), or `average` for the mean of the running values; or judge the KPI by
    `grain: day`.
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        metric = kpi.metric
        grain = kpi.grain.value if kpi.grain.present else "month"
        if metric.type == "cumulative" and metric.period_agg == "first" and grain != "day":
            yield Violation(
                f"KPI `{metric.name}` is cumulative and judged by `{keys.grain}: {shown(grain)}`, but each "
                f"period takes the running value of its first day (period_agg `first`, MetricFlow's "
                f"default): add `period_agg: last` under `cumulative_type_params`",
                metric,
            )
