"""`dbt-kpi-lint generate`: write the kpi_history and kpi_status models into a project.

The fingerprint check comes first and needs no MetricFlow, so the pre-commit hook answers in a
fraction of a second when nothing changed. Exit 0 when the files are up to date or were written,
so that `dbt-kpi-lint generate && dbt build` builds; 1 with `--check` when they are stale, and
with `--exit-non-zero-on-write` (as ruff's `--exit-non-zero-on-fix`) when a file was written.
The pre-commit hook passes that flag: pre-commit fails a hook that modified tracked files, but
does not see files it created, as the first `generate` of a project does.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config.settings import Settings
from ..files import write_atomically
from ..generate.dialects import (
    DEFAULT_DIALECT,
    DIALECTS,
    Dialect,
    UnsupportedDialectError,
    dialect_named,
)
from ..generate.inputs import inputs_digest
from ..generate.metricflow_sql import MetricFlowError
from ..generate.model_files import current_fingerprint, generate, models_without_a_file, unchanged_since_generated
from ..generate.profile import profile_adapter
from ..kpi.generated_fingerprint import recorded_fingerprint, stale_reasons
from ..kpi.semantic_manifest import NeedsDbtParse, Relations, semantic_manifest
from ..loading.dbt_project import read_dbt_project
from ..loading.generated_paths import GeneratedPaths
from ..loading.yaml_loader import load_project
from ..model import Project
from .check import parse_vars
from .common import EXIT_FINDINGS, EXIT_OK, UsageError, configured_settings, every_file_read, one_project

_UP_TO_DATE = "kpi_history and kpi_status are up to date"


def add_parser(commands: Any) -> None:
    generate = commands.add_parser(
        "generate",
        help="write the kpi_history and kpi_status dbt models (with --check: exit 1 when they are stale)",
    )
    generate.add_argument("project", nargs="?", type=Path, help="the dbt project (default: around the working directory)")
    generate.add_argument("--check", action="store_true", help="only say whether the files are stale; write nothing")
    generate.add_argument(
        "--dialect",
        type=_dialects,
        help=f"comma-separated dbt adapter types to write SQL for ({', '.join(DIALECTS)}); default: the `dialects` "
        "setting, else those the file holds, else the profile's adapter, else duckdb",
    )
    generate.add_argument(
        "--from-manifest",
        action="store_true",
        help="read the semantic layer from dbt's target/semantic_manifest.json and manifest.json (after `dbt parse`) "
        "instead of the YAML: for Jinja beyond var(), env_var() and packages",
    )
    generate.add_argument("--force", action="store_true", help="regenerate even when the files are up to date")
    generate.add_argument(
        "--exit-non-zero-on-write",
        action="store_true",
        help="exit 1 when a file was written or removed (for hooks: pre-commit does not see files it did not track)",
    )
    generate.add_argument("--config", type=Path, help="use this dbt-kpi-lint configuration file")
    generate.add_argument("--vars", type=parse_vars, default={}, help="YAML mapping of dbt vars, as `dbt --vars`")
    generate.set_defaults(run=run)


def _dialects(value: str) -> tuple[str, ...]:
    names = tuple(name.strip().lower() for name in value.split(",") if name.strip())
    try:
        return tuple(dict.fromkeys(dialect_named(name).adapter_type for name in names))
    except UnsupportedDialectError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    root = one_project(args.project)
    dbt_project = read_dbt_project(root)
    settings = configured_settings(args.config, root)
    if args.dialect:
        settings = replace(settings, dialects=args.dialect)
    # Taken before loading: bytes changed meanwhile make the next check look closer, never pass it.
    inputs = inputs_digest(dbt_project, settings, args.vars)
    if not args.force and unchanged_since_generated(dbt_project, inputs):
        print(_UP_TO_DATE)
        return EXIT_OK
    project = every_file_read(load_project(root, cli_vars=args.vars), "generate")
    reasons = stale_reasons(project, current_fingerprint(project, settings))
    if not reasons and not args.force:
        print(_UP_TO_DATE)
        return EXIT_OK
    if args.check:
        for reason in reasons:
            print(f"stale: {reason}: run `dbt-kpi-lint generate`")
        return EXIT_FINDINGS
    dialects = [dialect_named(name) for name in _chosen_dialects(project, settings, root, dbt_project.profile)]
    files = _generated(args, project, settings, dialects, root, inputs)
    changed = {path: text for path, text in files.items() if project.generated_files.get(path) != text}
    for path, text in changed.items():
        if text is None:
            (root / path).unlink(missing_ok=True)
            print(f"removed {path}")
        else:
            write_atomically(root / path, text)
            print(f"wrote {path}")
    return EXIT_FINDINGS if changed and args.exit_non_zero_on_write else EXIT_OK


def _chosen_dialects(project: Project, settings: Settings, root: Path, profile: str | None) -> tuple[str, ...]:
    if settings.dialects:
        return settings.dialects
    history = project.generated_files.get(GeneratedPaths.of(project.model_paths).history_sql)
    recorded = recorded_fingerprint(history) if history else None
    if recorded and isinstance(recorded.get("dialects"), str):
        return tuple(name for name in recorded["dialects"].split(",") if name in DIALECTS)
    adapter = profile_adapter(root, profile)
    if adapter is None:
        return (DEFAULT_DIALECT,)
    if adapter not in DIALECTS:
        # DuckDB's SQL would only fail later, at `dbt build`, far from the cause.
        raise UsageError(
            f"the dbt profile `{profile}` builds on adapter {adapter!r}, for which MetricFlow renders no SQL "
            f"(supported: {', '.join(DIALECTS)}): choose the dialects with `--dialect` or the `dialects` setting"
        )
    return (adapter,)


def _generated(
    args: argparse.Namespace,
    project: Project,
    settings: Settings,
    dialects: list[Dialect],
    root: Path,
    inputs: str,
) -> dict[str, str | None]:
    try:
        if args.from_manifest:
            from ..generate.from_manifest import read_manifest_sources

            sources = read_manifest_sources(root, project)
            return dict(
                generate(
                    project, settings, dialects, sources.document, sources.relations, "dbt's semantic manifest",
                    kpi_project=sources.project, inputs=inputs,
                )
            )
        relations = Relations()
        document = semantic_manifest(project, relations)
        missing = models_without_a_file(root, project.model_paths, relations.models)
        if missing:
            raise UsageError(
                f"the semantic layer reads {', '.join(f'`{model.name}`' for model in missing)}, which no model file "
                f"of the project or its installed packages defines: fix the `model: ref(...)` of its semantic model"
            )
        return dict(generate(project, settings, dialects, document, relations, "the project's YAML", inputs=inputs))
    except (NeedsDbtParse, MetricFlowError) as error:
        raise UsageError(str(error)) from None
