"""What a generated model was generated from, as hashes in its header: stale is a differing hash.

Computed from the loaded project alone, without MetricFlow, so the lint (GEN001) and the
pre-commit hook's first step can tell in a fraction of a second whether to regenerate. The
parts, each hashed on its own so that a message can name what changed:
- `definitions`: the semantic models, metrics and time spines as dbt's semantic manifest holds
  them (rendered `var()`, no descriptions, labels or meta), so a changed filter, measure `expr`
  or window is stale and a reworded description or an edited comment is not;
- `kpis`: each KPI's fields (a `var()` target as the call: its value is read when dbt builds);
- `lint_codes`: what `dbt-kpi-lint check` reports for each KPI under the project's configuration;
- `settings`: dialects and history length; `dbt_kpi_lint`: the version, `generator`: its code.
A written line also records what is never compared: the hash of the files all this is computed
from (inputs.py), the staleness check's shortcut; and the MetricFlow version that rendered the
SQL. The lint runs where MetricFlow may not be installed (the pre-commit hook installs the
linter alone) and must judge a file as the generator's environment does; which MetricFlow
renders is fixed by dbt-kpi-lint's own release, whose version is compared.
A file generated `--from-manifest` carries the same hashes, computed from the YAML too: it is
stale when the YAML changed since, whatever dbt's manifest says.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import __version__
from ..config.settings import Settings
from ..model import Project
from ..rules.dated_targets import judged_holding_changes
from .inputs import inputs_fields
from .kpis import KpiSpec, kpi_specs
from .semantic_manifest import NeedsDbtParse, Relations, semantic_manifest

_LINE = "-- dbt-kpi-lint fingerprint: "
_LINE_PATTERN = re.compile(r"^-- dbt-kpi-lint fingerprint: (?P<json>\{.*\})$", re.MULTILINE)
_PART_NAMES = {
    "definitions": "the semantic definitions",
    "kpis": "the KPI fields",
    "lint_codes": "the KPIs' lint codes",
    "settings": "the history length or the targets model",
    "dialects": "the configured dialects",
    "dbt_kpi_lint": "the dbt-kpi-lint version",
    "generator": "the generator's code",
}
# What the rows of the built tables follow from: they record these (`built_from`), and `status`
# and `report` compare them with the YAML. Versions and dialects change the SQL, not the rows.
_ROW_PARTS = ("definitions", "kpis", "lint_codes", "settings")


@dataclass(frozen=True)
class Fingerprint:
    parts: Mapping[str, str]
    uncompared: Mapping[str, str] = field(default_factory=dict)  # written, never compared

    def line(self) -> str:
        return _LINE + _canonical({**self.parts, **self.uncompared}) + "\n"

    def of_rows(self) -> Fingerprint:
        """Only the parts the rows of the built tables follow from."""
        return Fingerprint({name: value for name, value in self.parts.items() if name in _ROW_PARTS})

    def built_from(self) -> str:
        """What the tables record in their `built_from` column."""
        return _canonical(self.of_rows().parts)

    def changes_from(self, recorded: Mapping[str, Any]) -> list[str]:
        """What differs from a recorded fingerprint, named for people; only this one's parts are
        compared (a project may leave dialects unset)."""
        return [_PART_NAMES.get(name, name) for name, value in self.parts.items() if recorded.get(name) != value]


def fingerprint(
    project: Project,
    settings: Settings,
    dialects: Sequence[str] = (),
    specs: Sequence[KpiSpec] | None = None,
    inputs_digest: str | None = None,
) -> Fingerprint:
    """The fingerprint of what generating `project` reads, with `settings` (the configuration's).

    `dialects`: those the file holds; left out (not compared) when empty. `inputs_digest`: the
    hash of the files `project` was loaded from, given when the line is to be written: it records
    that for the shortcut, and the MetricFlow version.
    """
    specs = kpi_specs(project, settings) if specs is None else specs
    try:
        definitions: Any = semantic_manifest(project, Relations())
    except NeedsDbtParse:
        # Only `--from-manifest` can generate such a project; its YAML as written still tells changes.
        definitions = {
            "semantic_models": [dict(model.definition) for model in project.semantic_models],
            "metrics": [dict(metric.definition) for metric in project.metrics],
        }
    parts = {
        "definitions": _digest(definitions),
        "kpis": _digest([_kpi_fields(spec) for spec in specs]),
        "lint_codes": _digest({spec.metric: spec.lint_codes for spec in specs}),
        "settings": _digest({"history_periods": settings.history_periods, "targets_model": settings.targets_model}),
        "dbt_kpi_lint": __version__,
        "generator": _generator_digest(),
    }
    if dialects:
        parts["dialects"] = ",".join(sorted(dialects))
    if inputs_digest is None:
        return Fingerprint(parts)
    rendered_by = {"metricflow": version} if (version := metricflow_version()) else {}
    return Fingerprint(parts, {**inputs_fields(inputs_digest, lint_codes_valid_until(specs, date.today())), **rendered_by})


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


def recorded_fingerprint(text: str) -> Mapping[str, str] | None:
    """The fingerprint a generated file's header records, if it has a readable one."""
    match = _LINE_PATTERN.search(text[:4096])
    return None if match is None else parsed_fingerprint(match["json"])


def parsed_fingerprint(text: str) -> Mapping[str, str] | None:
    """A fingerprint as `line` or `built_from` writes it; None when `text` is not one."""
    try:
        recorded = json.loads(text)
    except json.JSONDecodeError:
        return None
    return recorded if isinstance(recorded, dict) else None


def _canonical(parts: Mapping[str, str]) -> str:
    return json.dumps(parts, sort_keys=True, separators=(",", ":"))


def metricflow_version() -> str | None:
    """Read from the installed distribution's metadata: importing MetricFlow takes a second."""
    try:
        return metadata.version("metricflow")
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _generator_digest() -> str:
    """The generator's own source: SQL written by other code than the installed one is stale,
    whatever the version number says (a development install, a patched one)."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    return _digest({path.name: path.read_text(encoding="utf-8") for path in sources})


def _kpi_fields(spec: KpiSpec) -> dict[str, Any]:
    return {name: value for name, value in asdict(spec).items() if name != "lint_codes"}


# Values a canonical JSON text may hold before hashing goes container by container instead.
_WRITTEN_OUT_LIMIT = 1_000_000


def _digest(value: Any) -> str:
    """A hash of `value`'s canonical form. YAML aliases share one object many times over (nine
    anchors of nine aliases each are 387 million values written out), and the lint runs this on
    every project that holds generated models: past a size, each shared container is hashed once."""
    if _written_out_size(value, {}) <= _WRITTEN_OUT_LIMIT:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
    return "sha256:" + _tree_digest(value, {})[:32]


def _written_out_size(value: Any, seen: dict[int, int]) -> int:
    if not isinstance(value, (dict, list, tuple)):
        return 1
    if id(value) not in seen:
        items = value.values() if isinstance(value, dict) else value
        seen[id(value)] = 1 + sum(_written_out_size(item, seen) for item in items)
    return seen[id(value)]


def _tree_digest(value: Any, seen: dict[int, str]) -> str:
    if not isinstance(value, (dict, list, tuple)):
        return hashlib.sha256(json.dumps(value, default=str).encode("utf-8")).hexdigest()
    if id(value) not in seen:
        if isinstance(value, dict):
            items = sorted((str(key), _tree_digest(item, seen)) for key, item in value.items())
            canonical = "{" + ",".join(f"{json.dumps(key)}:{digest}" for key, digest in items) + "}"
        else:
            canonical = "[" + ",".join(_tree_digest(item, seen) for item in value) + "]"
        seen[id(value)] = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return seen[id(value)]
