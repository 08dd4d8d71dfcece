"""`dbt-kpi-lint status`: each KPI's last complete period against its target, from the built tables.

From a DuckDB file (`dbt-kpi-lint status kpi_demo.duckdb`), or through dbt on the project's
target, any warehouse (`dbt-kpi-lint status --target prod`). `--fail-on` turns a status into a
failing exit code, for alerting.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..status.views import VIEWS
from .common import EXIT_FINDINGS, EXIT_OK, write_output
from .kpi_tables import DATABASE_HELP, add_warehouse_arguments, load_tables

# `--fail-on at_risk` fails on at-risk and on anything worse.
_FAILING = {"off_track": ("off_track",), "at_risk": ("off_track", "at_risk")}


def add_parser(commands: Any) -> None:
    status = commands.add_parser(
        "status", help="print each KPI's status from the tables `dbt build` made (a DuckDB file, or any target via dbt)"
    )
    status.add_argument("database", nargs="?", type=Path, help=DATABASE_HELP)
    add_warehouse_arguments(status)
    status.add_argument("--format", choices=sorted(VIEWS), default="text")
    status.add_argument("--output", type=Path, help="write to this file instead of stdout")
    status.add_argument(
        "--fail-on",
        choices=sorted(_FAILING),
        help="exit 1 when a KPI is off track (or at risk or worse), for alerting",
    )
    status.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tables = load_tables(args)
    write_output(VIEWS[args.format](tables), args.output)
    failing = _FAILING.get(args.fail_on or "", ())
    return EXIT_FINDINGS if any(row.status in failing for row in tables.current) else EXIT_OK
