"""dbt-kpi-lint: keep the promotion of dbt metrics to KPIs honest."""

__version__ = "0.2.0"
