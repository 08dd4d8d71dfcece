"""example_project's `dbt build` materializes kpi_status: one row per KPI, equal to MetricFlow's numbers.

Runs the real dbt build and the real `mf query` (about a minute on two cores).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import copy_example_project, run_dbt

AS_OF = "2026-06-15"
MAY_2026, APRIL_2026 = date(2026, 5, 1), date(2026, 4, 1)

EXPECTED_STATUS = {
    "revenue": ("at_risk", ""),
    "sla_hit_rate": ("at_risk", ""),
    "trials_started": ("on_track", ""),
    "signup_rate": ("on_track", ""),
    "avg_order_value": ("on_track", "KPI001"),
    "total_customers": ("on_track", "VAN001"),
    "trial_to_paid_rate": ("off_track", ""),
    "avg_csat": ("off_track", ""),
    "avg_resolution_hours": ("off_track", "KPI006"),
    "refund_rate": ("no_target", "KPI003,KPI007"),
    "new_customers": ("no_target", "KPI004"),
    "website_sessions": ("no_target", "KPI002"),
}
REQUIRED_COLUMNS = (
    "metric_name label owner objective indicator direction target grain period_start period_end "
    "actual previous attainment status lint_codes built_at"
).split()


def _rows(database: Path) -> dict[str, dict[str, Any]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        relation = connection.sql("select * from kpi_status")
        return {row[0]: dict(zip(relation.columns, row)) for row in relation.fetchall()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example_project(tmp_path_factory.mktemp("status") / "example_project")
    run_dbt(project, "build", "--vars", f"{{kpi_as_of: '{AS_OF}'}}")
    return project


@pytest.fixture(scope="module")
def rows(built: Path) -> dict[str, dict[str, Any]]:
    return _rows(built / "kpi_demo.duckdb")


def mf_query(project: Path, metric: str, grain: str) -> dict[date, float | None]:
    """The reference: MetricFlow's own CLI on the database dbt built."""
    output = project / f"mf_{metric}.csv"
    command = [str(Path(sys.executable).with_name("mf")), "query", "--metrics", metric,
               "--group-by", f"metric_time__{grain}", "--csv", str(output), "--quiet"]
    completed = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False,
                               env={**os.environ, "KPI_DEMO_DUCKDB": str(project / "kpi_demo.duckdb")})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    with output.open(newline="") as stream:
        return {
            datetime.fromisoformat(record[f"metric_time__{grain}"]).date(): float(record[metric]) if record[metric] else None
            for record in csv.DictReader(stream)
        }


def test_one_row_per_enabled_kpi_with_its_status_and_lint_codes(rows):
    assert {name: (row["status"], row["lint_codes"]) for name, row in rows.items()} == EXPECTED_STATUS


def test_status_table_has_the_documented_columns(rows):
    assert set(REQUIRED_COLUMNS) <= set(rows["revenue"])


def test_period_is_the_last_complete_month_before_the_as_of_date(rows):
    revenue = rows["revenue"]
    assert (revenue["period_start"], revenue["period_end"], revenue["grain"]) == (MAY_2026, date(2026, 5, 31), "month")


def test_var_rendered_target_and_group_owner_reach_the_table(rows):
    assert rows["revenue"]["target"] == 300000.0
    assert rows["trial_to_paid_rate"]["owner"] == "growth-team@example.com"


@pytest.mark.parametrize("metric", sorted(EXPECTED_STATUS))
def test_actual_and_previous_equal_mf_query(built, rows, metric):
    reference = mf_query(built, metric, "month")
    row = rows[metric]
    assert (row["actual"], row["previous"]) == (
        pytest.approx(reference[MAY_2026], rel=1e-12),
        pytest.approx(reference[APRIL_2026], rel=1e-12),
    )


def test_kpi_status_depends_on_every_model_behind_the_semantic_layer(built):
    manifest = json.loads((built / "target" / "manifest.json").read_text())
    behind_semantic_layer = {
        node
        for semantic_model in manifest["semantic_models"].values()
        for node in semantic_model["depends_on"]["nodes"]
    } | {"model.kpi_demo.metricflow_time_spine"}
    assert behind_semantic_layer <= set(manifest["nodes"]["model.kpi_demo.kpi_status"]["depends_on"]["nodes"])


def test_kpi_status_is_built_after_every_model_it_reads(built):
    manifest = json.loads((built / "target" / "manifest.json").read_text())
    results = json.loads((built / "target" / "run_results.json").read_text())["results"]
    started = {result["unique_id"]: result["timing"] for result in results}
    upstream = manifest["nodes"]["model.kpi_demo.kpi_status"]["depends_on"]["nodes"]
    status_start = next(t["started_at"] for t in started["model.kpi_demo.kpi_status"] if t["name"] == "execute")
    for node in upstream:
        finished = next(t["completed_at"] for t in started[node] if t["name"] == "execute")
        assert finished <= status_start, node


def test_a_new_kpi_shows_up_without_regenerating_anything(built, run_cli):
    extra = built / "models" / "metrics" / "extra_kpi.yml"
    extra.write_text(
        "metrics:\n"
        "  - name: invoices_kpi\n"
        "    label: Invoices (KPI)\n"
        "    type: simple\n"
        "    type_params: {measure: invoices}\n"
        "    config:\n"
        "      meta: {kpi: true, owner: \"o'brien'); drop table fct_orders; --\", target: 10,"
        " direction: increase, objective: grow_revenue, indicator: lagging}\n",
        encoding="utf-8",
    )
    try:
        assert run_cli("generate", "--check", cwd=built).exit_code == 0
        run_dbt(built, "build", "--select", "kpi_status", "--vars", f"{{kpi_as_of: '{AS_OF}'}}")
        new_rows = _rows(built / "kpi_demo.duckdb")
        assert new_rows["invoices_kpi"]["owner"] == "o'brien'); drop table fct_orders; --"
        with duckdb.connect(str(built / "kpi_demo.duckdb"), read_only=True) as connection:
            assert connection.sql("select count(*) from fct_orders").fetchall()[0][0] > 0
    finally:
        extra.unlink()


def test_status_command_prints_the_table(built, run_cli):
    result = run_cli("status", str(built / "kpi_demo.duckdb"), cwd=built)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["metric_name", "period_start", "actual", "target", "direction", "attainment",
                                "status", "owner", "lint_codes"]
    assert {line.split()[0] for line in lines[1:]} >= set(EXPECTED_STATUS)
    assert lines[1].split()[:2] == ["revenue", "2026-05-01"]  # at_risk sorts first


def test_status_command_on_a_missing_database_is_exit_2(run_cli, tmp_path):
    result = run_cli("status", "nope.duckdb", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: nope.duckdb: no such DuckDB file; run `dbt build` first\n",
    )
