"""`dbt-kpi-lint certify`: write `meta.kpi.certified` into a metric's YAML and touch nothing else.

The `kpi` entry is edited where it is written: a `kpi: true` flag becomes a mapping holding
`certified`, a `kpi:` mapping gains (or has replaced) its `certified` entry. Block mappings get
block lines at the file's indentation, flow mappings (`{...}`) a flow entry. Every other byte,
comments and quoting included, stays; the result is read back as dbt reads YAML and must differ
from the file only by the certification (see `document.py`).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..files import read_regular_file
from ..kpi.certification import BY_KEY, CERTIFIED_KEY, FINGERPRINT_KEY, ON_KEY
from ..kpi.fields import MetaKeys
from ..model import JinjaExpression, Metric, Project
from .document import (
    OTHER_LINE_BREAKS,
    CannotEdit,
    Document,
    Entry,
    check_edit,
    composer,
    decode,
    encode,
    entry_of,
    is_mapping,
    replace_unless_changed,
    resolve,
)

_DEFAULT_INDENT_STEP = 2
Written = list[tuple[str, str]]  # the keys and values of `certified` as YAML text


@dataclass(frozen=True)
class CertificationEdit:
    path: str  # relative to the project root
    absolute: Path
    before: bytes
    after: bytes

    def write(self) -> None:
        replace_unless_changed(
            self.absolute, self.before, self.after, f"{self.path} changed while certifying; certify again"
        )


def plan_certification(
    project: Project, metric: Metric, meta_keys: MetaKeys, by: str, on: datetime.date, fingerprint: str
) -> CertificationEdit:
    """The edit that certifies `metric`; CannotEdit says why it cannot be made."""
    flag = metric.meta.get(meta_keys.kpi)
    if flag is None:
        raise CannotEdit(f"`{metric.name}` is not a KPI: set `{meta_keys.kpi}: true` in its `config.meta` first")
    if metric.created_from is not None:
        raise CannotEdit(
            f"dbt creates `{metric.name}` from the `create_metric: true` of measure `{metric.name}` in semantic model "
            f"`{metric.created_from}`, whose meta it shares: define it as a metric of its own to certify it"
        )
    if flag.location.path != metric.location.path:
        raise CannotEdit(
            f"`{metric.name}` is a KPI through `+meta` in {flag.location.path}: set `{meta_keys.kpi}: true` in the "
            f"metric's own `config.meta` to certify it"
        )
    absolute = Path(project.root) / metric.location.path
    before = read_regular_file(absolute)
    text = decode(before)[0]
    if OTHER_LINE_BREAKS.search(text):
        raise CannotEdit("the file uses line breaks other than \\n and \\r\\n")
    document = Document(text, composer("certify needs")(text))
    found = document.entry_at(flag.location, meta_keys.kpi)
    if found is None:
        raise CannotEdit(f"`{meta_keys.kpi}` of `{metric.name}` is not where it was read; the file changed")
    if isinstance(flag.value, JinjaExpression):
        raise CannotEdit(f"`{meta_keys.kpi}` of `{metric.name}` is Jinja: write `{meta_keys.kpi}: true` first")
    certified = {BY_KEY: by, ON_KEY: on, FINGERPRINT_KEY: fingerprint}
    after = _certified(document, found, _written(certified))

    def certify(data: Any) -> None:
        holder = resolve(data, found.path)
        value = holder[found.key.value]
        holder[found.key.value] = {**value, CERTIFIED_KEY: certified} if isinstance(value, dict) else {
            CERTIFIED_KEY: certified
        }

    check_edit(text, after, certify, "the certification")
    return CertificationEdit(metric.location.path, absolute, before, encode(after, before))


def _certified(document: Document, found: Entry, certified: Written) -> str:
    """The text with `certified` set in the `kpi` entry `found` (a true flag or a mapping, as read)."""
    value = found.value
    if is_mapping(value):
        existing = entry_of(value, CERTIFIED_KEY)
        if value.flow_style:
            return _in_flow_mapping(document, value, existing, certified)
        return _in_block_mapping(document, found, existing, certified)
    if value.id != "scalar":
        raise CannotEdit(f"`{found.key.value}` is not `true` or a mapping; write `{found.key.value}: true` first")
    if found.mapping.flow_style:
        flag = "{" + f"{CERTIFIED_KEY}: {_flow(certified)}" + "}"
        return _spliced(document, value.start_mark.index, value.end_mark.index, flag)
    return _flag_to_block(document, found, certified)


def _in_flow_mapping(document: Document, mapping: Any, existing: tuple[Any, Any] | None, certified: Written) -> str:
    if existing is not None:
        return _spliced(document, existing[1].start_mark.index, existing[1].end_mark.index, _flow(certified))
    entry_text = f"{CERTIFIED_KEY}: {_flow(certified)}"
    if not mapping.value:  # `{}`: inside the braces
        return _spliced(document, mapping.start_mark.index + 1, mapping.start_mark.index + 1, entry_text)
    after_last = mapping.value[-1][1].end_mark.index
    return _spliced(document, after_last, after_last, ", " + entry_text)


def _in_block_mapping(
    document: Document, found: Entry, existing: tuple[Any, Any] | None, certified: Written
) -> str:
    mapping = found.value
    first_key = mapping.value[0][0]
    indent = document.column_of(first_key)
    step = indent - document.column_of(found.key)
    lines = _block(certified, indent, step if step > 0 else _DEFAULT_INDENT_STEP, document.newline)
    if existing is None:
        after = document.last_line(mapping) + 1
        return document.with_lines_replaced([(after, after, lines)])
    key, value = existing
    if not document.starts_line(key):
        raise CannotEdit(f"`{CERTIFIED_KEY}` does not start its line; edit it by hand")
    first, last = document.line_of(key.start_mark.index), document.last_line(value)
    return document.with_lines_replaced([(first, last + 1, lines)])


def _flag_to_block(document: Document, found: Entry, certified: Written) -> str:
    """`kpi: true  # note` becomes `kpi:  # note` followed by the `certified` block."""
    key, value = found.key, found.value
    line = document.line_of(key.start_mark.index)
    if not document.starts_line(key) or document.line_of(value.start_mark.index) != line:
        raise CannotEdit(f"`{key.value}: ...` does not stand on a line of its own; edit it by hand")
    line_start = document.line_starts[line]
    line_text = document.lines[line]
    body = line_text.rstrip("\r\n")
    rest = body[value.end_mark.index - line_start :].strip()
    new_line = body[: value.start_mark.index - line_start].rstrip() + (f"  {rest}" if rest.startswith("#") else "")
    step = document.column_of(key) - document.column_of(found.parent_key) if found.parent_key is not None else 0
    step = step if step > 0 else _DEFAULT_INDENT_STEP
    lines = _block(certified, document.column_of(key) + step, step, document.newline)
    ending = line_text[len(body) :] or document.newline
    return document.with_lines_replaced([(line, line + 1, [new_line + ending, *lines])])


def _block(certified: Written, indent: int, step: int, newline: str) -> list[str]:
    inner = " " * (indent + step)
    entries = [f"{inner}{key}: {value}{newline}" for key, value in certified]
    return [" " * indent + f"{CERTIFIED_KEY}:" + newline, *entries]


def _flow(certified: Written) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in certified) + "}"


def _written(certified: Mapping[str, Any]) -> Written:
    """Each key and value as YAML text. `on` is quoted, since YAML 1.1 reads a bare `on` as the
    boolean true, and the fingerprint too, as the documentation shows it."""
    return [
        (
            _text(key),
            value.isoformat() if isinstance(value, datetime.date)
            else json.dumps(value) if key == FINGERPRINT_KEY
            else _text(str(value)),
        )
        for key, value in certified.items()
    ]


def _text(text: str) -> str:
    """A string as YAML that reads back as itself in block and flow context alike: plain when it can be."""
    try:
        plain = text == text.strip() and all(
            yaml.safe_load(document) == {"k": text} for document in (f"k: {text}", f"{{k: {text}}}")
        )
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _spliced(document: Document, start: int, end: int, replacement: str) -> str:
    return document.text[:start] + replacement + document.text[end:]
