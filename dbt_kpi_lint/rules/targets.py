"""A target is only usable when it says which way is good and is a number the KPI can reach."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..kpi.calendar import last_complete_period, period_start
from ..kpi.fields import Kpi, KpiField, MetaKeys
from ..kpi.target_schedule import (
    ENTRY_SHAPE,
    DatedTarget,
    holds_for,
    is_dated,
    read_dated_targets,
    schedule,
)
from ..kpi.values import (
    DEFAULT_GRAIN,
    DIRECTIONS,
    GRAINS,
    abbreviated_number,
    as_number,
    quoted_number,
    shown,
)
from ..model import JinjaExpression, Severity
from .closed_values import unaccepted_value
from .registry import RuleContext, Violation, rule
from .value_range import ValueRanges


@rule("KPI003", "target-without-direction", severity=Severity.ERROR)
def target_without_direction(context: RuleContext) -> Iterable[Violation]:
    """A KPI's target has no usable direction: nobody can tell whether higher or lower is better.

    ## What it checks
    A KPI with a `target` must also say which way is good: `direction: increase` (higher is
    better: revenue, activation rate) or `direction: decrease` (lower is better: churn, time to
    resolve). The finding points at the target when the direction is missing, and at the
    direction when its value is something else.

    Only the two spellings `increase` and `decrease` are accepted, exactly. The same meta value is
    read by the KPI status table and by anything else that consumes the semantic layer, and one
    spelling is what lets them all agree. When the value is a common synonym (`up`, `higher`,
    `lower_is_better`, `minimize`, `Decrease`…) the message names the accepted value to write
    instead. Unrendered Jinja counts as a direction whose value is not known yet.

    ## Why it matters
    A target of 5 % means opposite things for conversion (reach at least 5 %) and for churn (stay
    under 5 %). Without a direction the status "on track / at risk / off track" cannot be
    computed, so the KPI table can only show a bare number next to a goal.

    ## Example
    ```yaml
    metrics:
      - name: churn_rate
        config:
          meta:
            kpi: true
            owner: retention@example.com
            target: 0.03          # KPI003: a ceiling or a floor?
    ```

    ## Fix
    Add `direction: decrease` next to the target (or `increase` when higher is better). If the
    direction is misspelled, write the accepted value the message names.
    """
    keys = context.meta_keys
    for kpi in context.kpis:
        direction = kpi.direction
        if found := unaccepted_value(kpi, keys.direction, direction, DIRECTIONS, "is not a direction"):
            yield found
        elif not direction.present and kpi.target.present:
            yield Violation(
                f"KPI `{kpi.metric.name}` has a target but no direction, so its status cannot be "
                f"computed: add `{keys.direction}: increase` (higher is better) or "
                f"`{keys.direction}: decrease` (lower is better)",
                kpi.metric,
                location=kpi.target.location,
            )


@rule("KPI004", "invalid-target", severity=Severity.ERROR, severity_note="error; warning for a quoted number")
def invalid_target(context: RuleContext) -> Iterable[Violation]:
    """A KPI's target or at-risk band is not a number, or is a value the KPI can never take.

    ## What it checks
    After `{{ var(...) }}` is rendered (from `dbt_project.yml` vars and `--vars`, as dbt does):

    - `target` must be a number. A quoted number (`target: "1000"`) is a string to dbt and to
      everything reading the manifest; the KPI status step converts it, other readers may not, so
      it is reported as a **warning** (and its value is still checked as below).
    - A number abbreviated with a suffix (`10k`, `1.5M`, `2bn`, `25%`) is text to every reader;
      the message writes it out (`10000`, `1500000`, `2000000000`, `0.25`).
    - A dated target (`target: [{from: 2026-01-01, value: 120000}, ...]`) must be a list of such
      entries, each `from` (and `until`, when set) a date; every `value` is checked as a target.
      How the dates fit together is KPI011's.
    - `target` must lie within what the metric can produce, when its definition makes that
      certain: a conversion metric with `calculation: conversion_rate` (MetricFlow's default)
      yields values from 0 to 1; a `count`, `count_distinct` or `sum_boolean` aggregation, a
      conversion count, a cumulative metric over such an input and a ratio of two such metrics
      are never negative. A `sum` can be negative (refunds, corrections), and derived metrics
      and other aggregations can be anything, so their targets are not judged.
    - `at_risk_band`, when set, is the shortfall tolerated before a KPI is off track, as a fraction
      of the target: `0.1` means within 10 % of the target is "at risk". It must be a number from
      0 (no at-risk zone) up to, but not including, 1: a band of 1 or more would call every
      shortfall "at risk" and none "off track", and is almost always a percentage written as a
      whole number (`10` meaning 10 %).

    The finding points at the offending key. Jinja other than `var()` (or a var that is not set)
    cannot be rendered without dbt and is not judged: pass the same `--vars` as to dbt.

    ## Why it matters
    The KPI status compares the actual with the target and the band. A target that is text, or a
    value the metric can never reach, turns every status into nonsense: a conversion rate judged
    against `25` (meant as 25 %) is off track forever. These mistakes hide well in YAML and surface
    only when someone asks why the dashboard is red.

    ## Example
    ```yaml
    metrics:
      - name: trial_conversion
        type: conversion
        type_params:
          conversion_type_params: {base_measure: trials, conversion_measure: subscriptions, entity: account}
        config:
          meta:
            kpi: true
            target: 25            # KPI004: a conversion rate is between 0 and 1
            direction: increase
            at_risk_band: 10      # KPI004: the band is a fraction, 0.1 for 10 %
    ```

    ## Fix
    Write the target as a number in the metric's own unit (`target: 0.25` for a 25 % rate) and the
    band as a fraction of the target (`at_risk_band: 0.1`). For a var, give the var a numeric
    value in `dbt_project.yml` (`vars: {conversion_target: 0.25}`), not a quoted one.
    """
    keys = context.meta_keys
    value_ranges = ValueRanges(context.project)
    for kpi in context.kpis:
        yield from _target_problems(kpi, value_ranges, keys)
        yield from _band_problems(kpi, keys)


def _target_problems(kpi: Kpi, value_ranges: ValueRanges, keys: MetaKeys) -> Iterable[Violation]:
    if not is_dated(kpi.target):
        yield from _value_problems(kpi, value_ranges, keys, kpi.target)
        return
    entries, malformed = read_dated_targets(kpi.target)
    for problem in malformed:
        yield Violation(
            f"KPI `{kpi.metric.name}` has a dated `{keys.target}` whose {problem.reason}: write each entry as "
            f"{ENTRY_SHAPE}",
            kpi.metric,
            location=problem.location,
        )
    for entry in entries:
        yield from _value_problems(kpi, value_ranges, keys, KpiField(entry.value, entry.value_location, entry.written))


def _value_problems(kpi: Kpi, value_ranges: ValueRanges, keys: MetaKeys, target: KpiField) -> Iterable[Violation]:
    """What is wrong with one target value: the target, or one value of a dated target."""
    if not _judgeable(target):
        return
    number, problem = _read_number(kpi, keys.target, target, "the value the KPI should reach, e.g. `target: 1000`")
    if problem is not None:
        yield problem
    if number is None:
        return
    value_range = value_ranges(kpi.metric)
    if value_range is None or value_range.contains(number):
        return
    if number < 0:
        fix = "set a target of 0 or more, in the metric's own unit"
        bounds = "is never negative"
    else:
        bounds = f"lies between 0 and {value_range.high:g}"
        fix = (
            f"write a percentage as a fraction ({number / 100:g} for {number:g} %)"
            if number <= 100
            else f"set a target between 0 and {value_range.high:g}"
        )
    yield Violation(
        f"KPI `{kpi.metric.name}` can never reach `{keys.target}: {shown(target.value)}`: it is "
        f"{value_range.kind}, which {bounds}; {fix}",
        kpi.metric,
        location=target.location,
    )


def _band_problems(kpi: Kpi, keys: MetaKeys) -> Iterable[Violation]:
    band = kpi.at_risk_band
    if not _judgeable(band):
        return
    fraction = f"a fraction of the target, e.g. `{keys.at_risk_band}: 0.1` for 10 %"
    number, problem = _read_number(kpi, keys.at_risk_band, band, fraction)
    if problem is not None:
        yield problem
    if number is None:
        return
    if number < 0:
        yield Violation(
            f"KPI `{kpi.metric.name}` has a negative `{keys.at_risk_band}: {shown(band.value)}`; a band is "
            f"how far short of the target still counts as at risk: write it as {fraction}",
            kpi.metric,
            location=band.location,
        )
    elif number >= 1:
        yield Violation(
            f"KPI `{kpi.metric.name}` has `{keys.at_risk_band}: {shown(band.value)}`, so no shortfall "
            f"would ever be off track: write it as {fraction}",
            kpi.metric,
            location=band.location,
        )


def _judgeable(kpi_field: KpiField) -> bool:
    return kpi_field.present and not isinstance(kpi_field.value, JinjaExpression)


def _read_number(kpi: Kpi, key: str, kpi_field: KpiField, expected: str) -> tuple[float | None, Violation | None]:
    """The field's number, and what is wrong with how it is written, if anything.

    A quoted number is read as its number (the status step converts it too), but reported as a
    warning: other readers of the manifest get a string.
    """
    number = as_number(kpi_field.value)
    if number is not None:
        return number, None
    name = kpi.metric.name
    number = quoted_number(kpi_field.value)
    if number is not None:
        return number, Violation(
            f"KPI `{name}` has `{key}: {shown(kpi_field.value)}`, a quoted string, not a number: remove "
            f"the quotes (`{key}: {kpi_field.value.strip()}`) so that every reader of the manifest gets "
            f"a number",
            kpi.metric,
            location=kpi_field.location,
            severity=Severity.WARNING,
        )
    written_out = abbreviated_number(kpi_field.value)
    fix = f"write `{key}: {written_out}`" if written_out is not None else f"set it to {expected}"
    return None, Violation(
        f"KPI `{name}` has `{key}: {shown(kpi_field.value)}`, not a number, so its status cannot be "
        f"computed: {fix}",
        kpi.metric,
        location=kpi_field.location,
    )


@rule("KPI011", "dated-target-schedule", severity=Severity.WARNING)
def dated_target_schedule(context: RuleContext) -> Iterable[Violation]:
    """A KPI's dated targets are out of order, repeated, off a period start, or hold no longer.

    ## What it checks
    A dated target (`target: [{from: 2026-01-01, value: 120000}, {from: 2026-04-01, value: 150000}]`)
    holds each value from its `from` day until the next entry's, or until its own `until` day
    (inclusive). The entries must be:

    - in date order, oldest first;
    - one per `from` day (of two, the first written is used);
    - on the first day of a period of the KPI's `grain` (a Monday for `week`, the 1st for `month`,
      1 January, April, July or October for `quarter`, 1 January for `year`): a target holds whole
      periods, and the generated models look a period's target up by its first day;
    - still holding for the period judged today (the last complete period of the grain): a list
      whose last entry ended (`until`) before it, or whose first entry starts after it, has
      expired or not begun, and the KPI shows `no_target`.

    Malformed entries and values that are no numbers are KPI004's.

    ## Why it matters
    Budgets change per quarter, and a schedule written out of order or off by a day quietly
    compares a month with the wrong target. An expired schedule turns a KPI into a bare number
    the moment a new budget was not entered.

    ## Example
    ```yaml
    config:
      meta:
        kpi: true
        grain: month
        target:
          - {from: 2026-04-15, value: 150000}   # KPI011: not the first day of a month
          - {from: 2026-01-01, value: 120000}   # KPI011: out of order
    ```

    ## Fix
    List the entries oldest first, each from the first day of a period; add the next period's
    target before the last one runs out (or drop its `until`).
    """
    today = date.today()
    for kpi in context.kpis:
        if not is_dated(kpi.target):
            continue
        entries, _ = read_dated_targets(kpi.target)
        grain = kpi.grain.value if kpi.grain.value in GRAINS.allowed else DEFAULT_GRAIN
        name, key = kpi.metric.name, context.meta_keys.target
        seen: set[date] = set()
        for previous, entry in zip([None, *entries], entries):
            if previous is not None and entry.starts < previous.starts:
                yield Violation(
                    f"the dated `{key}` of KPI `{name}` is not in date order: `from: {entry.starts}` comes after "
                    f"`from: {previous.starts}`; list the entries oldest first",
                    kpi.metric,
                    location=entry.location,
                )
            if entry.starts in seen:
                yield Violation(
                    f"two dated `{key}` entries of KPI `{name}` start on {entry.starts}; the first is used: keep one",
                    kpi.metric,
                    location=entry.location,
                )
            seen.add(entry.starts)
            if period_start(entry.starts, grain) != entry.starts:
                yield Violation(
                    f"the dated `{key}` of KPI `{name}` starts on {entry.starts}, which is not the first day of a "
                    f"{grain} (its grain): a target holds whole periods; write `from: {period_start(entry.starts, grain)}`",
                    kpi.metric,
                    location=entry.location,
                )
        yield from _expired(kpi, key, grain, entries, today)


def _expired(kpi: Kpi, key: str, grain: str, entries: list[DatedTarget], today: date) -> Iterable[Violation]:
    held = schedule(entries)
    if not held:
        return
    judged, _ = last_complete_period(today, grain)
    if holds_for(held, judged):
        return
    first_start, _, first = held[0]
    _, last_end, last = held[-1]
    if judged < first_start:
        reason, entry = f"its first entry starts {first_start}", first
    else:
        reason, entry = f"its last entry ended {last.until}", last
    yield Violation(
        f"no dated `{key}` of KPI `{kpi.metric.name}` holds for the {grain} starting {judged}, the one judged today: "
        f"{reason}; add the target that holds now",
        kpi.metric,
        location=entry.location,
    )
