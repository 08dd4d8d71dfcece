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
class Report:
    findings: list[Finding]
    rules: list[RuleDescription] = field(default_factory=list)
    path_prefix: str = ""  # from the working directory to the project root, "" or ending in "/"
    metrics_checked: int = 0
    kpis_checked: int = 0
    color: bool = False

    def display_path(self, finding: Finding) -> str:
        return self.path_prefix + finding.location.path

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


Formatter = Callable[[Report], str]
