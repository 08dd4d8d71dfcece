"""The default, human format: `path:line:col: CODE message`, like ruff and SQLFluff."""

from __future__ import annotations

from ..model import Severity
from .base import Report, plural

_BOLD, _RED, _YELLOW, _CYAN, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[0m"


def format_text(report: Report) -> str:
    def paint(text: str, *styles: str) -> str:
        return "".join(styles) + text + _RESET if report.color else text

    lines = []
    for finding in report.findings:
        color = _RED if finding.severity is Severity.ERROR else _YELLOW
        place = paint(f"{finding.location}:", _BOLD)
        lines.append(f"{place} {paint(finding.code, _BOLD, color)} {finding.message}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def _summary(report: Report) -> str:
    checked = f"{plural(report.metrics_checked, 'metric')} ({plural(report.kpis_checked, 'KPI')})"
    known = f"; {plural(report.baselined, 'known finding')} in the baseline" if report.baselined else ""
    if not report.findings:
        return f"All checks passed: {checked}{known}."
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    return f"Found {plural(errors, 'error')} and {plural(warnings, 'warning')} in {checked}{known}."

