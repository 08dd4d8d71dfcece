"""What `status` and `report` share: where the built KPI tables are read from, and whether they are stale.

A DuckDB file is read directly; without one, dbt itself reads the tables on the project's target
(`--target`, `--profiles-dir`), so any warehouse dbt reaches works. Either way, a project found
around the working directory (or `--project`) is compared with what the tables were built from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..generate.model_files import current_fingerprint
from ..kpi.generated_fingerprint import parsed_fingerprint
from ..loading.dbt_project import ProjectError
from ..loading.yaml_loader import load_project
from ..status.tables import KpiTables, TableError, read_duckdb, read_through_dbt
from .common import UsageError, configured_settings, display_prefix, targets

DATABASE_HELP = "a DuckDB file dbt built into (default: read through dbt on the project's target)"


def add_warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say which dbt project, target and profiles dbt reads the tables with."""
    parser.add_argument("--project", type=Path, help="the dbt project (default: around the working directory)")
    parser.add_argument("--target", help="the dbt target to read through dbt (default: the profile's)")
    parser.add_argument("--profiles-dir", type=Path, help="where dbt finds profiles.yml, as `dbt --profiles-dir`")


def load_tables(args: argparse.Namespace) -> KpiTables:
    """The tables `args.database` (a DuckDB file) or dbt on the project's target holds; warns on stderr
    when the project's YAML no longer says what they were built from."""
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
    """When the project's YAML no longer says what the tables were built from: the definitions'
    fingerprint each row records against today's, so a checkout that rewrites files without
    changing them is no change, and an edit is one whatever the file times say."""
    built_from = parsed_fingerprint(tables.built_from or "")
    if built_from is None:  # no rows: nothing was built from anything
        return None
    cannot_tell = "cannot tell whether the KPI tables match the project's YAML"
    try:
        project = load_project(project_root)
    except ProjectError as error:
        return f"{cannot_tell}: {error}"
    if project.problems:
        return f"{cannot_tell}: {display_prefix(project_root)}{project.problems[0].location} cannot be read"
    changes = current_fingerprint(project, configured_settings(None, project_root)).of_rows().changes_from(built_from)
    if not changes:
        return None
    return (
        f"the KPI tables were built from other definitions than the project's YAML holds now ({', '.join(changes)} "
        f"changed): run `dbt-kpi-lint generate` and `dbt build` for current numbers"
    )


def _project_root(path: Path | None, required: bool) -> Path | None:
    try:
        found = targets([path] if path else [])
    except UsageError:
        if required:
            raise
        return None
    return found[0].root if found else None
