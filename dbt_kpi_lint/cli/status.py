"""`dbt-kpi-lint status`: each KPI's last complete period against its target, from the built tables.

From a DuckDB file (`dbt-kpi-lint status kpi_demo.duckdb`), or through dbt on the project's
target, any warehouse (`dbt-kpi-lint status --target prod`). `--fail-on` turns a status into a
failing exit code, for alerting.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..status.tables import KpiTables, TableError, read_duckdb, read_through_dbt
from ..status.views import VIEWS
from .common import EXIT_FINDINGS, EXIT_OK, UsageError, targets, write_output

# `--fail-on at_risk` fails on at-risk and on anything worse.
_FAILING = {"off_track": ("off_track",), "at_risk": ("off_track", "at_risk")}


def add_parser(commands: Any) -> None:
    status = commands.add_parser(
        "status", help="print each KPI's status from the tables `dbt build` made (a DuckDB file, or any target via dbt)"
    )
    status.add_argument("database", nargs="?", type=Path, help="a DuckDB file dbt built into (default: read through dbt)")
    status.add_argument("--project", type=Path, help="the dbt project (default: around the working directory)")
    status.add_argument("--target", help="the dbt target to read through dbt (default: the profile's)")
    status.add_argument("--profiles-dir", type=Path, help="where dbt finds profiles.yml, as `dbt --profiles-dir`")
    status.add_argument("--format", choices=sorted(VIEWS), default="text")
    status.add_argument("--output", type=Path, help="write to this file instead of stdout")
    status.add_argument(
        "--fail-on",
        choices=sorted(_FAILING),
        help="exit 1 when a KPI is off track (or at risk or worse), for alerting",
    )
    status.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project_root = _project_root(args.project, required=args.database is None)
    tables = read_tables(args.database, project_root, args.target, args.profiles_dir)
    if project_root is not None:
        warning = staleness_warning(tables, project_root)
        if warning:
            print(f"dbt-kpi-lint: warning: {warning}", file=sys.stderr)
    write_output(VIEWS[args.format](tables), args.output)
    failing = _FAILING.get(args.fail_on or "", ())
    return EXIT_FINDINGS if any(row.status in failing for row in tables.current) else EXIT_OK


def read_tables(database: Path | None, project_root: Path | None, target: str | None, profiles_dir: Path | None) -> KpiTables:
    try:
        if database is not None:
            return read_duckdb(database)
        assert project_root is not None
        return read_through_dbt(project_root, target, profiles_dir)
    except TableError as error:
        raise UsageError(str(error)) from None


def staleness_warning(tables: KpiTables, project_root: Path) -> str | None:
    """When the tables were built before a YAML file of the project last changed."""
    built = tables.built_at
    if built is None:
        return None
    newest = max(
        (path for path in project_root.rglob("*.y*ml") if _is_source(path, project_root)),
        key=lambda path: path.stat().st_mtime,
        default=None,
    )
    if newest is None:
        return None
    changed = datetime.fromtimestamp(newest.stat().st_mtime, timezone.utc).replace(tzinfo=None)
    built_utc = built.astimezone(timezone.utc).replace(tzinfo=None) if built.tzinfo else built
    if changed <= built_utc:
        return None
    return (
        f"the KPI tables were built {built_utc:%Y-%m-%d %H:%M} UTC, before {newest.relative_to(project_root)} changed "
        f"({changed:%Y-%m-%d %H:%M} UTC): run `dbt-kpi-lint generate` and `dbt build` for current numbers"
    )


def _is_source(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part in ("target", "dbt_packages", "logs") or part.startswith(".") for part in parts)


def _project_root(path: Path | None, required: bool) -> Path | None:
    try:
        found = targets([path] if path else [])
    except UsageError:
        if required:
            raise
        return None
    return found[0].root if found else None

