"""KPI013 (format and unit) and KPI014 (misspelt keys), and misspelt values of every closed vocabulary."""

from __future__ import annotations

import pytest
from lint_helpers import findings, place
from test_rules_targets import kpi_file

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.kpi.fields import MetaKeys
from dbt_kpi_lint.kpi.spelling import closest
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.yaml_loader import load_project

# KPI013: format ----------------------------------------------------------------------------------


def test_unknown_format_is_reported_at_the_format_with_the_likely_fix(make_project):
    root = make_project(kpi_file("kpi: true", "format: percentage"))

    [finding] = findings(root, "KPI013")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "error")
    assert finding.message == (
        "KPI `orders` has `format: percentage`, which the tables do not know (they show a plain number): "
        "write `format: percent` (0.25 reads 25%)"
    )


def test_format_without_a_likely_meaning_lists_both_formats(make_project):
    root = make_project(kpi_file("kpi: true", "format: currency"))

    [finding] = findings(root, "KPI013")

    assert finding.message.endswith("set `format` to `number` (0.25 reads 0.25) or `percent` (0.25 reads 25%)")


def test_both_formats_no_format_and_jinja_pass(make_project):
    for written in ("format: number", "format: percent", "format: \"{{ var('kpi_format') }}\""):
        assert findings(make_project(kpi_file("kpi: true", written)), "KPI013") == [], written
    assert findings(make_project(kpi_file("kpi: true")), "KPI013") == []


# KPI013: unit ------------------------------------------------------------------------------------


def test_unit_read_as_a_number_is_reported_with_the_quoted_spelling(make_project):
    root = make_project(kpi_file("kpi: true", "unit: 1000"))

    [finding] = findings(root, "KPI013")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "error")
    assert finding.message == 'KPI `orders` has `unit: 1000`, which is not text: quote it (`unit: "1000"`)'


def test_unit_read_as_a_list_is_reported_with_an_example(make_project):
    root = make_project(kpi_file("kpi: true", "unit: [EUR]"))

    [finding] = findings(root, "KPI013")

    assert finding.message == (
        "KPI `orders` has `unit: [...]`, which is not text: write what the number counts as text, e.g. `unit: EUR`"
    )


def test_text_unit_passes(make_project):
    assert findings(make_project(kpi_file("kpi: true", "unit: EUR")), "KPI013") == []


# Misspelt values of the other vocabularies ----------------------------------------------------------


@pytest.mark.parametrize(
    "code, written, fix",
    [
        ("KPI013", "format: precent", "write `format: percent` (0.25 reads 25%)"),
        ("KPI009", "grain: montly", "write `grain: month` (one month)"),
        ("KPI007", "indicator: leadng", "write `indicator: leading` (it moves before the outcome)"),
        ("KPI003", "direction: decrese", "write `direction: decrease` (lower is better)"),
    ],
)
def test_misspelt_value_gets_the_allowed_value_it_resembles_at_the_key(make_project, code, written, fix):
    root = make_project(kpi_file("kpi: true", written))

    [finding] = findings(root, code)

    assert place(finding) == "models/metrics.yml:8:9"
    assert finding.message.startswith(f"KPI `orders` has `{written}`, which ")
    assert finding.message.endswith(f": {fix}")


# KPI014 -------------------------------------------------------------------------------------------


def test_misspelt_key_in_flat_meta_is_reported_at_the_key_naming_the_key_it_resembles(make_project):
    root = make_project(kpi_file("kpi: true", "ownr: finance@example.com"))

    [finding] = findings(root, "KPI014")

    assert (place(finding), finding.severity.value, finding.metric) == ("models/metrics.yml:8:9", "warning", "orders")
    assert finding.message == (
        "KPI `orders` has meta key `ownr`, which dbt-kpi-lint does not read: rename it to `owner` if that is "
        "what it means"
    )


def test_misspelt_key_in_the_kpi_mapping_is_reported_at_the_key(make_project):
    root = make_project(kpi_file("kpi:", "  owner: finance@example.com", "  taget: 1000", "  indicatr: leading"))

    assert [(place(finding), finding.message.split(",")[0]) for finding in findings(root, "KPI014")] == [
        ("models/metrics.yml:9:11", "KPI `orders` has meta key `taget`"),
        ("models/metrics.yml:10:11", "KPI `orders` has meta key `indicatr`"),
    ]


def test_misspelt_key_in_a_flow_kpi_mapping_names_the_key_it_resembles(make_project):
    root = make_project(kpi_file("kpi: {drection: increase}"))

    [finding] = findings(root, "KPI014")

    assert (place(finding), finding.message.split(": ")[-1]) == (
        "models/metrics.yml:7:15",
        "rename it to `direction` if that is what it means",
    )


def test_key_in_another_case_or_with_hyphens_is_a_misspelling(make_project):
    root = make_project(kpi_file("kpi: true", "Owner: finance@example.com", "at-risk-band: 0.1"))

    assert [finding.message.split(": ")[-1] for finding in findings(root, "KPI014")] == [
        "rename it to `owner` if that is what it means",
        "rename it to `at_risk_band` if that is what it means",
    ]


def test_keys_far_from_every_known_key_are_the_teams_own(make_project):
    root = make_project(kpi_file("kpi: true", "order: 3", "team: growth", "domain: sales", "tier: 1", "own: x"))

    assert findings(root, "KPI014") == []


def test_look_alike_of_a_key_that_is_also_set_is_left_alone(make_project):
    root = make_project(kpi_file("kpi: true", "owner: finance@example.com", "owners: [ana@example.com]"))

    assert findings(root, "KPI014") == []


def test_keys_of_a_metric_that_is_not_a_kpi_are_not_judged(make_project):
    root = make_project(kpi_file("kpi: false", "ownr: finance@example.com"))

    assert findings(root, "KPI014") == []


def test_renamed_meta_keys_are_the_known_keys(make_project):
    root = make_project(kpi_file("kpi: true", "responsble: finance@example.com", "ownr: ana"))
    settings = Settings(select=("KPI014",), meta_keys=MetaKeys(owner="responsible"))

    assert [finding.message.split(": ")[-1] for finding in lint(load_project(root), settings)] == [
        "rename it to `responsible` if that is what it means",
    ]


def test_closeness_is_one_slip_for_short_keys_and_two_for_longer_ones():
    known = {key: key for key in ("owner", "target", "indicator")}
    assert [closest(word, known) for word in ("ownr", "onwer", "ownerr", "order", "tagret", "tags", "indictr")] == [
        "owner", "owner", "owner", None, "target", None, "indicator",
    ]


def test_the_certification_and_keys_resembling_it_are_left_alone(make_project):
    root = make_project(kpi_file("kpi:", "  certified: {by: ana}", "  verified: true"))

    assert findings(root, "KPI014") == []


def test_a_misspelling_as_near_to_two_known_words_resembles_neither():
    assert closest("unis", {"unit": "unit", "unix": "unix"}) is None


def test_spellings_that_stand_for_one_word_are_one_resemblance():
    assert closest("montly", {"month": "month", "monthly": "month"}) == "month"
