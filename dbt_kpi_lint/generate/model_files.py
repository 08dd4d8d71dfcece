"""What `dbt-kpi-lint generate` writes into a project, and whether what is there is still that.

Four files in the first model path: `kpi_history.sql` and `kpi_status.sql`, each with its
properties YAML. `kpi_history.sql` carries the fingerprint of its inputs; the other three are the
same for every project. A `kpi_status.py` left by dbt-kpi-lint 0.1 (the Python model this design
replaces) is removed: two models of one name stop dbt.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .. import __version__
from ..config.settings import Settings
from ..kpi.generated_fingerprint import (
    Fingerprint,
    file_digests,
    fingerprint,
    generated_file_reasons,
    metricflow_version,
    recorded_fingerprint,
)
from ..kpi.semantic_manifest import ModelRef, NeedsDbtParse, Relations, needed_for
from ..kpi.spec import KpiSpec, kpi_specs
from ..lint.engine import kpi_lint_codes
from ..loading.dbt_project import DbtProject
from ..loading.generated_paths import HISTORY_MODEL, LEGACY_MARKER, SQL_MARKER, STATUS_MODEL, GeneratedPaths
from ..loading.yaml_loader import generated_texts
from ..model import Project
from .dialects import Dialect
from .inputs import inputs_fields, inputs_hold, lint_codes_valid_until
from .properties import properties_yaml
from .running_totals import daily_input_name, running_total_period_agg, with_daily_inputs
from .sql_model import MetricQuery, history_model, metric_queries, status_model


def models_without_a_file(root: Path, model_paths: Sequence[str], models: Iterable[ModelRef]) -> list[ModelRef]:
    """The models of `models` that no `.sql` / `.py` file under the model paths or installed packages defines.

    A `ref()` across packages is trusted: only dbt knows what a package holds. A versioned model's
    files are named `<model>_v<version>` by dbt's default, so such a file defines `<model>` too.
    """
    stems = {
        path.stem
        for directory in (*model_paths, "dbt_packages")
        for pattern in ("*.sql", "*.py")
        for path in (root / directory).rglob(pattern)
    }
    defined = stems | {re.sub(r"_v\d+$", "", stem) for stem in stems}
    return sorted(model for model in set(models) if model.package is None and model.name not in defined)


def header(source: str, recorded: Fingerprint | None, metricflow: str | None = None) -> str:
    """The first lines of a generated file. `metricflow`: the version that rendered its SQL, named
    only in the file it rendered: a file the same for every project must also be the same
    whether MetricFlow is installed or not (the lint compares it byte for byte)."""
    made_with = f"dbt-kpi-lint {__version__}" + (f" and MetricFlow {metricflow}" if metricflow else "")
    first = f"{SQL_MARKER} from {source} ({made_with}): run `dbt-kpi-lint generate` rather than edit.\n"
    return first + (recorded.line() if recorded else "")


def static_files(paths: GeneratedPaths) -> dict[str, str]:
    """The files whose text does not depend on the project."""
    return {
        paths.status_sql: status_model(header("kpi_history", None)),
        paths.history_yml: properties_yaml(HISTORY_MODEL),
        paths.status_yml: properties_yaml(STATUS_MODEL),
    }


def judged_kpis(project: Project, settings: Settings) -> list[KpiSpec]:
    """The KPIs of `project` as the models judge them, with the codes the lint reports under
    `settings` (the configuration's, not the command line's)."""
    return kpi_specs(project, settings.meta_keys, kpi_lint_codes(project, settings))


def current_fingerprint(project: Project, settings: Settings) -> Fingerprint:
    """The fingerprint generating `project` with the configuration's `settings` records now."""
    return fingerprint(
        project, judged_kpis(project, settings), settings.history_periods, settings.targets_model, settings.dialects
    )


def unchanged_since_generated(dbt_project: DbtProject, inputs: str) -> bool:
    """Whether the generated files are up to date by the shortcut alone (inputs.py), nothing
    parsed, `inputs` being the project's `inputs_digest` now.

    False means "ask `stale_reasons`", not "stale".
    """
    paths = GeneratedPaths.of(dbt_project.model_paths)
    files = generated_texts(dbt_project)
    recorded = recorded_fingerprint(files[paths.history_sql] or "")
    return (
        recorded is not None
        and not generated_file_reasons(files, paths, recorded)
        and inputs_hold(recorded, inputs, date.today())
    )


def generate(
    project: Project,
    settings: Settings,
    dialects: Sequence[Dialect],
    semantic_manifest: Mapping[str, Any],
    relations: Relations,
    source: str,
    kpi_project: Project | None = None,
    inputs: str | None = None,
) -> Mapping[str, str | None]:
    """Path -> text to write (None: the file to remove), MetricFlow rendering every KPI's query.

    `project` is the YAML's (what the fingerprint is of); `kpi_project` the one the KPIs and their
    lint codes are read from (dbt's manifest with `--from-manifest`), by default the same.
    `inputs`: the `inputs_digest` of the files `project` was loaded from, recorded for the shortcut.
    """
    from .metricflow_sql import MetricFlowRenderer  # the one step that needs MetricFlow

    specs = judged_kpis(kpi_project or project, settings)
    fingerprinted = judged_kpis(project, settings) if kpi_project else specs
    paths = GeneratedPaths.of(project.model_paths)
    static = static_files(paths)
    recorded = replace(
        fingerprint(
            project,
            fingerprinted,
            settings.history_periods,
            settings.targets_model,
            [dialect.adapter_type for dialect in dialects],
        ),
        files=file_digests(static),
        uncompared={
            **(inputs_fields(inputs, lint_codes_valid_until(fingerprinted, date.today())) if inputs else {}),
            **({"metricflow": version} if (version := metricflow_version()) else {}),
        },
    )
    defined = {metric["name"] for metric in semantic_manifest["metrics"]}
    missing = [spec.metric for spec in specs if spec.metric not in defined]
    if missing:
        raise NeedsDbtParse(
            f"KPI {', '.join(f'`{name}`' for name in missing)} is not in the semantic manifest, which is from another "
            f"state of the project than the YAML: re-run `dbt parse`"
        )
    document = needed_for(semantic_manifest, [spec.metric for spec in specs])
    pairs = metric_queries(specs)
    running = {metric: agg for metric, _ in pairs if (agg := running_total_period_agg(document, metric)) is not None}
    renderer = MetricFlowRenderer(with_daily_inputs(document, sorted(running)))
    queries = [
        MetricQuery(
            metric,
            grain,
            {
                dialect.adapter_type: renderer.render_daily_since_always(daily_input_name(metric), grain, dialect)
                if metric in running
                else renderer.render(metric, grain, dialect)
                for dialect in dialects
            },
            running.get(metric),
        )
        for metric, grain in pairs
    ]
    written: dict[str, str | None] = {
        paths.history_sql: history_model(
            header(source, recorded, version), specs, queries, relations, dialects, settings.history_periods,
            recorded.built_from(), settings.targets_model,
        ),
        **static,
    }
    legacy = project.generated_files.get(paths.legacy_python_model)
    if legacy is not None and legacy.startswith(LEGACY_MARKER):
        written[paths.legacy_python_model] = None
    return written
