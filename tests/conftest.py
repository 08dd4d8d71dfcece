"""Shared test helpers: write small dbt projects and run the CLI in-process."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from dbt_kpi_lint.cli import main

# Fixtures for real services the tests start themselves: a dbt 1.12 env, the linter installed
# alone, PostgreSQL, Chromium, Spark.
pytest_plugins = [
    "services.dbt_env", "services.lint_env", "services.postgres", "services.chromium", "services.spark",
    "kpi_models.built_projects",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPO_ROOT / "example_project"
# example_project's semantic layer rewritten in the latest spec, the rest of the project unchanged.
LATEST_SPEC_EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "latest_spec_example"
# What the latest-spec copy replaces: the legacy semantic models and metrics, and the marts'
# properties (the latest spec's semantic models are written in them).
_LEGACY_SEMANTIC_LAYER = ("models/semantic", "models/metrics", "models/marts/_marts.yml")

DEFAULT_PROJECT_FILE = """\
name: shop
version: "1.0.0"
config-version: 2
profile: shop
"""


# A seed and a model on it, for the tests of the services dbt builds on.
TINY_PROJECT = {
    "dbt_project.yml": """\
        name: tiny
        version: "1.0.0"
        config-version: 2
        profile: tiny
        """,
    "seeds/customers.csv": """\
        customer_id,plan
        1,pro
        2,free
        3,pro
        """,
    "models/customers_per_plan.sql": """\
        select plan, count(*) as customers from {{ ref('customers') }} group by plan
        """,
}


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


# The line that opens each finding of the text format, in both output formats.
_FINDING_LINE = re.compile(r"\S+:\d+:\d+: (error|warning)\[[A-Z]+\d+\] ")


def finding_lines(text_report: str) -> list[str]:
    """The finding lines of a text report: no quoted YAML, no summary."""
    return [line for line in text_report.splitlines() if _FINDING_LINE.match(line)]


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (relative path -> text, dedented) under `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A dbt project in a temporary directory; `dbt_project.yml` defaults to a minimal one."""

    def make(files: dict[str, str], project_file: str = DEFAULT_PROJECT_FILE) -> Path:
        root = tmp_path / "project"
        return write_files(root, {"dbt_project.yml": project_file, **files})

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `dbt-kpi-lint ARGS` in-process from `cwd`, as a user would from a shell."""

    def run(*args: str, cwd: Path) -> CliResult:
        previous = Path.cwd()
        os.chdir(cwd)
        try:
            exit_code = main(list(args))
        except SystemExit as exit:  # argparse: a bad command line, --help, --version
            exit_code = int(exit.code or 0)
        finally:
            os.chdir(previous)
        captured = capsys.readouterr()
        return CliResult(exit_code, captured.out, captured.err)

    return run


def copy_example_project(destination: Path) -> Path:
    """A copy of example_project without build outputs, so tests never touch the original."""
    shutil.copytree(
        EXAMPLE_PROJECT,
        destination,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", "*.duckdb", "*.duckdb.wal", ".user.yml"),
    )
    return destination


def copy_latest_spec_example(destination: Path) -> Path:
    """A copy of example_project whose semantic layer is the latest-spec one of tests/fixtures/latest_spec_example."""
    copy_example_project(destination)
    for relative in _LEGACY_SEMANTIC_LAYER:
        path = destination / relative
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    shutil.copytree(LATEST_SPEC_EXAMPLE / "models", destination / "models", dirs_exist_ok=True)
    return destination


def run_dbt(project_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real dbt of this environment, run in `project_dir` with its own profiles.yml."""
    dbt = Path(sys.executable).with_name("dbt")
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(project_dir),
        "KPI_DEMO_DUCKDB": str(project_dir / "kpi_demo.duckdb"),
    }
    completed = subprocess.run(
        [str(dbt), *args], cwd=project_dir, env=env, capture_output=True, text=True, check=False
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed
