"""Render a metric's per-period query with MetricFlow (offline) and run it on the dbt session.

Pinned to MetricFlow 0.213 (dbt-metricflow 0.15): these APIs move between releases, and
tests/status runs them for real. MetricFlow is imported only when a renderer is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .dialect import render_only_sql_client
from .evaluate import clean_value
from .spec import GRAINS, Grain


@dataclass(frozen=True)
class PeriodValues:
    metric: str
    grain: Grain
    sql: str
    values: dict[date, float | None]  # keyed by period start


class MetricFlowRenderer:
    """A MetricFlow engine over one semantic manifest, able to render but never to connect.

    Build it once per run: parsing the manifest and building the engine costs far more than
    rendering one query.
    """

    def __init__(self, semantic_manifest_json: str, adapter_type: str) -> None:
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow_semantics.model.dbt_manifest_parser import (
            parse_manifest_from_dbt_generated_manifest,
        )
        from metricflow_semantics.model.semantic_manifest_lookup import (
            SemanticManifestLookup,
        )

        # The parser also applies the transformations dbt leaves to MetricFlow (lower-cased names,
        # measure proxies), exactly as `mf` does when it loads target/semantic_manifest.json.
        manifest = parse_manifest_from_dbt_generated_manifest(semantic_manifest_json)
        self._engine = MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(manifest),
            sql_client=render_only_sql_client(adapter_type),
        )

    @classmethod
    def from_path(cls, semantic_manifest_path: str | Path, adapter_type: str) -> MetricFlowRenderer:
        return cls(Path(semantic_manifest_path).read_text(encoding="utf-8"), adapter_type)

    def render(
        self,
        metric: str,
        grain: Grain,
        *,
        where: Sequence[str] = (),
        time_constraint_start: datetime | None = None,
        time_constraint_end: datetime | None = None,
    ) -> str:
        """SQL returning `metric_time__<grain>` and the metric's value, one row per period.

        `where` takes MetricFlow filter strings, e.g. "{{ Dimension('order__status') }} = 'x'".
        Prefer no time constraint: MetricFlow 0.213 widens the constraint to whole periods of the
        grain but compares the agg-time column to the last period's first *day*, so a metric whose
        time dimension is finer than a day (hour) loses the last day's rows after midnight.
        """
        if grain not in GRAINS:
            raise ValueError(f"unknown grain {grain!r}")
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            metric_names=[metric],
            group_by_names=[f"metric_time__{grain}"],
            where_constraints=list(where) or None,
            time_constraint_start=time_constraint_start,
            time_constraint_end=time_constraint_end,
        )
        statement = self._engine.explain(request).sql_statement
        if statement.bind_parameter_set.param_items:
            # Never seen with MetricFlow 0.213 + dbt; running it unbound would be wrong, so refuse.
            raise NotImplementedError(f"MetricFlow rendered bind parameters for {metric!r}")
        return statement.sql


def run_period_query(session: Any, sql: str, metric: str, grain: Grain) -> dict[date, float | None]:
    """Run rendered SQL on a DuckDB session (dbt-duckdb's Python-model `session`) and key by period.

    The table names in the SQL come from the semantic manifest's `node_relation`
    ("database"."schema"."alias" of the target dbt is building), which is what the same dbt run
    created in this very DuckDB connection, so nothing is rewritten.
    """
    relation = session.sql(sql)
    columns = [column.lower() for column in relation.columns]
    time_column = f"metric_time__{grain}"
    value_column = metric.lower()  # MetricFlow lower-cases metric names for its output columns
    if time_column not in columns or value_column not in columns:
        raise RuntimeError(f"unexpected columns {columns} from MetricFlow SQL for {metric!r}")
    time_index, value_index = columns.index(time_column), columns.index(value_column)
    values: dict[date, float | None] = {}
    for row in relation.fetchall():
        period = row[time_index]
        if period is None:
            continue
        key = period.date() if isinstance(period, datetime) else period
        values[key] = clean_value(row[value_index])
    return values


def query_metric_periods(
    renderer: MetricFlowRenderer,
    session: Any,
    metric: str,
    grain: Grain,
    *,
    where: Sequence[str] = (),
) -> PeriodValues:
    """Every period's value of `metric` at `grain`, as `mf query --group-by metric_time__<grain>` gives it."""
    sql = renderer.render(metric, grain, where=where)
    return PeriodValues(metric, grain, sql, run_period_query(session, sql, metric, grain))
