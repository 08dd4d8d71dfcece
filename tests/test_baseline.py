"""Baselines: record today's findings, then fail only on new ones, matched by code and metric."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult, finding_lines

from dbt_kpi_lint.findings import Finding
from dbt_kpi_lint.lint.baseline import Baseline
from dbt_kpi_lint.model import Location, Severity

Run = Callable[..., CliResult]

# revenue: KPI001 (line 2); customers_ever: VAN001 (line 6).
METRICS = """\
metrics:
  - name: revenue
    type: simple
    type_params: {measure: revenue}
    config: {meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 100}}
  - name: customers_ever
    type: cumulative
    type_params: {measure: customers}
"""

NEW_KPI = """\
  - name: margin
    type: simple
    type_params: {measure: margin}
    config: {meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 0.3}}
"""


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"models/metrics.yml": METRICS})


def test_write_baseline_records_findings_sorted_one_per_line(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)

    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "dbt-kpi-lint: recorded 2 findings in kpi-baseline.json\n"
    assert (project / "kpi-baseline.json").read_text() == (
        "{\n"
        '  "version": 1,\n'
        '  "findings": [\n'
        '    {"project": "shop", "code": "KPI001", "metric": "revenue", "count": 1},\n'
        '    {"project": "shop", "code": "VAN001", "metric": "customers_ever", "count": 1}\n'
        "  ]\n"
        "}\n"
    )


def test_a_clean_project_writes_an_empty_baseline(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": "metrics:\n  - name: orders\n    type: simple\n"})

    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)

    assert (project / "kpi-baseline.json").read_text() == '{\n  "version": 1,\n  "findings": []\n}\n'


def test_baselined_findings_no_longer_fail_the_run(project: Path, run_cli: Run) -> None:
    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)

    result = run_cli("check", "--baseline", "kpi-baseline.json", cwd=project)

    assert (result.exit_code, result.stdout) == (
        0,
        "All checks passed: 2 metrics (1 KPI); 2 known findings in the baseline.\n",
    )


def test_edits_above_a_finding_do_not_bring_it_back(project: Path, run_cli: Run) -> None:
    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)
    (project / "models/metrics.yml").write_text("# KPIs of the shop\n\n" + METRICS, encoding="utf-8")

    assert run_cli("check", "--baseline", "kpi-baseline.json", cwd=project).exit_code == 0


def test_a_metric_moved_to_another_file_keeps_its_baseline(project: Path, run_cli: Run) -> None:
    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)
    (project / "models/metrics.yml").rename(project / "models/finance.yml")

    assert run_cli("check", "--baseline", "kpi-baseline.json", cwd=project).exit_code == 0


def test_only_new_findings_are_reported(project: Path, run_cli: Run) -> None:
    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)
    (project / "models/metrics.yml").write_text(METRICS + NEW_KPI, encoding="utf-8")

    result = run_cli("check", "--baseline", "kpi-baseline.json", cwd=project)

    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        "Found 1 error and 0 warnings in 3 metrics (2 KPIs); 2 known findings in the baseline."
    )
    assert finding_lines(result.stdout) == [
        "models/metrics.yml:9:5: error[KPI001] KPI `margin` has no owner: set `meta.owner` to the accountable "
        "person or team, or put the metric in a dbt group that has an owner (`config.group`)",
    ]


def test_a_finding_about_no_metric_is_matched_by_its_file(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/broken.yml": "metrics:\n  - name: [unclosed\n"})

    run_cli("check", "--write-baseline", "kpi-baseline.json", cwd=project)

    assert '{"project": "shop", "code": "YML001", "path": "models/broken.yml", "count": 1}' in (
        project / "kpi-baseline.json"
    ).read_text()
    assert run_cli("check", "--baseline", "kpi-baseline.json", cwd=project).exit_code == 0


def test_identical_findings_are_counted() -> None:
    def finding(line: int) -> Finding:
        return Finding("KPI004", Severity.ERROR, "bad target", Location("models/m.yml", line, 5), "revenue")

    baseline = Baseline()
    baseline.record("shop", [finding(3), finding(4)])

    assert baseline.new_findings("shop", [finding(7), finding(8), finding(9)]) == [finding(9)]
    assert baseline.new_findings("other_project", [finding(7)]) == [finding(7)]


def test_writing_twice_gives_the_same_bytes(project: Path, run_cli: Run) -> None:
    run_cli("check", "--write-baseline", "first.json", cwd=project)
    run_cli("check", "--write-baseline", "second.json", cwd=project)

    assert (project / "first.json").read_bytes() == (project / "second.json").read_bytes()


def test_write_baseline_refuses_a_partial_run(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "models/metrics.yml", "--write-baseline", "kpi-baseline.json", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == (
        "dbt-kpi-lint: error: --write-baseline records whole projects: pass project directories, not files, "
        "and no --diff-base\n"
    )
    assert not (project / "kpi-baseline.json").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "kpi-baseline.json: no such baseline file; create it with --write-baseline kpi-baseline.json"),
        ("{", "kpi-baseline.json: cannot read baseline: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ('{"version": 2, "findings": []}', "kpi-baseline.json: not a version 1 dbt-kpi-lint baseline; rewrite it with --write-baseline"),
        ('{"version": 1, "findings": {}}', "kpi-baseline.json: `findings` must be a list"),
        (
            '{"version": 1, "findings": [{"project": "shop", "code": "KPI001", "count": 1}]}',
            "kpi-baseline.json: finding 1 must have `project`, `code`, `metric` or `path`, and a positive `count`",
        ),
    ],
)
def test_unusable_baseline_is_a_one_line_error(project: Path, run_cli: Run, content: str | None, message: str) -> None:
    if content is not None:
        (project / "kpi-baseline.json").write_text(content)

    result = run_cli("check", "--baseline", "kpi-baseline.json", cwd=project)

    assert (result.exit_code, result.stderr) == (2, f"dbt-kpi-lint: error: {message}\n")
