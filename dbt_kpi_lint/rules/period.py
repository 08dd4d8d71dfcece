"""A KPI is judged per period; the period must be one the status table can compute."""

from __future__ import annotations

from typing import Iterable

from ..model import Severity
from .meta_values import GRAINS, shown
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
    keys = context.meta_keys
    for kpi in context.kpis:
        if kpi.grain.present and not GRAINS.accepts(kpi.grain.value):
            yield Violation(
                f"KPI `{kpi.metric.name}` has `{keys.grain}: {shown(kpi.grain.value)}`, which the status "
                f"table cannot judge over (it falls back to month): {GRAINS.fix(keys.grain, kpi.grain.value, GRAIN_MEANINGS)}",
                kpi.metric,
                location=kpi.grain.location,
            )


GRAIN_MEANINGS = {grain: f"one {grain}" for grain in GRAINS.allowed}
