"""The KPIs of the running dbt project, read by the linter itself, with their lint codes.

The status table and `dbt-kpi-lint check` must agree on which metrics are KPIs and on their
fields, so the runtime reads the project with the linter's loaders and settings, and puts the
codes of each metric's findings into the row. Inside `dbt build` it reads the manifest dbt has
just written (manifest mode): meta exactly as dbt rendered it, `env_var()` included.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Mapping

from ..config.file import find_config, settings_from
from ..config.settings import Settings
from ..kpi import Kpi, kpi_of
from ..lint.engine import lint
from ..loading.manifest_loader import load_manifest_project
from ..loading.yaml_loader import load_project
from ..model import JinjaExpression
from ..rules.meta_values import DIRECTIONS, GRAINS, readable_number
from .spec import DEFAULT_AT_RISK_BAND, KpiSpec


def project_kpi_specs(
    project_root: Path,
    cli_vars: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    manifest: Path | None = None,
) -> list[KpiSpec]:
    """One spec per enabled KPI of the project at `project_root`, in definition order.

    With `manifest` (dbt's manifest.json of this run) the values are dbt's; without, the YAML.
    """
    project = (
        load_manifest_project(project_root, manifest, cli_vars=cli_vars)
        if manifest is not None
        else load_project(project_root, cli_vars=cli_vars)
    )
    settings = settings or settings_from(find_config(project_root))
    codes: dict[str, set[str]] = defaultdict(set)
    for finding in lint(project, settings):
        if finding.metric:
            codes[finding.metric].add(finding.code)
    return [
        kpi_spec(kpi, sorted(codes[kpi.metric.name]))
        for metric in project.metrics
        if (kpi := kpi_of(metric, project, settings.meta_keys)) is not None
    ]


def kpi_spec(kpi: Kpi, lint_codes: list[str]) -> KpiSpec:
    """The runtime view of a KPI: values the status cannot use become None (the lint says why).

    Spellings are accepted from the rules' own vocabularies (KPI003, KPI009), so a KPI the lint
    calls undirected is never judged here with a guessed direction.
    """
    direction = _text(kpi.direction.value)
    grain = _text(kpi.grain.value)
    band = readable_number(kpi.at_risk_band.value)
    return KpiSpec(
        metric=kpi.metric.name,
        label=kpi.metric.label,
        owner=_text(kpi.owner.value),
        objective=_text(kpi.objective.value),
        indicator=_text(kpi.indicator.value),
        direction=direction if direction in DIRECTIONS.allowed else None,  # type: ignore[arg-type]
        target=readable_number(kpi.target.value),
        at_risk_band=band if band is not None and band >= 0 else DEFAULT_AT_RISK_BAND,
        grain=grain if grain in GRAINS.allowed else "month",  # type: ignore[arg-type]
        lint_codes=lint_codes,
    )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, JinjaExpression):
        return None
    return str(value)

