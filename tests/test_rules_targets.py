"""KPI003 (a target needs a direction) and KPI004 (a target and band must be reachable numbers)."""

from __future__ import annotations

import json

from lint_helpers import SEMANTIC_MODELS, findings, place

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.kpi.fields import MetaKeys
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.yaml_loader import load_project


def kpi_file(*meta: str, type_params: str = "{measure: order_count}", metric_type: str = "simple") -> dict[str, str]:
    """One metric `orders` whose `config.meta` holds the lines `meta`, from line 7 of models/metrics.yml."""
    meta_lines = "".join(f"        {line}\n" for line in meta)
    metrics = f"""\
metrics:
  - name: orders
    type: {metric_type}
    type_params: {type_params}
    config:
      meta:
{meta_lines}"""
    return {"models/semantic_models.yml": SEMANTIC_MODELS, "models/metrics.yml": metrics}


CONVERSION = (  # left open, so tests can add a calculation
    "{conversion_type_params: {base_measure: order_count, conversion_measure: paid_order_count, entity: customer"
)


# KPI003 ---------------------------------------------------------------------------------------


def test_target_without_direction_is_reported_at_the_target(make_project):
    root = make_project(kpi_file("kpi: true", "target: 1000"))

    [finding] = findings(root, "KPI003")

    assert (finding.code, place(finding), finding.metric) == ("KPI003", "models/metrics.yml:8:9", "orders")
    assert finding.message == (
        "KPI `orders` has a target but no direction, so its status cannot be computed: add "
        "`direction: increase` (higher is better) or `direction: decrease` (lower is better)"
    )


def test_target_with_either_direction_passes(make_project):
    for direction in ("increase", "decrease"):
        root = make_project(kpi_file("kpi: true", "target: 1000", f"direction: {direction}"))
        assert findings(root, "KPI003") == []


def test_direction_synonym_is_reported_at_the_direction_with_the_accepted_spelling(make_project):
    root = make_project(kpi_file("kpi: true", "target: 1000", "direction: up"))

    [finding] = findings(root, "KPI003")

    assert place(finding) == "models/metrics.yml:9:9"
    assert finding.message == (
        "KPI `orders` has `direction: up`, which is not a direction: write `direction: increase` "
        "(higher is better)"
    )


def test_direction_in_another_case_is_reported_with_the_lower_case_spelling(make_project):
    root = make_project(kpi_file("kpi: true", "target: 0.05", "direction: Lower is better"))

    [finding] = findings(root, "KPI003")

    assert finding.message.endswith("write `direction: decrease` (lower is better)")


def test_unknown_direction_lists_both_accepted_values(make_project):
    root = make_project(kpi_file("kpi: true", "target: 1000", "direction: sideways"))

    [finding] = findings(root, "KPI003")

    assert finding.message == (
        "KPI `orders` has `direction: sideways`, which is not a direction: set `direction` to "
        "`increase` (higher is better) or `decrease` (lower is better)"
    )


def test_invalid_direction_is_reported_even_without_a_target(make_project):
    root = make_project(kpi_file("kpi: true", "direction: 1"))

    [finding] = findings(root, "KPI003")

    assert place(finding) == "models/metrics.yml:8:9"
    assert finding.message.startswith("KPI `orders` has `direction: 1`, which is not a direction")


def test_kpi_without_target_or_direction_is_left_to_kpi002(make_project):
    root = make_project(kpi_file("kpi: true", "owner: ops@example.com"))

    assert findings(root, "KPI003") == []


def test_direction_written_as_jinja_counts_as_a_direction(make_project):
    root = make_project(kpi_file("kpi: true", "target: 1000", "direction: \"{{ env_var('DIR') }}\""))

    assert findings(root, "KPI003") == []


def test_target_inside_a_kpi_mapping_is_located_inside_the_mapping(make_project):
    root = make_project(kpi_file("kpi: {owner: ops@example.com, target: 1000}"))

    [finding] = findings(root, "KPI003")

    assert place(finding) == "models/metrics.yml:7:39"


def test_kpi003_is_an_error_by_default(make_project, run_cli):
    root = make_project(kpi_file("kpi: true", "owner: ops@example.com", "target: 1000"))

    result = run_cli("check", "--format", "json", "--select", "KPI003", cwd=root)

    assert result.exit_code == 1
    assert [(item["code"], item["severity"], item["line"]) for item in json.loads(result.stdout)] == [
        ("KPI003", "error", 9)
    ]


# KPI004: the target ---------------------------------------------------------------------------


def test_text_target_is_not_a_number(make_project):
    root = make_project(kpi_file("kpi: true", "target: lots", "direction: increase"))

    [finding] = findings(root, "KPI004")

    assert (finding.code, place(finding)) == ("KPI004", "models/metrics.yml:8:9")
    assert finding.message == (
        "KPI `orders` has `target: lots`, not a number, so its status cannot be computed: set it to "
        "the value the KPI should reach, e.g. `target: 1000`"
    )


def test_abbreviated_target_suggests_the_number_it_abbreviates(make_project):
    root = make_project(kpi_file("kpi: true", "target: 10k", "direction: increase"))

    [finding] = findings(root, "KPI004")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "error")
    assert finding.message == (
        "KPI `orders` has `target: 10k`, not a number, so its status cannot be computed: write `target: 10000`"
    )


def test_every_abbreviation_suffix_is_written_out_exactly(make_project):
    written = {"1.1k": "1100", "2.5K": "2500", "3m": "3000000", "1.25M": "1250000", "2bn": "2000000000",
               "4B": "4000000000", "25%": "0.25", "-3 k": "-3000"}
    for target, number in written.items():
        root = make_project(kpi_file("kpi: true", f'target: "{target}"', "direction: increase"))

        [finding] = findings(root, "KPI004")

        assert finding.message.endswith(f"cannot be computed: write `target: {number}`"), target


def test_quoted_number_target_is_a_warning_with_the_unquoted_value(make_project):
    root = make_project(kpi_file("kpi: true", "target: \"1000\"", "direction: increase"))

    [finding] = findings(root, "KPI004")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "warning")
    assert finding.message == (
        "KPI `orders` has `target: \"1000\"`, a quoted string, not a number: remove the quotes "
        "(`target: 1000`) so that every reader of the manifest gets a number"
    )


def test_quoted_target_is_still_checked_against_what_the_metric_can_take(make_project):
    root = make_project(kpi_file("kpi: true", "target: \"-5\"", "direction: increase"))

    assert [(finding.severity.value, finding.message.split(":")[0]) for finding in findings(root, "KPI004")] == [
        ("warning", "KPI `orders` has `target"),
        ("error", "KPI `orders` can never reach `target"),
    ]


def test_boolean_target_is_not_a_number(make_project):
    root = make_project(kpi_file("kpi: true", "target: yes", "direction: increase"))

    [finding] = findings(root, "KPI004")

    assert finding.message.startswith("KPI `orders` has `target: true`, not a number")


def test_target_is_judged_after_var_rendering(make_project):
    project_file = 'name: shop\nconfig-version: 2\nprofile: shop\nvars: {orders_target: "TBD"}\n'
    root = make_project(
        kpi_file("kpi: true", "target: \"{{ var('orders_target') }}\"", "direction: increase"),
        project_file=project_file,
    )

    [finding] = findings(root, "KPI004")

    assert (place(finding), finding.message.split(",")[0]) == (
        "models/metrics.yml:8:9",
        "KPI `orders` has `target: TBD`",
    )


def test_var_rendering_to_a_number_passes(make_project):
    project_file = "name: shop\nconfig-version: 2\nprofile: shop\nvars: {orders_target: 1000}\n"
    root = make_project(
        kpi_file("kpi: true", "target: \"{{ var('orders_target') }}\"", "direction: increase"),
        project_file=project_file,
    )

    assert findings(root, "KPI004") == []


def test_other_jinja_in_a_target_is_not_judged(make_project):
    root = make_project(kpi_file("kpi: true", "target: \"{{ 10 * 100 }}\"", "direction: increase"))

    assert findings(root, "KPI004") == []


def test_conversion_rate_target_above_one_is_read_as_a_percentage(make_project):
    conversion = CONVERSION + "}}"
    root = make_project(
        kpi_file("kpi: true", "target: 25", "direction: increase", type_params=conversion, metric_type="conversion")
    )

    [finding] = findings(root, "KPI004")

    assert place(finding) == "models/metrics.yml:8:9"
    assert finding.message == (
        "KPI `orders` can never reach `target: 25`: it is a conversion rate, which lies between 0 and 1; "
        "write a percentage as a fraction (0.25 for 25 %)"
    )


def test_conversion_rate_target_far_above_one_asks_for_a_value_between_0_and_1(make_project):
    conversion = CONVERSION + "}}"
    root = make_project(
        kpi_file("kpi: true", "target: 250", "direction: increase", type_params=conversion, metric_type="conversion")
    )

    [finding] = findings(root, "KPI004")

    assert finding.message.endswith("set a target between 0 and 1")


def test_conversion_rate_target_between_0_and_1_passes(make_project):
    conversion = CONVERSION + ", calculation: conversion_rate}}"
    root = make_project(
        kpi_file("kpi: true", "target: 0.25", "direction: increase", type_params=conversion, metric_type="conversion")
    )

    assert findings(root, "KPI004") == []


def test_conversion_count_target_may_exceed_one(make_project):
    conversion = CONVERSION + ", calculation: conversions}}"
    root = make_project(
        kpi_file("kpi: true", "target: 25", "direction: increase", type_params=conversion, metric_type="conversion")
    )

    assert findings(root, "KPI004") == []


def test_negative_target_of_a_counting_measure_is_impossible(make_project):
    counting = (("order_count", "count"), ("customer_count", "count_distinct"), ("paid_order_count", "sum_boolean"))
    for measure, kind in counting:
        root = make_project(
            kpi_file("kpi: true", "target: -5", "direction: decrease", type_params=f"{{measure: {measure}}}")
        )

        [finding] = findings(root, "KPI004")

        assert finding.message == (
            f"KPI `orders` can never reach `target: -5`: it is a `{kind}`, which is never negative; "
            "set a target of 0 or more, in the metric's own unit"
        )


def test_negative_target_of_a_latest_spec_count_metric_is_impossible(make_project):
    root = make_project(
        {
            "models/orders.yml": """\
models:
  - name: orders
    semantic_model: {enabled: true}
    metrics:
      - name: order_count
        type: simple
        agg: count
        expr: order_id
        config:
          meta: {kpi: true, target: -1, direction: increase}
"""
        }
    )

    [finding] = findings(root, "KPI004")

    assert (place(finding), finding.metric) == ("models/orders.yml:10:29", "order_count")


def test_negative_target_of_a_sum_is_not_judged(make_project):
    root = make_project(
        kpi_file("kpi: true", "target: -500", "direction: increase", type_params="{measure: revenue_amount}")
    )

    assert findings(root, "KPI004") == []


def test_negative_target_of_a_running_total_of_counts_is_impossible(make_project):
    root = make_project(
        kpi_file(
            "kpi: true",
            "target: -5",
            "direction: increase",
            type_params="{measure: order_count, cumulative_type_params: {window: 7 days}}",
            metric_type="cumulative",
        )
    )

    [finding] = findings(root, "KPI004")

    assert "it is a `count`, which is never negative" in finding.message


def ratio_kpi(numerator_measure: str) -> dict[str, str]:
    """KPI `orders` = `numerator` (over `numerator_measure`) / `all_orders` (a count), target -0.5."""
    files = kpi_file(
        "kpi: true",
        "target: -0.5",
        "direction: increase",
        type_params="{numerator: numerator, denominator: all_orders}",
        metric_type="ratio",
    )
    files["models/inputs.yml"] = f"""\
metrics:
  - {{name: numerator, type: simple, type_params: {{measure: {numerator_measure}}}}}
  - {{name: all_orders, type: simple, type_params: {{measure: order_count}}}}
"""
    return files


def test_negative_target_of_a_ratio_of_counts_is_impossible(make_project):
    root = make_project(ratio_kpi("paid_order_count"))

    [finding] = findings(root, "KPI004")

    assert "it is a ratio of two metrics that are never negative" in finding.message


def test_negative_target_of_a_ratio_over_a_sum_is_not_judged(make_project):
    root = make_project(ratio_kpi("revenue_amount"))

    assert findings(root, "KPI004") == []


def test_zero_target_of_a_count_passes(make_project):
    root = make_project(kpi_file("kpi: true", "target: 0", "direction: decrease"))

    assert findings(root, "KPI004") == []


# KPI004: the at-risk band ---------------------------------------------------------------------


def test_band_given_as_a_whole_percentage_is_reported_at_the_band(make_project):
    root = make_project(kpi_file("kpi: true", "target: 100", "direction: increase", "at_risk_band: 10"))

    [finding] = findings(root, "KPI004")

    assert place(finding) == "models/metrics.yml:10:9"
    assert finding.message == (
        "KPI `orders` has `at_risk_band: 10`, so no shortfall would ever be off track: write it as a "
        "fraction of the target, e.g. `at_risk_band: 0.1` for 10 %"
    )


def test_band_of_exactly_one_is_reported(make_project):
    root = make_project(kpi_file("kpi: true", "target: 100", "direction: increase", "at_risk_band: 1"))

    assert [place(finding) for finding in findings(root, "KPI004")] == ["models/metrics.yml:10:9"]


def test_negative_band_is_reported(make_project):
    root = make_project(kpi_file("kpi: true", "target: 100", "direction: increase", "at_risk_band: -0.1"))

    [finding] = findings(root, "KPI004")

    assert finding.message.startswith("KPI `orders` has a negative `at_risk_band: -0.1`")


def test_band_written_as_percent_text_is_not_a_number(make_project):
    root = make_project(kpi_file("kpi: true", "target: 100", "direction: increase", "at_risk_band: 10%"))

    [finding] = findings(root, "KPI004")

    assert finding.message == (
        "KPI `orders` has `at_risk_band: 10%`, not a number, so its status cannot be computed: write "
        "`at_risk_band: 0.1`"
    )


def test_bands_from_zero_to_just_below_one_pass(make_project):
    for band in ("0", "0.1", "0.99"):
        root = make_project(kpi_file("kpi: true", "target: 100", "direction: increase", f"at_risk_band: {band}"))
        assert findings(root, "KPI004") == []


def test_kpi004_is_an_error_by_default(make_project, run_cli):
    root = make_project(kpi_file("kpi: true", "owner: ops@example.com", "target: lots", "direction: increase"))

    result = run_cli("check", "--format", "json", "--select", "KPI004", cwd=root)

    assert result.exit_code == 1
    assert [(item["code"], item["severity"]) for item in json.loads(result.stdout)] == [("KPI004", "error")]


def test_messages_use_the_teams_own_meta_key_names(make_project):
    root = make_project(kpi_file("kpi: true", "goal: 1000"))
    settings = Settings(select=("KPI003",), meta_keys=MetaKeys(target="goal", direction="better_when"))

    [finding] = lint(load_project(root), settings)

    assert (place(finding), finding.message) == (
        "models/metrics.yml:8:9",
        "KPI `orders` has a target but no direction, so its status cannot be computed: add "
        "`better_when: increase` (higher is better) or `better_when: decrease` (lower is better)",
    )


def test_target_given_per_period_is_not_a_number(make_project):
    root = make_project(kpi_file("kpi: true", "target: {2025: 100, 2026: 120}", "direction: increase"))

    [finding] = findings(root, "KPI004")

    assert finding.message.startswith("KPI `orders` has `target: {...}`, not a number")
