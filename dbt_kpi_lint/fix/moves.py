"""`check --fix` and `--diff`: move what dbt drops or will refuse, rename misspelt KPI keys, and
touch nothing else.

A fix splices the original lines of the moved keys into their new place, re-indented, with the
round-trip editing of `document.py`: comments, quoting, key order and every other byte stay as
they were, and each result is read back as dbt reads YAML before anything is written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..files import read_regular_file
from ..findings import Finding
from ..kpi.fields import MetaKeys
from ..model import Metric, Project
from ..rules import RULES
from ..rules.key_spelling import meant_key
from ..rules.meta import meta_keys_to_move
from .document import (
    OTHER_LINE_BREAKS,
    CannotEdit,
    Document,
    FixUnavailable,
    check_edit,
    composer,
    decode,
    encode,
    entry_of,
    is_empty,
    is_mapping,
    replace_unless_changed,
    resolve,
)

__all__ = ["FIXABLE_CODES", "FileFix", "FixPlan", "FixUnavailable", "Unfixed", "plan_fixes", "write_fix"]

# The rules declare themselves fixable (`@rule(..., fixable=True)`); `_fix_one` holds their edits.
FIXABLE_CODES = frozenset(code for code, rule in RULES.items() if rule.fixable)
_LEGACY_CUMULATIVE_KEYS = ("window", "grain_to_date")


@dataclass(frozen=True)
class FileFix:
    """The new content of one file and the findings it fixes."""

    path: str  # as findings name it, relative to the project root
    absolute: Path
    before: bytes
    after: bytes
    fixed: tuple[Finding, ...]

    def diff(self, path_prefix: str = "") -> str:
        name = path_prefix + self.path
        before, after = decode(self.before)[0], decode(self.after)[0]
        lines = difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass(frozen=True)
class Unfixed:
    finding: Finding
    reason: str


@dataclass(frozen=True)
class FixPlan:
    files: tuple[FileFix, ...] = ()
    unfixed: tuple[Unfixed, ...] = ()

    @property
    def fixed_count(self) -> int:
        return sum(len(file.fixed) for file in self.files)


def plan_fixes(project: Project, findings: Iterable[Finding], meta_keys: MetaKeys) -> FixPlan:
    """What `--fix` would write for the fixable findings among `findings`."""
    compose = composer("--fix and --diff need")
    by_file: dict[str, list[tuple[Finding, Metric]]] = {}
    unfixed: list[Unfixed] = []
    for finding in findings:
        metric = project.metric(finding.metric) if finding.metric else None
        if finding.code not in FIXABLE_CODES:
            continue
        if metric is None:
            unfixed.append(Unfixed(finding, "the metric is not known"))
            continue
        by_file.setdefault(metric.location.path, []).append((finding, metric))
    files = []
    for path, items in sorted(by_file.items()):
        file_fix, skipped = _fix_file(Path(project.root), path, items, compose, meta_keys)
        unfixed.extend(skipped)
        if file_fix is not None:
            files.append(file_fix)
    return FixPlan(tuple(files), tuple(unfixed))


def write_fix(file_fix: FileFix) -> None:
    """Replace the file atomically; refuse if it changed since it was read."""
    replace_unless_changed(
        file_fix.absolute, file_fix.before, file_fix.after, f"{file_fix.path} changed while fixing; run the fix again"
    )


def _fix_file(
    root: Path,
    path: str,
    items: list[tuple[Finding, Metric]],
    compose: Callable[[str], Any],
    meta_keys: MetaKeys,
) -> tuple[FileFix | None, list[Unfixed]]:
    absolute = root / path
    before = read_regular_file(absolute)
    text = decode(before)[0]
    fixed: list[Finding] = []
    unfixed: list[Unfixed] = []
    if OTHER_LINE_BREAKS.search(text):
        return None, [Unfixed(finding, "the file uses line breaks other than \\n and \\r\\n") for finding, _ in items]
    try:
        paths = _paths_to_metrics(Document(text, compose(text)), items)
    except CannotEdit as error:
        return None, [Unfixed(finding, str(error)) for finding, _ in items]
    # Found again by its path from the root after each edit: a fix may move lines above the
    # metric's `name:` (a `meta:` written before it), which the next fix of the metric must not mind.
    for finding, metric in items:
        try:
            text = _fix_one(text, finding, metric, paths[id(metric)], compose, meta_keys)
            fixed.append(finding)
        except CannotEdit as error:
            unfixed.append(Unfixed(finding, str(error)))
    if not fixed:
        return None, unfixed
    return FileFix(path, absolute, before, encode(text, before), tuple(fixed)), unfixed


def _paths_to_metrics(document: Document, items: list[tuple[Finding, Metric]]) -> dict[int, list[Any] | None]:
    """Each metric's path from the root of the file as read (None: not where it was read)."""
    paths: dict[int, list[Any] | None] = {}
    for _, metric in items:
        if id(metric) not in paths:
            found = document.mapping_named_at(metric.location)
            paths[id(metric)] = found[1] if found else None
    return paths


def _fix_one(
    text: str,
    finding: Finding,
    metric: Metric,
    path: list[Any] | None,
    compose: Callable[[str], Any],
    meta_keys: MetaKeys,
) -> str:
    document = Document(text, compose(text))
    node = document.mapping_at(path) if path is not None else None
    if node is None or path is None:
        raise CannotEdit(f"`{metric.name}` is not where it was read; the file changed")
    if finding.code == "KPI014":
        return _renamed_key(document, finding, metric, meta_keys)
    if finding.code == "META001":
        move = _Move(document, node, "meta", meta_keys_to_move(metric, meta_keys), ("config", "meta"))
    elif finding.code == "META002":
        written_on_the_metric = {
            key for key, entry in metric.config_meta.items() if entry.location.path == metric.location.path
        }
        both = [key for key in metric.top_level_meta if key in written_on_the_metric]
        if both:
            raise CannotEdit(f"`config.meta` also sets {', '.join(f'`{key}`' for key in both)}: keep one of each")
        move = _Move(document, node, "meta", list(metric.top_level_meta), ("config", "meta"))
    elif finding.code == "DEP001":
        move = _Move(
            document, node, "type_params", list(_LEGACY_CUMULATIVE_KEYS), ("type_params", "cumulative_type_params")
        )
    else:  # a rule marked fixable before its edit was written here
        raise CannotEdit(f"--fix has no edit for {finding.code} yet")
    new_text = move.apply()
    check_edit(text, new_text, lambda data: move.apply_to(resolve(data, path)), "the moved keys")
    return new_text


def _renamed_key(document: Document, finding: Finding, metric: Metric, meta_keys: MetaKeys) -> str:
    """The text with the misspelt key at the finding renamed to the key it resembles: the key's own
    text replaced, its value, comments and every other byte kept."""
    if finding.location.path != metric.location.path:
        raise CannotEdit(f"the key is set in {finding.location.path} for more metrics than `{metric.name}`; rename it there")
    found = document.entry_at(finding.location)
    misspelt = found.key.value if found is not None else None
    meant = meant_key(misspelt, meta_keys) if isinstance(misspelt, str) else None
    if found is None or misspelt is None or meant is None:
        raise CannotEdit("the key is not where it was read; the file changed")
    if entry_of(found.mapping, meant) is not None:
        raise CannotEdit(f"`{meant}` is set beside `{misspelt}`; keep one of the two")
    key = found.key
    renamed = document.text[: key.start_mark.index] + meant + document.text[key.end_mark.index :]

    def rename(data: Any) -> None:
        holder = resolve(data, found.path)
        holder[meant] = holder.pop(misspelt)

    check_edit(document.text, renamed, rename, f"the name of `{misspelt}`")
    return renamed


@dataclass
class _Move:
    """Move `keys` of the mapping `holder[source]` to the mapping at path `destination` in `holder`.

    When the destination lies outside the source and every key moves (a whole `meta:` block), the
    source entry goes, comments and all; otherwise only the moved entries go. Missing destination
    levels are created: where the moved text was, or at the end of the deepest level written.
    """

    document: Document
    holder: Any
    source: str
    keys: list[str]
    destination: tuple[str, ...]

    def apply(self) -> str:
        document = self.document
        entry = entry_of(self.holder, self.source)
        if entry is None or not is_mapping(entry[1]):
            raise CannotEdit(f"`{self.source}` is not a mapping")
        source_key, source = entry
        moved = [(key, value) for key, value in source.value if key.value in self.keys]
        if not moved:
            raise CannotEdit(f"nothing to move in `{self.source}`")
        outside = self.destination[0] != self.source
        whole = outside and len(moved) == len(source.value)
        if whole:
            removals = [self._lines_of(source_key, source)]
        elif source.flow_style:
            raise CannotEdit(f"`{self.source}` is written in flow style ({{...}}); move the keys by hand")
        else:
            removals = [self._lines_of(key, value) for key, value in moved]
        step = self._indent_step()
        existing = self._existing_destination()
        missing = self.destination[len(existing) :]
        if existing and existing[-1][1] is not source:
            after_line, base = self._insertion_point(existing[-1], step)
        elif whole:  # created where the moved block was, so a diff shows a move in place
            after_line, base = None, document.column_of(source_key)
        elif outside:  # next to what stays of the source
            after_line, base = self._lines_of(source_key, source)[1], document.column_of(source_key)
        else:  # inside the source, where the first moved key was
            after_line, base = None, document.column_of(moved[0][0])
        indent = base + len(missing) * step
        headers = [" " * (base + depth * step) + f"{name}:" for depth, name in enumerate(missing)]
        comment = self._source_comment(source_key, source) if whole else ""
        if comment and missing and missing[-1] == self.source:
            headers[-1] += "  " + comment
        elif comment:
            headers.append(" " * indent + comment)
        lines = [header + document.newline for header in headers] + self._body(source_key, source, moved, whole, indent)
        edits: list[tuple[int, int, list[str]]] = [(start, end + 1, []) for start, end in removals]
        if after_line is None:
            edits[0] = (edits[0][0], edits[0][1], lines)
        else:
            edits.append((after_line + 1, after_line + 1, lines))
        return document.with_lines_replaced(edits)

    def apply_to(self, holder: dict[str, Any]) -> None:
        """The same move on parsed data, for checking the edited text; what it changes it copies first."""
        source = holder[self.source] = dict(holder[self.source])
        moved = {key: source.pop(key) for key in list(source) if key in self.keys}
        if not source and self.destination[0] != self.source:
            del holder[self.source]
        target = holder
        for name in self.destination:
            target[name] = dict(target[name]) if isinstance(target.get(name), dict) else {}
            target = target[name]
        target.update(moved)

    def _lines_of(self, key: Any, value: Any) -> tuple[int, int]:
        if not self.document.starts_line(key):
            raise CannotEdit(f"`{key.value}` does not start its line; move it by hand")
        end = self.document.line_of(key.start_mark.index) if is_empty(value) else self.document.last_line(value)
        return self.document.line_of(key.start_mark.index), end

    def _existing_destination(self) -> list[tuple[Any, Any]]:
        """The destination levels already written, outermost first (value None: written empty)."""
        node = self.holder
        existing: list[tuple[Any, Any]] = []
        for name in self.destination:
            entry = entry_of(node, name) if node is not None else None
            if entry is None:
                break
            key, value = entry
            if is_empty(value):
                existing.append((key, None))
                node = None
            elif is_mapping(value) and not value.flow_style:
                taken = [item.value for item, _ in value.value if item.value in self.keys]
                if name == self.destination[-1] and taken:
                    raise CannotEdit(f"`{name}` already sets {', '.join(taken)}; remove one of the two by hand")
                existing.append((key, value))
                node = value
            else:
                raise CannotEdit(f"`{name}` is not a block mapping; move the keys by hand")
        return existing

    def _insertion_point(self, level: tuple[Any, Any], step: int) -> tuple[int, int]:
        """After the last line of the deepest existing level, at its children's indentation."""
        key, value = level
        if value is None:
            return self.document.line_of(key.start_mark.index), self.document.column_of(key) + step
        return self.document.last_line(value), self.document.column_of(value.value[0][0])

    def _indent_step(self) -> int:
        """The file's indentation step, read from a block mapping under the holder."""
        for key, value in self.holder.value:
            if is_mapping(value) and not value.flow_style and value.value:
                step = self.document.column_of(value.value[0][0]) - self.document.column_of(key)
                if step > 0:
                    return step
        return 2

    def _source_comment(self, key: Any, source: Any) -> str:
        """A comment on the line of `meta:` (or after its `{...}`), kept with the moved keys."""
        document = self.document
        index = source.end_mark.index if source.flow_style else key.end_mark.index
        line = document.line_of(index)
        end = document.line_starts[line + 1] if line + 1 < len(document.line_starts) else len(document.text)
        rest = document.text[index:end].strip().lstrip(":").strip()
        return rest if rest.startswith("#") else ""

    def _body(self, source_key: Any, source: Any, moved: list[tuple[Any, Any]], whole: bool, indent: int) -> list[str]:
        document = self.document
        if source.flow_style:  # moved whole: a part of a `{...}` is left for the user
            return self._flow_body(source_key, source, indent)
        if whole:  # every line below the key, so comments before and between the keys travel with them
            first = document.line_of(source_key.start_mark.index) + 1
            lines = document.lines[first : document.last_line(source) + 1]
            return _reindent(lines, document.column_of(moved[0][0]), indent, document.newline)
        return [
            line
            for key, value in moved
            for line in _reindent(
                document.lines[slice(*_inclusive(self._lines_of(key, value)))],
                document.column_of(key),
                indent,
                document.newline,
            )
        ]

    def _flow_body(self, source_key: Any, source: Any, indent: int) -> list[str]:
        """The entries of a `{...}` as block lines, with its comments.

        A comment on an entry's line ends that entry's line; a comment on a line of its own keeps a
        line of its own, before the entry that follows it.
        """
        document, newline = self.document, self.document.newline
        entries = source.value
        before_first = self._comments(source_key.end_mark.index, entries[0][0].start_mark.index)
        lines = [" " * indent + comment + newline for comment, _ in before_first]
        ends = [key.start_mark.index for key, _ in entries[1:]] + [source.end_mark.index - 1]  # the next key, or `}`
        for (key, value), end in zip(entries, ends):
            if self._comments(key.end_mark.index, value.start_mark.index):
                raise CannotEdit(f"a comment parts `{key.value}` from its value inside {{...}}; move it by hand")
            line = self._flow_entry_line(key, value, indent)
            own_lines = []
            for comment, index in self._comments(value.end_mark.index, end):
                if document.line_of(index) == document.line_of(max(value.end_mark.index - 1, 0)):
                    line = line[: -len(newline)] + "  " + comment + newline
                else:
                    own_lines.append(" " * indent + comment + newline)
            lines += [line, *own_lines]
        return lines

    def _comments(self, start: int, end: int) -> list[tuple[str, int]]:
        """The comments in `text[start:end]`, with where each starts.

        The stretch lies between two tokens of a flow mapping, so every `#` in it starts a comment.
        """
        text = self.document.text
        comments = []
        index = text.find("#", start, end)
        while index != -1:
            line_end = text.find("\n", index)
            line_end = len(text) if line_end == -1 else line_end
            comments.append((text[index:line_end].rstrip("\r"), index))
            index = text.find("#", line_end, end)
        return comments

    def _flow_entry_line(self, key: Any, value: Any, indent: int) -> str:
        document = self.document
        if document.line_of(value.start_mark.index) != document.line_of(max(value.end_mark.index - 1, 0)):
            raise CannotEdit(f"`{key.value}` spans several lines inside {{...}}; move it by hand")
        key_text = document.text[key.start_mark.index : key.end_mark.index]
        value_text = document.text[value.start_mark.index : value.end_mark.index]
        return " " * indent + f"{key_text}: {value_text}" + document.newline


def _inclusive(lines: tuple[int, int]) -> tuple[int, int]:
    return lines[0], lines[1] + 1


def _reindent(lines: list[str], from_column: int, to_column: int, newline: str) -> list[str]:
    result = []
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body) :] or newline
        if not body.strip():
            result.append(ending)
            continue
        leading = len(body) - len(body.lstrip(" "))
        result.append(" " * to_column + body[min(leading, from_column) :] + ending)
    return result
