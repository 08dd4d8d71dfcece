"""Synthetic KPI history rows, as many KPIs as asked, for the scorecard's benchmark and its tests.

Deterministic: the same arguments give the same rows. The mix is what a large project shows:
monthly and weekly grains, increase and decrease KPIs, percentages and amounts with a unit,
targets that change during the history (dated targets), KPIs without a target, periods without
data, owners and objectives shared by a dozen KPIs each, lint codes on some, and a few long labels.
Statuses follow the generated model's rule (on the wrong side by at most the band: at risk).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

from dbt_kpi_lint.generate.sql_model import HISTORY_COLUMNS, NO_DATA_REASON, NO_TARGET_REASON
from dbt_kpi_lint.kpi.spec import UNJUDGEABLE
from dbt_kpi_lint.loading.generated_paths import HISTORY_MODEL
from dbt_kpi_lint.status.tables import KpiRow, KpiTables, tables_from_rows

AS_OF = date(2026, 6, 15)
BUILT_AT = datetime(2026, 6, 15, 6, 30)
OBJECTIVES = (
    "grow_revenue", "retain_customers", "fill_the_funnel", "responsive_support", "ship_reliably",
    "cut_costs", "expand_partners", "delight_users", "reduce_risk", "hire_well",
    "platform_health", "grow_mobile", "win_enterprise", "lower_churn", "faster_billing",
    "market_share", "data_quality", "security_posture",
)
TEAMS = ("finance", "growth", "support", "platform", "sales", "people", "mobile", "security", "billing")
_REASONS = {"no_target": NO_TARGET_REASON, "no_data": NO_DATA_REASON}
_DUCKDB_TYPES = {"text": "VARCHAR", "float": "DOUBLE", "date": "DATE", "int": "INTEGER", "timestamp": "TIMESTAMP"}


def synthetic_tables(kpis: int = 200, periods: int = 13, seed: int = 7) -> KpiTables:
    return tables_from_rows(asdict(row) for row in synthetic_rows(kpis, periods, seed))


def synthetic_rows(kpis: int = 200, periods: int = 13, seed: int = 7) -> list[KpiRow]:
    rng = random.Random(seed)
    rows: list[KpiRow] = []
    for index in range(kpis):
        rows.extend(_kpi_rows(index, periods, rng))
    return rows


def write_duckdb(rows: list[KpiRow], database: Path) -> Path:
    """A DuckDB file holding `kpi_history` with `rows`, typed as the generated model types it."""
    import duckdb

    # One bulk read of a JSON file: row-by-row inserts take DuckDB about 6 ms a row.
    lines = database.with_suffix(".jsonl")
    lines.write_text("".join(json.dumps(asdict(row), default=str) + "\n" for row in rows), encoding="utf-8")
    types = ", ".join(f"{name!r}: {_DUCKDB_TYPES[kind]!r}" for name, kind in HISTORY_COLUMNS)
    columns = ", ".join(name for name, _ in HISTORY_COLUMNS)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"create or replace table {HISTORY_MODEL} as select {columns} "
            f"from read_json(?, format = 'newline_delimited', columns = {{{types}}})",
            [str(lines)],
        )
    lines.unlink()
    return database


def _kpi_rows(index: int, periods: int, rng: random.Random) -> list[KpiRow]:
    grain = "week" if index % 5 == 4 else "month"
    direction = "decrease" if index % 4 == 3 else "increase"
    percent = index % 3 == 1
    scale = 1.0 if percent else rng.choice((40.0, 900.0, 25_000.0, 1_200_000.0))
    base = rng.uniform(0.2, 0.8) if percent else scale * rng.uniform(0.6, 1.4)
    has_target = index % 9 != 5
    vanity = index % 29 == 3  # an all-time total, which the lint (VAN001) says cannot be judged
    starts = _period_starts(grain, periods)
    team = TEAMS[index % len(TEAMS)]
    label = f"{team.capitalize()} KPI {index:03d}" + (" measured over the trailing thirty days, net of refunds" if index % 17 == 0 else "")
    values: list[float | None] = []
    for _ in starts:
        base *= 1 + rng.uniform(-0.08, 0.1)
        values.append(None if rng.random() < 0.04 else (min(base, 1.0) if percent else round(base, 2)))
    rows = []
    for periods_ago, (start, end) in enumerate(starts):
        actual = values[periods_ago]
        previous = values[periods_ago + 1] if periods_ago + 1 < len(values) else None
        target = _target(base, percent, periods_ago) if has_target else None
        status = "not_judged" if vanity else _status(actual, target, direction, 0.1)
        rows.append(
            KpiRow(
                metric_name=f"kpi_{index:03d}",
                label=label,
                owner=None if index % 23 == 11 else f"{team}-lead-{index % 3}@example.com",
                objective=None if index % 19 == 7 else OBJECTIVES[(index + index // len(OBJECTIVES)) % len(OBJECTIVES)],
                indicator="leading" if index % 2 else "lagging",
                direction=direction,
                grain=grain,
                number_format="percent" if percent else "number",
                unit=None if percent or index % 2 else "EUR",
                as_of=AS_OF,
                periods_ago=periods_ago,
                period_start=start,
                period_end=end,
                previous_period_start=starts[periods_ago + 1][0] if periods_ago + 1 < len(starts) else _before(grain, start),
                actual=actual,
                previous=previous,
                change=actual - previous if actual is not None and previous is not None else None,
                relative_change=(actual - previous) / abs(previous) if actual is not None and previous else None,
                target=target,
                target_source="meta" if target is not None else None,
                gap_to_target=actual - target if actual is not None and target is not None else None,
                at_risk_band=0.1,
                attainment=_attainment(actual, target, direction),
                status=status,
                status_reason=UNJUDGEABLE["VAN001"] if vanity else _REASONS.get(status),
                lint_codes="KPI006" if index % 19 == 7 else ("VAN001,KPI010" if vanity else ""),
                built_at=BUILT_AT,
                built_from=None,  # made up, from no project
            )
        )
    return rows


def _target(level: float, percent: bool, periods_ago: int) -> float:
    """A dated target: raised once, six periods ago."""
    target = level * (1.05 if periods_ago < 6 else 0.92)
    return min(target, 1.0) if percent else float(round(target))


def _period_starts(grain: str, periods: int) -> list[tuple[date, date]]:
    """The last `periods` complete periods before AS_OF, newest first: (start, end exclusive)."""
    if grain == "week":
        end = AS_OF - timedelta(days=AS_OF.weekday())
        return [(end - timedelta(weeks=n + 1), end - timedelta(weeks=n)) for n in range(periods)]
    found, end = [], AS_OF.replace(day=1)
    for _ in range(periods):
        start = _before("month", end)
        found.append((start, end))
        end = start
    return found


def _before(grain: str, start: date) -> date:
    if grain == "week":
        return start - timedelta(weeks=1)
    return (start - timedelta(days=1)).replace(day=1)


def _shortfall(actual: float, target: float, direction: str) -> float:
    return target - actual if direction == "increase" else actual - target


def _attainment(actual: float | None, target: float | None, direction: str) -> float | None:
    if actual is None or not target:
        return None
    return 1 - _shortfall(actual, target, direction) / abs(target)


def _status(actual: float | None, target: float | None, direction: str, band: float) -> str:
    if target is None:
        return "no_target"
    if actual is None:
        return "no_data"
    shortfall = _shortfall(actual, target, direction)
    if shortfall <= 0:
        return "on_track"
    return "at_risk" if shortfall <= band * abs(target) else "off_track"
