"""The generated kpi_status model must match the project it was generated for."""

from __future__ import annotations

import re
from typing import Iterable

from ..generate.status_model import MARKER, expected_files
from ..model import Location, Severity
from .registry import RuleContext, Violation, rule

_REF_CALL = re.compile(r"""dbt\.ref\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")


@rule("GEN001", "stale-generated-status-model", severity=Severity.ERROR)
def stale_generated_status_model(context: RuleContext) -> Iterable[Violation]:
    """The generated `kpi_status` model no longer matches the project.

    ## What it checks
    When the project holds the `kpi_status` model written by `dbt-kpi-lint generate` (recognized
    by its first-line marker), its model file and properties file must be exactly what
    `generate` writes for the project as it is now. The model's `dbt.ref(...)` lines list every
    model behind a semantic model and the time spine; adding, renaming or removing a semantic
    model changes that list.

    ## Why it matters
    dbt orders `kpi_status` after the models it refs. A missing ref lets a `dbt build` compute
    KPI status from a table that has not been rebuilt yet, or fail on one that does not exist:
    the status table would quietly report yesterday's numbers as today's.

    ## Example
    A semantic model added after `dbt-kpi-lint generate` last ran:
    ```yaml
    semantic_models:
      - name: subscriptions
        model: ref('fct_subscriptions')  # kpi_status.py has no dbt.ref("fct_subscriptions")
    ```

    ## Fix
    Run `dbt-kpi-lint generate` (the `dbt-kpi-lint-generate` pre-commit hook does it on commit)
    and commit the result. KPIs themselves are read at run time: adding or changing a KPI never
    needs regeneration.
    """
    project = context.project
    expected = expected_files(project)
    model_path = next(iter(expected))
    current_model = project.generated_files.get(model_path)
    if current_model is None or not current_model.startswith(MARKER):
        return  # the project does not use the generated status model
    stale = [path for path, text in expected.items() if project.generated_files.get(path) != text]
    if not stale:
        return
    have, want = set(_REF_CALL.findall(current_model)), set(_REF_CALL.findall(expected[model_path]))
    details = [f"missing ref `{name}`" for name in sorted(want - have)]
    details += [f"ref to `{name}` that no semantic model reads" for name in sorted(have - want)]
    reason = "; ".join(details) if details else f"{', '.join(stale)} differ from what this version generates"
    yield Violation(
        f"the generated kpi_status model is stale ({reason}): run `dbt-kpi-lint generate` and commit the result",
        None,
        location=Location(model_path, 1, 1),
    )
