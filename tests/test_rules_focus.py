"""KPI005 (KPIs per owner) and KPI008 (share of metrics promoted to KPIs), with their options."""

from __future__ import annotations

from lint_helpers import SEMANTIC_MODELS, findings, place


def metrics_file(kpi_metas: list[str], plain_metrics: int = 0) -> dict[str, str]:
    """KPIs `kpi_1`... (KPI n on line n + 1) with the given flow-style meta, then plain metrics."""
    kpis = "".join(
        f"  - {{name: kpi_{number}, type: simple, type_params: {{measure: order_count}}, config: {{meta: {meta}}}}}\n"
        for number, meta in enumerate(kpi_metas, start=1)
    )
    plain = "".join(
        f"  - {{name: metric_{number}, type: simple, type_params: {{measure: order_count}}}}\n"
        for number in range(1, plain_metrics + 1)
    )
    return {"models/semantic_models.yml": SEMANTIC_MODELS, "models/metrics.yml": "metrics:\n" + kpis + plain}


def owned_by(owner: str, count: int) -> list[str]:
    return [f"{{kpi: true, owner: {owner}}}"] * count


# KPI005 ---------------------------------------------------------------------------------------


def test_owner_with_five_kpis_passes(make_project):
    root = make_project(metrics_file(owned_by("growth@example.com", 5)))

    assert findings(root, "KPI005") == []


def test_sixth_kpi_of_an_owner_is_reported_at_its_owner_key(make_project):
    root = make_project(metrics_file(owned_by("growth@example.com", 6)))

    [finding] = findings(root, "KPI005")

    assert (finding.code, place(finding), finding.metric, finding.severity.value) == (
        "KPI005",
        "models/metrics.yml:7:97",
        "kpi_6",
        "warning",
    )
    assert finding.message == (
        "`growth@example.com` owns 6 KPIs, more than `max-kpis-per-owner` (5); `kpi_6` is number 6: "
        "keep as KPIs only the ones this owner acts on and remove `kpi: true` from the others, or give "
        "this one to another owner"
    )


def test_every_kpi_beyond_the_limit_gets_its_own_finding(make_project):
    root = make_project(metrics_file(owned_by("growth@example.com", 7)))

    assert [(finding.metric, finding.message.split(";")[0]) for finding in findings(root, "KPI005")] == [
        ("kpi_6", "`growth@example.com` owns 7 KPIs, more than `max-kpis-per-owner` (5)"),
        ("kpi_7", "`growth@example.com` owns 7 KPIs, more than `max-kpis-per-owner` (5)"),
    ]


def test_max_kpis_per_owner_option_sets_the_limit(make_project):
    root = make_project(metrics_file(owned_by("growth@example.com", 5)))

    reported = findings(root, "KPI005", options={"max-kpis-per-owner": 3})

    assert [finding.metric for finding in reported] == ["kpi_4", "kpi_5"]
    assert "more than `max-kpis-per-owner` (3)" in reported[0].message


def test_owners_are_compared_without_case_and_include_group_owners(make_project):
    files = metrics_file(
        [
            *owned_by("growth@example.com", 3),
            *owned_by("Growth@Example.com", 2),
            "{kpi: true}",
        ]
    )
    files["models/metrics.yml"] = files["models/metrics.yml"].replace(
        "config: {meta: {kpi: true}}", "config: {group: growth, meta: {kpi: true}}"
    )
    files["models/groups.yml"] = "groups:\n  - {name: growth, owner: {email: growth@example.com}}\n"
    root = make_project(files)

    [finding] = findings(root, "KPI005")

    assert (finding.metric, place(finding)) == ("kpi_6", "models/metrics.yml:7:79")


def test_a_kpi_with_two_owners_counts_for_each(make_project):
    shared = "{kpi: true, owner: [a@example.com, b@example.com]}"
    root = make_project(metrics_file([*owned_by("a@example.com", 5), shared]))

    [finding] = findings(root, "KPI005")

    assert (finding.metric, finding.message.split(" owns")[0]) == ("kpi_6", "`a@example.com`")


def test_different_owners_each_have_their_own_budget(make_project):
    root = make_project(metrics_file([*owned_by("a@example.com", 5), *owned_by("b@example.com", 5)]))

    assert findings(root, "KPI005") == []


# KPI008 ---------------------------------------------------------------------------------------


def test_project_with_fewer_than_three_metrics_per_kpi_is_reported_once(make_project):
    root = make_project(metrics_file(["{kpi: true}"] * 6, plain_metrics=11))

    [finding] = findings(root, "KPI008")

    assert (finding.code, place(finding), finding.metric, finding.severity.value) == (
        "KPI008",
        "dbt_project.yml:1:1",
        None,
        "warning",
    )
    assert finding.message == (
        "6 of 17 metrics (35%) are KPIs, but `min-metrics-per-kpi` (3) allows at most 5: when most "
        "numbers are key, none is; keep as KPIs the few per objective that decide action and remove "
        "`kpi: true` from the rest, which stay as supporting metrics"
    )


def test_project_with_three_metrics_per_kpi_passes(make_project):
    root = make_project(metrics_file(["{kpi: true}"] * 6, plain_metrics=12))

    assert findings(root, "KPI008") == []


def test_project_with_fewer_than_six_kpis_is_not_judged_by_share(make_project):
    root = make_project(metrics_file(["{kpi: true}"] * 5))

    assert findings(root, "KPI008") == []


def test_project_wide_kpi_meta_is_named_as_the_cause_and_located(make_project):
    project_file = (
        "name: shop\nconfig-version: 2\nprofile: shop\n"
        "metrics:\n  shop:\n    +meta:\n      kpi: true\n"
    )
    root = make_project(metrics_file([], plain_metrics=8), project_file=project_file)

    [finding] = findings(root, "KPI008")

    assert place(finding) == "dbt_project.yml:7:7"
    assert finding.message.startswith(
        "8 of 8 metrics (100%) are KPIs (`+meta: {kpi: true}` in dbt_project.yml promotes whole folders), "
        "but `min-metrics-per-kpi` (3) allows at most 2: "
    )


def test_min_metrics_per_kpi_option_sets_the_allowed_share(make_project):
    root = make_project(metrics_file(["{kpi: true}"] * 6, plain_metrics=4))

    assert findings(root, "KPI008", options={"min-metrics-per-kpi": 1}) == []
    assert len(findings(root, "KPI008", options={"min-metrics-per-kpi": 2})) == 1


def test_min_kpis_for_share_option_judges_smaller_projects(make_project):
    root = make_project(metrics_file(["{kpi: true}"] * 2, plain_metrics=1))

    [finding] = findings(root, "KPI008", options={"min-kpis-for-share": 2})

    assert finding.message.startswith("2 of 3 metrics (67%) are KPIs, but `min-metrics-per-kpi` (3) allows at most 1")
