"""Which metrics are KPIs, and their KPI fields, read through the team's meta convention."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

from ..model import JinjaExpression, Location, MetaEntry, Metric, Project


@dataclass(frozen=True)
class MetaKeys:
    """The meta key names of the convention; teams with another vocabulary rename them."""

    kpi: str = "kpi"
    owner: str = "owner"
    target: str = "target"
    direction: str = "direction"
    objective: str = "objective"
    indicator: str = "indicator"
    at_risk_band: str = "at_risk_band"
    grain: str = "grain"
    number_format: str = "format"  # how people read the number: `number` (the default) or `percent`
    unit: str = "unit"  # what a number counts, shown after it: `EUR`, `hours`
    lint: str = "kpi_lint"  # per-metric suppressions: {ignore: [CODE, ...], reason: "..."}

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(item.name for item in fields(cls))


@dataclass(frozen=True)
class KpiField:
    value: Any
    location: Location  # where the key is written, or the metric's name when it is absent
    written: Any = None  # before dbt's Jinja (see MetaEntry.written)

    @property
    def present(self) -> bool:
        return is_present(self.value)


@dataclass(frozen=True)
class Kpi:
    metric: Metric
    owner: KpiField
    owner_from_group: bool
    target: KpiField
    direction: KpiField
    objective: KpiField
    indicator: KpiField
    at_risk_band: KpiField
    grain: KpiField
    number_format: KpiField
    unit: KpiField


def is_present(value: Any) -> bool:
    if isinstance(value, JinjaExpression):
        return True
    if value is None or value is False:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def is_kpi_flag(value: Any) -> bool:
    """dbt reads YAML 1.1, so `yes`/`on`/`True` arrive here as True; a mapping also marks a KPI."""
    return value is True or isinstance(value, (dict, JinjaExpression))


def kpi_of(metric: Metric, project: Project, keys: MetaKeys) -> Kpi | None:
    flag = metric.meta.get(keys.kpi)
    if flag is None or not is_kpi_flag(flag.value):
        return None
    nested: Mapping[str, Any] = flag.value if isinstance(flag.value, dict) else {}

    def field_of(key: str) -> KpiField:
        if key in nested:
            location = flag.location
            positions = getattr(nested, "key_positions", None)
            if positions and key in positions:
                location = Location(flag.location.path, *positions[key])
            written = flag.written.get(key) if isinstance(flag.written, dict) else None
            return KpiField(nested[key], location, written)
        entry: MetaEntry | None = metric.meta.get(key)
        if entry is not None:
            return KpiField(entry.value, entry.location, entry.written)
        return KpiField(None, metric.location)

    owner = field_of(keys.owner)
    owner_from_group = False
    if not owner.present and metric.group:
        group = project.groups.get(metric.group)
        if group is not None and group.owner:
            owner = KpiField(group.owner, metric.group_location or metric.location)
            owner_from_group = True
    return Kpi(
        metric=metric,
        owner=owner,
        owner_from_group=owner_from_group,
        target=field_of(keys.target),
        direction=field_of(keys.direction),
        objective=field_of(keys.objective),
        indicator=field_of(keys.indicator),
        at_risk_band=field_of(keys.at_risk_band),
        grain=field_of(keys.grain),
        number_format=field_of(keys.number_format),
        unit=field_of(keys.unit),
    )
