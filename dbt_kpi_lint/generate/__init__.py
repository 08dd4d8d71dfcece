"""Generating: the dbt models `dbt-kpi-lint generate` writes into a project."""
