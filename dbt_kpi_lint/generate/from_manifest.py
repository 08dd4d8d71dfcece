"""The semantic manifest dbt wrote (`target/semantic_manifest.json`), its relations as placeholders.

For what the YAML alone cannot say: Jinja other than `var()` in semantic definitions,
`env_var()`, semantic models from packages. dbt's semantic manifest names each model by one
target's relation (`"db"."schema"."table"`); `manifest.json` says which model that relation is,
so each becomes the placeholder of a `ref()`, exactly as in the YAML path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..kpi.semantic_manifest import ModelRef, Relations
from ..loading.dbt_project import ProjectError, read_dbt_project
from ..loading.manifest_loader import (
    default_manifest_path,
    load_manifest_project,
    newer_yaml_file,
)
from ..model import Project

SEMANTIC_MANIFEST_FILE = "semantic_manifest.json"


@dataclass(frozen=True)
class DbtSemanticManifest:
    document: dict[str, Any]
    relations: Relations


def read_dbt_semantic_manifest(target_dir: Path, manifest: Mapping[str, Any], project_name: str) -> DbtSemanticManifest:
    """dbt's semantic manifest in `target_dir`, each relation replaced by a `ref()` placeholder.

    `manifest` is the `manifest.json` of the same run, as JSON.
    """
    path = target_dir / SEMANTIC_MANIFEST_FILE
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such file; `dbt parse` writes it") from None
    except (OSError, ValueError) as error:
        raise ProjectError(f"{path}: cannot read it ({error}); re-run `dbt parse`") from None
    if not isinstance(document, dict) or not isinstance(document.get("semantic_models"), list):
        raise ProjectError(f"{path}: not a dbt semantic manifest")
    relations = Relations()
    models = _models_by_relation(manifest, project_name)
    # MetricFlow requires semantic model names unique across the project and its packages.
    nodes = {node.get("name"): node for node in _section(manifest, "semantic_models").values() if isinstance(node, dict)}
    for semantic_model in document["semantic_models"]:
        node = nodes.get(semantic_model.get("name"))
        model = _model_of(node, project_name) if node else None
        if model is None:
            raise ProjectError(
                f"{path}: semantic model `{semantic_model.get('name')}` is not in manifest.json; the two files are "
                f"from different runs: re-run `dbt parse`"
            )
        semantic_model["node_relation"] = relations.node_relation(model)
    configuration = document.get("project_configuration") or {}
    for spine in configuration.get("time_spines") or []:
        spine["node_relation"] = relations.node_relation(_spine(models, spine["node_relation"]["relation_name"], path))
    for legacy in configuration.get("time_spine_table_configurations") or []:
        legacy["location"] = relations.placeholder(_spine(models, legacy["location"], path))
    return DbtSemanticManifest(document, relations)


def _section(manifest: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = manifest.get(key)
    return section if isinstance(section, dict) else {}


def _model_of(node: Mapping[str, Any], project_name: str) -> ModelRef | None:
    for unique_id in (node.get("depends_on") or {}).get("nodes") or []:
        kind, package, name = (unique_id.split(".", 2) + ["", ""])[:3]
        if kind == "model":
            return ModelRef(name, None if package == project_name else package)
    return None


def _models_by_relation(manifest: Mapping[str, Any], project_name: str) -> dict[str, ModelRef]:
    return {
        node["relation_name"]: ModelRef(
            str(node.get("name")), None if node.get("package_name") == project_name else node.get("package_name")
        )
        for node in _section(manifest, "nodes").values()
        if isinstance(node, dict) and node.get("resource_type") == "model" and node.get("relation_name")
    }


def _spine(models: Mapping[str, ModelRef], relation_name: str, path: Path) -> ModelRef:
    if relation_name not in models:
        raise ProjectError(f"{path}: time spine {relation_name} is no model in manifest.json: re-run `dbt parse`")
    return models[relation_name]


@dataclass(frozen=True)
class ManifestSources:
    """What `generate --from-manifest` reads: dbt's semantic manifest and the project as dbt compiled it."""

    document: dict[str, Any]
    relations: Relations
    project: Project


def read_manifest_sources(root: Path, yaml_project: Project) -> ManifestSources:
    """The target directory's manifest.json and semantic_manifest.json of the project at `root`."""
    dbt_project = read_dbt_project(root)
    manifest_path = default_manifest_path(dbt_project)
    project = load_manifest_project(root, manifest_path)
    changed = newer_yaml_file(dbt_project, manifest_path)
    if changed:
        raise ProjectError(f"{changed} changed after {manifest_path} was written: re-run `dbt parse` first")
    manifest = json.loads(manifest_path.read_bytes())
    semantic = read_dbt_semantic_manifest(manifest_path.parent, manifest, yaml_project.name)
    return ManifestSources(in_project_order(semantic.document, project), semantic.relations, project)


def in_project_order(document: dict[str, Any], project: Project) -> dict[str, Any]:
    """`document` with its semantic models and metrics in the order of the project's YAML.

    dbt lists them in the order the filesystem returns files, which differs between machines;
    MetricFlow's SQL depends on that order (which of two equivalent columns comes first), and a
    generated file must be the same on every machine.
    """
    names = {
        "semantic_models": [model.name for model in project.semantic_models],
        "metrics": [metric.name for metric in project.metrics],
    }
    for key, ordered in names.items():
        position = {name: index for index, name in enumerate(ordered)}
        document[key] = sorted(document[key], key=lambda item: (position.get(item.get("name"), len(position)), str(item.get("name"))))
    return document
