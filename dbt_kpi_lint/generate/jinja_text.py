"""Text that goes into a dbt model file, which dbt reads as a Jinja template before it is SQL.

Whatever comes from a user (a label, an owner, a filter value inside MetricFlow's SQL) must reach
the SQL exactly as written, never as Jinja: a `{{`, `{%` or `{#` in it would otherwise be run.
"""

from __future__ import annotations

from typing import Any

_DELIMITERS = ("{{", "{%", "{#")


def jinja_string(text: str) -> str:
    """A Jinja string literal of `text`.

    Jinja decodes a string literal with Python's `unicode-escape` after normalizing line breaks, so
    backslashes, quotes and line breaks are escaped; other characters survive the decoding as they are.
    """
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def template_text(text: str) -> str:
    """`text` as template source that renders to exactly `text`.

    Text without Jinja delimiters stands for itself. Otherwise it becomes an expression printing a
    string literal. A trailing `{` counts too: the template's next `{{` would join it.
    """
    if not any(delimiter in text for delimiter in _DELIMITERS) and not text.endswith("{"):
        return text
    return "{{ " + jinja_string(text) + " }}"


def jinja_value(value: Any) -> str:
    """A literal Jinja reads as `value` (a var() default): numbers, strings, booleans and none."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return jinja_string(str(value))
