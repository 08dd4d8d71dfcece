"""What `dbt-kpi-lint generate` writes into a project, and whether what is there is still that.

Four files in the first model path: `kpi_history.sql` and `kpi_status.sql`, each with its
properties YAML. `kpi_history.sql` carries the fingerprint of its inputs; the other three are the
same for every project. A `kpi_status.py` left by dbt-kpi-lint 0.1 (the Python model this design
replaces) is removed: two models of one name stop dbt.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .. import __version__
from ..config.settings import Settings
from ..loading.dbt_project import DbtProject
from ..loading.yaml_loader import generated_texts
from ..model import Project
from .dialects import Dialect
from .fingerprint import (
    Fingerprint,
    fingerprint,
    metricflow_version,
    recorded_fingerprint,
)
from .inputs import inputs_hold
from .kpis import kpi_specs
from .paths import (
    HISTORY_MODEL,
    LEGACY_MARKER,
    SQL_MARKER,
    STATUS_MODEL,
    GeneratedPaths,
)
from .properties import properties_yaml
from .running_totals import daily_input_name, running_total_period_agg, with_daily_inputs
from .semantic_manifest import ModelRef, NeedsDbtParse, Relations, needed_for
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


def header(source: str, recorded: Fingerprint | None) -> str:
    made_with = f"dbt-kpi-lint {__version__}" + (
        f" and MetricFlow {version}" if (version := metricflow_version()) else ""
    )
    first = f"{SQL_MARKER} from {source} ({made_with}): run `dbt-kpi-lint generate` rather than edit.\n"
    return first + (recorded.line() if recorded else "")


def static_files(paths: GeneratedPaths) -> dict[str, str]:
    """The files whose text does not depend on the project."""
    return {
        paths.status_sql: status_model(header("kpi_history", None)),
        paths.history_yml: properties_yaml(HISTORY_MODEL),
        paths.status_yml: properties_yaml(STATUS_MODEL),
    }


def stale_reasons(project: Project, settings: Settings) -> list[str]:
    """Why the generated files no longer match the project; empty when they do.

    `settings` are the configuration's (not the command line's): what `generate` used.
    """
    paths = GeneratedPaths.of(project.model_paths)
    files = project.generated_files
    reasons = _file_reasons(files, paths)
    history = files.get(paths.history_sql)
    recorded = recorded_fingerprint(history) if history is not None else None
    if recorded is None:
        reasons.append(f"{paths.history_sql} is missing or has no fingerprint")
    else:
        changes = fingerprint(project, settings, settings.dialects).changes_from(recorded)
        if changes:
            reasons.append(f"{', '.join(changes)} changed since {paths.history_sql} was generated")
    return reasons


def unchanged_since_generated(dbt_project: DbtProject, inputs: str) -> bool:
    """Whether the generated files are up to date by the shortcut alone (inputs.py), nothing
    parsed, `inputs` being the project's `inputs_digest` now.

    False means "ask `stale_reasons`", not "stale".
    """
    paths = GeneratedPaths.of(dbt_project.model_paths)
    files = generated_texts(dbt_project)
    recorded = recorded_fingerprint(files[paths.history_sql] or "")
    return recorded is not None and not _file_reasons(files, paths) and inputs_hold(recorded, inputs, date.today())


def _file_reasons(files: Mapping[str, str | None], paths: GeneratedPaths) -> list[str]:
    """What is wrong with the generated files whatever the project: the previous version's Python
    model left over, a file that is not what this version writes for every project."""
    legacy = files.get(paths.legacy_python_model)
    reasons = []
    if legacy is not None and legacy.startswith(LEGACY_MARKER):
        reasons.append(f"{paths.legacy_python_model} is the Python model of dbt-kpi-lint 0.1, now kpi_status.sql")
    reasons += [f"{path} differs from what this version writes" for path, text in static_files(paths).items()
                if files.get(path) != text]
    return reasons


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

    specs = kpi_specs(kpi_project or project, settings)
    recorded = fingerprint(
        project, settings, [dialect.adapter_type for dialect in dialects], None if kpi_project else specs, inputs
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
    paths = GeneratedPaths.of(project.model_paths)
    written: dict[str, str | None] = {
        paths.history_sql: history_model(
            header(source, recorded), specs, queries, relations, dialects, settings.history_periods,
            settings.targets_model,
        ),
        **static_files(paths),
    }
    legacy = project.generated_files.get(paths.legacy_python_model)
    if legacy is not None and legacy.startswith(LEGACY_MARKER):
        written[paths.legacy_python_model] = None
    return written
