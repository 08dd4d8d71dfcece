"""Spellings dbt still accepts today and refuses in a coming release."""

from __future__ import annotations

from typing import Iterable

from ..model import Project, Severity
from .registry import RuleContext, Violation, rule

NESTED_CUMULATIVE_FLAG = "require_nested_cumulative_type_params"
# The first dbt release that defaults the flag to true, and so refuses the legacy spelling.
REFUSING_RELEASE = (1, 12)


@rule(
    "DEP001",
    "legacy-cumulative-params",
    severity=Severity.WARNING,
    severity_note="warning; error when the project's flags make dbt refuse it",
    fixable=True,
)
def legacy_cumulative_params(context: RuleContext) -> Iterable[Violation]:
    """A cumulative metric sets `window` or `grain_to_date` directly under `type_params`.

    ## What it checks
    `type_params.window` and `type_params.grain_to_date` are the pre-1.9 spelling of
    `type_params.cumulative_type_params.window` / `.grain_to_date`. The finding points at the
    first legacy key of each metric.

    The finding is an **error** when the project makes dbt refuse the spelling: `dbt_project.yml`
    sets `flags: require_nested_cumulative_type_params: true` (dbt 1.9 to 1.11 then refuse it
    too), or its `require-dbt-version` admits only dbt 1.12 and later without setting that flag to
    `false`. Otherwise it is a warning.

    ## Why it matters
    dbt 1.9 to 1.11 accept the old spelling with a deprecation warning; dbt 1.12 defaults the
    flag to true and refuses to parse the project ("Semantic Manifest validation failed").
    Renaming now keeps the upgrade a non-event.

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
    refusal = _why_dbt_refuses_legacy_cumulative_params(context.project)
    consequence = (
        f"which dbt refuses for this project ({refusal})"
        if refusal
        else f"which dbt 1.12 refuses (unless `flags: {NESTED_CUMULATIVE_FLAG}: false`)"
    )
    for metric in context.project.metrics:
        if metric.legacy_window_keys:
            yield Violation(
                f"`{metric.name}` sets `window`/`grain_to_date` directly under `type_params`, the legacy "
                f"spelling {consequence}; nest them under `type_params.cumulative_type_params` "
                f"(`--fix` does it)",
                metric,
                location=metric.legacy_window_keys[0],
                severity=Severity.ERROR if refusal else Severity.WARNING,
            )


def _why_dbt_refuses_legacy_cumulative_params(project: Project) -> str | None:
    flag = project.flags.get(NESTED_CUMULATIVE_FLAG)
    if flag is True:
        return f"dbt_project.yml sets `flags: {NESTED_CUMULATIVE_FLAG}: true`"
    oldest = project.oldest_dbt_version
    if flag is not False and oldest is not None and oldest >= REFUSING_RELEASE:
        return (
            f"`require-dbt-version` admits only dbt {'.'.join(map(str, REFUSING_RELEASE))} and later, whose "
            f"`{NESTED_CUMULATIVE_FLAG}` defaults to true"
        )
    return None
