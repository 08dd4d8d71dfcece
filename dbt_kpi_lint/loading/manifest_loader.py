"""Load a project from what dbt itself compiled (`target/manifest.json`), with YAML positions.

dbt decides what each metric is: rendered Jinja (`env_var()`, macros), configs from
`dbt_project.yml`, installed packages, enabled or not. The YAML files dbt names
(`original_file_path`) say where each part is written, so a finding points at the same
`path:line:col` as in the YAML mode. The manifest is read as plain JSON; dbt is never imported.

`semantic_manifest.json` is no substitute: it has no file paths and drops every metric's
top-level `meta`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, TypeVar

from ..files import MEBIBYTE, parse_error_text, read_regular_file
from ..model import (
    Group,
    Location,
    Measure,
    MetaEntry,
    Metric,
    MetricInput,
    Project,
    SemanticModel,
    TimeSpine,
)
from .dbt_project import DbtProject, ProjectError, iter_yaml_files, read_dbt_project
from .yaml_loader import (
    _LEGACY_TIME_SPINE_FILE,
    SchemaFiles,
    _first,
    _lower,
    _text,
    cyclic_gc_paused,
    metric_input,
    read_schema_files,
    ref_name,
)
from .yaml_reader import YamlList, YamlMap

MANIFEST_FILE = "manifest.json"
LEGACY_TIME_SPINE_MODEL = _LEGACY_TIME_SPINE_FILE.removesuffix(".sql")
# Manifest schema version -> the dbt releases that write it (dbt docs: 1.7 wrote v11, 1.8 moved to
# v12; 1.9 to 1.12 still write v12, measured with 1.11.16 and 1.12.6).
SUPPORTED_SCHEMAS: Mapping[int, str] = {11: "dbt 1.7", 12: "dbt 1.8 and later"}

# Manifests of the largest projects are a few hundred MB; `json.loads` needs about five times that.
MAX_MANIFEST_BYTES = 1024 * MEBIBYTE
_SCHEMA_URL = re.compile(r"/dbt/(?P<artifact>[a-z_-]+)/v(?P<version>[0-9]{1,9})\.json$")
# Read from the head of a file that is not valid JSON, to say which version was truncated.
_SCHEMA_IN_TEXT = re.compile(rb'"dbt_schema_version"\s*:\s*"(?P<url>[^"]+)"')
_DBT_VERSION_IN_TEXT = re.compile(rb'"dbt_version"\s*:\s*"(?P<version>[^"]+)"')
_Located = TypeVar("_Located", Metric, SemanticModel)


@dataclass(frozen=True)
class Manifest:
    """The parts of dbt's manifest the linter reads, as dbt wrote them."""

    path: Path
    schema_version: int
    dbt_version: str
    project_name: str | None
    metrics: tuple[Mapping[str, Any], ...]
    disabled_metrics: tuple[Mapping[str, Any], ...]
    groups: tuple[Mapping[str, Any], ...]
    semantic_models: tuple[Mapping[str, Any], ...]
    time_spine_models: tuple[Mapping[str, Any], ...]


def default_manifest_path(dbt_project: DbtProject) -> Path:
    """Where `dbt parse` writes the manifest: `DBT_TARGET_PATH`, else the project's target-path."""
    return dbt_project.root / (os.environ.get("DBT_TARGET_PATH") or dbt_project.target_path) / MANIFEST_FILE


def newer_yaml_file(dbt_project: DbtProject, manifest_path: Path) -> str | None:
    """A YAML file (or dbt_project.yml) changed after `manifest_path` was written, if any."""
    written = manifest_path.stat().st_mtime
    candidates = [dbt_project.root / "dbt_project.yml", *(path for path, _ in iter_yaml_files(dbt_project))]
    for path in candidates:
        try:
            if path.stat().st_mtime > written:
                return dbt_project.relative(path)
        except OSError:
            continue
    return None


def read_manifest(path: Path) -> Manifest:
    """Read and check a manifest.json; any problem is a ProjectError naming the file."""
    try:
        raw = read_regular_file(path, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such file; `dbt parse` writes it") from None
    except OSError as error:
        raise ProjectError(f"{path}: cannot read: {error.strerror}") from None
    try:
        document = json.loads(raw)
    except ValueError as error:  # not UTF-8, not JSON, or an integer of more digits than Python reads
        raise ProjectError(f"{path}: {_describe_broken(raw, error)}; re-run `dbt parse` to rewrite it") from None
    except RecursionError:
        raise ProjectError(
            f"{path}: nested too deeply to be a dbt manifest; re-run `dbt parse` to rewrite it"
        ) from None
    if not isinstance(document, dict):
        raise ProjectError(f"{path}: not a dbt manifest (expected a JSON object)")
    metadata = found if isinstance(found := document.get("metadata"), dict) else {}
    url = metadata.get("dbt_schema_version")
    if not isinstance(url, str):
        if {"semantic_models", "metrics", "project_configuration"} <= document.keys():
            raise ProjectError(
                f"{path}: this is semantic_manifest.json, which has no file paths and drops top-level "
                f"meta; pass {MANIFEST_FILE} from the same target directory"
            )
        if {"version", "dialects", "semantic_model"} <= document.keys():
            # dbt 1.12 writes it beside the manifest on every parse.
            raise ProjectError(
                f"{path}: this is osi_document.json, dbt 1.12's export of the semantic layer in the Open "
                f"Semantic Interchange format, which has no file paths and no meta; pass {MANIFEST_FILE} "
                f"from the same target directory"
            )
        raise ProjectError(f"{path}: not a dbt manifest (no metadata.dbt_schema_version)")
    dbt_version = str(metadata.get("dbt_version") or "unknown")
    artifact, version = _schema(url)
    if artifact != "manifest":
        raise ProjectError(f"{path}: a dbt {artifact} artifact ({url}), not {MANIFEST_FILE}")
    if version not in SUPPORTED_SCHEMAS:
        raise ProjectError(
            f"{path}: manifest schema v{version} (written by dbt {dbt_version}) is not supported; "
            f"dbt-kpi-lint reads {_supported()}: re-run `dbt parse` with dbt 1.7 or later"
        )
    return Manifest(
        path=path,
        schema_version=version,
        dbt_version=dbt_version,
        project_name=name if isinstance(name := metadata.get("project_name"), str) else None,
        metrics=_nodes(document, "metrics", path),
        disabled_metrics=tuple(
            node
            for versions in _section(document, "disabled", path).values()
            if isinstance(versions, list)
            for node in versions
            if isinstance(node, dict) and node.get("resource_type") == "metric"
        ),
        groups=_nodes(document, "groups", path),
        semantic_models=_nodes(document, "semantic_models", path),
        time_spine_models=tuple(
            node
            for node in _nodes(document, "nodes", path)
            if node.get("resource_type") == "model"
            and (node.get("time_spine") is not None or node.get("name") == LEGACY_TIME_SPINE_MODEL)
        ),
    )


@cyclic_gc_paused()
def load_manifest_project(
    root: Path,
    manifest_path: Path,
    include_packages: bool = False,
    cli_vars: Mapping[str, Any] | None = None,
) -> Project:
    """The project as dbt compiled it into `manifest_path`, positioned in its YAML files.

    Metrics, groups and semantic models of installed packages are left out unless
    `include_packages`: without it the project is the one the YAML mode sees.
    """
    dbt_project = read_dbt_project(root)
    manifest = read_manifest(manifest_path)
    if manifest.project_name is not None and manifest.project_name != dbt_project.name:
        raise ProjectError(
            f"{manifest_path}: written for dbt project `{manifest.project_name}`, not `{dbt_project.name}` "
            f"({root})"
        )
    projects = {dbt_project.name: dbt_project}
    if include_packages:
        projects.update(_installed_packages(dbt_project))
    written = _read_named_files(projects, _named_files(manifest), manifest_path, cli_vars)
    return _ManifestProject(manifest, projects, written).build(dbt_project)


def _named_files(manifest: Manifest) -> Iterable[tuple[Any, Any]]:
    """(package, path) of each YAML file the manifest's semantic-layer nodes are written in."""
    for node in (*manifest.metrics, *manifest.disabled_metrics, *manifest.groups, *manifest.semantic_models):
        yield node.get("package_name"), node.get("original_file_path")
    # A time spine model's own file is SQL; its `time_spine:` config and columns are in the YAML
    # that patches the model (`package://path`). Without them it would be read as a pre-1.9 spine.
    for node in manifest.time_spine_models:
        patch = node.get("patch_path")
        if isinstance(patch, str) and "://" in patch:
            yield node.get("package_name"), patch.split("://", 1)[1]


def _describe_broken(raw: bytes, error: ValueError) -> str:
    found = _SCHEMA_IN_TEXT.search(raw[:4096])
    if found is None:
        return f"not JSON ({parse_error_text(error)})"
    dbt_version = _DBT_VERSION_IN_TEXT.search(raw[:4096])
    _, version = _schema(found["url"].decode("ascii", "replace"))
    written_by = f", written by dbt {dbt_version['version'].decode('ascii', 'replace')}" if dbt_version else ""
    return f"manifest schema v{version}{written_by} is truncated or corrupt ({parse_error_text(error)})"


def _schema(url: str) -> tuple[str, int]:
    match = _SCHEMA_URL.search(url)
    if match is None:
        return "unknown", -1
    return match["artifact"].replace("-", "_"), int(match["version"])


def _supported() -> str:
    return " and ".join(f"v{version} ({writer})" for version, writer in SUPPORTED_SCHEMAS.items())


def _section(document: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    section = document.get(key, {})
    if not isinstance(section, dict):
        raise ProjectError(f"{path}: `{key}` is not a JSON object; the manifest is corrupt")
    return section


def _nodes(document: Mapping[str, Any], key: str, path: Path) -> tuple[Mapping[str, Any], ...]:
    return tuple(node for node in _section(document, key, path).values() if isinstance(node, dict))


def _installed_packages(dbt_project: DbtProject) -> dict[str, DbtProject]:
    """Installed packages by project name; their files are named relative to the linted project."""
    packages: dict[str, DbtProject] = {}
    install_dir = dbt_project.root / dbt_project.packages_install_path
    if not install_dir.is_dir():
        return packages
    for directory in sorted(install_dir.iterdir()):
        if (directory / "dbt_project.yml").is_file():
            package = read_dbt_project(directory)
            prefix = f"{dbt_project.packages_install_path}/{directory.name}/"
            packages.setdefault(package.name, replace(package, path_prefix=prefix))
    return packages


def _read_named_files(
    projects: Mapping[str, DbtProject],
    named_files: Iterable[tuple[Any, Any]],
    manifest_path: Path,
    cli_vars: Mapping[str, Any] | None,
) -> dict[str, SchemaFiles]:
    """Read, per package, the YAML files the manifest names, in the YAML mode's file order."""
    named: dict[str, set[str]] = {name: set() for name in projects}
    for package, path in named_files:
        if isinstance(package, str) and package in projects and isinstance(path, str):
            named[package].add(path)
    written: dict[str, SchemaFiles] = {}
    for package, paths in named.items():
        project = projects[package]
        files = [(path, source) for path, source in iter_yaml_files(project) if _own_path(project, path) in paths]
        missing = paths - {_own_path(project, path) for path, _ in files}
        for path in sorted(missing):
            if not _is_file(project.root / path):
                raise ProjectError(
                    f"{manifest_path}: names {project.path_prefix}{_shortened(path)}, which does not exist any more; "
                    f"the manifest is stale: re-run `dbt parse`"
                )
            files.append((project.root / path, _source_path(project, path)))
        written[package] = read_schema_files(project, files, cli_vars)
    return written


def _package_of(node: Mapping[str, Any]) -> str | None:
    package = node.get("package_name")
    return package if isinstance(package, str) else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name longer than the file system allows, say
        return False


def _shortened(path: str) -> str:
    return path if len(path) <= 120 else f"{path[:100]}... ({len(path):,} characters)"


def _own_path(project: DbtProject, path: Path) -> str:
    """A file's path as dbt writes `original_file_path`: relative to its own package."""
    return path.relative_to(project.root).as_posix()


def _source_path(project: DbtProject, path: str) -> str:
    matching = [source for source in project.source_paths if source == "." or path.startswith(source + "/")]
    return max(matching, key=len, default=".")


@dataclass
class _ManifestProject:
    """Joins each manifest node with the YAML entry it was compiled from."""

    manifest: Manifest
    projects: Mapping[str, DbtProject]
    written: Mapping[str, SchemaFiles]
    # What each file defines, by (package, file, name), the first written first: a scan of every
    # written metric per manifest node was quadratic in the project's size.
    _metrics: dict[tuple[str, str, str], Metric] = field(init=False, default_factory=dict)
    _semantic_models: dict[tuple[str, str, str], SemanticModel] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for package, files in self.written.items():
            for metric in (*files.metrics, *files.disabled_metrics):
                self._metrics.setdefault((package, metric.location.path, metric.name), metric)
            for model in files.semantic_models:
                self._semantic_models.setdefault((package, model.location.path, model.name), model)

    def build(self, dbt_project: DbtProject) -> Project:
        # Project-wide facts the manifest does not hold (model paths, generated files) as the YAML
        # mode reads them; everything about metrics, groups and semantic models as dbt compiled it.
        written_spines = {spine.model: spine for files in self.written.values() for spine in files.time_spines.values()}
        return replace(
            self.written[dbt_project.name].build(),
            metrics=self._in_file_order(self._metric(node) for node in self.manifest.metrics if self._included(node)),
            groups={
                group.name: group
                for group in (self._group(node) for node in self.manifest.groups if self._included(node))
            },
            semantic_models=self._in_file_order(
                self._semantic_model(node) for node in self.manifest.semantic_models if self._included(node)
            ),
            noqa={key: value for files in self.written.values() for key, value in files.noqa.items()},
            problems=tuple(problem for files in self.written.values() for problem in files.problems),
            files=tuple(self._files()),
            disabled_metrics=tuple(
                str(node.get("name")) for node in self.manifest.disabled_metrics if self._included(node)
            ),
            time_spines=tuple(
                written_spines.get(name) or TimeSpine(name)
                for node in self.manifest.time_spine_models
                if self._included(node) and (name := str(node.get("name")))
            ),
        )

    def _in_file_order(self, items: Iterable[_Located]) -> tuple[_Located, ...]:
        """The YAML mode's order (files as walked, then position), which order-sensitive rules see."""
        file_order = {path: index for index, path in enumerate(self._files())}
        unknown = len(file_order)
        return tuple(sorted(items, key=lambda item: (file_order.get(item.location.path, unknown), item.location)))

    def _files(self) -> list[str]:
        return [path for files in self.written.values() for path in files.files]

    def _included(self, node: Mapping[str, Any]) -> bool:
        return _package_of(node) in self.projects

    def _where(self, node: Mapping[str, Any]) -> tuple[SchemaFiles, str]:
        """The YAML read for the node's package, and the node's file as findings name it."""
        package = str(_package_of(node))
        return self.written[package], self.projects[package].path_prefix + str(node.get("original_file_path"))

    def _stale(self, kind: str, node: Mapping[str, Any], path: str) -> ProjectError:
        return ProjectError(
            f"{self.manifest.path}: {kind} `{node.get('name')}` is not in {path} any more; the manifest "
            f"is older than the YAML: re-run `dbt parse`"
        )

    def _key(self, node: Mapping[str, Any]) -> tuple[str, str, str]:
        """The node's package, its file as findings name it, and its name."""
        _, path = self._where(node)
        name = node.get("name")
        return str(_package_of(node)), path, name if isinstance(name, str) else ""

    def _metric(self, node: Mapping[str, Any]) -> Metric:
        package, path, name = self._key(node)
        written = self._metrics.get((package, path, name))
        if written is None:
            raise self._stale("metric", node, path)
        return _compiled_metric(node, written)

    def _group(self, node: Mapping[str, Any]) -> Group:
        files, path = self._where(node)
        written = files.groups.get(str(node.get("name")))
        if written is None or written.location.path != path:
            raise self._stale("group", node, path)
        owner = found if isinstance(found := node.get("owner"), dict) else {}
        return Group(
            name=written.name,
            package=str(node.get("package_name")),
            owner_name=_text(owner.get("name")),
            owner_email=_text(owner.get("email")),
            location=written.location,
        )

    def _semantic_model(self, node: Mapping[str, Any]) -> SemanticModel:
        package, path, name = self._key(node)
        written = self._semantic_models.get((package, path, name))
        if written is None:
            raise self._stale("semantic model", node, path)
        written_measures = {measure.name: measure for measure in written.measures}
        measures = tuple(
            Measure(
                name=str(measure["name"]),
                agg=_lower(measure.get("agg")),
                location=written_measures[measure["name"]].location
                if measure["name"] in written_measures
                else written.location,
            )
            for measure in _list(node.get("measures"))
            if isinstance(measure, dict) and isinstance(measure.get("name"), str)
        )
        # The YAML entry keeps what the manifest cannot say: its spec (dbt writes both specs' semantic
        # models alike) and its definition as written, which GEN001's fingerprint is computed from.
        return replace(
            written,
            package=str(node.get("package_name")),
            model=ref_name(node.get("model")) or written.model,
            measures=measures,
        )


def _compiled_metric(node: Mapping[str, Any], written: Metric) -> Metric:
    """dbt's view of a metric (values) at the YAML entry's positions.

    dbt 1.10+ writes `meta` = `config.meta` when that is non-empty (top-level meta discarded) and
    the top-level meta otherwise; dbt 1.7 kept them apart. Their union, config winning, is
    dbt's own result for the first and keeps both places for the second.
    """
    config = _dict(node.get("config"))
    params = _dict(node.get("type_params"))
    cumulative = _dict(params.get("cumulative_type_params"))
    conversion = _dict(params.get("conversion_type_params"))
    measure = _dict(params.get("measure"))
    config_meta_values = _dict(config.get("meta"))
    meta_values = _dict(node.get("meta"))
    written_meta = {**written.top_level_meta, **written.config_meta}  # config positions win, as in dbt
    window = _first(cumulative.get("window"), params.get("window"))
    grain_to_date = _first(cumulative.get("grain_to_date"), params.get("grain_to_date"))
    return replace(
        written,
        name=str(node.get("name")),
        package=str(node.get("package_name")),
        type=_lower(node.get("type")) or "",
        label=_text(node.get("label")),
        description=_text(node.get("description")) or "",
        meta=_located({**meta_values, **config_meta_values}, written_meta, written.location),
        # dbt keeps the top-level meta only where it did not replace it; otherwise it is known
        # only from the YAML.
        top_level_meta=_located(meta_values, written.top_level_meta, written.location)
        if meta_values != config_meta_values
        else written.top_level_meta,
        config_meta=_located(config_meta_values, written.config_meta, written.location),
        group=_text(_first(node.get("group"), config.get("group"))),
        inputs=_inputs(params, written),
        measure=_text(measure.get("name")),
        agg=_lower(_dict(params.get("metric_aggregation_params")).get("agg")) or written.agg,
        has_filter=node.get("filter") is not None or measure.get("filter") is not None,
        window=(written.window or _duration(window)) if window else None,
        grain_to_date=(written.grain_to_date or _text(grain_to_date)) if grain_to_date else None,
        period_agg=_lower(cumulative.get("period_agg")) or written.period_agg,
        conversion_calculation=_lower(conversion.get("calculation")),
        expr=_text(params.get("expr")),
    )


def _located(values: Mapping[str, Any], written: Mapping[str, MetaEntry], fallback: Location) -> dict[str, MetaEntry]:
    """dbt's meta values, each at the position its key is written (project or metric YAML)."""
    entries = {}
    for key, value in values.items():
        entry = written.get(key)
        entries[key] = (
            MetaEntry(_with_positions(value, entry.value), entry.location, written=entry.written)
            if entry is not None
            else MetaEntry(value, fallback)
        )
    return entries


def _with_positions(value: Any, written: Any) -> Any:
    """dbt's value, carrying the YAML positions of the same nested keys (a `kpi:` mapping)."""
    if isinstance(value, dict) and isinstance(written, YamlMap):
        mapping = YamlMap(written.line, written.column)
        for key, item in value.items():
            mapping[key] = _with_positions(item, written.get(key))
            if key in written.key_positions:
                mapping.key_positions[key] = written.key_positions[key]
        return mapping
    if isinstance(value, list) and isinstance(written, YamlList) and len(value) == len(written):
        sequence = YamlList(written.line, written.column)
        sequence.extend(_with_positions(item, original) for item, original in zip(value, written))
        sequence.item_positions.extend(written.item_positions)
        return sequence
    return value


def _inputs(params: Mapping[str, Any], written: Metric) -> tuple[MetricInput, ...]:
    """dbt's input metrics, in the order and at the positions they are written."""
    compiled = list(_references(params, written.location))
    unmatched = Counter(reference.name for reference in compiled)
    inputs = []
    for reference in written.inputs:
        if unmatched[reference.name] > 0:
            unmatched[reference.name] -= 1
            inputs.append(reference)
    for reference in compiled:
        if unmatched[reference.name] > 0:
            unmatched[reference.name] -= 1
            inputs.append(reference)
    return tuple(inputs)


def _references(params: Mapping[str, Any], location: Location) -> Iterable[MetricInput]:
    conversion = _dict(params.get("conversion_type_params"))
    cumulative = _dict(params.get("cumulative_type_params"))
    references = [(reference, "input") for reference in _list(params.get("metrics"))]
    references += [
        (params.get("numerator"), "numerator"),
        (params.get("denominator"), "denominator"),
        (cumulative.get("metric"), "input_metric"),
        (conversion.get("base_metric"), "base_metric"),
        (conversion.get("conversion_metric"), "conversion_metric"),
    ]
    for reference, role in references:
        found = metric_input(reference, role, location, window=_duration)
        if found is not None:
            yield found


def _duration(value: Any) -> str | None:
    """dbt writes a window as {count, granularity}; the YAML spelling is `<count> <granularity>`."""
    if isinstance(value, dict) and value.get("count") is not None:
        return f"{value['count']} {value.get('granularity')}"
    return _text(value)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

