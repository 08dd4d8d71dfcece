"""Time generating and building the KPI models, and print a Markdown table.

    .venv/bin/python -m benchmarks.kpi_models [--repeat 5] [--workdir DIR]

- `dbt-kpi-lint generate` as a whole process (MetricFlow import and rendering included), on
  example_project and on the 1,000-metric benchmark project (50 KPIs);
- the staleness check alone (`generate --check` when nothing changed: the pre-commit hook's
  first step, and what GEN001 costs), on the benchmark project;
- the `execution_time` dbt records for kpi_history and kpi_status in a `dbt build` of
  example_project, with the default 13 periods of history and with 1 (the status alone), so the
  history's own cost shows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from benchmarks.generate_project import Options, generate
from benchmarks.run import Target, Timing, machine_facts, time_command

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPO_ROOT / "example_project"
BIN = Path(sys.executable).parent


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    load_before = os.getloadavg()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dbt-kpi-lint-kpi-models-"))
    example = _copy_example(workdir / "example_project")
    benchmark = generate(workdir / "benchmark_project", Options())
    linter = [str(BIN / "dbt-kpi-lint")]
    timings = [
        time_command("generate, example_project (12 KPIs)", [*linter, "generate", "--force"], example, args.repeat,
                     Target(seconds=2.0)),
        time_command("generate, benchmark project (1,000 metrics, 50 KPIs)", [*linter, "generate", "--force"],
                     benchmark, args.repeat, Target(seconds=5.0)),
        time_command("staleness check, benchmark project", [*linter, "generate", "--check"], benchmark, args.repeat,
                     Target(seconds=0.3)),
        time_command("full lint with GEN001, benchmark project", [*linter, "check", ".", "--format", "json"],
                     benchmark, args.repeat),
    ]
    build_times = {periods: _build_times(example, periods, args.builds) for periods in (13, 1)}
    report = _markdown(timings, build_times, args, machine_facts(load_before))
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    history, status_only = build_times[13], build_times[1]
    missed = any(timing.verdict().endswith("MISSED") for timing in timings)
    return 1 if missed or history.together > 0.5 or history.together > 1.2 * status_only.together else 0


def _copy_example(destination: Path) -> Path:
    shutil.copytree(EXAMPLE_PROJECT, destination, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal", ".user.yml"))
    return destination


@dataclass(frozen=True)
class BuildTimes:
    history: float  # median execution_time dbt records for kpi_history
    status: float  # the same for kpi_status
    history_query: float  # best time DuckDB takes for kpi_history's compiled SELECT alone

    @property
    def together(self) -> float:
        return self.history + self.status


def _build_times(example: Path, periods: int, builds: int) -> BuildTimes:
    """dbt's execution times over `builds` runs, and DuckDB's for the history's query without dbt."""
    config = example / ".dbt-kpi-lint.toml"
    original = config.read_text()
    config.write_text(original + f"history-periods = {periods}\n")
    try:
        subprocess.run([str(BIN / "dbt-kpi-lint"), "generate", "--force"], cwd=example, check=False,
                       capture_output=True)
        database = example / "kpi_demo.duckdb"
        env = {"DBT_PROFILES_DIR": str(example), "KPI_DEMO_DUCKDB": str(database),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PATH": str(BIN)}
        subprocess.run([str(BIN / "dbt"), "build", "--vars", "{kpi_as_of: 2026-06-15}", "--quiet"], cwd=example,
                       env=env, check=True, capture_output=True)
        samples: dict[str, list[float]] = {"kpi_history": [], "kpi_status": []}
        for _ in range(builds):
            subprocess.run([str(BIN / "dbt"), "run", "-s", "kpi_history", "kpi_status", "--vars",
                            "{kpi_as_of: 2026-06-15}", "--quiet"], cwd=example, env=env, check=True, capture_output=True)
            results = json.loads((example / "target" / "run_results.json").read_text())["results"]
            for result in results:
                name = result["unique_id"].rsplit(".", 1)[-1]
                if name in samples:
                    samples[name].append(result["execution_time"])
        return BuildTimes(statistics.median(samples["kpi_history"]), statistics.median(samples["kpi_status"]),
                          _query_seconds(database, next((example / "target" / "compiled").rglob("kpi_history.sql"))))
    finally:
        config.write_text(original)


def _query_seconds(database: Path, compiled: Path, runs: int = 20) -> float:
    """dbt's per-model overhead (DDL, transactions, adapter calls) is most of an execution_time and
    varies by more than the history costs: the history's own cost shows in its query alone."""
    import duckdb

    query = compiled.read_text(encoding="utf-8")
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute(query).fetchall()  # warm-up
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(query).fetchall()
            seconds.append(time.perf_counter() - started)
    return min(seconds)


def _markdown(timings: list[Timing], build_times: dict[int, BuildTimes], args: argparse.Namespace,
              machine: list[str]) -> str:
    lines = ["| scenario | best s | median s | best CPU s | peak RSS MB | target |", "|---|---:|---:|---:|---:|---|"]
    lines += [
        f"| {timing.scenario} | {timing.best:.3f} | {timing.median:.3f} | {min(timing.cpu_seconds):.3f} | "
        f"{timing.peak_rss_mb:.0f} | {timing.verdict()} |"
        for timing in timings
    ]
    full, status_only = build_times[13], build_times[1]
    overhead = (full.together - status_only.together) / status_only.together
    query_overhead = (full.history_query - status_only.history_query) / status_only.history_query
    lines += [
        "",
        f"`dbt run` of the two KPI models in example_project, `execution_time` from run_results.json, median of "
        f"{args.builds} runs; and the best of 20 runs of kpi_history's compiled query in DuckDB, without dbt:",
        "",
        "| history periods | kpi_history s | kpi_status s | together s | kpi_history's query s |",
        "|---:|---:|---:|---:|---:|",
        *[
            f"| {label} | {times.history:.3f} | {times.status:.3f} | {times.together:.3f} | {times.history_query:.4f} |"
            for label, times in (("13 (default)", full), ("1 (the status alone)", status_only))
        ],
        "",
        f"The history adds {overhead:+.0%} to the status alone in dbt's times and {query_overhead:+.0%} to its query "
        f"(target ≤ +20 %); kpi_status with its history: {full.together:.3f} s (target ≤ 0.5 s).",
        "",
        f"Whole processes: best and median of {args.repeat} runs after one warm-up run.",
        "",
        "Machine:",
        "",
        *[f"- {fact}" for fact in machine],
    ]
    return "\n".join(lines) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--builds", type=int, default=5, help="dbt runs of the KPI models per history length")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--output", type=Path)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
