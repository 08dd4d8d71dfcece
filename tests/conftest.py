"""Shared test helpers: write small dbt projects and run the CLI in-process."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from dbt_kpi_lint.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPO_ROOT / "example_project"

DEFAULT_PROJECT_FILE = """\
name: shop
version: "1.0.0"
config-version: 2
profile: shop
"""


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


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
        finally:
            os.chdir(previous)
        captured = capsys.readouterr()
        return CliResult(exit_code, captured.out, captured.err)

    return run
