"""What the scorecard shows, decided before any HTML: the groups, their order, each card's words.

Every number is formatted here, the way `dbt-kpi-lint status` formats it, so the template only
places text. Order: the group whose worst KPI is worst comes first (more of them: earlier); inside
a group, worst status first, then the lowest attainment (the furthest from target), then by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..status.formatting import change, number, period_label, timestamp
from ..status.tables import STATUS_ORDER, KpiRow, KpiTables
from .sparkline import Sparkline, sparkline

GROUPINGS = ("objective", "owner")
STATUS_WORDS = {
    "off_track": "Off track",
    "at_risk": "At risk",
    "not_judged": "Not judged",
    "no_data": "No data",
    "no_target": "No target",
    "on_track": "On track",
}
_UNGROUPED = {"objective": "No objective", "owner": "No owner"}
# How the target reads for each direction: the actual should reach it from below or stay under it.
_TARGET_RELATION = {"increase": "≥", "decrease": "≤"}


@dataclass(frozen=True)
class LintCode:
    code: str
    summary: str  # what the rule checks, "" when the rule is unknown to this version


@dataclass(frozen=True)
class StatusCount:
    status: str
    word: str
    count: int


@dataclass(frozen=True)
class Card:
    anchor: str
    name: str  # the label, or the metric's name without one
    metric_name: str
    status: str
    status_word: str
    status_reason: str  # why there is no on/off-track status, "" when there is one
    actual: str
    target: str
    target_relation: str  # "≥", "≤", or "" without a direction
    attainment: str
    change: str
    trend: str  # "improving", "worsening", "unchanged", or "" when it cannot be told
    previous_period: str
    owner: str
    grain: str
    period: str
    as_of: str
    built_at: str
    lint_codes: tuple[LintCode, ...]
    sparkline: Sparkline | None


@dataclass(frozen=True)
class Group:
    anchor: str
    title: str
    named: bool  # False for the KPIs without an objective (or owner)
    cards: tuple[Card, ...]
    counts: tuple[StatusCount, ...]

    @property
    def worst(self) -> StatusCount:
        return self.counts[0]


@dataclass(frozen=True)
class Scorecard:
    group_by: str
    groups: tuple[Group, ...]
    counts: tuple[StatusCount, ...]
    kpi_count: int
    as_of: str
    built_at: str


def scorecard(
    tables: KpiTables, group_by: str = "objective", rule_summaries: Mapping[str, str] | None = None
) -> Scorecard:
    """The scorecard of every KPI in `tables`, grouped by `group_by` (one of GROUPINGS); a lint
    code's card shows its rule's summary from `rule_summaries` (code -> summary)."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}, not {group_by!r}")
    current = tables.current
    members: dict[str | None, list[KpiRow]] = {}
    for row in current:
        members.setdefault(getattr(row, group_by) or None, []).append(row)
    ordered = sorted(members.items(), key=lambda item: _group_order(item[0], item[1]))
    groups = tuple(
        Group(
            anchor=f"group-{position}",
            title=key if key is not None else _UNGROUPED[group_by],
            named=key is not None,
            cards=tuple(
                _card(row, tables.history[row.metric_name], rule_summaries or {}) for row in sorted(rows, key=_card_order)
            ),
            counts=_counts(rows),
        )
        for position, (key, rows) in enumerate(ordered, start=1)
    )
    built = tables.built_at
    return Scorecard(
        group_by=group_by,
        groups=groups,
        counts=_counts(current),
        kpi_count=len(current),
        as_of=", ".join(sorted({row.as_of.isoformat() for row in current})),
        built_at=timestamp(built) if built else "-",
    )


def _group_order(key: str | None, rows: Sequence[KpiRow]) -> tuple[int, int, bool, str]:
    """Worst status first; at the same worst status, the group with more KPIs of that status
    first; then the named groups before the KPIs nobody grouped, by name."""
    worst = min(row.status_rank for row in rows)
    return worst, -sum(1 for row in rows if row.status_rank == worst), key is None, (key or "").casefold()


def _card_order(row: KpiRow) -> tuple[int, float, str]:
    return row.status_rank, row.attainment if row.attainment is not None else float("inf"), _name(row).casefold()


def _counts(rows: Iterable[KpiRow]) -> tuple[StatusCount, ...]:
    statuses = [row.status for row in rows]
    known = [status for status in STATUS_ORDER if status in statuses]
    unknown = sorted(set(statuses) - set(STATUS_ORDER))  # a newer model's status: shown, last
    return tuple(StatusCount(status, _word(status), statuses.count(status)) for status in known + unknown)


def _card(row: KpiRow, history: Sequence[KpiRow], rule_summaries: Mapping[str, str]) -> Card:
    shown = (row.number_format, row.unit)
    return Card(
        anchor=f"kpi-{row.metric_name}",
        name=_name(row),
        metric_name=row.metric_name,
        status=row.status,
        status_word=_word(row.status),
        status_reason=_sentence(row.status_reason),
        actual=number(row.actual, *shown),
        target=number(row.target, *shown),
        target_relation=_TARGET_RELATION.get(row.direction or "", "") if row.target is not None else "",
        attainment=number(row.attainment, "percent"),
        change=change(row.change, row.relative_change, *shown),
        trend=row.trend or "",
        previous_period=period_label(row.grain, row.previous_period_start),
        owner=row.owner or "-",
        grain=row.grain,
        period=period_label(row.grain, row.period_start),
        as_of=row.as_of.isoformat(),
        built_at=timestamp(row.built_at),
        lint_codes=tuple(LintCode(code, rule_summaries.get(code, "")) for code in _codes(row.lint_codes)),
        sparkline=sparkline(history, _name(row)),
    )


def _name(row: KpiRow) -> str:
    return row.label or row.metric_name


def _word(status: str) -> str:
    return STATUS_WORDS.get(status, status.replace("_", " ").capitalize())


def _sentence(reason: str | None) -> str:
    """The table's reason, lower case to sit in a sentence, as it starts one on the card."""
    return reason[:1].upper() + reason[1:] if reason else ""


def _codes(lint_codes: str | None) -> list[str]:
    return [code.strip() for code in (lint_codes or "").split(",") if code.strip()]
