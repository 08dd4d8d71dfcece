"""`dbt-kpi-lint review --base REF`: what a change does to each KPI, for a pull request.

The work tree (uncommitted edits included) is compared with the merge base of REF and HEAD;
both are read by the YAML loader, no `dbt parse`. Exit 0, or with `--fail-on SEVERITY` 1 when a
reported change is that severe or worse (`--fail-on-meaning-change` is `--fail-on breaking`); 2
when the comparison cannot be made.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..findings import Finding
from ..lint.engine import lint
from ..loading.yaml_loader import load_project
from ..model import Project
from .check import parse_vars
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    configured_settings,
    display_prefix,
    every_file_read,
    one_project,
    write_output,
)

FORMAT_NAMES = ("text", "markdown", "json")
SEVERITY_NAMES = ("breaking", "risky", "info")  # as review/severity.py names them, which loads on use


def add_parser(commands: Any) -> None:
    review = commands.add_parser(
        "review",
        help="summarize what the changes since a git ref do to each KPI (for a pull request comment)",
    )
    review.add_argument("project", nargs="?", type=Path, help="the dbt project (default: around the working directory)")
    review.add_argument(
        "--base",
        required=True,
        metavar="REF",
        help="compare with the merge base of this git ref and HEAD, e.g. origin/main (the work tree is the other side)",
    )
    review.add_argument("--format", choices=FORMAT_NAMES, default="text")
    review.add_argument("--output", type=Path, help="write the review to this file instead of stdout")
    review.add_argument(
        "--fail-on",
        choices=SEVERITY_NAMES,
        help="exit 1 when a reported change is this severe or worse: breaking (a KPI's number changes meaning, "
        "loses an input, or the KPI is removed), risky (target, direction, owner, grain, rename, certification), "
        "info (anything reported)",
    )
    review.add_argument(
        "--fail-on-meaning-change",
        dest="fail_on",
        action="store_const",
        const="breaking",
        help="the same as `--fail-on breaking` (kept for existing CI jobs)",
    )
    review.add_argument(
        "--config", type=Path, help="use this dbt-kpi-lint configuration file (both sides are linted with it)"
    )
    review.add_argument("--vars", type=parse_vars, default={}, help="YAML mapping of dbt vars, as `dbt --vars`")
    review.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported on use: git, subprocess and the comparison are for this command only.
    from ..review.base import load_merge_base
    from ..review.compare import Side, UpstreamChange, review
    from ..review.formats import FORMATS
    from ..review.lineage import ModelFiles, changed_models
    from ..review.severity import graded, highest, reaches

    root = one_project(args.project)
    configured = configured_settings(args.config, root)
    settings = replace(configured, configured=configured)
    head = every_file_read(load_project(root, cli_vars=args.vars), "review")
    merge_base = load_merge_base(root, args.base, head, args.vars)
    if merge_base.project is None:
        nothing: dict[str, Any] = {"metrics": (), "semantic_models": (), "groups": {}, "noqa": {}, "problems": ()}
        base = replace(head, **nothing, files=(), disabled_metrics=())
        notes = [f"the merge base {merge_base.short} has no dbt project here: every KPI is new"]
    else:
        base = merge_base.project
        notes = _unreadable_at_base(base, merge_base.short)
    prefix = display_prefix(root)
    changed = changed_models(merge_base.changed, head.model_paths)
    model_files = ModelFiles.of(root, head.model_paths) if changed else None

    def upstream(model: str) -> list[UpstreamChange]:
        if model_files is None:
            return []
        return [UpstreamChange(name, prefix + changed[name]) for name in model_files.upstream(model) if name in changed]

    before, after = Side(base, _linted(base, settings, prefix)), Side(head, _linted(head, settings, prefix))
    result = review(args.base, merge_base.commit, before, after, settings.meta_keys, upstream, notes)
    for note in result.notes:
        print(f"dbt-kpi-lint: warning: {note}", file=sys.stderr)
    write_output(FORMATS[args.format](result), args.output)
    if args.fail_on is not None and reaches(highest(graded(result)), args.fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


def _unreadable_at_base(base: Project, short: str) -> list[str]:
    """A file the merge base cannot read makes its KPIs look new: say so (the work tree reads them all)."""
    return [
        f"at the merge base {short}, {problem.location} cannot be read ({problem.message}): what it defines "
        f"counts as absent before this change"
        for problem in base.problems
    ]


def _linted(project: Project, settings: Settings, prefix: str) -> list[Finding]:
    return [
        replace(finding, location=replace(finding.location, path=prefix + finding.location.path))
        for finding in lint(project, settings)
    ]
