"""Print the kpi_status table a `dbt build` wrote to DuckDB, for people at a terminal."""

from __future__ import annotations

from pathlib import Path

_COLUMNS = ("metric_name", "period_start", "actual", "target", "direction", "attainment", "status", "owner", "lint_codes")


class StatusTableError(Exception):
    """The database or its status table cannot be read."""


def status_table(database: Path, table: str = "kpi_status") -> str:
    import duckdb

    if not database.is_file():
        raise StatusTableError(f"{database}: no such DuckDB file; run `dbt build` first")
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            relation = connection.table(table).select(*_COLUMNS).order("status, metric_name")
            rows = relation.fetchall()
    except duckdb.Error as error:
        raise StatusTableError(f"{database}: cannot read table {table}: {str(error).splitlines()[0]}") from None
    cells = [list(_COLUMNS)] + [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[index]) for row in cells) for index in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)
