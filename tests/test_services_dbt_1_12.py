"""The second dbt environment, dbt-core 1.12.6, built by the `dbt_1_12` fixture."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import write_files
from services.dbt_env import DbtEnv

# The one requirement left out on purpose (tests/envs/dbt-1.12.txt says why).
EXPECTED_PIP_CHECK = "dbt-core 1.12.6 requires dbt-core-experimental-parser, which is not installed."

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

    assert (project / "target" / "manifest.json").is_file()
