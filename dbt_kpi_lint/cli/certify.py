"""`dbt-kpi-lint certify METRIC --by NAME`: record that a KPI's current definition is certified."""

from __future__ import annotations

import argparse
import datetime
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..kpi.fields import kpi_of
from ..loading.yaml_loader import load_project
from ..model import Project, Severity
from .check import parse_vars
from .common import EXIT_OK, UsageError, configured_settings, display_prefix, every_file_read, one_project


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


# A certification vouches for what the KPI's definition says; these errors are not about that:
# KPI012 (the certification is void) is what certifying again resolves, and GEN001 (stale generated
# models) is the project's.
_NOT_ABOUT_THE_DEFINITION = ("KPI012", "GEN001")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    from ..fix.certify import plan_certification
    from ..fix.document import CannotEdit, FixUnavailable
    from ..kpi.definition_fingerprint import KpiFingerprints

    if not args.by.strip():
        raise UsageError("--by needs the name of who certifies the KPI")
    root = one_project(args.project)
    settings = configured_settings(args.config, root)
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
        _refuse_open_errors(project, settings, metric.name)
        edit.write()
    except (CannotEdit, FixUnavailable) as error:
        raise UsageError(f"cannot certify `{metric.name}`: {error}") from None
    except OSError as error:
        raise UsageError(f"cannot write {edit.path}: {error}") from None
    print(f"certified `{metric.name}` in {display_prefix(root)}{edit.path} ({fingerprint})")
    return EXIT_OK


def _refuse_open_errors(project: Project, settings: Settings, metric: str) -> None:
    """Refuse to certify while `check` reports errors on `metric` (suppressed ones aside)."""
    from ..lint.engine import lint

    settings = replace(settings, ignore=(*settings.ignore, *_NOT_ABOUT_THE_DEFINITION))
    codes = sorted(
        {finding.code for finding in lint(project, settings) if finding.metric == metric and finding.severity is Severity.ERROR}
    )
    if codes:
        raise UsageError(
            f"cannot certify `{metric}`: it has open errors ({', '.join(codes)}); fix them (`dbt-kpi-lint check` "
            f"shows where), or suppress one with a reason in `meta.{settings.meta_keys.lint}`, then certify"
        )
