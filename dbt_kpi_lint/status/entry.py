"""Entry point the generated `kpi_status.py` dbt Python model calls.

dbt-duckdb runs Python models inside the dbt process and passes a live DuckDB connection, so
this code can read the semantic manifest dbt just wrote, render each KPI's SQL with MetricFlow,
run it on that connection, and hand dbt back a relation to store as the model's table.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .evaluate import KpiStatusRow, coerce_as_of, evaluate_kpi
from .metricflow_query import MetricFlowRenderer, query_metric_periods
from .spec import DEFAULT_AT_RISK_BAND, KpiSpec

# Column order and types of the kpi_status table. Declared, not inferred, so a project with no
# KPIs (or all of them without data) still gets every column with the right type.
STATUS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("metric", "VARCHAR"),
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
)

# Fixed, so a re-run in the same connection replaces rather than accumulates.
_ROWS_TABLE = "__dbt_kpi_lint_status_rows"

KpiSource = Sequence[KpiSpec] | Callable[[Mapping[str, Any]], Sequence[KpiSpec]] | None

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
    if rows:
        placeholders = ", ".join("?" for _ in STATUS_COLUMNS)
        session.executemany(
            f"INSERT INTO {_ROWS_TABLE} VALUES ({placeholders})",
            [[getattr(row, name) for name, _ in STATUS_COLUMNS] for row in rows],
        )
    return session.table(_ROWS_TABLE)


def semantic_manifest_path(adapter_type: str = "duckdb") -> Path:
    """Where the running dbt invocation wrote `semantic_manifest.json`.

    dbt writes it right after parsing, before any model runs (unless `--no-write-json`), under
    the project's target path. That path cannot be read from the model: the working directory
    is wherever dbt was started (`--project-dir` does not chdir), the Python model's Jinja config
    context has no project root, and `--target-path` / `DBT_TARGET_PATH` / `target-path:` may
    move it. Since dbt-duckdb runs the model in-process, ask dbt's own runtime config.
    """
    try:
        from dbt.adapters.factory import get_adapter_by_type

        config = get_adapter_by_type(adapter_type).config  # type: ignore[no-untyped-call]
        return Path(config.project_target_path) / "semantic_manifest.json"
    except Exception as error:  # noqa: BLE001 - not inside a dbt run (tests, scripts): fall back below
        logger.debug("no registered %s adapter to ask for the target path: %s", adapter_type, error)
    try:
        from dbt.flags import get_flags

        flags = get_flags()  # type: ignore[no-untyped-call]
        project_dir = getattr(flags, "PROJECT_DIR", None)
        if project_dir:
            return Path(project_dir) / (getattr(flags, "TARGET_PATH", None) or "target") / "semantic_manifest.json"
    except Exception as error:  # noqa: BLE001
        logger.debug("no dbt flags to ask for the project dir: %s", error)
    return Path("target") / "semantic_manifest.json"


def _dbt_writes_json() -> bool:
    """False only when running inside dbt with `--no-write-json` (artifacts not refreshed)."""
    try:
        from dbt.flags import get_flags

        return getattr(get_flags(), "WRITE_JSON", True) is not False  # type: ignore[no-untyped-call]
    except Exception as error:  # noqa: BLE001 - dbt not importable: nothing to check
        logger.debug("no dbt flags to check --no-write-json: %s", error)
        return True


def kpis_from_semantic_manifest(manifest: Mapping[str, Any]) -> list[KpiSpec]:
    """Stop-gap KPI reader until the lint loader hands specs over.

    Reads only `config.meta` (what survives into semantic_manifest.json, already Jinja-rendered
    by dbt): `kpi: true` with fields beside it, or `kpi:` as a mapping of the fields.
    """
    specs = []
    for metric in manifest.get("metrics", []):
        meta = (metric.get("config") or {}).get("meta") or {}
        flag = meta.get("kpi")
        if not (flag is True or isinstance(flag, dict)):
            continue
        fields: dict[str, Any] = {**meta, **flag} if isinstance(flag, dict) else dict(meta)
        codes = fields.get("lint_codes") or ()
        specs.append(
            KpiSpec(
                metric=metric["name"],
                label=metric.get("label"),
                owner=_text(fields.get("owner")),
                objective=_text(fields.get("objective")),
                indicator=_text(fields.get("indicator")),
                direction=fields.get("direction") or "increase",
                target=fields.get("target"),
                at_risk_band=fields.get("at_risk_band", DEFAULT_AT_RISK_BAND),
                grain=fields.get("grain") or "month",
                lint_codes=tuple(codes) if isinstance(codes, (list, tuple)) else (str(codes),),
            )
        )
    return specs


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def materialize(
    dbt: Any,
    session: Any,
    kpis: KpiSource = None,
    *,
    as_of: date | datetime | str | None = None,
    semantic_manifest: str | Path | None = None,
    adapter_type: str = "duckdb",
) -> Any:
    """Build the kpi_status rows and return them as a relation for dbt to store.

    `kpis`: the specs, or a callable given the parsed semantic manifest, or None for the
    stop-gap `kpis_from_semantic_manifest`. `as_of`: pass `dbt.config.get("kpi_as_of")` from
    the model file itself (dbt only hands a Python model the config keys its own source names).
    """
    del dbt  # the model's refs already ordered us in the DAG; nothing else is needed from it
    if semantic_manifest is None and not _dbt_writes_json():
        # Then the file on disk is from some earlier run: numbers from stale definitions are worse
        # than no numbers.
        raise RuntimeError("kpi_status needs the semantic manifest of this run; do not use --no-write-json")
    path = Path(semantic_manifest) if semantic_manifest else semantic_manifest_path(adapter_type)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: dbt writes it when it parses the project; was it run with --no-write-json?"
        )
    manifest_json = path.read_text(encoding="utf-8")
    if kpis is None:
        kpis = kpis_from_semantic_manifest(json.loads(manifest_json))
    elif callable(kpis):
        kpis = kpis(json.loads(manifest_json))
    renderer = MetricFlowRenderer(manifest_json, adapter_type)
    return rows_relation(session, build_status_rows(kpis, session, renderer, as_of))
