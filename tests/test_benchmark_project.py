"""The benchmark's generated project is what the linter reads, and linting it loads no dbt code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.generate_project import Options, generate
from benchmarks.run import forbidden_modules, imported_modules
from dbt_kpi_lint.loading.yaml_loader import load_project

SMALL = Options(models=40, metrics=300, semantic_models=8, tested_columns=4, metric_files=4)


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_generated_project_holds_the_requested_metrics_and_semantic_models(tmp_path: Path) -> None:
    project = load_project(generate(tmp_path / "bench", SMALL))

    assert len(project.metrics) == 300
    assert len(project.semantic_models) == 8
    assert project.problems == ()


def test_generated_project_has_every_metric_type_and_some_kpis(tmp_path: Path) -> None:
    project = load_project(generate(tmp_path / "bench", SMALL))

    assert {metric.type for metric in project.metrics} == {"simple", "ratio", "derived", "cumulative", "conversion"}
    assert sum(1 for metric in project.metrics if metric.meta_value("kpi") is True) == 300 // 20


def test_generated_metric_yaml_sits_in_semantic_model_and_metric_files_only(tmp_path: Path) -> None:
    root = generate(tmp_path / "bench", SMALL)
    project = load_project(root)

    metric_files = {metric.location.path for metric in project.metrics}
    assert len(metric_files) == SMALL.semantic_models + SMALL.metric_files
    assert all("/semantic/" in path or "/metrics/" in path for path in metric_files)
    assert len(list((root / "models").rglob("*.yml"))) == SMALL.models + len(metric_files) + 2  # + time spine, groups


def test_generator_writes_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = _all_bytes(generate(tmp_path / "first", SMALL))
    second = _all_bytes(generate(tmp_path / "second", SMALL))

    assert first == second


def test_lint_path_imports_no_dbt_metricflow_or_duckdb_module(tmp_path: Path) -> None:
    root = generate(tmp_path / "bench", SMALL)

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dbt_kpi_lint", "check", str(root), "--format", "json"],
        capture_output=True, text=True, check=False,
    )

    modules = imported_modules(result.stderr)
    assert result.returncode in (0, 1), result.stderr  # linted, with or without findings
    assert "dbt_kpi_lint.cli" in modules  # the import log was read
    assert forbidden_modules(modules) == []


def test_import_log_reader_flags_dbt_submodules_and_spares_lookalikes() -> None:
    log = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   dbt_kpi_lint.cli\n"
        "import time:        80 |       4000 |     dbt.cli.main\n"
        "import time:        10 |         10 |       metricflow_semantics.model\n"
        "import time:        10 |         10 | dbtlike\n"
    )

    assert forbidden_modules(imported_modules(log)) == ["dbt.cli.main", "metricflow_semantics.model"]
