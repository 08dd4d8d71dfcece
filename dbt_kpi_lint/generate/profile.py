"""The adapter a project builds on, read from its dbt profile the way dbt finds it (no dbt import).

dbt looks for `profiles.yml` in `--profiles-dir` / `DBT_PROFILES_DIR`, then the project
directory, then `~/.dbt/`; the output is the profile's `target:` unless `DBT_TARGET` names one.
Only plain values and `{{ env_var('NAME', 'default') }}` are understood: anything else means
"cannot tell", and the caller falls back to a default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

_ENV_VAR = re.compile(r"""^\{\{\s*env_var\(\s*['"](?P<name>[^'"]+)['"]\s*(?:,\s*['"](?P<default>[^'"]*)['"]\s*)?\)\s*\}\}$""")


def profile_adapter(project_root: Path, profile: str | None) -> str | None:
    """The adapter type (`duckdb`, `postgres`, ...) of the project's default output, if it can be read."""
    if profile is None:
        return None
    for directory in _profile_dirs(project_root):
        path = directory / "profiles.yml"
        if path.is_file():
            return _adapter_in(path, profile)
    return None


def _profile_dirs(project_root: Path) -> list[Path]:
    configured = os.environ.get("DBT_PROFILES_DIR")
    return [*([Path(configured)] if configured else []), project_root, Path.home() / ".dbt"]


def _adapter_in(path: Path, profile: str) -> str | None:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    entry = document.get(profile) if isinstance(document, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("outputs"), dict):
        return None
    target = os.environ.get("DBT_TARGET") or _plain(entry.get("target", "default"))
    output = entry["outputs"].get(target)
    adapter = _plain(output.get("type")) if isinstance(output, dict) else None
    return adapter.lower() if adapter else None


def _plain(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    match = _ENV_VAR.match(value.strip())
    if match is None:
        return None if "{{" in value else value
    return os.environ.get(match["name"], match["default"])
