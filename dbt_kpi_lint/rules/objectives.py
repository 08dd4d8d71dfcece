"""A KPI measures progress toward an objective, and an objective needs a KPI that warns early."""

from __future__ import annotations

from typing import Iterable

from ..kpi.fields import Kpi
from ..kpi.values import INDICATORS, names, shown
from ..model import JinjaExpression, Severity
from .closed_values import unaccepted_value
from .registry import RuleContext, Violation, rule


@rule("KPI006", "kpi-without-objective", severity=Severity.WARNING)
def kpi_without_objective(context: RuleContext) -> Iterable[Violation]:
    """A KPI names no objective.

    ## What it checks
    Every KPI must name the objective it measures progress toward in `meta.objective` (or
    `objective` inside the `meta.kpi` mapping): a name such as `grow_revenue`, or a list of names
    when one KPI serves several objectives. A value that names nothing (`true`, an empty list) is
    reported at the key; unrendered Jinja counts as an objective.

    ## Why it matters
    A KPI is chosen because moving it means progress toward a goal. Without a named objective
    nobody can say what the number is key *to*: it cannot be weighed against the other KPIs of
    the same goal, and it tends to stay on the dashboard long after the goal it once served is
    gone. Objectives also let the KPI set be checked for balance (see KPI007).

    ## Example
    ```yaml
    metrics:
      - name: revenue
        config:
          meta: {kpi: true, owner: finance@example.com, target: 100000, direction: increase}
    ```

    ## Fix
    Add `objective: grow_revenue` (use the same name on every KPI that serves that goal). If the
    number serves no objective, remove `kpi: true`: it stays a useful supporting metric.
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        objective = kpi.objective
        if isinstance(objective.value, JinjaExpression) or names(objective.value):
            continue
        written = f"`{keys.objective}: {shown(objective.value)}` names" if objective.present else "names"
        yield Violation(
            f"KPI `{kpi.metric.name}` {written} no objective: set `{keys.objective}` to the goal it "
            f"measures progress toward (e.g. `grow_revenue`), or remove `{keys.kpi}: true` if it "
            f"serves none",
            kpi.metric,
            location=objective.location,
        )


@rule("KPI007", "objective-without-leading-kpi", severity=Severity.WARNING)
def objective_without_leading_kpi(context: RuleContext) -> Iterable[Violation]:
    """An objective is watched only by lagging KPIs, or a KPI does not say whether it leads or lags.

    ## What it checks
    Two findings, one concern: the leading/lagging balance of each objective.

    - Every KPI must set `meta.indicator` to `leading` (it moves before the outcome: trials
      started, qualified leads) or `lagging` (it confirms the outcome afterwards: revenue, churn).
      A missing value is reported at the metric, any other value at the key; common synonyms
      (`lead`, `lag`, `outcome`, `predictive`…) get the accepted spelling in the message.
    - Every objective (the `objective` names of KPI006) whose KPIs all declare `indicator: lagging`
      is reported once, at the `objective` key of its first KPI in file order, listing the KPIs.
      An objective with a KPI whose indicator is missing or unreadable is not judged until that
      KPI says which it is.

    These are one rule because the first finding is what makes the second possible: an objective
    can only be shown to lack a leading KPI once its KPIs say which kind they are.

    ## Why it matters
    Lagging KPIs tell you whether you succeeded, but only after the period is over, when it is
    too late to change course. An objective with only lagging KPIs learns about trouble at the
    quarterly review. A leading KPI gives warning while there is still time to act.

    ## Example
    ```yaml
    metrics:
      - name: revenue
        config:
          meta:
            kpi: true              # owner, target and direction left out for brevity
            objective: grow_revenue
            indicator: lagging
      - name: net_revenue_retention
        config:
          meta:
            kpi: true
            objective: grow_revenue
            indicator: lagging     # KPI007: nothing warns grow_revenue early
    ```

    ## Fix
    Promote a metric that moves before the outcome (qualified leads, trials started, activation
    rate) to a KPI of the same objective with `indicator: leading`. For a KPI without an
    indicator, add `indicator: leading` or `indicator: lagging`.
    """
    keys = context.meta_keys
    kpis_by_objective: dict[str, list[tuple[str, Kpi]]] = {}
    for kpi in context.kpis:
        indicator = kpi.indicator
        if not indicator.present:
            yield Violation(
                f"KPI `{kpi.metric.name}` does not say whether it is leading or lagging: add "
                f"`{keys.indicator}: leading` ({INDICATORS.meanings['leading']}) or "
                f"`{keys.indicator}: lagging` ({INDICATORS.meanings['lagging']})",
                kpi.metric,
                location=indicator.location,
            )
        elif found := unaccepted_value(kpi, keys.indicator, indicator, INDICATORS, "is neither leading nor lagging"):
            yield found
        for objective in names(kpi.objective.value):
            kpis_by_objective.setdefault(objective.casefold(), []).append((objective, kpi))
    for watchers in kpis_by_objective.values():
        if all(kpi.indicator.value == "lagging" for _, kpi in watchers):
            objective, first = min(watchers, key=lambda watcher: watcher[1].metric.location)
            listed = ", ".join(f"`{kpi.metric.name}`" for _, kpi in watchers)
            yield Violation(
                f"objective `{objective}` is watched only by lagging KPIs ({listed}), so it learns "
                f"of trouble after the period is over: promote a metric that moves first (e.g. "
                f"qualified leads, trials started) to a KPI of `{objective}` with "
                f"`{keys.indicator}: leading`",
                first.metric,
                location=first.objective.location,
            )
