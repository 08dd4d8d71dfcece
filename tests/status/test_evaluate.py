"""Period math and status rules, exact values, no dbt or MetricFlow needed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dbt_kpi_lint.status.evaluate import (
    Period,
    attainment,
    coerce_as_of,
    evaluate_kpi,
    evaluate_status,
    last_complete_period,
    period_of,
    period_start,
    previous_period,
    shift_period_start,
)
from dbt_kpi_lint.status.spec import KpiSpec


@pytest.mark.parametrize(
    ("day", "grain", "start"),
    [
        (date(2024, 6, 10), "day", date(2024, 6, 10)),
        (date(2024, 6, 10), "week", date(2024, 6, 10)),  # a Monday starts its own week
        (date(2024, 6, 16), "week", date(2024, 6, 10)),  # Sunday belongs to the week before
        (date(2024, 1, 3), "week", date(2024, 1, 1)),
        (date(2023, 1, 1), "week", date(2022, 12, 26)),  # ISO week crosses the year
        (date(2024, 2, 29), "month", date(2024, 2, 1)),
        (date(2024, 3, 31), "quarter", date(2024, 1, 1)),
        (date(2024, 4, 1), "quarter", date(2024, 4, 1)),
        (date(2024, 12, 31), "quarter", date(2024, 10, 1)),
        (date(2024, 7, 15), "year", date(2024, 1, 1)),
    ],
)
def test_period_start(day: date, grain: str, start: date) -> None:
    assert period_start(day, grain) == start  # type: ignore[arg-type]


def test_shift_period_start_crosses_years() -> None:
    assert shift_period_start(date(2024, 1, 1), "month", -1) == date(2023, 12, 1)
    assert shift_period_start(date(2024, 1, 1), "quarter", -1) == date(2023, 10, 1)
    assert shift_period_start(date(2024, 11, 1), "quarter", 1) == date(2025, 2, 1)
    assert shift_period_start(date(2024, 1, 1), "year", -2) == date(2022, 1, 1)
    assert shift_period_start(date(2024, 3, 4), "week", -1) == date(2024, 2, 26)
    assert shift_period_start(date(2024, 3, 1), "day", -1) == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("as_of", "grain", "current", "previous"),
    [
        # month: the running month is skipped, even on its first day
        (date(2024, 6, 10), "month", Period("month", date(2024, 5, 1), date(2024, 6, 1)), date(2024, 4, 1)),
        (date(2024, 7, 1), "month", Period("month", date(2024, 6, 1), date(2024, 7, 1)), date(2024, 5, 1)),
        (date(2024, 1, 15), "month", Period("month", date(2023, 12, 1), date(2024, 1, 1)), date(2023, 11, 1)),
        # week: Monday-based
        (date(2024, 6, 10), "week", Period("week", date(2024, 6, 3), date(2024, 6, 10)), date(2024, 5, 27)),
        (date(2024, 6, 16), "week", Period("week", date(2024, 6, 3), date(2024, 6, 10)), date(2024, 5, 27)),
        (date(2024, 1, 2), "week", Period("week", date(2023, 12, 25), date(2024, 1, 1)), date(2023, 12, 18)),
        # quarter
        (date(2024, 6, 10), "quarter", Period("quarter", date(2024, 1, 1), date(2024, 4, 1)), date(2023, 10, 1)),
        (date(2024, 4, 1), "quarter", Period("quarter", date(2024, 1, 1), date(2024, 4, 1)), date(2023, 10, 1)),
        (date(2024, 2, 1), "quarter", Period("quarter", date(2023, 10, 1), date(2024, 1, 1)), date(2023, 7, 1)),
        # day and year
        (date(2024, 3, 1), "day", Period("day", date(2024, 2, 29), date(2024, 3, 1)), date(2024, 2, 28)),
        (date(2024, 6, 10), "year", Period("year", date(2023, 1, 1), date(2024, 1, 1)), date(2022, 1, 1)),
    ],
)
def test_last_complete_and_previous_period(as_of: date, grain: str, current: Period, previous: date) -> None:
    got = last_complete_period(as_of, grain)  # type: ignore[arg-type]
    assert got == current
    assert previous_period(got) == period_of(previous, grain)  # type: ignore[arg-type]


def test_period_last_day_is_inclusive_end() -> None:
    assert last_complete_period(date(2024, 3, 5), "month").last_day == date(2024, 2, 29)
    assert last_complete_period(date(2024, 6, 10), "week").last_day == date(2024, 6, 9)
    assert last_complete_period(date(2024, 6, 10), "quarter").last_day == date(2024, 3, 31)


def test_unknown_grain_rejected() -> None:
    with pytest.raises(ValueError):
        period_start(date(2024, 1, 1), "hour")  # type: ignore[arg-type]


# increase, target 100, band 0.10 -> on track from 100, at risk down to 90 (inclusive), off below
@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (150.0, "on_track"),
        (100.0, "on_track"),
        (99.99, "at_risk"),
        (90.0, "at_risk"),
        (89.99, "off_track"),
        (-5.0, "off_track"),
    ],
)
def test_status_increase_band_edges(actual: float, status: str) -> None:
    assert evaluate_status(actual, 100.0, "increase", 0.10) == status


# decrease, target 100, band 0.10 -> on track up to 100, at risk up to 110 (inclusive), off above
@pytest.mark.parametrize(
    ("actual", "status"),
    [(0.0, "on_track"), (100.0, "on_track"), (100.01, "at_risk"), (110.0, "at_risk"), (110.01, "off_track")],
)
def test_status_decrease_band_edges(actual: float, status: str) -> None:
    assert evaluate_status(actual, 100.0, "decrease", 0.10) == status


def test_band_edge_survives_float_rounding() -> None:
    # 0.3 - 0.1 * 0.3 == 0.26999999999999996 in binary; 0.27 must still be the (inclusive) edge.
    assert evaluate_status(0.27, 0.3, "increase", 0.1) == "at_risk"
    assert evaluate_status(0.33, 0.3, "decrease", 0.1) == "at_risk"
    assert evaluate_status(0.2699, 0.3, "increase", 0.1) == "off_track"


def test_zero_band_has_no_at_risk() -> None:
    assert evaluate_status(99.0, 100.0, "increase", 0.0) == "off_track"
    assert evaluate_status(100.0, 100.0, "increase", 0.0) == "on_track"


def test_negative_target_uses_magnitude_for_band() -> None:
    # "growth no worse than -10%": band 0.5 of |−0.10| = 0.05
    assert evaluate_status(-0.12, -0.10, "increase", 0.5) == "at_risk"
    assert evaluate_status(-0.16, -0.10, "increase", 0.5) == "off_track"
    assert evaluate_status(-0.05, -0.10, "increase", 0.5) == "on_track"


def test_no_target_and_no_data() -> None:
    assert evaluate_status(None, None, "increase", 0.1) == "no_target"
    assert evaluate_status(42.0, None, "decrease", 0.1) == "no_target"
    assert evaluate_status(None, 10.0, "increase", 0.1) == "no_data"


def test_attainment_formula_both_directions() -> None:
    assert attainment(90.0, 100.0, "increase") == pytest.approx(0.9)
    assert attainment(120.0, 100.0, "increase") == pytest.approx(1.2)
    assert attainment(110.0, 100.0, "decrease") == pytest.approx(0.9)  # 10% over a ceiling
    assert attainment(80.0, 100.0, "decrease") == pytest.approx(1.2)
    assert attainment(0.0, 100.0, "decrease") == pytest.approx(2.0)  # finite, unlike target/actual
    assert attainment(-0.12, -0.10, "increase") == pytest.approx(0.8)
    assert attainment(None, 100.0, "increase") is None
    assert attainment(5.0, None, "increase") is None
    assert attainment(5.0, 0.0, "increase") is None


def test_evaluate_kpi_picks_current_and_previous_periods() -> None:
    spec = KpiSpec(metric="revenue", owner="o", target=1000, direction="increase", grain="month", lint_codes=["A", "B"])
    values = {date(2024, 4, 1): 800.0, date(2024, 5, 1): 950.0, date(2024, 6, 1): 5.0}
    row = evaluate_kpi(spec, values, date(2024, 6, 10))
    assert (row.period_start, row.period_end, row.previous_period_start) == (
        date(2024, 5, 1),
        date(2024, 5, 31),
        date(2024, 4, 1),
    )
    assert (row.actual, row.previous, row.target) == (950.0, 800.0, 1000.0)
    assert row.attainment == pytest.approx(0.95)
    assert row.status == "at_risk"
    assert row.lint_codes == "A,B"


def test_evaluate_kpi_weekly_decrease_and_missing_periods() -> None:
    spec = KpiSpec(metric="returns", target=3, direction="decrease", grain="week", at_risk_band=0.5)
    row = evaluate_kpi(spec, {date(2024, 6, 3): 4}, date(2024, 6, 12))
    assert row.period_start == date(2024, 6, 3)
    assert (row.actual, row.previous) == (4.0, None)
    assert row.status == "at_risk"  # 4 <= 3 + 0.5 * 3
    nan_row = evaluate_kpi(spec, {date(2024, 6, 3): float("nan")}, date(2024, 6, 12))
    assert (nan_row.actual, nan_row.status) == (None, "no_data")


def test_evaluate_kpi_quarterly_no_target() -> None:
    spec = KpiSpec(metric="orders", grain="quarter")
    row = evaluate_kpi(spec, {date(2024, 1, 1): 146, date(2023, 10, 1): 120}, date(2024, 6, 10))
    assert (row.period_start, row.period_end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert (row.actual, row.previous, row.status, row.attainment) == (146.0, 120.0, "no_target", None)


def test_coerce_as_of() -> None:
    assert coerce_as_of("2024-06-10") == date(2024, 6, 10)
    assert coerce_as_of("2024-06-10T23:00:00") == date(2024, 6, 10)
    assert coerce_as_of(datetime(2024, 6, 10, 5)) == date(2024, 6, 10)
    assert coerce_as_of(date(2024, 6, 10)) == date(2024, 6, 10)
    assert isinstance(coerce_as_of(None), date)
    with pytest.raises(ValueError):
        coerce_as_of("June")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": "up"},
        {"grain": "hour"},
        {"at_risk_band": -0.1},
        {"target": float("inf")},
        {"target": "lots"},
        {"metric": ""},
    ],
)
def test_spec_rejects_what_status_cannot_judge(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        KpiSpec(**{"metric": "m", **kwargs})  # type: ignore[arg-type]


def test_spec_normalises_types() -> None:
    spec = KpiSpec(metric="m", target="100000", at_risk_band=0, lint_codes=["X"])  # type: ignore[arg-type]
    assert (spec.target, spec.at_risk_band, spec.lint_codes) == (100000.0, 0.0, ("X",))
    hash(spec)
