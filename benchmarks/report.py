"""Time `dbt-kpi-lint report` as whole processes and print a Markdown table.

    .venv/bin/python -m benchmarks.report [--repeat 7] [--example-database FILE] [--workdir DIR]

Scenarios: the scorecard of example_project's built tables (built here with `dbt build` on
DuckDB unless `--example-database` names a file already built), and of 200 and 1,000 synthetic
KPIs with 13 periods each (benchmarks/synthetic_kpis.py) in a DuckDB file. Each is a fresh
process started as a user starts it, timed like benchmarks/run.py times the linter: one warm-up,
then `--repeat` runs; best and median wall time, best CPU time, peak RSS. Then, in this process,
where the time of the 200-KPI report goes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from benchmarks.run import Target, Timing, machine_facts, time_command
from benchmarks.synthetic_kpis import synthetic_rows, write_duckdb

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPOSITORY / "example_project"
EXAMPLE_AS_OF = "2026-06-15"
TARGETS = {"example": Target(seconds=1.0), "200": Target(seconds=3.0)}


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    load_before = os.getloadavg()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dbt-kpi-lint-report-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    example = args.example_database or _build_example_project(workdir)
    databases = {
        "200": write_duckdb(synthetic_rows(200), workdir / "kpi_200.duckdb"),
        "1000": write_duckdb(synthetic_rows(1000), workdir / "kpi_1000.duckdb"),
    }
    linter = str(Path(sys.executable).with_name("dbt-kpi-lint"))

    def report(database: Path) -> list[str]:
        return [linter, "report", "--database", str(database), "--output", str(workdir / "kpi_report.html")]

    timings = [
        _time(f"example_project ({_kpi_count(example)} KPIs)", report(example), workdir, args.repeat, TARGETS["example"]),
        _time("200 synthetic KPIs", report(databases["200"]), workdir, args.repeat, TARGETS["200"]),
        _time("1,000 synthetic KPIs", report(databases["1000"]), workdir, args.repeat),
        _time("interpreter + CLI imports (`dbt-kpi-lint --version`)", [linter, "--version"], workdir, args.repeat),
    ]
    print(_markdown(timings, _phases(databases["200"]), args.repeat, machine_facts(load_before)))
    return 0 if all(not timing.verdict().endswith("MISSED") for timing in timings) else 1


def _time(scenario: str, command: list[str], workdir: Path, repeat: int, target: Target = Target()) -> Timing:
    _log(scenario)
    return time_command(scenario, command, workdir, repeat, target)


def _build_example_project(workdir: Path) -> Path:
    """example_project built by `dbt build` on DuckDB, in a copy, as the README's first command builds it."""
    _log("building example_project with dbt (about 20 s)")
    project = workdir / "example_project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(EXAMPLE_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb*"))
    database = project / "kpi_demo.duckdb"
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(project),
           "KPI_DEMO_DUCKDB": str(database)}
    subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--vars", f"{{kpi_as_of: {EXAMPLE_AS_OF}}}"],
        cwd=project, env=env, check=True, stdout=subprocess.DEVNULL,
    )
    return database


def _kpi_count(database: Path) -> int:
    from dbt_kpi_lint.status.tables import read_duckdb

    return len(read_duckdb(database).current)


def _phases(database: Path) -> list[tuple[str, float]]:
    """Seconds per phase of one report in a fresh interpreter (so imports count as they do for a user)."""
    code = f"""
import time
start = time.perf_counter()
from dbt_kpi_lint.cli import main
cli = time.perf_counter()
from pathlib import Path
from dbt_kpi_lint.status.tables import read_duckdb
tables = read_duckdb(Path({str(database)!r}))
read = time.perf_counter()
from dbt_kpi_lint.report.cards import scorecard
from dbt_kpi_lint.report.page import render_page
imported = time.perf_counter()
cards = scorecard(tables)
built = time.perf_counter()
html = render_page(cards)
rendered = time.perf_counter()
print(cli - start, read - cli, imported - read, built - imported, rendered - built, len(html))
"""
    best: list[float] | None = None
    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        values = [float(value) for value in done.stdout.split()]
        best = values if best is None or sum(values[:5]) < sum(best[:5]) else best
    assert best is not None
    names = ("import the CLI", "import DuckDB and read the rows", "import the report stage and Jinja2",
             "build the cards and sparklines", "render the templates")
    return [*zip(names, best[:5]), ("page size (bytes)", best[5])]


def _markdown(timings: list[Timing], phases: list[tuple[str, float]], repeat: int, machine: list[str]) -> str:
    lines = ["| scenario | best s | median s | best CPU s | peak RSS MB | target |", "|---|---:|---:|---:|---:|---|"]
    lines += [
        f"| {timing.scenario} | {timing.best:.3f} | {timing.median:.3f} | {min(timing.cpu_seconds):.3f} | "
        f"{timing.peak_rss_mb:.0f} | {timing.verdict()} |"
        for timing in timings
    ]
    lines += ["", f"Best and median of {repeat} runs after one warm-up run, whole processes.", "",
              "Where the time of one 200-KPI report goes (fresh interpreter, best of 5):", ""]
    lines += [f"- {name}: {value:,.0f}" if name.startswith("page") else f"- {name}: {value * 1000:.0f} ms"
              for name, value in phases]
    lines += ["", "Commands:", "", *[f"- {timing.scenario}: `{timing.command}`" for timing in timings]]
    lines += ["", "Machine:", "", *[f"- {fact}" for fact in machine]]
    return "\n".join(lines) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per scenario (default 7)")
    parser.add_argument("--example-database", type=Path, help="example_project's DuckDB file, already built")
    parser.add_argument("--workdir", type=Path, help="where the databases and pages are written")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[benchmark] {message} ({time.strftime('%H:%M:%S')})", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
