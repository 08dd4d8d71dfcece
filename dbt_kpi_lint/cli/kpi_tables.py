"""What `status` and `report` share: where the built KPI tables are read from, and whether they are stale.

A DuckDB file is read directly; without one, dbt itself reads the tables on the project's target
(`--target`, `--profiles-dir`), so any warehouse dbt reaches works. Either way, a project found
around the working directory (or `--project`) is compared with the tables' build time.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from ..status.tables import KpiTables, TableError, read_duckdb, read_through_dbt
from .common import UsageError, targets

DATABASE_HELP = "a DuckDB file dbt built into (default: read through dbt on the project's target)"


def add_warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say which dbt project, target and profiles dbt reads the tables with."""
    parser.add_argument("--project", type=Path, help="the dbt project (default: around the working directory)")
    parser.add_argument("--target", help="the dbt target to read through dbt (default: the profile's)")
    parser.add_argument("--profiles-dir", type=Path, help="where dbt finds profiles.yml, as `dbt --profiles-dir`")


def load_tables(args: argparse.Namespace) -> KpiTables:
    """The tables `args.database` (a DuckDB file) or dbt on the project's target holds; warns on stderr
    when the project's YAML changed after they were built."""
    project_root = _project_root(args.project, required=args.database is None)
    tables = _read_tables(args.database, project_root, args.target, args.profiles_dir)
    if project_root is not None:
        warning = staleness_warning(tables, project_root)
        if warning:
            print(f"dbt-kpi-lint: warning: {warning}", file=sys.stderr)
    return tables


def _read_tables(
    database: Path | None, project_root: Path | None, target: str | None, profiles_dir: Path | None
) -> KpiTables:
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
