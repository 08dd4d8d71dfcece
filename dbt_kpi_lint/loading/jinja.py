"""Evaluate the one Jinja form that matters for KPI meta, `{{ var('name', default) }}`, without dbt.

dbt renders Jinja in metric `meta` at parse time. Targets are commonly kept in project vars, so
the linter resolves `var()` the way dbt does (CLI vars, then package-scoped vars, then global
vars, then the call's default) and keeps any other Jinja as a present-but-unknown value.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from typing import Any, Mapping

from ..model import JinjaExpression

_VAR_CALL = re.compile(
    r"""^\{\{-?\s*var\(\s*(?P<quote>['"])(?P<name>[^'"]+)(?P=quote)\s*(?:,\s*(?P<default>.+?)\s*)?\)\s*-?\}\}$"""
)
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
    """The `var()` call a YAML string consists of, if that is all it is."""
    if not isinstance(value, str):
        return None
    match = _VAR_CALL.match(value.strip())
    if match is None:
        return None
    if match["default"] is None:
        return VarCall(match["name"])
    default = _literal(match["default"])
    return None if default is _MISSING else VarCall(match["name"], True, default)


def _literal(text: str) -> Any:
    """A Jinja literal as Python sees it; _MISSING when it is an expression, not a literal."""
    if text in _JINJA_CONSTANTS:
        return _JINJA_CONSTANTS[text]
    try:
        return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # `{[1]: 2}` is a TypeError
        return _MISSING


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
            # A shallow copy keeps the container's type, and with it the YAML source positions.
            rendered = copy.copy(value)
            for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
                rendered[key] = self.render(item, package)
            return rendered
        return value

    def _render_string(self, value: str, package: str) -> Any:
        call = var_call(value)
        if call is None:
            return JinjaExpression(value)
        found = self.lookup(call.name, package)
        if found is not _MISSING:
            return found
        return call.default if call.has_default else JinjaExpression(value)

