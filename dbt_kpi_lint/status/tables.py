"""Read the tables the generated models built: from a DuckDB file, or through dbt on any warehouse.

What people look at (`status`, `report`) reads only these rows: the tables are the contract, so
the terminal and the scorecard show exactly what a BI tool querying them would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..loading.generated_paths import HISTORY_MODEL

# Worst first: what needs attention leads every view. A KPI nobody can judge is a problem to
# show, not a success: every such status comes before `on_track`.
STATUS_ORDER = ("off_track", "at_risk", "not_judged", "no_data", "no_target", "on_track")


class TableError(Exception):
    """The tables cannot be read (no file, no table, no warehouse); one line for the user."""


@dataclass(frozen=True)
class KpiRow:
    """One row of kpi_history (kpi_status rows are those with `periods_ago` 0)."""

    metric_name: str
    label: str | None
    owner: str | None
    objective: str | None
    indicator: str | None
    direction: str | None
    grain: str
    number_format: str
    unit: str | None
    as_of: date
    periods_ago: int
    period_start: date
    period_end: date
    previous_period_start: date
    actual: float | None
    previous: float | None
    change: float | None
    relative_change: float | None
    target: float | None
    target_source: str | None
    gap_to_target: float | None
    at_risk_band: float | None
    attainment: float | None
    status: str
    status_reason: str | None
    lint_codes: str | None
    built_at: datetime
    built_from: str | None

    @property
    def status_rank(self) -> int:
        return STATUS_ORDER.index(self.status) if self.status in STATUS_ORDER else len(STATUS_ORDER)

    @property
    def trend(self) -> str | None:
        """Whether the change from the previous period is for the better: `improving`, `worsening`,
        `unchanged`, or None without a change or a direction to tell it by."""
        if self.change is None or self.direction not in ("increase", "decrease"):
            return None
        if self.change == 0:
            return "unchanged"
        better = self.change > 0 if self.direction == "increase" else self.change < 0
        return "improving" if better else "worsening"


_COLUMNS = tuple(field.name for field in fields(KpiRow))
_FLOATS = {field.name for field in fields(KpiRow) if "float" in str(field.type)}


@dataclass(frozen=True)
class KpiTables:
    """Every KPI's history, newest period first; `current` is what kpi_status holds."""

    history: Mapping[str, Sequence[KpiRow]]

    @property
    def current(self) -> list[KpiRow]:
        """One row per KPI, worst status first, then by name."""
        latest = (rows[0] for rows in self.history.values() if rows)
        return sorted(latest, key=lambda row: (row.status_rank, row.metric_name))

    @property
    def built_at(self) -> datetime | None:
        return max((row.built_at for rows in self.history.values() for row in rows), default=None)

    @property
    def built_from(self) -> str | None:
        """The fingerprint of the definitions the tables were built from (one build: the same in every row)."""
        return next((rows[0].built_from for rows in self.history.values() if rows), None)


def tables_from_rows(rows: Iterable[Mapping[str, Any]]) -> KpiTables:
    history: dict[str, list[KpiRow]] = {}
    for values in rows:
        row = _row(values)
        history.setdefault(row.metric_name, []).append(row)
    return KpiTables({name: sorted(found, key=lambda row: row.periods_ago) for name, found in history.items()})


def read_duckdb(database: Path) -> KpiTables:
    """The tables in a DuckDB file dbt built (read-only: a running dbt keeps its lock)."""
    try:
        import duckdb
    except ImportError:
        raise TableError("reading a DuckDB file needs DuckDB: pip install 'dbt-kpi-lint[status]'") from None
    if not database.is_file():
        raise TableError(f"{database}: no such DuckDB file; run `dbt build` first")
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            relation = connection.sql(f"select {', '.join(_COLUMNS)} from {HISTORY_MODEL}")
            return tables_from_rows(dict(zip(_COLUMNS, row)) for row in relation.fetchall())
    except duckdb.Error as error:
        raise unreadable(str(database), _first_line(error)) from None


def unreadable(where: str, reason: str) -> TableError:
    """The tables are not there (or not as generated): the same words whichever way they were read."""
    return TableError(
        f"{where}: cannot read {HISTORY_MODEL} ({reason}); build it with `dbt-kpi-lint generate` and `dbt build`"
    )


def read_through_dbt(project_root: Path, target: str | None = None, profiles_dir: Path | None = None) -> KpiTables:
    """The tables on the project's target, through dbt itself (`dbt show`): any warehouse dbt reaches."""
    try:
        from dbt.cli.main import dbtRunner
    except ImportError:
        raise TableError("reading through dbt needs dbt-core and the project's adapter installed") from None
    arguments = [
        "show",
        "--inline",
        f"select {', '.join(_COLUMNS)} from {{{{ ref('{HISTORY_MODEL}') }}}}",
        "--limit",
        "-1",
        "--project-dir",
        str(project_root),
        "--quiet",
        "--log-level",
        "none",
    ]
    if profiles_dir is not None:
        arguments += ["--profiles-dir", str(profiles_dir)]
    if target is not None:
        arguments += ["--target", target]
    result = dbtRunner().invoke(arguments)
    if not result.success or result.result is None:
        error = result.exception
        if _close_pools_left_open(error):
            # Only running the query leaves a pool: the warehouse refused it. dbt's first line names
            # only the node ("Runtime Error in sql_operation inline_query"); the warehouse's is next.
            lines = [line.strip() for line in str(getattr(error, "msg", error)).splitlines() if line.strip()]
            where = f"target {target}" if target else "the project's target"
            raise unreadable(where, lines[1] if len(lines) > 1 else _first_line(error))
        reason = " ".join(str(error).split())[:300] if error else "see `dbt show` for dbt's own message"
        raise TableError(f"dbt could not read {HISTORY_MODEL} on the project's target: {reason}")
    executed: Any = result.result  # `dbt show` returns a RunExecutionResult
    table = executed.results[0].agate_table
    names = list(table.column_names)
    return tables_from_rows(dict(zip(names, row)) for row in table.rows)


def _close_pools_left_open(error: BaseException | None) -> bool:
    """Terminate the thread pool a failed `dbt show` leaves running; whether there was one.

    dbt (1.11) closes the pool of its task only when every node succeeded. Left running, the pool
    lives on in a reference cycle through the error's traceback until the interpreter exits, and
    its finalizer then writes to a pipe already closed: `Exception ignored in: <function
    Pool.__del__> ... OSError: [Errno 9] Bad file descriptor` after our one-line error. The
    traceback still reaches it here, in the frames that ran the nodes.
    """
    from multiprocessing.pool import Pool

    pools = []
    traceback = error.__traceback__ if error is not None else None
    while traceback is not None:
        pools += [value for value in traceback.tb_frame.f_locals.values() if isinstance(value, Pool)]
        traceback = traceback.tb_next
    for pool in pools:
        pool.terminate()
    return bool(pools)


def _row(values: Mapping[str, Any]) -> KpiRow:
    missing = [column for column in _COLUMNS if column not in values]
    if missing:
        raise TableError(f"{HISTORY_MODEL} lacks {', '.join(missing)}: regenerate it with `dbt-kpi-lint generate`")
    return KpiRow(**{column: _value(column, values[column]) for column in _COLUMNS})


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _FLOATS:
        number = float(value)
        return number if math.isfinite(number) else None
    if column == "periods_ago":
        return int(value)
    if column == "built_at" and not isinstance(value, datetime):
        return datetime.fromisoformat(str(value))
    if column in ("as_of", "period_start", "period_end", "previous_period_start"):
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if isinstance(value, Decimal):
        return float(value)
    return value


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

