"""Entry point the generated `kpi_status.py` dbt Python model calls.

dbt-duckdb runs Python models inside the dbt process and passes a live DuckDB connection, so
this code can read the semantic manifest dbt just wrote, render each KPI's SQL with MetricFlow,
run it on that connection, and hand dbt back a relation to store as the model's table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from .evaluate import KpiStatusRow, coerce_as_of, evaluate_kpi
from .kpis import project_kpi_specs
from .metricflow_query import MetricFlowRenderer, query_metric_periods
from .spec import KpiSpec

# Column order and types of the kpi_status table. Declared, not inferred, so a project with no
# KPIs (or all of them without data) still gets every column with the right type.
STATUS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("metric_name", "VARCHAR"),
    ("label", "VARCHAR"),
    ("owner", "VARCHAR"),
    ("objective", "VARCHAR"),
    ("indicator", "VARCHAR"),
    ("direction", "VARCHAR"),
    ("grain", "VARCHAR"),
    ("as_of", "DATE"),
    ("period_start", "DATE"),
    ("period_end", "DATE"),
    ("previous_period_start", "DATE"),
    ("actual", "DOUBLE"),
    ("previous", "DOUBLE"),
    ("target", "DOUBLE"),
    ("at_risk_band", "DOUBLE"),
    ("attainment", "DOUBLE"),
    ("status", "VARCHAR"),
    ("lint_codes", "VARCHAR"),
    ("built_at", "TIMESTAMP"),  # when this dbt run computed the row; last, not a KpiStatusRow field
)

# Fixed, so a re-run in the same connection replaces rather than accumulates.
_ROWS_TABLE = "__dbt_kpi_lint_status_rows"

logger = logging.getLogger(__name__)


def build_status_rows(
    kpis: Sequence[KpiSpec],
    session: Any,
    renderer: MetricFlowRenderer,
    as_of: date | datetime | str | None = None,
) -> list[KpiStatusRow]:
    """One status row per KPI, in the order given."""
    day = coerce_as_of(as_of)
    # Two KPIs on the same metric and grain (say, two owners' targets) share one query.
    cache: dict[tuple[str, str], dict[date, float | None]] = {}
    rows = []
    for spec in kpis:
        key = (spec.metric, spec.grain)
        if key not in cache:
            cache[key] = query_metric_periods(renderer, session, spec.metric, spec.grain).values
        rows.append(evaluate_kpi(spec, cache[key], day))
    return rows


def rows_relation(session: Any, rows: Sequence[KpiStatusRow]) -> Any:
    """A DuckDB relation holding `rows`, every value passed as a bound parameter.

    Owners, labels and objectives are free text from YAML; they travel as parameters of one
    prepared INSERT, never inside SQL text. Only the constant table and column names are in SQL.
    A temp table (not pandas/pyarrow, which dbt-duckdb does not require) is read back by dbt on
    this same connection, which dbt-duckdb guarantees for a returned DuckDB relation.
    """
    columns = ", ".join(f"{name} {sql_type}" for name, sql_type in STATUS_COLUMNS)
    session.execute(f"CREATE OR REPLACE TEMP TABLE {_ROWS_TABLE} ({columns})")
    built_at = datetime.now(timezone.utc).replace(tzinfo=None)  # one stamp for the whole run, in UTC
    if rows:
        placeholders = ", ".join("?" for _ in STATUS_COLUMNS)
        session.executemany(
            f"INSERT INTO {_ROWS_TABLE} VALUES ({placeholders})",
            [[*(getattr(row, name) for name, _ in STATUS_COLUMNS[:-1]), built_at] for row in rows],
        )
    return session.table(_ROWS_TABLE)


@dataclass(frozen=True)
class RunningProject:
    project_root: Path
    target_path: Path
    cli_vars: Mapping[str, Any]


def running_project(adapter_type: str = "duckdb") -> RunningProject:
    """Where the running dbt invocation's project and target path are, and its `--vars`.

    The model cannot tell: the working directory is wherever dbt was started (`--project-dir`
    does not chdir), the Python model's Jinja config context has no project root, and
    `--target-path` / `DBT_TARGET_PATH` / `target-path:` may move the artifacts. dbt-duckdb runs
    the model in-process, so ask dbt's own runtime config; outside dbt (scripts, tests) fall
    back to the working directory.
    """
    try:
        from dbt.adapters.factory import get_adapter_by_type

        config = get_adapter_by_type(adapter_type).config  # type: ignore[no-untyped-call]
        return RunningProject(Path(config.project_root), Path(config.project_target_path), dict(config.cli_vars))
    except Exception as error:  # noqa: BLE001 - not inside a dbt run: fall back below
        logger.debug("no registered %s adapter to ask for the project: %s", adapter_type, error)
    return RunningProject(Path.cwd(), Path.cwd() / "target", {})


def _dbt_writes_json() -> bool:
    """False only when running inside dbt with `--no-write-json` (artifacts not refreshed)."""
    try:
        from dbt.flags import get_flags

        return getattr(get_flags(), "WRITE_JSON", True) is not False  # type: ignore[no-untyped-call]
    except Exception as error:  # noqa: BLE001 - dbt not importable: nothing to check
        logger.debug("no dbt flags to check --no-write-json: %s", error)
        return True


def materialize(
    dbt: Any,
    session: Any,
    kpis: Sequence[KpiSpec] | None = None,
    *,
    as_of: date | datetime | str | None = None,
    semantic_manifest: str | Path | None = None,
    adapter_type: str = "duckdb",
) -> Any:
    """Build the kpi_status rows and return them as a relation for dbt to store.

    `kpis`: None reads the running project's KPIs and lint codes with the linter itself.
    `as_of`: pass `dbt.config.get("kpi_as_of")` from the model file itself (dbt only hands a
    Python model the config keys its own source names).
    """
    del dbt  # the model's refs already ordered us in the DAG; nothing else is needed from it
    if semantic_manifest is None and not _dbt_writes_json():
        # Then the file on disk is from some earlier run: numbers from stale definitions are worse
        # than no numbers.
        raise RuntimeError("kpi_status needs the semantic manifest of this run; do not use --no-write-json")
    runtime = running_project(adapter_type)
    path = Path(semantic_manifest) if semantic_manifest else runtime.target_path / "semantic_manifest.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: dbt writes it when it parses the project; was it run with --no-write-json?"
        )
    if kpis is None:
        manifest = runtime.target_path / "manifest.json"  # written with the semantic manifest
        kpis = project_kpi_specs(runtime.project_root, runtime.cli_vars, manifest=manifest)
    renderer = MetricFlowRenderer.from_path(path, adapter_type)
    return rows_relation(session, build_status_rows(kpis, session, renderer, as_of))
