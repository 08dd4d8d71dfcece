"""A canonical definition as the fields a reviewer reads: `filter`, `window`, `input x offset_window`.

The nesting of dbt's semantic manifest (`type_params.cumulative_type_params.window`) is
flattened to the names the YAML uses; a reference to a metric or a measure is its name, with
its own filter, alias and offsets as fields beside it; a derived metric's inputs are keyed by
the name its `expr` reads them as, so reordering them changes nothing.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping

# Levels of nesting that only group fields; their fields are shown under their own names.
_GROUPS = frozenset(
    {"type_params", "cumulative_type_params", "conversion_type_params", "metric_aggregation_params", "agg_params"}
)
# Fields whose YAML name differs from the semantic manifest's.
_YAML_NAMES = {"metric": "input_metric"}


def fields(canonical: Mapping[str, Any]) -> dict[str, str]:
    """Field name -> value as text; absent fields (None, empty) are left out."""
    return dict(_fields(canonical, ""))


def _fields(value: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for key, item in value.items():
        if item is None or item == [] or item == {}:
            continue
        name = prefix + _YAML_NAMES.get(key, key)
        if key in _GROUPS and isinstance(item, dict):
            yield from _fields(item, prefix)
        elif key == "filter" and isinstance(item, dict):
            yield name, " AND ".join(str(where["where_sql_template"]).strip() for where in item["where_filters"])
        elif key == "metrics" and isinstance(item, list):
            for reference in item:
                reads_as = reference.get("alias") or reference["name"]
                shown = {field: part for field, part in reference.items() if field != "alias"}
                yield from _reference(shown, f"{prefix}input {reads_as}")
        elif _is_window(item):
            count, grain = item["count"], item["granularity"]
            yield name, f"{count} {grain}" + ("" if count == 1 else "s")
        elif isinstance(item, dict) and "name" in item:
            yield from _reference(item, name)
        elif isinstance(item, dict):
            yield from _fields(item, name + " ")
        elif isinstance(item, list):
            yield name, ", ".join(_text(part) for part in item)
        else:
            yield name, _text(item)


def _reference(reference: Mapping[str, Any], name: str) -> Iterator[tuple[str, str]]:
    yield name, str(reference["name"])
    yield from _fields({key: value for key, value in reference.items() if key != "name"}, name + " ")


def _is_window(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"count", "granularity"}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)
