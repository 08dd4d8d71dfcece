"""`dbt-kpi-lint certify METRIC --by NAME`: record that a KPI's current definition is certified."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any

from ..config.file import find_config, read_config, settings_from
from ..kpi import kpi_of
from ..loading.yaml_loader import load_project
from .check import parse_vars
from .common import EXIT_OK, UsageError, display_prefix, every_file_read, one_project


def add_parser(commands: Any) -> None:
    certify = commands.add_parser(
        "certify",
        help="certify a KPI: write who, when and the fingerprint of its definition into meta.kpi.certified",
    )
    certify.add_argument("metric", help="the KPI to certify")
    certify.add_argument(
        "project", nargs="?", type=Path, help="the dbt project (default: around the working directory)"
    )
    certify.add_argument("--by", required=True, help="who certifies it (a name or an email address)")
    certify.add_argument(
        "--on", type=_date, default=None, help="the date of the certification, YYYY-MM-DD (default: today)"
    )
    certify.add_argument("--config", type=Path, help="use this dbt-kpi-lint configuration file")
    certify.add_argument("--vars", type=parse_vars, default={}, help="YAML mapping of dbt vars, as `dbt --vars`")
    certify.set_defaults(run=run)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    from ..fix.certify import plan_certification
    from ..fix.document import CannotEdit, FixUnavailable
    from ..review.fingerprint import KpiFingerprints

    if not args.by.strip():
        raise UsageError("--by needs the name of who certifies the KPI")
    root = one_project(args.project)
    settings = settings_from(read_config(args.config) if args.config else find_config(root))
    project = every_file_read(load_project(root, cli_vars=args.vars), "certify")
    metric = project.metric(args.metric)
    if metric is None:
        raise UsageError(f"no metric `{args.metric}` in {root}")
    kpi = kpi_of(metric, project, settings.meta_keys)
    if kpi is None:
        flag = settings.meta_keys.kpi
        raise UsageError(f"`{metric.name}` is not a KPI: set `{flag}: true` in its `config.meta` first")
    fingerprint = KpiFingerprints(project, [metric.name]).of(kpi)
    assert fingerprint is not None  # YAML projects always hold their definitions
    try:
        edit = plan_certification(
            project, metric, settings.meta_keys, args.by.strip(), args.on or datetime.date.today(), str(fingerprint)
        )
        edit.write()
    except (CannotEdit, FixUnavailable) as error:
        raise UsageError(f"cannot certify `{metric.name}`: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot write {edit.path}: {error}") from None
    print(f"certified `{metric.name}` in {display_prefix(root)}{edit.path} ({fingerprint})")
    return EXIT_OK
