"""A raw volume needs a frame (a period or a base) before it can tell anyone to act."""

from __future__ import annotations

from typing import Iterable

from ..model import Severity
from .registry import RuleContext, Violation, rule
from .value_range import COUNTING_AGGREGATIONS, aggregation_of

VOLUME_AGGREGATIONS = COUNTING_AGGREGATIONS | {"sum"}


@rule("VAN003", "kpi-is-raw-volume", severity=Severity.WARNING, enabled=False)
def kpi_is_raw_volume(context: RuleContext) -> Iterable[Violation]:
    """A KPI is a raw count or sum with no period to judge it over (off by default; heuristic).

    ## What it checks
    A KPI that is a `simple` metric aggregating with `sum`, `count`, `count_distinct` or
    `sum_boolean` (its own `agg` or its measure's) and whose meta sets no `grain` (the period its
    target applies to: `day`, `week`, `month`…) is reported at the metric. Rates (`ratio`,
    `conversion`), derived figures and cumulative metrics are not: a cumulative metric is framed
    by its `window` or `grain_to_date`, and one without either is already VAN001.

    This is a heuristic: a volume with a stated period can be a fine KPI ("orders this week"),
    and the linter cannot see whether the number grows with the business regardless of anyone's
    work. That is why the rule is off by default and, when enabled, warns rather than fails.

    ## Why it matters
    "Total page views" is the pattern: a volume grows with traffic, seasons and the size of the
    business, looks good in every review and rarely says when to act. A rate (conversion from the
    key pages) or a figure for a stated recent period (orders this week against this week's
    target) can fall, and so carries information.

    ## Example
    ```yaml
    metrics:
      - name: page_views
        type: simple
        type_params: {measure: page_views}    # measure with agg: count
        config:
          meta: {kpi: true, owner: web@example.com, target: 1000000, direction: increase}
    ```

    ## Fix
    State the period the target applies to (`grain: week` in the KPI's meta), or promote a rate
    instead: a `ratio` metric over the right base (conversions per session) or a `conversion`
    metric, keeping the raw volume as a supporting metric.

    ## Silencing
    The rule is off unless enabled (`--extend-select VAN003`, or `select` in the configuration).
    Where it is enabled and a volume is deliberate, add `grain:` to the KPI's meta, put
    `# noqa: VAN003` on the metric's `name:` line, or ignore VAN003 for the project.
    """
    grain_key = context.meta_keys.grain
    for kpi in context.kpis:
        metric = kpi.metric
        aggregation = aggregation_of(metric, context.project) if metric.type == "simple" else None
        if aggregation in VOLUME_AGGREGATIONS and not kpi.grain.present:
            yield Violation(
                f"KPI `{metric.name}` is a raw `{aggregation}` with no period: a volume grows with the "
                f"business and rarely says when to act; set `{grain_key}:` (e.g. `week`) to the period "
                f"its target applies to, or promote a rate (a ratio over the right base) instead",
                metric,
            )
