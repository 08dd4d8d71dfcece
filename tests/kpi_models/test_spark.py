"""example_project built on Apache Spark (dbt-spark's session method) with its committed KPI models,
compared with its DuckDB build.

MetricFlow has no Spark engine, so `mf query` cannot be the reference here; the DuckDB build is
(test_built_tables.py checks it against `mf query`). Spark's tables live only as long as the
process that built them: one run seeds, builds and reads back (through dbt, as `status` does).
Values are compared to 1e-6 relative, not exactly: Spark types the example mart's
`datediff(...) / 3600.0` as `decimal(27,6)`, so `avg_resolution_hours` averages hours rounded to
six places (Databricks does the same).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from built_projects import AS_OF, BuiltProject
from conftest import copy_example_project
from services.spark import SparkService, StepResult
from test_built_tables import EXAMPLE_STATUSES

from dbt_kpi_lint.generate.sql_model import HISTORY_COLUMNS

pytest.importorskip("metricflow")

FLOAT_COLUMNS = {name for name, kind in HISTORY_COLUMNS if kind == "float"}
EXACT_COLUMNS = {name for name, _ in HISTORY_COLUMNS} - FLOAT_COLUMNS - {"built_at"}
STEPS = [
    ("dbt", "seed"),
    ("dbt", "run", "--vars", f"{{kpi_as_of: {AS_OF['example_project']}}}"),
    ("rows", "select * from {{ ref('kpi_history') }}"),
    ("rows", "select * from {{ ref('kpi_status') }}"),
    ("dbt-kpi-lint", "status", "--target", "spark", "--format", "json"),
    ("dbt-kpi-lint", "status", "--target", "spark"),
]
Key = tuple[str, int]


@pytest.fixture(scope="module")
def on_spark(spark: SparkService, tmp_path_factory: pytest.TempPathFactory) -> dict[str, StepResult]:
    """example_project, as committed, built on Spark and read back: each step's result by what it did."""
    root = copy_example_project(tmp_path_factory.mktemp("built_spark") / "example_project")
    spark.write_dbt_profile(root, profile="kpi_demo", target="spark")
    _, _, history, status, status_json, status_text = spark.run(root, STEPS)
    return {"history": history, "status": status, "status_json": status_json, "status_text": status_text}


@pytest.fixture(scope="module")
def on_duckdb(build) -> BuiltProject:
    return build("example_project")


def by_kpi_and_period(rows: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    """Rows keyed by (metric, periods_ago), values as the Spark run reads them back: numbers as
    floats, days as ISO text; `built_at` left out."""
    return {
        (row["metric_name"], int(row.get("periods_ago", 0))): {
            column: _plain(value) for column, value in row.items() if column != "built_at"
        }
        for row in rows
    }


def _plain(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def test_kpi_history_on_spark_holds_every_kpi_and_period_of_the_duckdb_build(on_spark, on_duckdb) -> None:
    spark_keys = set(by_kpi_and_period(on_spark["history"].rows))
    assert spark_keys == set(by_kpi_and_period(on_duckdb.rows("kpi_history")))
    assert len(spark_keys) == 13 * len(EXAMPLE_STATUSES)


@pytest.fixture(scope="module")
def history_rows(on_spark, on_duckdb) -> list[tuple[Key, dict[str, Any], dict[str, Any]]]:
    """(metric and period, its kpi_history row on Spark, on DuckDB), for every row of the DuckDB build."""
    spark_rows = by_kpi_and_period(on_spark["history"].rows)
    return [(key, spark_rows[key], row) for key, row in by_kpi_and_period(on_duckdb.rows("kpi_history")).items()]


def test_kpi_history_numbers_on_spark_equal_the_duckdb_build_to_a_millionth(history_rows) -> None:
    for key, spark_row, duckdb_row in history_rows:
        assert {column: spark_row[column] for column in FLOAT_COLUMNS} == {
            column: None if duckdb_row[column] is None else pytest.approx(duckdb_row[column], rel=1e-6)
            for column in FLOAT_COLUMNS
        }, key


def test_kpi_history_text_days_and_statuses_on_spark_equal_the_duckdb_build_exactly(history_rows) -> None:
    for key, spark_row, duckdb_row in history_rows:
        assert {column: spark_row[column] for column in EXACT_COLUMNS} == {
            column: duckdb_row[column] for column in EXACT_COLUMNS
        }, key


def test_kpi_status_on_spark_has_each_kpi_s_status_target_source_and_lint_codes_of_the_duckdb_build(
    on_spark, on_duckdb
) -> None:
    def judged(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
        return {
            row["metric_name"]: (row["status"], _plain(row["target"]), row["target_source"], row["lint_codes"])
            for row in rows
        }

    spark_status = judged(on_spark["status"].rows)
    assert spark_status == judged(on_duckdb.rows("kpi_status"))
    assert {metric: status for metric, (status, *_) in spark_status.items()} == EXAMPLE_STATUSES


def test_status_reads_the_spark_build_through_dbt(on_spark) -> None:
    result = on_spark["status_json"]
    assert (result.exit_code, result.stderr) == (0, "")
    assert {record["metric_name"]: record["status"] for record in json.loads(result.stdout)} == EXAMPLE_STATUSES


def test_status_prints_the_same_scorecard_for_the_spark_and_the_duckdb_build(on_spark, on_duckdb, run_cli) -> None:
    def but_the_build_time(view: str) -> str:
        return re.sub(r" Built \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$", "", view.rstrip("\n"))

    duckdb_view = run_cli("status", str(on_duckdb.root / "kpi.duckdb"), cwd=on_duckdb.root.parent).stdout
    assert on_spark["status_text"].exit_code == 0
    assert but_the_build_time(on_spark["status_text"].stdout) == but_the_build_time(duckdb_view)
    assert len(duckdb_view.splitlines()) == 1 + len(EXAMPLE_STATUSES) + 1  # header, a row per KPI, summary
