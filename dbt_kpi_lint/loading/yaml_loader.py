"""Load a dbt project's metrics, semantic models and groups straight from its YAML files.

No dbt import and no `dbt parse`: the files that can hold semantic-layer definitions are found
with a byte-level regex, and only those are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..generate.status_model import generated_paths
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
_NOQA = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)
# Before dbt 1.9 the time spine was the model with this name; MetricFlow still accepts it.
_LEGACY_TIME_SPINE_FILE = "metricflow_time_spine.sql"
_REF = re.compile(r"""ref\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"](?P<name>[^'"]+)['"]""")


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
            contents.time_spine_models.append(path.stem)
        else:
            contents.read_file(path, source_path)
    return contents


def ref_name(model: Any) -> str | None:
    """`ref('orders')` (or `ref('pkg', 'orders')`) -> `orders`."""
    if not isinstance(model, str):
        return None
    match = _REF.search(model)
    return match["name"] if match else None


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
    time_spine_models: list[str] = field(default_factory=list)

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
            time_spine_models=tuple(dict.fromkeys(self.time_spine_models)),
            generated_files={path: self._current_text(path) for path in generated_paths(self.dbt_project.model_paths)},
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
        refusal = _refusal(document, relative)
        if refusal:
            self.problems.append(refusal)
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


def _refusal(document: YamlMap, path: str) -> LoadProblem | None:
    """Why dbt refuses the whole file (its `validate_yaml`), for the keys the linter reads."""
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
            if model.get("time_spine") is not None and isinstance(model.get("name"), str):
                self.project.time_spine_models.append(model["name"])
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
        if not isinstance(name, str) or not self._semantic_model_enabled(entry, name):
            return
        measures = tuple(
            Measure(str(measure.get("name")), _lower(measure.get("agg")), self.at(measure, "name"))
            for measure in _entries(entry.get("measures"))
            if isinstance(measure.get("name"), str)
        )
        self.project.semantic_models.append(
            SemanticModel(
                name=name,
                package=self.project.dbt_project.name,
                model=ref_name(entry.get("model")),
                location=self.at(entry, "name"),
                measures=measures,
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
                name=str(semantic_name), package=self.project.dbt_project.name, model=name,
                location=self.at(model, "name"),
            )
        )
        nested = semantic_model.get("metrics") if isinstance(semantic_model, dict) else None
        for entry in (*_entries(model.get("metrics")), *_entries(nested)):
            self.read_metric(entry, semantic_model=str(semantic_name))

    def _semantic_model_enabled(self, entry: YamlMap, name: str) -> bool:
        inherited = self.project.dbt_project.semantic_model_config(self._fqn(name))
        config = entry.get("config")
        enabled = config.get("enabled", inherited.enabled) if isinstance(config, dict) else inherited.enabled
        return enabled is not False

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

        top_level_meta = self._meta_entries(entry.get("meta"), package)
        config_meta = {**self._render_entries(inherited.meta, package), **self._meta_entries(config.get("meta"), package)}
        group, group_location = inherited.group, inherited.group_location
        for holder in (entry, config):  # config.group wins over a top-level group
            if holder.get("group") is not None:
                group, group_location = holder.get("group"), self.at(holder, "group")

        type_params = entry.get("type_params")
        spec = "legacy" if isinstance(type_params, YamlMap) else "latest"
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
                label=_text(entry.get("label")),
                description=_text(entry.get("description")) or "",
                meta=config_meta or top_level_meta,
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
            )
        )

    def _meta_entries(self, meta: Any, package: str) -> dict[str, MetaEntry]:
        if not isinstance(meta, YamlMap):
            return {}
        return {
            key: MetaEntry(self.project.vars.render(value, package), self.at(meta, key))
            for key, value in meta.items()
        }

    def _render_entries(self, entries: Mapping[str, MetaEntry], package: str) -> dict[str, MetaEntry]:
        return {key: MetaEntry(self.project.vars.render(entry.value, package), entry.location) for key, entry in entries.items()}

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
            yield MetricInput(reference["name"], role, location, _text(reference.get("offset_window")))


def _entries(value: Any) -> list[YamlMap]:
    return [item for item in value if isinstance(item, YamlMap)] if isinstance(value, list) else []


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None
