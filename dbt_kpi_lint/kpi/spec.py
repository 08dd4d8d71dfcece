"""The KPIs as they are judged: each metric promoted in meta, with what it is judged against.

Read with the linter's own view of KPIs, so a value the lint calls unusable (KPI003, KPI004,
KPI009) is never guessed at here: an unusable target or direction means `no_target`. A KPI the
lint says cannot be judged (an error of UNJUDGEABLE's rules) is `not_judged` in every period, and
the tables say why: a number meeting a target it cannot be judged against is no success.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Iterable, Mapping, Union

from ..loading.jinja import VarCall, var_call
from ..model import JinjaExpression, Project
from .fields import Kpi, KpiField, MetaKeys, kpi_of
from .target_schedule import is_dated, read_dated_targets, schedule
from .values import DEFAULT_GRAIN, DIRECTIONS, GRAINS, NUMBER_FORMATS, readable_number

DEFAULT_AT_RISK_BAND = 0.10
# The rules whose error means the KPI's number cannot be judged against its target, and why, as
# the status tables say it beside `not_judged` (the first that applies, in this order).
UNJUDGEABLE = {
    "VAN001": "an all-time total only goes up, so meeting a target says nothing (VAN001)",
    "KPI003": "no direction: nobody said whether higher or lower is better (KPI003)",
    "KPI004": "the target or its band is invalid (KPI004)",
}

# A target written as a number, or as `{{ var('name') }}`, which dbt reads when it builds the model.
TargetValue = Union[float, VarCall]


@dataclass(frozen=True)
class TargetPeriod:
    """A target and the days it holds for: every period starting in [starts, ends)."""

    starts: date | None  # None: since always
    ends: date | None  # None: for good
    value: TargetValue | None  # None: written, but not a number (KPI004): no status for those periods
    source: str  # how `target_source` names it


@dataclass(frozen=True)
class KpiSpec:
    metric: str
    label: str | None
    owner: str | None
    objective: str | None
    indicator: str | None
    direction: str | None  # None: not stated in a way the lint accepts, so no status can be judged
    grain: str
    at_risk_band: float  # a fraction of |target|: how far on the wrong side still counts as at risk
    targets: tuple[TargetPeriod, ...]  # empty: only tracked (`no_target`)
    number_format: str = NUMBER_FORMATS.allowed[0]
    unit: str | None = None
    lint_codes: tuple[str, ...] = ()
    unjudged_reason: str | None = None  # why no status can be judged in any period (UNJUDGEABLE)


@dataclass(frozen=True)
class LintCodes:
    """Per metric, the codes of the findings `check` reports about it, and which of them are errors
    (the lint engine's `kpi_lint_codes` reads them)."""

    codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    errors: Mapping[str, frozenset[str]] = field(default_factory=dict)


def kpi_specs(project: Project, meta_keys: MetaKeys, lint_codes: LintCodes) -> list[KpiSpec]:
    """One spec per KPI of `project`, in definition order, with the codes `check` reports for it."""
    return [
        replace(
            kpi_spec(kpi),
            lint_codes=lint_codes.codes.get(kpi.metric.name, ()),
            unjudged_reason=next(
                (
                    reason
                    for code, reason in UNJUDGEABLE.items()
                    if code in lint_codes.errors.get(kpi.metric.name, frozenset())
                ),
                None,
            ),
        )
        for metric in project.metrics
        if (kpi := kpi_of(metric, project, meta_keys)) is not None
    ]


def kpi_spec(kpi: Kpi) -> KpiSpec:
    direction = _text(kpi.direction.value)
    grain = _text(kpi.grain.value)
    band = readable_number(kpi.at_risk_band.value)
    return KpiSpec(
        metric=kpi.metric.name,
        label=kpi.metric.label,
        owner=_text(kpi.owner.value),
        objective=_text(kpi.objective.value),
        indicator=_text(kpi.indicator.value),
        direction=direction if direction in DIRECTIONS.allowed else None,
        grain=grain if grain in GRAINS.allowed else DEFAULT_GRAIN,
        at_risk_band=band if band is not None and 0 <= band < 1 else DEFAULT_AT_RISK_BAND,
        targets=target_periods(kpi.target),
        number_format=number_format if (number_format := _text(kpi.number_format.value)) in NUMBER_FORMATS.allowed
        else NUMBER_FORMATS.allowed[0],
        unit=_text(kpi.unit.value),
    )


def target_periods(target: KpiField) -> tuple[TargetPeriod, ...]:
    """A target for every period, or dated targets each for its days (entries that are not entries
    are KPI004's and are left out)."""
    if is_dated(target):
        entries, _ = read_dated_targets(target)
        return tuple(
            TargetPeriod(starts, ends, target_value(entry.value, entry.written), f"meta from {starts}")
            for starts, ends, entry in schedule(entries)
        )
    value = target_value(target.value, target.written)
    return () if value is None else (TargetPeriod(None, None, value, "meta"),)


def target_value(value: Any, written: Any) -> TargetValue | None:
    """A `var()` target stays a `var()` call, so `dbt build --vars` still moves it; else its number."""
    call = var_call(written)
    if call is not None and (not call.has_default or _is_number(call.default)):
        return call
    return readable_number(value)


def grains(specs: Iterable[KpiSpec]) -> list[str]:
    """The grains the specs are judged at, finest first."""
    used = {spec.grain for spec in specs}
    return [grain for grain in GRAINS.allowed if grain in used]


def _is_number(value: Any) -> bool:
    return readable_number(value) is not None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (JinjaExpression, dict, list)):
        return None
    return str(value)
