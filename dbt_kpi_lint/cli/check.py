"""`dbt-kpi-lint check`: lint one or more dbt projects and report the findings."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings, unknown_selectors
from ..findings import Finding
from ..formatters import (
    FORMATTERS,
    REPOSITORY_RELATIVE_FORMATS,
    STATISTICS_FORMATTERS,
    CheckedMetric,
    Report,
    RuleDescription,
)
from ..formatters.base import plural
from ..kpi.fields import kpi_of
from ..lint.baseline import Baseline
from ..lint.engine import lint
from ..loading import yaml_reader
from ..loading.source import Source, load_linted_project
from ..loading.yaml_loader import load_project
from ..model import Project, Severity
from ..rules import RULES, Rule, enabled_rules
from ..rules.docs import rule_help
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Target,
    UsageError,
    configured_settings,
    display_prefix,
    targets,
    write_output,
)
from .report import path_base, source_lines


def add_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="lint a dbt project (the default workflow)")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="a dbt project directory and/or YAML files in it; files limit what is reported, "
        "the whole project is still read (default: the project around the working directory)",
    )
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    check.add_argument(
        "--output-format",
        choices=["full", "concise"],
        default="full",
        help="how --format text shows a finding: full (the default, as in ruff) adds its YAML line with a caret "
        "under the column; concise is the one line",
    )
    check.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    check.add_argument("--select", type=_codes, help="only these rule codes or prefixes (e.g. KPI,VAN001)")
    check.add_argument("--extend-select", type=_codes, default=(), help="rules to enable in addition")
    check.add_argument("--ignore", type=_codes, default=(), help="rule codes or prefixes to skip")
    check.add_argument(
        "--fail-on",
        choices=[severity.value for severity in Severity],
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--diff-base",
        metavar="REF",
        help="report only findings about metrics changed since this git ref (its merge base with HEAD), "
        "e.g. origin/main; the whole project is still read",
    )
    check.add_argument(
        "--baseline", type=Path, metavar="FILE", help="report only findings that this baseline file does not hold"
    )
    check.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record every current finding in FILE (for --baseline) and exit 0 without a report",
    )
    check.add_argument(
        "--config",
        type=Path,
        help="use this configuration file (default: the nearest .dbt-kpi-lint.toml, dbt-kpi-lint.toml "
        "or pyproject.toml with [tool.dbt-kpi-lint], from the dbt project root upward)",
    )
    check.add_argument("--vars", type=parse_vars, default={}, help="YAML mapping of dbt vars, as `dbt --vars`")
    check.add_argument("--no-color", action="store_true", help="never color the text output")
    check.add_argument(
        "--statistics", action="store_true", help="print how many findings each rule raised instead of the findings"
    )
    check.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when findings fail the run (still 2 on errors)"
    )
    check.add_argument(
        "--source",
        choices=[source.value for source in Source],
        help="what to lint: the YAML files (the default without --manifest; no `dbt parse` needed), dbt's "
        "manifest (<target-path>/manifest.json), or auto: the manifest when it is newer than every YAML file",
    )
    check.add_argument(
        "--manifest",
        type=Path,
        help="lint this manifest.json written by `dbt parse` (schema v11/v12); implies --source manifest",
    )
    check.add_argument(
        "--include-packages",
        action="store_true",
        help="also report metrics of installed packages (needs the manifest)",
    )
    check.add_argument(
        "--fix",
        action="store_true",
        help="move KPI meta dbt drops under config.meta and nest legacy cumulative params, in place "
        "(needs the `fix` extra), then report what remains",
    )
    check.add_argument(
        "--diff", action="store_true", help="print what --fix would change as a unified diff; change no file"
    )
    check.set_defaults(run=run)


def _codes(value: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in value.split(",") if code.strip())
    unknown = unknown_selectors(codes, RULES)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown rule code {', '.join(unknown)}; `dbt-kpi-lint rules` lists them"
        )
    return codes

def parse_vars(value: str) -> dict[str, Any]:
    """`--vars` read as dbt reads it. Bad YAML is a UsageError (one line, as every other), not argparse's usage text."""
    try:
        parsed = yaml_reader.parse(value)
    except yaml_reader.YamlError as error:
        raise UsageError(f"--vars is not YAML: {error.reason}") from None
    if not isinstance(parsed, dict):
        raise UsageError("--vars must be a YAML mapping, e.g. '{revenue_target: 1000}'")
    return parsed


def _settings(args: argparse.Namespace, project_root: Path) -> Settings:
    """The project's configuration file, overridden by the command line.

    `--select` starts the rule selection afresh (the file's select, extend-select and ignore no
    longer apply, as in ruff); `--extend-select` and `--ignore` add to the file's lists.
    """
    configured = configured_settings(args.config, project_root)
    settings = replace(configured, configured=configured)
    if args.select is not None:
        settings = replace(settings, select=args.select, extend_select=(), ignore=())
    if args.fail_on:
        settings = replace(settings, fail_on=Severity(args.fail_on))
    return replace(
        settings,
        extend_select=settings.extend_select + args.extend_select,
        ignore=settings.ignore + args.ignore,
    )


def run(args: argparse.Namespace) -> int:
    formatters = STATISTICS_FORMATTERS if args.statistics else FORMATTERS
    if args.format not in formatters:
        raise UsageError(f"--statistics works with --format {' or '.join(sorted(formatters))}")
    projects = targets(args.paths)
    if not projects:
        return EXIT_OK  # only files outside any dbt project, as pre-commit may pass: nothing to say
    if args.manifest is not None and len(projects) > 1:
        raise UsageError("--manifest belongs to one dbt project; the paths given span several")
    if args.diff:
        return _fix(args, projects, write=False)
    if args.fix:
        _fix(args, projects, write=True)  # then check as usual: the report shows what remains
    recorded = Baseline() if args.write_baseline else None
    if recorded is not None and (args.diff_base or any(target.report_paths is not None for target in projects)):
        raise UsageError(
            "--write-baseline records whole projects: pass project directories, not files, and no --diff-base"
        )
    baseline = Baseline.read(args.baseline) if args.baseline else None
    base_directory, base = path_base(args.format in REPOSITORY_RELATIVE_FORMATS)
    findings: list[Finding] = []
    metrics: list[CheckedMetric] = []
    rules: dict[str, RuleDescription] = {}
    fails = False
    baselined = 0
    for target in projects:
        settings = _settings(args, target.root)
        project = _load(args, target.root)
        project_findings, changed = _changed_only(project, lint(project, settings, target.report_paths), args.diff_base)
        if recorded is not None:
            recorded.record(project.name, project_findings)
        if baseline is not None:
            new_findings = baseline.new_findings(project.name, project_findings)
            baselined += len(project_findings) - len(new_findings)
            project_findings = new_findings
        fails = fails or any(settings.fails(finding.severity) for finding in project_findings)
        prefix = display_prefix(project.root, base_directory)
        findings += [_rebased(finding, prefix) for finding in project_findings]
        metrics += _checked_metrics(project, settings, target.report_paths, changed, prefix)
        rules.update((rule.code, _describe(rule, settings)) for rule in enabled_rules(settings))
    if recorded is not None:
        recorded.write(args.write_baseline)
        count = sum(recorded.counts.values())
        print(f"dbt-kpi-lint: recorded {plural(count, 'finding')} in {args.write_baseline}", file=sys.stderr)
        return EXIT_OK
    show_source = args.format == "text" and args.output_format == "full" and not args.statistics
    report = Report(
        findings,
        sorted(rules.values(), key=lambda rule: rule.code),
        metrics,
        _use_color(args),
        baselined,
        show_source=show_source,
        source_lines=source_lines(findings, base_directory) if show_source else {},
        path_base=base,
    )
    write_output(formatters[args.format](report), args.output)
    return EXIT_FINDINGS if fails and not args.exit_zero else EXIT_OK

def _load(args: argparse.Namespace, root: Path) -> Project:
    source = Source(args.source) if args.source else Source.MANIFEST if args.manifest else Source.YAML
    loaded = load_linted_project(root, source, args.manifest, args.include_packages, args.vars)
    if loaded.warning:
        print(f"dbt-kpi-lint: warning: {loaded.warning}", file=sys.stderr)
    return loaded.project

def _fix(args: argparse.Namespace, projects: list[Target], write: bool) -> int:
    """Plan the fixes of the reported findings; write them (`--fix`) or print them as a diff (`--diff`).

    The exit code is --diff's: 1 when there is something to fix.
    """
    if args.manifest is not None or args.source not in (None, Source.YAML.value):
        raise UsageError("--fix and --diff read and edit the YAML files; drop --manifest / --source")
    from ..fix.moves import FixUnavailable, plan_fixes, write_fix

    diffs, fixed, files = [], 0, 0
    for target in projects:
        settings = _settings(args, target.root)
        project = load_project(target.root, cli_vars=args.vars)
        findings, _ = _changed_only(project, lint(project, settings, target.report_paths), args.diff_base)
        try:
            plan = plan_fixes(project, findings, settings.meta_keys)
        except FixUnavailable as error:
            raise UsageError(str(error)) from None
        prefix = display_prefix(project.root)
        for unfixed in plan.unfixed:
            finding = unfixed.finding
            print(f"{prefix}{finding.location}: {finding.code} not fixed: {unfixed.reason}", file=sys.stderr)
        fixed, files = fixed + plan.fixed_count, files + len(plan.files)
        for file_fix in plan.files:
            if not write:
                diffs.append(file_fix.diff(prefix))
                continue
            try:
                write_fix(file_fix)
            except OSError as error:
                raise UsageError(f"cannot write {prefix}{file_fix.path}: {error}") from None
    if not write:
        write_output("".join(diffs), args.output)
    print(f"{'Fixed' if write else 'Would fix'} {plural(fixed, 'finding')} in {plural(files, 'file')}.", file=sys.stderr)
    return EXIT_FINDINGS if fixed else EXIT_OK

def _changed_only(
    project: Project, findings: list[Finding], diff_base: str | None
) -> tuple[list[Finding], set[str] | None]:
    """With --diff-base, the findings about changed metrics and the names of those metrics."""
    if not diff_base:
        return findings, None
    # Imported on use: only --diff-base needs git (and subprocess) on the lint path.
    from ..lint.diff_base import changed_lines, changed_metrics, findings_in_changes

    changes = changed_lines(Path(project.root), diff_base)
    changed = changed_metrics(project, changes)
    return findings_in_changes(findings, changes, changed), changed

def _rebased(finding: Finding, prefix: str) -> Finding:
    return replace(finding, location=replace(finding.location, path=prefix + finding.location.path))

def _checked_metrics(
    project: Project, settings: Settings, report_paths: set[str] | None, changed: set[str] | None, prefix: str
) -> list[CheckedMetric]:
    """The metrics the report speaks for: those in the files asked about and, with --diff-base, changed."""
    return [
        CheckedMetric(
            metric.name,
            prefix + metric.location.path,
            metric.location.line,
            kpi_of(metric, project, settings.meta_keys) is not None,
        )
        for metric in project.metrics
        if (report_paths is None or metric.location.path in report_paths)
        and (changed is None or metric.name in changed)
    ]

def _use_color(args: argparse.Namespace) -> bool:
    """Color only for people: a terminal, no --output, and no NO_COLOR (https://no-color.org)."""
    return (
        args.format == "text"
        and args.output is None
        and not args.no_color
        and not os.environ.get("NO_COLOR")
        and sys.stdout.isatty()
    )

def _describe(rule: Rule, settings: Settings) -> RuleDescription:
    configured = settings.severity.get(rule.code)  # it then overrides what each finding would choose
    return RuleDescription(
        rule.code,
        rule.name,
        rule.summary,
        rule_help(rule),
        configured or rule.default_severity,
        severity_note=None if configured else rule.severity_note,
        fixable=rule.fixable,
    )
