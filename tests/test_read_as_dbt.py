"""Shapes of public dbt projects that the linter must read exactly as dbt 1.11 and 1.12 read them.

What dbt does with each shape was measured with `dbt parse` (dbt-core 1.11.16 and 1.12.6); the
fixtures are synthetic, shaped like the public projects where the shapes were met.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

from conftest import CliResult
from test_yaml_loading import check_json

from dbt_kpi_lint.loading.yaml_loader import load_project

FIXTURES = Path(__file__).parent / "fixtures"
CREATED_METRICS = FIXTURES / "projects" / "created_metrics"


def summary(result: CliResult) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith(("Found", "All checks")))


def messages(run_cli: Callable[..., CliResult], root: Path, *args: str) -> list[tuple[str, str, str]]:
    result = run_cli("check", "--format", "json", *args, cwd=root)
    return [(item["code"], item["severity"], item["message"]) for item in json.loads(result.stdout)]


# Metrics dbt makes from measures with `create_metric: true` -----------------------------------------


def test_measures_with_create_metric_are_counted_as_the_metrics_dbt_makes(run_cli, tmp_path: Path) -> None:
    root = shutil.copytree(CREATED_METRICS, tmp_path / "jaffle")
    assert summary(run_cli("check", "--select", "KPI001", cwd=root)) == "All checks passed: 9 metrics (2 KPIs)."


def test_a_created_metric_is_named_labelled_and_placed_like_its_measure() -> None:
    order_total = load_project(CREATED_METRICS).metric("order_total")
    assert order_total is not None
    assert (
        order_total.type,
        order_total.measure,
        order_total.label,
        order_total.description,
        str(order_total.location),
        order_total.created_from,
    ) == ("simple", "order_total", "Order total", "Amount of each order, taxes included.", "models/marts/orders.yml:20:9", "orders")


def test_a_created_metric_without_label_or_description_gets_dbt_s_defaults() -> None:
    order_count = load_project(CREATED_METRICS).metric("order_count")
    assert order_count is not None
    assert (order_count.label, order_count.description, order_count.expr) == (
        "order_count",
        "Metric created from measure order_count",
        "1",
    )


def test_a_created_metric_is_a_kpi_through_its_semantic_model_meta(run_cli) -> None:
    assert check_json(run_cli, CREATED_METRICS, "--select", "VAN003") == [
        ("VAN003", "new_customers", "models/marts/customers.yml", 20, 9)
    ]


def test_a_created_metric_is_an_input_other_metrics_are_judged_with(make_project, run_cli) -> None:
    root = make_project(
        {
            "models/orders.yml": """\
                semantic_models:
                  - name: orders
                    model: ref('orders')
                    measures:
                      - {name: paid_orders, agg: sum_boolean, create_metric: true}
                metrics:
                  - name: paid_orders_ever
                    type: cumulative
                    type_params: {measure: paid_orders}
                  - name: paid_share
                    type: ratio
                    type_params: {numerator: paid_orders, denominator: paid_orders_ever}
                    config:
                      meta: {kpi: true, owner: ops@example.com, target: 2, direction: increase}
            """
        }
    )
    # KPI004 knows the ratio's numerator is a created count: a share of a running total exceeds 1 only by error.
    assert check_json(run_cli, root, "--select", "VAN002,KPI004") == [
        ("VAN002", "paid_share", "models/orders.yml", 12, 43)
    ]


def test_project_meta_applies_to_created_metrics_and_the_semantic_model_meta_wins(make_project) -> None:
    root = make_project(
        {
            "models/orders.yml": """\
                semantic_models:
                  - name: orders
                    model: ref('orders')
                    config:
                      meta: {owner: orders-team@example.com}
                    measures:
                      - {name: revenue, agg: sum, create_metric: true}
            """
        },
        project_file='name: shop\nconfig-version: 2\nmetrics:\n  +meta: {owner: data@example.com, tier: gold}\n',
    )
    revenue = load_project(root).metric("revenue")
    assert revenue is not None
    assert {key: entry.value for key, entry in revenue.meta.items()} == {
        "owner": "orders-team@example.com",
        "tier": "gold",
    }


def test_a_disabled_semantic_model_makes_its_created_metrics_disabled(make_project) -> None:
    root = make_project(
        {
            "models/orders.yml": """\
                semantic_models:
                  - name: orders
                    model: ref('orders')
                    config: {enabled: false}
                    measures:
                      - {name: revenue, agg: sum, create_metric: true}
            """
        }
    )
    project = load_project(root)
    assert (project.metrics, project.disabled_metrics, project.semantic_models) == ((), ("revenue",), ())


# VAN002 and period-to-date figures built from running totals --------------------------------------


def test_a_running_total_minus_its_value_at_the_start_of_the_month_is_not_a_vanity_metric(run_cli) -> None:
    assert check_json(run_cli, CREATED_METRICS, "--select", "VAN002") == [
        ("VAN002", "order_total_at_start_of_month", "models/marts/orders.yml", 56, 11),
        ("VAN002", "order_total_all_time_growth", "models/marts/orders.yml", 84, 11),
    ]


def test_a_metric_built_on_a_period_to_date_difference_is_not_reported(make_project, run_cli) -> None:
    root = make_project(
        {
            "models/m.yml": """\
                metrics:
                  - name: bookings_all_time
                    type: cumulative
                    type_params: {measure: bookings}
                  - name: bookings_mtd
                    type: derived
                    type_params:
                      expr: bookings_all_time - at_month_start
                      metrics:
                        - bookings_all_time
                        - {name: bookings_all_time, offset_to_grain: month, alias: at_month_start}
                  - name: bookings_mtd_per_day
                    type: derived
                    type_params:
                      expr: bookings_mtd / 30
                      metrics: [bookings_mtd]
            """
        }
    )
    assert check_json(run_cli, root, "--select", "VAN002") == []


def test_the_difference_the_wrong_way_round_is_still_reported(make_project, run_cli) -> None:
    root = make_project(
        {
            "models/m.yml": """\
                metrics:
                  - name: bookings_all_time
                    type: cumulative
                    type_params: {measure: bookings}
                  - name: bookings_backwards
                    type: derived
                    type_params:
                      expr: at_month_start - bookings_all_time
                      metrics:
                        - bookings_all_time
                        - {name: bookings_all_time, offset_to_grain: month, alias: at_month_start}
            """
        }
    )
    assert check_json(run_cli, root, "--select", "VAN002") == [("VAN002", "bookings_backwards", "models/m.yml", 10, 11)]


# DEP001 is an error where the project's flags make dbt refuse the legacy spelling ----------------

LEGACY_WINDOW = """\
    metrics:
      - name: orders_last_7_days
        type: cumulative
        type_params:
          measure: orders
          window: 7 days
"""


def test_legacy_cumulative_params_are_a_warning_by_default(make_project, run_cli) -> None:
    root = make_project({"models/m.yml": LEGACY_WINDOW})
    assert messages(run_cli, root, "--select", "DEP001") == [
        (
            "DEP001",
            "warning",
            "`orders_last_7_days` sets `window`/`grain_to_date` directly under `type_params`, the legacy spelling "
            "which dbt 1.12 refuses (unless `flags: require_nested_cumulative_type_params: false`); nest them under "
            "`type_params.cumulative_type_params` (`--fix` does it)",
        )
    ]


def test_legacy_cumulative_params_are_an_error_when_the_project_flag_requires_nesting(make_project, run_cli) -> None:
    root = make_project(
        {"models/m.yml": LEGACY_WINDOW},
        project_file="name: shop\nconfig-version: 2\nflags:\n  require_nested_cumulative_type_params: true\n",
    )
    assert messages(run_cli, root, "--select", "DEP001") == [
        (
            "DEP001",
            "error",
            "`orders_last_7_days` sets `window`/`grain_to_date` directly under `type_params`, the legacy spelling "
            "which dbt refuses for this project (dbt_project.yml sets `flags: require_nested_cumulative_type_params: "
            "true`); nest them under `type_params.cumulative_type_params` (`--fix` does it)",
        )
    ]


def test_legacy_cumulative_params_are_an_error_when_the_project_requires_dbt_1_12(make_project, run_cli) -> None:
    root = make_project(
        {"models/m.yml": LEGACY_WINDOW},
        project_file='name: shop\nconfig-version: 2\nrequire-dbt-version: [">=1.12.0", "<2.0.0"]\n',
    )
    [(code, severity, message)] = messages(run_cli, root, "--select", "DEP001")
    assert (code, severity) == ("DEP001", "error")
    assert "(`require-dbt-version` admits only dbt 1.12 and later, whose `require_nested_cumulative_type_params` " \
        "defaults to true)" in message


def test_legacy_cumulative_params_stay_a_warning_when_the_flag_allows_them(make_project, run_cli) -> None:
    root = make_project(
        {"models/m.yml": LEGACY_WINDOW},
        project_file=(
            'name: shop\nconfig-version: 2\nrequire-dbt-version: ">=1.12"\n'
            "flags:\n  require_nested_cumulative_type_params: false\n"
        ),
    )
    assert [severity for _, severity, _ in messages(run_cli, root, "--select", "DEP001")] == ["warning"]


# The dbt_metrics spec of dbt < 1.6 -------------------------------------------------------------------

DBT_METRICS_SPEC = """\
    metrics:
      - name: new_customers
        label: New customers
        model: ref('dim_customers')
        calculation_method: count_distinct
        expression: customer_id
        timestamp: first_order_date
        time_grains: [day, week, month]
      - name: revenue
        label: Revenue
        model: ref('orders')
        calculation_method: sum
        expression: amount
        timestamp: ordered_at
        time_grains: [month]
"""


def test_metrics_in_the_dbt_metrics_spec_are_errors_with_the_migration_pointer(make_project, run_cli) -> None:
    root = make_project({"models/metrics.yml": DBT_METRICS_SPEC})
    assert check_json(run_cli, root) == [
        ("YML002", None, "models/metrics.yml", 2, 5),
        ("YML002", None, "models/metrics.yml", 9, 5),
    ]
    assert messages(run_cli, root)[0] == (
        "YML002",
        "error",
        "`new_customers` is written in the dbt_metrics spec of dbt < 1.6 (`calculation_method`, `expression`, "
        "`timestamp`, `time_grains`), which dbt 1.6 and later refuse with this whole file: migrate it to a "
        "MetricFlow metric (a semantic model measure and a metric with `type` and `type_params`), see "
        "https://docs.getdbt.com/guides/sl-migration",
    )


def test_a_file_in_the_dbt_metrics_spec_defines_no_metrics(make_project, run_cli) -> None:
    root = make_project({"models/metrics.yml": DBT_METRICS_SPEC})
    assert summary(run_cli("check", cwd=root)) == "Found 2 errors and 0 warnings in 0 metrics (0 KPIs)."


# The latest spec as dbt 1.12 parses it ------------------------------------------------------------

LATEST_SPEC_TOP_LEVEL_META = """\
    metrics:
      - name: revenue_last_28_days
        type: cumulative
        input_metric: revenue
        window: 28 days
        meta:
          kpi: true  # promoted in the Q3 review
          owner: finance@example.com
"""


def test_a_latest_spec_metric_with_top_level_meta_is_an_error_and_no_kpi(make_project, run_cli) -> None:
    root = make_project({"models/metrics.yml": LATEST_SPEC_TOP_LEVEL_META})
    result = run_cli("check", "--format", "json", "--ignore", "REF001", cwd=root)  # `revenue` is not written here
    [finding] = json.loads(result.stdout)
    assert (finding["code"], finding["severity"], finding["line"], finding["column"]) == ("META002", "error", 7, 7)
    assert finding["message"] == (
        "`revenue_last_28_days` is a latest-spec metric with a top-level `meta`, which that spec does not have: "
        "dbt 1.12 refuses the whole file ('meta' was unexpected), so none of its metrics exist; move `kpi`, "
        "`owner` under `config.meta` (`--fix` does it)"
    )
    assert summary(run_cli("check", "--ignore", "REF001", cwd=root)) == "Found 1 error and 0 warnings in 1 metric (0 KPIs)."


def test_fix_moves_a_latest_spec_top_level_meta_under_config(make_project, run_cli) -> None:
    root = make_project({"models/metrics.yml": LATEST_SPEC_TOP_LEVEL_META})
    result = run_cli("check", "--fix", "--select", "META002,KPI002", cwd=root)
    assert (root / "models/metrics.yml").read_text() == (
        "metrics:\n"
        "  - name: revenue_last_28_days\n"
        "    type: cumulative\n"
        "    input_metric: revenue\n"
        "    window: 28 days\n"
        "    config:\n"
        "      meta:\n"
        "        kpi: true  # promoted in the Q3 review\n"
        "        owner: finance@example.com\n"
    )
    assert result.stdout.splitlines()[0].split(" ", 2)[1] == "error[KPI002]"  # now a KPI: it lacks a target


def test_fix_leaves_a_latest_spec_meta_whose_keys_config_also_sets(make_project, run_cli) -> None:
    written = LATEST_SPEC_TOP_LEVEL_META + "        config:\n          meta: {owner: fpa@example.com}\n"
    root = make_project({"models/metrics.yml": written})
    result = run_cli("check", "--fix", "--select", "META002", cwd=root)
    assert result.stderr.splitlines()[0] == (
        "models/metrics.yml:7:7: META002 not fixed: `config.meta` also sets `owner`: keep one of each"
    )


def test_two_metrics_with_one_name_are_reported_at_both_places(make_project, run_cli) -> None:
    root = make_project(
        {
            "models/finance.yml": "metrics:\n  - name: revenue\n    type: simple\n    type_params: {measure: revenue}\n",
            "models/orders.yml": """\
                semantic_models:
                  - name: orders
                    model: ref('orders')
                    measures:
                      - {name: revenue, agg: sum, create_metric: true}
            """,
        }
    )
    assert messages(run_cli, root, "--select", "YML003") == [
        (
            "YML003",
            "error",
            "metric `revenue` is also defined at models/orders.yml:5:10: dbt refuses a project with two metrics of "
            "one name; rename or delete one of them",
        ),
        (
            "YML003",
            "error",
            "metric `revenue` is also defined at models/finance.yml:2:5: dbt refuses a project with two metrics of "
            "one name; rename or delete one of them",
        ),
    ]


def test_a_multi_document_file_without_semantic_keys_is_unreadable_yaml(make_project, run_cli) -> None:
    root = make_project(
        {"models/schema.yml": "models:\n  - name: orders\n---\nmodels:\n  - name: customers\n", "models/m.yml": LEGACY_WINDOW}
    )
    result = run_cli("check", "--format", "json", "--select", "YML001", cwd=root)
    assert [(item["code"], item["path"], item["line"], item["column"], item["message"]) for item in json.loads(result.stdout)] == [
        (
            "YML001",
            "models/schema.yml",
            3,
            1,
            "expected a single document in the stream but found another document",
        )
    ]
