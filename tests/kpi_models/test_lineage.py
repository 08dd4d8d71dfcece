"""The generated models in dbt's DAG: every relation MetricFlow's SQL reads is a `ref()`, so dbt
orders the build, draws the lineage, and `--defer` resolves them from another environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from built_projects import (
    FIXTURE_PROJECT,
    BuiltProject,
    copy_project,
    dbt_env,
    generate,
)

pytest.importorskip("metricflow")

SEMANTIC_LAYER_MODELS = ["model.kpi_demo.dim_customers", "model.kpi_demo.fct_orders", "model.kpi_demo.fct_support_tickets",
                         "model.kpi_demo.fct_trials", "model.kpi_demo.fct_web_traffic", "model.kpi_demo.metricflow_time_spine"]


def test_kpi_history_depends_on_every_model_behind_the_semantic_layer(build) -> None:
    manifest = json.loads((build("example_project").root / "target" / "manifest.json").read_text())
    history = manifest["nodes"]["model.kpi_demo.kpi_history"]
    assert sorted(history["depends_on"]["nodes"]) == SEMANTIC_LAYER_MODELS
    assert manifest["nodes"]["model.kpi_demo.kpi_status"]["depends_on"]["nodes"] == ["model.kpi_demo.kpi_history"]


def test_kpi_history_is_built_after_every_model_it_reads(build) -> None:
    results = build("example_project").build_results["results"]
    finished = {result["unique_id"]: result["timing"][-1]["completed_at"] for result in results if result["timing"]}
    started = next(result["timing"][-1]["started_at"] for result in results if result["unique_id"] == "model.kpi_demo.kpi_history")
    assert all(finished[model] <= started for model in SEMANTIC_LAYER_MODELS)


def test_defer_builds_the_kpi_models_alone_from_another_target_s_relations(tmp_path: Path) -> None:
    """A dev target holding nothing but the KPI models: their refs resolve to the prod schema."""
    root = copy_project(FIXTURE_PROJECT, tmp_path / "project")
    generate(root, "--force")
    profiles = yaml.safe_load((root / "profiles.yml").read_text())
    outputs = profiles["kpi_fixture"]["outputs"]
    outputs["prod"] = {**outputs["dev"], "schema": "prod"}
    outputs["dev"] = {**outputs["dev"], "schema": "dev"}
    (root / "profiles.yml").write_text(yaml.safe_dump(profiles))
    project = BuiltProject(root, dbt_env(root, "KPI_FIXTURE_DB"))
    project.dbt("build", "--target", "prod", "--target-path", "prod_state", "--vars", "{kpi_as_of: 2024-06-10}")

    project.dbt(
        "build", "--target", "dev", "--select", "kpi_history", "kpi_status", "--defer", "--state", "prod_state",
        "--vars", "{kpi_as_of: 2024-06-10}",
    )

    import duckdb

    with duckdb.connect(str(root / "kpi.duckdb"), read_only=True) as connection:
        dev_tables = sorted(row[0] for row in connection.sql(
            "select table_name from information_schema.tables where table_schema = 'dev'").fetchall())
        dev, prod = (
            connection.sql(f"select metric_name, period_start, actual, status from {schema}.kpi_history order by 1, 2").fetchall()
            for schema in ("dev", "prod")
        )
    assert dev_tables == ["kpi_history", "kpi_status"]
    assert dev == prod and len(dev) == 11 * 13
