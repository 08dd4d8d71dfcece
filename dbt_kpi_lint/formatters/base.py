"""What every output format receives: the findings and a description of the run, no rule logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..findings import Finding
from ..model import Severity


@dataclass(frozen=True)
class RuleDescription:
    """The documentation of a rule, as formats that describe rules (SARIF) need it."""

    code: str
    name: str
    summary: str
    explanation: str
    default_severity: Severity


@dataclass(frozen=True)
class CheckedMetric:
    """A metric the run reported on, for formats that count passing checks too (JUnit)."""

    name: str
    path: str  # relative to the working directory, like the findings' paths
    line: int
    is_kpi: bool


@dataclass(frozen=True)
class Report:
    """One run over one or more projects.

    Finding locations are relative to the working directory (where CI and editors resolve
    them), not to a project root, so several projects fit in one report.
    """

    findings: list[Finding]
    rules: list[RuleDescription] = field(default_factory=list)
    metrics: list[CheckedMetric] = field(default_factory=list)
    color: bool = False
    baselined: int = 0  # findings left out because the baseline holds them

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


Formatter = Callable[[Report], str]


def plural(count: int, noun: str) -> str:
    """`1 error`, `2 errors`: the counts every human-facing message prints."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
