"""Helpers for rule tests: lint a written project through the engine, with chosen rules and options."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.findings import Finding
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.yaml_loader import load_project

# Measures of every aggregation the rules distinguish, for metrics to reference.
SEMANTIC_MODELS = """\
semantic_models:
  - name: orders
    model: ref('orders')
    measures:
      - {name: order_count, agg: count}
      - {name: customer_count, agg: count_distinct}
      - {name: paid_order_count, agg: sum_boolean}
      - {name: revenue_amount, agg: sum}
      - {name: order_value, agg: average}
"""


def findings(root: Path, code: str, options: Mapping[str, Any] | None = None) -> list[Finding]:
    """The findings of rule `code` alone on the project at `root`."""
    settings = Settings(select=(code,), rule_options=dict(options or {}))
    return lint(load_project(root), settings)


def place(finding: Finding) -> str:
    return str(finding.location)
