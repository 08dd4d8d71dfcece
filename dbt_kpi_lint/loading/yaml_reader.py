"""Read YAML the way dbt does (PyYAML, YAML 1.1) while keeping 1-based source positions.

dbt reads YAML with PyYAML's safe loader, so `kpi: yes` is a boolean to dbt; reading with
the same library keeps the linter's view identical. The C parser is used when available:
it is what keeps the lint path fast on large projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import yaml
from yaml.constructor import ConstructorError

from ..files import TOO_MANY_DIGITS, parse_error_text

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


# Deeper than any hand-written file; libyaml itself stops at 1,000 levels. The bound keeps the
# recursive construction here, and everything that walks the values later, far from Python's
# recursion limit, and turns excess into a finding with a position.
MAX_NESTING = 200
_KIND_OF_TAG = {
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:timestamp": "a date or timestamp",
}
# An integer written with fewer characters cannot exceed Python's int-to-text limit.
_LONGEST_ORDINARY_INTEGER = 1000


def _start(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _PositionLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nesting = 0


def _construct_map(loader: _PositionLoader, node: yaml.MappingNode) -> YamlMap:
    if node.__class__ is not yaml.MappingNode or loader.nesting >= MAX_NESTING:
        raise _unreadable_container(node, yaml.MappingNode)
    loader.nesting += 1
    loader.flatten_mapping(node)
    mapping = YamlMap(*_start(node))
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key.__class__ is not str:
            key = _plain_key(key, node, key_node)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_positions[key] = _start(key_node)
    loader.nesting -= 1
    return mapping


def _construct_list(loader: _PositionLoader, node: yaml.SequenceNode) -> YamlList:
    if node.__class__ is not yaml.SequenceNode or loader.nesting >= MAX_NESTING:
        raise _unreadable_container(node, yaml.SequenceNode)
    loader.nesting += 1
    sequence = YamlList(*_start(node))
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.item_positions.append(_start(item))
    loader.nesting -= 1
    return sequence


def _unreadable_container(node: yaml.Node, expected: type[yaml.Node]) -> ConstructorError:
    if not isinstance(node, expected):  # only an explicit tag can say so: `!!map [1]`
        problem = f"`{_short_tag(node.tag)}` needs a {expected.id}, not a {node.id}: remove the tag"
    else:
        problem = f"values nested deeper than {MAX_NESTING} levels: flatten this value"
    return ConstructorError(None, None, problem, node.start_mark)


def _plain_key(key: Any, node: yaml.MappingNode, key_node: yaml.Node) -> Any:
    """A key that is not text: kept when it is a number, a boolean or null, else made text.

    A mapping or a list cannot be a key: dbt's SafeConstructor refuses the file (`{? [a, b] : c}`).
    """
    if isinstance(key, (int, float, bool, type(None))):
        return key
    try:
        hash(key)
    except TypeError:
        raise ConstructorError(
            "while constructing a mapping",
            node.start_mark,
            f"found unhashable key (a {key_node.id} used as a key): write a plain key",
            key_node.start_mark,
        ) from None
    return str(key)


def _checked_scalar(construct: Callable[[Any, yaml.Node], Any]) -> Callable[[Any, yaml.Node], Any]:
    """PyYAML's scalar constructor, raising a positioned ConstructorError where it raises anything.

    They call int(), float(), datetime.date() and a dict lookup on the text as written, so
    `2024-02-30`, `!!int abc` or `!!bool maybe` end in a ValueError or KeyError, which stops dbt's
    reading of the file just the same.
    """

    def construct_checked(loader: Any, node: yaml.Node) -> Any:
        try:
            value = construct(loader, node)
        except yaml.YAMLError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever they raise, the file cannot be read
            raise ConstructorError(None, None, _unreadable_scalar(node, error), node.start_mark) from None
        if isinstance(value, int) and len(node.value) > _LONGEST_ORDINARY_INTEGER and not _has_text(value):
            raise ConstructorError(None, None, _unreadable_scalar(node, None), node.start_mark)
        return value

    return construct_checked


def _has_text(number: int) -> bool:
    """Whether Python can write the integer out in decimal (it refuses beyond 4,300 digits)."""
    try:
        str(number)
    except ValueError:
        return False
    return True


def _unreadable_scalar(node: yaml.Node, error: Exception | None) -> str:
    if error is None:
        reason = TOO_MANY_DIGITS
    elif node.tag == "tag:yaml.org,2002:bool":
        reason = "true, false, yes, no, on or off"
    else:
        reason = parse_error_text(error) if isinstance(error, ValueError) else ""
    because = f" ({reason})" if reason else ""
    return (
        f"{_shown(node)} is not {_KIND_OF_TAG[node.tag]} dbt can read{because}: correct it, or quote it "
        f"(without a tag) to make it text"
    )


def _shown(node: yaml.Node) -> str:
    if not isinstance(node.value, str):
        return f"a {node.id} tagged `{_short_tag(node.tag)}`"
    if not node.value:
        return "an empty value"
    text = node.value if len(node.value) <= 40 else f"{node.value[:30]}... ({len(node.value):,} characters)"
    return f"`{text}`"


def _short_tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


_PositionLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_PositionLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
for _tag in _KIND_OF_TAG:
    _PositionLoader.add_constructor(_tag, _checked_scalar(_PositionLoader.yaml_constructors[_tag]))


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
