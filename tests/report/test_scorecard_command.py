"""`dbt-kpi-lint report` as a user runs it: on projects dbt really built, on DuckDB and through dbt on
PostgreSQL, and on the inputs it must refuse in one line with exit code 2."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult, copy_example_project
from kpi_models.built_projects import BuiltProject
from scorecard_page import CARD_TEXTS_JS, expected_card_texts
from services.chromium import HeadlessChromium
from services.postgres import PostgresServer

from benchmarks.run import imported_modules
from benchmarks.synthetic_kpis import synthetic_rows, write_duckdb
from dbt_kpi_lint.cli import scorecard as scorecard_command
from dbt_kpi_lint.report import cards

Build = Callable[..., BuiltProject]
RunCli = Callable[..., CliResult]


def assert_one_line_error(result: CliResult, starting: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"dbt-kpi-lint: error: {starting}"), result.stderr


def test_report_of_the_built_example_project_shows_every_kpi_with_the_tables_numbers(
    build: Build, run_cli: RunCli, chromium: HeadlessChromium, tmp_path: Path
) -> None:
    project = build("example_project")
    output = tmp_path / "scorecard.html"

    result = run_cli("report", "--database", str(project.root / "kpi.duckdb"), "--output", str(output), cwd=tmp_path)

    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"dbt-kpi-lint: wrote {output} (12 KPIs)\n")
    expected = {row["metric_name"]: expected_card_texts(row) for row in project.rows("kpi_status")}
    assert chromium.render(output).evaluate(CARD_TEXTS_JS) == expected


def test_report_through_dbt_on_postgres_shows_every_kpi_with_the_tables_numbers(
    build: Build, run_cli: RunCli, chromium: HeadlessChromium, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project = build("kpi_project", "postgres")
    for name in ("DBT_PROFILES_DIR", "DBT_TARGET", "DBT_SEND_ANONYMOUS_USAGE_STATS"):
        monkeypatch.setenv(name, project.env[name])  # the `pg` target, as dbt and mf read it there
    output = tmp_path / "scorecard.html"

    result = run_cli("report", "--project", str(project.root), "--output", str(output), cwd=tmp_path)

    assert result.exit_code == 0, result.stderr
    expected = {row["metric_name"]: expected_card_texts(row) for row in project.rows("kpi_status")}
    assert len(expected) == 11
    assert chromium.render(output).evaluate(CARD_TEXTS_JS) == expected


def test_the_report_is_written_to_kpi_report_html_by_default(run_cli: RunCli, tmp_path: Path) -> None:
    database = write_duckdb(synthetic_rows(3), tmp_path / "kpi.duckdb")

    result = run_cli("report", "--database", str(database), cwd=tmp_path)

    assert (result.exit_code, result.stderr) == (0, "dbt-kpi-lint: wrote kpi_report.html (3 KPIs)\n")
    assert (tmp_path / "kpi_report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_group_by_owner_titles_each_group_with_its_owner(
    run_cli: RunCli, chromium: HeadlessChromium, tmp_path: Path
) -> None:
    rows = [row for row in synthetic_rows(12) if row.owner is not None]
    database = write_duckdb(rows, tmp_path / "kpi.duckdb")

    result = run_cli("report", "--database", str(database), "--group-by", "owner", cwd=tmp_path)

    titles = chromium.render(tmp_path / "kpi_report.html").evaluate(
        "[...document.querySelectorAll('section.group h2')].map(h => h.innerText)"
    )
    assert result.exit_code == 0
    assert sorted(titles) == sorted(f"Owner {owner}" for owner in {row.owner for row in rows})


def test_a_duckdb_file_without_the_tables_is_a_one_line_error(run_cli: RunCli, tmp_path: Path) -> None:
    import duckdb

    duckdb.connect(str(tmp_path / "empty.duckdb")).close()

    result = run_cli("report", "--database", "empty.duckdb", cwd=tmp_path)

    assert_one_line_error(result, "empty.duckdb: cannot read kpi_history (Catalog Error: Table with name kpi_history")
    assert not (tmp_path / "kpi_report.html").exists()


def test_a_project_without_kpis_is_a_one_line_error(run_cli: RunCli, tmp_path: Path) -> None:
    database = write_duckdb([], tmp_path / "kpi.duckdb")  # the generated model of a project without KPIs: no row

    result = run_cli("report", "--database", str(database), cwd=tmp_path)

    assert_one_line_error(
        result,
        "kpi_history holds no KPI: mark metrics with `kpi: true` in their meta, then `dbt-kpi-lint generate` and "
        "`dbt build`",
    )


def test_a_warehouse_that_cannot_be_reached_is_a_one_line_error(run_cli: RunCli, tmp_path: Path) -> None:
    pytest.importorskip("dbt.adapters.postgres")
    project = copy_example_project(tmp_path / "project")
    (project / "profiles.yml").write_text(
        "kpi_demo:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: 127.0.0.1\n"
        f"      port: {closed_port()}\n      user: kpi\n      password: kpi\n      dbname: kpi\n"
        "      schema: public\n      threads: 1\n",
        encoding="utf-8",
    )

    result = run_cli("report", "--project", str(project), "--profiles-dir", str(project), cwd=tmp_path)

    assert_one_line_error(result, "dbt could not read kpi_history on the project's target: ")
    assert "Traceback" not in result.stderr


MISSING_TABLE = "build it with `dbt-kpi-lint generate` and `dbt build`\n"


@pytest.mark.parametrize("command", [("report",), ("status",)])
def test_tables_missing_on_a_dbt_target_are_one_line_and_leave_no_dbt_pool_running(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    project = copy_example_project(tmp_path / "project")  # generated models, never built
    environment = {**os.environ, "KPI_DEMO_DUCKDB": str(tmp_path / "empty.duckdb")}

    # -X dev shows the ResourceWarning of a pool still running at exit, which otherwise surfaces
    # (timing permitting) as "Exception ignored in: <function Pool.__del__> ... Bad file descriptor".
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-m", "dbt_kpi_lint", *command, "--target", "dev"],
        cwd=project, env=environment, capture_output=True, text=True, check=False,
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: target dev: cannot read kpi_history (Catalog Error: Table with name kpi_history does "
        f"not exist!); {MISSING_TABLE}",
    )


def test_tables_missing_on_postgres_are_the_same_one_line_error(
    postgres: PostgresServer, run_cli: RunCli, tmp_path: Path
) -> None:
    project = copy_example_project(tmp_path / "project")
    postgres.write_dbt_profile(project, profile="kpi_demo", target="pg", dbname=postgres.create_database())

    result = run_cli("status", "--project", str(project), "--profiles-dir", str(project), cwd=tmp_path)

    assert (result.exit_code, result.stderr) == (
        2,
        f'dbt-kpi-lint: error: the project\'s target: cannot read kpi_history (relation "public.kpi_history" does '
        f"not exist); {MISSING_TABLE}",
    )


def test_the_command_offers_the_groupings_the_report_knows() -> None:
    assert scorecard_command.GROUPINGS == cards.GROUPINGS


def test_the_lint_path_imports_neither_the_report_nor_jinja2(make_project: Callable[..., Path]) -> None:
    root = make_project({"models/metrics.yml": "metrics: []\n"})

    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dbt_kpi_lint", "check", str(root)],
        capture_output=True, text=True, check=False,
    )

    modules = imported_modules(result.stderr)
    assert (result.returncode, "dbt_kpi_lint.cli.scorecard" in modules) == (0, False)  # only the command run loads
    assert [module for module in modules if module.split(".")[0] in ("jinja2", "markupsafe", "duckdb", "dbt")] == []
    assert [module for module in modules if module.startswith("dbt_kpi_lint.report")] == []


def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: bound, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
