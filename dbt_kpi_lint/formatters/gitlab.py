"""GitLab Code Quality: the JSON report a job declares as `artifacts: reports: codequality:`.

GitLab reads a subset of the Code Climate spec: an array of issues with a `description`, a
`check_name`, a `fingerprint`, a `severity` (info, minor, major, critical or blocker) and a
`location` with the `path` relative to the repository and `lines.begin`. Findings with equal
fingerprints show as one entry in the merge request widget, and a fingerprint that changes
reads as one issue fixed and another introduced, so fingerprints are unique in the report and
do not depend on the line (fingerprints.py). Errors, which fail the run, are `major`; warnings
one step lower, `minor`.
"""

from __future__ import annotations

import json
from typing import Any

from ..findings import Finding
from ..model import Severity
from .base import Report
from .fingerprints import fingerprints

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def format_gitlab(report: Report) -> str:
    findings = report.findings
    issues = [_issue(finding, fingerprint) for finding, fingerprint in zip(findings, fingerprints(findings))]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{finding.code}: {finding.message}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITY[finding.severity],
        "location": {"path": finding.location.path, "lines": {"begin": finding.location.line}},
    }
