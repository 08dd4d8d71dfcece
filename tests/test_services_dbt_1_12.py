"""The second dbt environment, dbt-core 1.12.6, built by the `dbt_1_12` fixture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import write_files
from services.dbt_env import PIN_FILE, STAMP_NAME, DbtEnv, is_current, pins_digest

# The one requirement left out on purpose (tests/envs/dbt-1.12.txt says why).
EXPECTED_PIP_CHECK = "dbt-core 1.12.6 requires dbt-core-experimental-parser, which is not installed."

# The smallest project MetricFlow accepts: a model, its semantic model and metric, a time spine.
DUCKDB_PROJECT = {
    "dbt_project.yml": """\
        name: tiny
        version: "1.0.0"
        config-version: 2
        profile: tiny
        """,
    "profiles.yml": """\
        tiny:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: tiny.duckdb
        """,
    "models/orders.sql": "select 1 as order_id, 10.0 as amount, date '2026-01-01' as ordered_at\n",
    "models/metricflow_time_spine.sql": (
        "select cast(range as date) as date_day"
        " from range(date '2026-01-01', date '2026-02-01', interval 1 day)\n"
    ),
    "models/schema.yml": """\
        models:
          - name: metricflow_time_spine
            time_spine: {standard_granularity_column: date_day}
            columns: [{name: date_day, granularity: day}]
        semantic_models:
          - name: orders
            model: ref('orders')
            defaults: {agg_time_dimension: ordered_at}
            entities: [{name: order, type: primary, expr: order_id}]
            dimensions: [{name: ordered_at, type: time, type_params: {time_granularity: day}}]
            measures: [{name: revenue, agg: sum, expr: amount}]
        metrics:
          - name: revenue
            label: Revenue
            type: simple
            type_params: {measure: revenue}
        """,
}


def test_pip_check_reports_only_the_experimental_parser_missing(dbt_1_12: DbtEnv) -> None:
    completed = subprocess.run(
        [str(dbt_1_12.python), "-m", "pip", "check", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.stdout.splitlines() == [EXPECTED_PIP_CHECK], completed.stdout + completed.stderr


def test_dbt_version_is_1_12_6(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
    completed = dbt_1_12.run(tmp_path, "--version")

    assert "installed: 1.12.6" in completed.stdout


def test_mf_is_dbt_metricflow_0_15(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(dbt_1_12.mf), "--version"],
        env=dbt_1_12.environ(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip() == "mf, version 0.15.0"


def test_dbt_kpi_lint_is_not_importable_there(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
    completed = subprocess.run(
        [str(dbt_1_12.python), "-c", "import dbt_kpi_lint"],
        cwd=tmp_path,
        env=dbt_1_12.environ(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )

    assert "No module named 'dbt_kpi_lint'" in completed.stderr


def test_dbt_parse_of_a_duckdb_project_passes(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
    project = write_files(tmp_path / "tiny", DUCKDB_PROJECT)

    dbt_1_12.run(project, "parse")

    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    semantic = json.loads((project / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
    assert manifest["metadata"]["dbt_version"] == "1.12.6"
    assert [metric["name"] for metric in semantic["metrics"]] == ["revenue"]


def test_an_env_is_reused_only_for_the_pins_it_was_built_from(tmp_path: Path) -> None:
    env = tmp_path / "env"
    env.mkdir()
    (env / STAMP_NAME).write_text(pins_digest(PIN_FILE) + "\n")
    other_pins = tmp_path / "other.txt"
    other_pins.write_text("dbt-core==1.12.7\n")

    assert is_current(env, pins_digest(PIN_FILE))
    assert not is_current(env, pins_digest(other_pins))


def test_an_env_without_its_stamp_is_rebuilt(tmp_path: Path) -> None:
    # The stamp is written last: its absence means the build never finished.
    assert not is_current(tmp_path, pins_digest(PIN_FILE))
