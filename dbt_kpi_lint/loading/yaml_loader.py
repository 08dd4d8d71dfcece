"""Load a dbt project's metrics, semantic models and groups straight from its YAML files.

No dbt import and no `dbt parse`: the files that can hold semantic-layer definitions are found
with a byte-level regex, and only those are parsed.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from ..files import (
    FileTooLarge,
    NotARegularFile,
    megabytes,
    read_regular_file,
    read_regular_text,
)
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
from .generated_paths import GeneratedPaths
from .jinja import VarResolver
from .yaml_reader import YamlList, YamlMap

# A file can define semantic-layer objects only if the YAML reader finds one of these keys in it.
_RELEVANT_KEYS = (b"metrics", b"semantic_models", b"semantic_model", b"groups", b"time_spine")
# A file holding a key holds one of these (`semantic_model` is in `semantic_models`).
_KEY_SUBSTRINGS = tuple(
    key for key in _RELEVANT_KEYS if not any(other in key for other in _RELEVANT_KEYS if other != key)
)
# Where the YAML reader could find one of the keys: wider than YAML's rules, never narrower, and not
# tied to line starts, which YAML also makes with CR, NEL (U+0085), LS and PS (U+2028/9).
# `{"metrics" :`, `!!str metrics:`
_IMPLICIT_KEY = re.compile(rb"(?:" + b"|".join(_RELEVANT_KEYS) + rb""")["']?[ \t]*:""")
# `? metrics`, whose `:` may come lines later
_EXPLICIT_KEY = re.compile(rb"(?:\A|[\s,\[{\x85\xa8\xa9\xbf-])\?(?:[\s\xc2\xe2]|\Z)")
# `*k :`, the alias of a scalar anchored anywhere (`&k metrics`)
_ALIAS_KEY = re.compile(rb"\*[\w-]+[ \t]*:")
# Escapes that spell letters in a double-quoted scalar (`"\x6detrics"`), or join its lines without a space.
_SPELLING_ESCAPE = re.compile(rb"\\(?:[xuU]|[\r\n]|\xc2\x85|\xe2\x80[\xa8\xa9])")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# dbt refuses a whole schema file when one of these keys is not a list of mappings.
_LIST_KEYS = ("groups", "semantic_models", "models", "metrics")
# A second document (`---` or `...` opening a later line): dbt reads one document per file and
# refuses the rest, whatever keys they hold, so such a file is parsed. Only `\n` is looked for:
# other line breaks would make this test the slowest of the lint, and a file without a key of
# ours has no metric to lose.
_LATER_DOCUMENT = re.compile(rb"\n(?:---|\.\.\.)(?:[ \t\r\n]|$)")
_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
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
_PACKAGE_FILES = ("packages.yml", "dependencies.yml")
_REF = re.compile(r"""ref\(\s*(?:['"](?P<package>[^'"]+)['"]\s*,\s*)?['"](?P<name>[^'"]+)['"]""")


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Loading allocates a tree of containers that hold no reference cycles, so the cyclic collector
    finds nothing, yet it rescans the growing heap again and again: 40% of loading 10,000 metrics
    from YAML and 60% of json-decoding a 72 MB manifest, a share that grows with the project.
    Every loader runs under it (nested pauses restore what they found)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cyclic_gc_paused()
def load_project(root: Path, cli_vars: Mapping[str, Any] | None = None) -> Project:
    dbt_project = read_dbt_project(root)
    return read_schema_files(dbt_project, _project_files(dbt_project), cli_vars).build()


def schema_sources(dbt_project: DbtProject) -> Iterator[tuple[str, bytes | None]]:
    """What `load_project` reads of each file, unparsed: the bytes of each file it parses, None
    for one it cannot read and for a legacy time spine (its name alone counts). A file it passes
    over unparsed is left out: its bytes do not change what is loaded."""
    for path, _ in _project_files(dbt_project):
        relative = dbt_project.relative(path)
        if path.name == _LEGACY_TIME_SPINE_FILE:
            yield relative, None
            continue
        try:
            raw = read_regular_file(path)
        except OSError:
            yield relative, None
            continue
        if _worth_parsing(raw):
            yield relative, raw


def generated_texts(dbt_project: DbtProject) -> dict[str, str | None]:
    """Path -> current text of each file `generate` owns; None when absent or unreadable."""
    return {path: _text_or_none(dbt_project.root / path) for path in GeneratedPaths.of(dbt_project.model_paths).all()}


def declares_packages(dbt_project: DbtProject) -> bool:
    """Whether the project lists dbt packages (`packages.yml`, `dependencies.yml`) or has some installed."""
    root = dbt_project.root
    installed = root / dbt_project.packages_install_path
    return any((root / name).is_file() for name in _PACKAGE_FILES) or (
        installed.is_dir() and any(installed.iterdir())
    )


def _text_or_none(path: Path) -> str | None:
    try:
        return read_regular_text(path)
    except (OSError, UnicodeDecodeError):
        return None


def _project_files(dbt_project: DbtProject) -> Iterator[tuple[Path, str]]:
    return iter_yaml_files(dbt_project, also=frozenset({_LEGACY_TIME_SPINE_FILE}))


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
            generated_files=generated_texts(self.dbt_project),
            declares_packages=declares_packages(self.dbt_project),
        )

    def read_file(self, path: Path, source_path: str) -> None:
        relative = self.dbt_project.relative(path)
        try:
            raw = read_regular_file(path)
        except OSError as error:
            self.problems.append(LoadProblem(Location(relative, 1, 1), _unreadable(error)))
            return
        if not _worth_parsing(raw):
            return
        try:
            text = yaml_reader.decode(raw)
        except UnicodeDecodeError as error:
            readable = raw[: error.start].decode("utf-8", "replace")
            self.problems.append(
                LoadProblem(
                    Location(relative, *_position(readable, len(readable))),
                    f"file is not UTF-8 ({error.reason}); save it as UTF-8",
                )
            )
            return
        if "\x00" in text:
            self.problems.append(
                LoadProblem(
                    Location(relative, *_position(text, text.index("\x00"))),
                    "the file holds NUL characters, which dbt refuses (unacceptable character #x0000): it is "
                    "probably UTF-16 without a byte-order mark; save it as UTF-8",
                )
            )
            return
        try:
            document = yaml_reader.parse(text)
        except yaml_reader.YamlError as error:
            self.problems.append(LoadProblem(Location(relative, error.line, error.column), error.reason))
            return
        self.files.append(relative)
        self._collect_noqa(relative, text)
        if document is None:  # an empty file, or comments only: dbt reads nothing from it either
            return
        if not isinstance(document, YamlMap):
            self.problems.append(_not_a_mapping(document, relative))
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


def _not_a_mapping(document: Any, path: str) -> LoadProblem:
    """dbt's `yaml_from_file`: a schema file must be a mapping ("Dictionary expected")."""
    kind = "a list" if isinstance(document, YamlList) else "a single value"
    where = Location(path, document.line, document.column) if isinstance(document, YamlList) else Location(path, 1, 1)
    return LoadProblem(
        where,
        f"the file holds {kind}, not a mapping of keys such as `metrics:`, so dbt refuses it: make its top level "
        f"a mapping",
    )


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


def _unreadable(error: OSError) -> str:
    if isinstance(error, FileTooLarge):
        return (
            f"file is {megabytes(error.size)}, more than the {megabytes(error.max_bytes)} dbt-kpi-lint reads from one "
            f"YAML file: split it into smaller files"
        )
    if isinstance(error, NotARegularFile):
        return (
            "not a regular file but a FIFO, a device or a socket, which dbt would hang or fail reading: replace it "
            "with a regular YAML file, or delete it"
        )
    return f"cannot read file: {error.strerror}"


def _worth_parsing(raw: bytes) -> bool:
    """Whether the YAML reader could find a key of a semantic-layer object in `raw`, or refuse it whole.

    Never false for a file the reader would find such a key in: dbt would read the file's metrics.
    UTF-16 (its BOM), NUL bytes (UTF-16 without a BOM, which dbt refuses) and a later document
    (which dbt refuses) always count.
    """
    return (
        _may_define_semantic_objects(raw)
        or raw.startswith(_UTF16_BOMS)
        or b"\x00" in raw
        or _LATER_DOCUMENT.search(raw) is not None
    )


def _may_define_semantic_objects(raw: bytes) -> bool:
    # The substring tests are ~10x cheaper than the regexes on the thousands of model files that
    # mention none of the keys and escape nothing; a regex runs only where its first byte occurs.
    if any(key in raw for key in _KEY_SUBSTRINGS) and (
        _IMPLICIT_KEY.search(raw) is not None
        or (b"?" in raw and _EXPLICIT_KEY.search(raw) is not None)
        or (b"*" in raw and _ALIAS_KEY.search(raw) is not None)
    ):
        return True
    return b"\\" in raw and _SPELLING_ESCAPE.search(raw) is not None


def _position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]`, counting YAML's line breaks."""
    line, line_start = 1, 0
    for line_break in _YAML_LINE_BREAK.finditer(text, 0, index):
        line, line_start = line + 1, line_break.end()
    return line, index - line_start + 1


def _fqn_dirs(path: Path, source_root: Path) -> list[str]:
    try:
        return list(path.relative_to(source_root).parent.parts)
    except ValueError:  # a file outside every source path, as only a hand-made manifest names one
        return []


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

        metric_type = _lower(entry.get("type")) or ""
        params = type_params if isinstance(type_params, YamlMap) else entry
        cumulative = params.get("cumulative_type_params")
        cumulative = cumulative if isinstance(cumulative, YamlMap) else YamlMap(0, 0)
        # A latest-spec metric's own `window` is a cumulative window only on a cumulative metric:
        # dbt 1.12 reads a conversion metric's into its conversion_type_params.
        windowed = params if spec == "legacy" or metric_type == "cumulative" else YamlMap(0, 0)
        legacy_window_keys = tuple(
            self.at(params, key) for key in ("window", "grain_to_date") if spec == "legacy" and key in params
        )
        conversion = params.get("conversion_type_params")
        conversion = conversion if isinstance(conversion, YamlMap) else params

        measure = params.get("measure")
        measure_name = measure.get("name") if isinstance(measure, dict) else measure
        metrics.append(
            Metric(
                name=name,
                package=package,
                type=metric_type,
                location=self.at(entry, "name"),
                spec=spec,
                # dbt 1.12 labels a metric without one by its name (dbt 1.11 requires a label).
                label=_text(self.project.vars.render(entry.get("label"), package)) or name,
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
                window=_text(_first(cumulative.get("window"), windowed.get("window"))),
                grain_to_date=_text(_first(cumulative.get("grain_to_date"), windowed.get("grain_to_date"))),
                period_agg=_lower(_first(cumulative.get("period_agg"), windowed.get("period_agg")))
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
        found = metric_input(reference, role, location)
        if found is not None:
            yield found


def metric_input(
    reference: Any, role: str, location: Location, window: Callable[[Any], str | None] | None = None
) -> MetricInput | None:
    """A metric reference, `name` or `{name, offset_window, offset_to_grain, alias, filter}`;
    `window` reads `offset_window` (dbt's manifest writes it as {count, granularity})."""
    if isinstance(reference, str):
        return MetricInput(reference, role, location)
    if not isinstance(reference, dict) or not isinstance(reference.get("name"), str):
        return None
    return MetricInput(
        reference["name"],
        role,
        location,
        offset_window=(window or _text)(reference.get("offset_window")),
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
