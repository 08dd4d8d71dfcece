"""A KPI is a promise: somebody answers for it, and it has a number to reach."""

from __future__ import annotations

from typing import Iterable

from ..model import Severity
from .registry import RuleContext, Violation, rule


@rule("KPI001", "kpi-without-owner", severity=Severity.ERROR)
def kpi_without_owner(context: RuleContext) -> Iterable[Violation]:
    """A KPI has no owner.

    ## What it checks
    Every metric marked as a KPI (`meta.kpi: true`, or a `meta.kpi` mapping) must name who is
    accountable for it: `meta.owner`, the `owner` key inside the `meta.kpi` mapping, or the owner
    (name or email) of the dbt group the metric belongs to (`config.group`).

    ## Why it matters
    A KPI exists so that someone acts when it moves. Without a named owner, an off-track KPI is
    everybody's concern and therefore nobody's job; it quietly turns back into a plain metric.

    ## Example
    ```yaml
    metrics:
      - name: net_revenue
        config:
          meta: {kpi: true, target: 120000, direction: increase}
    ```

    ## Fix
    Add `owner: finance-leads@example.com` to the metric's `config.meta`, or assign the metric to a
    group that has an owner (`config: {group: finance}`).
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        if not kpi.owner.present:
            yield Violation(
                f"KPI `{kpi.metric.name}` has no owner: set `meta.{keys.owner}` to the accountable "
                f"person or team, or put the metric in a dbt group that has an owner (`config.group`)",
                kpi.metric,
            )


@rule("KPI002", "kpi-without-target", severity=Severity.ERROR)
def kpi_without_target(context: RuleContext) -> Iterable[Violation]:
    """A KPI has no target.

    ## What it checks
    Every KPI must carry `meta.target` (or `target` inside the `meta.kpi` mapping): the value it
    should reach in a period. Jinja such as `"{{ var('revenue_target') }}"` counts as a target.

    ## Why it matters
    A KPI is read against its goal: "on track" or "off track" needs something to be on track to.
    A number without a target can be watched but not judged; it is a tracked metric, not a KPI, and
    the KPI status table can only report `no_target` for it.

    ## Example
    ```yaml
    metrics:
      - name: active_customers
        config:
          meta: {kpi: true, owner: cs@example.com}
    ```

    ## Fix
    Add `target: 450` and `direction: increase` (or `decrease` when lower is better). If the number
    has no goal, remove `kpi: true`: it stays a useful metric.
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        if not kpi.target.present:
            yield Violation(
                f"KPI `{kpi.metric.name}` has no target: set `meta.{keys.target}` to the value it should "
                f"reach each period (with `{keys.direction}: increase|decrease`), or remove "
                f"`{keys.kpi}: true` if the number is only tracked",
                kpi.metric,
            )
