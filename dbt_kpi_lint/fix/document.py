"""Round-trip editing of a YAML file: its text, ruamel.yaml's node tree of it, and the safety net.

ruamel.yaml's round-trip composer gives every node's exact start and end in the file. An edit
replaces line or character ranges of the original text, so comments, quoting, key order and
every other byte stay as they were; dumping the whole document with ruamel would re-flow it.
Each result is read back with dbt's own YAML reading and must equal the intended data, or
nothing is written. Files are replaced atomically in their original encoding and line endings.

ruamel.yaml is the `fix` extra and is imported only here, only when an edit is asked for.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..files import read_regular_file, write_bytes_atomically
from ..loading import yaml_reader
from ..model import Location, same_value

INSTALL_HINT = "pip install 'dbt-kpi-lint[fix]'"
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Line breaks YAML readers count that `str.split("\n")` would not: such files are not edited.
OTHER_LINE_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class FixUnavailable(Exception):
    """ruamel.yaml is not installed (exit code 2)."""


class CannotEdit(Exception):
    """This edit cannot be made safely; the reason is shown to the user."""


def composer(needed_by: str) -> Callable[[str], Any]:
    """ruamel.yaml's round-trip composer; `needed_by` ("--fix and --diff need") opens the install hint."""
    try:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
    except ImportError:
        raise FixUnavailable(f"{needed_by} ruamel.yaml: {INSTALL_HINT}") from None

    def compose(text: str) -> Any:
        try:
            return YAML(typ="rt").compose(text)
        except YAMLError as error:
            raise CannotEdit(f"ruamel.yaml cannot read the file: {str(error).splitlines()[0]}") from None
        except RecursionError:  # its composer recurses per level, deeper than PyYAML's C parser
            raise CannotEdit("ruamel.yaml cannot read the file: values nested too deeply") from None

    return compose


def decode(raw: bytes) -> tuple[str, bytes, str]:
    """Text, byte-order mark and codec, so that the file is written back the way it was read."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec), bom, codec
    return raw.decode("utf-8"), b"", "utf-8"


def encode(text: str, like: bytes) -> bytes:
    """`text` in the byte-order mark and codec of the file content `like`."""
    _, bom, codec = decode(like)
    return bom + text.encode(codec)


def replace_unless_changed(absolute: Path, before: bytes, after: bytes, changed_message: str) -> None:
    """Replace the file atomically; refuse with `changed_message` if it no longer holds `before`."""
    target = absolute.resolve()  # keep a symlink a symlink: write where it points
    if read_regular_file(target) != before:
        raise OSError(changed_message)
    write_bytes_atomically(target, after)


def check_edit(before: str, after: str, intended_change: Callable[[Any], None], what: str) -> None:
    """The edit must change exactly `what` it is about, as dbt's YAML reading sees it.

    `intended_change` makes that change on the plain data of `before`.
    """
    expected = yaml_reader.parse(before)
    intended_change(expected)
    try:
        actual = yaml_reader.parse(after)
    except yaml_reader.YamlError as error:
        raise CannotEdit(f"the edit would not parse ({error.reason}); left unchanged") from None
    if not same_value(actual, expected):
        raise CannotEdit(f"the edit would change more than {what}; left unchanged")


def resolve(data: Any, path: list[Any]) -> Any:
    """The container at `path`, every container on the way copied in place first.

    YAML aliases share a value between places (the reader keeps them shared, as dbt's does):
    the intended change applied to plain data must change only the place the edit changes.
    """
    for step in path:
        try:
            child = data[step].copy()
        except (KeyError, IndexError, TypeError, AttributeError):
            raise CannotEdit("the file does not read as it was composed; edit it by hand") from None
        data[step] = child
        data = child
    return data


@dataclass(frozen=True)
class Entry:
    """A key of a mapping node, its value node, and the path from the root to the mapping."""

    mapping: Any
    key: Any
    value: Any
    path: list[Any]
    parent_key: Any | None  # the key whose value the mapping is; None at the top or in a list


@dataclass
class Document:
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
        if is_mapping(node) and not node.flow_style and node.value:
            return self.last_line(node.value[-1][1] if not is_empty(node.value[-1][1]) else node.value[-1][0])
        if is_sequence(node) and not node.flow_style and node.value:
            return self.last_line(node.value[-1])
        first, last = self.line_of(node.start_mark.index), self.line_of(max(node.end_mark.index - 1, 0))
        while last > first and not self.lines[last].strip():
            last -= 1
        return last

    def with_lines_replaced(self, edits: list[tuple[int, int, list[str]]]) -> str:
        """The text with line ranges [start, end) replaced, last first; a removal is applied before
        an insertion at its start."""
        lines = self.lines
        for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
            if start == len(lines) and lines and not lines[-1].endswith("\n"):
                lines[-1] += self.newline
            lines[start:end] = replacement
        text = "".join(lines)
        if self.text and not self.text.endswith("\n"):  # a file without a final newline keeps it so
            text = text[: -len(self.newline)] if text.endswith(self.newline) else text
        return text

    def entry_at(self, location: Location, key_name: str | None = None) -> Entry | None:
        """The mapping entry whose key starts at `location` (and is named `key_name`, if given).

        Each node is visited once: an alias is the node it names, and an alias bomb repeats one
        node 9^9 times.
        """
        pending: list[tuple[Any, list[Any], Any]] = [(self.root, [], None)]
        visited: set[int] = set()
        while pending:
            node, path, parent_key = pending.pop()
            if node is None or id(node) in visited:
                continue
            visited.add(id(node))
            if is_mapping(node):
                for key, value in node.value:
                    at = (self.line_of(key.start_mark.index) + 1, self.column_of(key) + 1)
                    if at == (location.line, location.column) and key_name in (None, key.value):
                        return Entry(node, key, value, path, parent_key)
                    pending.append((value, [*path, key.value], key))
            elif is_sequence(node):
                pending.extend((item, [*path, index], None) for index, item in enumerate(node.value))
        return None

    def mapping_named_at(self, location: Location) -> tuple[Any, list[Any]] | None:
        """The mapping whose `name:` key starts at `location`, and its path from the root."""
        found = self.entry_at(location, "name")
        return None if found is None else (found.mapping, found.path)

    def mapping_at(self, path: list[Any]) -> Any:
        """The mapping node at `path` (keys and sequence indexes from the root), or None."""
        node = self.root
        for step in path:
            if isinstance(step, int) and is_sequence(node) and step < len(node.value):
                node = node.value[step]
            elif isinstance(step, str) and is_mapping(node) and (entry := entry_of(node, step)) is not None:
                node = entry[1]
            else:
                return None
        return node if is_mapping(node) else None


def is_mapping(node: Any) -> bool:
    return node is not None and node.id == "mapping"


def is_sequence(node: Any) -> bool:
    return node is not None and node.id == "sequence"


def is_empty(node: Any) -> bool:
    return node.id == "scalar" and node.tag.endswith(":null") and node.start_mark.index == node.end_mark.index


def entry_of(mapping: Any, key: str) -> tuple[Any, Any] | None:
    return next(((k, v) for k, v in mapping.value if k.id == "scalar" and k.value == key), None)
