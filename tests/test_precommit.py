"""The pre-commit hook, driven by the real `pre-commit` client on throwaway git repositories.

The hook repository is a commit of this working tree (tracked and new files, as they are on
disk), so the tests exercise the code under test rather than the last commit.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_PROJECT_FILE, REPO_ROOT, write_files

BAD_KPI = """\
metrics:
  - name: revenue
    type: simple
    type_params: {measure: revenue}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 100000}
"""
FIXED_KPI = BAD_KPI.replace("target: 100000", "target: 100000, owner: finance@example.com")
# What MetricFlow needs to render `revenue`: its measure's semantic model, the model, a time spine.
SEMANTIC_LAYER = {
    "models/orders.yml": """\
semantic_models:
  - name: orders
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities: [{name: order, type: primary, expr: order_id}]
    dimensions: [{name: ordered_at, type: time, type_params: {time_granularity: day}}]
    measures: [{name: revenue, agg: sum, expr: amount}]
""",
    "models/orders.sql": "select 1 as order_id, current_date as ordered_at, 1.0 as amount\n",
    "models/metricflow_time_spine.sql": "select current_date as date_day\n",
}
KPI001 = (
    "models/metrics.yml:2:5: error[KPI001] KPI `revenue` has no owner: set `meta.owner` to the accountable "
    "person or team, or put the metric in a dbt group that has an owner (`config.group`)"
)
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *arguments],
        cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_IDENTITY},
    ).stdout


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree committed as a standalone repository that pre-commit can clone."""
    repo = tmp_path_factory.mktemp("hook") / "dbt-kpi-lint"
    listed = git(REPO_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for relative in filter(None, listed):
        source = REPO_ROOT / relative
        if source.is_file():
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / relative)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook under test")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def user_repo(root: Path, files: dict[str, str]) -> Path:
    """An analytics repository holding a dbt project, with everything staged."""
    write_files(root, {"dbt_project.yml": DEFAULT_PROJECT_FILE, **files})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    return root


def pre_commit(repo: Path, home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *arguments, "--color=never"],
        cwd=repo, capture_output=True, text=True, timeout=600,
        # The hooks' environments get the tested versions of what they install, as the suite's own does.
        env={**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home), "PIP_CONSTRAINT": str(REPO_ROOT / "constraints.txt")},
    )


def documented_config(hook_repo: Path) -> str:
    """The `.pre-commit-config.yaml` snippet of docs/ci.md, pointed at the hook under test."""
    snippet = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", (REPO_ROOT / "docs/ci.md").read_text(), re.S)
    assert snippet is not None
    config = yaml.safe_load(snippet[1])
    assert config["repos"][0]["hooks"] == [{"id": "dbt-kpi-lint"}]
    config["repos"][0].update(repo=str(hook_repo), rev=git(hook_repo, "rev-parse", "HEAD").strip())
    return yaml.safe_dump(config)


def test_hook_manifest_declares_python_hooks_over_yaml_files() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())

    assert [(hook["id"], hook["entry"], hook["language"], hook["types"], hook.get("pass_filenames", True)) for hook in hooks] == [
        ("dbt-kpi-lint", "dbt-kpi-lint check", "python", ["yaml"], True),
        ("dbt-kpi-lint-generate", "dbt-kpi-lint generate --exit-non-zero-on-write", "python", ["yaml"], False),
    ]


def test_try_repo_fails_on_a_bad_kpi_and_passes_once_fixed(hook_repo: Path, tmp_path: Path) -> None:
    repo = user_repo(tmp_path / "analytics", {"models/metrics.yml": BAD_KPI})

    failed = pre_commit(repo, tmp_path / "home", "try-repo", str(hook_repo), "dbt-kpi-lint", "--all-files")

    assert failed.returncode == 1, failed.stderr
    assert re.search(r"^dbt-kpi-lint\.+Failed$", failed.stdout, re.M)
    assert KPI001 in failed.stdout.splitlines()

    (repo / "models/metrics.yml").write_text(FIXED_KPI, encoding="utf-8")
    git(repo, "add", "-A")
    passed = pre_commit(repo, tmp_path / "home", "try-repo", str(hook_repo), "dbt-kpi-lint", "--all-files")

    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^dbt-kpi-lint\.+Passed$", passed.stdout, re.M)


def test_hook_environment_installs_only_the_lint_dependencies(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    repo = user_repo(tmp_path / "analytics", {"models/metrics.yml": FIXED_KPI})
    (repo / ".pre-commit-config.yaml").write_text(documented_config(hook_repo), encoding="utf-8")

    started = time.monotonic()
    installed = pre_commit(repo, pre_commit_home, "install-hooks")
    seconds = time.monotonic() - started

    assert installed.returncode == 0, installed.stdout + installed.stderr
    [python] = pre_commit_home.glob("repo*/py_env-*/bin/python")
    listed = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m, json; print(json.dumps(sorted(d.metadata['Name'] for d in m.distributions())))"],
        capture_output=True, text=True, check=True,
    )
    seeded_by_virtualenv = {"pip", "setuptools", "wheel"}
    assert set(json.loads(listed.stdout)) - seeded_by_virtualenv == {"dbt-kpi-lint", "PyYAML", "pathspec"}
    assert seconds < 120, f"first install took {seconds:.1f} s"


def test_hook_reports_only_the_staged_file(hook_repo: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    other = BAD_KPI.replace("revenue", "margin")
    repo = user_repo(tmp_path / "analytics", {"models/other.yml": other})
    (repo / ".pre-commit-config.yaml").write_text(documented_config(hook_repo), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "existing metrics")
    write_files(repo, {"models/metrics.yml": BAD_KPI})
    git(repo, "add", "models/metrics.yml")

    result = pre_commit(repo, pre_commit_home, "run")

    assert result.returncode == 1
    findings = [line for line in result.stdout.splitlines() if line.startswith("models/")]
    assert findings == [KPI001]


def test_staged_dbt_project_yml_lints_the_whole_project(hook_repo: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    repo = user_repo(tmp_path / "analytics", {"models/metrics.yml": BAD_KPI})
    (repo / ".pre-commit-config.yaml").write_text(documented_config(hook_repo), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "existing metrics")
    (repo / "dbt_project.yml").write_text(DEFAULT_PROJECT_FILE + "vars: {}\n", encoding="utf-8")
    git(repo, "add", "dbt_project.yml")

    result = pre_commit(repo, pre_commit_home, "run")

    assert result.returncode == 1
    assert KPI001 in result.stdout.splitlines()


def test_generate_hook_writes_the_kpi_models_then_passes(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    repo = user_repo(tmp_path / "analytics", {"models/metrics.yml": FIXED_KPI, **SEMANTIC_LAYER})
    config = yaml.safe_load(documented_config(hook_repo))
    config["repos"][0]["hooks"] = [{"id": "dbt-kpi-lint-generate"}]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")

    first = pre_commit(repo, pre_commit_home, "run", "--all-files")

    # pre-commit sees no change in files it did not track: the hook's flag makes it fail.
    assert first.returncode == 1
    assert re.search(r"^dbt-kpi-lint generate\.+Failed$", first.stdout, re.M)
    assert "- exit code: 1" in first.stdout.splitlines()
    assert {"wrote models/kpi_history.sql", "wrote models/kpi_status.sql"} <= set(first.stdout.splitlines())
    assert (repo / "models/kpi_status.yml").is_file()

    git(repo, "add", "-A")
    second = pre_commit(repo, pre_commit_home, "run", "--all-files")

    assert second.returncode == 0, second.stdout
