"""Names a metric reads that dbt must find: input metrics, measures, and what its filters name."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from ..model import Location, Metric, Project, SemanticModel, Severity
from .registry import RuleContext, Violation, rule

# `{{ Dimension('customer__plan') }}`, `TimeDimension('order__ordered_at', 'day')`, `Entity('customer')`,
# `Metric('orders', group_by=['customer'])`: MetricFlow's Jinja in filters.
_FILTER_CALL = re.compile(r"""\b(?P<kind>Dimension|TimeDimension|Entity|Metric)\(\s*['"](?P<name>[^'"]+)['"]""")
# Every semantic model has it: the time dimension a query groups by.
_METRIC_TIME = "metric_time"
# Parts of a metric's entry that say what it means to people, not what dbt resolves.
_DOCUMENTATION = frozenset({"label", "description", "meta", "config"})
# Where a legacy metric names measures: (holder under `type_params`, key).
_MEASURE_KEYS = (("", "measure"), ("conversion_type_params", "base_measure"), ("conversion_type_params", "conversion_measure"))
# How alike a defined name must be to be suggested: `invoice` for `invoices`, not `invoices` for `refunded_invoices`.
_CLOSE = 0.75
_ROLES = {
    "input": "an input",
    "numerator": "the numerator",
    "denominator": "the denominator",
    "input_metric": "the input",
    "metric": "the input",
    "base_metric": "the base metric",
    "conversion_metric": "the conversion metric",
}


@rule(
    "REF001",
    "undefined-reference",
    severity=Severity.ERROR,
    severity_note="error; warning when the project has packages, which may define the name",
)
def undefined_reference(context: RuleContext) -> Iterable[Violation]:
    """A metric reads a metric, measure, dimension or entity that the project does not define.

    ## What it checks
    Every name an enabled metric reads must be defined where dbt looks for it:

    - its input metrics (a ratio's `numerator` and `denominator`, a derived metric's `metrics`
      or `input_metrics`, a cumulative metric's `input_metric`, a conversion metric's base and
      conversion metrics) and the metrics its filters name with `{{ Metric('name', ...) }}`:
      enabled metrics, those dbt makes from measures with `create_metric: true` included;
    - its measures (`type_params.measure`, a conversion metric's `base_measure` and
      `conversion_measure`): a measure of any semantic model of the project;
    - the dimensions, time dimensions and entities its filters and its inputs' filters name,
      `{{ Dimension('customer__plan') }}`, `{{ TimeDimension('order__ordered_at', 'month') }}`,
      `{{ Entity('customer') }}`: each entity of the path an entity, and the last name a
      dimension or entity, of some semantic model (`metric_time` and a grain after a time
      dimension, `ordered_at__month`, are always understood). Semantic models of both specs
      count: `dimensions:`/`entities:` entries, and columns with `dimension:`/`entity:`;
    - the time dimension a semantic model aggregates its measures over (`defaults:
      agg_time_dimension`, a measure's own `agg_time_dimension`, a latest-spec model's
      `agg_time_dimension`): a dimension of that semantic model. This finding is about the
      semantic model, at the key, once for all the metrics built on it.

    The finding points at the reference (the key or list item that names it, or the filter)
    and suggests the closest defined name when one is close. A metric that is disabled
    (`enabled: false`) counts as undefined: dbt leaves it out before it resolves references.

    A project with packages (`packages.yml`, `dependencies.yml` or an installed
    `dbt_packages/`) may read metrics and semantic models a package defines, which the YAML of
    the project alone does not show: there the finding is a warning. A project that defines no
    semantic model at all has nothing to resolve measures, dimensions and entities in: only its
    metric references are checked.

    ## Why it matters
    dbt refuses the whole project ("metric `refunded_invoices` does not exist but was
    referenced"): no model builds, and the KPIs built on the missing name have no number. A
    rename or a deletion that missed one reference is the usual cause.

    ## Example
    ```yaml
    metrics:
      - name: refund_rate
        type: ratio
        type_params:
          numerator: refunded_invoices        # deleted in this change
          denominator: invoices
    ```

    ## Fix
    Correct the name (the message suggests the closest one), or define what it names.
    """
    project = context.project
    declared = [(model, *_dimensions_and_entities(model)) for model in project.semantic_models]
    names = _DefinedNames.of(project, declared)
    severity = Severity.WARNING if project.declares_packages else None
    unless = " (unless a package defines it)" if project.declares_packages else ""
    # Without a semantic model there is nothing to resolve measures and dimensions in: a project
    # still being set up, or whose semantic models a package holds.
    if not project.semantic_models:
        names = replace(names, unchecked=frozenset({"measure", "dimension", "entity"}))
    for model, dimensions, _ in declared:
        for dimension, location in _undefined_time_dimensions(model, dimensions):
            close = difflib.get_close_matches(dimension, sorted(dimensions), n=1, cutoff=_CLOSE)
            guess = f"did you mean `{close[0]}`? " if close else ""
            yield Violation(
                f"semantic model `{model.name}` aggregates over the time dimension `{dimension}` "
                f"(`agg_time_dimension`), which it does not define: dbt refuses the project, and every metric "
                f"of its measures has no time; {guess}correct the name, or define the dimension",
                None,
                location=location,
            )
    for metric in project.metrics:
        if not metric.definition:
            continue
        for reference in _unresolved(metric, names):
            yield Violation(
                f"metric `{metric.name}` reads {reference.described}, which {names.problem(reference)}{unless}: "
                f"dbt refuses the project; {names.remedy(reference)}",
                metric,
                location=reference.location(metric),
                severity=severity,
            )


class _Reference(NamedTuple):
    """A name a metric reads. Made for every reference of every metric, and almost all resolve: a
    tuple, whose place becomes a Location only for a finding."""

    kind: str  # "metric", "measure", "dimension" or "entity"
    name: str
    place: Location | tuple[Any, str]  # or (the mapping, its key that names it)
    role: str  # how the metric reads it: "the numerator", "in its filter `Dimension('customer__plan')`"

    @property
    def described(self) -> str:
        return f"{self.kind} `{self.name}` ({self.role})"

    def location(self, metric: Metric) -> Location:
        return self.place if isinstance(self.place, Location) else _located(*self.place, metric.location)


@dataclass(frozen=True)
class _DefinedNames:
    by_kind: Mapping[str, frozenset[str]]
    disabled_metrics: frozenset[str]
    unchecked: frozenset[str] = frozenset()  # kinds taken as defined

    @classmethod
    def of(cls, project: Project, declared: list[tuple[SemanticModel, set[str], set[str]]]) -> _DefinedNames:
        """`declared`: each semantic model with the dimensions and entities it defines."""
        dimensions: set[str] = {_METRIC_TIME}
        entities: set[str] = set()
        for _, model_dimensions, model_entities in declared:
            dimensions.update(model_dimensions)
            entities.update(model_entities)
        return cls(
            {
                "metric": frozenset(metric.name for metric in project.metrics),
                "measure": frozenset(measure.name for model in project.semantic_models for measure in model.measures),
                "dimension": frozenset(dimensions),
                "entity": frozenset(entities),
            },
            frozenset(project.disabled_metrics),
        )

    def resolves(self, kind: str, name: str) -> bool:
        """Whether the project defines `name` as a `kind` (a filter's `Dimension()` may end with an entity)."""
        return (
            kind in self.unchecked
            or name in self.by_kind[kind]
            or (kind == "dimension" and name in self.by_kind["entity"])
        )

    def problem(self, reference: _Reference) -> str:
        """Why `reference` does not resolve."""
        if reference.kind == "metric" and reference.name in self.disabled_metrics:
            return "is disabled (`enabled: false`)"
        return "the project does not define"

    def remedy(self, reference: _Reference) -> str:
        if reference.kind == "metric" and reference.name in self.disabled_metrics:
            return f"enable `{reference.name}`, or read another metric"
        close = difflib.get_close_matches(reference.name, sorted(self.by_kind[reference.kind]), n=1, cutoff=_CLOSE)
        guess = f"did you mean `{close[0]}`? " if close else ""
        return f"{guess}correct the name, or define the {reference.kind}"


def _dimensions_and_entities(model: SemanticModel) -> tuple[set[str], set[str]]:
    """The dimension and entity names a semantic model defines, in either spec."""
    definition = model.definition
    dimensions = {str(entry["name"]) for entry in _entries(definition.get("dimensions")) if entry.get("name")}
    entities = {str(entry["name"]) for entry in _entries(definition.get("entities")) if entry.get("name")}
    derived = definition.get("derived_semantics")
    if isinstance(derived, dict):
        dimensions.update(str(entry["name"]) for entry in _entries(derived.get("dimensions")) if entry.get("name"))
        entities.update(str(entry["name"]) for entry in _entries(derived.get("entities")) if entry.get("name"))
    for column in _entries(definition.get("columns")) if model.spec == "latest" else ():
        for key, names in (("dimension", dimensions), ("entity", entities)):
            declared = column.get(key)
            if isinstance(declared, dict) and declared.get("name"):
                names.add(str(declared["name"]))
            elif declared is not None and column.get("name"):
                names.add(str(column["name"]))
    if isinstance(definition.get("primary_entity"), str):
        entities.add(definition["primary_entity"])
    return dimensions, entities


def _undefined_time_dimensions(model: SemanticModel, own_dimensions: set[str]) -> Iterator[tuple[str, Location]]:
    """(name, where it is written) of each `agg_time_dimension` the semantic model sets and does not
    define: its default (or, latest spec, the model's), and each measure's own."""
    definition = model.definition
    defaults = definition.get("defaults")
    holders = [defaults if isinstance(defaults, dict) else {}, definition, *_entries(definition.get("measures"))]
    for holder in holders:
        written = holder.get("agg_time_dimension")
        if isinstance(written, str) and written not in own_dimensions:
            yield written, _located(holder, "agg_time_dimension", model.location)


def _unresolved(metric: Metric, names: _DefinedNames) -> Iterator[_Reference]:
    """The names `metric` reads that the project does not define (almost none: only those are made
    into references, this runs for every metric)."""
    for reference in metric.inputs:
        if not names.resolves("metric", reference.name):
            yield _Reference("metric", reference.name, reference.location, _ROLES.get(reference.role, "an input"))
    definition = metric.definition
    params = definition.get("type_params")
    if isinstance(params, dict):
        for part, key in _MEASURE_KEYS:
            holder = params.get(part) if part else params
            measure = holder.get(key) if isinstance(holder, dict) else None
            name = measure.get("name") if isinstance(measure, dict) else measure
            if isinstance(name, str) and name and not names.resolves("measure", name):
                yield _Reference("measure", name, (holder, key), f"its `{key}`")
    filtered = metric.has_filter or any(reference.has_filter for reference in metric.inputs)
    if not filtered and not (isinstance(params, dict) and "conversion_type_params" in params):
        return  # most metrics: no filter anywhere, nothing to walk
    for template, location in _filters(definition, metric):
        for call in _FILTER_CALL.finditer(template):
            for found in _filter_references(call, location, names):
                if not names.resolves(found.kind, found.name):
                    yield found


def _filter_references(call: re.Match[str], location: Location, names: _DefinedNames) -> Iterator[_Reference]:
    """The names one `Dimension()`, `TimeDimension()`, `Entity()` or `Metric()` call reads: its
    entity path and its dimension (or entity, or metric)."""
    role = f"in its filter `{call['kind']}('{call['name']}')`"
    if call["kind"] == "Metric":
        yield _Reference("metric", call["name"], location, role)
        return
    *path, last = call["name"].split("__")
    if call["kind"] == "Entity":
        path.append(last)
    else:
        if path and not names.resolves("dimension", last) and path[-1] in names.by_kind["dimension"]:
            last = path.pop()  # `ordered_at__month`: a grain after the time dimension
        yield _Reference("dimension", last, location, role)
    for entity in path:
        yield _Reference("entity", entity, location, role)


def _filters(definition: Mapping[str, Any], metric: Metric) -> Iterator[tuple[str, Location]]:
    """(template, where it is written) of every filter in a metric's entry: its own, its
    measure's and its inputs'."""
    pending: list[Any] = [definition]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            written = value.get("filter")
            if isinstance(written, str):
                yield written, _located(value, "filter", metric.location)
            elif isinstance(written, list):
                positions = getattr(written, "item_positions", None)
                for index, template in enumerate(written):
                    if isinstance(template, str):
                        at_item = positions and Location(metric.location.path, *positions[index])
                        yield template, at_item or _located(value, "filter", metric.location)
            pending += [
                item
                for key, item in value.items()
                if isinstance(item, (dict, list)) and key != "filter" and key not in _DOCUMENTATION
            ]
        elif isinstance(value, list):
            pending += [item for item in value if isinstance(item, (dict, list))]


def _located(holder: Any, key: str, entry: Location) -> Location:
    """Where `key` is written in `holder`, in the file of `entry`; `entry` itself for an entry dbt
    makes (no positions)."""
    positions = getattr(holder, "key_positions", None)
    if positions and key in positions:
        return Location(entry.path, *positions[key])
    return entry


def _entries(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
