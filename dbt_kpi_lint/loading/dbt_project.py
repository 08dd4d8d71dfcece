"""What the linter needs from `dbt_project.yml`: name, source paths, vars and resource configs."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from ..files import read_regular_file
from ..model import Location, MetaEntry
from . import yaml_reader
from .yaml_reader import YamlMap

PROJECT_FILE = "dbt_project.yml"
DBTIGNORE_FILE = ".dbtignore"
# One specifier of `require-dbt-version` that bounds it from below: `>=1.12.0`, `>1.11`, `1.12.3`.
_LOWER_BOUND = re.compile(r"^\s*(?:>=|>|==|=)?\s*v?(?P<major>\d+)\.(?P<minor>\d+)")


class ProjectError(Exception):
    """The project cannot be linted at all (exit code 2)."""


@dataclass(frozen=True)
class ResourceConfig:
    """Configs a resource inherits from `dbt_project.yml`, merged the way dbt merges them."""

    meta: Mapping[str, MetaEntry] = field(default_factory=dict)
    enabled: Any = True
    group: Any = None
    group_location: Location | None = None


@dataclass(frozen=True)
class DbtProject:
    name: str
    root: Path
    source_paths: tuple[str, ...]
    model_paths: tuple[str, ...]
    ignored_dirs: frozenset[str]
    vars: Mapping[str, Any]
    metric_configs: Mapping[str, Any]
    semantic_model_configs: Mapping[str, Any]
    target_path: str = "target"
    packages_install_path: str = "dbt_packages"
    flags: Mapping[str, Any] = field(default_factory=dict)
    oldest_dbt_version: tuple[int, int] | None = None
    profile: str | None = None  # the profiles.yml entry dbt connects with
    # Findings name files relative to the linted project; an installed package's files get its
    # directory as prefix ("dbt_packages/<package>/").
    path_prefix: str = ""

    def relative(self, path: Path) -> str:
        text, root = str(path), str(self.root)
        # A file found under the root by walking it is its text after the root's (`relpath` costs
        # 20 µs a call, 40 ms for a project of 2,000 files); only a `..` step needs normalizing.
        if text.startswith(root) and text[len(root) : len(root) + 1] == os.sep and ".." not in text:
            return self.path_prefix + text[len(root) + 1 :].replace(os.sep, "/")
        # relpath, not relative_to: a source path may sit outside the project (`../shared`, `/abs`).
        return self.path_prefix + Path(os.path.relpath(path, self.root)).as_posix()

    def metric_config(self, fqn: list[str]) -> ResourceConfig:
        return _merge_levels(self.metric_configs, fqn, self.path_prefix + PROJECT_FILE)

    def semantic_model_config(self, fqn: list[str]) -> ResourceConfig:
        return _merge_levels(self.semantic_model_configs, fqn, self.path_prefix + PROJECT_FILE)


def find_project_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` that holds a dbt_project.yml."""
    current = start if start.is_dir() else start.parent
    for candidate in (current, *current.parents):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    return None


def read_dbt_project(root: Path) -> DbtProject:
    path = root / PROJECT_FILE
    try:
        text = _project_text(path, str(path), yaml_reader.decode)
    except FileNotFoundError:
        raise ProjectError(f"{path}: no dbt_project.yml here; pass the dbt project directory") from None
    try:
        document = yaml_reader.parse(text)
    except yaml_reader.YamlError as error:
        raise ProjectError(f"{PROJECT_FILE}:{error.line}:{error.column}: invalid YAML: {error.reason}") from None
    if not isinstance(document, dict):
        raise ProjectError(f"{PROJECT_FILE}: expected a mapping of project settings")
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise ProjectError(f"{PROJECT_FILE}: the project has no `name`")

    def paths(key: str, legacy_key: str | None, default: str) -> list[str]:
        value = document.get(key)
        if value is None and legacy_key:
            value = document.get(legacy_key)
        if value is None:
            return [default]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ProjectError(f"{PROJECT_FILE}: `{key}` must be a list of directories")
        return value

    model_paths = paths("model-paths", "source-paths", "models")
    source_paths = [
        *model_paths,
        *paths("seed-paths", "data-paths", "seeds"),
        *paths("snapshot-paths", None, "snapshots"),
        *paths("analysis-paths", None, "analyses"),
        *paths("macro-paths", None, "macros"),
        *paths("test-paths", None, "tests"),
        *paths("function-paths", None, "functions"),
    ]
    ignored = {"dbt_packages", "dbt_modules", "logs", "target"}
    for key in ("target-path", "packages-install-path", "log-path"):
        value = document.get(key)
        if isinstance(value, str):
            ignored.add(value.strip("/"))
    vars_ = document.get("vars") or {}
    return DbtProject(
        name=name,
        root=root,
        source_paths=tuple(dict.fromkeys(path.rstrip("/") or "." for path in source_paths)),
        model_paths=tuple(model_paths),
        ignored_dirs=frozenset(ignored),
        vars=vars_ if isinstance(vars_, dict) else {},
        metric_configs=_mapping(document.get("metrics")),
        semantic_model_configs=_mapping(document.get("semantic-models")),
        target_path=_directory(document.get("target-path"), "target"),
        packages_install_path=_directory(document.get("packages-install-path"), "dbt_packages"),
        flags=_mapping(document.get("flags")),
        profile=profile if isinstance(profile := document.get("profile"), str) else None,
        oldest_dbt_version=_oldest_version(document.get("require-dbt-version")),
    )


def _oldest_version(required: Any) -> tuple[int, int] | None:
    """The oldest (major, minor) `require-dbt-version` admits; None when it sets no lower bound.

    `<` and `!=` specifiers bound nothing from below, so they are skipped.
    """
    specifiers = required if isinstance(required, list) else [required]
    bounds = [
        (int(match["major"]), int(match["minor"]))
        for specifier in specifiers
        if isinstance(specifier, str)
        and not specifier.lstrip().startswith(("<", "!"))
        and (match := _LOWER_BOUND.match(specifier))
    ]
    return max(bounds, default=None)


def iter_yaml_files(project: DbtProject, also: frozenset[str] = frozenset()) -> Iterator[tuple[Path, str]]:
    """Every schema YAML file dbt would read (and files named in `also`), with its source path.

    As dbt does: every directory is walked, hidden ones too; a file name starting with `.`, `#`
    or `~` (editor backups and lock files) is skipped; the extension is matched in any case; and
    a `.dbtignore` at the project root excludes what it names.
    """
    ignored = _dbtignore(project.root)
    seen: set[Path] = set()
    for source_path in project.source_paths:
        base = project.root / source_path
        if not base.is_dir():
            continue
        for directory, subdirs, files in _walk(base):
            here = Path(directory)
            subdirs[:] = sorted(
                name for name in subdirs if not (here == project.root and name in project.ignored_dirs)
            )
            for file_name in sorted(files):
                if not (_is_schema_file(file_name) or file_name in also):
                    continue
                path = here / file_name
                if path in seen or (ignored and ignored(os.path.join(source_path, path.relative_to(base)))):
                    continue
                seen.add(path)
                yield path, source_path


def _walk(top: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)`, top-down and not into linked directories, on an explicit stack.

    os.walk recurses once per directory level: 1,500 nested directories (a path of 3,000
    characters) exceeded Python's recursion limit. As there, the caller may prune `subdirs`, and an
    unreadable directory is passed over.
    """
    pending = [os.fspath(top)]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:
            continue
        subdirs: list[str] = []
        files: list[str] = []
        for entry in listed:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (subdirs if is_dir else files).append(entry.name)
        yield directory, subdirs, files
        for name in reversed(subdirs):
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                pending.append(path)


def _is_schema_file(file_name: str) -> bool:
    """dbt's `[!.#~]*.yml` / `[!.#~]*.yaml`, matched case-insensitively."""
    return (
        file_name.lower().endswith((".yml", ".yaml"))
        and not file_name.startswith((".", "#", "~"))
        and file_name != PROJECT_FILE
    )


def _dbtignore(root: Path) -> Callable[[str], bool] | None:
    """The `.dbtignore` matcher (gitignore syntax, paths relative to the project root), if any."""
    try:
        lines = _project_text(root / DBTIGNORE_FILE, DBTIGNORE_FILE, bytes.decode).splitlines()
    except FileNotFoundError:
        return None
    import pathspec  # only projects with a .dbtignore pay for the import

    try:
        return pathspec.PathSpec.from_lines("gitwildmatch", lines).match_file
    except (ValueError, re.error):
        raise ProjectError(_invalid_dbtignore_line(lines)) from None


def _project_text(path: Path, shown: str, decode: Callable[[bytes], str]) -> str:
    """A project file's text; FileNotFoundError passes, any other failure is a ProjectError."""
    try:
        return decode(read_regular_file(path))
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ProjectError(f"{shown}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ProjectError(f"{shown}: cannot read: {error}; save it as UTF-8") from None


def _invalid_dbtignore_line(lines: list[str]) -> str:
    """Which line pathspec, as dbt reads `.dbtignore`, refuses (dbt stops on it too), and why."""
    import pathspec

    for number, line in enumerate(lines, start=1):
        try:
            pathspec.PathSpec.from_lines("gitwildmatch", [line])
        except (ValueError, re.error) as error:
            return (
                f"{DBTIGNORE_FILE}:{number}: `{line}` is not a valid gitignore pattern ({error}), so dbt cannot "
                f"read the project either: correct or remove the line"
            )
    return f"{DBTIGNORE_FILE}: its patterns are not valid together; dbt cannot read the project either"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _directory(value: Any, default: str) -> str:
    return value.rstrip("/") if isinstance(value, str) and value.strip("/") else default


def _merge_levels(configs: Mapping[str, Any], fqn: list[str], project_file: str) -> ResourceConfig:
    """dbt's fqn_search: each level's `+key` (or non-mapping) entries apply, deeper ones win."""
    meta: dict[str, MetaEntry] = {}
    enabled: Any = True
    group: Any = None
    group_location: Location | None = None
    level: Mapping[str, Any] = configs
    levels = [level]
    for part in fqn:
        nested = level.get(part)
        if not isinstance(nested, dict):
            break
        levels.append(nested)
        level = nested
    for level in levels:
        for key, value in level.items():
            if not isinstance(key, str):
                continue
            if key.startswith("+"):
                name = key[1:].strip()
            elif not isinstance(value, dict):
                name = key
            else:
                continue
            if name == "meta" and isinstance(value, YamlMap):
                for meta_key, meta_value in value.items():
                    line, column = value.position_of(meta_key)
                    meta[meta_key] = MetaEntry(meta_value, Location(project_file, line, column))
            elif name == "enabled":
                enabled = value
            elif name == "group":
                group = value
                if isinstance(level, YamlMap):
                    group_location = Location(project_file, *level.position_of(key))
    return ResourceConfig(meta=meta, enabled=enabled, group=group, group_location=group_location)
