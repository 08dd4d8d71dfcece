"""Showing the tables the generated models built: `dbt-kpi-lint status`."""
