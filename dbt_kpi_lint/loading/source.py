"""Which picture of a project to lint: its YAML files, or the manifest dbt compiled from them.

The YAML files are the default: reading them needs no `dbt parse`, sees uncommitted edits, and
stays fast on large projects, where a manifest is tens of megabytes of JSON (an 85 MB manifest
took 1.6 s to load here, longer than linting the whole project from YAML). A manifest adds what
only dbt knows: Jinja beyond `var()`, installed packages. `auto` takes it when it is fresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from ..model import Project
from .dbt_project import DbtProject, ProjectError, read_dbt_project
from .manifest_loader import (
    default_manifest_path,
    load_manifest_project,
    newer_yaml_file,
)
from .yaml_loader import cyclic_gc_paused, load_project


class Source(str, Enum):
    YAML = "yaml"
    MANIFEST = "manifest"
    AUTO = "auto"  # the manifest when it is newer than every YAML file, else the YAML files


@dataclass(frozen=True)
class LoadedProject:
    project: Project
    manifest: Path | None  # the manifest read; None when the YAML files were
    warning: str | None = None


@cyclic_gc_paused()
def load_linted_project(
    root: Path,
    source: Source,
    manifest_path: Path | None = None,
    include_packages: bool = False,
    cli_vars: Mapping[str, Any] | None = None,
) -> LoadedProject:
    """Load `root` from the chosen source; a manifest path given means the manifest."""
    if manifest_path is not None and source is Source.YAML:
        raise ProjectError("--manifest and --source yaml contradict each other; drop one")
    if manifest_path is not None:
        source = Source.MANIFEST
    if source is Source.YAML:
        if include_packages:
            raise ProjectError(
                "--include-packages needs dbt's manifest (packages are compiled by dbt): "
                "run `dbt parse` and add --source manifest"
            )
        return LoadedProject(load_project(root, cli_vars), None)

    dbt_project = read_dbt_project(root)
    path = manifest_path or default_manifest_path(dbt_project)
    if source is Source.AUTO:
        reason = _why_not_manifest(dbt_project, path, cli_vars)
        if reason is not None:
            if include_packages:
                raise ProjectError(f"--include-packages needs dbt's manifest, and {reason}")
            return LoadedProject(load_project(root, cli_vars), None)
    changed = newer_yaml_file(dbt_project, path) if path.is_file() else None
    warning = (
        f"{path} is older than {changed}: findings show the project as of the last `dbt parse`"
        if changed
        else None
    )
    return LoadedProject(load_manifest_project(root, path, include_packages, cli_vars), path, warning)


def _why_not_manifest(dbt_project: DbtProject, path: Path, cli_vars: Mapping[str, Any] | None) -> str | None:
    if cli_vars:
        return "--vars were given, which the manifest cannot reflect"
    if not path.is_file():
        return f"there is no {path} (run `dbt parse`)"
    changed = newer_yaml_file(dbt_project, path)
    if changed:
        return f"{path} is older than {changed} (run `dbt parse`)"
    return None
