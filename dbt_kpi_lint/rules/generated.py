"""The generated KPI models must match the project they were generated for."""

from __future__ import annotations

from typing import Iterable

from ..loading.generated_paths import GeneratedPaths, uses_generated_models
from ..model import Location, Severity
from .registry import RuleContext, Violation, rule

STALENESS_RULE_CODE = "GEN001"


@rule(STALENESS_RULE_CODE, "stale-generated-kpi-models", severity=Severity.ERROR)
def stale_generated_kpi_models(context: RuleContext) -> Iterable[Violation]:
    """The generated `kpi_history` / `kpi_status` models no longer match the project.

    ## What it checks
    When the project holds models written by `dbt-kpi-lint generate` (recognized by their first
    line), `kpi_history.sql` must carry the fingerprint of the project as it is now, and the other
    generated files (`kpi_status.sql` and both properties files) must be exactly what `generate`
    wrote with it. The fingerprint covers what decides the SQL and the rows: the semantic models, metrics
    and time spines as dbt compiles them (a changed filter, measure `expr`, window or `ref()`),
    each KPI's fields (target, direction, owner, grain, ...), the KPIs' lint codes under the
    project's configuration, the history length, the configured dialects, and the dbt-kpi-lint
    version. The MetricFlow version that rendered the SQL is recorded but not compared, so the
    linter alone (the pre-commit hook's install, without MetricFlow) judges a file as the full
    install does. Descriptions, labels of metrics
    that are no KPI and comments are not part of it. A `kpi_status.py` left by dbt-kpi-lint 0.1 is
    stale too.

    ## Why it matters
    The generated SQL is MetricFlow's SQL of the definitions as they were: after an edit the
    status table would go on reporting numbers of a definition that no longer exists, against a
    target nobody set, without any error.

    ## Example
    A filter added after `dbt-kpi-lint generate` last ran:
    ```yaml
    metrics:
      - name: revenue
        type: simple
        type_params: {measure: revenue}
        filter: "{{ Dimension('order__status') }} = 'completed'"   # new
    ```

    ## Fix
    Run `dbt-kpi-lint generate` (the `dbt-kpi-lint-generate` pre-commit hook does it on commit)
    and commit the result.
    """
    project = context.project
    if not uses_generated_models(project.generated_files):
        return
    # Imported on use: only projects that hold generated models pay for building the semantic manifest.
    from ..kpi.generated_fingerprint import fingerprint, stale_reasons
    from ..kpi.spec import kpi_specs

    settings = context.settings.as_configured  # what `generate` used, whatever the command line selects
    specs = kpi_specs(project, settings.meta_keys, context.kpi_lint_codes())
    current = fingerprint(project, specs, settings.history_periods, settings.targets_model, settings.dialects)
    reasons = stale_reasons(project, current)
    if reasons:
        yield Violation(
            f"the generated KPI models are stale ({'; '.join(reasons)}): run `dbt-kpi-lint generate` and commit "
            f"the result",
            None,
            location=Location(GeneratedPaths.of(project.model_paths).history_sql, 1, 1),
        )
