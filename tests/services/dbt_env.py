"""A second, pinned dbt environment (dbt-core 1.12.6) beside the main env's dbt 1.11.

The env lives at `<repo>/.venv-dbt-1.12/` and is built from `tests/envs/dbt-1.12.txt` with
`pip install --no-deps`: dbt-core 1.12.6 requires dbt-core-experimental-parser, whose build
downloads a binary from outside the package registries, so pip's resolver cannot be used.
dbt-kpi-lint itself is deliberately not installed there: a generated dbt model must run in a
dbt environment that does not have the linter.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PIN_FILE = REPO_ROOT / "tests" / "envs" / "dbt-1.12.txt"
ENV_DIR = REPO_ROOT / ".venv-dbt-1.12"
# Inside the env, so deleting the env also deletes the proof that it was complete.
STAMP_NAME = "pins.sha256"


@dataclass(frozen=True)
class DbtEnv:
    """A dbt environment of its own: paths of its programs and a way to run its dbt."""

    root: Path
    python: Path
    dbt: Path
    mf: Path

    @classmethod
    def at(cls, root: Path) -> DbtEnv:
        bin_dir = root / "bin"
        return cls(root=root, python=bin_dir / "python", dbt=bin_dir / "dbt", mf=bin_dir / "mf")

    def environ(self, project_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The process environment for this env's programs run on `project_dir`.

        Its own bin/ first on PATH (dbt runs `python`-based tools by name), no PYTHONPATH (that
        could make the repo's dbt_kpi_lint importable, which this env must work without), the
        project's own profiles.yml and no anonymous usage stats; `env` is applied last.
        """
        environ = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        environ.update(
            {
                "PATH": f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
                "VIRTUAL_ENV": str(self.root),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DBT_PROFILES_DIR": str(project_dir),
                "KPI_DEMO_DUCKDB": str(project_dir / "kpi_demo.duckdb"),
            }
        )
        environ.update(env or {})
        return environ

    def run(
        self,
        project_dir: Path,
        *args: str,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run this env's `dbt ARGS` in `project_dir`, like `run_dbt` in tests/conftest.py.

        With `check`, a non-zero exit fails the test and shows dbt's output.
        """
        completed = subprocess.run(
            [str(self.dbt), *args],
            cwd=project_dir,
            env=self.environ(project_dir, env),
            capture_output=True,
            text=True,
            check=False,
        )
        if check and completed.returncode != 0:
            command = " ".join(args)
            raise AssertionError(f"dbt 1.12 {command} failed:\n{completed.stdout}\n{completed.stderr}")
        return completed


def pins_digest(pin_file: Path = PIN_FILE) -> str:
    return hashlib.sha256(pin_file.read_bytes()).hexdigest()


def is_current(root: Path, digest: str) -> bool:
    """True when the env at `root` was completely built from pins with this digest."""
    stamp = root / STAMP_NAME
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    # Two pytest runs in one checkout (an editor's test runner beside a shell) would otherwise
    # build into the same directory at once.
    with open(lock_path, "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_env(root: Path = ENV_DIR, pin_file: Path = PIN_FILE) -> DbtEnv:
    """The env at `root`, (re)built first when missing or built from other pins.

    A venv cannot be moved once built (its scripts name their interpreter by absolute path), so
    it is built in place; the stamp is written last, so a build that was interrupted is redone.
    """
    digest = pins_digest(pin_file)
    with _exclusive(root.with_name(root.name + ".lock")):
        if not is_current(root, digest):
            shutil.rmtree(root, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
            pip = subprocess.run(
                [str(root / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
                + ["--no-deps", "-r", str(pin_file)],
                capture_output=True,
                text=True,
                check=False,
            )
            if pip.returncode != 0:
                raise RuntimeError(f"building {root} from {pin_file} failed:\n{pip.stdout}\n{pip.stderr}")
            (root / STAMP_NAME).write_text(digest + "\n", encoding="utf-8")
    return DbtEnv.at(root)


@pytest.fixture(scope="session")
def dbt_1_12() -> DbtEnv:
    """dbt-core 1.12.6 with dbt-duckdb, dbt-postgres and MetricFlow, in `<repo>/.venv-dbt-1.12/`.

    Built on first use (about 30-45 s) and reused while `tests/envs/dbt-1.12.txt` is unchanged.

        def test_parses(dbt_1_12: DbtEnv, tmp_path: Path) -> None:
            dbt_1_12.run(project_dir, "parse")   # DBT_PROFILES_DIR = project_dir
    """
    return ensure_env()
