"""Real `dbt build` of a scratch project whose kpi_status Python model calls our entry point,
checked against real `mf query` output: the reference for what a metric's value is.

Slow (about 30 s on 2 cores: one dbt build, one dbt run, one `mf` process per KPI).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("metricflow")
pytest.importorskip("dbt.adapters.duckdb")

import duckdb

BIN = Path(sys.executable).parent
DBT, MF = BIN / "dbt", BIN / "mf"
FIXTURE = Path(__file__).parent / "fixtures" / "kpi_project"
AS_OF = "2024-06-10"
HOSTILE_OWNER = "o'brien'); drop table x; --"

pytestmark = pytest.mark.skipif(not (DBT.exists() and MF.exists()), reason="dbt / mf CLIs not installed")


def _env(project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
    env.update(
        KPI_FIXTURE_DB=str(project / "kpi.duckdb"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(project),
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"


def _status_rows(db: Path) -> dict[str, dict[str, Any]]:
    with duckdb.connect(str(db), read_only=True) as con:
        relation = con.sql("select * from kpi_status")
        names = relation.columns
        return {row[0]: dict(zip(names, row)) for row in relation.fetchall()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("kpi_e2e")
    project = root / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal"))
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    # Started from another directory: the model must find the target path without relying on cwd.
    _run(
        [str(DBT), "build", "--project-dir", str(project), "--vars", f"{{kpi_as_of: '{AS_OF}'}}"],
        cwd=elsewhere,
        env=_env(project),
    )
    # Read now: a later test rebuilds kpi_status with another as-of date.
    return project, _status_rows(project / "kpi.duckdb")


@pytest.fixture(scope="module")
def project(built: tuple[Path, dict[str, dict[str, Any]]]) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def rows(built: tuple[Path, dict[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return built[1]


def _mf_values(project: Path, metric: str, grain: str, where: str | None = None) -> dict[date, float | None]:
    out = project / f"mf_{metric}_{grain}.csv"
    args = [str(MF), "query", "--metrics", metric, "--group-by", f"metric_time__{grain}", "--csv", str(out), "--quiet"]
    if where:
        args += ["--where", where]
    _run(args, cwd=project, env=_env(project))
    values: dict[date, float | None] = {}
    if not out.exists():  # mf writes no CSV at all for an empty result
        return values
    with out.open(newline="") as handle:
        for record in csv.DictReader(handle):
            value = record[metric]
            values[datetime.fromisoformat(record[f"metric_time__{grain}"]).date()] = float(value) if value else None
    return values


EXPECTED_KPIS = {
    # metric: (grain, status) for as_of 2024-06-10 on the fixture data
    "revenue": ("month", "at_risk"),
    "completed_revenue": ("month", "on_track"),  # simple metric with a filter
    "order_count": ("quarter", "off_track"),
    "returned_orders": ("week", "off_track"),  # direction: decrease
    "cancelled_orders": ("month", "no_data"),
    "avg_order_value": ("month", "off_track"),  # ratio
    "revenue_growth_mom": ("month", "off_track"),  # derived with offset_window
    "revenue_trailing_3m": ("month", "on_track"),  # cumulative with window
    "revenue_mtd": ("month", "no_target"),  # cumulative with grain_to_date
    "events": ("month", "on_track"),  # hourly time dimension
}


def test_one_row_per_kpi_with_expected_status(rows: dict[str, dict[str, Any]]) -> None:
    assert {m: (r["grain"], r["status"]) for m, r in rows.items()} == EXPECTED_KPIS
    assert "lifetime_revenue" not in rows  # a metric, not a KPI
    assert all(r["as_of"] == date(2024, 6, 10) for r in rows.values())


@pytest.mark.parametrize("metric", sorted(EXPECTED_KPIS))
def test_actual_and_previous_equal_mf_query(project: Path, rows: dict[str, dict[str, Any]], metric: str) -> None:
    row = rows[metric]
    reference = _mf_values(project, metric, row["grain"])
    for ours, period in ((row["actual"], row["period_start"]), (row["previous"], row["previous_period_start"])):
        expected = reference.get(period)
        if expected is None:
            assert ours is None, (period, ours)
        else:
            # mf writes full float precision to CSV; same engine, same data, same SQL shape.
            assert ours == pytest.approx(expected, rel=1e-12), period


def test_hostile_strings_land_verbatim(rows: dict[str, dict[str, Any]]) -> None:
    revenue = rows["revenue"]
    assert revenue["owner"] == HOSTILE_OWNER
    assert revenue["label"] == 'Revenue "net" \\ 100%'
    assert revenue["lint_codes"] == "KPI007"  # grow_revenue is watched only by this lagging KPI


def test_where_filter_matches_mf_where(project: Path) -> None:
    from dbt_kpi_lint.status.metricflow_query import (
        MetricFlowRenderer,
        query_metric_periods,
    )

    where = "{{ Dimension('order__status') }} = 'returned'"
    renderer = MetricFlowRenderer.from_path(project / "target" / "semantic_manifest.json", "duckdb")
    with duckdb.connect(str(project / "kpi.duckdb"), read_only=True) as con:
        ours = query_metric_periods(renderer, con, "revenue", "month", where=[where]).values
    reference = _mf_values(project, "revenue", "month", where=where)
    assert ours.keys() == reference.keys()
    for period, value in reference.items():
        assert ours[period] == pytest.approx(value, rel=1e-12)


def test_custom_target_path_is_found(project: Path) -> None:
    # Only the status model, into another target dir: it must read *that* semantic manifest.
    env = _env(project)
    env["DBT_TARGET_PATH"] = "other_target"
    _run(
        [str(DBT), "run", "--project-dir", str(project), "-s", "kpi_status", "--vars", "{kpi_as_of: '2024-07-02'}"],
        cwd=project.parent,
        env=env,
    )
    assert (project / "other_target" / "semantic_manifest.json").is_file()
    rerun = _status_rows(project / "kpi.duckdb")
    assert rerun["revenue"]["period_start"] == date(2024, 6, 1)
    assert rerun["returned_orders"]["period_start"] == date(2024, 6, 24)
