"""REF001: a metric reads a metric, measure, dimension or entity the project does not define."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest
from conftest import run_dbt
from lint_helpers import findings, place

from dbt_kpi_lint.model import Severity

SEMANTIC_MODELS = """\
semantic_models:
  - name: invoices
    model: ref('invoices')
    defaults: {agg_time_dimension: invoiced_at}
    entities:
      - {name: invoice, type: primary, expr: invoice_id}
      - {name: customer, type: foreign, expr: customer_id}
    dimensions:
      - {name: invoiced_at, type: time, type_params: {time_granularity: day}}
      - {name: invoice_status, type: categorical}
    measures:
      - {name: invoice_count, agg: count, expr: invoice_id}
      - {name: refunded_invoice_count, agg: sum, expr: "case when refunded then 1 else 0 end"}
      - {name: invoice_amount, agg: sum, expr: amount, create_metric: true}
"""

METRICS = """\
metrics:
  - name: invoices
    type: simple
    type_params: {measure: invoice_count}
  - name: refunded_invoices
    type: simple
    type_params: {measure: refunded_invoice_count}
  - name: refund_rate
    type: ratio
    type_params:
      numerator: refunded_invoices
      denominator: invoices
"""

MakeProject = Callable[..., Path]


def project(make_project: MakeProject, metrics: str = METRICS, semantic_models: str = SEMANTIC_MODELS) -> Path:
    return make_project({"models/semantic_models.yml": semantic_models, "models/metrics.yml": metrics})


def reported(root: Path) -> list[tuple[str, str]]:
    return [(place(finding), finding.message) for finding in findings(root, "REF001")]


def test_a_deleted_numerator_is_an_error_at_the_reference(make_project: MakeProject) -> None:
    root = project(make_project, METRICS.replace(
        "  - name: refunded_invoices\n    type: simple\n    type_params: {measure: refunded_invoice_count}\n", ""
    ))

    [finding] = findings(root, "REF001")

    assert (place(finding), finding.severity, finding.metric, finding.message) == (
        "models/metrics.yml:8:7",
        Severity.ERROR,
        "refund_rate",
        "metric `refund_rate` reads metric `refunded_invoices` (the numerator), which the project does not define: "
        "dbt refuses the project; correct the name, or define the metric",
    )


def test_a_misspelt_input_metric_suggests_the_closest_name(make_project: MakeProject) -> None:
    root = project(make_project, METRICS.replace("denominator: invoices", "denominator: invoice"))

    assert reported(root) == [(
        "models/metrics.yml:12:7",
        "metric `refund_rate` reads metric `invoice` (the denominator), which the project does not define: dbt "
        "refuses the project; did you mean `invoices`? correct the name, or define the metric",
    )]


def test_an_undefined_measure_is_reported_with_the_closest_measure(make_project: MakeProject) -> None:
    root = project(make_project, METRICS.replace("{measure: invoice_count}", "{measure: invoices_count}"))

    assert reported(root) == [(
        "models/metrics.yml:4:19",
        "metric `invoices` reads measure `invoices_count` (its `measure`), which the project does not define: dbt "
        "refuses the project; did you mean `invoice_count`? correct the name, or define the measure",
    )]


def test_an_undefined_dimension_and_entity_in_a_filter_are_each_reported(make_project: MakeProject) -> None:
    root = project(make_project, METRICS + (
        "  - name: open_invoices\n"
        "    type: simple\n"
        "    type_params: {measure: invoice_count}\n"
        "    filter: \"{{ Dimension('invoice__invoice_state') }} = 'open' and {{ Entity('customers') }} is not null\"\n"
    ))

    assert reported(root) == [
        (
            "models/metrics.yml:16:5",
            "metric `open_invoices` reads dimension `invoice_state` (in its filter `Dimension('invoice__invoice_state')`), "
            "which the project does not define: dbt refuses the project; did you mean `invoice_status`? correct the "
            "name, or define the dimension",
        ),
        (
            "models/metrics.yml:16:5",
            "metric `open_invoices` reads entity `customers` (in its filter `Entity('customers')`), which the project "
            "does not define: dbt refuses the project; did you mean `customer`? correct the name, or define the entity",
        ),
    ]


def test_an_undefined_metric_in_a_filter_and_in_a_derived_input_filter(make_project: MakeProject) -> None:
    root = project(make_project, METRICS + (
        "  - name: invoices_of_refunders\n"
        "    type: derived\n"
        "    type_params:\n"
        "      expr: invoices\n"
        "      metrics:\n"
        "        - name: invoices\n"
        "          filter: \"{{ Metric('refunds', group_by=['customer']) }} > 0\"\n"
    ))

    assert reported(root) == [(
        "models/metrics.yml:19:11",
        "metric `invoices_of_refunders` reads metric `refunds` (in its filter `Metric('refunds')`), which the project "
        "does not define: dbt refuses the project; correct the name, or define the metric",
    )]


def test_a_disabled_input_metric_says_to_enable_it(make_project: MakeProject) -> None:
    root = project(make_project, METRICS.replace(
        "    type_params: {measure: refunded_invoice_count}\n",
        "    type_params: {measure: refunded_invoice_count}\n    config: {enabled: false}\n",
    ))

    assert reported(root) == [(
        "models/metrics.yml:12:7",
        "metric `refund_rate` reads metric `refunded_invoices` (the numerator), which is disabled (`enabled: false`): "
        "dbt refuses the project; enable `refunded_invoices`, or read another metric",
    )]


ACCEPTED_REFERENCES = (
        "  - name: amount_per_invoice\n"
        "    type: ratio\n"
        "    type_params:\n"
        "      numerator:\n"
        "        name: invoice_amount\n"  # the metric `create_metric: true` makes
        "        filter: \"{{ TimeDimension('invoice__invoiced_at', 'month') }} >= '2026-01-01'\"\n"
        "      denominator: {name: invoices, filter: \"{{ Dimension('invoice__invoiced_at__month') }} >= '2026-01-01'\"}\n"
        "    filter:\n"
        "      - \"{{ Dimension('customer__invoice_status') }} = 'paid'\"\n"
        "      - \"{{ TimeDimension('metric_time', 'day') }} >= '2026-01-01'\"\n"
        "      - \"{{ Entity('customer') }} is not null and {{ Metric('invoices', group_by=['customer']) }} > 1\"\n"
        "  - name: invoices_mtd\n"
        "    type: cumulative\n"
        "    type_params:\n"
        "      measure: {name: invoice_count, filter: \"{{ Dimension('invoice__invoice_status') }} = 'paid'\"}\n"
        "      cumulative_type_params: {grain_to_date: month}\n"
)


def test_dbt_parses_the_project_whose_references_are_all_accepted(make_project: MakeProject) -> None:
    root = dbt_project(project(make_project, METRICS + ACCEPTED_REFERENCES))

    assert reported(root) == []
    run_dbt(root, "parse", "--no-partial-parse")


@pytest.mark.parametrize(
    ("written", "instead", "refusal"),
    [
        ("denominator: invoices", "denominator: invoice", "invoice"),
        ("{measure: invoice_count}", "{measure: invoices_count}", "invoices_count"),
    ],
)
def test_dbt_refuses_what_the_rule_reports(make_project: MakeProject, written: str, instead: str, refusal: str) -> None:
    root = dbt_project(project(make_project, METRICS.replace(written, instead)))

    result = run_dbt(root, "parse", "--no-partial-parse", check=False)

    assert len(reported(root)) == 1
    assert (result.returncode, f"`{refusal}`" in result.stdout or f"'{refusal}'" in result.stdout) == (2, True)


def dbt_project(root: Path) -> Path:
    """`root` made a project dbt parses: labels (dbt 1.11 requires them), a profile, the models the
    semantic models read, a time spine."""
    metrics = root / "models/metrics.yml"
    metrics.write_text(re.sub(r"^  - name: (\w+)\n", r"  - name: \1\n    label: \1\n", metrics.read_text(), flags=re.M))
    files = {
        "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: shop.duckdb}\n",
        "models/invoices.sql": "select 1 as invoice_id, 1 as customer_id, current_date as invoiced_at, 'paid' as "
        "invoice_status, 10 as amount, false as refunded\n",
        "models/metricflow_time_spine.sql": "select cast(range as date) as date_day from range(date '2026-01-01', "
        "date '2026-12-31', interval 1 day)\n",
    }
    for path, text in files.items():
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_latest_spec_columns_define_dimensions_and_entities(make_project: MakeProject) -> None:
    root = make_project({
        "models/invoices.yml": """\
            models:
              - name: invoices
                semantic_model: {enabled: true}
                agg_time_dimension: invoiced_at
                columns:
                  - {name: invoice_id, entity: primary}
                  - {name: customer_id, entity: {name: customer, type: foreign}}
                  - {name: invoiced_at, granularity: day, dimension: {type: time}}
                  - {name: status, dimension: categorical}
                metrics:
                  - name: paid_invoices
                    type: simple
                    agg: count
                    expr: invoice_id
                    filter: "{{ Dimension('invoice_id__status') }} = 'paid' and {{ Entity('customer') }} is not null"
            """,
    })

    assert reported(root) == []


def test_an_undefined_agg_time_dimension_is_reported_once_at_the_semantic_model(make_project: MakeProject) -> None:
    root = project(make_project, semantic_models=SEMANTIC_MODELS.replace(
        "defaults: {agg_time_dimension: invoiced_at}", "defaults: {agg_time_dimension: invoiced_on}"
    ))

    [finding] = findings(root, "REF001")

    assert (place(finding), finding.metric, finding.message) == (
        "models/semantic_models.yml:4:16",
        None,
        "semantic model `invoices` aggregates over the time dimension `invoiced_on` (`agg_time_dimension`), which "
        "it does not define: dbt refuses the project, and every metric of its measures has no time; did you mean "
        "`invoiced_at`? correct the name, or define the dimension",
    )


def test_without_semantic_models_only_metric_references_are_checked(make_project: MakeProject) -> None:
    root = make_project({"models/metrics.yml": METRICS.replace("denominator: invoices", "denominator: invoice")})

    assert [(place(finding), finding.message.split(",")[0]) for finding in findings(root, "REF001")] == [
        ("models/metrics.yml:12:7", "metric `refund_rate` reads metric `invoice` (the denominator)")
    ]


def test_in_a_project_with_packages_an_undefined_name_is_a_warning(make_project: MakeProject) -> None:
    root = project(make_project, METRICS.replace("denominator: invoices", "denominator: package_invoices"))
    (root / "packages.yml").write_text("packages:\n  - package: acme/finance_metrics\n    version: 1.0.0\n")

    [finding] = findings(root, "REF001")

    assert (finding.severity, finding.message) == (
        Severity.WARNING,
        "metric `refund_rate` reads metric `package_invoices` (the denominator), which the project does not define "
        "(unless a package defines it): dbt refuses the project; correct the name, or define the metric",
    )
