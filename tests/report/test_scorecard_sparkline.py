"""The sparkline's geometry: one slot per period, actuals as a line, the target of each period as a level.

In a 280 x 64 box with a margin of 5, three periods own 90 units each (slots 5-95, 95-185,
185-275; centres 50, 140, 230); values from 100 to 150 map to y 59 down to 5.
"""

from __future__ import annotations

from kpi_rows import REVENUE, kpi, monthly_history

from dbt_kpi_lint.report.sparkline import sparkline


def test_the_target_of_each_period_is_drawn_so_a_raised_target_is_a_step() -> None:
    chart = sparkline(monthly_history(REVENUE, actuals=[100, 125, 150], targets=[100, 100, 150]), "Revenue")

    assert chart is not None
    assert chart.target_path == "M5.0 59.0 H95.0 V59.0 H185.0 V5.0 H275.0"
    assert chart.actual_path == "M50.0 59.0 L140.0 32.0 L230.0 5.0"


def test_a_period_without_a_value_breaks_the_line_and_has_no_dot() -> None:
    chart = sparkline(monthly_history(REVENUE, actuals=[100, None, 150], targets=[None, None, None]), "Revenue")

    assert chart is not None
    assert chart.actual_path == "M50.0 59.0 M230.0 5.0"
    assert [(point.x, point.y) for point in chart.points] == [(50.0, 59.0), (230.0, 5.0)]


def test_a_period_without_a_target_leaves_a_gap_in_the_target_line() -> None:
    chart = sparkline(monthly_history(REVENUE, actuals=[None, None, None], targets=[100, None, 150]), "Revenue")

    assert chart is not None
    assert chart.target_path == "M5.0 59.0 H95.0 M185.0 5.0 H275.0"


def test_a_flat_history_sits_in_the_middle_of_the_box() -> None:
    chart = sparkline(monthly_history(REVENUE, actuals=[100, 100], targets=[100, 100]), "Revenue")

    assert chart is not None
    assert {point.y for point in chart.points} == {32.0}


def test_a_history_without_values_or_targets_has_no_sparkline() -> None:
    assert sparkline(monthly_history(REVENUE, actuals=[None, None], targets=[None, None]), "Revenue") is None


def test_only_the_latest_period_is_marked_latest() -> None:
    chart = sparkline(monthly_history(REVENUE, actuals=[100, 125, 150], targets=[100, 100, 150]), "Revenue")

    assert chart is not None
    assert [point.latest for point in chart.points] == [False, False, True]


def test_each_dot_tells_its_period_value_target_and_status() -> None:
    chart = sparkline([REVENUE], "Recognised revenue")

    assert chart is not None
    assert [point.note for point in chart.points] == ["2026-05: 276,470 (target 300,000), at risk"]


def test_the_chart_is_described_in_words_for_screen_readers() -> None:
    rows = monthly_history(kpi(number_format="percent"), actuals=[0.2, 0.25, 0.21], targets=[0.25, 0.25, 0.25])
    chart = sparkline(rows, "Conversion")

    assert chart is not None
    assert chart.description == "Conversion, 3 periods from 2026-03 to 2026-05: between 20% and 25%, latest 21%, target 25%"
    assert (chart.first_period, chart.last_period) == ("2026-03", "2026-05")
