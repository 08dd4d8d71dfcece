"""`dbt-kpi-lint generate`: write the kpi_status model into a project, or say it is stale."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..files import write_atomically
from ..generate.status_model import expected_files
from ..loading.yaml_loader import load_project
from .common import EXIT_FINDINGS, EXIT_OK, one_project


def add_parser(commands: Any) -> None:
    generate = commands.add_parser(
        "generate",
        help="write the kpi_status dbt model (exit 1 when a file changed, as pre-commit expects)",
    )
    generate.add_argument("project", nargs="?", type=Path, help="the dbt project (default: around the working directory)")
    generate.add_argument("--check", action="store_true", help="only report stale files, write nothing")
    generate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = one_project(args.project)
    project = load_project(root)
    stale = {
        path: text for path, text in expected_files(project).items() if project.generated_files.get(path) != text
    }
    for path, text in stale.items():
        if args.check:
            print(f"{path} is out of date: run `dbt-kpi-lint generate`")
        else:
            write_atomically(root / path, text)
            print(f"wrote {path}")
    if not stale:
        print("kpi_status model is up to date")
    return EXIT_FINDINGS if stale else EXIT_OK
