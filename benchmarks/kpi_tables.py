"""What `kpi_history` costs to build on warehouse-sized data, by the length of history behind it.

    .venv/bin/python -m benchmarks.kpi_tables [--runs 3] [--workdir DIR] [--output FILE]

example_project is copied and built once with dbt (its seeds are small); then DuckDB itself
replaces its marts and its time spine with generated rows, the same volume per day at every
length of history (no seeds: 80 M rows take seconds, not hours). kpi_history's compiled query is
then timed in DuckDB, whole and per KPI (each KPI's MetricFlow query alone), for:

- 1.5 years and 24 years of history behind the same 13 months shown;
- 13 months against 52 weeks shown (every KPI's grain set to week), at 1.5 years;
- 12 KPIs against 50 (38 more KPIs on the same semantic models), at 1.5 years.

Not a test: nothing here runs under pytest, and no test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import yaml

from benchmarks.run import machine_facts

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROJECT = REPO_ROOT / "example_project"
BIN = Path(sys.executable).parent
AS_OF = "2026-06-15"
# The generated history ends with June 2026; the time spine runs to the end of example_project's.
LAST_DAY = "2026-06-30"
SPINE_END = "2027-12-31"
DAYS_PER_YEAR = 365.25
# Rows per day in each generated table: 5.06 M fact rows at 1.5 years, 81 M at 24.
ROWS_PER_DAY = {"fct_orders": 4600, "fct_trials": 2200, "fct_support_tickets": 1800, "fct_web_traffic": 600,
                "dim_customers": 55}
HISTORY_YEARS = (1.5, 24.0)
EXTRA_KPIS = 38


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    load_before = os.getloadavg()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dbt-kpi-lint-kpi-tables-"))
    scenarios = [
        Scenario("13 months, 12 KPIs", 1.5),
        Scenario("13 months, 12 KPIs", 24.0),
        Scenario("52 weeks, 12 KPIs", 1.5, week_grain=True),
        Scenario("13 months, 50 KPIs", 1.5, extra_kpis=EXTRA_KPIS),
    ]
    chosen = [scenario for scenario in scenarios if not args.only or scenario.key in args.only]
    results = [measure(scenario, workdir, args.runs, args.reuse_data) for scenario in chosen]
    report = _markdown(results, args.runs, machine_facts(load_before))
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([result.as_json() for result in results], indent=2), encoding="utf-8")
    return 0


@dataclass(frozen=True)
class Scenario:
    label: str
    years: float
    week_grain: bool = False
    extra_kpis: int = 0

    @property
    def key(self) -> str:
        return f"{self.years:g}y_{'week' if self.week_grain else 'month'}_{12 + self.extra_kpis}"


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    fact_rows: int
    generate_seconds: float  # DuckDB creating the tables
    history_seconds: float  # best of the runs: kpi_history's whole compiled query
    per_kpi_seconds: dict[str, float]  # best of the runs: each (metric, grain) query alone

    def as_json(self) -> dict[str, Any]:
        return {"scenario": self.scenario.label, "years": self.scenario.years, "fact_rows": self.fact_rows,
                "generate_seconds": self.generate_seconds, "history_seconds": self.history_seconds,
                "per_kpi_seconds": self.per_kpi_seconds}


def measure(scenario: Scenario, workdir: Path, runs: int, reuse: Path | None = None) -> Result:
    """The scenario's timings; `reuse`: the workdir of an earlier run whose generated rows are copied
    (the same rows, timed with this version's kpi_history)."""
    root = workdir / scenario.key
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EXAMPLE_PROJECT, root,
                    ignore=shutil.ignore_patterns("target", "logs", "*.duckdb", "*.duckdb.wal", ".user.yml"))
    if scenario.week_grain:
        _set_every_kpi_grain(root, "week")
        with (root / ".dbt-kpi-lint.toml").open("a") as config:
            config.write("history-periods = 52\n")
    if scenario.extra_kpis:
        _add_kpis(root, scenario.extra_kpis)
    _log(f"{scenario.label}, {scenario.years:g} years: generating and building the small project")
    subprocess.run([str(BIN / "dbt-kpi-lint"), "generate", "--force"], cwd=root, check=False, capture_output=True)
    database = root / "kpi_demo.duckdb"
    env = {**{key: value for key, value in os.environ.items() if not key.startswith("DBT_")},
           "DBT_PROFILES_DIR": str(root), "KPI_DEMO_DUCKDB": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    vars_ = "{kpi_as_of: " + AS_OF + "}"
    subprocess.run([str(BIN / "dbt"), "build", "--vars", vars_, "--quiet", "--exclude", "kpi_history", "kpi_status"],
                   cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "dbt"), "compile", "-s", "kpi_history", "--vars", vars_, "--quiet"], cwd=root, env=env,
                   check=True, capture_output=True)
    compiled = next((root / "target" / "compiled").rglob("kpi_history.sql")).read_text(encoding="utf-8")
    started = time.perf_counter()
    # The rows depend on the years only: any earlier scenario of as many years made the same.
    made_before = next(iter(sorted(reuse.glob(f"{scenario.years:g}y_*/{database.name}"))), None) if reuse else None
    if made_before is not None and made_before.exists():
        _log(f"  copying the {scenario.years:g} years of rows made by an earlier run")
        shutil.copyfile(made_before, database)
        fact_rows = warehouse_sized_data(database, scenario.years, count_only=True)
    else:
        _log(f"  replacing the marts with {scenario.years:g} years of generated rows")
        fact_rows = warehouse_sized_data(database, scenario.years)
    generated = time.perf_counter() - started
    _log(f"  {fact_rows:,} fact rows in {generated:.1f} s; timing kpi_history")
    history, per_kpi = time_history(database, compiled, runs)
    return Result(scenario, fact_rows, generated, history, per_kpi)


def warehouse_sized_data(database: Path, years: float, count_only: bool = False) -> int:
    """Replace example_project's marts and time spine by generated rows ending on LAST_DAY; the
    number of fact rows (the marts' rows) made."""
    import duckdb

    days = round(years * DAYS_PER_YEAR)
    with duckdb.connect(str(database)) as connection:
        if count_only:
            return sum(connection.execute(f"select count(*) from main.{table}").fetchone()[0] for table in ROWS_PER_DAY)
        connection.execute("set preserve_insertion_order = false")
        # hash() is a UBIGINT, which list indexes and most arithmetic refuse.
        connection.execute("create or replace temp macro pick(a, b) as cast(hash(a, b) % 1000000007 as bigint)")
        for table, sql in _TABLES.items():
            connection.execute(sql.format(days=days, last_day=LAST_DAY, spine_end=SPINE_END, **{
                f"per_day_{name}": count for name, count in ROWS_PER_DAY.items()}))
        return sum(connection.execute(f"select count(*) from main.{table}").fetchone()[0] for table in ROWS_PER_DAY)


# Pseudo-random but repeatable: every value is a hash of the row number. `day_index` 0 is the first
# day of history; a customer has orders in the year after it became one; one trial in 40 belongs to
# an account that becomes a customer that day (the conversion KPI has conversions to find).
_FIRST_DAY = "(date '{last_day}' - interval ({days} - 1) day)"
_TABLES = {
    "dim_customers": f"""
        create or replace table main.dim_customers as
        select
            i as customer_id,
            'company ' || i as company_name,
            ['software', 'retail', 'health', 'finance'][1 + pick(i, 'industry') % 4] as industry,
            ['emea', 'amer', 'apac'][1 + pick(i, 'region') % 3] as region,
            ['starter', 'growth', 'enterprise'][1 + pick(i, 'plan') % 3] as plan,
            ['monthly', 'annual'][1 + pick(i, 'billing') % 2] as billing_period,
            ['sales', 'partner', 'self_serve'][1 + pick(i, 'channel') % 3] as acquisition_channel,
            cast({_FIRST_DAY} + to_days(cast(i // {{per_day_dim_customers}} as integer)) as date) as became_customer_on,
            cast({_FIRST_DAY} + to_days(cast(i // {{per_day_dim_customers}} as integer)) as date) as first_invoiced_on,
            pick(i, 'channel') % 3 = 0 as is_sales_led
        from range({{days}} * {{per_day_dim_customers}}) as t(i)
    """,
    "fct_orders": f"""
        create or replace table main.fct_orders as
        with generated as (
            select
                i as order_id,
                i // {{per_day_fct_orders}} as day_index,
                greatest(0, (i // {{per_day_fct_orders}}) * {{per_day_dim_customers}}
                    - cast(pick(i, 'customer') % (365 * {{per_day_dim_customers}}) as bigint)) as customer_id,
                {_FIRST_DAY} + to_days(cast(i // {{per_day_fct_orders}} as integer))
                    + to_seconds(cast(pick(i, 'second') % 86400 as bigint)) as ordered_at,
                ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed',
                 'completed', 'refunded', 'cancelled'][1 + pick(i, 'status') % 10] as order_status,
                cast(50 + pick(i, 'amount') % 200000 / 100.0 as decimal(12, 2)) as amount
            from range({{days}} * {{per_day_fct_orders}}) as t(i)
        )
        select
            order_id,
            customer_id,
            ordered_at,
            cast(ordered_at as date) as ordered_on,
            ['starter', 'growth', 'enterprise'][1 + pick(order_id, 'plan') % 3] as plan,
            ['monthly', 'annual'][1 + pick(order_id, 'billing') % 2] as billing_period,
            order_status,
            pick(order_id, 'first') % 80 = 0 as is_first_invoice,
            amount as gross_amount,
            case when order_status = 'completed' then amount else 0 end as recognized_amount,
            case when order_status = 'refunded' then amount else 0 end as refunded_amount
        from generated
    """,
    "fct_trials": f"""
        create or replace table main.fct_trials as
        with generated as (
            select
                i as trial_id,
                i // {{per_day_fct_trials}} as day_index,
                {_FIRST_DAY} + to_days(cast(i // {{per_day_fct_trials}} as integer))
                    + to_seconds(cast(pick(i, 'second') % 86400 as bigint)) as started_at
            from range({{days}} * {{per_day_fct_trials}}) as t(i)
        )
        select
            trial_id,
            case when pick(trial_id, 'converts') % 40 = 0
                then day_index * {{per_day_dim_customers}} + cast(pick(trial_id, 'customer') %
                    {{per_day_dim_customers}} as bigint)
                else 1000000000000 + trial_id end as customer_id,
            started_at,
            cast(started_at as date) as trial_started_on,
            ['sales', 'partner', 'self_serve', 'paid_search'][1 + pick(trial_id, 'channel') % 4] as acquisition_channel,
            ['1-10', '11-50', '51-200', '200+'][1 + pick(trial_id, 'size') % 4] as company_size
        from generated
    """,
    "fct_support_tickets": f"""
        create or replace table main.fct_support_tickets as
        with generated as (
            select
                i as ticket_id,
                greatest(0, (i // {{per_day_fct_support_tickets}}) * {{per_day_dim_customers}}
                    - cast(pick(i, 'customer') % (365 * {{per_day_dim_customers}}) as bigint)) as customer_id,
                {_FIRST_DAY} + to_days(cast(i // {{per_day_fct_support_tickets}} as integer))
                    + to_seconds(cast(pick(i, 'second') % 86400 as bigint)) as opened_at,
                ['urgent', 'high', 'normal', 'low'][1 + pick(i, 'priority') % 4] as priority,
                [60, 240, 480, 1440][1 + pick(i, 'priority') % 4] as sla_minutes,
                pick(i, 'response') % 2000 / 1.0 as first_response_minutes,
                case when pick(i, 'resolved') % 10 < 8 then pick(i, 'hours') % 200000 / 1000.0 end as resolution_hours
            from range({{days}} * {{per_day_fct_support_tickets}}) as t(i)
        )
        select
            ticket_id,
            customer_id,
            opened_at,
            cast(opened_at as date) as opened_on,
            cast(opened_at + to_seconds(cast(coalesce(resolution_hours, 0) * 3600 as bigint)) as date) as resolved_on,
            priority,
            ['email', 'chat', 'phone'][1 + pick(ticket_id, 'channel') % 3] as channel,
            sla_minutes,
            first_response_minutes,
            first_response_minutes <= sla_minutes as met_first_response_sla,
            resolution_hours is not null as is_resolved,
            resolution_hours,
            case when pick(ticket_id, 'csat') % 3 = 0 then cast(1 + pick(ticket_id, 'score') % 5 as integer) end
                as csat_score
        from generated
    """,
    "fct_web_traffic": f"""
        create or replace table main.fct_web_traffic as
        with generated as (
            select
                cast({_FIRST_DAY} + to_days(cast(i // {{per_day_fct_web_traffic}} as integer)) as date) as session_date,
                case i % {{per_day_fct_web_traffic}} when 0 then 'paid_search' else 'channel_' ||
                    (i % {{per_day_fct_web_traffic}}) end as channel,
                cast(5 + pick(i, 'sessions') % 60 as integer) as sessions
            from range({{days}} * {{per_day_fct_web_traffic}}) as t(i)
        )
        select
            session_date || '-' || channel as traffic_day_id,
            session_date,
            channel,
            sessions,
            cast(sessions * (1 + pick(session_date, channel) % 4) as integer) as pageviews,
            cast(sessions * (pick(channel, session_date) % 60) / 100 as integer) as bounced_sessions
        from generated
    """,
    "metricflow_time_spine": f"""
        create or replace table main.metricflow_time_spine as
        select cast(day as date) as date_day
        from range({_FIRST_DAY}, date '{{spine_end}}' + interval 1 day, interval 1 day) as t(day)
    """,
}


def time_history(database: Path, compiled: str, runs: int) -> tuple[float, dict[str, float]]:
    """The best time of kpi_history's compiled query, and of each KPI's MetricFlow query in it."""
    import duckdb

    per_kpi = {f"{metric} by {grain}": sql for metric, grain, sql in metric_value_queries(compiled)}
    with duckdb.connect(str(database), read_only=True) as connection:
        history = _best_time(connection, compiled, runs)
        timed = {name: _best_time(connection, sql, runs) for name, sql in per_kpi.items()}
    return history, timed


def metric_value_queries(compiled: str) -> list[tuple[str, str, str]]:
    """(metric, grain, SQL) of each `metric_values_<n>` CTE of a compiled kpi_history."""
    import sqlglot

    statement = sqlglot.parse_one(compiled, read="duckdb")
    ctes = {cte.alias: cte for cte in statement.find_all(sqlglot.exp.CTE)}
    queries = []
    for name, cte in ctes.items():
        if name.startswith("metric_values_"):
            comment = re.search(r"MetricFlow's SQL for `([^`]+)` by (\w+)", cte.sql(dialect="duckdb", comments=True))
            metric, grain = comment.groups() if comment else (name, "?")
            # A running total reads the periods it sums up to.
            query = cte.this.copy().with_("kpi_periods", as_=ctes["kpi_periods"].this.copy())
            queries.append((metric, grain, query.sql(dialect="duckdb")))
    return queries


def _best_time(connection: Any, sql: str, runs: int) -> float:
    connection.execute(sql).fetchall()  # warm-up: the file's blocks in memory
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        connection.execute(sql).fetchall()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def _set_every_kpi_grain(root: Path, grain: str) -> None:
    for path in (root / "models" / "metrics").glob("*.yml"):
        document = yaml.safe_load(path.read_text())
        for metric in document.get("metrics", []):
            for meta in (metric.get("meta"), (metric.get("config") or {}).get("meta")):
                if isinstance(meta, dict) and meta.get("kpi"):
                    meta["grain"] = grain
        path.write_text(yaml.safe_dump(document, sort_keys=False))


# More KPIs of the kinds example_project has, on its five semantic models: (type_params, filter).
_EXTRA_KPI_SHAPES: list[tuple[dict[str, Any], str | None]] = [
    ({"measure": "recognized_revenue"}, "{{ Dimension('order__plan') }} = 'growth'"),
    ({"measure": "invoices"}, "{{ Dimension('order__billing_period') }} = 'annual'"),
    ({"measure": "trials_started"}, "{{ Dimension('trial__company_size') }} = '11-50'"),
    ({"measure": "tickets_opened"}, "{{ Dimension('ticket__priority') }} = 'high'"),
    ({"measure": "sessions"}, "{{ Dimension('traffic_day__channel') }} = 'channel_7'"),
    ({"measure": "customers_acquired"}, "{{ Dimension('customer__region') }} = 'emea'"),
    ({"numerator": "refunded_revenue", "denominator": "revenue"}, None),
    ({"measure": "trials_started", "cumulative_type_params": {"window": "7 days"}}, None),
]


def _add_kpis(root: Path, count: int) -> None:
    metrics = []
    for index in range(count):
        params, where = _EXTRA_KPI_SHAPES[index % len(_EXTRA_KPI_SHAPES)]
        kind = "ratio" if "numerator" in params else "cumulative" if "cumulative_type_params" in params else "simple"
        metric: dict[str, Any] = {"name": f"benchmark_kpi_{index:02d}", "label": f"Benchmark KPI {index}",
                                  "type": kind, "type_params": params}
        if where:
            metric["filter"] = where
        metric["config"] = {"meta": {"kpi": True, "owner": "benchmark@example.com", "target": 100 + index,
                                     "direction": "increase", "objective": "grow_revenue", "indicator": "leading"}}
        metrics.append(metric)
    (root / "models" / "metrics" / "benchmark_metrics.yml").write_text(yaml.safe_dump({"metrics": metrics},
                                                                                       sort_keys=False))


def _markdown(results: list[Result], runs: int, machine: list[str]) -> str:
    lines = [
        "| history | shown | KPIs | fact rows | rows made in s | kpi_history query s | sum of KPIs' queries s |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        scenario = result.scenario
        lines.append(
            f"| {scenario.years:g} years | {'52 weeks' if scenario.week_grain else '13 months'} | "
            f"{12 + scenario.extra_kpis} | {result.fact_rows:,} | {result.generate_seconds:.1f} | "
            f"{result.history_seconds:.3f} | {sum(result.per_kpi_seconds.values()):.3f} |"
        )
    by_years = {result.scenario.years: result for result in results if result.scenario.key.endswith("_month_12")}
    if set(HISTORY_YEARS) <= set(by_years):
        short, long = by_years[HISTORY_YEARS[0]], by_years[HISTORY_YEARS[1]]
        lines += ["", f"{HISTORY_YEARS[1]:g} years / {HISTORY_YEARS[0]:g} years: "
                      f"×{long.history_seconds / short.history_seconds:.2f} (target ≤ ×1.5).", "",
                  "| KPI query | " + " | ".join(f"{years:g} years s" for years in HISTORY_YEARS) + " |",
                  "|---|" + "---:|" * len(HISTORY_YEARS)]
        lines += [f"| {name} | {short.per_kpi_seconds[name]:.3f} | {long.per_kpi_seconds.get(name, float('nan')):.3f} |"
                  for name in short.per_kpi_seconds]
    lines += ["", f"Best of {runs} runs after a warm-up, DuckDB in-process on the file dbt built.", "", "Machine:", "",
              *[f"- {fact}" for fact in machine]]
    return "\n".join(lines) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON")
    parser.add_argument("--reuse-data", type=Path, help="the workdir of an earlier run: copy its rows, not make them")
    parser.add_argument("--only", nargs="*", help="scenario keys to run (e.g. 1.5y_month_12 24y_month_12)")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
