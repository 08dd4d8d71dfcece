"""The dbt profile a service fixture adds to a test's project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def add_default_target(project_dir: Path, profile: str, target: str, output: dict[str, Any]) -> Path:
    """Write (or add to) `project_dir/profiles.yml` the output `target` of `profile`.

    The target becomes the profile's default; other profiles and targets already in the file
    (a DuckDB `dev`, say) are kept. Returns the file's path.
    """
    path = project_dir / "profiles.yml"
    profiles: dict[str, Any] = {}
    if path.exists():
        profiles = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entry = profiles.setdefault(profile, {})
    entry["target"] = target
    entry.setdefault("outputs", {})[target] = output
    path.write_text(yaml.safe_dump(profiles, sort_keys=False), encoding="utf-8")
    return path
