"""KPI009: a KPI's grain must be a period the status table can judge it over."""

from __future__ import annotations

from lint_helpers import findings, place
from test_rules_targets import kpi_file


def test_unknown_grain_is_reported_at_the_grain_with_the_likely_fix(make_project):
    root = make_project(kpi_file("kpi: true", "grain: weekly"))

    [finding] = findings(root, "KPI009")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "error")
    assert finding.message == (
        "KPI `orders` has `grain: weekly`, which the status table cannot judge over (it falls back to "
        "month): write `grain: week` (one week)"
    )


def test_grain_without_a_likely_meaning_lists_every_grain(make_project):
    root = make_project(kpi_file("kpi: true", "grain: fiscal_period"))

    [finding] = findings(root, "KPI009")

    assert finding.message.endswith(
        "set `grain` to `day` (one day) or `week` (one week) or `month` (one month) or `quarter` "
        "(one quarter) or `year` (one year)"
    )


def test_standard_grains_and_no_grain_pass(make_project):
    for grain in ("day", "week", "month", "quarter", "year"):
        assert findings(make_project(kpi_file("kpi: true", f"grain: {grain}")), "KPI009") == []
    assert findings(make_project(kpi_file("kpi: true")), "KPI009") == []


def test_unrendered_jinja_grain_passes(make_project):
    root = make_project(kpi_file("kpi: true", "grain: \"{{ env_var('KPI_GRAIN') }}\""))

    assert findings(root, "KPI009") == []


MTD = "{measure: order_count, cumulative_type_params: {grain_to_date: month%s}}"


def test_cumulative_kpi_without_period_agg_is_kpi010_at_the_metric(make_project):
    root = make_project(kpi_file("kpi: true", type_params=MTD % "", metric_type="cumulative"))

    [finding] = findings(root, "KPI010")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:2:5", "warning")
    assert finding.message == (
        "KPI `orders` is cumulative and judged by `grain: month`, but each period takes the running value "
        "of its first day (period_agg `first`, MetricFlow's default): add `period_agg: last` under "
        "`cumulative_type_params`"
    )


def test_explicit_first_period_agg_is_kpi010_too(make_project):
    root = make_project(kpi_file("kpi: true", type_params=MTD % ", period_agg: first", metric_type="cumulative"))

    assert [finding.code for finding in findings(root, "KPI010")] == ["KPI010"]


def test_last_or_average_period_agg_passes(make_project):
    for period_agg in ("last", "average"):
        root = make_project(kpi_file("kpi: true", type_params=MTD % f", period_agg: {period_agg}", metric_type="cumulative"))
        assert findings(root, "KPI010") == []


def test_latest_spec_period_agg_on_the_metric_passes(make_project):
    metrics = (
        "models:\n  - name: orders\n    semantic_model: {enabled: true}\n    metrics:\n"
        "      - {name: order_count, type: simple, agg: count, expr: order_id}\n"
        "      - {name: orders_mtd, type: cumulative, input_metric: order_count, grain_to_date: month,"
        " period_agg: last, config: {meta: {kpi: true}}}\n"
    )
    assert findings(make_project({"models/orders.yml": metrics}), "KPI010") == []


def test_daily_cumulative_kpi_and_non_cumulative_kpis_pass(make_project):
    assert findings(make_project(kpi_file("kpi: true", "grain: day", type_params=MTD % "", metric_type="cumulative")), "KPI010") == []
    assert findings(make_project(kpi_file("kpi: true")), "KPI010") == []
