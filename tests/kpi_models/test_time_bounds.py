"""What each KPI's query in kpi_history reads: the days its shown periods need, as dbt computes them
from `kpi_as_of` at compile time.

The bounds' arithmetic is checked here without a warehouse: their Jinja against their Python twin,
and, for every dialect the generator writes, each read of a dbt model in the compiled SQL (parsed by
sqlglot) under a date-range predicate. The values are checked on built tables in
test_time_bounded_values.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlglot
from built_projects import FIXTURE_PROJECT, PROJECTS, copy_project, generate
from model_templates import compile_model
from sqlglot import exp

from dbt_kpi_lint.generate.dialects import DIALECTS, dialect_named
from dbt_kpi_lint.generate.periods import periods_prelude
from dbt_kpi_lint.generate.time_bounds import (
    DayBound,
    Range,
    Reach,
    bound_every_read,
    bound_for,
    end_of,
    metric_reach,
    sentinels,
    start_of,
)
from dbt_kpi_lint.kpi.calendar import last_complete_period, shifted

GRAINS = ("day", "week", "month", "quarter", "year")
# As-of days around the turns of weeks, months, quarters and years, a leap day among them.
AS_OF_DAYS = [date(2024, 1, 1), date(2024, 1, 3), date(2024, 2, 29), date(2024, 3, 1), date(2024, 7, 1),
              date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 8), date(2025, 3, 31), date(2026, 6, 15)]


def shown_range(grain: str, as_of: date, periods: int = 13) -> Range:
    """The first day of the period before the oldest of `periods` shown, and the last of the newest."""
    newest_start, newest_end = last_complete_period(as_of, grain)
    oldest = shifted(newest_start, grain, -periods)
    return Range(oldest, newest_end)


@pytest.mark.parametrize(
    ("grain", "widen", "expected"),
    [
        ("month", lambda day: day - timedelta(days=7), DayBound("first", days=-7)),  # a 7-day window
        ("month", lambda day: date(day.year, day.month - 1, 1) if day.month > 1 else date(day.year - 1, 12, 1),
         DayBound("first", months=-1)),  # an offset of a month
        ("week", lambda day: start_of("month", day), DayBound("first", start_of="month")),  # grain-to-date month
        ("quarter", lambda day: date(day.year - 1, day.month, 1), DayBound("first", months=-12)),  # a year before
        ("year", lambda day: date(day.year - 1, 1, 1), DayBound("first", months=-12)),
        ("month", lambda day: day, DayBound("first")),
    ],
)
def test_a_widened_date_is_matched_to_the_shift_of_the_first_day_that_gives_it(grain, widen, expected) -> None:
    ranges = sentinels(grain)
    assert bound_for([widen(shown.first) for shown in ranges], ranges) == expected


def test_the_first_day_metricflow_calls_all_of_time_is_no_lower_bound() -> None:
    assert bound_for([date(2000, 1, 1)] * 3, sentinels("month")) == DayBound("always")


@pytest.mark.parametrize("grain", GRAINS)
def test_sentinel_ranges_start_and_end_on_period_turns_of_their_grain(grain: str) -> None:
    for shown in sentinels(grain):
        assert (start_of(grain, shown.first), end_of(grain, shown.last)) == (shown.first, shown.last)


BOUNDS = [
    DayBound("first"),
    DayBound("first", days=-7),
    DayBound("first", months=-1),
    DayBound("first", months=-3),
    DayBound("first", start_of="month"),
    DayBound("first", days=-7, months=-1, start_of="quarter"),
    DayBound("last"),
    DayBound("last", days=30),
    DayBound("last", months=1),
    DayBound("always"),
]


@pytest.mark.parametrize("grain", GRAINS)
@pytest.mark.parametrize("as_of", AS_OF_DAYS, ids=str)
def test_the_jinja_of_each_bound_gives_the_day_its_python_twin_computes(grain: str, as_of: date) -> None:
    template = periods_prelude([grain], 14) + "|".join(f"{{{{ {bound.jinja(grain)} }}}}" for bound in BOUNDS)
    compiled = compile_model(template, "duckdb", {"kpi_as_of": as_of.isoformat()}).strip()
    assert compiled.split("|") == [bound.day(shown_range(grain, as_of)).isoformat() for bound in BOUNDS]


def test_a_last_day_bound_reads_through_the_whole_last_day() -> None:
    """A column finer than a day (hours) compared with the day after: no hour of the last day is lost."""
    shown = Range(date(2024, 5, 1), date(2024, 5, 31))
    assert (DayBound("last").on(shown), DayBound("last").day(shown)) == (date(2024, 5, 31), date(2024, 6, 1))


def test_a_metric_reaches_back_by_its_window_and_its_inputs_offsets_summed() -> None:
    document = {"metrics": [
        {"name": "revenue", "type": "simple", "type_params": {}},
        {"name": "revenue_7d", "type": "cumulative",
         "type_params": {"cumulative_type_params": {"window": {"count": 7, "granularity": "day"}}}},
        {"name": "growth", "type": "derived", "type_params": {"metrics": [
            {"name": "revenue_7d", "offset_window": {"count": 1, "granularity": "quarter"}},
            {"name": "revenue", "offset_to_grain": "month"},
        ]}},
    ]}
    assert metric_reach(document, "growth") == Reach(days=7, months=3, start_of="month")


def test_a_conversion_metric_reads_its_window_past_the_last_day() -> None:
    document = {"metrics": [{"name": "converted", "type": "conversion", "type_params": {
        "conversion_type_params": {"window": {"count": 30, "granularity": "day"}}}}]}
    assert metric_reach(document, "converted").bounds() == (DayBound("first"), DayBound("last", days=30))


def test_an_all_time_cumulative_input_makes_the_read_start_at_the_first_day_of_history() -> None:
    document = {"metrics": [{"name": "ever", "type": "cumulative", "type_params": {}}]}
    assert metric_reach(document, "ever").bounds()[0] == DayBound("always")


def test_a_read_metricflow_left_whole_gets_the_predicate_on_its_day_and_a_dimension_read_stays_whole() -> None:
    sql = (
        "WITH sma AS (\n"
        "  SELECT\n"
        "    DATE_TRUNC('day', ordered_on) AS metric_time__day\n"
        "    , amount AS __revenue\n"
        "  FROM s.__ref_0000__ orders_src\n"
        ")\n"
        "SELECT\n"
        "  customer_id AS customer\n"
        "FROM s.__ref_0001__ customers_src\n"
    )
    bounded = bound_every_read(sql, lambda relation: relation.startswith("s."), DayBound("first"), DayBound("last"))
    assert bounded == sql.replace(
        "  FROM s.__ref_0000__ orders_src\n",
        "  FROM s.__ref_0000__ orders_src\n"
        "  WHERE DATE_TRUNC('day', ordered_on) BETWEEN '__kpi_day_first_0d_0m_none__' AND '__kpi_day_last_0d_0m_none__'\n",
    )


@pytest.fixture(scope="module", params=["example_project", "kpi_project", "time_edges"])
def every_dialect(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = PROJECTS[request.param](tmp_path_factory.mktemp("bounds") / request.param)
    assert generate(root, "--dialect", ",".join(DIALECTS), "--force") == 0
    return root


def unbounded_reads(compiled: str, adapter_type: str) -> list[str]:
    """`<cte>: <model>` for each read of a dbt model inside a KPI's query with no BETWEEN of two
    date literals in the WHERE of the SELECT that reads it."""
    found = []
    for cte in sqlglot.parse_one(compiled, read=dialect_named(adapter_type).sqlglot_dialect).find_all(exp.CTE):
        if not cte.alias.startswith("metric_values_"):
            continue
        for table in cte.find_all(exp.Table):
            if table.db != "analytics":
                continue
            where = table.find_ancestor(exp.Select).args.get("where")
            ranges = list(where.find_all(exp.Between)) if where is not None else []
            if not any(_is_date(between.args["low"]) and _is_date(between.args["high"]) for between in ranges):
                found.append(f"{cte.alias}: {table.name}")
    return found


def _is_date(node: exp.Expression) -> bool:
    literal = node if isinstance(node, exp.Literal) else node.find(exp.Literal)
    if literal is None or not literal.is_string:
        return False
    try:
        date.fromisoformat(literal.this[:10])
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("adapter_type", sorted(DIALECTS))
def test_every_read_of_a_model_in_every_kpi_query_sits_under_a_date_range(every_dialect: Path, adapter_type) -> None:
    compiled = compile_model((every_dialect / "models" / "kpi_history.sql").read_text(), adapter_type,
                             {"kpi_as_of": "2024-06-10", "revenue_target": 1})
    reads = sqlglot.parse_one(compiled, read=dialect_named(adapter_type).sqlglot_dialect).find_all(exp.Table)
    assert sum(table.db == "analytics" for table in reads) >= 12
    assert unbounded_reads(compiled, adapter_type) == []


def test_the_bounds_follow_kpi_as_of_when_dbt_compiles_the_same_file(tmp_path: Path) -> None:
    root = copy_project(FIXTURE_PROJECT, tmp_path / "project")
    generate(root, "--dialect", "duckdb", "--force")
    text = (root / "models" / "kpi_history.sql").read_text()
    may, july = (compile_model(text, "duckdb", {"kpi_as_of": as_of}) for as_of in ("2024-06-10", "2024-08-01"))
    assert "BETWEEN '2023-04-01' AND '2024-06-01'" in may  # 13 months to May 2024 and the March before
    assert "BETWEEN '2023-06-01' AND '2024-08-01'" in july
