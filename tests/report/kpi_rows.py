"""KPI table rows written out in tests: one KPI's history from a few values."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any, Sequence

from dbt_kpi_lint.status.tables import KpiRow, KpiTables, tables_from_rows

BUILT_AT = datetime(2026, 6, 15, 6, 30)

# Recognised revenue of example_project in May 2026 (its README's table), as kpi_history holds it.
REVENUE = KpiRow(
    metric_name="revenue",
    label="Recognised revenue",
    owner="cfo-office@example.com",
    objective="grow_revenue",
    indicator="lagging",
    direction="increase",
    grain="month",
    number_format="number",
    unit=None,
    as_of=date(2026, 6, 15),
    periods_ago=0,
    period_start=date(2026, 5, 1),
    period_end=date(2026, 6, 1),
    previous_period_start=date(2026, 4, 1),
    actual=276470.0,
    previous=242910.0,
    change=33560.0,
    relative_change=33560.0 / 242910.0,
    target=300000.0,
    target_source="meta",
    gap_to_target=-23530.0,
    at_risk_band=0.1,
    attainment=276470.0 / 300000.0,
    status="at_risk",
    status_reason=None,
    lint_codes="",
    built_at=BUILT_AT,
    built_from='{"definitions":"sha256:1","kpis":"sha256:2","lint_codes":"sha256:3","settings":"sha256:4"}',
)


def kpi(**fields: Any) -> KpiRow:
    """REVENUE's latest row with `fields` changed."""
    return replace(REVENUE, **fields)


def monthly_history(latest: KpiRow, actuals: Sequence[float | None], targets: Sequence[float | None]) -> list[KpiRow]:
    """`latest` over len(actuals) months ending in its period, oldest value first."""
    rows = []
    months = len(actuals)
    for offset, (actual, target) in enumerate(zip(actuals, targets)):
        periods_ago = months - 1 - offset
        month_index = latest.period_start.year * 12 + latest.period_start.month - 1 - periods_ago
        rows.append(
            replace(
                latest,
                periods_ago=periods_ago,
                period_start=date(month_index // 12, month_index % 12 + 1, 1),
                actual=actual,
                target=target,
            )
        )
    return rows


def tables(*rows: KpiRow) -> KpiTables:
    return tables_from_rows(asdict(row) for row in rows)
