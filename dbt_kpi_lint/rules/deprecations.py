"""Spellings dbt still accepts today and refuses in a coming release."""

from __future__ import annotations

from typing import Iterable

from ..model import Severity
from .registry import RuleContext, Violation, rule


@rule("DEP001", "legacy-cumulative-params", severity=Severity.WARNING, fixable=True)
def legacy_cumulative_params(context: RuleContext) -> Iterable[Violation]:
    """A cumulative metric sets `window` or `grain_to_date` directly under `type_params`.

    ## What it checks
    `type_params.window` and `type_params.grain_to_date` are the pre-1.9 spelling of
    `type_params.cumulative_type_params.window` / `.grain_to_date`. The finding points at the
    first legacy key of each metric.

    ## Why it matters
    dbt 1.9 to 1.11 accept the old spelling with a deprecation warning; dbt 1.12 refuses to parse
    the project (semantic manifest validation fails). Renaming now keeps the upgrade a non-event.

    ## Example
    ```yaml
    metrics:
      - name: orders_last_7_days
        type: cumulative
        type_params:
          measure: orders
          window: 7 days
    ```

    ## Fix
    Nest the keys: `type_params: {measure: orders, cumulative_type_params: {window: 7 days}}`.
    `dbt-kpi-lint check --fix` does it, keeping comments and quoting. The new spelling needs
    dbt 1.9 or later.
    """
    for metric in context.project.metrics:
        if metric.legacy_window_keys:
            yield Violation(
                f"`{metric.name}` sets `window`/`grain_to_date` directly under `type_params`, the legacy "
                f"spelling dbt 1.12 refuses; nest them under `type_params.cumulative_type_params` "
                f"(`--fix` does it)",
                metric,
                location=metric.legacy_window_keys[0],
            )
