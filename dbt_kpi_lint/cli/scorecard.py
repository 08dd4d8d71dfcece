"""`dbt-kpi-lint report`: the scorecard, one self-contained HTML file of every KPI's card.

Reads the same tables as `status` (a DuckDB file with `--database`, or through dbt on the
project's target) and writes `--output` (default kpi_report.html). The report package, and with
it Jinja2, is imported only when this command runs: the lint path never loads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..loading.generated_paths import HISTORY_MODEL
from .common import EXIT_OK, UsageError, write_output
from .kpi_tables import DATABASE_HELP, add_warehouse_arguments, load_tables

DEFAULT_OUTPUT = Path("kpi_report.html")
# Repeated from report.cards.GROUPINGS, which argparse needs before the report may be imported.
GROUPINGS = ("objective", "owner")


def add_parser(commands: Any) -> None:
    report = commands.add_parser(
        "report", help="write the KPI scorecard, one self-contained HTML file, from the tables `dbt build` made"
    )
    report.add_argument("--database", type=Path, metavar="FILE", help=DATABASE_HELP)
    add_warehouse_arguments(report)
    report.add_argument("--group-by", choices=GROUPINGS, default="objective", help="how cards are grouped")
    report.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, metavar="FILE", help=f"where to write it (default: {DEFAULT_OUTPUT})"
    )
    report.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    tables = load_tables(args)
    if not tables.current:
        raise UsageError(
            f"{HISTORY_MODEL} holds no KPI: mark metrics with `kpi: true` in their meta, then "
            "`dbt-kpi-lint generate` and `dbt build`"
        )
    try:
        from ..report.cards import scorecard
        from ..report.page import render_page
    except ImportError as error:
        raise UsageError(f"the report needs Jinja2 ({error.name}): pip install 'dbt-kpi-lint[status]'") from None
    from ..rules import RULES

    summaries = {code: f"{code} {rule.name}: {rule.summary}" for code, rule in RULES.items()}
    write_output(render_page(scorecard(tables, args.group_by, summaries)), args.output)
    count = len(tables.current)
    print(f"dbt-kpi-lint: wrote {args.output} ({count} KPI{'s' if count != 1 else ''})", file=sys.stderr)
    return EXIT_OK
