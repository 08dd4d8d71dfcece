"""The documented CI: the GitHub Actions workflow and the GitLab job parse, and their commands work locally."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import DEFAULT_PROJECT_FILE, REPO_ROOT, write_files

from dbt_kpi_lint.review.formats import MARKDOWN_MARKER

WORKFLOW = REPO_ROOT / "docs" / "examples" / "github-workflow.yml"
GITLAB_JOB = REPO_ROOT / "docs" / "examples" / "gitlab-ci.yml"
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"

CLEAN_KPI = """\
metrics:
  - name: revenue
    type: simple
    type_params: {measure: revenue}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 100000, owner: finance@example.com}
"""
# A pre-existing problem on main: an all-time total (VAN001, a warning).
LEGACY = """\
metrics:
  - name: customers_ever
    type: cumulative
    type_params: {measure: customers}
"""


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    [job] = workflow["jobs"].values()
    return job["steps"]


def lint_commands(workflow: dict[Any, Any]) -> list[str]:
    return [step["run"] for step in steps(workflow) if step.get("run", "").startswith("dbt-kpi-lint check ")]


def review_step(workflow: dict[Any, Any]) -> dict[str, Any]:
    return next(step for step in steps(workflow) if step.get("run", "").startswith("dbt-kpi-lint review "))


def test_workflow_runs_on_pull_requests_with_the_permissions_sarif_and_the_review_comment_need(
    workflow: dict[Any, Any],
) -> None:
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads a bare `on:` as YAML 1.1 true
    assert "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read", "security-events": "write", "pull-requests": "write"}


def test_workflow_checks_out_full_history_for_diff_base(workflow: dict[Any, Any]) -> None:
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_workflow_uploads_the_sarif_file_it_writes(workflow: dict[Any, Any]) -> None:
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    sarif_command = next(command for command in lint_commands(workflow) if "--format sarif" in command)
    assert f"--output {upload['with']['sarif_file']}" in sarif_command


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A pull request drops the owner of a KPI, next to a pre-existing warning on main."""
    repo = tmp_path / "analytics"
    write_files(repo, {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": CLEAN_KPI, "models/legacy.yml": LEGACY})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "main")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # what actions/checkout fetches
    _git(repo, "checkout", "-q", "-b", "pull-request")
    (repo / "models/metrics.yml").write_text(CLEAN_KPI.replace(", owner: finance@example.com", ""), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "drop the owner")
    return repo


def test_workflow_lint_commands_run_locally(workflow: dict[Any, Any], pull_request: Path) -> None:
    repo = pull_request
    sarif_step, annotate_step = (_run_step(command, workflow, repo) for command in lint_commands(workflow))

    assert sarif_step.returncode == 0, sarif_step.stderr
    log = json.loads((repo / "dbt-kpi-lint.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    assert [result["ruleId"] for result in log["runs"][0]["results"]] == ["VAN001", "KPI001"]
    assert annotate_step.returncode == 1
    assert annotate_step.stdout.splitlines() == [
        "::error file=models/metrics.yml,line=2,col=5,title=KPI001 kpi-without-owner::KPI `revenue` has no owner: "
        "set `meta.owner` to the accountable person or team, or put the metric in a dbt group that has an owner "
        "(`config.group`)"
    ]


def test_workflow_review_step_writes_the_markdown_to_the_step_summary(
    workflow: dict[Any, Any], pull_request: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    summary.write_text("## earlier step\n", encoding="utf-8")

    step = _run_step(review_step(workflow)["run"], workflow, pull_request, {"GITHUB_STEP_SUMMARY": str(summary)})

    merge_base = subprocess.run(
        ["git", "merge-base", "origin/main", "HEAD"], cwd=pull_request, capture_output=True, text=True, check=True
    ).stdout[:7]
    assert step.returncode == 0, step.stderr
    assert summary.read_text(encoding="utf-8") == "## earlier step\n" + (
        f"{MARKDOWN_MARKER}\n"
        "## KPI review: 1 KPI with KPI fields changed, 1 new finding\n"
        "\n"
        f"Compared with `origin/main` at {merge_base}, the merge base. Highest severity: **risky** (1 risky, 1 info).\n"
        "\n"
        "### `revenue` (risky): KPI fields changed\n"
        "\n"
        "| KPI field | before | after |\n"
        "|---|---|---|\n"
        "| owner | `finance@example.com` | – |\n"
        "\n"
        "### Findings\n"
        "\n"
        "New in this change:\n"
        "\n"
        "- `models/metrics.yml:2:5` **KPI001** KPI `revenue` has no owner: set `meta.owner` to the accountable person "
        "or team, or put the metric in a dbt group that has an owner (`config.group`)\n"
    )


def test_workflow_comment_step_posts_the_file_the_review_writes_as_one_updated_comment(workflow: dict[Any, Any]) -> None:
    comment = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/github-script@"))
    written = re.search(r"--output (\S+)", review_step(workflow)["run"])

    assert written is not None
    assert f"readFileSync('{written[1]}'" in comment["with"]["script"]
    assert f"const marker = '{MARKDOWN_MARKER}';" in comment["with"]["script"]
    assert "github.repository" in comment["if"]  # forks get a read-only token


def test_gitlab_job_runs_on_merge_requests_with_the_full_history() -> None:
    [job] = yaml.safe_load(GITLAB_JOB.read_text(encoding="utf-8")).values()

    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == 0


def test_gitlab_job_writes_the_review_it_posts_and_keeps_it_without_a_token(pull_request: Path) -> None:
    [job] = yaml.safe_load(GITLAB_JOB.read_text(encoding="utf-8")).values()
    review, post, _ = (line for line in job["script"] if line.startswith(("dbt-kpi-lint review", "if [ -n")))
    env = {**job["variables"], "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "KPI_REVIEW_TOKEN": ""}

    steps_run = [_run_step(command, {"env": env}, pull_request) for command in (review, post)]

    written = (pull_request / job["artifacts"]["paths"][0]).read_text(encoding="utf-8")
    assert [step.returncode for step in steps_run] == [0, 0]
    assert written.startswith(f"{MARKDOWN_MARKER}\n## KPI review: 1 KPI with KPI fields changed, 1 new finding\n")
    assert "--data-urlencode \"body@dbt-kpi-lint-review.md\"" in post


def gate_step(workflow: dict[Any, Any]) -> dict[str, Any]:
    return next(step for step in steps(workflow) if "--fail-on" in step.get("run", ""))


def breaking(repo: Path) -> Path:
    """`repo`'s pull request made breaking too: the KPI's number gets a filter."""
    text = (repo / "models/metrics.yml").read_text(encoding="utf-8")
    filtered = "    type_params: {measure: revenue}\n    filter: \"{{ Dimension('order__status') }} = 'paid'\"\n"
    (repo / "models/metrics.yml").write_text(text.replace("    type_params: {measure: revenue}\n", filtered))
    return repo


def test_workflow_gate_step_fails_on_a_breaking_change_only(workflow: dict[Any, Any], pull_request: Path) -> None:
    command = gate_step(workflow)["run"]

    risky = _run_step(command, workflow, pull_request)
    breaking_run = _run_step(command, workflow, breaking(pull_request))

    assert (risky.returncode, breaking_run.returncode) == (0, 1)
    assert breaking_run.stdout.splitlines()[1] == "severity: breaking (1 breaking, 1 risky, 1 info)"
    assert gate_step(workflow)["if"] == "${{ !cancelled() }}"  # the gate runs after a failed lint step too


def test_gitlab_job_fails_on_a_breaking_change_only(pull_request: Path) -> None:
    [job] = yaml.safe_load(GITLAB_JOB.read_text(encoding="utf-8")).values()
    [gate] = [line for line in job["script"] if "--fail-on" in line]
    env = {**job["variables"], "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}

    risky = _run_step(gate, {"env": env}, pull_request)
    breaking_run = _run_step(gate, {"env": env}, breaking(pull_request))

    assert (risky.returncode, breaking_run.returncode, job["script"][-1]) == (0, 1, gate)


def _run_step(
    command: str, workflow: dict[Any, Any], repo: Path, runner_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a `run:` command as the runner would: bash, the workflow's env, expressions filled in."""
    script = re.sub(r"\$\{\{\s*github\.base_ref\s*\}\}", "main", command)
    assert "${{" not in script, f"unsupported expression in {command!r}"
    bin_dir = str(Path(sys.executable).parent)  # where this environment installed dbt-kpi-lint
    env = {**os.environ, **(runner_env or {}), **{key: str(value) for key, value in workflow.get("env", {}).items()}}
    env["PATH"] = bin_dir + os.pathsep + env["PATH"]
    return subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *arguments],
        cwd=repo, check=True, capture_output=True,
    )
