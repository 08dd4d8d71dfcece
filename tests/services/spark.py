"""A real Apache Spark for the session, through dbt-spark's `session` method, from PyPI's PySpark.

With `method: session` dbt-spark starts Spark inside the Python process that runs dbt, and with
an in-memory catalog a table lives only as long as that process. So `SparkService.run` starts
one child process (`spark_steps.py`) that runs a list of steps in order, dbt commands,
dbt-kpi-lint commands and queries read back through dbt, all on the one Spark session, and
returns what each step gave. Spark's JVM is that child's own child and ends with it: PySpark's
gateway exits when the pipe from its Python parent closes, also when the child is killed (a run
past its timeout, an interrupted test).

Spark listens on 127.0.0.1 only (`SPARK_LOCAL_IP`) and keeps its tables in a warehouse directory
of its own, under the session's temporary directory.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pytest

from services.availability import missing
from services.profiles import add_default_target

STEPS_SCRIPT = Path(__file__).with_name("spark_steps.py")
RUN_TIMEOUT_S = 1200
# A test-sized Spark: two local cores, one shuffle partition (the default 200 costs seconds per
# query on a few hundred rows), no web UI, no Derby metastore, one time zone whatever the machine's.
# The driver's address is given, not looked up: the host's name may resolve to more than loopback.
TEST_SETTINGS = {
    "spark.master": "local[2]",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.sql.shuffle.partitions": "1",
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
}
# A step: ("dbt", *args) runs dbt; ("dbt-kpi-lint", *args) the linter's CLI; ("rows", sql) reads
# `sql` (Jinja with ref()) through `dbt show`; ("jvm-pid",) the Spark JVM's process id.
Step = tuple[str, ...]


def find_java() -> Path | None:
    """The `java` PySpark starts: `$JAVA_HOME/bin/java`, else the one on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return Path(java_home) / "bin" / "java"
    found = shutil.which("java")
    return Path(found) if found else None


@dataclass(frozen=True)
class StepResult:
    """What one step gave: dbt's success (with what failed on stderr), a CLI's exit code and
    output, or the rows read (numbers as floats, days and times as ISO text)."""

    step: Step
    ok: bool
    exit_code: int | None
    stdout: str
    stderr: str
    rows: list[dict[str, Any]] | None


@dataclass(frozen=True)
class SparkService:
    """Writes dbt-spark profiles and runs steps on a fresh Spark session each time."""

    warehouse_root: Path

    def write_dbt_profile(self, project_dir: Path, *, profile: str, target: str, schema: str = "analytics") -> Path:
        """Write (or add to) `project_dir/profiles.yml` a dbt-spark `session` target of `profile`.

        The target becomes the profile's default; other profiles and targets already in the file
        (a DuckDB `dev`, say) are kept. Returns the file's path.
        """
        warehouse = self.warehouse_root / f"{project_dir.name}-{target}"
        output = {
            "type": "spark",
            "method": "session",
            "host": "localhost",  # required by dbt-spark, unused by the session method
            "schema": schema,
            "threads": 1,
            "server_side_parameters": {**TEST_SETTINGS, "spark.sql.warehouse.dir": str(warehouse)},
        }
        return add_default_target(project_dir, profile, target, output)

    def run(self, project_dir: Path, steps: Sequence[Step]) -> list[StepResult]:
        """Run `steps` in order in one process on one Spark session, in `project_dir` with its own
        profiles.yml. A dbt step that fails (or a query that cannot run) fails the test with the
        run's output; a dbt-kpi-lint step's exit code is the test's to judge."""
        results_path = self.warehouse_root / f"{project_dir.name}-results.json"
        results_path.unlink(missing_ok=True)
        plan = {"project_dir": str(project_dir), "results": str(results_path), "steps": [list(step) for step in steps]}
        inherited = ("DBT_", "SPARK_", "PYSPARK_")  # a developer's own settings would change what runs
        environ = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
        environ.update(
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DBT_PROFILES_DIR=str(project_dir),
            SPARK_LOCAL_IP="127.0.0.1",
        )
        child = subprocess.Popen(
            [sys.executable, str(STEPS_SCRIPT), json.dumps(plan)],
            cwd=project_dir,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = child.communicate(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            output, _ = child.communicate()
            raise AssertionError(f"Spark steps still running after {RUN_TIMEOUT_S} s:\n{output[-5000:]}") from None
        except BaseException:  # an interrupted test leaves no Spark behind
            child.kill()
            raise
        results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else []
        ran = [StepResult(**{**result, "step": tuple(result["step"])}) for result in results]
        if child.returncode != 0 or len(ran) != len(steps) or not all(result.ok for result in ran):
            failed = next((result for result in ran if not result.ok), None)
            reason = f"step {failed.step} failed: {failed.stderr}" if failed else f"exit code {child.returncode}"
            raise AssertionError(f"Spark steps: {reason}\n{output[-5000:]}")
        return ran


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> SparkService:
    """Spark through dbt-spark's session method, a new session for each `run`.

    Skips (developer machine) or fails (CI=true) without Java, PySpark or dbt-spark.

        def test_build(spark: SparkService, project: Path) -> None:
            spark.write_dbt_profile(project, profile="shop", target="spark")
            [_, read] = spark.run(project, [("dbt", "build"), ("rows", "select * from {{ ref('orders') }}")])
    """
    check_available()
    return SparkService(tmp_path_factory.mktemp("spark"))


def check_available() -> None:
    """Skip (developer machine) or fail (CI=true) the requesting test when Spark cannot start here."""
    if find_java() is None:
        missing("no Java for Spark (apt-get install openjdk-17-jre-headless)")
    for module, package in (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark")):
        if importlib.util.find_spec(module) is None:
            missing(f"{package} is not installed (pip install -c constraints.txt -e '.[dev]')")
