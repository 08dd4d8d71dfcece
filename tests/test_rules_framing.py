"""VAN003: a KPI that is a raw count or sum with no period (off by default)."""

from __future__ import annotations

from lint_helpers import SEMANTIC_MODELS, findings, place


def kpi_file(
    type_params: str, meta: str = "{kpi: true}", metric_type: str = "simple", noqa: str = ""
) -> dict[str, str]:
    return {
        "models/semantic_models.yml": SEMANTIC_MODELS,
        "models/metrics.yml": f"""\
metrics:
  - name: page_views{noqa}
    type: {metric_type}
    type_params: {type_params}
    config:
      meta: {meta}
""",
    }


def test_van003_is_off_by_default(make_project, run_cli):
    complete_kpi = (
        "{kpi: true, owner: web@example.com, target: 10, direction: increase, objective: traffic, indicator: leading}"
    )
    root = make_project(kpi_file("{measure: order_count}", complete_kpi))

    result = run_cli("check", cwd=root)

    assert "VAN003" not in result.stdout
    assert run_cli("check", "--extend-select", "VAN003", cwd=root).stdout.startswith("models/metrics.yml:2:5: warning[VAN003] ")


def test_count_kpi_without_grain_is_reported_at_the_metric(make_project):
    root = make_project(kpi_file("{measure: order_count}"))

    [finding] = findings(root, "VAN003")

    assert (finding.code, place(finding), finding.severity.value) == ("VAN003", "models/metrics.yml:2:5", "warning")
    assert finding.message == (
        "KPI `page_views` is a raw `count` with no period: a volume grows with the business and rarely "
        "says when to act; set `grain:` (e.g. `week`) to the period its target applies to, or promote "
        "a rate (a ratio over the right base) instead"
    )


def test_every_volume_aggregation_is_reported(make_project):
    for measure, aggregation in (
        ("revenue_amount", "sum"),
        ("customer_count", "count_distinct"),
        ("paid_order_count", "sum_boolean"),
    ):
        root = make_project(kpi_file(f"{{measure: {measure}}}"))

        [finding] = findings(root, "VAN003")

        assert finding.message.startswith(f"KPI `page_views` is a raw `{aggregation}` with no period")


def test_latest_spec_agg_is_read_from_the_metric(make_project):
    root = make_project(
        {
            "models/web.yml": """\
models:
  - name: web
    semantic_model: {enabled: true}
    metrics:
      - {name: page_views, type: simple, agg: count, expr: view_id, config: {meta: {kpi: true}}}
"""
        }
    )

    assert [place(finding) for finding in findings(root, "VAN003")] == ["models/web.yml:5:10"]


def test_volume_kpi_with_a_grain_passes(make_project):
    root = make_project(kpi_file("{measure: order_count}", "{kpi: true, grain: week}"))

    assert findings(root, "VAN003") == []


def test_averages_rates_and_windowed_totals_pass(make_project):
    cases = (
        ("{measure: order_value}", "simple"),
        ("{numerator: a, denominator: b}", "ratio"),
        ("{measure: order_count, cumulative_type_params: {window: 7 days}}", "cumulative"),
        (
            "{conversion_type_params: "
            "{base_measure: order_count, conversion_measure: paid_order_count, entity: customer}}",
            "conversion",
        ),
    )
    for type_params, metric_type in cases:
        root = make_project(kpi_file(type_params, metric_type=metric_type))
        assert findings(root, "VAN003") == [], metric_type


def test_volume_metric_that_is_not_a_kpi_passes(make_project):
    root = make_project(kpi_file("{measure: order_count}", "{owner: web@example.com}"))

    assert findings(root, "VAN003") == []


def test_noqa_on_the_name_line_silences_van003(make_project):
    root = make_project(kpi_file("{measure: order_count}", noqa="  # noqa: VAN003"))

    assert findings(root, "VAN003") == []
