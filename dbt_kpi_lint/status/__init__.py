"""Runtime half of dbt-kpi-lint: the `kpi_status` table built inside `dbt build`.

Nothing here imports dbt or MetricFlow at import time (they are the optional `status` extra);
they are imported inside the functions that need them.
"""

from .dialect import UnsupportedAdapterError, dialect_for, render_only_sql_client, supported_adapter_types
from .entry import (
    STATUS_COLUMNS,
    build_status_rows,
    kpis_from_semantic_manifest,
    materialize,
    rows_relation,
    semantic_manifest_path,
)
from .evaluate import (
    KpiStatusRow,
    Period,
    Status,
    attainment,
    evaluate_kpi,
    evaluate_status,
    last_complete_period,
    period_of,
    previous_period,
)
from .metricflow_query import MetricFlowRenderer, PeriodValues, query_metric_periods, run_period_query
from .spec import KpiSpec
from .template import PROPERTIES_YAML, kpi_status_model_source

__all__ = [
    "PROPERTIES_YAML",
    "STATUS_COLUMNS",
    "KpiSpec",
    "KpiStatusRow",
    "MetricFlowRenderer",
    "Period",
    "PeriodValues",
    "Status",
    "UnsupportedAdapterError",
    "attainment",
    "build_status_rows",
    "dialect_for",
    "evaluate_kpi",
    "evaluate_status",
    "kpi_status_model_source",
    "kpis_from_semantic_manifest",
    "last_complete_period",
    "materialize",
    "period_of",
    "previous_period",
    "query_metric_periods",
    "render_only_sql_client",
    "rows_relation",
    "run_period_query",
    "semantic_manifest_path",
    "supported_adapter_types",
]
