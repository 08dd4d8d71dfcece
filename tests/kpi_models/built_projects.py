"""Build projects with their generated KPI models, for real, and read back what dbt built.

A project is copied, `dbt-kpi-lint generate` writes its models (in-process, the CLI as a user
runs it), and the real `dbt build` of this environment builds it, on DuckDB or on the session's
PostgreSQL server (a `pg` target added to the project's profile). A project in the latest
semantic-layer spec, which dbt 1.11 refuses, is built by the dbt 1.12 environment instead. The
reference for a metric's value is the real `mf query` of the same environment on the database
dbt built.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest
import yaml
from conftest import EXAMPLE_PROJECT, copy_latest_spec_example

from dbt_kpi_lint.cli import main

BIN = Path(sys.executable).parent
FIXTURE_PROJECT = Path(__file__).parent / "fixtures" / "kpi_project"
# KPIs whose queries read around the periods shown (windows, offsets, a conversion, running totals).
TIME_EDGES = Path(__file__).parent / "fixtures" / "time_edges" / "time_edges.yml"
# The day each project is judged on: the fixture's data runs to mid-2024, example_project's to mid-2026.
AS_OF = {"kpi_project": "2024-06-10", "time_edges": "2024-06-10", "example_project": "2026-06-15",
         "latest_spec_example": "2026-06-15"}
# Both profiles take the DuckDB file's path from the environment.
DATABASE_ENV = {
    "kpi_project": "KPI_FIXTURE_DB",
    "time_edges": "KPI_FIXTURE_DB",
    "example_project": "KPI_DEMO_DUCKDB",
    "latest_spec_example": "KPI_DEMO_DUCKDB",
}
# Written in the latest spec, which only dbt 1.12 parses.
NEEDS_DBT_1_12 = frozenset({"latest_spec_example"})

Row = dict[str, Any]


@dataclass(frozen=True)
class BuiltProject:
    root: Path
    env: dict[str, str]
    postgres_dsn: str | None = None  # None: built on DuckDB, in root/kpi.duckdb
    bin_dir: Path = BIN  # the environment whose dbt built it and whose mf reads it
    # target/run_results.json of the build itself: later `dbt run`s of a test overwrite the file.
    build_results: dict[str, Any] = field(default_factory=dict, compare=False)

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run([str(self.bin_dir / "dbt"), *args], self.root, self.env, check)

    def rows(self, table: str) -> list[Row]:
        if self.postgres_dsn is not None:
            import psycopg2

            with psycopg2.connect(self.postgres_dsn) as connection, connection.cursor() as cursor:
                cursor.execute(f"select * from public.{table}")
                columns = [column.name for column in cursor.description]
                return [dict(zip(columns, row)) for row in cursor.fetchall()]
        import duckdb

        with duckdb.connect(str(self.root / "kpi.duckdb"), read_only=True) as connection:
            relation = connection.sql(f"select * from {table}")
            return [dict(zip(relation.columns, row)) for row in relation.fetchall()]

    def mf_values(
        self, metrics: Iterable[str], grain: str, between: tuple[date, date] | None = None
    ) -> dict[tuple[str, date], float | None]:
        """`mf query --metrics <metrics> --group-by metric_time__<grain>` (with `--start-time` and
        `--end-time` when `between` is given): (metric, period start) -> value."""
        metrics = sorted(set(metrics))
        out = self.root / f"mf_{grain}.csv"
        bounds = ["--start-time", between[0].isoformat(), "--end-time", between[1].isoformat()] if between else []
        run(
            [str(self.bin_dir / "mf"), "query", "--metrics", ",".join(metrics), "--group-by", f"metric_time__{grain}",
             *bounds, "--csv", str(out), "--quiet"],
            self.root,
            self.env,
            True,
        )
        values: dict[tuple[str, date], float | None] = {}
        with out.open(newline="") as handle:
            for record in csv.DictReader(handle):
                period = datetime.fromisoformat(record[f"metric_time__{grain}"]).date()
                for metric in metrics:
                    values[(metric, period)] = float(record[metric]) if record[metric] else None
        return values


def run(args: list[str], cwd: Path, env: dict[str, str], check: bool) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def generate(root: Path, *args: str) -> int:
    """`dbt-kpi-lint generate ARGS` in `root`, its report kept off the test's own output."""
    previous = Path.cwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return main(["generate", *args])
    finally:
        os.chdir(previous)


def dbt_env(root: Path, database_env: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DBT_")}
    env.update(
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PROFILES_DIR=str(root),
        **{database_env: str(root / "kpi.duckdb")},
    )
    return env


def copy_project(source: Path, destination: Path) -> Path:
    return Path(
        shutil.copytree(
            source,
            destination,
            ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal", ".user.yml"),
        )
    )


PROJECTS: dict[str, Callable[[Path], Path]] = {
    "kpi_project": lambda destination: copy_project(FIXTURE_PROJECT, destination),
    "example_project": lambda destination: copy_project(EXAMPLE_PROJECT, destination),
    "latest_spec_example": copy_latest_spec_example,
    "time_edges": lambda destination: _with_time_edges(copy_project(FIXTURE_PROJECT, destination)),
}


def _with_time_edges(root: Path) -> Path:
    (root / "models" / TIME_EDGES.name).write_text(TIME_EDGES.read_text())
    return root


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Callable[..., BuiltProject]:
    """A project of PROJECTS generated and built once per session and engine (`duckdb` or
    `postgres`); read-only."""
    built: dict[tuple[str, str], BuiltProject] = {}

    def build_project(name: str, engine: str = "duckdb") -> BuiltProject:
        if (name, engine) not in built:
            root = PROJECTS[name](tmp_path_factory.mktemp(f"built_{engine}") / name)
            # Built lazily, from inside whichever test asks first: its "wrote ..." lines are not that test's output.
            with contextlib.redirect_stdout(io.StringIO()):
                assert generate(root, "--force") == 0
            env, bin_dir = dbt_env(root, DATABASE_ENV[name]), BIN
            if name in NEEDS_DBT_1_12:
                dbt_1_12 = request.getfixturevalue("dbt_1_12")
                env = dbt_1_12.environ(root, {DATABASE_ENV[name]: str(root / "kpi.duckdb")})
                bin_dir = dbt_1_12.root / "bin"
            dsn = None
            if engine == "postgres":
                server = request.getfixturevalue("postgres")
                database = server.create_database()
                profile = yaml.safe_load((root / "dbt_project.yml").read_text())["profile"]
                server.write_dbt_profile(root, profile=profile, target="pg", dbname=database)
                env["DBT_TARGET"] = "pg"  # read by dbt and by mf alike
                dsn = server.dsn(database)
            project = BuiltProject(root, env, dsn, bin_dir)
            project.dbt("build", "--vars", f"{{kpi_as_of: {AS_OF[name]}}}")
            results = json.loads((root / "target" / "run_results.json").read_text())
            built[(name, engine)] = replace(project, build_results=results)
        return built[(name, engine)]

    return build_project
