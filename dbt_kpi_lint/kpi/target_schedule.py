"""Targets that change over time: `target: [{from: 2026-01-01, value: 120000}, {from: 2026-04-01, value: 150000}]`.

Each entry holds from its `from` date until the next entry's, or until its own optional `until`
(inclusive). This module reads such a list, with positions, for the rules that judge it (KPI004,
KPI011) and for the generator that turns it into per-period targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..model import Location
from .calendar import last_complete_period, period_start, shifted
from .fields import KpiField

FROM, VALUE, UNTIL = "from", "value", "until"
ENTRY_SHAPE = f"`{{{FROM}: YYYY-MM-DD, {VALUE}: <number>}}` (and optionally `{UNTIL}: YYYY-MM-DD`)"


@dataclass(frozen=True)
class DatedTarget:
    starts: date
    until: date | None  # inclusive; None: until the next entry, or for good
    value: Any  # rendered, as the number rules read it
    written: Any  # before Jinja: a `var()` call stays one
    location: Location  # the entry
    value_location: Location


@dataclass(frozen=True)
class Malformed:
    location: Location
    reason: str


def is_dated(target: KpiField) -> bool:
    return isinstance(target.value, list)


def read_dated_targets(target: KpiField) -> tuple[list[DatedTarget], list[Malformed]]:
    """The entries of a dated `target` as written (order kept), and those that are not entries."""
    entries: list[DatedTarget] = []
    malformed: list[Malformed] = []
    value = target.value
    if not isinstance(value, list):
        return entries, malformed
    positions = getattr(value, "item_positions", [])
    written = target.written if isinstance(target.written, list) else [None] * len(value)
    for index, entry in enumerate(value):
        location = _at(target.location, positions, index)
        if not isinstance(entry, dict) or FROM not in entry or VALUE not in entry:
            malformed.append(Malformed(location, f"entry {index + 1} of the dated target is not {ENTRY_SHAPE}"))
            continue
        starts, until = _date(entry.get(FROM)), _date(entry.get(UNTIL))
        if starts is None or (entry.get(UNTIL) is not None and until is None):
            key = FROM if starts is None else UNTIL
            malformed.append(
                Malformed(_key_at(location, entry, key), f"`{key}: {entry.get(key)}` of entry {index + 1} is not a date YYYY-MM-DD")
            )
            continue
        candidate = written[index] if index < len(written) else None
        written_entry: dict[Any, Any] = candidate if isinstance(candidate, dict) else {}
        entries.append(
            DatedTarget(
                starts=starts,
                until=until,
                value=entry[VALUE],
                written=written_entry.get(VALUE, entry[VALUE]),
                location=location,
                value_location=_key_at(location, entry, VALUE),
            )
        )
    return entries, malformed


def schedule(entries: list[DatedTarget]) -> list[tuple[date, date | None, DatedTarget]]:
    """Each entry with the day it stops holding (exclusive), oldest first; of entries starting on
    the same day the first written wins (KPI011 reports the others)."""
    by_start: dict[date, DatedTarget] = {}
    for entry in entries:
        by_start.setdefault(entry.starts, entry)
    ordered = sorted(by_start.values(), key=lambda entry: entry.starts)
    held = []
    for index, entry in enumerate(ordered):
        ends = ordered[index + 1].starts if index + 1 < len(ordered) else None
        if entry.until is not None and entry.until < date.max:  # until the calendar's last day: for good
            after_until = entry.until + timedelta(days=1)
            ends = after_until if ends is None else min(ends, after_until)
        held.append((entry.starts, ends, entry))
    return held


def holds_for(held: list[tuple[date, date | None, Any]], period: date) -> bool:
    """Whether an entry of a schedule holds for the period starting on `period`."""
    return any(starts <= period and (ends is None or period < ends) for starts, ends, _ in held)


def judged_holding_changes(held: list[tuple[date, date | None, Any]], grain: str, today: date) -> date | None:
    """The first day after `today` on which `holds_for` the period judged that day (the last
    complete one) answers otherwise than today; None when it never will."""
    judged, _ = last_complete_period(today, grain)
    holds_now = holds_for(held, judged)
    boundaries = {day for starts, ends, _ in held for day in (starts, ends) if day is not None and day > judged}
    # Between two boundaries the answer cannot change: the first period starting on or after each.
    periods = sorted(
        period
        for day in boundaries
        if (period := day if period_start(day, grain) == day else _next_period(period_start(day, grain), grain))
    )
    changed = next((period for period in periods if holds_for(held, period) != holds_now), None)
    return None if changed is None else _next_period(changed, grain)  # judged once it is complete


def _next_period(start: date, grain: str) -> date | None:
    """The start of the period after the one starting on `start`; None past the calendar's end."""
    try:
        return shifted(start, grain, 1)
    except (ValueError, OverflowError):
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _at(fallback: Location, positions: list[tuple[int, int]], index: int) -> Location:
    if index < len(positions):
        return Location(fallback.path, *positions[index])
    return fallback


def _key_at(entry_location: Location, entry: Any, key: str) -> Location:
    positions = getattr(entry, "key_positions", {})
    return Location(entry_location.path, *positions[key]) if key in positions else entry_location
