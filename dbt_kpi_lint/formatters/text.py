"""The human format: a line per finding, then a summary, as ruff prints them.

    path:line:col: severity[CODE] [*] message

The location comes first so that editors and terminals link it; `severity[CODE]` is how rustc
and Astral's ty print a diagnostic with a severity; `[*]` is ruff's mark of a finding `--fix`
can fix. With `show_source` (`--output-format full`, the default as in ruff) each line is
followed by the YAML line it points at, with a caret under the column, and a blank line.
"""

from __future__ import annotations

from typing import Callable

from ..findings import Finding
from ..model import Severity
from .base import Report, plural

_BOLD, _RED, _YELLOW, _CYAN, _BLUE, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[36m", "\033[34m", "\033[0m"

Paint = Callable[..., str]


def format_text(report: Report) -> str:
    def paint(text: str, *styles: str) -> str:
        return "".join(styles) + text + _RESET if report.color else text

    lines = []
    for finding in report.findings:
        lines.append(_headline(report, finding, paint))
        if report.show_source:
            source = report.source_lines.get((finding.location.path, finding.location.line))
            lines += [*_quoted(source, finding, paint), ""]
    lines.append(summary(report))
    if report.fixable_count:
        lines.append(f"{paint('[*]', _CYAN)} {report.fixable_count} fixable with `--fix`.")
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """`Found 1 error and 2 warnings in 5 metrics (2 KPIs).`, or `All checks passed: …`."""
    checked = f"{plural(report.metrics_checked, 'metric')} ({plural(report.kpis_checked, 'KPI')})"
    known = f"; {plural(report.baselined, 'known finding')} in the baseline" if report.baselined else ""
    if not report.findings:
        return f"All checks passed: {checked}{known}."
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    return f"Found {plural(errors, 'error')} and {plural(warnings, 'warning')} in {checked}{known}."


def _headline(report: Report, finding: Finding, paint: Paint) -> str:
    place = paint(f"{finding.location}:", _BOLD)
    severity = paint(finding.severity.value, _BOLD, _color(finding)) + paint(f"[{finding.code}]", _BOLD)
    fix = " " + paint("[*]", _CYAN) if report.is_fixable(finding) else ""
    return f"{place} {severity}{fix} {finding.message}"


def _quoted(source: str | None, finding: Finding, paint: Paint) -> list[str]:
    """The line under a gutter of its number, and a caret under the column (none for a line not read)."""
    if source is None:
        return []
    number = str(finding.location.line)
    gutter = paint(" " * len(number) + " |", _BOLD, _BLUE)
    # Tabs stay tabs so the caret lines up however the terminal expands them.
    before = "".join(char if char == "\t" else " " for char in source[: finding.location.column - 1])
    caret = before.ljust(finding.location.column - 1) + paint("^", _BOLD, _color(finding))
    return [gutter, f"{paint(number + ' |', _BOLD, _BLUE)} {source}".rstrip(), f"{gutter} {caret}", gutter]


def _color(finding: Finding) -> str:
    return _RED if finding.severity is Severity.ERROR else _YELLOW
