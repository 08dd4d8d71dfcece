"""How a KPI's number is shown must be something every reader of the meta understands."""

from __future__ import annotations

from typing import Iterable

from ..kpi.values import NUMBER_FORMATS, as_number, shown
from ..model import JinjaExpression, Severity
from .closed_values import unaccepted_value
from .registry import RuleContext, Violation, rule


@rule("KPI013", "invalid-format-or-unit", severity=Severity.ERROR)
def invalid_format_or_unit(context: RuleContext) -> Iterable[Violation]:
    """A KPI's `format` is not one the tables know, or its `unit` is not text.

    ## What it checks
    Both keys are optional. `format` must be `number` (the default) or `percent` (a fraction
    shown as a percentage: 0.25 reads 25%), exactly; `unit` (what the number counts, shown after
    it: `EUR`, `hours`) must be text. Unrendered Jinja counts as a value not known yet.

    ## Why it matters
    The KPI tables, `status` and `report` read these values as written. An unknown format
    (`percentage`, `pct`) falls back to `number` without a word, so a rate of 21 % shows as
    `0.21` next to a target of `0.25`. A unit that YAML reads as a number, a boolean or a list
    (`unit: 1000`, `unit: [EUR]`) is shown as that value or dropped.

    ## Example
    ```yaml
    metrics:
      - name: refund_rate
        config:
          meta:
            kpi: true
            format: percentage   # KPI013: write `format: percent`
    ```

    ## Fix
    Write the format the message names; quote a unit YAML would read otherwise (`unit: "1000"`).
    """
    keys = context.meta_keys
    consequence = "the tables do not know (they show a plain number)"
    for kpi in context.kpis:
        if found := unaccepted_value(kpi, keys.number_format, kpi.number_format, NUMBER_FORMATS, consequence):
            yield found
        unit = kpi.unit
        if unit.present and not isinstance(unit.value, (str, JinjaExpression)):
            fix = (
                f'quote it (`{keys.unit}: "{shown(unit.value)}"`)'
                if as_number(unit.value) is not None
                else f"write what the number counts as text, e.g. `{keys.unit}: EUR`"
            )
            yield Violation(
                f"KPI `{kpi.metric.name}` has `{keys.unit}: {shown(unit.value)}`, which is not text: {fix}",
                kpi.metric,
                location=unit.location,
            )
