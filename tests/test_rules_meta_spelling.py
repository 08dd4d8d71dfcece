"""KPI013 (format and unit), and misspelt values of every closed vocabulary."""

from __future__ import annotations

from lint_helpers import findings, place
from test_rules_targets import kpi_file

# KPI013: format ----------------------------------------------------------------------------------


def test_unknown_format_is_reported_at_the_format_with_the_likely_fix(make_project):
    root = make_project(kpi_file("kpi: true", "format: percentage"))

    [finding] = findings(root, "KPI013")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "error")
    assert finding.message == (
        "KPI `orders` has `format: percentage`, which the tables do not know (they show a plain number): "
        "write `format: percent` (0.25 reads 25%)"
    )


def test_misspelt_format_gets_the_format_it_resembles(make_project):
    root = make_project(kpi_file("kpi: true", "format: precent"))

    [finding] = findings(root, "KPI013")

    assert finding.message.endswith("write `format: percent` (0.25 reads 25%)")


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


def test_misspelt_grain_gets_the_grain_it_resembles(make_project):
    root = make_project(kpi_file("kpi: true", "grain: montly"))

    [finding] = findings(root, "KPI009")

    assert finding.message.endswith("write `grain: month` (one month)")


def test_misspelt_indicator_gets_the_indicator_it_resembles_at_the_key(make_project):
    root = make_project(kpi_file("kpi: true", "indicator: leadng"))

    [finding] = findings(root, "KPI007")

    assert (place(finding), finding.severity.value) == ("models/metrics.yml:8:9", "warning")
    assert finding.message == (
        "KPI `orders` has `indicator: leadng`, which is neither leading nor lagging: write `indicator: leading` "
        "(it moves before the outcome)"
    )


def test_misspelt_direction_gets_the_direction_it_resembles(make_project):
    root = make_project(kpi_file("kpi: true", "target: 5", "direction: decrese"))

    [finding] = findings(root, "KPI003")

    assert finding.message.endswith("write `direction: decrease` (lower is better)")
