"""--diff-base REF: only findings about metrics changed since REF, in real git repositories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from conftest import DEFAULT_PROJECT_FILE, CliResult, write_files
from git_repos import commit_all, edit, git

from dbt_kpi_lint.lint.diff_base import parse_unified_diff

Run = Callable[..., CliResult]

# Three KPIs without owner (KPI001 at lines 2, 9 and 16); `customers` feeds the ratio KPI.
METRICS = """\
metrics:
  - name: revenue
    description: Net revenue after refunds
    type: simple
    type_params: {measure: revenue}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 100}

  - name: margin
    label: Margin
    type: simple
    type_params: {measure: margin}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 0.3}

  - name: revenue_per_customer
    label: Revenue per customer
    type: ratio
    type_params: {numerator: revenue, denominator: customers}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 20}

  - name: customers
    label: Customers
    type: simple
    type_params: {measure: customers}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose `main` holds the dbt project; work continues on branch `feature`."""
    root = tmp_path / "repo"
    write_files(root, {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "KPIs")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def reported(result: CliResult) -> list[str]:
    """`path:line CODE metric` of each finding, from --format json."""
    return [f"{item['path']}:{item['line']} {item['code']} {item['metric']}" for item in json.loads(result.stdout)]


def test_only_the_changed_metric_is_reported(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "label: Margin", "label: Gross margin")
    commit_all(repo, "rename margin")

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == ["models/metrics.yml:9 KPI001 margin"]
    assert result.exit_code == 1


def test_summary_counts_only_changed_metrics(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "label: Margin", "label: Gross margin")

    result = run_cli("check", "--diff-base", "main", cwd=repo)

    assert result.stdout.splitlines()[-1] == "Found 1 error and 0 warnings in 1 metric (1 KPI)."


def test_nothing_changed_reports_nothing(repo: Path, run_cli: Run) -> None:
    result = run_cli("check", "--diff-base", "main", cwd=repo)

    assert (result.exit_code, result.stdout) == (0, "All checks passed: 0 metrics (0 KPIs).\n")


def test_uncommitted_and_staged_edits_count(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "target: 100", "target: 120")
    git(repo, "add", "models/metrics.yml")
    edit(repo, "models/metrics.yml", "label: Margin", "label: Gross margin")

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == [
        "models/metrics.yml:2 KPI001 revenue",
        "models/metrics.yml:9 KPI001 margin",
        "models/metrics.yml:16 KPI001 revenue_per_customer",  # revenue is its numerator
    ]


def test_an_untracked_file_counts_as_changed(repo: Path, run_cli: Run) -> None:
    write_files(repo, {"models/new.yml": "metrics:\n  - name: signups\n    type: simple\n    config: {meta: {kpi: true, direction: increase, objective: grow, indicator: leading}}\n"})

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == ["models/new.yml:2 KPI001 signups", "models/new.yml:2 KPI002 signups"]


def test_a_deletion_inside_a_metric_counts(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "    label: Margin\n", "")

    assert reported(run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)) == [
        "models/metrics.yml:9 KPI001 margin"
    ]


def test_a_changed_input_marks_the_metrics_built_on_it(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "type: simple\n    type_params: {measure: customers}", "type: cumulative\n    type_params: {measure: customers}")

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == [
        "models/metrics.yml:16 KPI001 revenue_per_customer",
        "models/metrics.yml:19 VAN002 revenue_per_customer",
        "models/metrics.yml:23 VAN001 customers",
    ]


def test_a_changed_project_meta_marks_the_metrics_it_applies_to(repo: Path, run_cli: Run) -> None:
    (repo / "dbt_project.yml").write_text(
        DEFAULT_PROJECT_FILE + "metrics:\n  shop:\n    +meta:\n      domain: sales\n", encoding="utf-8"
    )

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert [line.split()[2] for line in reported(result)] == ["revenue", "margin", "revenue_per_customer"]


def test_an_unrelated_change_in_dbt_project_yml_marks_nothing(repo: Path, run_cli: Run) -> None:
    edit(repo, "dbt_project.yml", 'version: "1.0.0"', 'version: "1.1.0"')

    assert reported(run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)) == []


def test_a_changed_group_owner_marks_its_metrics(repo: Path, run_cli: Run) -> None:
    write_files(repo, {"models/groups.yml": "groups:\n  - name: finance\n    owner: {name: Finance}\n"})
    edit(repo, "models/metrics.yml", "    config:\n      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 0.3}",
         "    config:\n      group: finance\n      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 0.3}")
    commit_all(repo, "finance owns margin")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, "models/groups.yml", "owner: {name: Finance}", "owner: {name: null}")

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == ["models/metrics.yml:9 KPI001 margin"]


def test_changes_made_on_the_base_branch_after_branching_do_not_count(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/metrics.yml", "after refunds\n", "after refunds and discounts\n")
    commit_all(repo, "feature work")
    git(repo, "checkout", "-q", "main")
    edit(repo, "models/metrics.yml", "label: Margin", "label: Gross margin")
    commit_all(repo, "work on main")
    git(repo, "checkout", "-q", "feature")

    result = run_cli("check", "--diff-base", "main", "--format", "json", cwd=repo)

    assert reported(result) == [
        "models/metrics.yml:2 KPI001 revenue",
        "models/metrics.yml:16 KPI001 revenue_per_customer",
    ]


def test_project_in_a_subdirectory_of_the_repository(tmp_path: Path, run_cli: Run) -> None:
    root = tmp_path / "repo"
    write_files(root / "analytics", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "KPIs")
    edit(root, "analytics/models/metrics.yml", "label: Margin", "label: Gross margin")

    result = run_cli("check", "analytics", "--diff-base", "main", "--format", "github", cwd=root)

    assert result.stdout.startswith("::error file=analytics/models/metrics.yml,line=9,col=5,title=KPI001")
    assert len(result.stdout.splitlines()) == 1


def test_an_unknown_revision_is_a_one_line_error(repo: Path, run_cli: Run) -> None:
    result = run_cli("check", "--diff-base", "origin/nope", cwd=repo)

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --diff-base: unknown git revision `origin/nope` (fetch it first, e.g. "
        "`git fetch origin main`)\n",
    )


def test_outside_a_git_repository_is_a_one_line_error(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS})

    result = run_cli("check", "--diff-base", "main", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == f"dbt-kpi-lint: error: --diff-base: {project} is not inside a git repository\n"


def test_diff_parsing_handles_quoted_paths_deletions_and_plus_lines_in_hunks() -> None:
    diff = (
        'diff --git "a/models/caf\\303\\251 \\"x\\".yml" "b/models/caf\\303\\251 \\"x\\".yml"\n'
        "index 1..2 100644\n"
        '--- "a/models/caf\\303\\251 \\"x\\".yml"\n'
        '+++ "b/models/caf\\303\\251 \\"x\\".yml"\n'
        "@@ -3,2 +3,0 @@ metrics:\n"
        "-    label: a\n"
        "-    type: simple\n"
        "@@ -9 +8,2 @@\n"
        "+++ looks like a header\n"
        "+    b\n"
        "diff --git a/old.yml b/old.yml\n"
        "deleted file mode 100644\n"
        "--- a/old.yml\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-metrics:\n"
        "-  - name: x\n"
    )

    assert list(parse_unified_diff(diff)) == [('models/café "x".yml', frozenset({3, 8, 9}))]
