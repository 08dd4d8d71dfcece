"""Load a dbt project's metrics, semantic models and groups straight from its YAML files.

No dbt import and no `dbt parse`: the files that can hold semantic-layer definitions are found
with a byte-level regex, and only those are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..generate.paths import GeneratedPaths
from ..model import (
    Group,
    LoadProblem,
    Location,
    Measure,
    MetaEntry,
    Metric,
    MetricInput,
    NoqaDirective,
    Project,
    SemanticModel,
    TimeSpine,
)
from . import yaml_reader
from .dbt_project import DbtProject, iter_yaml_files, read_dbt_project
from .jinja import VarResolver
from .yaml_reader import YamlList, YamlMap

# A file can define semantic-layer objects only if one of these keys starts a line (after any
# indentation, list dash, flow-mapping brace, or the UTF-8 BOM that opens a file saved by some editors).
_RELEVANT_KEYS = (b"metrics", b"semantic_models", b"semantic_model", b"groups", b"time_spine")
_RELEVANT_KEY = re.compile(
    rb"""(?m)^(?:\xef\xbb\xbf)?[ \t{-]*["']?(?:""" + b"|".join(_RELEVANT_KEYS) + rb""")["']?[ \t]*:"""
)
# dbt refuses a whole schema file when one of these keys is not a list of mappings.
_LIST_KEYS = ("groups", "semantic_models", "models", "metrics")
# A second document (`---` or `...` opening a later line): dbt reads one document per file and
# refuses the rest, whatever keys they hold, so such a file is always parsed.
_LATER_DOCUMENT = re.compile(rb"\n(?:---|\.\.\.)(?:[ \t\r\n]|$)")
# Keys of the dbt_metrics package's metric spec (dbt < 1.6), which dbt 1.6 and later refuse.
_DBT_METRICS_KEYS = ("calculation_method", "expression", "timestamp", "time_grains", "sql")
DBT_METRICS_MIGRATION = "https://docs.getdbt.com/guides/sl-migration"
DBT_METRICS_SPEC_CODE = "YML002"  # LoadProblem's default, YML001, is any other file dbt refuses
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)
# Before dbt 1.9 the time spine was the model with this name; MetricFlow still accepts it.
_LEGACY_TIME_SPINE_FILE = "metricflow_time_spine.sql"
_REF = re.compile(r"""ref\(\s*(?:['"](?P<package>[^'"]+)['"]\s*,\s*)?['"](?P<name>[^'"]+)['"]""")


def load_project(root: Path, cli_vars: Mapping[str, Any] | None = None) -> Project:
    dbt_project = read_dbt_project(root)
    files = iter_yaml_files(dbt_project, also=frozenset({_LEGACY_TIME_SPINE_FILE}))
    return read_schema_files(dbt_project, files, cli_vars).build()


def read_schema_files(
    dbt_project: DbtProject,
    files: Iterable[tuple[Path, str]],
    cli_vars: Mapping[str, Any] | None = None,
) -> SchemaFiles:
    """Read `files` (path, the source path it lies under) of `dbt_project` as dbt would.

    The YAML mode reads every schema file; the manifest mode reads only the files dbt names, for
    the positions of what dbt compiled.
    """
    contents = SchemaFiles(dbt_project, VarResolver(dbt_project.name, dbt_project.vars, cli_vars))
    for path, source_path in files:
        if path.name == _LEGACY_TIME_SPINE_FILE:
            contents.time_spines.setdefault(path.stem, TimeSpine(path.stem))
        else:
            contents.read_file(path, source_path)
    return contents


def ref_name(model: Any) -> str | None:
    """`ref('orders')` (or `ref('pkg', 'orders')`) -> `orders`."""
    parts = ref_parts(model)
    return parts[1] if parts else None


def ref_names(text: str) -> list[str]:
    """Every model `text` names with `ref()`, in order: the models a model's SQL reads."""
    return [match["name"] for match in _REF.finditer(text)]


def ref_parts(model: Any) -> tuple[str | None, str] | None:
    """`ref('pkg', 'orders')` -> (`pkg`, `orders`); `ref('orders')` -> (None, `orders`)."""
    if not isinstance(model, str):
        return None
    match = _REF.search(model)
    return (match["package"], match["name"]) if match else None


@dataclass
class SchemaFiles:
    """What a set of schema YAML files defines, with every position; `build()` makes the Project."""

    dbt_project: DbtProject
    vars: VarResolver
    metrics: list[Metric] = field(default_factory=list)
    disabled_metrics: list[Metric] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    semantic_models: list[SemanticModel] = field(default_factory=list)
    noqa: dict[tuple[str, int], NoqaDirective] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    time_spines: dict[str, TimeSpine] = field(default_factory=dict)

    def build(self) -> Project:
        return Project(
            name=self.dbt_project.name,
            root=str(self.dbt_project.root),
            metrics=tuple(self.metrics),
            groups=self.groups,
            semantic_models=tuple(self.semantic_models),
            noqa=self.noqa,
            problems=tuple(self.problems),
            files=tuple(self.files),
            disabled_metrics=tuple(metric.name for metric in self.disabled_metrics),
            model_paths=self.dbt_project.model_paths,
            time_spines=tuple(self.time_spines.values()),
            flags=self.dbt_project.flags,
            oldest_dbt_version=self.dbt_project.oldest_dbt_version,
            variables=self.vars,
            generated_files={
                path: self._current_text(path) for path in GeneratedPaths.of(self.dbt_project.model_paths).all()
            },
        )

    def _current_text(self, relative: str) -> str | None:
        try:
            return (self.dbt_project.root / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def read_file(self, path: Path, source_path: str) -> None:
        relative = self.dbt_project.relative(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            self.problems.append(LoadProblem(Location(relative, 1, 1), f"cannot read file: {error.strerror}"))
            return
        if not _may_define_semantic_objects(raw) and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            if _LATER_DOCUMENT.search(raw) is None:
                return
        try:
            text = yaml_reader.decode(raw)
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problems.append(
                LoadProblem(Location(relative, line, 1), f"file is not UTF-8 ({error.reason}); save it as UTF-8")
            )
            return
        try:
            document = yaml_reader.parse(text)
        except yaml_reader.YamlError as error:
            self.problems.append(LoadProblem(Location(relative, error.line, error.column), error.reason))
            return
        self.files.append(relative)
        self._collect_noqa(relative, text)
        if not isinstance(document, YamlMap):
            return
        refusals = _refusals(document, relative)
        if refusals:
            self.problems.extend(refusals)
            return
        _DocumentReader(self, relative, _fqn_dirs(path, self.dbt_project.root / source_path)).read(document)

    def _collect_noqa(self, relative: str, text: str) -> None:
        if "noqa" not in text and "NOQA" not in text:
            return
        for number, line in enumerate(text.splitlines(), start=1):
            match = _NOQA.search(line)
            if match:
                codes = frozenset(re.split(r"[\s,]+", match["codes"].upper())) if match["codes"] else frozenset()
                self.noqa[(relative, number)] = NoqaDirective(Location(relative, number, match.start() + 1), codes)


def _refusals(document: YamlMap, path: str) -> list[LoadProblem]:
    """Why dbt refuses the whole file, for the keys the linter reads; empty when it reads it."""
    malformed = _malformed_list(document, path)
    if malformed is not None:
        return [malformed]
    return [
        LoadProblem(
            Location(path, *entry.position_of("name")),
            f"`{entry.get('name')}` is written in the dbt_metrics spec of dbt < 1.6 ({_keys_of(entry)}), which "
            f"dbt 1.6 and later refuse with this whole file: migrate it to a MetricFlow metric (a semantic "
            f"model measure and a metric with `type` and `type_params`), see {DBT_METRICS_MIGRATION}",
            DBT_METRICS_SPEC_CODE,
        )
        for entry in _entries(document.get("metrics"))
        if "type_params" not in entry and any(key in entry for key in _DBT_METRICS_KEYS)
    ]


def _keys_of(entry: YamlMap) -> str:
    return ", ".join(f"`{key}`" for key in _DBT_METRICS_KEYS if key in entry)


def _malformed_list(document: YamlMap, path: str) -> LoadProblem | None:
    """dbt's `validate_yaml`: a top-level list key that is not a list of mappings."""
    for key in _LIST_KEYS:
        if key not in document:
            continue
        value = document[key]
        if not isinstance(value, YamlList):
            return LoadProblem(
                Location(path, *document.position_of(key)),
                f"`{key}` is not a list, so dbt refuses this file: write `{key}:` followed by `- name: ...` entries",
            )
        for position, item in zip(value.item_positions, value):
            if not isinstance(item, dict):
                return LoadProblem(
                    Location(path, *position),
                    f"an entry of `{key}` is not a mapping, so dbt refuses this file: give each entry a `name:`",
                )
    return None


def _may_define_semantic_objects(raw: bytes) -> bool:
    # The substring test is ~10x cheaper than the line-anchored regex on the thousands of model
    # files that mention none of the keys.
    return any(key in raw for key in _RELEVANT_KEYS) and _RELEVANT_KEY.search(raw) is not None


def _fqn_dirs(path: Path, source_root: Path) -> list[str]:
    return list(path.relative_to(source_root).parent.parts)


@dataclass
class _DocumentReader:
    """Reads one parsed schema file; holds the file context shared by its entries."""

    project: SchemaFiles
    path: str
    fqn_dirs: list[str]

    def at(self, mapping: YamlMap, key: str) -> Location:
        return Location(self.path, *mapping.position_of(key))

    def start_of(self, node: YamlMap | YamlList) -> Location:
        return Location(self.path, node.line, node.column)

    def read(self, document: YamlMap) -> None:
        for entry in _entries(document.get("groups")):
            self.read_group(entry)
        for entry in _entries(document.get("semantic_models")):
            self.read_semantic_model(entry)
        for model in _entries(document.get("models")):
            name = model.get("name")
            if model.get("time_spine") is not None and isinstance(name, str):
                self.project.time_spines[name] = TimeSpine(name, model)
            self.read_latest_spec_model(model)
        for entry in _entries(document.get("metrics")):
            self.read_metric(entry, semantic_model=None)

    def read_group(self, entry: YamlMap) -> None:
        name = entry.get("name")
        if not isinstance(name, str):
            return
        owner = entry.get("owner")
        owner = owner if isinstance(owner, dict) else {}
        package = self.project.dbt_project.name
        self.project.groups[name] = Group(
            name=name,
            package=package,
            owner_name=_text(self.project.vars.render(owner.get("name"), package)),
            owner_email=_text(self.project.vars.render(owner.get("email"), package)),
            location=self.at(entry, "name"),
        )

    def read_semantic_model(self, entry: YamlMap) -> None:
        name = entry.get("name")
        if not isinstance(name, str):
            return
        package = self.project.dbt_project.name
        inherited = self.project.dbt_project.semantic_model_config(self._fqn(name))
        config = written if isinstance(written := entry.get("config"), YamlMap) else YamlMap(0, 0)
        enabled = self.project.vars.render(config.get("enabled", inherited.enabled), package) is not False
        measures = _entries(entry.get("measures"))
        if enabled:
            self.project.semantic_models.append(
                SemanticModel(
                    name=name,
                    package=package,
                    model=ref_name(entry.get("model")),
                    location=self.at(entry, "name"),
                    measures=tuple(
                        Measure(measure["name"], _lower(measure.get("agg")), self.at(measure, "name"))
                        for measure in measures
                        if isinstance(measure.get("name"), str)
                    ),
                    definition=entry,
                )
            )
        meta = {**self._render_entries(inherited.meta, package), **self._meta_entries(config.get("meta"), package)}
        for measure in measures:
            if measure.get("create_metric") is True and isinstance(measure.get("name"), str):
                self.read_created_metric(measure, name, enabled, meta)

    def read_created_metric(
        self, measure: YamlMap, semantic_model: str, enabled: bool, semantic_model_meta: Mapping[str, MetaEntry]
    ) -> None:
        """The simple metric dbt makes of a measure with `create_metric: true`.

        As dbt's `_create_metric`: named after the measure, with its label and description, and
        the semantic model's `config.meta` (not the measure's own) over the project's `+meta`.
        """
        name = measure["name"]
        package = self.project.dbt_project.name
        inherited = self.project.dbt_project.metric_config(self._fqn(name))
        config_meta = {**self._render_entries(inherited.meta, package), **semantic_model_meta}
        label = _text(measure.get("label")) or name
        description = _text(measure.get("description")) or f"Metric created from measure {name}"
        definition = {
            "name": name,
            "label": label,
            "description": description,
            "type": "simple",
            "type_params": {"measure": name, "expr": measure.get("expr") or name},
        }
        (self.project.metrics if enabled else self.project.disabled_metrics).append(
            Metric(
                name=name,
                package=package,
                type="simple",
                location=self.at(measure, "name"),
                spec="legacy",
                label=label,
                description=description,
                meta=config_meta,
                config_meta=config_meta,
                group=_text(self.project.vars.render(inherited.group, package)),
                group_location=inherited.group_location,
                measure=name,
                agg=_lower(measure.get("agg")),
                expr=_text(measure.get("expr")) or name,
                created_from=semantic_model,
                definition=definition,
            )
        )

    def read_latest_spec_model(self, model: YamlMap) -> None:
        """Latest spec: a model with `semantic_model:` enabled carries its own metrics."""
        name = model.get("name")
        semantic_model = model.get("semantic_model")
        enabled = semantic_model is True or (
            isinstance(semantic_model, dict) and semantic_model.get("enabled", True) is not False
        )
        if not isinstance(name, str) or not enabled:
            return
        semantic_name = semantic_model.get("name", name) if isinstance(semantic_model, dict) else name
        self.project.semantic_models.append(
            SemanticModel(
                name=str(semantic_name),
                package=self.project.dbt_project.name,
                model=name,
                location=self.at(model, "name"),
                definition=model,
                spec="latest",
            )
        )
        nested = semantic_model.get("metrics") if isinstance(semantic_model, dict) else None
        for entry in (*_entries(model.get("metrics")), *_entries(nested)):
            self.read_metric(entry, semantic_model=str(semantic_name))

    def _fqn(self, name: str) -> list[str]:
        return [self.project.dbt_project.name, *self.fqn_dirs, name]

    def read_metric(self, entry: YamlMap, semantic_model: str | None) -> None:
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            self.project.problems.append(
                LoadProblem(self.start_of(entry), "metric has no `name`; dbt will refuse this file")
            )
            return
        package = self.project.dbt_project.name
        inherited = self.project.dbt_project.metric_config(self._fqn(name))
        config = written if isinstance(written := entry.get("config"), YamlMap) else YamlMap(0, 0)
        enabled = self.project.vars.render(config.get("enabled", inherited.enabled), package)
        metrics = self.project.disabled_metrics if enabled is False else self.project.metrics

        type_params = entry.get("type_params")
        spec = "legacy" if isinstance(type_params, YamlMap) else "latest"
        top_level_meta = self._meta_entries(entry.get("meta"), package)
        config_meta = {**self._render_entries(inherited.meta, package), **self._meta_entries(config.get("meta"), package)}
        group, group_location = inherited.group, inherited.group_location
        for holder in (entry, config):  # config.group wins over a top-level group
            if holder.get("group") is not None:
                group, group_location = holder.get("group"), self.at(holder, "group")

        params = type_params if isinstance(type_params, YamlMap) else entry
        cumulative = params.get("cumulative_type_params")
        cumulative = cumulative if isinstance(cumulative, YamlMap) else YamlMap(0, 0)
        legacy_window_keys = tuple(
            self.at(params, key) for key in ("window", "grain_to_date") if spec == "legacy" and key in params
        )
        conversion = params.get("conversion_type_params")
        conversion = conversion if isinstance(conversion, YamlMap) else params

        metric_type = _lower(entry.get("type")) or ""
        measure = params.get("measure")
        measure_name = measure.get("name") if isinstance(measure, dict) else measure
        metrics.append(
            Metric(
                name=name,
                package=package,
                type=metric_type,
                location=self.at(entry, "name"),
                spec=spec,
                label=_text(self.project.vars.render(entry.get("label"), package)),
                description=_text(entry.get("description")) or "",
                # The latest spec has no top-level `meta` (dbt 1.12 refuses a file that sets one),
                # and dbt 1.7+ replaces the legacy top-level meta with a non-empty config.meta.
                meta=config_meta if spec == "latest" else config_meta or top_level_meta,
                top_level_meta=top_level_meta,
                config_meta=config_meta,
                group=_text(self.project.vars.render(group, package)),
                group_location=group_location,
                inputs=tuple(self._inputs(params, conversion)),
                measure=_text(measure_name),
                agg=_lower(entry.get("agg")),
                has_filter=entry.get("filter") is not None
                or (isinstance(measure, dict) and measure.get("filter") is not None),
                window=_text(_first(cumulative.get("window"), params.get("window"))),
                grain_to_date=_text(_first(cumulative.get("grain_to_date"), params.get("grain_to_date"))),
                period_agg=_lower(_first(cumulative.get("period_agg"), params.get("period_agg")))
                or ("first" if metric_type == "cumulative" else None),
                legacy_window_keys=legacy_window_keys,
                conversion_calculation=_lower(conversion.get("calculation")),
                semantic_model=semantic_model,
                expr=_text(params.get("expr")),
                definition=entry,
            )
        )

    def _meta_entries(self, meta: Any, package: str) -> dict[str, MetaEntry]:
        if not isinstance(meta, YamlMap):
            return {}
        return {
            key: MetaEntry(self.project.vars.render(value, package), self.at(meta, key), written=value)
            for key, value in meta.items()
        }

    def _render_entries(self, entries: Mapping[str, MetaEntry], package: str) -> dict[str, MetaEntry]:
        return {
            key: MetaEntry(self.project.vars.render(entry.value, package), entry.location, written=entry.value)
            for key, entry in entries.items()
        }

    def _inputs(self, params: YamlMap, conversion: YamlMap) -> Iterable[MetricInput]:
        """Metrics this metric is computed from, in both specs (measures are not metrics)."""
        for key, role in (("metrics", "input"), ("input_metrics", "input")):
            references = params.get(key)
            if isinstance(references, YamlList):
                for position, reference in zip(references.item_positions, references):
                    yield from self._input(reference, role, Location(self.path, *position))
        for holder, key in (
            (params, "numerator"),
            (params, "denominator"),
            (params, "input_metric"),
            (params, "metric"),
            (conversion, "base_metric"),
            (conversion, "conversion_metric"),
        ):
            if key in holder:
                yield from self._input(holder[key], key, self.at(holder, key))

    @staticmethod
    def _input(reference: Any, role: str, location: Location) -> Iterable[MetricInput]:
        if isinstance(reference, str):
            yield MetricInput(reference, role, location)
        elif isinstance(reference, dict) and isinstance(reference.get("name"), str):
            yield MetricInput(
                reference["name"],
                role,
                location,
                offset_window=_text(reference.get("offset_window")),
                offset_to_grain=_lower(reference.get("offset_to_grain")),
                alias=_text(reference.get("alias")),
                has_filter=reference.get("filter") is not None,
            )


def _entries(value: Any) -> list[YamlMap]:
    return [item for item in value if isinstance(item, YamlMap)] if isinstance(value, list) else []


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None
