"""The text format: severity and fix mark on each finding line, `full` quoting the YAML, the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult
from sample_project import (
    DEP001_MESSAGE,
    KPI001_MESSAGE,
    LEGACY_WINDOW,
    METRICS,
    VAN001_MESSAGE,
)

from dbt_kpi_lint.findings import Finding
from dbt_kpi_lint.formatters import Report, RuleDescription
from dbt_kpi_lint.formatters.text import format_text
from dbt_kpi_lint.model import Location, Severity

Run = Callable[..., CliResult]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"models/metrics.yml": METRICS})


def test_full_is_the_default_and_quotes_each_findings_line_with_a_caret_under_the_column(
    project: Path, run_cli: Run
) -> None:
    result = run_cli("check", cwd=project)

    assert result.stdout == (
        f"models/metrics.yml:2:5: error[KPI001] {KPI001_MESSAGE}\n"
        "  |\n"
        "2 |   - name: revenue\n"
        "  |     ^\n"
        "  |\n"
        "\n"
        f"models/metrics.yml:8:5: warning[VAN001] {VAN001_MESSAGE}\n"
        "  |\n"
        "8 |   - name: customers_ever\n"
        "  |     ^\n"
        "  |\n"
        "\n"
        "Found 1 error and 1 warning in 3 metrics (1 KPI).\n"
    )


def test_concise_prints_only_the_finding_lines_and_the_summary(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--output-format", "concise", cwd=project)

    assert result.stdout == (
        f"models/metrics.yml:2:5: error[KPI001] {KPI001_MESSAGE}\n"
        f"models/metrics.yml:8:5: warning[VAN001] {VAN001_MESSAGE}\n"
        "Found 1 error and 1 warning in 3 metrics (1 KPI).\n"
    )


def test_a_fixable_finding_is_marked_and_the_summary_counts_what_fix_fixes(
    make_project: Callable[..., Path], run_cli: Run
) -> None:
    root = make_project({"models/metrics.yml": LEGACY_WINDOW})

    result = run_cli("check", "--output-format", "concise", cwd=root)

    assert (result.exit_code, result.stdout) == (
        0,
        f"models/metrics.yml:6:7: warning[DEP001] [*] {DEP001_MESSAGE}\n"
        "Found 0 errors and 1 warning in 1 metric (0 KPIs).\n"
        "[*] 1 fixable with `--fix`.\n",
    )


def test_the_gutter_is_as_wide_as_the_line_number(make_project: Callable[..., Path], run_cli: Run) -> None:
    root = make_project({"models/metrics.yml": "# padding\n" * 95 + LEGACY_WINDOW})

    result = run_cli("check", cwd=root)

    assert result.stdout.splitlines()[1:5] == [
        "    |",
        "101 |       window: 7 days",
        "    |       ^",
        "    |",
    ]


def test_full_quotes_lines_of_a_crlf_file_without_the_carriage_return(
    make_project: Callable[..., Path], run_cli: Run
) -> None:
    root = make_project({})
    (root / "models").mkdir()
    (root / "models/metrics.yml").write_bytes(LEGACY_WINDOW.replace("\n", "\r\n").encode())

    result = run_cli("check", cwd=root)

    assert result.stdout.splitlines()[2] == "6 |       window: 7 days"


def test_the_caret_keeps_the_tabs_before_the_column() -> None:
    finding = Finding("KPI004", Severity.ERROR, "Not a number.", Location("m.yml", 3, 16), "m")
    report = Report([finding], show_source=True, source_lines={("m.yml", 3): "\tmeta: {x: \t1, target: lots}"})

    assert format_text(report).splitlines()[1:5] == [
        "  |",
        "3 | \tmeta: {x: \t1, target: lots}",
        "  | \t          \t   ^",
        "  |",
    ]


def test_a_finding_whose_line_was_not_read_is_shown_without_a_quote() -> None:
    finding = Finding("YML001", Severity.ERROR, "Not UTF-8.", Location("m.yml", 2, 1))

    assert format_text(Report([finding], show_source=True)) == (
        "m.yml:2:1: error[YML001] Not UTF-8.\n\nFound 1 error and 0 warnings in 0 metrics (0 KPIs).\n"
    )


def test_only_a_rule_the_report_calls_fixable_is_marked() -> None:
    findings = [
        Finding("META001", Severity.ERROR, "Move it.", Location("m.yml", 1, 1), "a"),
        Finding("KPI001", Severity.ERROR, "No owner.", Location("m.yml", 9, 5), "b"),
    ]
    rules = [
        RuleDescription("META001", "kpi-meta-outside-config", "", "", Severity.WARNING, fixable=True),
        RuleDescription("KPI001", "kpi-without-owner", "", "", Severity.ERROR),
    ]

    assert format_text(Report(findings, rules)).splitlines() == [
        "m.yml:1:1: error[META001] [*] Move it.",
        "m.yml:9:5: error[KPI001] No owner.",
        "Found 2 errors and 0 warnings in 0 metrics (0 KPIs).",
        "[*] 1 fixable with `--fix`.",
    ]
