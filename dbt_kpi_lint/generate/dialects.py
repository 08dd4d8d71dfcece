"""The SQL dialects the generated models are written in: MetricFlow's renderer for each, and the
few spellings the rest of the SQL has to vary (types, string literals).

One entry per dbt adapter type, for the engines MetricFlow 0.213 renders. The table mirrors
dbt-metricflow's own adapter list, plus `spark` (dbt-spark) rendered as Databricks. It names
MetricFlow's renderers, which metricflow_sql.py imports when SQL is rendered: reading the table (the
configuration does) imports no MetricFlow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


def _doubled_quotes(text: str) -> str:
    """The SQL standard: only `'` is special, written twice."""
    return "'" + text.replace("'", "''") + "'"


def _postgres_string(text: str) -> str:
    """Backslashes are literal only while `standard_conforming_strings` is on; an `E''` string
    means the same whatever the server's setting."""
    if "\\" not in text:
        return _doubled_quotes(text)
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _backslash_escaped_doubled_quotes(text: str) -> str:
    """Redshift reads a backslash as an escape in every string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _backslash_escaped(text: str) -> str:
    """BigQuery, Databricks, Spark and Snowflake: backslash escapes, and no raw line break (BigQuery)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return "'" + escaped + "'"


@dataclass(frozen=True)
class Dialect:
    adapter_type: str  # dbt's `target.type` / profile `type:`
    sql_engine: str  # member of metricflow.protocols.sql_client.SqlEngine
    renderer_module: str
    renderer_class: str
    float_type: str
    text_type: str
    sqlglot_dialect: str
    string_literal: Callable[[str], str]


_ALL = (
    Dialect("duckdb", "DUCKDB", "metricflow.sql.render.duckdb_renderer", "DuckDbSqlPlanRenderer", "DOUBLE",
            "VARCHAR", "duckdb", _doubled_quotes),
    Dialect("postgres", "POSTGRES", "metricflow.sql.render.postgres", "PostgresSQLSqlPlanRenderer",
            "DOUBLE PRECISION", "TEXT", "postgres", _postgres_string),
    Dialect("snowflake", "SNOWFLAKE", "metricflow.sql.render.snowflake", "SnowflakeSqlPlanRenderer", "DOUBLE",
            "VARCHAR", "snowflake", _backslash_escaped),
    Dialect("bigquery", "BIGQUERY", "metricflow.sql.render.big_query", "BigQuerySqlPlanRenderer", "FLOAT64",
            "STRING", "bigquery", _backslash_escaped),
    Dialect("databricks", "DATABRICKS", "metricflow.sql.render.databricks", "DatabricksSqlPlanRenderer", "DOUBLE",
            "STRING", "databricks", _backslash_escaped),
    # MetricFlow has no Spark engine; Databricks runs Spark SQL, and its SQL runs on Apache Spark unchanged.
    Dialect("spark", "DATABRICKS", "metricflow.sql.render.databricks", "DatabricksSqlPlanRenderer", "DOUBLE",
            "STRING", "spark", _backslash_escaped),
    # Redshift's VARCHAR without a length holds 256 bytes; 65535 is its maximum.
    Dialect("redshift", "REDSHIFT", "metricflow.sql.render.redshift", "RedshiftSqlPlanRenderer",
            "DOUBLE PRECISION", "VARCHAR(65535)", "redshift", _backslash_escaped_doubled_quotes),
    Dialect("trino", "TRINO", "metricflow.sql.render.trino", "TrinoSqlPlanRenderer", "DOUBLE", "VARCHAR", "trino",
            _doubled_quotes),
)
DIALECTS: dict[str, Dialect] = {dialect.adapter_type: dialect for dialect in _ALL}
DEFAULT_DIALECT = "duckdb"


class UnsupportedDialectError(ValueError):
    pass


def dialect_named(adapter_type: str) -> Dialect:
    try:
        return DIALECTS[adapter_type.lower()]
    except KeyError:
        raise UnsupportedDialectError(
            f"MetricFlow renders no SQL for dbt adapter {adapter_type!r}; supported: {', '.join(DIALECTS)}"
        ) from None
