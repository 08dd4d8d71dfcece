"""`dbt-kpi-lint status`: print the kpi_status table a `dbt build` wrote."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .common import EXIT_OK, UsageError


def add_parser(commands: Any) -> None:
    status = commands.add_parser("status", help="print the kpi_status table that `dbt build` made (DuckDB)")
    status.add_argument("database", type=Path, help="the DuckDB file dbt built into")
    status.add_argument("--table", default="kpi_status", help="the status table (default: kpi_status)")
    status.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..status.show import StatusTableError, status_table
    except ImportError:
        raise UsageError("the status table needs DuckDB: pip install 'dbt-kpi-lint[status]'") from None
    try:
        print(status_table(args.database, args.table), end="")
    except StatusTableError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK
