"""What every output format receives: the findings and a description of the run, no rule logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..findings import Finding
from ..model import Severity


@dataclass(frozen=True)
class RuleDescription:
    """The documentation of a rule, as formats that describe rules (SARIF) need it."""

    code: str
    name: str
    summary: str
    explanation: str
    default_severity: Severity  # as configured for this run
    severity_note: str | None = None  # how findings choose their severity, when they do
    fixable: bool = False  # `check --fix` edits it away


@dataclass(frozen=True)
class CheckedMetric:
    """A metric the run reported on, for formats that count passing checks too (JUnit)."""

    name: str
    path: str  # relative to the report's path base, like the findings' paths
    line: int
    is_kpi: bool


@dataclass(frozen=True)
class PathBase:
    """The directory every relative path of a report starts from."""

    uri: str  # absolute `file:` URI ending in "/"
    description: str


@dataclass(frozen=True)
class Report:
    """One run over one or more projects.

    Finding and metric paths are relative to `path_base`, not to a project root, so several
    projects fit in one report: the directory where whoever reads the format resolves them.
    """

    findings: list[Finding]
    rules: list[RuleDescription] = field(default_factory=list)
    metrics: list[CheckedMetric] = field(default_factory=list)
    color: bool = False
    baselined: int = 0  # findings left out because the baseline holds them
    show_source: bool = False  # quote each finding's YAML line under it (`--output-format full`)
    source_lines: Mapping[tuple[str, int], str] = field(default_factory=dict)  # (path, line) -> its text
    path_base: PathBase | None = None

    @property
    def metrics_checked(self) -> int:
        return len(self.metrics)

    @property
    def kpis_checked(self) -> int:
        return sum(1 for metric in self.metrics if metric.is_kpi)

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    def rule(self, code: str) -> RuleDescription | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    def is_fixable(self, finding: Finding) -> bool:
        rule = self.rule(finding.code)
        return rule is not None and rule.fixable

    @property
    def fixable_count(self) -> int:
        return sum(1 for finding in self.findings if self.is_fixable(finding))


Formatter = Callable[[Report], str]


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`: the counts every human-facing message prints."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
