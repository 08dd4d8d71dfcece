"""The semantic manifest built from the YAML renders the SQL dbt's own semantic_manifest.json renders.

For every metric of the project at the grains given, MetricFlow renders one query from the
manifest `generate` builds without `dbt parse`, and one from the file `dbt parse` wrote, its
relations replaced by the same placeholders and its definitions put in the YAML's order
(`--from-manifest` does exactly that: dbt's order is the filesystem's). The two must be the same text.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

import pytest
from built_projects import BuiltProject, copy_project
from conftest import EXAMPLE_PROJECT, run_dbt
from services.dbt_env import DbtEnv

from benchmarks.generate_project import Options
from benchmarks.generate_project import generate as generate_benchmark_project
from dbt_kpi_lint.generate.dialects import dialect_named
from dbt_kpi_lint.generate.from_manifest import (
    in_project_order,
    read_dbt_semantic_manifest,
)
from dbt_kpi_lint.generate.metricflow_sql import (
    GRAINS,
    MetricFlowError,
    MetricFlowRenderer,
)
from dbt_kpi_lint.kpi.semantic_manifest import Relations, semantic_manifest
from dbt_kpi_lint.loading.yaml_loader import load_project

pytest.importorskip("metricflow")

FIXTURES = Path(__file__).parents[1] / "fixtures"


def rendered_sql(root: Path, grains: tuple[str, ...], dialects: tuple[str, ...]) -> tuple[dict, dict]:
    """(metric, grain, dialect) -> SQL, from the YAML and from dbt's semantic_manifest.json of `root`."""
    project = load_project(root)
    yaml_relations = Relations()
    from_yaml = MetricFlowRenderer(semantic_manifest(project, yaml_relations))
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    dbt = read_dbt_semantic_manifest(root / "target", manifest, project.name)
    from_dbt = MetricFlowRenderer(in_project_order(dbt.document, project))

    def placed(sql: str, relations: Relations) -> str:
        return "".join(part if isinstance(part, str) else f"{{{{ ref('{part.name}') }}}}" for part in relations.split(sql))

    def render_all(renderer: MetricFlowRenderer, relations: Relations) -> dict:
        rendered = {}
        for metric in project.metrics:
            for grain in grains:
                for name in dialects:
                    try:
                        rendered[(metric.name, grain, name)] = placed(
                            renderer.render(metric.name, grain, dialect_named(name), bounded=False), relations
                        )
                    except MetricFlowError as error:  # a metric finer than the grain: both must refuse it
                        rendered[(metric.name, grain, name)] = str(error)
        return rendered

    return render_all(from_yaml, yaml_relations), render_all(from_dbt, dbt.relations)


def test_example_project_every_metric_every_grain_on_duckdb_and_postgres(tmp_path: Path) -> None:
    root = copy_project(EXAMPLE_PROJECT, tmp_path / "example_project")
    run_dbt(root, "parse")
    ours, dbts = rendered_sql(root, GRAINS, ("duckdb", "postgres"))
    assert len(ours) == 37 * 5 * 2
    assert ours == dbts


def test_created_metrics_and_period_to_date_fixture(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "projects" / "created_metrics", tmp_path / "created_metrics")
    run_dbt(root, "parse")
    ours, dbts = rendered_sql(root, ("day", "month"), ("duckdb",))
    assert len(ours) == 9 * 2
    assert ours == dbts


def test_benchmark_project_every_metric_by_month(tmp_path: Path) -> None:
    """1,000 metrics over 100 semantic models (one model per semantic model instead of 2,000 models: `dbt parse` stays short)."""
    root = generate_benchmark_project(tmp_path / "benchmark", Options(models=100, tested_columns=1))
    run_dbt(root, "parse")
    ours, dbts = rendered_sql(root, ("month",), ("duckdb",))
    assert len(ours) == 1000
    assert ours == dbts


# dbt 1.12 -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def latest_spec_parsed(dbt_1_12: DbtEnv, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(FIXTURES / "latest_spec", tmp_path_factory.mktemp("latest_spec") / "latest_spec")
    dbt_1_12.run(root, "parse")
    return root


def test_latest_spec_example_every_metric_every_grain(build) -> None:
    """example_project in the latest spec, as dbt 1.12 compiles it (`latest_spec_example`)."""
    project: BuiltProject = build("latest_spec_example")
    ours, dbts = rendered_sql(project.root, GRAINS, ("duckdb",))
    assert len(ours) == 37 * 5
    assert ours == dbts


def test_latest_spec_fixture_every_metric_every_grain(latest_spec_parsed: Path) -> None:
    ours, dbts = rendered_sql(latest_spec_parsed, GRAINS, ("duckdb",))
    assert len(ours) == 7 * 5
    assert ours == dbts


def test_a_latest_spec_fill_nulls_with_is_dropped_as_dbt_1_12_drops_it(latest_spec_parsed: Path) -> None:
    dbt_metrics = json.loads((latest_spec_parsed / "target" / "semantic_manifest.json").read_text())["metrics"]
    our_metrics = semantic_manifest(load_project(latest_spec_parsed), Relations())["metrics"]
    assert [
        (metric["type_params"]["join_to_timespine"], metric["type_params"]["fill_nulls_with"])
        for metrics in (dbt_metrics, our_metrics)
        for metric in metrics
        if metric["name"] == "revenue_or_zero"
    ] == [(True, None), (True, None)]


def test_a_time_spine_without_yaml_serves_dbt_1_12_as_it_serves_dbt_1_11(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
    """dbt 1.11 warns about the pre-1.9 `metricflow_time_spine` model without YAML; dbt 1.12, whose
    `require_yaml_configuration_for_mf_time_spines` defaults to true, accepts it silently."""
    root = copy_project(FIXTURES / "projects" / "created_metrics", tmp_path / "created_metrics")
    (root / "models" / "time_spine.yml").unlink()

    def time_spines(parse: Callable[..., subprocess.CompletedProcess[str]]) -> tuple[bool, dict]:
        output = parse(root, "parse", "--no-partial-parse").stdout
        configuration = json.loads((root / "target" / "semantic_manifest.json").read_text())["project_configuration"]
        return "Time spines without YAML configuration" in output, {
            key: configuration[key] for key in ("time_spine_table_configurations", "time_spines")
        }

    legacy_spine = {
        "time_spine_table_configurations": [
            {"location": '"memory"."main"."metricflow_time_spine"', "column_name": "date_day", "grain": "day"}
        ],
        "time_spines": [],
    }
    assert (time_spines(run_dbt), time_spines(dbt_1_12.run)) == ((True, legacy_spine), (False, legacy_spine))
    ours, dbts = rendered_sql(root, ("day", "month"), ("duckdb",))
    assert len(ours) == 9 * 2
    assert ours == dbts
