"""All-time cumulative metrics as a running sum of their daily values.

MetricFlow computes an all-time cumulative metric by joining every day of the time spine to every
earlier row (days x rows), bounded in time or not. For a measure whose daily values add up (`sum`,
`count`, `sum_boolean`), the same value on a day is the sum of the daily values up to it: one scan
of the history, grouped by day, then a sum per period shown (sql_model.py). Other aggregations
(`count_distinct`, `max`, ...), windows, grain-to-date and `period_agg: average` keep MetricFlow's SQL.
"""

from __future__ import annotations

from typing import Any, Mapping

ADDITIVE_AGGREGATIONS = frozenset({"sum", "count", "sum_boolean"})
RUNNING_PERIOD_AGGREGATIONS = frozenset({"first", "last"})
# The name the daily input of a running total has in the semantic manifest MetricFlow renders from.
_DAILY_PREFIX = "kpi_daily_input_of_"


def daily_input_name(metric: str) -> str:
    return f"{_DAILY_PREFIX}{metric}"


def running_total_period_agg(document: Mapping[str, Any], metric: str) -> str | None:
    """`first` or `last` when `metric` is an all-time cumulative metric of an additive measure that a
    running sum computes; None otherwise."""
    definition = _metric(document, metric)
    if definition is None or definition.get("type") != "cumulative":
        return None
    params = definition.get("type_params") or {}
    cumulative = params.get("cumulative_type_params") or {}
    measure = (params.get("measure") or {}).get("name")
    period_agg = cumulative.get("period_agg") or "first"
    if any(value for value in (params.get("window"), params.get("grain_to_date"), cumulative.get("window"),
                               cumulative.get("grain_to_date"), cumulative.get("metric"))):
        return None
    if period_agg not in RUNNING_PERIOD_AGGREGATIONS or _measure_agg(document, measure) not in ADDITIVE_AGGREGATIONS:
        return None
    return str(period_agg)


def with_daily_inputs(document: Mapping[str, Any], metrics: list[str]) -> dict[str, Any]:
    """`document` with, for each of `metrics`, a simple metric of its measure and filter: the daily
    values its running total adds up."""
    added = []
    for metric in metrics:
        definition = _metric(document, metric)
        assert definition is not None
        params = definition["type_params"]
        added.append({
            **definition,
            "name": daily_input_name(metric),
            "type": "simple",
            "type_params": {"measure": params["measure"], "input_measures": params.get("input_measures") or []},
        })
    return {**document, "metrics": [*document["metrics"], *added]}


def _metric(document: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    return next((metric for metric in document.get("metrics", []) if metric.get("name") == name), None)


def _measure_agg(document: Mapping[str, Any], measure: Any) -> str | None:
    for model in document.get("semantic_models", []):
        for entry in model.get("measures") or []:
            if entry.get("name") == measure:
                return str(entry.get("agg") or "").lower()
    return None
