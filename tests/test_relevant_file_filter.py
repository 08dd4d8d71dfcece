"""Only files that can define metrics, semantic models or groups are parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

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


LIFETIME_CUSTOMERS = """\
metrics:
  - name: lifetime_customers
    type: cumulative
    type_params:
      measure: customers
"""
ENTRIES = LIFETIME_CUSTOMERS.removeprefix("metrics:")


# Every way the YAML reader (PyYAML, as dbt reads) finds `metrics` in a file, each measured to be
# read by it; the filter once skipped all of these.
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(("version: 2\n" + LIFETIME_CUSTOMERS).replace("\n", "\r").encode(), id="CR line breaks"),
        pytest.param(("version: 2\n" + LIFETIME_CUSTOMERS).replace("\n", "\x85").encode(), id="NEL line breaks"),
        pytest.param(("version: 2\n" + LIFETIME_CUSTOMERS).replace("\n", "\u2028").encode(), id="LS line breaks"),
        pytest.param(("version: 2\n" + LIFETIME_CUSTOMERS).replace("\n", "\u2029").encode(), id="PS line breaks"),
        pytest.param(b"\xef\xbb\xbf\xef\xbb\xbf" + LIFETIME_CUSTOMERS.encode(), id="two byte-order marks"),
        pytest.param(
            b"{version: 2, metrics: [{name: lifetime_customers, type: cumulative, type_params: {measure: c}}]}\n",
            id="a key inside a flow mapping",
        ),
        pytest.param(f'version: 2\n"\\x6detrics":{ENTRIES}'.encode(), id="a key spelled with a \\x escape"),
        pytest.param(f'version: 2\n"metric\\u0073":{ENTRIES}'.encode(), id="a key spelled with a \\u escape"),
        pytest.param(f"version: 2\n!!str metrics:{ENTRIES}".encode(), id="a tagged key"),
        pytest.param(f"version: 2\n? metrics\n:{ENTRIES}".encode(), id="an explicit key"),
        pytest.param(f"version: 2\n? |-\n  metrics\n:{ENTRIES}".encode(), id="an explicit block scalar key"),
        pytest.param(f"names: [&k metrics]\n*k :{ENTRIES}".encode(), id="an alias as the key"),
        pytest.param(
            b"base: &b {metrics: [{name: lifetime_customers, type: cumulative, type_params: {measure: c}}]}\n<<: *b\n",
            id="a merge key",
        ),
    ],
)
def test_a_file_the_yaml_reader_finds_metrics_in_is_parsed(make_project: Callable[..., Path], content: bytes) -> None:
    root = make_project({})
    (root / "models").mkdir()
    (root / "models/metrics.yml").write_bytes(content)

    project = load_project(root)

    assert (project.files, [metric.name for metric in project.metrics]) == (("models/metrics.yml",), ["lifetime_customers"])
