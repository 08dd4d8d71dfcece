"""GitHub Actions workflow commands: each finding becomes an inline annotation on the pull request.

`::error file=…,line=…,col=…,title=…::message`. The runner reads one command per line, so
data escapes `%`, CR and LF as `%25`, `%0D`, `%0A`; property values also escape `:` and `,`
(`%3A`, `%2C`), which would otherwise end the value.
"""

from __future__ import annotations

from ..findings import Finding
from ..model import Severity
from .base import Report


def format_github(report: Report) -> str:
    return "".join(_annotation(report, finding) + "\n" for finding in report.findings)


def _annotation(report: Report, finding: Finding) -> str:
    command = "error" if finding.severity is Severity.ERROR else "warning"
    rule = report.rule(finding.code)
    title = f"{finding.code} {rule.name}" if rule else finding.code
    properties = {
        "file": finding.location.path,
        "line": str(finding.location.line),
        "col": str(finding.location.column),
        "title": title,
    }
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{command} {rendered}::{escape_data(finding.message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
