"""The KPI status as text, CSV, JSON or markdown: one row per KPI, worst status first.

Text and markdown are for people (a terminal, a PR comment or `$GITHUB_STEP_SUMMARY`): periods
as labels, numbers in the KPI's format, the change said better or worse, and why a KPI has no
on/off-track status in the last column. CSV and JSON are for programs: the table's own values,
and the change's `trend`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Callable, Sequence

from .formatting import change, number, period_label, timestamp
from .tables import KpiRow, KpiTables

_HEADERS = ("kpi", "status", "period", "actual", "target", "attainment", "change", "owner", "lint", "why")
# Longer text is cut in the text view, so that one long label does not push every number off screen;
# the last column pushes nothing and is kept whole.
_WIDEST_TEXT = 40


def _cells(row: KpiRow) -> tuple[str, ...]:
    return (
        row.label or row.metric_name,
        row.status,
        f"{period_label(row.grain, row.period_start)} ({row.grain})",
        number(row.actual, row.number_format, row.unit),
        number(row.target, row.number_format, row.unit),
        number(row.attainment, "percent"),
        change(row.change, row.relative_change, row.number_format, row.unit) + (f" {row.trend}" if row.trend else ""),
        row.owner or "-",
        row.lint_codes or "-",
        row.status_reason or "-",
    )


def text_view(tables: KpiTables) -> str:
    rows = [_HEADERS, *(_cut(_one_line(_cells(row))) for row in tables.current)]
    widths = [max(len(row[index]) for row in rows) for index in range(len(_HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n" + _footer(tables) + "\n"


def markdown_view(tables: KpiTables) -> str:
    def escaped(cell: str) -> str:
        return cell.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")

    lines = ["| " + " | ".join(_HEADERS) + " |", "|" + "---|" * len(_HEADERS)]
    lines += ["| " + " | ".join(escaped(cell) for cell in _one_line(_cells(row))) + " |" for row in tables.current]
    return "### KPI status\n\n" + "\n".join(lines) + "\n\n" + _footer(tables) + "\n"


def csv_view(tables: KpiTables) -> str:
    buffer = io.StringIO()
    records = _records(tables)
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else [], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def json_view(tables: KpiTables) -> str:
    return json.dumps(_records(tables), indent=2, default=str) + "\n"


def _records(tables: KpiTables) -> list[dict[str, object]]:
    """The table's own columns, and `trend` after `relative_change`: whether the change is for the better."""
    records = []
    for row in tables.current:
        record: dict[str, object] = {}
        for column, value in asdict(row).items():
            record[column] = value
            if column == "relative_change":
                record["trend"] = row.trend
        records.append(record)
    return records


VIEWS: dict[str, Callable[[KpiTables], str]] = {
    "text": text_view,
    "markdown": markdown_view,
    "csv": csv_view,
    "json": json_view,
}


def _cut(cells: Sequence[str]) -> tuple[str, ...]:
    return (*(cell if len(cell) <= _WIDEST_TEXT else cell[: _WIDEST_TEXT - 1] + "…" for cell in cells[:-1]), cells[-1])


def _one_line(cells: Sequence[str]) -> tuple[str, ...]:
    """A label may hold line breaks; a table row may not."""
    return tuple(" ".join(cell.split()) for cell in cells)


def _footer(tables: KpiTables) -> str:
    current = tables.current
    if not current:
        return "No KPIs in the table."
    counts = {status: sum(1 for row in current if row.status == status) for status in dict.fromkeys(r.status for r in current)}
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    built = tables.built_at
    return f"{len(current)} KPIs as of {current[0].as_of}: {summary}." + (f" Built {timestamp(built)}." if built else "")
