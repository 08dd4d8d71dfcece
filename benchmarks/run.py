"""Time dbt-kpi-lint as whole processes on generated projects and print a Markdown table.

    .venv/bin/python -m benchmarks.run [--repeat 7] [--dbt-parse] [--workdir DIR]

Every scenario is a fresh process started the way a user or pre-commit starts it (the
`dbt-kpi-lint` console script), so interpreter start and imports are included. Each is run once to
warm the OS file cache, then `--repeat` times; the table shows the best and the median wall time, the
best CPU time (user + system: what the process itself cost, whatever else the machine was doing) and
the peak resident memory of the process itself (GNU `time`, else `wait4`). It also proves with
`python -X importtime` that the lint path loads no dbt, MetricFlow or DuckDB module, checks that
the cost per metric and per file stays flat as the project grows, times `review` on a pull request
that changes one file, and what checking the certification of every metric (KPI012) adds to a lint.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from benchmarks.generate_project import KPI_EVERY, Options, generate

# Top-level packages that must never load on the lint path (only dbt_kpi_lint/status/ may use them).
FORBIDDEN_PACKAGES = frozenset(
    {
        "dbt",
        "dbt_common",
        "dbt_semantic_interfaces",
        "metricflow",
        "metricflow_semantics",
        "duckdb",
    }
)
_IMPORTTIME_LINE = re.compile(r"^import time:\s+(?P<self>\d+) \|\s+(?P<cumulative>\d+) \|(?P<indent>\s+)(?P<module>\S+)$")
# Per-metric or per-file cost may grow by this factor with a 10x (or 2x) bigger project and still
# count as linear: whole-process timings carry a few milliseconds of noise.
LINEAR_TOLERANCE = 1.3
# What fingerprinting every metric for KPI012 may add to a full lint.
FINGERPRINT_OVERHEAD = 0.10
CERTIFICATION_RULE = "KPI012"
_CERTIFIED_BY = 'by: benchmark@example.com, "on": 2026-06-30'
# A child's peak RSS as the kernel reports it (ru_maxrss) starts at its parent's at fork time,
# so a small launcher reports the linter's own: GNU time forks it from a process of a few MB.
_GNU_TIME = Path("/usr/bin/time")
# A pip-installed linter (as pre-commit installs it) has its bytecode compiled; a sandbox that sets
# PYTHONDONTWRITEBYTECODE would recompile every module on every run and time the compiler instead.
_ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Target:
    seconds: float | None = None
    rss_mb: float | None = None


@dataclass(frozen=True)
class Timing:
    scenario: str
    command: str
    seconds: list[float]
    cpu_seconds: list[float]
    peak_rss_mb: float
    target: Target = Target()

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def verdict(self) -> str:
        """`≤ 0.5 s: met`, `≤ 2 s, ≤ 150 MB: MISSED`, or "" without a target."""
        checks = []
        if self.target.seconds is not None:
            checks.append((f"≤ {self.target.seconds:g} s", self.best <= self.target.seconds))
        if self.target.rss_mb is not None:
            checks.append((f"≤ {self.target.rss_mb:g} MB", self.peak_rss_mb <= self.target.rss_mb))
        if not checks:
            return ""
        met = all(ok for _, ok in checks)
        return ", ".join(limit for limit, _ in checks) + (": met" if met else ": MISSED")


@dataclass(frozen=True)
class ImportReport:
    modules: set[str]
    forbidden: list[str]
    own_import_ms: float  # cumulative import time of dbt_kpi_lint.cli


@dataclass(frozen=True)
class Run:
    """One process: wall seconds, CPU seconds (user + system) and peak resident memory."""

    wall: float
    cpu: float
    rss_mb: float


def run_once(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Start `command` as a fresh process and measure it; its output is discarded."""
    with tempfile.TemporaryDirectory() as scratch:
        rss_file = Path(scratch) / "max_rss_kib"
        launch = [str(_GNU_TIME), "-f", "%M", "-o", str(rss_file), *command] if _GNU_TIME.is_file() else command
        start = time.perf_counter()
        process = subprocess.Popen(
            launch,
            cwd=cwd,
            env=_ENVIRONMENT if env is None else env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stderr.close()
        if process.returncode not in (0, 1):  # 1 means findings, which these projects have on purpose
            raise RuntimeError(
                f"{' '.join(command)} (in {cwd}) exited {process.returncode}:\n{stderr.decode(errors='replace')}"
            )
        # GNU time ends its file with the number (after a "Command exited with non-zero status" line).
        max_rss_kib = int(rss_file.read_text().split()[-1]) if rss_file.is_file() else usage.ru_maxrss
    return Run(elapsed, usage.ru_utime + usage.ru_stime, max_rss_kib / 1024)


def time_command(
    scenario: str,
    command: Sequence[str],
    cwd: Path,
    repeat: int,
    target: Target = Target(),
    env: dict[str, str] | None = None,
    warmup: bool = True,
) -> Timing:
    if warmup:
        run_once(command, cwd, env)
    runs = [run_once(command, cwd, env) for _ in range(repeat)]
    return Timing(
        scenario=scenario,
        command=" ".join(_display(part) for part in command),
        seconds=[run.wall for run in runs],
        cpu_seconds=[run.cpu for run in runs],
        peak_rss_mb=max(run.rss_mb for run in runs),
        target=target,
    )


def imported_modules(importtime_stderr: str) -> dict[str, int]:
    """Module name -> cumulative import microseconds, from `python -X importtime` output."""
    modules = {}
    for line in importtime_stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            modules[match["module"]] = int(match["cumulative"])
    return modules


def forbidden_modules(modules: dict[str, int] | set[str]) -> list[str]:
    return sorted(module for module in modules if module.split(".")[0] in FORBIDDEN_PACKAGES)


def import_report(arguments: Sequence[str], cwd: Path) -> ImportReport:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dbt_kpi_lint", *arguments],
        cwd=cwd, env=_ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    )
    if result.returncode not in (0, 1):
        raise RuntimeError(f"importtime run failed:\n{result.stderr[-2000:]}")
    modules = imported_modules(result.stderr)
    return ImportReport(set(modules), forbidden_modules(modules), modules.get("dbt_kpi_lint.cli", 0) / 1000)


def manifest_flag_available(linter: Sequence[str]) -> bool:
    result = subprocess.run([*linter, "check", "--help"], capture_output=True, text=True, check=False)
    return "--manifest" in result.stdout


def machine_facts(load_before: tuple[float, float, float]) -> list[str]:
    import yaml  # the linter's only dependency; its C loader is what makes the lint path fast

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    c_loader = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    return [
        f"CPU: {cpu}, `nproc` = {os.cpu_count()}",
        f"OS: {platform.system()} {platform.release()}",
        f"load average (1, 5, 15 min): {_loads(load_before)} before the run, {_loads(os.getloadavg())} after",
        f"Python {platform.python_version()}, PyYAML {yaml.__version__} (C loader: {c_loader})",
    ]


def _loads(loads: tuple[float, float, float]) -> str:
    return ", ".join(f"{load:.2f}" for load in loads)


@dataclass(frozen=True)
class Measurements:
    startup: Timing
    full: Timing
    one_file: Timing
    large: Timing
    no_metrics: Timing
    double_models: Timing
    huge: Timing  # many more metrics than the targets ask for: a superlinear term shows there
    review: Timing
    certified: Timing  # every metric a certified KPI, KPI012 fingerprinting them all
    certified_unchecked: Timing  # the same project and lint without KPI012
    kpis_certified: Timing  # the 1,000-metric project with its KPIs certified
    kpis_certified_unchecked: Timing
    manifest: Timing | None
    dbt_parse: Timing | None

    @property
    def scenarios(self) -> list[Timing]:
        """The rows the issue asks for, in the order of the table."""
        optional = [timing for timing in (self.manifest, self.dbt_parse) if timing is not None]
        return [self.full, self.one_file, self.large, self.review, self.certified, *optional]

    @property
    def references(self) -> list[Timing]:
        """Rows that only serve the growth check and the certification overhead."""
        return [
            self.startup, self.no_metrics, self.double_models, self.huge, self.certified_unchecked,
            self.kpis_certified, self.kpis_certified_unchecked,
        ]

    @property
    def fingerprint_overhead(self) -> float:
        """What KPI012 adds to a lint that fingerprints every metric, as a fraction of the lint without it."""
        return overhead(self.certified, self.certified_unchecked)


def overhead(timing: Timing, without: Timing) -> float:
    """What `timing` adds to `without`, as a fraction of it, by best CPU time: on a shared machine
    the wall time of the same process varies more than what is measured."""
    return min(timing.cpu_seconds) / min(without.cpu_seconds) - 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    load_before = os.getloadavg()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dbt-kpi-lint-bench-"))
    base = Options(
        models=args.models, metrics=args.metrics, semantic_models=args.semantic_models,
        tested_columns=args.tested_columns,
    )
    _log(f"generating projects under {workdir}")
    project = generate(workdir / "project", base)
    large = generate(workdir / "project_large", replace(base, metrics=args.large_metrics))
    no_metrics = generate(workdir / "project_no_metrics", replace(base, metrics=0))
    double_models = generate(workdir / "project_double_models", replace(base, metrics=0, models=2 * args.models))
    huge = generate(workdir / "project_huge", replace(base, metrics=args.growth_metrics))
    certified = certify_every_kpi(generate(workdir / "project_certified", replace(base, kpi_every=1)))
    kpis_certified = certify_every_kpi(generate(workdir / "project_kpis_certified", base))
    pull_request = pull_request_repository(generate(workdir / "project_review", base))
    changed_file = _a_metric_file(project)

    linter = _linter_command()
    lint_all = [*linter, "check", ".", "--format", "json"]
    sizes = f"{args.models:,} models × {args.metrics:,} metrics"
    notes = []
    _log("timing the linter")
    startup = time_command("interpreter + imports (`dbt-kpi-lint --version`)", [*linter, "--version"], project, args.repeat)
    full = time_command(f"full lint, {sizes}", lint_all, project, args.repeat, Target(seconds=0.5))
    one_file = time_command(
        "one changed file, as pre-commit calls it", [*linter, "check", changed_file], project, args.repeat,
        Target(seconds=0.25),
    )
    large_timing = time_command(
        f"full lint, {args.models:,} models × {args.large_metrics:,} metrics", lint_all, large, args.repeat,
        Target(seconds=2.0, rss_mb=150),
    )
    no_metrics_timing = time_command(f"full lint, {args.models:,} models × 0 metrics", lint_all, no_metrics, args.repeat)
    double_models_timing = time_command(
        f"full lint, {2 * args.models:,} models × 0 metrics", lint_all, double_models, args.repeat
    )
    huge_timing = time_command(
        f"full lint, {args.models:,} models × {args.growth_metrics:,} metrics", lint_all, huge, args.repeat
    )
    review_timing = time_command(
        "`review`, a pull request changing one file", [*linter, "review", "--base", "main", "--format", "json"],
        pull_request, args.repeat, Target(seconds=1.0),
    )
    certified_timing = time_command(
        f"full lint, {args.metrics:,} metrics, every one a certified KPI", lint_all, certified, args.repeat
    )
    unchecked = [*lint_all, "--ignore", CERTIFICATION_RULE]
    certified_unchecked = time_command(
        f"the same without KPI012 (`--ignore {CERTIFICATION_RULE}`)", unchecked, certified, args.repeat
    )
    kpis_certified_timing = time_command(
        f"full lint, {sizes}, its {args.metrics // KPI_EVERY} KPIs certified", lint_all, kpis_certified, args.repeat
    )
    kpis_certified_unchecked = time_command("the same without KPI012", unchecked, kpis_certified, args.repeat)
    dbt_parse = None
    if args.dbt_parse:
        _log(f"timing dbt parse ({args.dbt_parse_repeat} runs of about a minute or more each)")
        dbt_parse = time_command(
            f"`dbt parse`, {sizes}",
            [str(Path(sys.executable).with_name("dbt")), "parse", "--no-partial-parse", "--profiles-dir", "."],
            project, args.dbt_parse_repeat,
            env={**_ENVIRONMENT, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"},
            warmup=False,
        )
    else:
        notes.append("`dbt parse` not timed (pass `--dbt-parse`; it takes minutes).")
    manifest = None
    if not manifest_flag_available(linter):
        notes.append("manifest mode skipped: this dbt-kpi-lint has no `check --manifest` yet (issue 3).")
    elif not (project / "target" / "manifest.json").is_file():
        notes.append("manifest mode skipped: no target/manifest.json (pass `--dbt-parse` to produce it).")
    else:
        manifest = time_command(
            f"manifest mode on a ready manifest, {sizes}",
            [*linter, "check", ".", "--manifest", "target/manifest.json", "--format", "json"],
            project, args.repeat,
        )
    measurements = Measurements(
        startup, full, one_file, large_timing, no_metrics_timing, double_models_timing, huge_timing, review_timing,
        certified_timing, certified_unchecked, kpis_certified_timing, kpis_certified_unchecked, manifest, dbt_parse,
    )

    _log("checking imports")
    imports = {
        "full lint": import_report(["check", ".", "--format", "json"], project),
        "one changed file": import_report(["check", changed_file], project),
        "review": import_report(["review", "--base", "main"], pull_request),
    }
    growth = _growth(measurements, args, _yaml_file_count(no_metrics), _yaml_file_count(double_models))
    report = _markdown(measurements, imports, growth, notes, args.repeat, machine_facts(load_before))
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    missed = any(timing.verdict().endswith("MISSED") for timing in measurements.scenarios)
    missed = missed or measurements.fingerprint_overhead > FINGERPRINT_OVERHEAD
    leaked = any(imported.forbidden for imported in imports.values())
    return 1 if missed or leaked else 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per scenario (best and median shown)")
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--metrics", type=int, default=1000)
    parser.add_argument("--large-metrics", type=int, default=10000)
    parser.add_argument(
        "--growth-metrics", type=int, default=40000, help="a larger size, only to check the growth per metric"
    )
    parser.add_argument("--semantic-models", type=int, default=100)
    parser.add_argument("--tested-columns", type=int, default=12)
    parser.add_argument("--dbt-parse", action="store_true", help="also time `dbt parse` of the same project (slow)")
    parser.add_argument("--dbt-parse-repeat", type=int, default=3, help="timed `dbt parse` runs (no warm-up)")
    parser.add_argument("--workdir", type=Path, help="where to generate the projects (default: a temporary dir)")
    parser.add_argument("--output", type=Path, help="also write the Markdown report to this file")
    return parser.parse_args(argv)


def _growth(measurements: Measurements, args: argparse.Namespace, files: int, double_files: int) -> list[str]:
    """Cost per metric above a metric-less project at both sizes; cost per YAML file above startup."""
    per_metric = (measurements.full.best - measurements.no_metrics.best) / args.metrics
    per_metric_large = (measurements.large.best - measurements.no_metrics.best) / args.large_metrics
    per_metric_huge = (measurements.huge.best - measurements.no_metrics.best) / args.growth_metrics
    per_file = (measurements.no_metrics.best - measurements.startup.best) / files
    per_file_double = (measurements.double_models.best - measurements.startup.best) / double_files
    metric_line = (
        f"- per metric (full lint minus the same project without metrics): {per_metric * 1e6:.0f} µs at "
        f"{args.metrics:,} metrics, {per_metric_large * 1e6:.0f} µs at {args.large_metrics:,}, "
        f"{per_metric_huge * 1e6:.0f} µs at {args.growth_metrics:,} "
        f"{_growth_verdict(max(per_metric_large, per_metric_huge) / per_metric)}"
    )
    file_line = (
        f"- per YAML file (lint without metrics minus interpreter + imports): {per_file * 1e6:.0f} µs at "
        f"{files:,} files, {per_file_double * 1e6:.0f} µs at {double_files:,} files "
        f"{_growth_verdict(per_file_double / per_file)}"
    )
    return [metric_line, file_line]


def _growth_verdict(ratio: float) -> str:
    return f"(×{ratio:.2f}: {'linear' if ratio <= LINEAR_TOLERANCE else 'GROWS FASTER THAN LINEAR'})"


def _markdown(
    measurements: Measurements,
    imports: dict[str, ImportReport],
    growth: list[str],
    notes: list[str],
    repeat: int,
    machine: list[str],
) -> str:
    dbt_parse = measurements.dbt_parse
    lines = [
        "| scenario | best s | median s | best CPU s | × faster than `dbt parse` | peak RSS MB | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for timing in measurements.scenarios:
        ratio = "–" if dbt_parse is None or timing is dbt_parse else f"{dbt_parse.best / timing.best:,.0f}×"
        lines.append(
            f"| {timing.scenario} | {timing.best:.3f} | {timing.median:.3f} | {min(timing.cpu_seconds):.3f} | "
            f"{ratio} | {timing.peak_rss_mb:.0f} | {timing.verdict()} |"
        )
    rss_source = (
        "peak RSS as `/usr/bin/time` reports it"
        if _GNU_TIME.is_file()
        else "peak RSS from `wait4`, an upper bound: it includes the benchmark process's own RSS at fork"
    )
    method = (
        f"Linter rows: best and median of {repeat} runs after one warm-up run (warm OS file cache, "
        f"bytecode compiled as after `pip install`; the linter keeps no cache of its own); {rss_source}."
    )
    lines += ["", method]
    if dbt_parse is not None:
        lines.append(f"`dbt parse`: best and median of {len(dbt_parse.seconds)} runs, each a full parse.")
    lines += ["", "Reference points for the growth check:", "", "| run | best s | median s | best CPU s | peak RSS MB |",
              "|---|---:|---:|---:|---:|"]
    lines += [
        f"| {timing.scenario} | {timing.best:.3f} | {timing.median:.3f} | {min(timing.cpu_seconds):.3f} | "
        f"{timing.peak_rss_mb:.0f} |"
        for timing in measurements.references
    ]
    lines += ["", "Cost growth:", "", *growth]
    every = measurements.fingerprint_overhead
    kpis = overhead(measurements.kpis_certified, measurements.kpis_certified_unchecked)
    lines += [
        "",
        "Certification, what KPI012 adds to the same lint without it (best CPU time):",
        "",
        f"- every one of {measurements.certified.scenario.split(', ')[1]}: "
        f"{_added_ms(measurements.certified, measurements.certified_unchecked)}, {every * 100:+.1f} % "
        f"(target ≤ {FINGERPRINT_OVERHEAD * 100:.0f} %: {'met' if every <= FINGERPRINT_OVERHEAD else 'MISSED'})",
        f"- the KPIs of the 1,000-metric project: "
        f"{_added_ms(measurements.kpis_certified, measurements.kpis_certified_unchecked)}, {kpis * 100:+.1f} %",
    ]
    lines += ["", "Commands (run in the generated project):", ""]
    lines += [f"- {timing.scenario}: `{timing.command}`" for timing in (*measurements.scenarios, *measurements.references)]
    lines += ["", "Imports on the lint path (`python -X importtime -m dbt_kpi_lint ...`):", ""]
    for name, imported in imports.items():
        verdict = "none loaded" if not imported.forbidden else "LOADED: " + ", ".join(imported.forbidden[:10])
        lines.append(
            f"- {name}: {len(imported.modules)} modules imported (dbt_kpi_lint.cli and its imports: "
            f"{imported.own_import_ms:.0f} ms); dbt / MetricFlow / DuckDB modules: {verdict}"
        )
    installed = sorted(package for package in FORBIDDEN_PACKAGES if importlib.util.find_spec(package) is not None)
    lines.append(f"- installed in the same environment, never imported: {', '.join(installed) or 'none'}")
    if notes:
        lines += ["", *[f"Note: {note}" for note in notes]]
    lines += ["", "Machine:", "", *[f"- {fact}" for fact in machine]]
    return "\n".join(lines) + "\n"


def _added_ms(timing: Timing, without: Timing) -> str:
    return f"{(min(timing.cpu_seconds) - min(without.cpu_seconds)) * 1000:+.0f} ms"


def certify_every_kpi(root: Path) -> Path:
    """Certify every KPI of the generated project, as `certify` would, in one pass over the files."""
    from dbt_kpi_lint.config.settings import Settings
    from dbt_kpi_lint.kpi.definition_fingerprint import KpiFingerprints
    from dbt_kpi_lint.kpi.fields import kpi_of
    from dbt_kpi_lint.loading.yaml_loader import load_project

    project = load_project(root)
    fingerprints = KpiFingerprints(project)
    by_file: dict[str, list[str]] = {}
    for metric in project.metrics:
        kpi = kpi_of(metric, project, Settings().meta_keys)
        if kpi is not None:
            by_file.setdefault(metric.location.path, []).append(str(fingerprints.of(kpi)))
    flag = "        kpi: true\n"
    for path, prints in by_file.items():
        file = root / path
        head, *rest = file.read_text(encoding="utf-8").split(flag)
        assert len(rest) == len(prints), f"{path}: one `kpi: true` per KPI, in order"
        certified = "".join(
            f'        kpi:\n          certified: {{{_CERTIFIED_BY}, fingerprint: "{fingerprint}"}}\n{part}'
            for fingerprint, part in zip(prints, rest)
        )
        file.write_text(head + certified, encoding="utf-8")
    return root


def pull_request_repository(root: Path) -> Path:
    """The project committed on `main`, then a filter changed in one metric file on a branch."""
    identity = ["-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.com", "-c", "commit.gpgsign=false"]
    steps = (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "main"), ("checkout", "-q", "-b", "pr"))
    for arguments in steps:
        subprocess.run(["git", *identity, *arguments], cwd=root, check=True, capture_output=True)
    changed = root / _a_metric_file(root)
    text = changed.read_text(encoding="utf-8")
    assert "= 'paid'" in text
    changed.write_text(text.replace("= 'paid'", "= 'refunded'", 1), encoding="utf-8")
    return root


def _linter_command() -> list[str]:
    script = Path(sys.executable).with_name("dbt-kpi-lint")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "dbt_kpi_lint"]


def _a_metric_file(project: Path) -> str:
    """A metric-only YAML file, the kind of file a KPI edit touches, relative to the project."""
    return min(path.relative_to(project).as_posix() for path in (project / "models").glob("*/metrics/*.yml"))


def _yaml_file_count(project: Path) -> int:
    return sum(1 for _ in (project / "models").rglob("*.yml"))


def _display(part: str) -> str:
    return Path(part).name if part == sys.executable or part.endswith(("/dbt-kpi-lint", "/dbt")) else part


def _log(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
