"""Loading pauses the cyclic garbage collector for speed, and always hands it back as it was."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable

import pytest

from dbt_kpi_lint.loading.dbt_project import ProjectError
from dbt_kpi_lint.loading.source import Source, load_linted_project

METRICS = """\
metrics:
  - name: orders
    type: simple
    type_params: {measure: orders}
"""


def test_collector_is_enabled_again_after_loading(make_project: Callable[..., Path]) -> None:
    root = make_project({"models/metrics.yml": METRICS})

    loaded = load_linted_project(root, Source.YAML)

    assert [metric.name for metric in loaded.project.metrics] == ["orders"]
    assert gc.isenabled()


def test_collector_is_enabled_again_when_loading_fails(tmp_path: Path) -> None:
    with pytest.raises(ProjectError):
        load_linted_project(tmp_path, Source.YAML)

    assert gc.isenabled()


def test_collector_disabled_by_the_caller_stays_disabled(make_project: Callable[..., Path]) -> None:
    root = make_project({"models/metrics.yml": METRICS})
    gc.disable()
    try:
        load_linted_project(root, Source.YAML)
        assert not gc.isenabled()
    finally:
        gc.enable()
