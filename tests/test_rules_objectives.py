"""KPI006 (a KPI names its objective) and KPI007 (leading or lagging, and a leading KPI per objective)."""

from __future__ import annotations

from lint_helpers import SEMANTIC_MODELS, findings, place


def kpis_file(*metas: str) -> dict[str, str]:
    """KPIs `kpi_1`, `kpi_2`, ... with the given flow-style meta; KPI n sits on line n + 1."""
    lines = "".join(
        f"  - {{name: kpi_{number}, type: simple, type_params: {{measure: order_count}}, config: {{meta: {meta}}}}}\n"
        for number, meta in enumerate(metas, start=1)
    )
    return {"models/semantic_models.yml": SEMANTIC_MODELS, "models/metrics.yml": "metrics:\n" + lines}


# KPI006 ---------------------------------------------------------------------------------------


def test_kpi_without_objective_is_reported_at_the_metric(make_project):
    root = make_project(kpis_file("{kpi: true, owner: ops@example.com}"))

    [finding] = findings(root, "KPI006")

    assert (finding.code, place(finding), finding.severity.value) == ("KPI006", "models/metrics.yml:2:6", "warning")
    assert finding.message == (
        "KPI `kpi_1` names no objective: set `objective` to the goal it measures progress toward "
        "(e.g. `grow_revenue`), or remove `kpi: true` if it serves none"
    )


def test_objective_that_names_nothing_is_reported_at_the_key(make_project):
    root = make_project(kpis_file("{kpi: true, objective: true}"))

    [finding] = findings(root, "KPI006")

    assert place(finding) == "models/metrics.yml:2:97"
    assert finding.message.startswith("KPI `kpi_1` `objective: true` names no objective: set `objective`")


def test_named_objectives_pass_as_a_name_a_list_a_number_or_jinja(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: grow_revenue}",
            "{kpi: true, objective: [grow_revenue, retain_customers]}",
            "{kpi: true, objective: 1}",
            "{kpi: true, objective: \"{{ var('focus') }}\"}",
        )
    )

    assert findings(root, "KPI006") == []


def test_objective_inside_the_kpi_mapping_counts(make_project):
    root = make_project(kpis_file("{kpi: {objective: grow_revenue}}"))

    assert findings(root, "KPI006") == []


def test_plain_metrics_need_no_objective(make_project):
    root = make_project(kpis_file("{owner: ops@example.com}"))

    assert findings(root, "KPI006") == []


# KPI007: each KPI says which it is -------------------------------------------------------------


def test_kpi_without_indicator_is_reported_at_the_metric(make_project):
    root = make_project(kpis_file("{kpi: true, objective: grow_revenue}"))

    [finding] = findings(root, "KPI007")

    assert (finding.code, place(finding), finding.severity.value) == ("KPI007", "models/metrics.yml:2:6", "warning")
    assert finding.message == (
        "KPI `kpi_1` does not say whether it is leading or lagging: add `indicator: leading` "
        "(it moves before the outcome) or `indicator: lagging` (it confirms the outcome)"
    )


def test_indicator_synonym_is_reported_at_the_key_with_the_accepted_spelling(make_project):
    root = make_project(kpis_file("{kpi: true, indicator: outcome}"))

    [finding] = findings(root, "KPI007")

    assert place(finding) == "models/metrics.yml:2:97"
    assert finding.message == (
        "KPI `kpi_1` has `indicator: outcome`, which is neither leading nor lagging: write "
        "`indicator: lagging` (it confirms the outcome)"
    )


def test_unknown_indicator_lists_both_accepted_values(make_project):
    root = make_project(kpis_file("{kpi: true, indicator: strategic}"))

    [finding] = findings(root, "KPI007")

    assert finding.message.endswith(
        "set `indicator` to `leading` (it moves before the outcome) or `lagging` (it confirms the outcome)"
    )


# KPI007: each objective has a leading KPI ------------------------------------------------------


def test_objective_watched_only_by_lagging_kpis_is_reported_once_at_its_first_kpi(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: grow_revenue, indicator: lagging}",
            "{kpi: true, objective: grow_revenue, indicator: lagging}",
        )
    )

    [finding] = findings(root, "KPI007")

    assert (place(finding), finding.metric) == ("models/metrics.yml:2:97", "kpi_1")
    assert finding.message == (
        "objective `grow_revenue` is watched only by lagging KPIs (`kpi_1`, `kpi_2`), so it learns of "
        "trouble after the period is over: promote a metric that moves first (e.g. qualified leads, "
        "trials started) to a KPI of `grow_revenue` with `indicator: leading`"
    )


def test_objective_with_a_leading_kpi_passes(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: grow_revenue, indicator: lagging}",
            "{kpi: true, objective: grow_revenue, indicator: leading}",
        )
    )

    assert findings(root, "KPI007") == []


def test_objective_names_are_compared_without_case(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: Grow_Revenue, indicator: lagging}",
            "{kpi: true, objective: grow_revenue, indicator: leading}",
        )
    )

    assert findings(root, "KPI007") == []


def test_a_kpi_serving_two_objectives_counts_for_both(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: [grow_revenue, retain_customers], indicator: leading}",
            "{kpi: true, objective: grow_revenue, indicator: lagging}",
            "{kpi: true, objective: retain_customers, indicator: lagging}",
        )
    )

    assert findings(root, "KPI007") == []


def test_objective_with_an_undeclared_kpi_is_judged_only_through_that_kpi(make_project):
    root = make_project(
        kpis_file(
            "{kpi: true, objective: grow_revenue, indicator: lagging}",
            "{kpi: true, objective: grow_revenue}",
        )
    )

    [finding] = findings(root, "KPI007")

    assert (place(finding), finding.message.split(" does not")[0]) == ("models/metrics.yml:3:6", "KPI `kpi_2`")
