"""What each card of the scorecard says, and in which order groups and cards come."""

from __future__ import annotations

from typing import Any

from kpi_rows import REVENUE, kpi, tables

from dbt_kpi_lint.report.cards import Card, Scorecard, scorecard
from dbt_kpi_lint.status.tables import KpiRow


def only_card(*rows: KpiRow, **options: Any) -> Card:
    (group,) = scorecard(tables(*rows), **options).groups
    (card,) = group.cards
    return card


def order(card_set: Scorecard) -> list[tuple[str, list[str]]]:
    return [(group.title, [card.metric_name for card in group.cards]) for group in card_set.groups]


def test_a_card_shows_actual_target_attainment_and_change_as_status_formats_them() -> None:
    card = only_card(REVENUE)

    assert (card.name, card.status_word, card.actual, card.target_relation, card.target) == (
        "Recognised revenue", "At risk", "276,470", "≥", "300,000"
    )
    assert (card.attainment, card.change, card.previous_period, card.trend) == (
        "92.16%", "+33,560 (+13.82%)", "2026-04", "improving"
    )


def test_a_card_names_its_owner_grain_period_as_of_and_build_time() -> None:
    card = only_card(REVENUE)

    assert (card.owner, card.grain, card.period, card.as_of, card.built_at) == (
        "cfo-office@example.com", "month", "2026-05", "2026-06-15", "2026-06-15 06:30 UTC"
    )


def test_a_percent_kpi_shows_0_21_as_21_percent_and_its_change_in_points() -> None:
    card = only_card(
        kpi(number_format="percent", actual=0.21, target=0.25, change=0.0405, relative_change=0.0405 / 0.1695)
    )

    assert (card.actual, card.target, card.change) == ("21%", "25%", "+4.05 pt")


def test_a_unit_follows_the_number() -> None:
    card = only_card(kpi(unit="h", direction="decrease", actual=35.39, target=24.0, change=7.262, relative_change=0.2582))

    assert (card.actual, card.target, card.change) == ("35.39 h", "24 h", "+7.262 h (+25.82%)")


def test_a_decrease_kpi_reads_its_target_as_a_ceiling_and_a_rise_as_worsening() -> None:
    card = only_card(kpi(direction="decrease"))

    assert (card.target_relation, card.trend) == ("≤", "worsening")


def test_without_a_direction_there_is_no_target_sign_and_no_trend() -> None:
    card = only_card(kpi(direction=None, status="no_target", attainment=None))

    assert (card.target_relation, card.trend, card.status_word, card.attainment) == ("", "", "No target", "-")


def test_without_a_target_there_is_no_target_sign() -> None:
    card = only_card(kpi(target=None, status="no_target", attainment=None))

    assert (card.target_relation, card.target) == ("", "-")


def test_the_metric_name_stands_in_for_a_missing_label() -> None:
    assert only_card(kpi(label=None)).name == "revenue"


def test_each_lint_code_carries_its_rules_summary() -> None:
    card = only_card(kpi(lint_codes="KPI003,KPI007"), rule_summaries={"KPI003": "target-without-direction"})

    assert [(lint.code, lint.summary) for lint in card.lint_codes] == [
        ("KPI003", "target-without-direction"),
        ("KPI007", ""),
    ]


def test_a_kpi_without_lint_codes_has_none() -> None:
    assert only_card(kpi(lint_codes="")).lint_codes == ()


def test_groups_come_by_their_worst_kpi_and_cards_worst_status_first() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="signups", objective="fill_the_funnel", status="on_track"),
            kpi(metric_name="sessions", objective="fill_the_funnel", status="at_risk"),
            kpi(metric_name="csat", objective="retain_customers", status="on_track"),
            kpi(metric_name="churn", objective="retain_customers", status="off_track"),
            kpi(metric_name="refunds", objective="retain_customers", status="no_target"),
        )
    )

    assert order(card_set) == [
        ("retain_customers", ["churn", "refunds", "csat"]),  # no_target comes before on_track
        ("fill_the_funnel", ["sessions", "signups"]),
    ]


def test_within_a_status_the_kpi_furthest_from_target_comes_first() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="near", status="off_track", attainment=0.8),
            kpi(metric_name="far", status="off_track", attainment=0.4),
        )
    )

    assert order(card_set) == [("grow_revenue", ["far", "near"])]


def test_at_the_same_worst_status_the_group_with_more_such_kpis_comes_first() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="a", objective="alpha", status="off_track"),
            kpi(metric_name="b", objective="beta", status="off_track"),
            kpi(metric_name="c", objective="beta", status="off_track"),
        )
    )

    assert [group.title for group in card_set.groups] == ["beta", "alpha"]


def test_kpis_without_an_objective_come_after_named_groups_of_the_same_worst_status() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="orphan", objective=None, status="off_track"),
            kpi(metric_name="zeta_kpi", objective="zeta", status="off_track"),
        )
    )

    assert order(card_set) == [("zeta", ["zeta_kpi"]), ("No objective", ["orphan"])]


def test_group_by_owner_groups_cards_by_owner() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="revenue", owner="cfo@example.com", status="at_risk"),
            kpi(metric_name="csat", owner="support@example.com", status="off_track"),
            kpi(metric_name="aov", owner=None, status="on_track"),
        ),
        group_by="owner",
    )

    assert order(card_set) == [
        ("support@example.com", ["csat"]),
        ("cfo@example.com", ["revenue"]),
        ("No owner", ["aov"]),
    ]


def test_each_group_and_the_page_count_their_kpis_by_status_worst_first() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="a", objective="alpha", status="on_track"),
            kpi(metric_name="b", objective="alpha", status="off_track"),
            kpi(metric_name="c", objective="beta", status="on_track"),
        )
    )

    assert [(count.word, count.count) for count in card_set.groups[0].counts] == [("Off track", 1), ("On track", 1)]
    assert [(count.word, count.count) for count in card_set.counts] == [("Off track", 1), ("On track", 2)]
    assert (card_set.kpi_count, card_set.as_of, card_set.built_at) == (3, "2026-06-15", "2026-06-15 06:30 UTC")


def test_a_kpi_the_lint_says_cannot_be_judged_says_why_where_its_status_is() -> None:
    card = only_card(
        kpi(status="not_judged", status_reason="an all-time total only goes up, so meeting a target says nothing (VAN001)")
    )

    assert (card.status_word, card.status_reason) == (
        "Not judged", "An all-time total only goes up, so meeting a target says nothing (VAN001)"
    )


def test_a_judged_kpi_has_no_reason_beside_its_status() -> None:
    assert only_card(REVENUE).status_reason == ""


def test_kpis_nobody_can_judge_come_before_on_track_ones_and_colour_their_group() -> None:
    card_set = scorecard(
        tables(
            kpi(metric_name="a_met", status="on_track"),
            kpi(metric_name="b_met", status="on_track"),
            kpi(metric_name="untargeted", status="no_target"),
            kpi(metric_name="vanity", status="not_judged"),
            kpi(metric_name="silent", status="no_data"),
        )
    )

    assert order(card_set) == [("grow_revenue", ["vanity", "silent", "untargeted", "a_met", "b_met"])]
    assert [(count.status, count.count) for count in card_set.groups[0].counts] == [
        ("not_judged", 1), ("no_data", 1), ("no_target", 1), ("on_track", 2)
    ]
    assert card_set.groups[0].worst.status == "not_judged"
