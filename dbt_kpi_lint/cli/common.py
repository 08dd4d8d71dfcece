"""What the commands share: exit codes, the one-line usage error, finding the project, writing output."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.settings import Settings
from ..loading.dbt_project import PROJECT_FILE, find_project_root

if TYPE_CHECKING:
    from ..model import Project

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit code 2."""


@dataclass
class Target:
    """One dbt project to work on, and the files in it the user asked about (None: all)."""

    root: Path
    report_paths: set[str] | None = field(default_factory=set)


def targets(paths: list[Path]) -> list[Target]:
    """The projects `paths` lie in (default: the one around the working directory)."""
    if not paths:
        root = find_project_root(Path.cwd())
        if root is None:
            raise UsageError(f"no {PROJECT_FILE} in {Path.cwd()} or above; pass the dbt project directory")
        return [Target(root, None)]
    found: dict[Path, Target] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        root = find_project_root(path.resolve())
        if root is None:
            if path.is_dir():
                raise UsageError(f"{path}: no {PROJECT_FILE} here or above; pass the dbt project directory")
            continue  # a file outside any dbt project, as pre-commit may pass: nothing to lint
        target = found.setdefault(root, Target(root))
        relative = path.resolve().relative_to(root).as_posix()
        if path.is_dir() or relative == PROJECT_FILE:
            target.report_paths = None  # the whole project is asked for
        elif target.report_paths is not None:
            target.report_paths.add(relative)
    return list(found.values())


def one_project(path: Path | None) -> Path:
    """The root of the one dbt project a command works on: `path`'s, or the working directory's."""
    found = targets([path] if path else [])
    if not found:
        raise UsageError(f"{path}: not inside a dbt project")
    return found[0].root


def configured_settings(config_path: Path | None, project_root: Path) -> Settings:
    """The settings of `config_path`, or of the configuration file found from the project root,
    validated against the codes, options and dialects this install has."""
    from ..config.file import find_config, read_config, settings_from
    from ..generate.dialects import DIALECTS  # its table only: no MetricFlow
    from ..rules import configurable_rules

    config = read_config(config_path) if config_path else find_config(project_root)
    return settings_from(config, replace(configurable_rules(), dialects=tuple(DIALECTS)))


def every_file_read(project: Project, command: str) -> Project:
    """`project`, for a command that works on the whole of it (`generate`, `certify`, `review`):
    refused when a schema file could not be read (a YML001 or YML002 finding of the lint), since
    what that file defines would be missing from the command's result without a word. The lint
    itself reports such files and goes on."""
    if not project.problems:
        return project
    first = min(project.problems, key=lambda problem: (problem.location.path, problem.location.line))
    others = len({problem.location.path for problem in project.problems}) - 1
    more = f"; {others} more file{'s' if others != 1 else ''} too (`dbt-kpi-lint check` lists them)" if others else ""
    raise UsageError(
        f"{display_prefix(project.root)}{first.location}: {first.message}: `{command}` needs every schema file of "
        f"the project and dbt refuses this one: fix it first{more}"
    )


def display_prefix(project_root: str | Path, base: Path | None = None) -> str:
    """From `base` (default: the working directory) to the project root, "" or ending in "/"."""
    prefix = os.path.relpath(project_root, base or Path.cwd()).replace(os.sep, "/")
    return "" if prefix == "." else prefix + "/"


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
