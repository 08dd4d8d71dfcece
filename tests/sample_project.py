"""The dbt metrics most CLI tests lint: one finding of each severity and one clean metric."""

from __future__ import annotations

# revenue: KPI without owner (KPI001, error, line 2); customers_ever: all-time total (VAN001,
# warning, line 8); orders: a clean metric (line 13).
METRICS = """\
metrics:
  - name: revenue
    label: Net revenue
    type: simple
    type_params: {measure: revenue}
    config:
      meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 100}
  - name: customers_ever
    label: Customers ever
    type: cumulative
    type_params:
      measure: customers
  - name: orders
    label: Orders
    type: simple
    type_params: {measure: orders}
"""

KPI001_MESSAGE = (
    "KPI `revenue` has no owner: set `meta.owner` to the accountable person or team, "
    "or put the metric in a dbt group that has an owner (`config.group`)"
)
VAN001_MESSAGE = (
    "`customers_ever` is an all-time running total (cumulative with no window or grain_to_date): "
    "it can only grow, so it never signals when to act; add "
    "`type_params.cumulative_type_params.window: 28 days` or `grain_to_date: month`"
)
