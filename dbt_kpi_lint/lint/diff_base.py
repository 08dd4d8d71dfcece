"""`--diff-base REF`: report only findings about metrics whose definition changed since REF.

The whole project is still loaded and checked; this only decides which findings are shown.
Changes are taken from `git diff` between the merge base of REF and HEAD and the working tree
(committed, staged and unstaged edits), plus untracked files, which count as changed entirely.

A metric counts as changed when
- a line of its own YAML entry (the list item holding its `name:`) changed;
- a line it inherits from changed: a `+meta` / `+group` entry of dbt_project.yml that applies
  to it, the definition of its dbt group (the owner), or the measure it aggregates;
- or a metric it is computed from (ratio, derived, cumulative or conversion inputs, followed
  transitively) changed: a KPI's meaning is its inputs' meaning, so a pull request that turns
  an input into an all-time total is shown the KPIs it affects.
Changed `vars` values are not followed. A finding about no metric (an unreadable file, a
project-wide rule) is shown when its file changed at all.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..files import read_regular_file
from ..findings import Finding
from ..git import Git
from ..loading import yaml_reader
from ..model import Location, Metric, Project

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_WHOLE_FILE = None


@dataclass(frozen=True)
class ChangedLines:
    """Changed lines by project-relative path; None for a file that is new as a whole."""

    files: Mapping[str, frozenset[int] | None]

    def touches_file(self, path: str) -> bool:
        return path in self.files

    def touches(self, path: str, first: int, last: int) -> bool:
        if path not in self.files:
            return False
        lines = self.files[path]
        return lines is _WHOLE_FILE or any(first <= line <= last for line in lines)


def changed_lines(root: Path, base: str) -> ChangedLines:
    """What changed under `root` since the merge base of `base` and HEAD, working tree included."""
    git = Git(root, "--diff-base")
    git.require_work_tree()
    merge_base = git.merge_base(base)
    diff = git.text(
        "-c", "core.quotepath=off", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
        "--unified=0", "--src-prefix=a/", "--dst-prefix=b/", "--relative", merge_base, "--", ".",
        error="`git diff` failed",
    )
    files: dict[str, frozenset[int] | None] = dict(parse_unified_diff(diff))
    for path in git.untracked_files():
        files[path] = _WHOLE_FILE
    return ChangedLines(files)


def parse_unified_diff(diff: str) -> Iterable[tuple[str, frozenset[int]]]:
    """(path, changed new-side lines) per file of a `git diff --unified=0`."""
    path: str | None = None
    in_header = False
    lines: set[int] = set()
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            if path is not None:
                yield path, frozenset(lines)
            path, in_header, lines = None, True, set()
        elif in_header and line.startswith("+++ "):
            target = _unquote(line[4:])
            path = target[2:] if target.startswith("b/") else None  # None: the file was deleted
        elif line.startswith("@@ "):
            in_header = False
            match = _HUNK.match(line)
            if match:
                start, count = int(match["start"]), int(match["count"] or 1)
                # A pure deletion (count 0) is marked on the line before it: the entry it was cut from.
                lines.update(range(start, start + count) if count else (max(start, 1),))
    if path is not None:
        yield path, frozenset(lines)


def _unquote(path: str) -> str:
    """git quotes paths with special characters as C strings."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = codecs.escape_decode(path[1:-1].encode("utf-8", "surrogateescape"))[0]
    return raw.decode("utf-8", "surrogateescape")


def changed_metrics(project: Project, changes: ChangedLines) -> set[str]:
    """Names of the metrics whose definition, inherited configuration or inputs changed."""
    extents = _Extents(Path(project.root), changes)
    changed = {metric.name for metric in project.metrics if _own_definition_changed(project, metric, extents)}
    dependents: dict[str, list[str]] = defaultdict(list)
    for metric in project.metrics:
        for reference in metric.inputs:
            dependents[reference.name].append(metric.name)
    pending = list(changed)
    while pending:
        for dependent in dependents[pending.pop()]:
            if dependent not in changed:
                changed.add(dependent)
                pending.append(dependent)
    return changed


def findings_in_changes(findings: list[Finding], changes: ChangedLines, metrics: set[str]) -> list[Finding]:
    """Findings about a changed metric, or about no metric in a changed file."""
    return [
        finding
        for finding in findings
        if (finding.metric in metrics if finding.metric else changes.touches_file(finding.location.path))
    ]


def _own_definition_changed(project: Project, metric: Metric, extents: _Extents) -> bool:
    if extents.item_changed(metric.location):
        return True
    inherited = [
        entry.location
        for entry in (*metric.config_meta.values(), *metric.top_level_meta.values())
        if entry.location.path != metric.location.path
    ]
    if metric.group_location is not None and metric.group_location.path != metric.location.path:
        inherited.append(metric.group_location)
    if any(extents.key_changed(location) for location in inherited):
        return True
    group = project.groups.get(metric.group) if metric.group else None
    measure = project.measure(metric.measure) if metric.measure else None
    return any(extents.item_changed(definition.location) for definition in (group, measure) if definition)


class _Extents:
    """Line ranges of YAML entries, read only from files that have changes."""

    def __init__(self, root: Path, changes: ChangedLines) -> None:
        self._root = root
        self._changes = changes
        self._lines: dict[str, list[str]] = {}

    def item_changed(self, location: Location) -> bool:
        """Whether the list item holding the key at `location` (e.g. a metric's `name:`) changed."""
        if not self._changes.touches_file(location.path):
            return False
        lines = self._read(location.path)
        first, indent = _item_start(lines, location)
        return self._changes.touches(location.path, first, _block_end(lines, first, indent))

    def key_changed(self, location: Location) -> bool:
        """Whether the key at `location` or its value (the lines indented below it) changed."""
        if not self._changes.touches_file(location.path):
            return False
        lines = self._read(location.path)
        return self._changes.touches(location.path, location.line, _block_end(lines, location.line, location.column - 1))

    def _read(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = yaml_reader.decode(read_regular_file(self._root / path)).splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[path] = []
        return self._lines[path]


def _indent(text: str) -> int | None:
    """Indentation of a line that holds YAML content; None for blank and comment-only lines."""
    stripped = text.lstrip(" ")
    return None if not stripped or stripped.startswith("#") else len(text) - len(stripped)


def _item_start(lines: list[str], location: Location) -> tuple[int, int]:
    """(first line, indentation of the `-`) of the list item whose key sits at `location`."""
    key_indent = location.column - 1
    for number in range(min(location.line, len(lines)), 0, -1):
        indent = _indent(lines[number - 1])
        if indent is not None and indent < key_indent:
            if lines[number - 1].lstrip(" ").startswith("-"):
                return number, indent
            break
    return location.line, key_indent


def _block_end(lines: list[str], first: int, indent: int) -> int:
    """The last line of the block starting at `first` whose continuation is indented beyond `indent`."""
    last = first
    for number in range(first + 1, len(lines) + 1):
        text = lines[number - 1]
        if not text.strip():
            continue
        line_indent = len(text) - len(text.lstrip(" "))
        if line_indent <= indent:
            break
        last = number
    return last
