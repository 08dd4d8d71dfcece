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
