"""Run the enabled rules over a loaded project and turn violations into findings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from fnmatch import fnmatch
from typing import Collection, Iterable

from ..config.settings import Settings
from ..findings import Finding
from ..kpi.spec import LintCodes
from ..model import Project, Severity
from ..rules import RULES, RuleContext, Violation, enabled_rules
from ..rules.generated import STALENESS_RULE_CODE
from ..rules.suppression import INVALID_SUPPRESSION, UNUSED_SUPPRESSION
from .suppressions import Suppressions


def lint(project: Project, settings: Settings, report_paths: Collection[str] | None = None) -> list[Finding]:
    """All findings of `project`; with `report_paths`, only those about metrics in those files.

    The whole project is always loaded and checked, so a metric in a reported file is judged
    with its inputs and groups from other files.
    """
    suppressions = Suppressions(project, settings.meta_keys)
    findings = [
        finding
        for finding in (*_load_findings(project, settings), *_rule_findings(project, settings))
        if not suppressions.suppress(finding)
    ]
    findings += _suppression_findings(suppressions, settings)
    kept = [
        finding
        for finding in findings
        if not any(fnmatch(finding.location.path, pattern) for pattern in settings.exclude)
        and (report_paths is None or _concerns(project, finding, report_paths))
    ]
    return sorted(kept, key=lambda finding: finding.sort_key)


def kpi_lint_codes(project: Project, settings: Settings) -> LintCodes:
    """Per metric, the sorted codes of the findings about it and those of its errors: what the
    generated models record and judge by.

    The staleness rule aside: it compares these codes, so its own finding would make them depend
    on themselves.
    """
    settings = replace(settings, ignore=(*settings.ignore, STALENESS_RULE_CODE))
    codes: dict[str, set[str]] = defaultdict(set)
    errors: dict[str, set[str]] = defaultdict(set)
    for finding in lint(project, settings):
        if finding.metric:
            codes[finding.metric].add(finding.code)
            if finding.severity is Severity.ERROR:
                errors[finding.metric].add(finding.code)
    return LintCodes(
        codes={metric: tuple(sorted(found)) for metric, found in codes.items()},
        errors={metric: frozenset(found) for metric, found in errors.items()},
    )


def _load_findings(project: Project, settings: Settings) -> Iterable[Finding]:
    for problem in project.problems:
        rule = RULES[problem.code]
        if rule.enabled_in(settings):
            severity = settings.severity.get(rule.code, rule.default_severity)
            yield Finding(rule.code, severity, problem.message, problem.location)


def _rule_findings(project: Project, settings: Settings) -> Iterable[Finding]:
    # The configuration's settings, not the command line's: what `generate` recorded codes with.
    context = RuleContext(project, settings, lambda: kpi_lint_codes(project, settings.as_configured))
    for rule in enabled_rules(settings):
        if rule.check is None:
            continue
        for violation in rule.check(context):
            yield _finding(rule.code, violation, settings, rule.default_severity)


def _finding(code: str, violation: Violation, settings: Settings, default_severity: Severity) -> Finding:
    metric = violation.metric
    location = violation.location or (metric.location if metric else None)
    if location is None:
        raise ValueError(f"{code}: a violation needs a metric or a location")
    severity = settings.severity.get(code) or violation.severity or default_severity
    return Finding(code, severity, violation.message, location, metric.name if metric else None)


def _suppression_findings(suppressions: Suppressions, settings: Settings) -> Iterable[Finding]:
    """SUP001/SUP002, judged once every other rule has run; they cannot be suppressed themselves."""
    for rule, violations in (
        (UNUSED_SUPPRESSION, suppressions.unused(settings)),
        (INVALID_SUPPRESSION, suppressions.invalid),
    ):
        if rule.enabled_in(settings):
            for violation in violations:
                yield _finding(rule.code, violation, settings, rule.default_severity)


def _concerns(project: Project, finding: Finding, report_paths: Collection[str]) -> bool:
    if finding.location.path in report_paths:
        return True
    metric = project.metric(finding.metric) if finding.metric else None
    return metric is not None and metric.location.path in report_paths
