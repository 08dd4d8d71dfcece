"""A small dbt project in a git repository, for the tests of `review` and `certify`.

`main` holds the project; work continues on branch `feature`. Its KPIs cover every metric
type a KPI's number can be built from: a simple metric, a ratio, a derived metric with an
offset input, and a cumulative month-to-date.
"""

from __future__ import annotations

from pathlib import Path

from conftest import DEFAULT_PROJECT_FILE, write_files
from git_repos import commit_all, git

SEMANTIC_MODELS = """\
semantic_models:
  - name: orders
    description: One row per order.
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities:
      - {name: order, type: primary, expr: order_id}
      - {name: customer, type: foreign, expr: customer_id}
    dimensions:
      - name: ordered_at
        type: time
        type_params: {time_granularity: day}
      - {name: status, type: categorical}
    measures:
      - name: revenue
        description: Order amounts.
        agg: sum
        expr: amount
      - {name: order_count, agg: count, expr: order_id}

  - name: customers
    model: ref('customers')
    defaults: {agg_time_dimension: signed_up_at}
    entities:
      - {name: customer, type: primary, expr: customer_id}
    dimensions:
      - name: signed_up_at
        type: time
        type_params: {time_granularity: day}
      - {name: plan, type: categorical}
"""

METRICS = """\
metrics:
  - name: revenue
    label: Revenue
    description: Order amounts.
    type: simple
    type_params: {measure: revenue}
    config:
      meta:
        kpi: true
        owner: finance@example.com
        target: 1000
        direction: increase
        objective: grow
        indicator: lagging

  - name: orders
    label: Orders
    type: simple
    type_params: {measure: order_count}

  - name: revenue_per_order
    label: Revenue per order
    type: ratio
    type_params: {numerator: revenue, denominator: orders}
    config:
      meta: {kpi: true, owner: finance@example.com, target: 50, direction: increase, objective: grow, indicator: lagging}

  - name: revenue_growth
    label: Revenue growth
    type: derived
    type_params:
      expr: (revenue - revenue_prior) / revenue_prior
      metrics:
        - name: revenue
        - name: revenue
          offset_window: 1 month
          alias: revenue_prior
    config:
      meta: {kpi: true, owner: finance@example.com, target: 0.05, direction: increase, objective: grow, indicator: leading}

  - name: revenue_mtd
    label: Revenue, month to date
    type: cumulative
    type_params:
      measure: revenue
      cumulative_type_params: {grain_to_date: month, period_agg: last}
    config:
      meta: {kpi: true, owner: finance@example.com, target: 500, direction: increase, objective: grow, indicator: lagging}
"""

MODELS = {
    "models/orders.sql": "select * from {{ ref('stg_orders') }}\n",
    "models/staging/stg_orders.sql": "select 1 as order_id, 1 as customer_id, 10 as amount, 'paid' as status\n",
    "models/customers.sql": "select 1 as customer_id, 'pro' as plan\n",
}


def make_repo(root: Path, metrics: str = METRICS, semantic_models: str = SEMANTIC_MODELS) -> Path:
    write_files(
        root,
        {
            "dbt_project.yml": DEFAULT_PROJECT_FILE,
            "models/semantic_models.yml": semantic_models,
            "models/metrics.yml": metrics,
            **MODELS,
        },
    )
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "KPIs")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def merge_base(repo: Path) -> str:
    return git(repo, "merge-base", "main", "HEAD").strip()[:7]
