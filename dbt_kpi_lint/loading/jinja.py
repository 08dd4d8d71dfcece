"""Evaluate the one Jinja form that matters for KPI meta, `{{ var('name', default) }}`, without dbt.

dbt renders Jinja in metric `meta` at parse time. Targets are commonly kept in project vars, so
the linter resolves `var()` the way dbt does (CLI vars, then package-scoped vars, then global
vars, then the call's default) and keeps any other Jinja as a present-but-unknown value.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Any, Mapping

from ..model import JinjaExpression

_QUOTES = "'\""
_MISSING = object()
# Jinja spells these constants in lower case too; Python's literal_eval does not know them.
_JINJA_CONSTANTS = {"none": None, "true": True, "false": False}


def looks_like_jinja(value: str) -> bool:
    return "{{" in value or "{%" in value


@dataclass(frozen=True)
class VarCall:
    """`{{ var('name') }}` or `{{ var('name', default) }}`, the default as a Python value."""

    name: str
    has_default: bool = False
    default: Any = None


def var_call(value: Any) -> VarCall | None:
    """The `var()` call a YAML string consists of, if that is all it is.

    `{{ var('name') }}` or `{{- var("name", default) -}}`, with any whitespace inside. Read by
    slicing, in one pass: a regex with optional whitespace around a free-form default backtracks
    cubically on `{{ var('x',` followed by thousands of spaces.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.startswith("{{") and text.endswith("}}")):
        return None
    inner = text[2:-2]
    inner = inner[1:] if inner.startswith("-") else inner
    inner = inner[:-1] if inner.endswith("-") else inner
    inner = inner.strip()
    if not (inner.startswith("var(") and inner.endswith(")")):
        return None
    arguments = inner[4:-1].lstrip()
    quote = arguments[:1]
    name_end = min((index for index in (arguments.find(mark, 1) for mark in _QUOTES) if index > 0), default=-1)
    if quote not in _QUOTES or name_end <= 1 or arguments[name_end] != quote:
        return None
    name, rest = arguments[1:name_end], arguments[name_end + 1 :].strip()
    if not rest:
        return VarCall(name)
    default_text = rest[1:].strip() if rest.startswith(",") else ""
    if not default_text or "\n" in default_text:
        return None
    default = _literal(default_text)
    return None if default is _MISSING else VarCall(name, True, default)


def _literal(text: str) -> Any:
    """A Jinja literal as Python sees it; _MISSING when it is an expression, not a literal.

    A literal Python cannot write back (an integer beyond 4,300 digits: `0xfff...`) is not taken
    either: dbt cannot store it, and every message quoting it would fail.
    """
    if text in _JINJA_CONSTANTS:
        return _JINJA_CONSTANTS[text]
    try:
        value = ast.literal_eval(text)
        repr(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # `{[1]: 2}` is a TypeError
        return _MISSING
    return value


class VarResolver:
    """dbt's `var()` lookup for one project, with `--vars` taking precedence."""

    def __init__(
        self,
        project_name: str,
        project_vars: Mapping[str, Any],
        cli_vars: Mapping[str, Any] | None = None,
    ) -> None:
        self._project_name = project_name
        self._project_vars = project_vars
        self._cli_vars = cli_vars or {}

    def lookup(self, name: str, package: str) -> Any:
        if name in self._cli_vars:
            return self._cli_vars[name]
        scoped = self._project_vars.get(package)
        if isinstance(scoped, Mapping) and name in scoped:
            return scoped[name]
        if name in self._project_vars:
            return self._project_vars[name]
        return _MISSING

    def render(self, value: Any, package: str) -> Any:
        """Render Jinja inside a YAML value (recursively); non-Jinja values pass through."""
        if isinstance(value, str):
            return self._render_string(value, package) if looks_like_jinja(value) else value
        if isinstance(value, (dict, list)):
            return self._render_container(value, package, {})
        return value

    def _render_container(self, value: dict[Any, Any] | list[Any], package: str, copies: dict[int, Any]) -> Any:
        """A rendered copy of `value`, made once however many YAML aliases share it.

        The YAML reader shares an aliased value, as dbt's does: an alias bomb (nine anchors, each a
        list of nine aliases of the one before) is 81 values, and copying it per alias would be 9^9.
        """
        known = copies.get(id(value))
        if known is not None:
            return known
        # A shallow copy keeps the container's type, and with it the YAML source positions.
        rendered = copies[id(value)] = copy.copy(value)
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            if isinstance(item, (dict, list)):
                rendered[key] = self._render_container(item, package, copies)
            elif isinstance(item, str) and looks_like_jinja(item):
                rendered[key] = self._render_string(item, package)
        return rendered

    def _render_string(self, value: str, package: str) -> Any:
        call = var_call(value)
        if call is None:
            return JinjaExpression(value)
        found = self.lookup(call.name, package)
        if found is not _MISSING:
            return found
        return call.default if call.has_default else JinjaExpression(value)

