"""What decides each metric's number: the project's definitions in dbt's canonical form.

Built from the semantic manifest dbt would write (`semantic_manifest.py`: both specs,
legacy spellings nested, `7 days` parsed, `var()` rendered through the project's variables), so
that how a definition is written never counts, only what it means: key order, comments,
quoting, the legacy or the nested spelling, labels, descriptions and meta are not part of it.
Lists whose order means nothing (a derived metric's inputs, the filters that are ANDed) are
sorted. The review compares these forms and the certification fingerprint hashes them.

A metric's *closure* is every definition its number depends on, each a `Subject`: the metric,
its input metrics transitively (filters' `Metric()` references included), the measures they
aggregate, the semantic models (and so the dbt models) those read, their time dimensions, and
the dimensions and entities the filters name, resolved as MetricFlow resolves
`entity__dimension`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable, Iterator, Mapping, NamedTuple

from ..loading.jinja import VarResolver
from ..model import JinjaExpression

if TYPE_CHECKING:
    from ..model import Metric, Project
    from .semantic_manifest import Relations

Canonical = Mapping[str, Any]

# Keys of a metric entry that never change its number.
_DOCUMENTATION = frozenset({"label", "description", "meta", "config"})
# Kept as written by the semantic manifest: descriptions (never rendered) and MetricFlow's filter Jinja.
_RAW_KEYS = ("description", "filter")
# Stands for `{` in Jinja the YAML alone cannot render, so that the builder takes it as text.
_BRACE = "\ufe5b"
# Entity types through which `entity__dimension` reaches a dimension of another semantic model.
_JOINABLE_ENTITY_TYPES = ("primary", "unique", "natural")
_FILTER_REFERENCE = re.compile(
    r"""\b(?P<kind>Dimension|TimeDimension|Entity|Metric)\(\s*['"](?P<name>[^'"]+)['"]"""
)
_METRIC_TIME = "metric_time"
_METRIC_CALL = re.compile(r"""(\bMetric\(\s*['"])([^'"]+)(['"])""")
_IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
# Derived from the inputs (input_measures) or about visibility, not value (is_private: `hidden`).
_NOT_MEANING_PARAMS = ("input_measures", "is_private")
_LEGACY_CUMULATIVE_PARAMS = ("window", "grain_to_date")


class Kind:
    """The kinds of definition a number depends on (plain strings: subjects are hashed a lot)."""

    METRIC = "metric"
    MEASURE = "measure"
    SEMANTIC_MODEL = "semantic model"
    TIME_DIMENSION = "time dimension"
    DIMENSION = "dimension"
    ENTITY = "entity"


# Where a canonical metric names the metrics and measures it reads, each with a filter of its own:
# keys of `type_params` ("") and of its cumulative and conversion parts; a derived metric's inputs
# are the list `type_params.metrics`.
_REFERENCES: Mapping[str, Mapping[str, str]] = {
    "": {"measure": Kind.MEASURE, "numerator": Kind.METRIC, "denominator": Kind.METRIC},
    "cumulative_type_params": {"metric": Kind.METRIC},
    "conversion_type_params": {
        "base_measure": Kind.MEASURE,
        "conversion_measure": Kind.MEASURE,
        "base_metric": Kind.METRIC,
        "conversion_metric": Kind.METRIC,
    },
}
_INPUTS = "metrics"


_KIND_ORDER = (Kind.METRIC, Kind.MEASURE, Kind.SEMANTIC_MODEL, Kind.TIME_DIMENSION, Kind.DIMENSION, Kind.ENTITY)


class Subject(NamedTuple):
    """One definition a number depends on; dimensions and entities are `semantic_model.name`."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} `{self.name}`"


@dataclass(frozen=True)
class SemanticModelDefinition:
    relation: Canonical  # {"model": ..., "package": ...}: the dbt model it reads
    dimensions: Mapping[str, Canonical]
    entities: Mapping[str, Canonical]


@dataclass(frozen=True)
class Reads:
    """What one canonical metric reads, by name: what its closure is made of."""

    metrics: tuple[str, ...]  # its inputs, then the metrics its filters name
    measures: tuple[str, ...]
    filters: tuple[str, ...]  # its own filter templates and those on its inputs
    aggregation: tuple[str, str | None] | None  # latest spec: (semantic model, agg time dimension)

    @classmethod
    def of(cls, metric: Canonical) -> Reads:
        inputs = list(references(metric))
        templates = [
            where["where_sql_template"]
            for holder in (metric, *(reference for _, reference in inputs))
            if holder.get("filter")
            for where in holder["filter"]["where_filters"]
        ]
        in_filters = [
            match["name"]
            for template in templates
            for match in _FILTER_REFERENCE.finditer(template)
            if match["kind"] == "Metric"
        ]
        aggregation = metric["type_params"].get("metric_aggregation_params")
        return cls(
            metrics=(*(reference["name"] for kind, reference in inputs if kind == Kind.METRIC), *in_filters),
            measures=tuple(reference["name"] for kind, reference in inputs if kind == Kind.MEASURE),
            filters=tuple(templates),
            aggregation=(aggregation["semantic_model"], aggregation.get("agg_time_dimension")) if aggregation else None,
        )


def references(metric: Canonical) -> Iterator[tuple[str, Canonical]]:
    """(kind, reference) of each metric and measure a canonical metric reads (not its filters' `Metric()`)."""
    params = metric["type_params"]
    for part, keys in _REFERENCES.items():
        holder = params.get(part) if part else params
        for key, kind in keys.items() if holder else ():
            if holder.get(key):
                yield kind, holder[key]
    for reference in params.get(_INPUTS) or ():
        yield Kind.METRIC, reference


def renamed(metric: Canonical, metric_name: Callable[[str], str], measure_name: Callable[[str], str]) -> dict[str, Any]:
    """`metric` with the metrics and measures it reads renamed by the callables, wherever it names
    them: its references, `Metric()` in its filters and its inputs' filters, a derived `expr`."""

    def in_filter(template: str) -> str:
        return _METRIC_CALL.sub(lambda match: match[1] + metric_name(match[2]) + match[3], template)

    result = with_references(metric, metric_name, measure_name, in_filter)
    params = result["type_params"]
    if result.get("type") == "derived" and params.get("expr"):
        params["expr"] = _IDENTIFIER.sub(lambda match: metric_name(match[0]), params["expr"])
    if params.get(_INPUTS):
        params[_INPUTS] = sorted(params[_INPUTS], key=reads_as)
    return result


def with_references(
    metric: Canonical,
    metric_name: Callable[[str], str],
    measure_name: Callable[[str], str],
    filter_template: Callable[[str], str],
) -> dict[str, Any]:
    """`metric` with each metric and measure it reads, and each filter template it holds (its own
    and its inputs'), passed through the callables: to rename them."""
    names = {Kind.METRIC: metric_name, Kind.MEASURE: measure_name}

    def filtered(holder: Mapping[str, Any]) -> dict[str, Any]:
        written = holder.get("filter")
        if not written:
            return dict(holder)
        wheres = [
            {**where, "where_sql_template": filter_template(where["where_sql_template"])}
            for where in written["where_filters"]
        ]
        return {**holder, "filter": {**written, "where_filters": wheres}}

    def renamed(reference: Mapping[str, Any], kind: str) -> dict[str, Any]:
        return {**filtered(reference), "name": names[kind](reference["name"])}

    params = dict(metric["type_params"])
    for part, keys in _REFERENCES.items():
        holder = params.get(part) if part else params
        if holder:
            updated = {key: renamed(value, keys[key]) if key in keys and value else value for key, value in holder.items()}
            params = {**params, part: updated} if part else updated
    if params.get(_INPUTS):
        params[_INPUTS] = [renamed(reference, Kind.METRIC) for reference in params[_INPUTS]]
    return {**filtered(metric), "type_params": params}


@dataclass(frozen=True)
class Definitions:
    metrics: Mapping[str, Canonical]
    measures: Mapping[str, Canonical]  # with their semantic model and effective time dimension
    semantic_models: Mapping[str, SemanticModelDefinition]
    dimension_index: Mapping[str, list[str]]  # dimension name -> the semantic models that define one
    _reads: dict[str, Reads] = field(default_factory=dict, compare=False, repr=False)
    _own: dict[str, dict[Subject, Canonical]] = field(default_factory=dict, compare=False, repr=False)
    _closures: dict[str, dict[Subject, Canonical]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, project: Project, metrics: Collection[str] | None = None) -> Definitions:
        """The project's definitions; with `metrics`, only those their numbers depend on (and every
        semantic model), which is what a lint with a few certified KPIs needs."""
        return _definitions_of(project, metrics)

    def reads(self, metric: str) -> Reads:
        if metric not in self._reads:
            self._reads[metric] = Reads.of(self.metrics[metric])
        return self._reads[metric]

    def closure(self, metric: str) -> dict[Subject, Canonical]:
        """Every definition `metric`'s number depends on: the metric first, its input metrics
        transitively, then what each of them reads itself, grouped by kind."""
        if metric not in self._closures:
            metrics = self._metric_closure(metric)
            read: dict[Subject, Canonical] = {}
            for name in metrics:
                read.update(self.own(name))
            ordered = sorted(read.items(), key=lambda item: _KIND_ORDER.index(item[0].kind))
            self._closures[metric] = {**{Subject(Kind.METRIC, name): self.metrics[name] for name in metrics}, **dict(ordered)}
        return self._closures[metric]

    def undefined(self, metric: str) -> list[Subject]:
        """What `metric`'s number reads, itself or through its inputs, that the project does not
        define: input metrics, measures, and the dimensions its filters name."""
        missing: dict[Subject, None] = {}
        for name in self._metric_closure(metric):
            reads = self.reads(name)
            missing.update((Subject(Kind.METRIC, read), None) for read in reads.metrics if read not in self.metrics)
            if not self.semantic_models:  # as REF001: nothing here to resolve them in (a package may hold them)
                continue
            missing.update((Subject(Kind.MEASURE, read), None) for read in reads.measures if read not in self.measures)
            for path, dimension in _filter_dimensions(reads.filters):
                grain = bool(path) and path[-1] in self.dimension_index  # `ordered_at__month`
                if dimension and dimension not in self.dimension_index and not grain:
                    missing[Subject(Kind.DIMENSION, dimension)] = None
        return list(missing)

    def own(self, metric: str) -> dict[Subject, Canonical]:
        """What `metric` reads itself, not through its input metrics: the measures it aggregates and
        their semantic models, their time dimensions, and the dimensions and entities its own
        filters name (the entities as any semantic model of its closure holds them)."""
        if metric in self._own:
            return self._own[metric]
        found: dict[Subject, Canonical] = {}
        for measure_name in self.reads(metric).measures:
            measure = self.measures.get(measure_name)
            if measure is not None:
                found[Subject(Kind.MEASURE, measure_name)] = measure
        time_dimensions = self._time_dimensions(metric)
        for model in dict.fromkeys(model for model, _ in time_dimensions):
            found[Subject(Kind.SEMANTIC_MODEL, model)] = self.semantic_models[model].relation
        for model, dimension in time_dimensions:
            written = self.semantic_models[model].dimensions.get(dimension or "")
            if written is not None:
                found[Subject(Kind.TIME_DIMENSION, f"{model}.{dimension}")] = written
        if self.reads(metric).filters:
            closure = self._metric_closure(metric)
            reached = {model: None for name in closure for model, _ in self._time_dimensions(name)}
            found.update(self._filter_subjects(list(self.reads(metric).filters), reached))
        self._own[metric] = found
        return found

    def _time_dimensions(self, metric: str) -> list[tuple[str, str | None]]:
        """(semantic model, agg time dimension) of what `metric` aggregates itself."""
        reads = self.reads(metric)
        read = [
            (measure["semantic_model"], measure["agg_time_dimension"])
            for name in reads.measures
            if (measure := self.measures.get(name)) is not None
        ]
        if reads.aggregation and reads.aggregation[0] in self.semantic_models:
            read.append(reads.aggregation)
        return list(dict.fromkeys(read))

    def _metric_closure(self, metric: str) -> list[str]:
        ordered = [metric] if metric in self.metrics else []
        for name in ordered:  # grows while it is walked: breadth first, each metric once
            for reference in self.reads(name).metrics:
                if reference in self.metrics and reference not in ordered:
                    ordered.append(reference)
        return ordered

    def _filter_subjects(self, templates: list[str], models: Mapping[str, None]) -> dict[Subject, Canonical]:
        """The dimensions and entities the filters name, with the joins' entities."""
        dimensions: dict[Subject, Canonical] = {}
        entity_names: dict[str, None] = {}
        reached = dict(models)
        for path, name in _filter_dimensions(templates):
            entity_names.update(dict.fromkeys(path))
            for model in self._models_with_dimension(name, path[-1] if path else None):
                dimensions[Subject(Kind.DIMENSION, f"{model}.{name}")] = self.semantic_models[model].dimensions[name]
                reached[model] = None
        entities = {
            Subject(Kind.ENTITY, f"{model}.{entity}"): self.semantic_models[model].entities[entity]
            for entity in entity_names
            for model in reached
            if entity in self.semantic_models[model].entities
        }
        return {**dimensions, **entities}

    def _models_with_dimension(self, dimension: str, entity: str | None) -> list[str]:
        candidates = self.dimension_index.get(dimension, [])
        if entity is None:
            return candidates
        linked = [name for name in candidates if entity in self.semantic_models[name].entities]
        joinable = [
            name for name in linked if self.semantic_models[name].entities[entity].get("type") in _JOINABLE_ENTITY_TYPES
        ]
        return joinable or linked or candidates


def _filter_dimensions(templates: Iterable[str]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(entity path, dimension) of each `Dimension()`/`TimeDimension()`/`Entity()` in filters;
    an `Entity()` names only entities."""
    for template in templates:
        for match in _FILTER_REFERENCE.finditer(template):
            *path, name = match["name"].split("__")
            if match["kind"] == "Entity":
                yield (*path, name), ""
            elif match["kind"] != "Metric" and name != _METRIC_TIME:
                yield tuple(path), name


# Building -------------------------------------------------------------------------------------------


def _definitions_of(project: Project, metrics: Collection[str] | None) -> Definitions:
    # Imported on use: only projects with certified KPIs, and `review`, pay for the builder.
    from .semantic_manifest import NeedsDbtParse, Relations, semantic_manifest

    wanted = project.metrics if metrics is None or len(metrics) >= len(project.metrics) else _written_closure(
        project, metrics
    )
    # What documents a metric sits at the top of its entry; left out, it is not rendered for nothing
    # (a KPI's meta is most of its YAML).
    undocumented = tuple(_with_definition(metric, _meaning(metric.definition)) for metric in wanted)
    scope = replace(project, metrics=undocumented, time_spines=())
    relations = Relations()
    try:
        manifest = semantic_manifest(scope, relations)
    except NeedsDbtParse:
        written, originals = _jinja_as_text(scope)
        try:
            manifest = semantic_manifest(written, relations)
        except NeedsDbtParse:
            manifest = _item_by_item(written, relations)
        manifest = _restored(manifest, originals)
    semantic_models = {model["name"]: _semantic_model(model, relations) for model in manifest["semantic_models"]}
    return Definitions(
        metrics={item["name"]: _canonical_metric(item) for item in manifest["metrics"]},
        measures={
            measure["name"]: _canonical_measure(measure, model)
            for model in manifest["semantic_models"]
            for measure in model["measures"]
        },
        semantic_models=semantic_models,
        dimension_index=_dimension_index(semantic_models),
    )


def _written_closure(project: Project, names: Collection[str]) -> list[Metric]:
    """`names` and every metric they read, found in the YAML as written (inputs and filters)."""
    ordered = [metric for name in names if (metric := project.metric(name)) is not None]
    seen = {metric.name for metric in ordered}
    for metric in ordered:  # grows while it is walked
        in_filters = _metrics_in_filters(_meaning(metric.definition))
        for name in (*(reference.name for reference in metric.inputs), *in_filters):
            found = project.metric(name)
            if found is not None and name not in seen:
                seen.add(name)
                ordered.append(found)
    return ordered


def _with_definition(metric: Metric, definition: Mapping[str, Any]) -> Metric:
    """`replace(metric, definition=...)` without re-running the 30-field frozen `__init__` (20 ms of
    fingerprinting 1,000 metrics); every other field is shared with `metric`."""
    copied = object.__new__(type(metric))
    copied.__dict__.update(metric.__dict__, definition=definition)
    return copied


def _meaning(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A metric's entry without what documents it."""
    return {key: value for key, value in definition.items() if key not in _DOCUMENTATION}


def _metrics_in_filters(value: Any, in_filter: bool = False) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _metrics_in_filters(item, in_filter or key == "filter")
    elif isinstance(value, list):
        for item in value:
            yield from _metrics_in_filters(item, in_filter)
    elif in_filter and isinstance(value, str):
        yield from (match["name"] for match in _FILTER_REFERENCE.finditer(value) if match["kind"] == "Metric")


def _jinja_as_text(project: Project) -> tuple[Project, dict[str, str]]:
    """The project with each value only `dbt parse` can render (an `env_var()` owner in meta, a
    macro in an `expr`) made plain text, and the map back to what was written: such a value is
    then compared as written, and does not stop every other definition from being canonical."""
    variables = project.variables or VarResolver(project.name, {})
    originals: dict[str, str] = {}

    def as_text(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: item if key in _RAW_KEYS else as_text(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_text(item) for item in value]
        if isinstance(value, str) and isinstance(variables.render(value, project.name), JinjaExpression):
            text = value.replace("{", _BRACE)
            originals[text] = value
            return text
        return value

    written = replace(
        project,
        metrics=tuple(replace(metric, definition=as_text(metric.definition)) for metric in project.metrics),
        semantic_models=tuple(
            replace(model, definition=as_text(model.definition)) for model in project.semantic_models
        ),
    )
    return written, originals


def _restored(value: Any, originals: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _restored(item, originals) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item, originals) for item in value]
    if isinstance(value, str) and _BRACE in value:
        return originals.get(value, value.replace(_BRACE, "{"))
    return value


def _item_by_item(project: Project, relations: Relations) -> dict[str, Any]:
    """The manifest built one definition at a time, so that one dbt would refuse (a window that is
    not `<count> <granularity>`, a semantic model without `ref()`) keeps its written form and
    leaves the others canonical."""
    from .semantic_manifest import NeedsDbtParse, semantic_manifest

    semantic_models = []
    for model in project.semantic_models:
        try:
            semantic_models += semantic_manifest(replace(project, metrics=(), semantic_models=(model,)), relations)[
                "semantic_models"
            ]
        except NeedsDbtParse:
            written = {"name": model.name, "written": dict(model.definition)}
            semantic_models.append({**written, "measures": [], "dimensions": [], "entities": []})
    by_name = {model.name: model for model in project.semantic_models}
    metrics = []
    for metric in project.metrics:
        own_model = by_name.get(metric.semantic_model or "")
        alone = replace(project, metrics=(metric,), semantic_models=(own_model,) if own_model else ())
        try:
            metrics += semantic_manifest(alone, relations)["metrics"]
        except NeedsDbtParse:
            written = {"name": metric.name, "written": dict(metric.definition)}
            metrics.append({**written, "type": metric.type, "type_params": {}})
    return {"semantic_models": semantic_models, "metrics": metrics}


def _canonical_metric(item: Mapping[str, Any]) -> dict[str, Any]:
    """The semantic manifest's metric without its name, what is not meaning, and unset fields; each
    input's filters and a derived metric's inputs in a fixed order."""
    params = _set(item["type_params"], _NOT_MEANING_PARAMS)
    if params.get("cumulative_type_params"):
        # dbt also keeps the legacy spelling where it was written; the nested copy is what counts.
        params = _set(params, _LEGACY_CUMULATIVE_PARAMS)
    for part, keys in _REFERENCES.items():
        holder = params.get(part) if part else params
        if holder:
            updated = {key: _filter_sorted(_set(value)) if key in keys else value for key, value in _set(holder).items()}
            params = {**params, part: updated} if part else updated
    if params.get(_INPUTS):
        params[_INPUTS] = sorted((_filter_sorted(_set(reference)) for reference in params[_INPUTS]), key=reads_as)
    return _filter_sorted({**_set(item, ("name", "type_params")), "type_params": params})


def _set(mapping: Mapping[str, Any], leaving_out: Iterable[str] = ()) -> dict[str, Any]:
    """The fields of `mapping` that are set (not None, not empty), but those `leaving_out`."""
    return {key: value for key, value in mapping.items() if value is not None and value != [] and key not in leaving_out}


def _filter_sorted(holder: Mapping[str, Any]) -> Any:
    """`holder` with its ANDed filters in the order of their text (itself when there is nothing to order)."""
    written = holder.get("filter")
    if not written or len(written["where_filters"]) < 2:
        return holder
    ordered = sorted(written["where_filters"], key=lambda where: str(where["where_sql_template"]))
    return {**holder, "filter": {"where_filters": ordered}}


# Definitions whose `expr` defaults to their own name (dbt reads the column of that name).
_NAMED_COLUMNS = (Kind.MEASURE, Kind.TIME_DIMENSION, Kind.DIMENSION, Kind.ENTITY)


def with_effective_expr(subject: Subject, canonical: Canonical) -> Canonical:
    """A measure, dimension or entity with its `expr` as dbt reads it: its name when none is written."""
    if subject.kind not in _NAMED_COLUMNS or canonical.get("expr") or "written" in canonical:
        return canonical
    return {**canonical, "expr": subject.name.rsplit(".", 1)[-1]}


def reads_as(reference: Mapping[str, Any]) -> str:
    """The name a derived metric's `expr` reads an input as."""
    return str(reference.get("alias") or reference["name"])


def _canonical_measure(measure: Mapping[str, Any], model: Mapping[str, Any]) -> dict[str, Any]:
    defaults = model.get("defaults") or {}
    return {
        **{key: value for key, value in measure.items() if key not in ("name", "create_metric")},
        "agg_time_dimension": measure.get("agg_time_dimension") or defaults.get("agg_time_dimension"),
        "semantic_model": model["name"],
    }


def _semantic_model(model: Mapping[str, Any], relations: Relations) -> SemanticModelDefinition:
    return SemanticModelDefinition(
        relation=_relation(model, relations),
        dimensions={
            entry["name"]: {key: value for key, value in entry.items() if key not in ("name", "is_partition")}
            for entry in model["dimensions"]
        },
        entities={
            entry["name"]: {key: value for key, value in entry.items() if key != "name"} for entry in model["entities"]
        },
    )


def _relation(model: Mapping[str, Any], relations: Relations) -> dict[str, Any]:
    """The dbt model behind a semantic model, named as `ref()` names it (placeholders are numbered
    in the order they were met, which says nothing about the model)."""
    if "written" in model:
        return {"written": model["written"]}
    parts = relations.split(model["node_relation"]["relation_name"])
    reference = next(part for part in parts if not isinstance(part, str))
    return {"model": reference.name, "package": reference.package}


def _dimension_index(semantic_models: Mapping[str, SemanticModelDefinition]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for name, model in semantic_models.items():
        for dimension in model.dimensions:
            index.setdefault(dimension, []).append(name)
    return index
