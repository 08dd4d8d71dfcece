"""`--statistics`: how many findings each rule raised, most frequent first (as `ruff --statistics`)."""

from __future__ import annotations

import json
from collections import Counter

from .base import Report


def format_statistics_text(report: Report) -> str:
    rows = _rows(report)
    if not rows:
        return ""
    width = len(str(rows[0][2]))
    code_width = max(len(code) for code, _, _ in rows)
    return "".join(f"{count:>{width}}  {code:<{code_width}}  {name}\n" for code, name, count in rows)


def format_statistics_json(report: Report) -> str:
    entries = [{"code": code, "name": name, "count": count} for code, name, count in _rows(report)]
    return json.dumps(entries, indent=2) + "\n"


def _rows(report: Report) -> list[tuple[str, str, int]]:
    counts = Counter(finding.code for finding in report.findings)
    rows = []
    for code, count in counts.items():
        rule = report.rule(code)
        rows.append((code, rule.name if rule else "", count))
    return sorted(rows, key=lambda row: (-row[2], row[0]))
