"""The staleness check's shortcut: one hash of the bytes a generated model's fingerprint is made from.

The fingerprint (fingerprint.py) needs the project parsed and linted: 0.4 s above Python's
start on 1,000 metrics, more than the pre-commit hook's first step may take. It is a function of
the bytes of the schema files the loader parses and of dbt_project.yml, of the settings and
`--vars`, of the code computing it, and of the day (KPI011 reports a dated target that no
longer holds). `generate` records a hash of all but the day, and the first day the lint codes
could read otherwise; while both hold, the files are up to date with nothing parsed. The
shortcut only ever says "unchanged": on any difference the fingerprint decides.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..config.settings import Settings
from ..files import read_regular_file
from ..kpi.spec import KpiSpec
from ..kpi.target_schedule import judged_holding_changes
from ..loading.dbt_project import PROJECT_FILE, DbtProject
from ..loading.generated_paths import GeneratedPaths
from ..loading.yaml_loader import schema_sources

DIGEST_KEY, VALID_UNTIL_KEY = "inputs", "inputs_valid_until"
_PACKAGE = Path(__file__).resolve().parent.parent


def inputs_digest(dbt_project: DbtProject, settings: Settings, cli_vars: Mapping[str, Any]) -> str:
    """The hash of what the fingerprint of `dbt_project`'s generated models is computed from,
    the day aside; the generated files themselves are left out (the check compares them)."""
    generated = set(GeneratedPaths.of(dbt_project.model_paths).all())
    digest = hashlib.sha256()
    for name, content in (
        ("code", _package_digest().encode()),
        ("settings", repr(settings).encode()),
        ("vars", json.dumps(cli_vars, sort_keys=True, default=str).encode()),
        (PROJECT_FILE, _bytes(dbt_project.root / PROJECT_FILE)),
    ):
        _add(digest, name, content)
    for relative, raw in schema_sources(dbt_project):
        if relative not in generated:
            _add(digest, relative, raw)
    return "sha256:" + digest.hexdigest()[:32]


def inputs_fields(digest: str, valid_until: date | None) -> dict[str, str]:
    """What a fingerprint line records for the shortcut."""
    return {DIGEST_KEY: digest, **({VALID_UNTIL_KEY: valid_until.isoformat()} if valid_until else {})}


def lint_codes_valid_until(specs: Sequence[KpiSpec], today: date) -> date | None:
    """The first day the KPIs' lint codes may differ from today's without a file changing: when a
    dated target starts or stops holding for the period judged (KPI011). None: never."""
    turns = (
        judged_holding_changes(
            [(period.starts, period.ends, None) for period in spec.targets if period.starts is not None], spec.grain, today
        )
        for spec in specs
    )
    return min((day for day in turns if day is not None), default=None)


def inputs_hold(recorded: Mapping[str, Any], digest: str, today: date) -> bool:
    """Whether a fingerprint line's shortcut says nothing changed since it was written."""
    if recorded.get(DIGEST_KEY) != digest:
        return False
    valid_until = recorded.get(VALID_UNTIL_KEY)
    if valid_until is None:
        return True
    try:
        return today < date.fromisoformat(str(valid_until))
    except ValueError:
        return False


def _add(digest: Any, name: str, content: bytes | None) -> None:
    # Length-prefixed, so that no two sequences of (name, content) hash alike.
    for part in (name.encode("utf-8", "surrogateescape"), content):
        digest.update(b"-" if part is None else len(part).to_bytes(8, "big") + part)


def _bytes(path: Path) -> bytes | None:
    try:
        return read_regular_file(path)
    except OSError:
        return None


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """All of dbt-kpi-lint's source: the loader and the rules shape the fingerprint as much as the
    generator, and a development install changes them under one version number."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        _add(digest, path.relative_to(_PACKAGE).as_posix(), path.read_bytes())
    return digest.hexdigest()
