"""What `check` gives the formatters besides its findings: where paths start, and the lines quoted.

People and editors read the text and JSON formats where they ran the command, so those paths
start at the working directory, as ruff's do. CI services read the other formats against the
repository (GitHub annotations and code scanning, JUnit dashboards, GitLab's merge request
widget), so theirs start at the root of the git work tree around the working directory, or at
the working directory outside any. A monorepo job in `transform/` then reports
`transform/models/…`, a path those services can find.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from ..findings import Finding
from ..formatters import PathBase
from ..loading import yaml_reader

# The line breaks YAML counts (and so the line numbers of findings); str.splitlines() knows more.
_YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def path_base(repository_relative: bool) -> tuple[Path, PathBase]:
    """The directory report paths start from, and how the report states it."""
    working_directory = Path.cwd()
    root = work_tree_root(working_directory) if repository_relative else None
    if root is not None:
        return root, PathBase(_directory_uri(root), "The root of the git work tree the linter ran in.")
    return working_directory, PathBase(_directory_uri(working_directory), "The working directory of the linter.")


def work_tree_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git`, where git itself would stop.

    `.git` is a directory in a clone and a file in a linked worktree or a submodule. Looking for
    it costs a few `stat` calls; `git rev-parse --show-toplevel` would cost a process (and a git
    on the CI image) on every run.
    """
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def source_lines(findings: Iterable[Finding], directory: Path) -> dict[tuple[str, int], str]:
    """The text of each finding's line, by (path, line), its path read from `directory`.

    A file that can no longer be read or decoded (the loader reported it) is quoted nowhere.
    """
    wanted: dict[str, set[int]] = defaultdict(set)
    for finding in findings:
        wanted[finding.location.path].add(finding.location.line)
    quoted: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        try:
            lines = _YAML_LINE_BREAK.split(yaml_reader.decode((directory / path).read_bytes()))
        except (OSError, UnicodeDecodeError):
            continue
        quoted.update(((path, number), lines[number - 1]) for number in numbers if 0 < number <= len(lines))
    return quoted


def _directory_uri(directory: Path) -> str:
    uri = directory.as_uri()
    return uri if uri.endswith("/") else uri + "/"
