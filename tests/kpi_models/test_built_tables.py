"""The tables `dbt build` makes of the generated models, checked against `mf query` on the same database.

Slow: one `dbt build` per project, one `mf query` per (project, grain).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from built_projects import AS_OF, BuiltProject

pytest.importorskip("metricflow")

HOSTILE_LABEL = "Completed {{ revenue }} {% if %} {# x #} it's \"done\" \\ 100%\nsecond line"
HOSTILE_OWNER = "o'brien'); drop table x; --"

# Per KPI of the fixture project, as of 2024-06-10: (grain, status of its last complete period).
FIXTURE_STATUSES = {
    "revenue": ("month", "at_risk"),
    "completed_revenue": ("month", "at_risk"),  # simple metric with a filter; May's target from the seed
    "distinct_customers": ("month", "off_track"),  # made by dbt from a measure (create_metric)
    "order_count": ("quarter", "off_track"),
    "returned_orders": ("week", "off_track"),  # direction: decrease
    "cancelled_orders": ("month", "no_data"),
    "avg_order_value": ("month", "off_track"),  # ratio
    "revenue_growth_mom": ("month", "off_track"),  # derived with offset_window
    "revenue_trailing_3m": ("month", "on_track"),  # cumulative with window
    "revenue_mtd": ("month", "no_target"),  # cumulative with grain_to_date
    "events": ("month", "on_track"),  # hourly time dimension
}
# example_project and its latest-spec copy, as of 2026-06-15 (its README's May 2026 table).
EXAMPLE_PROJECTS = ["example_project", "latest_spec_example"]
EXAMPLE_STATUSES = {
    "revenue": "at_risk",
    "trials_started": "on_track",
    "trial_to_paid_rate": "off_track",
    "signup_rate": "on_track",
    "sla_hit_rate": "at_risk",
    "avg_csat": "off_track",
    "avg_order_value": "on_track",
    "avg_resolution_hours": "off_track",
    "total_customers": "not_judged",  # VAN001: met, as an all-time total always will be
    "refund_rate": "not_judged",  # KPI003
    "new_customers": "not_judged",  # KPI004
    "website_sessions": "no_target",  # KPI002
}
# Why example_project's KPIs that cannot be judged have no on/off-track status, as the table says it.
EXAMPLE_STATUS_REASONS = {
    "total_customers": "an all-time total only goes up, so meeting a target says nothing (VAN001)",
    "refund_rate": "no direction: nobody said whether higher or lower is better (KPI003)",
    "new_customers": "the target or its band is invalid (KPI004)",
    "website_sessions": "no target holds for this period",
}
# The README's May 2026 values, as printed there: (value, decimals it is rounded to).
README_MAY_2026_VALUES = {
    "revenue": (276470, 0),
    "trials_started": (95, 0),
    "trial_to_paid_rate": (0.2105, 4),
    "signup_rate": (0.00495, 5),
    "sla_hit_rate": (0.8108, 4),
    "avg_csat": (3.733, 3),
    "avg_order_value": (1105.88, 2),
    "avg_resolution_hours": (35.39, 2),
    "total_customers": (401, 0),
    "refund_rate": (0.0602, 4),
    "new_customers": (19, 0),
    "website_sessions": (19192, 0),
}


def close_to(value: float | None) -> object:
    """What equals `value` to 1e-9 (None: only None)."""
    return None if value is None else pytest.approx(value, rel=1e-9, abs=1e-9)


def by_metric(project: BuiltProject, table: str = "kpi_status") -> dict[str, dict[str, object]]:
    return {row["metric_name"]: row for row in project.rows(table)}


def test_kpi_status_has_one_row_per_kpi_with_its_grain_and_status(build) -> None:
    rows = by_metric(build("kpi_project"))
    assert {metric: (row["grain"], row["status"]) for metric, row in rows.items()} == FIXTURE_STATUSES


@pytest.mark.parametrize("name", EXAMPLE_PROJECTS)
def test_example_project_statuses_are_those_its_readme_promises(build, name: str) -> None:
    rows = by_metric(build(name))
    assert {metric: row["status"] for metric, row in rows.items()} == EXAMPLE_STATUSES


@pytest.mark.parametrize("name", EXAMPLE_PROJECTS)
def test_a_kpi_the_lint_says_cannot_be_judged_is_not_judged_and_the_table_says_why(build, name: str) -> None:
    rows = by_metric(build(name))
    assert {metric: row["status_reason"] for metric, row in rows.items() if row["status_reason"]} == (
        EXAMPLE_STATUS_REASONS
    )


@pytest.mark.parametrize("name", EXAMPLE_PROJECTS)
def test_example_project_may_2026_values_are_those_its_readme_shows(build, name: str) -> None:
    rows = by_metric(build(name))
    shown = {
        metric: (row["period_start"], round(row["actual"], README_MAY_2026_VALUES[metric][1]))
        for metric, row in rows.items()
    }
    assert shown == {metric: (date(2026, 5, 1), value) for metric, (value, _) in README_MAY_2026_VALUES.items()}


def test_the_latest_spec_copy_builds_example_project_s_kpi_history_value_for_value(build) -> None:
    """The same metrics in the other spec, built by dbt 1.12 instead of 1.11: the same numbers."""

    def history(name: str) -> dict[tuple[object, ...], tuple[float | None, float | None]]:
        return {
            (row["metric_name"], row["periods_ago"], row["period_start"]): (row["actual"], row["previous"])
            for row in build(name).rows("kpi_history")
        }

    legacy, latest = history("example_project"), history("latest_spec_example")
    assert len(latest) == 13 * len(EXAMPLE_STATUSES)
    assert latest == {period: (close_to(actual), close_to(previous)) for period, (actual, previous) in legacy.items()}


def test_every_row_is_judged_as_of_the_var(build) -> None:
    rows = build("kpi_project").rows("kpi_status")
    assert {row["as_of"] for row in rows} == {date(2024, 6, 10)}


def test_kpi_history_holds_thirteen_complete_periods_per_kpi(build) -> None:
    history = build("kpi_project").rows("kpi_history")
    periods = defaultdict(list)
    for row in history:
        periods[row["metric_name"]].append((row["periods_ago"], row["period_start"]))
    assert {metric: len(found) for metric, found in periods.items()} == dict.fromkeys(FIXTURE_STATUSES, 13)
    assert sorted(periods["revenue"])[:3] == [(0, date(2024, 5, 1)), (1, date(2024, 4, 1)), (2, date(2024, 3, 1))]
    assert sorted(periods["returned_orders"])[0] == (0, date(2024, 6, 3))  # the Monday week before 2024-06-10


@pytest.mark.parametrize(
    ("name", "engine"),
    [
        ("kpi_project", "duckdb"),
        ("kpi_project", "postgres"),
        ("example_project", "duckdb"),
        ("example_project", "postgres"),
        ("latest_spec_example", "duckdb"),  # dbt 1.12 and its mf
    ],
)
def test_actual_and_previous_of_every_period_equal_mf_query(build, name: str, engine: str) -> None:
    project = build(name, engine)
    history = project.rows("kpi_history")
    by_grain = defaultdict(set)
    for row in history:
        by_grain[row["grain"]].add(row["metric_name"])
    reference = {}
    for grain, metrics in by_grain.items():
        reference.update({(metric, grain, period): value for (metric, period), value in project.mf_values(metrics, grain).items()})
    compared = 0
    for row in history:
        for column, period in (("actual", row["period_start"]), ("previous", row["previous_period_start"])):
            expected = reference.get((row["metric_name"], row["grain"], period))
            assert row[column] == close_to(expected), (
                row["metric_name"], column, period
            )
            compared += expected is not None
    assert compared >= len(history) / 2  # most periods hold data: the comparison is not of nothing


def test_kpi_status_is_the_last_complete_period_of_kpi_history(build) -> None:
    project = build("kpi_project")
    latest = {row["metric_name"]: row for row in project.rows("kpi_history") if row["periods_ago"] == 0}
    for metric, row in by_metric(project).items():
        assert {column: value for column, value in row.items()} == {
            column: value for column, value in latest[metric].items() if column != "periods_ago"
        }


def test_text_from_yaml_lands_verbatim_never_as_jinja_or_sql(build) -> None:
    rows = by_metric(build("kpi_project"))
    assert (rows["completed_revenue"]["label"], rows["revenue"]["owner"], rows["revenue"]["label"]) == (
        HOSTILE_LABEL,
        HOSTILE_OWNER,
        'Revenue "net" \\ 100%',
    )


@pytest.mark.parametrize("name", EXAMPLE_PROJECTS)
def test_lint_codes_are_those_check_reports(build, name: str) -> None:
    rows = by_metric(build(name))
    assert {metric: row["lint_codes"] for metric, row in rows.items() if row["lint_codes"]} == {
        "avg_order_value": "KPI001",
        "avg_resolution_hours": "KPI006",
        "new_customers": "KPI004",
        "refund_rate": "KPI003,KPI007",
        "total_customers": "VAN001",
        "website_sessions": "KPI002",
    }


def test_a_var_target_is_read_when_dbt_builds(build) -> None:
    project = build("example_project")
    project.dbt("run", "-s", "kpi_history", "kpi_status", "--vars", "{kpi_as_of: 2026-06-15, revenue_target: 270000}")
    revenue = by_metric(project)["revenue"]
    project.dbt("run", "-s", "kpi_history", "kpi_status", "--vars", f"{{kpi_as_of: {AS_OF['example_project']}}}")
    assert (revenue["target"], revenue["status"]) == (270000.0, "on_track")


@pytest.mark.parametrize("name", ["kpi_project", "example_project"])
def test_duckdb_and_postgres_build_the_same_tables_row_for_row(build, name: str) -> None:
    def comparable(engine: str) -> list[tuple[object, ...]]:
        rows = build(name, engine).rows("kpi_history")
        return sorted(
            tuple(round(value, 9) if isinstance(value, float) else value for key, value in row.items() if key != "built_at")
            for row in rows
        )

    duckdb_rows, postgres_rows = comparable("duckdb"), comparable("postgres")
    assert len(duckdb_rows) == 13 * len(FIXTURE_STATUSES if name == "kpi_project" else EXAMPLE_STATUSES)
    assert postgres_rows == duckdb_rows


def targets_of(project: BuiltProject, metric: str) -> list[tuple[int, date, float | None, str | None, str]]:
    rows = [row for row in project.rows("kpi_history") if row["metric_name"] == metric and row["periods_ago"] < 6]
    return sorted(
        (row["periods_ago"], row["period_start"], row["target"], row["target_source"], row["status"]) for row in rows
    )


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_each_period_is_judged_against_the_target_that_held_for_it(build, engine: str) -> None:
    """Dated targets in meta, none before the first; the targets seed wins for the periods it holds."""
    assert targets_of(build("kpi_project", engine), "completed_revenue") == [
        (0, date(2024, 5, 1), 3500.0, "model kpi_targets", "at_risk"),
        (1, date(2024, 4, 1), 2500.0, "meta from 2024-02-01", "on_track"),
        (2, date(2024, 3, 1), 2500.0, "meta from 2024-02-01", "on_track"),
        (3, date(2024, 2, 1), 2500.0, "meta from 2024-02-01", "on_track"),
        (4, date(2024, 1, 1), None, None, "no_target"),
        (5, date(2023, 12, 1), None, None, "no_target"),
    ]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_seed_target_overrides_a_plain_meta_target_for_its_period_only(build, engine: str) -> None:
    assert [(ago, target, source) for ago, _, target, source, _ in targets_of(build("kpi_project", engine), "avg_order_value")][:3] == [
        (0, 120.0, "meta"),
        (1, 100.0, "model kpi_targets"),
        (2, 120.0, "meta"),
    ]


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_a_target_of_zero_on_a_decrease_kpi_is_judged_and_has_no_attainment(build, engine: str) -> None:
    rows = [row for row in build("kpi_project", engine).rows("kpi_history") if row["metric_name"] == "returned_orders"]
    latest = next(row for row in rows if row["periods_ago"] == 0)
    assert (latest["actual"], latest["target"], latest["status"], latest["attainment"], latest["gap_to_target"]) == (
        5.0, 0.0, "off_track", None, 5.0,
    )
    assert [row["status"] for row in sorted(rows, key=lambda row: row["periods_ago"])][1:4] == [
        "on_track", "on_track", "no_data",  # 2 and 1 returns against a ceiling of 3; no return that week
    ]


# An unquoted 2024-02-30 never reaches the model: dbt's own YAML reading of --vars refuses it.
@pytest.mark.parametrize("written", ["June 15", "'2024-02-30'", "'2024-13-01'"])
def test_a_kpi_as_of_that_is_no_date_stops_compilation_naming_the_var_and_the_format(build, written: str) -> None:
    done = build("kpi_project").dbt("compile", "-s", "kpi_history", "--vars", f"{{kpi_as_of: {written}}}", check=False)
    assert done.returncode != 0
    assert "var kpi_as_of must be a date written YYYY-MM-DD between 1000-01-01 and 9998-12-31" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_quoted_iso_timestamp_as_of_is_its_day(build) -> None:
    project = build("kpi_project")
    project.dbt("run", "-s", "kpi_history", "kpi_status", "--vars", "{kpi_as_of: '2024-07-02T08:30:00Z'}")
    rows = by_metric(project)
    project.dbt("run", "-s", "kpi_history", "kpi_status", "--vars", f"{{kpi_as_of: {AS_OF['kpi_project']}}}")
    assert (rows["revenue"]["as_of"], rows["revenue"]["period_start"], rows["returned_orders"]["period_start"]) == (
        date(2024, 7, 2), date(2024, 6, 1), date(2024, 6, 24),
    )
