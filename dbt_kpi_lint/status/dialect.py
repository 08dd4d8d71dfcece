"""The one place that maps a dbt adapter type to MetricFlow's SQL engine and plan renderer.

MetricFlow picks its SQL dialect from the SQL client it is handed. To render SQL without a
warehouse connection we hand it a client that can only *describe* the engine; this module
builds that client. The table mirrors dbt-metricflow's own `SupportedAdapterTypes` for MetricFlow
0.213, restricted to the engines this project means to support. MetricFlow is imported lazily so
that the lint path (and importing this package) never needs it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, NoReturn


@dataclass(frozen=True)
class Dialect:
    adapter_type: str  # dbt's `adapter.type()` / profile `type:`
    sql_engine: str  # member name of metricflow.protocols.sql_client.SqlEngine
    renderer_module: str
    renderer_class: str


# Only adapters MetricFlow 0.213 ships a renderer for. Trino, Athena and Vertica also exist in
# MetricFlow; add them here when this project supports them, nowhere else.
_DIALECTS: dict[str, Dialect] = {
    d.adapter_type: d
    for d in (
        Dialect("duckdb", "DUCKDB", "metricflow.sql.render.duckdb_renderer", "DuckDbSqlPlanRenderer"),
        Dialect("snowflake", "SNOWFLAKE", "metricflow.sql.render.snowflake", "SnowflakeSqlPlanRenderer"),
        Dialect("postgres", "POSTGRES", "metricflow.sql.render.postgres", "PostgresSQLSqlPlanRenderer"),
        Dialect("bigquery", "BIGQUERY", "metricflow.sql.render.big_query", "BigQuerySqlPlanRenderer"),
        Dialect("databricks", "DATABRICKS", "metricflow.sql.render.databricks", "DatabricksSqlPlanRenderer"),
        Dialect("redshift", "REDSHIFT", "metricflow.sql.render.redshift", "RedshiftSqlPlanRenderer"),
    )
}


class UnsupportedAdapterError(ValueError):
    pass


def supported_adapter_types() -> tuple[str, ...]:
    return tuple(_DIALECTS)


def dialect_for(adapter_type: str) -> Dialect:
    try:
        return _DIALECTS[adapter_type.lower()]
    except KeyError:
        raise UnsupportedAdapterError(
            f"no MetricFlow SQL renderer for dbt adapter {adapter_type!r}; supported: {', '.join(_DIALECTS)}"
        ) from None


class RenderOnlySqlClient:
    """Satisfies MetricFlow's `SqlClient` protocol for planning and rendering only.

    `MetricFlowEngine.explain` reads just `sql_engine_type` and `sql_plan_renderer`; anything that
    would reach a warehouse raises, so an accidental `engine.query(...)` fails loudly instead of
    hanging on a connection that does not exist.
    """

    def __init__(self, sql_engine_type: Any, sql_plan_renderer: Any) -> None:
        self._sql_engine_type = sql_engine_type
        self._sql_plan_renderer = sql_plan_renderer

    @property
    def sql_engine_type(self) -> Any:
        return self._sql_engine_type

    @property
    def sql_plan_renderer(self) -> Any:
        return self._sql_plan_renderer

    def _no_connection(self, *_: Any, **__: Any) -> NoReturn:
        raise NotImplementedError("render-only MetricFlow client: run the rendered SQL on the dbt session instead")

    query = execute = dry_run = render_bind_parameter_key = _no_connection

    def close(self) -> None:
        pass


def render_only_sql_client(adapter_type: str) -> RenderOnlySqlClient:
    """A MetricFlow SQL client that renders `adapter_type`'s dialect and never connects."""
    dialect = dialect_for(adapter_type)
    from metricflow.protocols.sql_client import SqlEngine

    renderer_cls = getattr(importlib.import_module(dialect.renderer_module), dialect.renderer_class)
    return RenderOnlySqlClient(SqlEngine[dialect.sql_engine], renderer_cls())
