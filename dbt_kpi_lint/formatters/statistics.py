"""`--statistics`: how many findings each rule raised, most frequent first (as `ruff --statistics`)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass

from .base import Report
from .text import summary


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    count: int
    fixable: bool


def format_statistics_text(report: Report) -> str:
    rows = _rows(report)
    if not rows:
        return summary(report) + "\n"
    width = len(str(rows[0].count))
    code_width = max(len(row.code) for row in rows)
    # As ruff: a fix column only when some rule can be fixed, `[*]` fixable, `[ ]` not.
    any_fixable = any(row.fixable for row in rows)
    return "".join(
        f"{row.count:>{width}}  {row.code:<{code_width}}  {_fix_mark(row) if any_fixable else ''}{row.name}\n"
        for row in rows
    )


def format_statistics_json(report: Report) -> str:
    return json.dumps([asdict(row) for row in _rows(report)], indent=2) + "\n"


def _rows(report: Report) -> list[_Row]:
    counts = Counter(finding.code for finding in report.findings)
    rows = []
    for code, count in counts.items():
        rule = report.rule(code)
        rows.append(_Row(code, rule.name if rule else "", count, rule is not None and rule.fixable))
    return sorted(rows, key=lambda row: (-row.count, row.code))


def _fix_mark(row: _Row) -> str:
    return "[*] " if row.fixable else "[ ] "
