"""The semantic manifest dbt would write for a project, built from its YAML without `dbt parse`.

MetricFlow renders a metric's SQL from `target/semantic_manifest.json`. This module builds the
same document from the loaded project, following dbt's own parser (dbt-core 1.11 and 1.12:
`schema_yaml_readers.py`, `manifest.py` for input measures, `semantic_manifest.py` for time
spines), for both the legacy spec and the latest one. Every dbt model a semantic model or time
spine reads is replaced by a placeholder relation, so the SQL rendered from it can name the
model with `{{ ref() }}` instead of one target's table.

Only what decides the SQL is kept: descriptions, labels, meta and metadata are left out (they
are also what must not make a generated file stale).

Pure Python: no dbt, no MetricFlow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from ..loading.jinja import VarResolver, looks_like_jinja
from ..loading.yaml_loader import ref_parts
from ..model import JinjaExpression, Metric, Project, SemanticModel, TimeSpine, Variables

# dbt's constants for the time spine it finds by name when no model configures one.
LEGACY_TIME_SPINE_MODEL, LEGACY_TIME_SPINE_COLUMN = "metricflow_time_spine", "date_day"
_PLACEHOLDER_SCHEMA = "__dbt_kpi_lint__"
_PLACEHOLDER = re.compile(rf"{_PLACEHOLDER_SCHEMA}\.__ref_(?P<index>\d+)__")
_STANDARD_GRAINS = ("nanosecond", "microsecond", "millisecond", "second", "minute", "hour", "day", "week", "month",
                    "quarter", "year")


class NeedsDbtParse(Exception):
    """The YAML alone cannot say what dbt compiles (Jinja other than `var()`, say)."""


@dataclass(frozen=True, order=True)
class ModelRef:
    """A dbt model as `ref()` names it: `ref('name')`, or `ref('package', 'name')` across packages."""

    name: str
    package: str | None = None


@dataclass
class Relations:
    """A placeholder relation for each dbt model the semantic layer reads.

    The placeholder is a two-part name (`<schema>.<table>`, as MetricFlow splits relation names),
    unique per model, that MetricFlow copies verbatim into the SQL it renders.
    """

    models: list[ModelRef] = field(default_factory=list)

    def placeholder(self, model: ModelRef) -> str:
        if model not in self.models:
            self.models.append(model)
        return f"{_PLACEHOLDER_SCHEMA}.__ref_{self.models.index(model):04d}__"

    def node_relation(self, model: ModelRef) -> dict[str, Any]:
        schema, alias = self.placeholder(model).split(".")
        return {"alias": alias, "schema_name": schema, "database": None, "relation_name": f"{schema}.{alias}"}

    def split(self, sql: str) -> list[str | ModelRef]:
        """`sql` as its text between placeholders and the models the placeholders stand for."""
        parts: list[str | ModelRef] = []
        position = 0
        for match in _PLACEHOLDER.finditer(sql):
            parts += [sql[position : match.start()], self.models[int(match["index"])]]
            position = match.end()
        return [*parts, sql[position:]]


def is_placeholder(relation: str) -> bool:
    """Whether `relation` is a placeholder of `Relations` (a dbt model), not one MetricFlow named."""
    return _PLACEHOLDER.fullmatch(relation) is not None


def semantic_manifest(project: Project, relations: Relations) -> dict[str, Any]:
    """dbt's semantic manifest of `project` (enabled definitions only), models as placeholders."""
    builder = _Builder(project, project.variables or VarResolver(project.name, {}), relations)
    semantic_models = [builder.semantic_model(model) for model in project.semantic_models]
    metrics = builder.metrics()
    return {
        "semantic_models": semantic_models,
        "metrics": metrics,
        "project_configuration": builder.project_configuration(),
        "saved_queries": [],
    }


def needed_for(document: Mapping[str, Any], metrics: Iterable[str]) -> dict[str, Any]:
    """`document` reduced to what the queries of `metrics` read: those metrics and the metrics
    they are computed from (transitively), and the semantic models holding their measures or an
    entity their filters name.

    MetricFlow's transformations compare every measure input with every metric (quadratic in the
    number of metrics: 9 of the 12 s of reading a 1,000-metric manifest), and its planner weighs
    every semantic model for every query; a few KPIs need a fraction of either. A filter this
    cannot read to the end (a `Metric(...)` filter) keeps every semantic model.
    """
    reduced = _with_metrics_for(document, metrics)
    semantic_models = _semantic_models_for(reduced)
    if semantic_models is None:
        return reduced
    return {**reduced, "semantic_models": [model for model in document["semantic_models"] if model["name"] in semantic_models]}


def _with_metrics_for(document: Mapping[str, Any], metrics: Iterable[str]) -> dict[str, Any]:
    by_name = {metric["name"]: metric for metric in document["metrics"]}
    needed: list[str] = []
    pending = list(metrics)
    while pending:
        name = pending.pop()
        if name in needed or name not in by_name:
            continue
        needed.append(name)
        pending += _input_metric_names(by_name[name])
    kept = set(needed)
    return {**document, "metrics": [metric for metric in document["metrics"] if metric["name"] in kept]}


# `Dimension('customer__plan')`, `TimeDimension('order__ordered_at', 'day')`, `Entity('customer')`.
_FILTER_ELEMENT = re.compile(r"""\b(?P<kind>Dimension|TimeDimension|Entity)\(\s*['"](?P<name>[^'"]+)['"]""")


def _semantic_models_for(document: Mapping[str, Any]) -> set[str] | None:
    """Names of the semantic models the document's metrics read; None when that cannot be told."""
    measure_owner = {
        measure["name"]: model["name"] for model in document["semantic_models"] for measure in model["measures"]
    }
    entity_owners: dict[str, set[str]] = {}
    for model in document["semantic_models"]:
        for entity in model["entities"]:
            entity_owners.setdefault(entity["name"], set()).add(model["name"])
    needed: set[str] = set()
    for metric in document["metrics"]:
        params = metric["type_params"]
        aggregation = params.get("metric_aggregation_params") or {}
        if aggregation.get("semantic_model"):
            needed.add(aggregation["semantic_model"])
        for measure in _measure_names(params):
            if measure not in measure_owner:
                return None
            needed.add(measure_owner[measure])
        filters = "\n".join(_filter_texts(metric))
        if "Metric(" in filters:
            return None
        for match in _FILTER_ELEMENT.finditer(filters):
            parts = match["name"].split("__")
            for entity in parts if match["kind"] == "Entity" else parts[:-1]:
                needed |= entity_owners.get(entity, set())
    return needed


def _measure_names(params: Mapping[str, Any]) -> list[str]:
    conversion = params.get("conversion_type_params") or {}
    inputs = [params.get("measure"), conversion.get("base_measure"), conversion.get("conversion_measure")]
    return [measure["name"] for measure in inputs if isinstance(measure, Mapping) and measure.get("name")]


def _filter_texts(value: Any) -> list[str]:
    """Every `where_sql_template` anywhere in a metric: its own filter and its inputs'."""
    if isinstance(value, Mapping):
        own = [str(value["where_sql_template"])] if "where_sql_template" in value else []
        return own + [text for item in value.values() for text in _filter_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _filter_texts(item)]
    return []


def _input_metric_names(metric: Mapping[str, Any]) -> list[str]:
    params = metric.get("type_params") or {}
    references = [params.get("numerator"), params.get("denominator"), *(params.get("metrics") or [])]
    for holder, keys in (
        (params.get("cumulative_type_params") or {}, ("metric",)),
        (params.get("conversion_type_params") or {}, ("base_metric", "conversion_metric")),
    ):
        references += [holder.get(key) for key in keys]
    return [reference["name"] for reference in references if isinstance(reference, Mapping) and reference.get("name")]


@dataclass
class _Builder:
    project: Project
    variables: Variables
    relations: Relations
    _input_measures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Containers already rendered, by identity: a YAML alias is one object used many times over.
    # Each entry keeps its original alive, so that no later object takes its id.
    _rendered: dict[tuple[int, bool], tuple[Any, Any]] = field(default_factory=dict)

    # Rendering -----------------------------------------------------------------------------------

    def rendered(self, value: Any, where: str, *, filters_raw: bool = False, path: tuple[Any, ...] = ()) -> Any:
        """`value` with `{{ var() }}` rendered as dbt renders schema YAML.

        Descriptions are never rendered by dbt at parse time, and metric filters are MetricFlow's
        own Jinja (`{{ Dimension(...) }}`): both are kept as written. Any other Jinja needs dbt.
        `path`: the keys leading to `value`, for the message that names it.
        """
        if isinstance(value, (dict, list)):
            key = (id(value), filters_raw)
            if key not in self._rendered:
                # Most values are plain scalars, passed over in place: certifying 1,000 KPIs renders
                # every metric, and a call per scalar was most of that.
                self._rendered[key] = value, (
                    {
                        name: item
                        if name == "description" or (filters_raw and name == "filter") or _left_as_written(item)
                        else self.rendered(item, where, filters_raw=filters_raw, path=(*path, name))
                        for name, item in value.items()
                    }
                    if isinstance(value, dict)
                    else [
                        item if _left_as_written(item) else self.rendered(item, where, filters_raw=filters_raw, path=path)
                        for item in value
                    ]
                )
            return self._rendered[key][1]
        rendered = self.variables.render(value, self.project.name)
        if isinstance(rendered, JinjaExpression):
            dotted = ".".join(str(name) for name in path)
            raise NeedsDbtParse(
                f"{f'`{dotted}` of ' if dotted else ''}{where} is Jinja the YAML alone cannot render ({rendered.source!r}): "
                f"run `dbt parse` and `dbt-kpi-lint generate --from-manifest`"
            )
        return rendered

    # Semantic models -----------------------------------------------------------------------------

    def semantic_model(self, model: SemanticModel) -> dict[str, Any]:
        where = f"semantic model `{model.name}` ({model.location})"
        if model.spec == "latest":
            return self._latest_semantic_model(model, self.rendered(_semantic_part(model.definition), where))
        definition = self.rendered(dict(model.definition), where)
        parts = ref_parts(definition.get("model"))
        if parts is None:
            raise NeedsDbtParse(f"{where} names no model with `model: ref('...')`")
        package, name = parts
        defaults = _mapping(definition.get("defaults"))
        return {
            "name": model.name,
            "defaults": {"agg_time_dimension": defaults.get("agg_time_dimension")} if defaults else None,
            "node_relation": self.relations.node_relation(ModelRef(name, package)),
            "primary_entity": definition.get("primary_entity"),
            "entities": [_entity(entry) for entry in _entries(definition.get("entities"))],
            "measures": [_measure(entry) for entry in _entries(definition.get("measures"))],
            "dimensions": [_dimension(entry) for entry in _entries(definition.get("dimensions"))],
        }

    def _latest_semantic_model(self, model: SemanticModel, definition: Mapping[str, Any]) -> dict[str, Any]:
        """dbt 1.12's `parse_v2_semantic_model_from_dbt_model_patch`: columns become entities and dimensions."""
        assert model.model is not None
        columns = _entries(definition.get("columns"))
        derived = _mapping(definition.get("derived_semantics"))
        return {
            "name": model.name,
            "defaults": {"agg_time_dimension": definition.get("agg_time_dimension")},
            "node_relation": self.relations.node_relation(ModelRef(model.model)),
            "primary_entity": definition.get("primary_entity"),
            "entities": [
                *(entity for column in columns if (entity := _column_entity(column)) is not None),
                *(_entity(entry) for entry in _entries(derived.get("entities"))),
            ],
            "measures": [],
            "dimensions": [
                *(dimension for column in columns if (dimension := _column_dimension(column)) is not None),
                *(_derived_dimension(entry) for entry in _entries(derived.get("dimensions"))),
            ],
        }

    # Metrics ---------------------------------------------------------------------------------------

    def metrics(self) -> list[dict[str, Any]]:
        agg_time_dimensions = {
            model.name: self.rendered(model.definition.get("agg_time_dimension"), f"model `{model.model}`")
            for model in self.project.semantic_models
            if model.spec == "latest"
        }
        built = [
            self.metric(metric, agg_time_dimensions.get(metric.semantic_model or "")) for metric in self.project.metrics
        ]
        by_name = {item["name"]: item for item in built}
        for item in built:
            item["type_params"]["input_measures"] = self.input_measures(item, by_name, ())
        return built

    def metric(self, metric: Metric, default_agg_time_dimension: Any) -> dict[str, Any]:
        definition = self.rendered(dict(metric.definition), f"metric `{metric.name}` ({metric.location})", filters_raw=True)
        metric_type = metric.type or "simple"
        if metric.spec == "legacy":
            type_params = _legacy_type_params(metric_type, _mapping(definition.get("type_params")))
        else:
            type_params = _latest_type_params(metric_type, definition, metric.semantic_model, default_agg_time_dimension)
        return {
            "name": metric.name,
            "type": metric_type,
            "type_params": type_params,
            "filter": _where_filter(definition.get("filter")),
            "time_granularity": definition.get("time_granularity"),
        }

    def input_measures(
        self, metric: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]], seen: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        """dbt's `_process_metric_node`: the measures a metric reads, through its input metrics."""
        name = metric["name"]
        if name in self._input_measures:
            return self._input_measures[name]
        params = metric["type_params"]
        measures: list[dict[str, Any]] = []
        if params.get("measure") is not None:
            measures = [params["measure"]]
        elif conversion := params.get("conversion_type_params"):
            measures = [conversion[key] for key in ("base_measure", "conversion_measure") if conversion.get(key)]
        elif metric["type"] in ("ratio", "derived") and name not in seen:
            inputs = [params["numerator"], params["denominator"]] if metric["type"] == "ratio" else params["metrics"]
            for reference in inputs:
                target = by_name.get(reference["name"]) if reference else None
                for measure in self.input_measures(target, by_name, (*seen, name)) if target else []:
                    if measure not in measures:
                        measures.append(measure)
        self._input_measures[name] = measures
        return measures

    # Time spines -----------------------------------------------------------------------------------

    def project_configuration(self) -> dict[str, Any]:
        spines = [self._time_spine(spine) for spine in self.project.time_spines if spine.definition]
        configured = {spine.model for spine in self.project.time_spines if spine.definition}
        legacy = [
            {
                "location": self.relations.placeholder(ModelRef(spine.model)),
                "column_name": LEGACY_TIME_SPINE_COLUMN,
                "grain": "day",
            }
            for spine in self.project.time_spines
            if spine.model == LEGACY_TIME_SPINE_MODEL and spine.model not in configured
        ]
        return {"time_spine_table_configurations": legacy, "time_spines": spines}

    def _time_spine(self, spine: TimeSpine) -> dict[str, Any]:
        definition = self.rendered(dict(spine.definition), f"time spine `{spine.model}`")
        config = _mapping(definition.get("time_spine"))
        column_name = config.get("standard_granularity_column")
        column = next((entry for entry in _entries(definition.get("columns")) if entry.get("name") == column_name), {})
        return {
            "node_relation": self.relations.node_relation(ModelRef(spine.model)),
            "primary_column": {"name": column_name, "time_granularity": _lower(column.get("granularity"))},
            "custom_granularities": [
                {"name": entry.get("name"), "column_name": entry.get("column_name")}
                for entry in _entries(config.get("custom_granularities"))
            ],
        }


# Legacy-spec pieces (dbt's UnparsedSemanticModel / UnparsedMetric) ----------------------------------


def _entity(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": entry.get("name"), "type": _lower(entry.get("type")), "role": entry.get("role"),
            "expr": _expr(entry.get("expr"))}


def _measure(entry: Mapping[str, Any]) -> dict[str, Any]:
    non_additive = _mapping(entry.get("non_additive_dimension"))
    return {
        "name": entry.get("name"),
        "agg": _lower(entry.get("agg")),
        "expr": _expr(entry.get("expr")),
        "agg_params": entry.get("agg_params"),
        "non_additive_dimension": {
            "name": non_additive.get("name"),
            "window_choice": _lower(non_additive.get("window_choice")),
            "window_groupings": list(non_additive.get("window_groupings") or []),
        }
        if non_additive
        else None,
        "agg_time_dimension": entry.get("agg_time_dimension"),
        "create_metric": entry.get("create_metric") is True,
    }


def _dimension(entry: Mapping[str, Any]) -> dict[str, Any]:
    type_params = _mapping(entry.get("type_params"))
    return {
        "name": entry.get("name"),
        "type": _lower(entry.get("type")),
        "is_partition": entry.get("is_partition") is True,
        "type_params": {
            "time_granularity": _lower(type_params.get("time_granularity")),
            "validity_params": type_params.get("validity_params"),
        }
        if type_params
        else None,
        "expr": _expr(entry.get("expr")),
    }


def _measure_input(reference: Any) -> dict[str, Any] | None:
    if reference is None:
        return None
    written = _mapping(reference) if isinstance(reference, Mapping) else {"name": reference}
    return {
        "name": written.get("name"),
        "filter": _where_filter(written.get("filter")),
        "alias": written.get("alias"),
        "join_to_timespine": written.get("join_to_timespine") is True,
        "fill_nulls_with": written.get("fill_nulls_with"),
    }


def _metric_input(reference: Any) -> dict[str, Any] | None:
    if reference is None:
        return None
    written = _mapping(reference) if isinstance(reference, Mapping) else {"name": reference}
    return {
        "name": written.get("name"),
        "filter": _where_filter(written.get("filter")),
        "alias": written.get("alias"),
        "offset_window": _window(written.get("offset_window")),
        "offset_to_grain": _lower(written.get("offset_to_grain")),
    }


def _legacy_type_params(metric_type: str, params: Mapping[str, Any]) -> dict[str, Any]:
    conversion = _mapping(params.get("conversion_type_params"))
    cumulative = _mapping(params.get("cumulative_type_params"))
    return {
        "measure": _measure_input(params.get("measure")),
        "numerator": _metric_input(params.get("numerator")),
        "denominator": _metric_input(params.get("denominator")),
        "expr": _expr(params.get("expr")),
        "window": _window(params.get("window")),
        "grain_to_date": _lower(params.get("grain_to_date")),
        "metrics": [_metric_input(reference) for reference in _list(params.get("metrics"))],
        "conversion_type_params": _conversion_params(
            conversion,
            base_measure=_measure_input(conversion.get("base_measure")),
            conversion_measure=_measure_input(conversion.get("conversion_measure")),
        )
        if conversion
        else None,
        # dbt nests the legacy spelling itself, the nested keys winning.
        "cumulative_type_params": {
            "window": _window(cumulative.get("window") or params.get("window")),
            "grain_to_date": cumulative.get("grain_to_date") or params.get("grain_to_date"),
            "period_agg": _lower(cumulative.get("period_agg")) or "first",
        }
        if metric_type == "cumulative"
        else None,
    }


def _conversion_params(written: Mapping[str, Any], **inputs: dict[str, Any] | None) -> dict[str, Any]:
    """A conversion metric's params; `inputs` are its base and conversion measures (legacy spec) or
    metrics (latest spec)."""
    return {
        **inputs,
        "entity": written.get("entity"),
        "calculation": _lower(written.get("calculation")) or "conversion_rate",
        "window": _window(written.get("window")),
        "constant_properties": written.get("constant_properties"),
    }


# Latest-spec pieces (dbt 1.12's UnparsedMetricV2 and model columns) ---------------------------------

# What of a model's YAML makes its latest-spec semantic model. Only these are rendered: dbt renders a
# model's metrics apart (keeping their MetricFlow filters as written) and its tests later.
_SEMANTIC_MODEL_KEYS = ("semantic_model", "agg_time_dimension", "primary_entity", "derived_semantics")
_SEMANTIC_COLUMN_KEYS = ("name", "entity", "dimension", "granularity")


def _semantic_part(model: Mapping[str, Any]) -> dict[str, Any]:
    part = {key: model[key] for key in _SEMANTIC_MODEL_KEYS if key in model}
    part["columns"] = [
        {key: column[key] for key in _SEMANTIC_COLUMN_KEYS if key in column} for column in _entries(model.get("columns"))
    ]
    return part


def _latest_type_params(
    metric_type: str, definition: Mapping[str, Any], semantic_model: str | None, default_agg_time_dimension: Any
) -> dict[str, Any]:
    agg = definition.get("agg")
    percentile_type = str(definition.get("percentile_type") or "").lower()
    non_additive = _mapping(definition.get("non_additive_dimension"))
    return {
        "numerator": _metric_input(definition.get("numerator")),
        "denominator": _metric_input(definition.get("denominator")),
        "expr": _expr(definition.get("expr")),
        "metrics": [_metric_input(reference) for reference in _list(definition.get("input_metrics"))],
        "conversion_type_params": _conversion_params(
            definition,
            base_metric=_metric_input(definition.get("base_metric")),
            conversion_metric=_metric_input(definition.get("conversion_metric")),
        )
        if metric_type == "conversion"
        else None,
        "cumulative_type_params": {
            "window": _window(definition.get("window")),
            "grain_to_date": definition.get("grain_to_date"),
            "period_agg": _lower(definition.get("period_agg")) or "first",
            "metric": _metric_input(definition.get("input_metric")),
        }
        if metric_type == "cumulative"
        else None,
        "metric_aggregation_params": {
            "semantic_model": semantic_model,
            "agg": _lower(agg),
            "agg_params": {
                "percentile": definition.get("percentile"),
                "use_discrete_percentile": percentile_type == "discrete",
                "use_approximate_percentile": percentile_type == "continuous",
            },
            "agg_time_dimension": definition.get("agg_time_dimension") or default_agg_time_dimension,
            "non_additive_dimension": {
                "name": non_additive.get("name"),
                "window_choice": _lower(non_additive.get("window_agg")),
                "window_groupings": list(non_additive.get("group_by") or []),
            }
            if non_additive
            else None,
        }
        if agg is not None and semantic_model is not None
        else None,
        "join_to_timespine": definition.get("join_to_timespine") is True,
        # dbt 1.12.6 reads a latest-spec metric's `fill_nulls_with` but never passes it on: nulls stay nulls.
        "fill_nulls_with": None,
        "is_private": definition.get("hidden") is True,
    }


def _column_entity(column: Mapping[str, Any]) -> dict[str, Any] | None:
    entity = column.get("entity")
    if isinstance(entity, str):
        return {"name": column.get("name"), "type": entity.lower(), "role": None, "expr": None}
    if isinstance(entity, Mapping):
        name = entity.get("name") or column.get("name")
        return {
            "name": name,
            "type": _lower(entity.get("type")),
            "role": None,
            "expr": column.get("name") if name != column.get("name") else None,
        }
    return None


def _column_dimension(column: Mapping[str, Any]) -> dict[str, Any] | None:
    """As dbt 1.12: `dimension: time` (a bare type) keeps no granularity; `{type: time}` takes the column's."""
    dimension = column.get("dimension")
    if isinstance(dimension, str):
        return {"name": column.get("name"), "type": dimension.lower(), "is_partition": False, "type_params": None,
                "expr": None}
    if not isinstance(dimension, Mapping):
        return None
    name = dimension.get("name") or column.get("name")
    granularity = column.get("granularity")
    return {
        "name": name,
        "type": _lower(dimension.get("type")),
        "is_partition": dimension.get("is_partition") is True,
        "type_params": {"time_granularity": _lower(granularity), "validity_params": dimension.get("validity_params")}
        if granularity is not None
        else None,
        "expr": column.get("name") if name != column.get("name") else None,
    }


def _derived_dimension(entry: Mapping[str, Any]) -> dict[str, Any]:
    granularity = entry.get("granularity")
    return {
        "name": entry.get("name"),
        "type": _lower(entry.get("type")),
        "is_partition": entry.get("is_partition") is True,
        "type_params": {"time_granularity": _lower(granularity), "validity_params": entry.get("validity_params")}
        if granularity is not None
        else None,
        "expr": _expr(entry.get("expr")),
    }


# Values ----------------------------------------------------------------------------------------------


def _window(written: Any) -> dict[str, Any] | None:
    """dbt's `_get_optional_time_window`: `7 days` -> {count: 7, granularity: day}."""
    if written is None:
        return None
    parts = str(written).lower().split(" ")
    if len(parts) != 2 or not parts[0].isdigit():
        raise NeedsDbtParse(f"window `{written}` is not `<count> <granularity>`; dbt refuses it")
    count, granularity = parts
    if granularity.endswith("s") and granularity[:-1] in _STANDARD_GRAINS:
        granularity = granularity[:-1]
    return {"count": int(count), "granularity": granularity}


def _where_filter(written: Any) -> dict[str, Any] | None:
    if written is None:
        return None
    templates = written if isinstance(written, list) else [written]
    return {"where_filters": [{"where_sql_template": str(template)} for template in templates]}


def _expr(value: Any) -> str | None:
    return None if value is None else str(value)


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _entries(value: Any) -> Iterable[Mapping[str, Any]]:
    return [item for item in _list(value) if isinstance(item, Mapping)]


_SCALARS = frozenset({int, float, bool, type(None), date, datetime})


def _left_as_written(value: Any) -> bool:
    """Whether rendering returns `value` as it is: a scalar, or a string without Jinja (a loaded
    JinjaExpression is neither: it must reach the check that asks for dbt)."""
    return type(value) in _SCALARS or (isinstance(value, str) and not looks_like_jinja(value))
