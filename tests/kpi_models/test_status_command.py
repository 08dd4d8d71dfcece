"""`dbt-kpi-lint status`: the built tables as people and programs read them."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from dbt_kpi_lint.status.formatting import change, number, period_label

pytest.importorskip("duckdb")


@pytest.fixture(scope="module")
def database(build) -> Path:
    return build("kpi_project").root / "kpi.duckdb"


def status(run_cli, cwd: Path, *args: str):
    return run_cli("status", *args, cwd=cwd)


def test_text_view_is_one_row_per_kpi_worst_first_with_period_labels(run_cli, database: Path, tmp_path: Path) -> None:
    result = status(run_cli, tmp_path, str(database))
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["kpi", "status", "period", "actual", "target", "attainment", "change", "owner", "lint", "why"]
    assert [line.split("  ")[0] for line in lines[1:3]] == ["Average order value", "distinct_customers"]
    cells = {row[0]: row[3:7] for row in (re.split(r"\s{2,}", line.strip()) for line in lines[1:12])}
    assert (cells["Orders"], cells["Returned orders"]) == (
        ["146", "200", "73%", "-"],  # actual, target, attainment, change: no quarter before 2024-Q1
        ["5", "0", "-", "+3 (+150%) worsening"],  # a target of 0 has no attainment; direction: decrease
    )
    assert "2024-Q1 (quarter)" in lines[3] and "2024-W23 (week)" in lines[4]
    assert lines[-1].startswith("11 KPIs as of 2024-06-10: 5 off_track, 2 at_risk, 1 no_data, 1 no_target, 2 on_track.")
    assert result.exit_code == 0


def test_a_long_label_is_cut_and_its_line_break_joined(run_cli, database: Path, tmp_path: Path) -> None:
    line = next(line for line in status(run_cli, tmp_path, str(database)).stdout.splitlines() if "Completed" in line)
    assert line.startswith("Completed {{ revenue }} {% if %} {# x #…  at_risk")


def test_markdown_view_escapes_what_markdown_would_read(run_cli, database: Path, tmp_path: Path) -> None:
    text = status(run_cli, tmp_path, str(database), "--format", "markdown").stdout
    assert text.startswith("### KPI status\n\n| kpi | status | period | actual | target | attainment | change | owner | lint | why |\n")
    assert "| Revenue \"net\" \\\\ 100% | at_risk | 2024-05 (month) | 4,397 | 4,500 | 97.72% |" in text


def test_csv_and_json_views_hold_the_table_s_own_values(run_cli, database: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(status(run_cli, tmp_path, str(database), "--format", "csv").stdout)))
    records = json.loads(status(run_cli, tmp_path, str(database), "--format", "json").stdout)
    revenue = next(row for row in rows if row["metric_name"] == "revenue")
    assert (revenue["actual"], revenue["period_start"], revenue["status"]) == ("4397.470000000001", "2024-05-01", "at_risk")
    assert [record["metric_name"] for record in records] == [row["metric_name"] for row in rows]
    assert len(records) == 11


def test_text_and_markdown_say_whether_the_change_is_for_the_better(run_cli, database: Path, tmp_path: Path) -> None:
    text = status(run_cli, tmp_path, str(database)).stdout
    markdown = status(run_cli, tmp_path, str(database), "--format", "markdown").stdout

    returned = next(line for line in text.splitlines() if line.startswith("Returned orders"))
    assert re.split(r"\s{2,}", returned)[6] == "+3 (+150%) worsening"
    assert "| 4,397 | 4,500 | 97.72% | -427.2 (-8.854%) worsening |" in markdown
    assert "| 3,209 | 3,500 | 91.68% | +484.8 (+17.8%) improving |" in markdown


def test_csv_and_json_say_whether_the_change_is_for_the_better(run_cli, database: Path, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(status(run_cli, tmp_path, str(database), "--format", "csv").stdout)))
    records = json.loads(status(run_cli, tmp_path, str(database), "--format", "json").stdout)

    assert {row["metric_name"]: row["trend"] for row in rows}["returned_orders"] == "worsening"
    assert {record["metric_name"]: record["trend"] for record in records}["completed_revenue"] == "improving"
    assert list(records[0])[list(records[0]).index("relative_change") + 1] == "trend"


def test_a_kpi_without_a_status_says_why_in_every_format(build, run_cli, tmp_path: Path) -> None:
    database = str(build("example_project").root / "kpi.duckdb")
    text = status(run_cli, tmp_path, database).stdout
    markdown = status(run_cli, tmp_path, database, "--format", "markdown").stdout
    records = json.loads(status(run_cli, tmp_path, database, "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(status(run_cli, tmp_path, database, "--format", "csv").stdout)))
    why = "an all-time total only goes up, so meeting a target says nothing (VAN001)"

    total = next(line for line in text.splitlines() if line.startswith("Total customers ever"))
    assert re.split(r"\s{2,}", total)[1] == "not_judged" and total.endswith(f"  {why}")
    assert f"| VAN001 | {why} |" in markdown
    assert {record["metric_name"]: record["status_reason"] for record in records}["total_customers"] == why
    assert {row["metric_name"]: row["status_reason"] for row in rows}["total_customers"] == why


def test_example_project_shows_rates_in_percent_and_money_in_eur(build, run_cli, tmp_path: Path) -> None:
    text = status(run_cli, tmp_path, str(build("example_project").root / "kpi.duckdb")).stdout

    cells = {row[0]: row[3:5] for row in (re.split(r"\s{2,}", line.strip()) for line in text.splitlines()[1:13])}
    assert (cells["Website signup rate"], cells["Recognised revenue"], cells["Average invoice value"]) == (
        ["0.495%", "0.45%"], ["276,470 EUR", "300,000 EUR"], ["1,106 EUR", "1,000 EUR"],
    )


@pytest.mark.parametrize(("fail_on", "exit_code"), [("off_track", 1), ("at_risk", 1)])
def test_fail_on_turns_a_status_into_exit_1(run_cli, database: Path, tmp_path: Path, fail_on: str, exit_code: int) -> None:
    assert status(run_cli, tmp_path, str(database), "--fail-on", fail_on).exit_code == exit_code


def test_files_rewritten_with_the_same_content_give_no_warning(build, run_cli, tmp_path: Path) -> None:
    """A `git checkout` that leaves the definitions as they were gives new file times and no change."""
    root = Path(shutil.copytree(build("kpi_project").root, tmp_path / "project"))
    for path in root.rglob("*.yml"):
        later = path.stat().st_mtime + 3600 * 24 * 365 * 10
        os.utime(path, (later, later))

    result = status(run_cli, root, "kpi.duckdb")

    assert (result.exit_code, result.stderr) == (0, "")


def test_a_changed_definition_is_warned_about_naming_what_changed(build, run_cli, tmp_path: Path) -> None:
    root = Path(shutil.copytree(build("kpi_project").root, tmp_path / "project"))
    semantic = root / "models" / "semantic.yml"
    semantic.write_text(semantic.read_text().replace("{name: revenue, agg: sum, expr: amount}", "{name: revenue, agg: max, expr: amount}"))

    result = status(run_cli, root, "kpi.duckdb")

    assert result.stderr == (
        "dbt-kpi-lint: warning: the KPI tables were built from other definitions than the project's YAML holds now "
        "(the semantic definitions changed): run `dbt-kpi-lint generate` and `dbt build` for current numbers\n"
    )


def test_a_missing_database_is_one_line_and_exit_2(run_cli, tmp_path: Path) -> None:
    result = status(run_cli, tmp_path, "nowhere.duckdb")
    assert (result.exit_code, result.stderr) == (
        2, "dbt-kpi-lint: error: nowhere.duckdb: no such DuckDB file; run `dbt build` first\n",
    )


def test_a_database_without_the_tables_is_one_line_and_exit_2(run_cli, tmp_path: Path) -> None:
    import duckdb

    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    result = status(run_cli, tmp_path, "empty.duckdb")
    assert result.exit_code == 2
    assert result.stderr.startswith("dbt-kpi-lint: error: empty.duckdb: cannot read kpi_history (")
    assert result.stderr.endswith("); build it with `dbt-kpi-lint generate` and `dbt build`\n")
    assert len(result.stderr.splitlines()) == 1


def test_through_dbt_it_reads_the_same_table_on_postgres(build, run_cli, monkeypatch) -> None:
    project = build("kpi_project", "postgres")
    for name, value in project.env.items():
        monkeypatch.setenv(name, value)
    result = status(run_cli, project.root, "--target", "pg", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert {record["metric_name"]: record["status"] for record in json.loads(result.stdout)}["completed_revenue"] == "at_risk"


@pytest.mark.parametrize(
    ("grain", "label"),
    [("day", "2026-05-31"), ("week", "2026-W23"), ("month", "2026-06"), ("quarter", "2026-Q2"), ("year", "2026")],
)
def test_period_labels(grain: str, label: str) -> None:
    from datetime import date

    start = {"day": date(2026, 5, 31), "week": date(2026, 6, 1)}.get(grain, date(2026, 6, 1))
    assert period_label(grain, start) == label


@pytest.mark.parametrize(
    ("value", "shown"),
    [(35.389, "35.39"), (276470.0, "276,470"), (4.3, "4.3"), (0.004949979, "0.00495"), (0.0, "0"), (None, "-")],
)
def test_numbers_keep_four_significant_digits_and_no_zeros_they_do_not_have(value: float | None, shown: str) -> None:
    assert number(value) == shown


def test_percent_and_unit_formats() -> None:
    assert (number(0.2105263, "percent"), number(1105.88, unit="EUR"), change(-0.02, None, "percent")) == (
        "21.05%", "1,106 EUR", "-2 pt",
    )
