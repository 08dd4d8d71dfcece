"""Only files that can define metrics, semantic models or groups are parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from dbt_kpi_lint.loading.yaml_loader import load_project

MODEL_MENTIONING_METRICS = """\
version: 2
models:
  - name: orders
    description: Feeds the revenue metrics and the finance groups.
"""
TIME_SPINE_MODEL = """\
version: 2
models:
  - name: all_days
    time_spine:
      standard_granularity_column: date_day
"""
QUOTED_METRICS_KEY = """\
version: 2
"metrics":
  - name: revenue
    type: simple
    type_params: {measure: revenue}
"""


def test_model_file_that_only_mentions_metrics_in_prose_is_not_parsed(make_project: Callable[..., Path]) -> None:
    root = make_project({"models/orders.yml": MODEL_MENTIONING_METRICS, "models/metrics.yml": QUOTED_METRICS_KEY})

    project = load_project(root)

    assert project.files == ("models/metrics.yml",)
    assert [metric.name for metric in project.metrics] == ["revenue"]


def test_model_file_declaring_the_time_spine_is_parsed(make_project: Callable[..., Path]) -> None:
    root = make_project({"models/days.yml": TIME_SPINE_MODEL, "models/orders.yml": MODEL_MENTIONING_METRICS})

    project = load_project(root)

    assert project.files == ("models/days.yml",)
