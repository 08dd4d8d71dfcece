"""Benchmarks of the lint path against `dbt parse`; not part of the installed package."""
