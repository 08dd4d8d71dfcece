"""The documented GitHub Actions workflow: it parses, and its lint commands work when run locally."""

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

WORKFLOW = REPO_ROOT / "docs" / "examples" / "github-workflow.yml"
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
    return [step["run"] for step in steps(workflow) if step.get("run", "").startswith("dbt-kpi-lint ")]


def test_workflow_runs_on_pull_requests_with_the_permissions_sarif_upload_needs(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads a bare `on:` as YAML 1.1 true
    assert "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}


def test_workflow_checks_out_full_history_for_diff_base(workflow: dict[Any, Any]) -> None:
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_workflow_uploads_the_sarif_file_it_writes(workflow: dict[Any, Any]) -> None:
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    sarif_command = next(command for command in lint_commands(workflow) if "--format sarif" in command)
    assert f"--output {upload['with']['sarif_file']}" in sarif_command


def test_workflow_lint_commands_run_locally(workflow: dict[Any, Any], tmp_path: Path) -> None:
    """A pull request adds a KPI without owner next to a pre-existing warning on main."""
    repo = tmp_path / "analytics"
    write_files(repo, {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": CLEAN_KPI, "models/legacy.yml": LEGACY})
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "main")
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # what actions/checkout fetches
    _git(repo, "checkout", "-q", "-b", "pull-request")
    (repo / "models/metrics.yml").write_text(CLEAN_KPI.replace(", owner: finance@example.com", ""), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "drop the owner")

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


def _run_step(command: str, workflow: dict[Any, Any], repo: Path) -> subprocess.CompletedProcess[str]:
    """Run a `run:` command as the runner would: bash, the workflow's env, expressions filled in."""
    script = re.sub(r"\$\{\{\s*github\.base_ref\s*\}\}", "main", command)
    assert "${{" not in script, f"unsupported expression in {command!r}"
    bin_dir = str(Path(sys.executable).parent)  # where this environment installed dbt-kpi-lint
    env = {**os.environ, **{key: str(value) for key, value in workflow.get("env", {}).items()}}
    env["PATH"] = bin_dir + os.pathsep + env["PATH"]
    return subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *arguments],
        cwd=repo, check=True, capture_output=True,
    )
