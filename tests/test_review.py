"""`review --base REF`: what a change does to each KPI, in git repositories with base and head commits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Callable

import pytest
from conftest import DEFAULT_PROJECT_FILE, CliResult, write_files
from git_repos import commit_all, edit, git
from review_project import METRICS, MODELS, SEMANTIC_MODELS, make_repo, merge_base

from dbt_kpi_lint.loading.yaml_loader import load_project
from dbt_kpi_lint.review.base import load_merge_base

Run = Callable[..., CliResult]
METRICS_FILE, SEMANTIC_FILE = "models/metrics.yml", "models/semantic_models.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def review(run_cli: Run, repo: Path, *arguments: str) -> CliResult:
    return run_cli("review", "--base", "main", *arguments, cwd=repo)


def header(repo: Path, summary: str, severity: str) -> str:
    """The first lines of the text review: the summary, then the worst severity with the counts."""
    return f"KPI review against main (merge base {merge_base(repo)}): {summary}\nseverity: {severity}\n"


# Nothing to report -----------------------------------------------------------------------------------


def test_no_change_reports_no_kpi_changes(repo: Path, run_cli: Run) -> None:
    result = review(run_cli, repo)

    assert (result.exit_code, result.stdout) == (0, f"No KPI changes against main (merge base {merge_base(repo)}).\n")


def test_a_comment_label_description_and_key_reorder_commit_reports_nothing(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "  - name: revenue\n    label: Revenue\n    description: Order amounts.\n    type: simple\n"
         "    type_params: {measure: revenue}\n",
         "  # The number the board reads first.\n  - name: revenue\n    type_params: {measure: revenue}  # one measure\n"
         "    type: simple\n    label: Net revenue\n    description: Order amounts, refunds not deducted.\n")
    edit(repo, SEMANTIC_FILE, "        description: Order amounts.\n        agg: sum\n        expr: amount\n",
         "        expr: amount\n        agg: sum\n")
    commit_all(repo, "wording")

    result = review(run_cli, repo)

    assert result.stdout == f"No KPI changes against main (merge base {merge_base(repo)}).\n"


LAYOUT_ONLY_EDITS = {
    "comment": ("    type_params: {measure: revenue}\n", "    type_params: {measure: revenue}  # the order amounts\n"),
    "label": ("    label: Revenue\n", "    label: Net revenue\n"),
    "description": ("        description: Order amounts.\n", "        description: What customers paid.\n"),
    "key order": (
        "    label: Revenue\n    description: Order amounts.\n    type: simple\n    type_params: {measure: revenue}\n",
        "    type_params: {measure: revenue}\n    type: simple\n    description: Order amounts.\n    label: Revenue\n",
    ),
    "flow to block": ("    type_params: {measure: revenue}\n", "    type_params:\n      measure: revenue\n"),
}


@pytest.mark.parametrize("kind", LAYOUT_ONLY_EDITS)
def test_a_layout_only_commit_reports_nothing_and_keeps_the_certification(repo: Path, run_cli: Run, kind: str) -> None:
    run_cli("certify", "revenue", "--by", "ana@example.com", "--on", "2026-06-30", cwd=repo)
    commit_all(repo, "certify revenue")
    git(repo, "branch", "-f", "main", "HEAD")
    old, new = LAYOUT_ONLY_EDITS[kind]
    edit(repo, SEMANTIC_FILE if kind == "description" else METRICS_FILE, old, new)
    commit_all(repo, kind)

    result = review(run_cli, repo)

    assert result.stdout == f"No KPI changes against main (merge base {merge_base(repo)}).\n"
    assert run_cli("check", "--select", "KPI012", cwd=repo).exit_code == 0


def test_nesting_legacy_cumulative_params_changes_no_kpi_and_resolves_dep001(tmp_path: Path, run_cli: Run) -> None:
    legacy = METRICS.replace(
        "      measure: revenue\n      cumulative_type_params: {grain_to_date: month, period_agg: last}\n",
        "      measure: revenue\n      grain_to_date: month\n      cumulative_type_params: {period_agg: last}\n",
    )
    repo = make_repo(tmp_path / "repo", metrics=legacy)
    (repo / METRICS_FILE).write_text(METRICS, encoding="utf-8")

    document = json.loads(review(run_cli, repo, "--format", "json").stdout)

    assert (document["summary"], document["kpis"]) == ("1 finding resolved", [])
    assert [finding["code"] for finding in document["findings"]["resolved"]] == ["DEP001"]


# Meaning changes, before and after --------------------------------------------------------------------


def test_a_new_filter_on_a_kpi_is_shown_before_and_after(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "    type_params: {measure: revenue}\n",
         "    type_params: {measure: revenue}\n    filter: \"{{ Dimension('order__status') }} = 'paid'\"\n")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "3 KPIs change meaning", "breaking (3 breaking)") + (
        "\n"
        "revenue [breaking]: the number changes meaning\n"
        "  revenue: filter: (not set) -> {{ Dimension('order__status') }} = 'paid'\n"
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  input metric revenue: filter: (not set) -> {{ Dimension('order__status') }} = 'paid'\n"
        "\n"
        "revenue_growth [breaking]: the number changes meaning\n"
        "  input metric revenue: filter: (not set) -> {{ Dimension('order__status') }} = 'paid'\n"
    )


def test_a_measure_expr_edited_in_a_semantic_model_changes_every_kpi_built_on_it(repo: Path, run_cli: Run) -> None:
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")
    commit_all(repo, "net of refunds")

    result = review(run_cli, repo)

    change = "  measure revenue: expr: amount -> amount - refunds\n"
    assert result.stdout == header(repo, "4 KPIs change meaning", "breaking (4 breaking)") + "".join(
        f"\n{kpi} [breaking]: the number changes meaning\n{change}"
        for kpi in ("revenue", "revenue_per_order", "revenue_growth", "revenue_mtd")
    )


def test_an_input_filter_reaches_the_ratio_built_on_it(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "    type_params: {measure: order_count}\n",
         "    type_params: {measure: order_count}\n    filter: \"{{ Dimension('customer__plan') }} = 'pro'\"\n")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning, 1 other metric changed", "breaking (1 breaking, 1 info)") + (
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  input metric orders: filter: (not set) -> {{ Dimension('customer__plan') }} = 'pro'\n"
        "\n"
        "other metrics changed:\n"
        "  orders: filter: (not set) -> {{ Dimension('customer__plan') }} = 'pro'\n"
    )


def test_a_changed_offset_is_reported_through_the_derived_metric(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "offset_window: 1 month", "offset_window: 1 year")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning", "breaking (1 breaking)") + (
        "\n"
        "revenue_growth [breaking]: the number changes meaning\n"
        "  revenue_growth: input revenue_prior offset_window: 1 month -> 1 year\n"
    )


def test_window_grain_to_date_and_period_agg_changes_are_each_a_field(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "cumulative_type_params: {grain_to_date: month, period_agg: last}",
         "cumulative_type_params: {window: 7 days, period_agg: average}")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning", "breaking (1 breaking)") + (
        "\n"
        "revenue_mtd [breaking]: the number changes meaning\n"
        "  revenue_mtd: grain_to_date: month -> (not set)\n"
        "  revenue_mtd: window: (not set) -> 7 days\n"
        "  revenue_mtd: period_agg: last -> average\n"
    )


def test_type_agg_and_inputs_changes(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "type: ratio\n    type_params: {numerator: revenue, denominator: orders}",
         "type: derived\n    type_params: {expr: revenue / orders, metrics: [revenue, orders]}")
    edit(repo, SEMANTIC_FILE, "{name: order_count, agg: count, expr: order_id}", "{name: order_count, agg: count_distinct, expr: order_id}")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning", "breaking (1 breaking)") + (
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  revenue_per_order: type: ratio -> derived\n"
        "  revenue_per_order: numerator: revenue -> (not set)\n"
        "  revenue_per_order: denominator: orders -> (not set)\n"
        "  revenue_per_order: expr: (not set) -> revenue / orders\n"
        "  revenue_per_order: input orders: (not set) -> orders\n"
        "  revenue_per_order: input revenue: (not set) -> revenue\n"
        "  measure order_count: agg: count -> count_distinct\n"
    )


def test_a_dimension_a_filter_reads_is_part_of_the_kpi(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "    type_params: {measure: order_count}\n",
         "    type_params: {measure: order_count}\n    filter: \"{{ Dimension('customer__plan') }} = 'pro'\"\n")
    commit_all(repo, "pro orders")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, SEMANTIC_FILE, "{name: plan, type: categorical}", "{name: plan, type: categorical, expr: lower(plan)}")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning", "breaking (1 breaking)") + (
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  dimension customers.plan: expr: plan -> lower(plan)\n"
    )


def test_the_model_sql_behind_a_semantic_model_is_data_upstream_changed(repo: Path, run_cli: Run) -> None:
    edit(repo, "models/staging/stg_orders.sql", "10 as amount", "12 as amount")

    result = review(run_cli, repo)

    upstream = "  data upstream changed: stg_orders (models/staging/stg_orders.sql)\n"
    assert result.stdout == header(repo, "4 KPIs with data upstream changed", "info (4 info)") + "".join(
        f"\n{kpi} [info]: data upstream changed\n{upstream}"
        for kpi in ("revenue", "revenue_per_order", "revenue_growth", "revenue_mtd")
    )
    assert result.exit_code == 0


# KPIs added, removed, promoted, demoted, renamed, and their fields --------------------------------------


def test_kpi_field_changes_are_listed(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "        owner: finance@example.com\n        target: 1000\n        direction: increase\n"
         "        objective: grow\n",
         "        owner: cfo@example.com\n        target: 1200\n        direction: decrease\n        objective: retain\n"
         "        grain: quarter\n")
    edit(repo, METRICS_FILE, "        indicator: lagging\n", "        indicator: leading\n")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI with KPI fields changed", "risky (4 risky, 2 info)") + (
        "\n"
        "revenue [risky]: KPI fields changed\n"
        "  target: 1000 -> 1200\n"
        "  direction: increase -> decrease\n"
        "  owner: finance@example.com -> cfo@example.com\n"
        "  grain: (not set) -> quarter\n"
        "  objective: grow -> retain\n"
        "  indicator: lagging -> leading\n"
    )


def test_added_removed_promoted_and_demoted_kpis(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "    type_params: {measure: order_count}\n",
         "    type_params: {measure: order_count}\n    config: {meta: {kpi: true, owner: ops@example.com, target: 10, "
         "direction: increase, objective: grow, indicator: leading}}\n")
    edit(repo, METRICS_FILE, "      meta: {kpi: true, owner: finance@example.com, target: 50",
         "      meta: {kpi: false, owner: finance@example.com, target: 50")
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    (repo / METRICS_FILE).write_text(text[: text.index("  - name: revenue_mtd")] + (
        "  - name: aov\n    type: ratio\n    type_params: {numerator: revenue, denominator: orders}\n"
        "    config: {meta: {kpi: true, owner: finance@example.com, target: 50, direction: increase, objective: grow, "
        "indicator: lagging}}\n"
    ), encoding="utf-8")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 added, 1 removed, 1 promoted to KPI, 1 demoted", "breaking (1 breaking, 1 risky, 2 info)") + (
        "added: aov\n"
        "removed: revenue_mtd\n"
        "promoted to KPI: orders\n"
        "demoted: revenue_per_order\n"
        "\n"
        "orders [info]: promoted to KPI\n"
    )


def test_a_rename_of_a_metric_and_its_references_is_a_rename(repo: Path, run_cli: Run) -> None:
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    renamed = (
        text.replace("  - name: revenue\n", "  - name: net_revenue\n")
        .replace("numerator: revenue,", "numerator: net_revenue,")
        .replace("(revenue - revenue_prior)", "(net_revenue - revenue_prior)")
        .replace("        - name: revenue\n", "        - name: net_revenue\n")
    )
    (repo / METRICS_FILE).write_text(renamed, encoding="utf-8")
    commit_all(repo, "rename revenue")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 renamed", "risky (1 risky)") + (
        "renamed: revenue -> net_revenue\n"
        "\n"
        "net_revenue [risky]: renamed from revenue\n"
    )


def test_a_renamed_measure_is_followed(repo: Path, run_cli: Run) -> None:
    edit(repo, SEMANTIC_FILE, "      - name: revenue\n", "      - name: order_amount\n")
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    (repo / METRICS_FILE).write_text(text.replace("measure: revenue", "measure: order_amount"), encoding="utf-8")

    assert review(run_cli, repo).stdout == f"No KPI changes against main (merge base {merge_base(repo)}).\n"


# Findings and certification --------------------------------------------------------------------------


def test_findings_new_in_the_change_and_findings_it_resolves(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "        owner: finance@example.com\n", "")
    edit(repo, METRICS_FILE, "period_agg: last", "period_agg: first")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning, 1 KPI with KPI fields changed, 2 new findings", "breaking (1 breaking, 1 risky, 2 info)") + (
        "\n"
        "revenue [risky]: KPI fields changed\n"
        "  owner: finance@example.com -> (not set)\n"
        "\n"
        "revenue_mtd [breaking]: the number changes meaning\n"
        "  revenue_mtd: period_agg: last -> first\n"
        "\n"
        "new findings:\n"
        "  models/metrics.yml:2:5: KPI001 KPI `revenue` has no owner: set `meta.owner` to the accountable person or "
        "team, or put the metric in a dbt group that has an owner (`config.group`)\n"
        "  models/metrics.yml:40:5: KPI010 "
        + _kpi010_message(run_cli, repo)
        + "\n"
    )


def _kpi010_message(run_cli: Run, repo: Path) -> str:
    findings = json.loads(run_cli("check", "--select", "KPI010", "--format", "json", cwd=repo).stdout)
    return findings[0]["message"]


def test_a_fix_in_the_change_is_a_resolved_finding(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "        owner: finance@example.com\n", "")
    commit_all(repo, "no owner")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, METRICS_FILE, "        target: 1000\n", "        owner: cfo@example.com\n        target: 1000\n")

    result = review(run_cli, repo, "--format", "json")

    assert [(item["code"], item["metric"]) for item in json.loads(result.stdout)["findings"]["resolved"]] == [
        ("KPI001", "revenue")
    ]


def test_a_certification_voided_by_the_change_is_shown(repo: Path, run_cli: Run) -> None:
    run_cli("certify", "revenue", "--by", "ana@example.com", "--on", "2026-06-30", cwd=repo)
    commit_all(repo, "certify revenue")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")

    result = review(run_cli, repo, "--format", "json")

    [revenue] = [kpi for kpi in json.loads(result.stdout)["kpis"] if kpi["metric"] == "revenue"]
    assert revenue["certification"] == {
        "status": "void",
        "described": "certified by ana@example.com on 2026-06-30",
        "changed_since": ["the measures it aggregates or the models they read"],
    }


# Formats and exit codes --------------------------------------------------------------------------------


def test_markdown_for_a_pull_request_comment(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "offset_window: 1 month", "offset_window: 1 year")
    edit(repo, METRICS_FILE, "target: 0.05", "target: 0.08")

    result = review(run_cli, repo, "--format", "markdown")

    assert result.stdout == (
        "<!-- dbt-kpi-lint review -->\n"
        "## KPI review: 1 KPI changes meaning, 1 KPI with KPI fields changed\n"
        "\n"
        f"Compared with `main` at {merge_base(repo)}, the merge base. Highest severity: **breaking** (1 breaking, 1 risky).\n"
        "\n"
        "### `revenue_growth` (breaking): the number changes meaning, KPI fields changed\n"
        "\n"
        "| definition | field | before | after |\n"
        "|---|---|---|---|\n"
        "| `revenue_growth` | input revenue_prior offset_window | `1 month` | `1 year` |\n"
        "\n"
        "| KPI field | before | after |\n"
        "|---|---|---|\n"
        "| target | `0.05` | `0.08` |\n"
    )


def test_json_holds_every_change_with_its_subject(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "offset_window: 1 month", "offset_window: 1 year")

    document = json.loads(review(run_cli, repo, "--format", "json").stdout)

    assert document["kpis"] == [
        {
            "metric": "revenue_growth",
            "renamed_from": None,
            "promoted": False,
            "severity": "breaking",
            "meaning_changed": True,
            "meaning": [
                {
                    "kind": "metric",
                    "name": "revenue_growth",
                    "changes": [{"field": "input revenue_prior offset_window", "before": "1 month", "after": "1 year"}],
                }
            ],
            "lost_inputs": [],
            "fields": [],
            "data_upstream_changed": [],
            "certification": None,
        }
    ]
    assert (document["meaning_changed"], document["summary"]) == (True, "1 KPI changes meaning")
    assert (document["highest_severity"], document["severity_counts"], document["changes"]) == (
        "breaking",
        {"breaking": 1, "risky": 0, "info": 0},
        [{"severity": "breaking", "metric": "revenue_growth", "change": "the number changes meaning"}],
    )


def test_fail_on_meaning_change_exits_1_when_a_kpi_changes_meaning(repo: Path, run_cli: Run) -> None:
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")

    assert [review(run_cli, repo, *flag).exit_code for flag in ((), ("--fail-on-meaning-change",))] == [0, 1]


def test_fail_on_meaning_change_exits_0_on_field_changes_only(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "target: 1000", "target: 1200")

    assert review(run_cli, repo, "--fail-on-meaning-change").exit_code == 0


ORDERS_METRIC = "  - name: orders\n    label: Orders\n    type: simple\n    type_params: {measure: order_count}\n\n"


def test_deleting_the_input_metric_of_a_kpi_is_a_breaking_lost_input(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, ORDERS_METRIC, "")
    commit_all(repo, "drop orders")

    result = review(run_cli, repo, "--fail-on-meaning-change")

    assert (result.exit_code, result.stdout) == (1, header(
        repo, "1 KPI changes meaning, 1 other metric changed, 1 new finding", "breaking (1 breaking, 2 info)"
    ) + (
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  lost input: metric orders is not defined\n"
        "\n"
        "new findings:\n"
        "  models/metrics.yml:19:39: REF001 metric `revenue_per_order` reads metric `orders` (the denominator), which "
        "the project does not define: dbt refuses the project; correct the name, or define the metric\n"
        "\n"
        "other metrics changed:\n"
        "  orders: removed\n"
    ))


def test_deleting_a_measure_a_kpi_aggregates_is_a_lost_input_in_json(repo: Path, run_cli: Run) -> None:
    edit(repo, SEMANTIC_FILE, "      - {name: order_count, agg: count, expr: order_id}\n", "")

    document = json.loads(review(run_cli, repo, "--format", "json").stdout)

    assert [(kpi["metric"], kpi["severity"], kpi["lost_inputs"]) for kpi in document["kpis"]] == [
        ("revenue_per_order", "breaking", [{"kind": "measure", "name": "order_count"}])
    ]


def test_renaming_the_input_of_a_certified_kpi_keeps_it_certified_and_lists_it_as_another_metric(
    repo: Path, run_cli: Run
) -> None:
    run_cli("certify", "revenue_per_order", "--by", "ana@example.com", "--on", "2026-06-30", cwd=repo)
    commit_all(repo, "certify")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, METRICS_FILE, "  - name: orders\n", "  - name: completed_orders\n")
    edit(repo, METRICS_FILE, "denominator: orders}", "denominator: completed_orders}")
    commit_all(repo, "rename orders")

    result = review(run_cli, repo, "--format", "markdown")

    assert result.stdout == (
        "<!-- dbt-kpi-lint review -->\n"
        "## KPI review: 1 other metric changed\n"
        "\n"
        f"Compared with `main` at {merge_base(repo)}, the merge base. Highest severity: **info** (1 info).\n"
        "\n"
        "<details><summary>Other metrics changed (1)</summary>\n"
        "\n"
        "| metric | change | before | after |\n"
        "|---|---|---|---|\n"
        "| `completed_orders` | renamed | `orders` | `completed_orders` |\n"
        "\n"
        "</details>\n"
    )
    assert run_cli("check", "--select", "KPI012", cwd=repo).exit_code == 0


def test_other_metrics_changed_lists_added_removed_and_edited_metrics(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, ORDERS_METRIC, ORDERS_METRIC + (
        "  - name: large_orders\n    type: simple\n    type_params: {measure: order_count}\n"
        "    filter: \"{{ Dimension('order__status') }} = 'large'\"\n\n"
    ))
    commit_all(repo, "large orders")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, METRICS_FILE, "'large'", "'bulk'")
    edit(repo, METRICS_FILE, "  - name: large_orders\n", "  - name: paid_orders\n    type: simple\n"
         "    type_params: {measure: order_count}\n  - name: large_orders\n")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "2 other metrics changed", "info (2 info)") + (
        "\n"
        "other metrics changed:\n"
        "  paid_orders: added\n"
        "  large_orders: filter: {{ Dimension('order__status') }} = 'large' -> {{ Dimension('order__status') }} = 'bulk'\n"
    )


def test_renaming_a_measure_whose_expr_is_implicit_reads_another_column(tmp_path: Path, run_cli: Run) -> None:
    implicit = SEMANTIC_MODELS.replace("{name: order_count, agg: count, expr: order_id}", "{name: order_count, agg: count}")
    repo = make_repo(tmp_path / "repo", semantic_models=implicit)
    edit(repo, SEMANTIC_FILE, "{name: order_count, agg: count}", "{name: orders_count, agg: count}")
    edit(repo, METRICS_FILE, "{measure: order_count}", "{measure: orders_count}")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI changes meaning, 1 other metric changed", "breaking (1 breaking, 1 info)") + (
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  input metric orders: measure: order_count -> orders_count\n"
        "\n"
        "other metrics changed:\n"
        "  orders: measure: order_count -> orders_count\n"
    )


FAIL_ON_CASES = {
    "a meaning change": (SEMANTIC_FILE, "expr: amount", "expr: amount - refunds", [0, 1, 1, 1]),
    "a target change": (METRICS_FILE, "target: 1000", "target: 1200", [0, 0, 1, 1]),
    "an objective change": (METRICS_FILE, "objective: grow\n", "objective: retain\n", [0, 0, 0, 1]),
    "an upstream model change": ("models/staging/stg_orders.sql", "10 as amount", "12 as amount", [0, 0, 0, 1]),
}


@pytest.mark.parametrize("case", FAIL_ON_CASES)
def test_fail_on_exits_1_at_or_above_the_severity(repo: Path, run_cli: Run, case: str) -> None:
    path, old, new, expected = FAIL_ON_CASES[case]
    edit(repo, path, old, new)

    exit_codes = [review(run_cli, repo, *flags).exit_code for flags in (
        (), ("--fail-on", "breaking"), ("--fail-on", "risky"), ("--fail-on", "info")
    )]

    assert exit_codes == expected


def test_json_counts_each_reported_change_by_severity(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "target: 1000", "target: 1200")
    edit(repo, METRICS_FILE, "offset_window: 1 month", "offset_window: 1 year")
    edit(repo, "models/staging/stg_orders.sql", "10 as amount", "12 as amount")

    document = json.loads(review(run_cli, repo, "--format", "json").stdout)

    assert (document["highest_severity"], document["severity_counts"]) == (
        "breaking", {"breaking": 1, "risky": 1, "info": 4}
    )
    assert [(change["severity"], change["metric"], change["change"]) for change in document["changes"]] == [
        ("risky", "revenue", "target changed"),
        ("info", "revenue", "data upstream changed"),
        ("info", "revenue_per_order", "data upstream changed"),
        ("breaking", "revenue_growth", "the number changes meaning"),
        ("info", "revenue_growth", "data upstream changed"),
        ("info", "revenue_mtd", "data upstream changed"),
    ]


# The merge base ------------------------------------------------------------------------------------------


def test_a_base_ref_that_does_not_exist_is_a_one_line_error(repo: Path, run_cli: Run) -> None:
    result = run_cli("review", "--base", "origin/nope", cwd=repo)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: --base: unknown git revision `origin/nope` (fetch it first, e.g. `git fetch origin main`)\n",
    )


def test_a_shallow_clone_without_the_merge_base_says_to_fetch_the_history(repo: Path, tmp_path: Path, run_cli: Run) -> None:
    git(repo, "checkout", "-q", "main")
    edit(repo, METRICS_FILE, "label: Orders", "label: Order count")
    commit_all(repo, "work on main")
    git(repo, "checkout", "-q", "feature")
    edit(repo, METRICS_FILE, "target: 1000", "target: 1200")
    commit_all(repo, "feature work")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo}", str(clone)],
        check=True, capture_output=True,
    )
    git(clone, "checkout", "-q", "feature")

    result = run_cli("review", "--base", "origin/main", cwd=clone)

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --base: `origin/main` and HEAD share no commit in this shallow clone: fetch the history "
        "(`git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`)\n",
    )


def test_an_unreadable_yaml_file_in_the_work_tree_stops_the_review(repo: Path, run_cli: Run) -> None:
    """Its KPIs would read as removed by the change."""
    edit(repo, METRICS_FILE, "  - name: orders\n", "  - name: orders\n   broken: [\n")

    result = review(run_cli, repo)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: models/metrics.yml:17:4: while parsing a block collection did not find expected '-' "
        "indicator: `review` needs every schema file of the project and dbt refuses this one: fix it first\n",
    )


def test_an_unreadable_yaml_file_at_the_merge_base_is_named(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "  - name: orders\n", "  - name: orders\n   broken: [\n")
    commit_all(repo, "broken")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, METRICS_FILE, "   broken: [\n", "")

    result = review(run_cli, repo)

    note = (
        f"at the merge base {merge_base(repo)}, models/metrics.yml:17:4 cannot be read (while parsing a block collection "
        "did not find expected '-' indicator): what it defines counts as absent before this change"
    )
    assert result.exit_code == 0
    assert result.stderr == f"dbt-kpi-lint: warning: {note}\n"
    assert result.stdout.splitlines()[:3] == [
        f"KPI review against main (merge base {merge_base(repo)}): 4 added, 1 other metric changed, 1 finding resolved",
        "severity: info (6 info)",
        "added: revenue, revenue_per_order, revenue_growth, revenue_mtd",
    ]
    assert result.stdout.endswith(f"note: {note}\n")


def test_outside_a_git_repository_is_a_one_line_error(tmp_path: Path, run_cli: Run) -> None:
    (tmp_path / "dbt_project.yml").write_text("name: shop\n", encoding="utf-8")

    result = run_cli("review", "--base", "main", cwd=tmp_path)

    assert (result.exit_code, result.stderr) == (2, f"dbt-kpi-lint: error: --base: {tmp_path} is not inside a git repository\n")


def test_reading_only_the_changed_files_at_the_merge_base_equals_reading_all_of_it(repo: Path, tmp_path: Path) -> None:
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")
    edit(repo, METRICS_FILE, "  - name: orders\n", "  - name: order_total\n")
    (repo / "models/more.yml").write_text("metrics:\n  - name: extra\n    type: simple\n    type_params: {measure: revenue}\n")
    checkout = tmp_path / "checkout"
    git(repo, "worktree", "add", "-q", str(checkout), "main")

    overlaid = load_merge_base(repo, "main", load_project(repo)).project
    loaded = load_project(checkout)

    assert overlaid is not None
    assert (overlaid.metrics, overlaid.semantic_models, overlaid.groups, overlaid.noqa, overlaid.files) == (
        loaded.metrics, loaded.semantic_models, loaded.groups, loaded.noqa, loaded.files
    )


def test_jinja_only_dbt_can_render_is_compared_as_written(tmp_path: Path, run_cli: Run) -> None:
    repo = make_repo(tmp_path / "repo", metrics=METRICS.replace(
        "        owner: finance@example.com\n        target: 1000", "        owner: \"{{ env_var('OWNER') }}\"\n        target: 1000"
    ))
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: \"{{ env_var('AMOUNT_COLUMN') }}\"")

    result = review(run_cli, repo, "--format", "json")

    [first, *_] = json.loads(result.stdout)["kpis"]
    assert (first["metric"], first["meaning"]) == (
        "revenue",
        [{"kind": "measure", "name": "revenue", "changes": [
            {"field": "expr", "before": "amount", "after": "{{ env_var('AMOUNT_COLUMN') }}"}
        ]}],
    )


def test_a_kpi_promoted_with_a_new_filter_shows_the_filter(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "    type_params: {measure: order_count}\n",
         "    type_params: {measure: order_count}\n    filter: \"{{ Dimension('order__status') }} = 'paid'\"\n"
         "    config: {meta: {kpi: true, owner: ops@example.com, target: 10, direction: increase, objective: grow, "
         "indicator: leading}}\n")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "2 KPIs change meaning, 1 promoted to KPI", "breaking (2 breaking, 1 info)") + (
        "promoted to KPI: orders\n"
        "\n"
        "orders [breaking]: the number changes meaning, promoted to KPI\n"
        "  orders: filter: (not set) -> {{ Dimension('order__status') }} = 'paid'\n"
        "\n"
        "revenue_per_order [breaking]: the number changes meaning\n"
        "  input metric orders: filter: (not set) -> {{ Dimension('order__status') }} = 'paid'\n"
    )


def test_a_var_target_changed_in_dbt_project_yml_is_a_target_change(tmp_path: Path, run_cli: Run) -> None:
    repo = make_repo(tmp_path / "repo", metrics=METRICS.replace(
        "        target: 1000\n", "        target: \"{{ var('revenue_target') }}\"\n"
    ))
    (repo / "dbt_project.yml").write_text(DEFAULT_PROJECT_FILE + "vars:\n  revenue_target: 1000\n", encoding="utf-8")
    commit_all(repo, "target in vars")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, "dbt_project.yml", "revenue_target: 1000", "revenue_target: 1200")

    result = review(run_cli, repo)

    assert result.stdout == header(repo, "1 KPI with KPI fields changed", "risky (1 risky)") + (
        "\n"
        "revenue [risky]: KPI fields changed\n"
        "  target: 1000 ({{ var('revenue_target') }}) -> 1200 ({{ var('revenue_target') }})\n"
    )


def test_a_project_in_a_subdirectory_of_the_repository(tmp_path: Path, run_cli: Run) -> None:
    root = tmp_path / "repo"
    write_files(root / "analytics", {
        "dbt_project.yml": DEFAULT_PROJECT_FILE, "models/semantic_models.yml": SEMANTIC_MODELS,
        "models/metrics.yml": METRICS, **MODELS,
    })
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "KPIs")
    edit(root, "analytics/models/semantic_models.yml", "expr: amount", "expr: amount - refunds")
    edit(root, "analytics/models/staging/stg_orders.sql", "10 as amount", "12 as amount")

    result = run_cli("review", "analytics", "--base", "main", "--format", "json", cwd=root)

    [revenue, *_] = json.loads(result.stdout)["kpis"]
    assert (revenue["meaning"][0]["changes"], revenue["data_upstream_changed"]) == (
        [{"field": "expr", "before": "amount", "after": "amount - refunds"}],
        [{"model": "stg_orders", "path": "analytics/models/staging/stg_orders.sql"}],
    )
