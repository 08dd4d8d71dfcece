"""An environment holding the linter alone: what `pip install dbt-kpi-lint` and the `dbt-kpi-lint`
pre-commit hook install (the package and its required dependencies, no extra).

The suite's own environment has every extra, so MetricFlow, dbt and ruamel are importable there
and a difference between the two installs goes unseen. The package is built from this working
tree's tracked and new files (as the pre-commit tests' hook repository is) and installed with
pip into a venv without pip of its own, once per session: about 15 s, 40 s on a loaded machine,
most of it pip building the wheel in an isolated environment, as pre-commit's pip does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LintOnlyEnv:
    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def run(self, cwd: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
        """`dbt-kpi-lint ARGUMENTS` of this env, run in `cwd`."""
        environ = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
        return subprocess.run(
            [str(self.root / "bin" / "dbt-kpi-lint"), *arguments],
            cwd=cwd, env=environ, capture_output=True, text=True, timeout=120, check=False,
        )

    def distributions(self) -> set[str]:
        listed = subprocess.run(
            [str(self.python), "-c", "import importlib.metadata as m, json; "
             "print(json.dumps([d.metadata['Name'] for d in m.distributions()]))"],
            capture_output=True, text=True, check=True,
        )
        return set(json.loads(listed.stdout))


def _source_tree(destination: Path) -> Path:
    """The repository's tracked and new files, without build outputs or venvs."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout
    for relative in filter(None, listed.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    return destination


def build_lint_only_env(scratch: Path) -> LintOnlyEnv:
    root = scratch / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(root / "bin" / "python"), "install", "-q",
         "--disable-pip-version-check", "-c", str(REPO_ROOT / "constraints.txt"), str(_source_tree(scratch / "src"))],
        capture_output=True, text=True, check=False,
    )
    if pip.returncode != 0:
        raise RuntimeError(f"installing dbt-kpi-lint alone into {root} failed:\n{pip.stdout}\n{pip.stderr}")
    return LintOnlyEnv(root)


@pytest.fixture(scope="session")
def lint_only_env(tmp_path_factory: pytest.TempPathFactory) -> LintOnlyEnv:
    """dbt-kpi-lint installed from this working tree with its required dependencies only.

        def test_lints(lint_only_env: LintOnlyEnv, tmp_path: Path) -> None:
            result = lint_only_env.run(project_dir, "check")
    """
    return build_lint_only_env(tmp_path_factory.mktemp("lint-only"))
