"""Dated targets in meta: KPI004 judges each value, KPI011 how the dates fit together.

The generated models' use of them (which target holds for which period) is tested on real
builds in tests/kpi_models/test_built_tables.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from lint_helpers import findings, place
from test_rules_targets import kpi_file

from dbt_kpi_lint.kpi.calendar import last_complete_period, period_start
from dbt_kpi_lint.kpi.target_schedule import judged_holding_changes

HEAD = ("kpi: true", "owner: ops@example.com", "direction: increase", "grain: month")


def dated(*entries: str) -> str:
    return "target: [" + ", ".join(entries) + "]"


def messages(root, code: str) -> list[tuple[str, str]]:
    return [(place(finding), finding.message) for finding in findings(root, code)]


def test_well_formed_dated_targets_pass_both_rules(make_project) -> None:
    current, _ = last_complete_period(date.today(), "month")
    root = make_project(kpi_file(*HEAD, dated(f"{{from: {current}, value: 120}}", f"{{from: {current.replace(year=current.year + 1)}, value: 150}}")))
    assert (findings(root, "KPI004"), findings(root, "KPI011")) == ([], [])


def test_each_dated_value_is_checked_as_a_target(make_project) -> None:
    root = make_project(kpi_file(*HEAD, dated("{from: 2026-01-01, value: lots}", "{from: 2026-04-01, value: -5}")))
    assert messages(root, "KPI004") == [
        (
            "models/metrics.yml:11:37",
            "KPI `orders` has `target: lots`, not a number, so its status cannot be computed: set it to the value "
            "the KPI should reach, e.g. `target: 1000`",
        ),
        (
            "models/metrics.yml:11:70",
            "KPI `orders` can never reach `target: -5`: it is a `count`, which is never negative; set a target of 0 "
            "or more, in the metric's own unit",
        ),
    ]


def test_an_entry_that_is_not_from_and_value_is_kpi004(make_project) -> None:
    root = make_project(kpi_file(*HEAD, dated("120", "{from: someday, value: 150}")))
    assert messages(root, "KPI004") == [
        (
            "models/metrics.yml:11:18",
            "KPI `orders` has a dated `target` whose entry 1 of the dated target is not `{from: YYYY-MM-DD, "
            "value: <number>}` (and optionally `until: YYYY-MM-DD`): write each entry as `{from: YYYY-MM-DD, "
            "value: <number>}` (and optionally `until: YYYY-MM-DD`)",
        ),
        (
            "models/metrics.yml:11:24",
            "KPI `orders` has a dated `target` whose `from: someday` of entry 2 is not a date YYYY-MM-DD: write "
            "each entry as `{from: YYYY-MM-DD, value: <number>}` (and optionally `until: YYYY-MM-DD`)",
        ),
    ]


def test_dated_targets_out_of_order_are_kpi011(make_project) -> None:
    root = make_project(kpi_file(*HEAD, dated("{from: 2026-04-01, value: 150}", "{from: 2026-01-01, value: 120}")))
    assert messages(root, "KPI011")[0] == (
        "models/metrics.yml:11:50",
        "the dated `target` of KPI `orders` is not in date order: `from: 2026-01-01` comes after `from: 2026-04-01`; "
        "list the entries oldest first",
    )


def test_two_dated_targets_of_one_day_are_kpi011(make_project) -> None:
    root = make_project(kpi_file(*HEAD, dated("{from: 2026-01-01, value: 120}", "{from: 2026-01-01, value: 130}")))
    assert messages(root, "KPI011")[0] == (
        "models/metrics.yml:11:50",
        "two dated `target` entries of KPI `orders` start on 2026-01-01; the first is used: keep one",
    )


def test_a_dated_target_off_the_first_day_of_a_period_is_kpi011(make_project) -> None:
    root = make_project(kpi_file(*HEAD[:-1], "grain: week", dated("{from: 2026-01-01, value: 120}")))
    assert messages(root, "KPI011")[0] == (
        "models/metrics.yml:11:18",
        "the dated `target` of KPI `orders` starts on 2026-01-01, which is not the first day of a week (its grain): "
        "a target holds whole periods; write `from: 2025-12-29`",
    )


def test_a_dated_target_that_ended_before_the_period_judged_today_is_kpi011(make_project) -> None:
    judged, _ = last_complete_period(date.today(), "month")
    started = period_start(judged - timedelta(days=120), "month")
    ended = judged - timedelta(days=1)
    root = make_project(kpi_file(*HEAD, dated(f"{{from: {started}, value: 120, until: {ended}}}")))
    assert messages(root, "KPI011") == [
        (
            "models/metrics.yml:11:18",
            f"no dated `target` of KPI `orders` holds for the month starting {judged}, the one judged today: its last "
            f"entry ended {ended}; add the target that holds now",
        )
    ]


def test_a_dated_target_that_starts_after_the_period_judged_today_is_kpi011(make_project) -> None:
    judged, _ = last_complete_period(date.today(), "month")
    later = period_start(judged + timedelta(days=70), "month")
    root = make_project(kpi_file(*HEAD, dated(f"{{from: {later}, value: 120}}")))
    [(_, message)] = messages(root, "KPI011")
    assert message.endswith(f"its first entry starts {later}; add the target that holds now")


# When KPI011's "no target holds now" turns, as the staleness check's shortcut must know: the day
# the period judged (the last complete one) first falls on the other side of the schedule.
QUARTERS_OF_2026 = [(date(2026, 1, 1), date(2026, 4, 1), None), (date(2026, 4, 1), date(2027, 1, 1), None)]


def test_a_schedule_that_holds_now_turns_the_day_its_first_uncovered_period_is_complete() -> None:
    assert judged_holding_changes(QUARTERS_OF_2026, "month", date(2026, 12, 3)) == date(2027, 2, 1)


def test_a_schedule_that_has_not_begun_turns_the_day_its_first_period_is_complete() -> None:
    assert judged_holding_changes(QUARTERS_OF_2026, "month", date(2025, 12, 3)) == date(2026, 2, 1)


def test_a_schedule_that_ends_mid_week_turns_when_the_first_week_after_it_is_complete() -> None:
    assert judged_holding_changes(QUARTERS_OF_2026, "week", date(2026, 12, 3)) == date(2027, 1, 11)


def test_a_schedule_holding_for_good_never_turns() -> None:
    assert judged_holding_changes([(date(2026, 1, 1), None, None)], "quarter", date(2026, 12, 3)) is None


def test_an_expired_schedule_never_turns_back() -> None:
    assert judged_holding_changes(QUARTERS_OF_2026, "month", date(2027, 3, 1)) is None


def test_a_dated_target_until_the_calendar_s_last_day_holds_for_good(make_project) -> None:
    judged, _ = last_complete_period(date.today(), "month")
    root = make_project(kpi_file(*HEAD, dated(f"{{from: {judged}, value: 120, until: 9999-12-31}}")))
    assert (findings(root, "KPI004"), findings(root, "KPI011")) == ([], [])


def test_a_schedule_starting_in_the_calendar_s_last_month_never_turns_within_it() -> None:
    assert judged_holding_changes([(date(9999, 12, 1), None, None)], "month", date(2026, 12, 3)) is None
