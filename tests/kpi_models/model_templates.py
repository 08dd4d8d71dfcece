"""Compile a generated model's Jinja as dbt would, without dbt: for dialects no warehouse runs here.

dbt compiles a model with a Jinja environment that has the `do` extension and these names; the
stubs below give what the generated models use. `ref()` returns `analytics.<model>`, the relation
a warehouse would name.
"""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from typing import Any, Mapping

import jinja2


class CompilerError(Exception):
    pass


def _raise_compiler_error(message: str) -> None:
    raise CompilerError(message)


def compile_model(
    text: str,
    adapter_type: str,
    variables: Mapping[str, Any] | None = None,
    *,
    execute: bool = True,
    run_started_at: datetime.datetime = datetime.datetime(2026, 6, 15, 8, 30, tzinfo=datetime.timezone.utc),
) -> str:
    """The SQL dbt would run for `text` on a target of `adapter_type`."""
    variables = dict(variables or {})
    missing = object()

    def var(name: str, default: Any = missing) -> Any:
        if name in variables:
            return variables[name]
        if default is missing:
            raise CompilerError(f"Required var '{name}' not found")
        return default

    def ref(*parts: str) -> str:
        return "analytics." + parts[-1]

    environment = jinja2.Environment(extensions=["jinja2.ext.do"], undefined=jinja2.StrictUndefined)
    return environment.from_string(text).render(
        config=lambda **_: "",
        ref=ref,
        var=var,
        target=SimpleNamespace(type=adapter_type),
        modules=SimpleNamespace(datetime=datetime, re=re),
        exceptions=SimpleNamespace(raise_compiler_error=_raise_compiler_error),
        run_started_at=run_started_at,
        execute=execute,
    )
