"""The review as Markdown (a pull request comment, `$GITHUB_STEP_SUMMARY`), JSON and text."""

from __future__ import annotations

import json
from typing import Any, Callable

from ..findings import Finding
from ..kpi.definitions import Kind, Subject
from .compare import Change, KpiReview, MetricChange, Review
from .severity import counts, graded, highest, kpi_severity

# The first line of the Markdown, so that CI can find and update its own comment.
MARKDOWN_MARKER = "<!-- dbt-kpi-lint review -->"
NOT_SET = "–"
_LISTS = (("added", "added"), ("removed", "removed"), ("promoted", "promoted to KPI"), ("demoted", "demoted"))
_NOT_SET_TEXT = "(not set)"


def summary(review: Review) -> str:
    """`2 KPIs change meaning, 1 added, 1 certification void`, or `no KPI changes`."""
    kpis = review.kpis
    counts = [
        (len(review.changing_meaning), "KPI changes meaning", "KPIs change meaning"),
        *((len(getattr(review, key)), label, label) for key, label in _LISTS),
        (len(review.renamed), "renamed", "renamed"),
        (sum(1 for kpi in kpis if kpi.fields), "KPI with KPI fields changed", "KPIs with KPI fields changed"),
        (sum(1 for kpi in kpis if kpi.upstream), "KPI with data upstream changed", "KPIs with data upstream changed"),
        (sum(1 for kpi in kpis if _void(kpi)), "certification void", "certifications void"),
        (len(review.other_metrics), "other metric changed", "other metrics changed"),
        (len(review.new_findings), "new finding", "new findings"),
        (len(review.resolved_findings), "finding resolved", "findings resolved"),
    ]
    parts = [f"{count} {one if count == 1 else many}" for count, one, many in counts if count]
    return ", ".join(parts) if parts else "no KPI changes"


def markdown(review: Review) -> str:
    lines = [
        MARKDOWN_MARKER,
        f"## KPI review: {summary(review)}",
        "",
        f"Compared with `{review.base}` at {review.merge_base[:7]}, the merge base.{_severity_sentence(review)}",
    ]
    rows = _lists(review, _code, "→")
    if rows:
        lines += ["", "| KPIs | |", "|---|---|", *(f"| {label} | {names} |" for label, names in rows)]
    for kpi in review.kpis:
        lines += ["", f"### {_code(kpi.name)} ({kpi_severity(kpi)}): {', '.join(_headline(kpi))}"]
        if kpi.meaning:
            lines += ["", "| definition | field | before | after |", "|---|---|---|---|"]
            lines += [
                f"| {subject} | {change.field} | {_cell(change.before)} | {_cell(change.after)} |"
                for subject, change in _definition_changes(kpi, _code)
            ]
        if kpi.fields:
            lines += ["", "| KPI field | before | after |", "|---|---|---|"]
            lines += [f"| {change.field} | {_cell(change.before)} | {_cell(change.after)} |" for change in kpi.fields]
        facts = [f"- **{label}**: {text}" for label, text in _facts(kpi, _code)]
        if facts:
            lines += ["", *facts]
    if review.new_findings or review.resolved_findings:
        lines += ["", "### Findings"]
        listed = (("New in this change", review.new_findings), ("Resolved by this change", review.resolved_findings))
        for title, findings in listed:
            if findings:
                lines += ["", f"{title}:", ""]
                lines += [f"- `{found.location}` **{found.code}** {_one_line(found.message)}" for found in findings]
    if review.other_metrics:
        lines += [
            "",
            f"<details><summary>Other metrics changed ({len(review.other_metrics)})</summary>",
            "",
            "| metric | change | before | after |",
            "|---|---|---|---|",
            *(
                f"| {_code(metric.name)} | {field} | {_cell(before)} | {_cell(after)} |"
                for metric in review.other_metrics
                for field, before, after in _metric_rows(metric)
            ),
            "",
            "</details>",
        ]
    if review.notes:
        lines += ["", *(f"> {_one_line(note)}" for note in review.notes)]
    return "\n".join(lines) + "\n"


def text(review: Review) -> str:
    where = f"{review.base} (merge base {review.merge_base[:7]})"
    if review.is_empty and not review.notes:
        return f"No KPI changes against {where}.\n"
    lines = [f"KPI review against {where}: {summary(review)}"]
    severity = highest(graded(review))
    if severity is not None:
        lines.append(f"severity: {severity} ({_counted(review)})")
    lines += [f"{label}: {names}" for label, names in _lists(review, str, "->")]
    for kpi in review.kpis:
        lines += ["", f"{kpi.name} [{kpi_severity(kpi)}]: {', '.join(_headline(kpi))}"]
        lines += [f"  {subject}: {_plain(change)}" for subject, change in _definition_changes(kpi, str)]
        lines += [f"  {_plain(change)}" for change in kpi.fields]
        lines += [f"  {label}: {fact}" for label, fact in _facts(kpi, str)]
    for title, findings in (("new findings", review.new_findings), ("resolved findings", review.resolved_findings)):
        if findings:
            lines += ["", f"{title}:", *(f"  {_finding_line(finding)}" for finding in findings)]
    if review.other_metrics:
        lines += ["", "other metrics changed:"]
        lines += [f"  {metric.name}: {line}" for metric in review.other_metrics for line in _metric_lines(metric)]
    lines += [f"note: {note}" for note in review.notes]
    return "\n".join(lines) + "\n"


def json_format(review: Review) -> str:
    changes = graded(review)
    document = {
        "base": review.base,
        "merge_base": review.merge_base,
        "summary": summary(review),
        "highest_severity": highest(changes),
        "severity_counts": counts(changes),
        "meaning_changed": bool(review.changing_meaning),
        "added": list(review.added),
        "removed": list(review.removed),
        "promoted": list(review.promoted),
        "demoted": list(review.demoted),
        "renamed": [{"before": old, "after": new} for old, new in review.renamed],
        "kpis": [_kpi_document(kpi) for kpi in review.kpis],
        "findings": {
            "new": [finding.as_dict() for finding in review.new_findings],
            "resolved": [finding.as_dict() for finding in review.resolved_findings],
        },
        "other_metrics": [
            {
                "metric": metric.name,
                "status": metric.status,
                "renamed_from": metric.renamed_from,
                "changes": [_change_document(change) for change in metric.changes],
            }
            for metric in review.other_metrics
        ],
        "changes": [
            {"severity": change.severity, "metric": change.metric, "change": change.change} for change in changes
        ],
        "notes": list(review.notes),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Review], str]] = {"markdown": markdown, "json": json_format, "text": text}


def _kpi_document(kpi: KpiReview) -> dict[str, Any]:
    certification = kpi.certification
    return {
        "metric": kpi.name,
        "renamed_from": kpi.renamed_from,
        "promoted": kpi.promoted,
        "severity": kpi_severity(kpi),
        "meaning_changed": kpi.changes_meaning,
        "meaning": [
            {
                "kind": definition.subject.kind,
                "name": definition.subject.name,
                "changes": [_change_document(change) for change in definition.changes],
            }
            for definition in kpi.meaning
        ],
        "lost_inputs": [{"kind": subject.kind, "name": subject.name} for subject in kpi.lost_inputs],
        "fields": [_change_document(change) for change in kpi.fields],
        "data_upstream_changed": [{"model": change.model, "path": change.path} for change in kpi.upstream],
        "certification": None
        if certification is None
        else {
            "status": certification.status,
            "described": certification.described,
            "changed_since": list(certification.reasons),
        },
    }


def _change_document(change: Change) -> dict[str, Any]:
    return {"field": change.field, "before": change.before, "after": change.after}


def _lists(review: Review, code: Callable[[str], str], arrow: str) -> list[tuple[str, str]]:
    """(label, names) of the KPIs added, removed, promoted, demoted and renamed; empty ones left out."""
    rows = [(label, ", ".join(code(name) for name in getattr(review, key))) for key, label in _LISTS]
    rows.append(("renamed", ", ".join(f"{code(old)} {arrow} {code(new)}" for old, new in review.renamed)))
    return [row for row in rows if row[1]]


def _definition_changes(kpi: KpiReview, code: Callable[[str], str]) -> list[tuple[str, Change]]:
    return [
        (_subject(definition.subject, kpi.name, code), change)
        for definition in kpi.meaning
        for change in definition.changes
    ]


def _headline(kpi: KpiReview) -> list[str]:
    reasons = [
        (kpi.changes_meaning, "the number changes meaning"),
        (kpi.renamed_from, f"renamed from {kpi.renamed_from}"),
        (kpi.promoted, "promoted to KPI"),
        (kpi.fields, "KPI fields changed"),
        (kpi.upstream, "data upstream changed"),
        (kpi.certification, f"certification {kpi.certification.status}" if kpi.certification else ""),
    ]
    return [reason for applies, reason in reasons if applies]


def _facts(kpi: KpiReview, code: Callable[[str], str]) -> list[tuple[str, str]]:
    facts = [("lost input", f"{subject.kind} {code(subject.name)} is not defined") for subject in kpi.lost_inputs]
    if kpi.upstream:
        models = ", ".join(f"{code(change.model)} ({code(change.path)})" for change in kpi.upstream)
        facts.append(("data upstream changed", models))
    certification = kpi.certification
    if certification is not None:
        changed = f"; changed since: {', '.join(certification.reasons)}" if certification.reasons else ""
        facts.append((f"certification {certification.status}", certification.described + changed))
    return facts


def _metric_rows(metric: MetricChange) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) of each change of a metric that is not a KPI; a rename, an addition
    or a removal is one row named for it."""
    if metric.status == "renamed":
        return [("renamed", metric.renamed_from, metric.name)]
    if metric.status != "changed":
        return [(metric.status, None, None)]
    return [(change.field, change.before, change.after) for change in metric.changes]


def _metric_lines(metric: MetricChange) -> list[str]:
    if metric.status == "renamed":
        return [f"renamed from {metric.renamed_from}"]
    if metric.status != "changed":
        return [metric.status]
    return [_plain(change) for change in metric.changes]


def _counted(review: Review) -> str:
    """`1 breaking, 2 info`: the severities present."""
    return ", ".join(f"{count} {severity}" for severity, count in counts(graded(review)).items() if count)


def _severity_sentence(review: Review) -> str:
    severity = highest(graded(review))
    return f" Highest severity: **{severity}** ({_counted(review)})." if severity is not None else ""


def _void(kpi: KpiReview) -> bool:
    return kpi.certification is not None and kpi.certification.status == "void"


def _subject(subject: Subject, kpi: str, code: Callable[[str], str]) -> str:
    if subject.kind == Kind.METRIC:
        return code(subject.name) if subject.name == kpi else f"input metric {code(subject.name)}"
    return f"{subject.kind} {code(subject.name)}"


def _plain(change: Change) -> str:
    before = change.before if change.before is not None else _NOT_SET_TEXT
    after = change.after if change.after is not None else _NOT_SET_TEXT
    return f"{change.field}: {before} -> {after}"


def _cell(value: str | None) -> str:
    return NOT_SET if value is None else _code(value)


def _code(value: str) -> str:
    """`value` as a Markdown code span that survives a table cell: one line, pipes escaped,
    fenced with more backticks than it holds."""
    flat = " ".join(value.split()).replace("|", "\\|")
    longest = run = 0
    for character in flat:
        run = run + 1 if character == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    padding = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{padding}{flat}{padding}{fence}"


def _one_line(text: str) -> str:
    """Messages carry their own `code` spans; only a line break would end the list item or quote."""
    return " ".join(text.split())


def _finding_line(finding: Finding) -> str:
    return f"{finding.location}: {finding.code} {finding.message}"
