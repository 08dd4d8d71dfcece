"""Runtime half of dbt-kpi-lint: the `kpi_status` table built inside `dbt build`.

Nothing here imports dbt or MetricFlow at import time (they are the optional `status` extra);
they are imported inside the functions that need them.
"""

from .dialect import (
    UnsupportedAdapterError,
    dialect_for,
    render_only_sql_client,
    supported_adapter_types,
)
from .entry import (
    STATUS_COLUMNS,
    build_status_rows,
    materialize,
    rows_relation,
    running_project,
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
from .metricflow_query import (
    MetricFlowRenderer,
    PeriodValues,
    query_metric_periods,
    run_period_query,
)
from .spec import KpiSpec

__all__ = [
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
    "last_complete_period",
    "materialize",
    "period_of",
    "previous_period",
    "query_metric_periods",
    "render_only_sql_client",
    "rows_relation",
    "run_period_query",
    "running_project",
    "supported_adapter_types",
]
