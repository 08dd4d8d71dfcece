"""`check --fix` and `--diff`: move what dbt drops or will refuse, and touch nothing else.

ruamel.yaml's round-trip composer gives every node's exact start and end in the file. A fix
splices the original lines of the moved keys into their new place, re-indented, so comments,
quoting, key order and every other byte stay as they were; dumping the whole document with
ruamel would re-flow it. Each result is read back with dbt's own YAML reading and must equal the
intended data, or the file is left as it was. Files are replaced atomically in their original
encoding and line endings.

ruamel.yaml is the `fix` extra and is imported only here, only when a fix is asked for.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..files import read_regular_file, write_bytes_atomically
from ..findings import Finding
from ..kpi import MetaKeys
from ..loading import yaml_reader
from ..model import Location, Metric, Project, same_value
from ..rules import RULES
from ..rules.meta import meta_keys_to_move

# The rules declare themselves fixable (`@rule(..., fixable=True)`); `_fix_one` holds their edits.
FIXABLE_CODES = frozenset(code for code, rule in RULES.items() if rule.fixable)
INSTALL_HINT = "pip install 'dbt-kpi-lint[fix]'"
_LEGACY_CUMULATIVE_KEYS = ("window", "grain_to_date")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Line breaks YAML readers count that `str.split("\n")` would not: such files are not edited.
_OTHER_LINE_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class FixUnavailable(Exception):
    """ruamel.yaml is not installed (exit code 2)."""


class _CannotFix(Exception):
    """This finding cannot be fixed safely; the reason is shown to the user."""


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
        before, after = _decode(self.before)[0], _decode(self.after)[0]
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
    compose = _composer()
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
    target = file_fix.absolute.resolve()  # keep a symlink a symlink: write where it points
    if read_regular_file(target) != file_fix.before:
        raise OSError(f"{file_fix.path} changed while fixing; run the fix again")
    write_bytes_atomically(target, file_fix.after)


def _composer() -> Callable[[str], Any]:
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
    except ImportError:
        raise FixUnavailable(f"--fix and --diff need ruamel.yaml: {INSTALL_HINT}") from None

    def compose(text: str) -> Any:
        try:
            return YAML(typ="rt").compose(text)
        except YAMLError as error:
            raise _CannotFix(f"ruamel.yaml cannot read the file: {str(error).splitlines()[0]}") from None
        except RecursionError:  # its composer recurses per level, deeper than PyYAML's C parser
            raise _CannotFix("ruamel.yaml cannot read the file: values nested too deeply") from None

    return compose


def _fix_file(
    root: Path,
    path: str,
    items: list[tuple[Finding, Metric]],
    compose: Callable[[str], Any],
    meta_keys: MetaKeys,
) -> tuple[FileFix | None, list[Unfixed]]:
    absolute = root / path
    before = read_regular_file(absolute)
    text, bom, codec = _decode(before)
    fixed: list[Finding] = []
    unfixed: list[Unfixed] = []
    if _OTHER_LINE_BREAKS.search(text):
        return None, [Unfixed(finding, "the file uses line breaks other than \\n and \\r\\n") for finding, _ in items]
    try:
        paths = _paths_to_metrics(_Document(text, compose(text)), items)
    except _CannotFix as error:
        return None, [Unfixed(finding, str(error)) for finding, _ in items]
    # Found again by its path from the root after each edit: a fix may move lines above the
    # metric's `name:` (a `meta:` written before it), which the next fix of the metric must not mind.
    for finding, metric in items:
        try:
            text = _fix_one(text, finding, metric, paths[id(metric)], compose, meta_keys)
            fixed.append(finding)
        except _CannotFix as error:
            unfixed.append(Unfixed(finding, str(error)))
    if not fixed:
        return None, unfixed
    return FileFix(path, absolute, before, bom + text.encode(codec), tuple(fixed)), unfixed


def _paths_to_metrics(document: _Document, items: list[tuple[Finding, Metric]]) -> dict[int, list[Any] | None]:
    """Each metric's path from the root of the file as read (None: not where it was read)."""
    paths: dict[int, list[Any] | None] = {}
    for _, metric in items:
        if id(metric) not in paths:
            found = document.mapping_named_at(metric.location)
            paths[id(metric)] = found[1] if found else None
    return paths


def _decode(raw: bytes) -> tuple[str, bytes, str]:
    """Text, byte-order mark and codec, so that the file is written back the way it was read."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec), bom, codec
    return raw.decode("utf-8"), b"", "utf-8"


def _fix_one(
    text: str,
    finding: Finding,
    metric: Metric,
    path: list[Any] | None,
    compose: Callable[[str], Any],
    meta_keys: MetaKeys,
) -> str:
    document = _Document(text, compose(text))
    node = document.mapping_at(path) if path is not None else None
    if node is None:
        raise _CannotFix(f"`{metric.name}` is not where it was read; the file changed")
    if finding.code == "META001":
        move = _Move(document, node, "meta", meta_keys_to_move(metric, meta_keys), ("config", "meta"))
    elif finding.code == "META002":
        written_on_the_metric = {
            key for key, entry in metric.config_meta.items() if entry.location.path == metric.location.path
        }
        both = [key for key in metric.top_level_meta if key in written_on_the_metric]
        if both:
            raise _CannotFix(f"`config.meta` also sets {', '.join(f'`{key}`' for key in both)}: keep one of each")
        move = _Move(document, node, "meta", list(metric.top_level_meta), ("config", "meta"))
    elif finding.code == "DEP001":
        move = _Move(
            document, node, "type_params", list(_LEGACY_CUMULATIVE_KEYS), ("type_params", "cumulative_type_params")
        )
    else:  # a rule marked fixable before its edit was written here
        raise _CannotFix(f"--fix has no edit for {finding.code} yet")
    new_text = move.apply()
    _check(text, new_text, path, move)
    return new_text


def _check(before: str, after: str, path: list[Any], move: "_Move") -> None:
    """The edit must change exactly what the move means, as dbt's YAML reading sees it."""
    expected = yaml_reader.parse(before)
    move.apply_to(_unshared(expected, path))
    try:
        actual = yaml_reader.parse(after)
    except yaml_reader.YamlError as error:
        raise _CannotFix(f"the edit would not parse ({error.reason}); left unchanged") from None
    if not same_value(actual, expected):
        raise _CannotFix("the edit would change more than the moved keys; left unchanged")


def _unshared(data: Any, path: list[Any]) -> Any:
    """The container at `path`, every container on the way copied in place first.

    YAML aliases share a value between places (the reader keeps them shared, as dbt's does):
    the move applied to plain data must change only the place the edit changes.
    """
    for step in path:
        try:
            child = data[step].copy()
        except (KeyError, IndexError, TypeError, AttributeError):
            raise _CannotFix("the file does not read as it was composed; move the keys by hand") from None
        data[step] = child
        data = child
    return data


@dataclass
class _Document:
    """A file's text with its composed node tree, and 0-based line arithmetic on both."""

    text: str
    root: Any
    line_starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", self.text)]

    @property
    def lines(self) -> list[str]:
        return re.findall(r"[^\n]*\n|[^\n]+$", self.text)

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def line_of(self, index: int) -> int:
        return bisect.bisect_right(self.line_starts, index) - 1

    def column_of(self, node: Any) -> int:
        index = node.start_mark.index
        return index - self.line_starts[self.line_of(index)]

    def starts_line(self, node: Any) -> bool:
        line_start = self.line_starts[self.line_of(node.start_mark.index)]
        return not self.text[line_start : node.start_mark.index].strip()

    def last_line(self, node: Any) -> int:
        """The last line holding part of `node` (trailing blank lines of a block scalar excluded)."""
        if _is_mapping(node) and not node.flow_style and node.value:
            return self.last_line(node.value[-1][1] if not _is_empty(node.value[-1][1]) else node.value[-1][0])
        if _is_sequence(node) and not node.flow_style and node.value:
            return self.last_line(node.value[-1])
        first, last = self.line_of(node.start_mark.index), self.line_of(max(node.end_mark.index - 1, 0))
        while last > first and not self.lines[last].strip():
            last -= 1
        return last

    def mapping_named_at(self, location: Location) -> tuple[Any, list[Any]] | None:
        """The mapping whose `name:` key starts at `location`, and its path from the root.

        Each node is visited once: an alias is the node it names, and an alias bomb repeats one
        node 9^9 times.
        """
        pending: list[tuple[Any, list[Any]]] = [(self.root, [])]
        visited: set[int] = set()
        while pending:
            node, path = pending.pop()
            if node is None or id(node) in visited:
                continue
            visited.add(id(node))
            if _is_mapping(node):
                for key, value in node.value:
                    if key.value == "name" and (self.line_of(key.start_mark.index) + 1, self.column_of(key) + 1) == (
                        location.line,
                        location.column,
                    ):
                        return node, path
                    pending.append((value, [*path, key.value]))
            elif _is_sequence(node):
                pending.extend((item, [*path, index]) for index, item in enumerate(node.value))
        return None

    def mapping_at(self, path: list[Any]) -> Any:
        """The mapping node at `path` (keys and sequence indexes from the root), or None."""
        node = self.root
        for step in path:
            if isinstance(step, int) and _is_sequence(node) and step < len(node.value):
                node = node.value[step]
            elif isinstance(step, str) and _is_mapping(node) and (entry := _entry(node, step)) is not None:
                node = entry[1]
            else:
                return None
        return node if _is_mapping(node) else None


def _is_mapping(node: Any) -> bool:
    return node is not None and node.id == "mapping"


def _is_sequence(node: Any) -> bool:
    return node is not None and node.id == "sequence"


def _is_empty(node: Any) -> bool:
    return node.id == "scalar" and node.tag.endswith(":null") and node.start_mark.index == node.end_mark.index


def _entry(mapping: Any, key: str) -> tuple[Any, Any] | None:
    return next(((k, v) for k, v in mapping.value if k.id == "scalar" and k.value == key), None)


@dataclass
class _Move:
    """Move `keys` of the mapping `holder[source]` to the mapping at path `destination` in `holder`.

    When the destination lies outside the source and every key moves (a whole `meta:` block), the
    source entry goes, comments and all; otherwise only the moved entries go. Missing destination
    levels are created: where the moved text was, or at the end of the deepest level written.
    """

    document: _Document
    holder: Any
    source: str
    keys: list[str]
    destination: tuple[str, ...]

    def apply(self) -> str:
        document = self.document
        entry = _entry(self.holder, self.source)
        if entry is None or not _is_mapping(entry[1]):
            raise _CannotFix(f"`{self.source}` is not a mapping")
        source_key, source = entry
        moved = [(key, value) for key, value in source.value if key.value in self.keys]
        if not moved:
            raise _CannotFix(f"nothing to move in `{self.source}`")
        outside = self.destination[0] != self.source
        whole = outside and len(moved) == len(source.value)
        if whole:
            removals = [self._lines_of(source_key, source)]
        elif source.flow_style:
            raise _CannotFix(f"`{self.source}` is written in flow style ({{...}}); move the keys by hand")
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
        return _apply_edits(document, edits)

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
            raise _CannotFix(f"`{key.value}` does not start its line; move it by hand")
        end = self.document.line_of(key.start_mark.index) if _is_empty(value) else self.document.last_line(value)
        return self.document.line_of(key.start_mark.index), end

    def _existing_destination(self) -> list[tuple[Any, Any]]:
        """The destination levels already written, outermost first (value None: written empty)."""
        node = self.holder
        existing: list[tuple[Any, Any]] = []
        for name in self.destination:
            entry = _entry(node, name) if node is not None else None
            if entry is None:
                break
            key, value = entry
            if _is_empty(value):
                existing.append((key, None))
                node = None
            elif _is_mapping(value) and not value.flow_style:
                taken = [item.value for item, _ in value.value if item.value in self.keys]
                if name == self.destination[-1] and taken:
                    raise _CannotFix(f"`{name}` already sets {', '.join(taken)}; remove one of the two by hand")
                existing.append((key, value))
                node = value
            else:
                raise _CannotFix(f"`{name}` is not a block mapping; move the keys by hand")
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
            if _is_mapping(value) and not value.flow_style and value.value:
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
                raise _CannotFix(f"a comment parts `{key.value}` from its value inside {{...}}; move it by hand")
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
            raise _CannotFix(f"`{key.value}` spans several lines inside {{...}}; move it by hand")
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


def _apply_edits(document: _Document, edits: list[tuple[int, int, list[str]]]) -> str:
    """Replace line ranges, last first; a removal is applied before an insertion at its start."""
    lines = document.lines
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        if start == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += document.newline
        lines[start:end] = replacement
    text = "".join(lines)
    if document.text and not document.text.endswith("\n"):  # a file without a final newline keeps it so
        text = text[: -len(document.newline)] if text.endswith(document.newline) else text
    return text
