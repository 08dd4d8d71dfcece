"""Read YAML the way dbt does (PyYAML, YAML 1.1) while keeping 1-based source positions.

dbt reads YAML with PyYAML's safe loader, so `kpi: yes` is a boolean to dbt; reading with
the same library keeps the linter's view identical. The C parser is used when available:
it is what keeps the lint path fast on large projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers where it and each of its keys start."""

    __slots__ = ("line", "column", "key_positions")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.key_positions: dict[Any, tuple[int, int]] = {}

    def position_of(self, key: str) -> tuple[int, int]:
        return self.key_positions.get(key, (self.line, self.column))


class YamlList(list):  # type: ignore[type-arg]
    """A sequence that remembers where each of its items starts."""

    __slots__ = ("line", "column", "item_positions")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.item_positions: list[tuple[int, int]] = []


@dataclass(frozen=True)
class YamlError(Exception):
    """A file that cannot be read as YAML, with the place the parser gave up."""

    reason: str
    line: int
    column: int


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    mapping = YamlMap(*_start(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))):
            key = str(key)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_positions[key] = _start(key_node)
    return mapping


def _construct_list(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YamlList:
    sequence = YamlList(*_start(node))
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.item_positions.append(_start(item))
    return sequence


class _PositionLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


_PositionLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_PositionLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)


def decode(raw: bytes) -> str:
    """Decode a YAML file's bytes; dbt expects UTF-8, a BOM may announce UTF-8 or UTF-16."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding)
    return raw.decode("utf-8")


def parse(text: str) -> Any:
    """Parse one YAML document; raise YamlError with a 1-based position on failure."""
    try:
        return yaml.load(text, Loader=_PositionLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlError(reason or "invalid YAML", line, column) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error).splitlines()[0], 1, 1) from None
    except RecursionError:
        raise YamlError("nesting too deep", 1, 1) from None
