"""The dbt metrics most CLI tests lint: one finding of each severity and one clean metric, and a fixable one."""

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

# trials_last_7_days: the legacy window spelling (DEP001, warning, fixable, line 6); no KPI.
LEGACY_WINDOW = """\
metrics:
  - name: trials_last_7_days
    type: cumulative
    type_params:
      measure: trials
      window: 7 days
"""
DEP001_MESSAGE = (
    "`trials_last_7_days` sets `window`/`grain_to_date` directly under `type_params`, the legacy spelling "
    "which dbt 1.12 refuses (unless `flags: require_nested_cumulative_type_params: false`); nest them under "
    "`type_params.cumulative_type_params` (`--fix` does it)"
)
