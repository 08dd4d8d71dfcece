"""Every dialect branch of the generated kpi_history: SQL of that dialect, holding exactly MetricFlow's SQL.

Snowflake, BigQuery, Databricks, Redshift and Trino cannot run here: their branches are compiled
with the Jinja dbt uses and parsed by sqlglot in their dialect. DuckDB and PostgreSQL are also
built for real (test_built_tables.py), and Spark (test_spark.py).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import sqlglot
from built_projects import FIXTURE_PROJECT, copy_project, generate
from conftest import EXAMPLE_PROJECT
from model_templates import CompilerError, compile_model

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.generate.dialects import DIALECTS, dialect_named
from dbt_kpi_lint.generate.metricflow_sql import MetricFlowRenderer
from dbt_kpi_lint.generate.model_files import judged_kpis
from dbt_kpi_lint.generate.sql_model import metric_queries
from dbt_kpi_lint.generate.time_bounds import Range, split_bounds
from dbt_kpi_lint.kpi.calendar import last_complete_period, shifted
from dbt_kpi_lint.kpi.semantic_manifest import (
    Relations,
    needed_for,
    semantic_manifest,
)
from dbt_kpi_lint.loading.yaml_loader import load_project

pytest.importorskip("metricflow")

ALL_DIALECTS = ",".join(DIALECTS)


@pytest.fixture(scope="module", params=["example_project", "kpi_project"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = EXAMPLE_PROJECT if request.param == "example_project" else FIXTURE_PROJECT
    root = copy_project(source, tmp_path_factory.mktemp("dialects") / request.param)
    assert generate(root, "--dialect", ALL_DIALECTS, "--force") == 0
    return root


def history_sql(root: Path) -> str:
    return (root / "models" / "kpi_history.sql").read_text()


@pytest.mark.parametrize("adapter_type", sorted(DIALECTS))
def test_each_branch_parses_as_sql_of_its_dialect(generated: Path, adapter_type: str) -> None:
    compiled = compile_model(history_sql(generated), adapter_type, {"kpi_as_of": "2026-06-15", "revenue_target": 1})
    statement = sqlglot.parse_one(compiled, read=dialect_named(adapter_type).sqlglot_dialect)
    assert statement.find(sqlglot.exp.Select) is not None


@pytest.mark.parametrize("adapter_type", sorted(DIALECTS))
def test_each_branch_holds_exactly_what_metricflow_renders_for_its_engine(generated: Path, adapter_type: str) -> None:
    project = load_project(generated)
    relations = Relations()
    specs = judged_kpis(project, Settings())
    renderer = MetricFlowRenderer(needed_for(semantic_manifest(project, relations), [spec.metric for spec in specs]))
    as_of = date(2026, 6, 15)
    compiled = _dedented(compile_model(history_sql(generated), adapter_type, {"kpi_as_of": as_of, "revenue_target": 1}))
    pairs = [(metric, grain) for metric, grain in metric_queries(specs) if metric != "total_customers"]  # a running total
    for metric, grain in pairs:
        sql = renderer.render(metric, grain, dialect_named(adapter_type))
        expected = "".join(
            _days_shown(part, grain, as_of) if isinstance(part, str) else f"analytics.{part.name}"
            for part in relations.split(sql)
        )
        assert _dedented(expected) in compiled, (metric, grain)
    assert len(pairs) >= 11


def generated_for(tmp_path: Path, dialects: str) -> Path:
    root = copy_project(FIXTURE_PROJECT, tmp_path / "project")
    generate(root, "--dialect", dialects, "--force")
    return root


def compilation_error(root: Path, adapter_type: str) -> str:
    with pytest.raises(CompilerError) as raised:
        compile_model(history_sql(root), adapter_type, {"kpi_as_of": "2024-06-10"})
    return str(raised.value)


def test_a_target_the_file_was_not_generated_for_fails_compilation_saying_how_to_regenerate(tmp_path: Path) -> None:
    assert compilation_error(generated_for(tmp_path, "duckdb,postgres"), "snowflake") == (
        "kpi_history was generated for duckdb, postgres, not for this target's adapter snowflake: run `dbt-kpi-lint "
        "generate --dialect duckdb,postgres,snowflake` (or add it to `dialects` in the dbt-kpi-lint configuration)"
    )


def test_the_command_the_compilation_error_names_adds_the_target_s_branch_and_keeps_the_others(tmp_path: Path) -> None:
    root = generated_for(tmp_path, "duckdb")
    command = re.search(r"run `dbt-kpi-lint generate (.+?)`", compilation_error(root, "spark"))
    assert command is not None and command[1] == "--dialect duckdb,spark"

    assert generate(root, *command[1].split()) == 0

    for adapter_type in ("duckdb", "spark"):
        assert "metric_values_0 as (" in compile_model(history_sql(root), adapter_type, {"kpi_as_of": "2024-06-10"})


def test_an_adapter_no_dialect_serves_fails_compilation_naming_those_that_do(tmp_path: Path) -> None:
    assert compilation_error(generated_for(tmp_path, "duckdb"), "sqlserver") == (
        "kpi_history was generated for duckdb, not for this target's adapter sqlserver, for which dbt-kpi-lint renders "
        "no SQL (it renders duckdb, postgres, snowflake, bigquery, databricks, spark, redshift, trino)"
    )


def test_databricks_and_spark_targets_compile_to_the_same_statement(generated: Path) -> None:
    variables = {"kpi_as_of": "2026-06-15", "revenue_target": 1}
    databricks = compile_model(history_sql(generated), "databricks", variables)
    assert compile_model(history_sql(generated), "spark", variables) == databricks
    assert "metric_values_0 as (" in databricks


def test_parsing_on_a_target_the_file_was_not_generated_for_succeeds(tmp_path: Path) -> None:
    """`dbt parse` renders with execute false: a project on another adapter must still parse."""
    root = copy_project(FIXTURE_PROJECT, tmp_path / "project")
    generate(root, "--dialect", "duckdb", "--force")
    assert compile_model(history_sql(root), "snowflake", {}, execute=False).strip().endswith("select 1 as parsed_only")


@pytest.mark.parametrize(
    ("adapter_type", "literal"),
    [
        ("duckdb", "'it''s \"q\" \\ {{ x }}'"),
        ("postgres", "E'it''s \"q\" \\\\ {{ x }}'"),
        ("redshift", "'it''s \"q\" \\\\ {{ x }}'"),
        ("snowflake", "'it\\'s \"q\" \\\\ {{ x }}'"),
        ("bigquery", "'it\\'s \"q\" \\\\ {{ x }}'"),
        ("databricks", "'it\\'s \"q\" \\\\ {{ x }}'"),
        ("spark", "'it\\'s \"q\" \\\\ {{ x }}'"),
        ("trino", "'it''s \"q\" \\ {{ x }}'"),
    ],
)
def test_text_is_a_string_literal_of_the_dialect(adapter_type: str, literal: str) -> None:
    assert dialect_named(adapter_type).string_literal('it\'s "q" \\ {{ x }}') == literal


@pytest.mark.parametrize("adapter_type", sorted(DIALECTS))
def test_a_hostile_label_compiles_to_one_literal_of_its_own_text(tmp_path: Path, adapter_type: str) -> None:
    root = copy_project(FIXTURE_PROJECT, tmp_path / "project")
    generate(root, "--dialect", adapter_type, "--force")
    label = load_project(root).metric("completed_revenue").label  # type: ignore[union-attr]
    compiled = compile_model(history_sql(root), adapter_type, {"kpi_as_of": "2024-06-10"})
    dialect = dialect_named(adapter_type).sqlglot_dialect
    # sqlglot reads PostgreSQL's E'' strings as byte strings, their escapes already decoded.
    strings = sqlglot.parse_one(compiled, read=dialect).find_all(sqlglot.exp.Literal, sqlglot.exp.ByteString)
    literals = [node.this for node in strings if "second line" in node.this]
    assert literals == [label]


def _days_shown(sql: str, grain: str, as_of: date, periods: int = 13) -> str:
    """`sql` with its day bounds as dbt compiles them for `as_of`: the first day of the period before the
    oldest of `periods` shown, the last day of the newest."""
    newest_start, newest_end = last_complete_period(as_of, grain)
    oldest = shifted(newest_start, grain, -periods)
    shown = Range(oldest, newest_end)
    return "".join(part if isinstance(part, str) else part.day(shown).isoformat() for part in split_bounds(sql))


def _dedented(sql: str) -> str:
    return "\n".join(line.strip() for line in sql.splitlines() if line.strip())