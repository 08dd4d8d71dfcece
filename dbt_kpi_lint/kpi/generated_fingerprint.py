"""What a generated model was generated from, as hashes in its header: stale is a differing hash.

Computed from the loaded project alone, without MetricFlow, so the lint (GEN001) and the
pre-commit hook's first step can tell in a fraction of a second whether to regenerate. The
parts, each hashed on its own so that a message can name what changed:
- `definitions`: the semantic models, metrics and time spines as dbt's semantic manifest holds
  them (rendered `var()`, no descriptions, labels or meta), so a changed filter, measure `expr`
  or window is stale and a reworded description or an edited comment is not;
- `kpis`: each KPI's fields (a `var()` target as the call: its value is read when dbt builds);
- `lint_codes`: what `dbt-kpi-lint check` reports for each KPI under the project's configuration;
- `settings`: dialects and history length; `dbt_kpi_lint`: the version;
- `generator`: the source of the code that writes the SQL (generate/ and the modules of this layer it reads).
A written line also records what is never compared: the hash of each other generated file as
written (`files`), so that an edited file is told without the generator's templates; the hash of
the files all this is computed from (generate/inputs.py), the staleness check's shortcut; and the
MetricFlow version that rendered the SQL. The lint runs where MetricFlow may not be installed (the
pre-commit hook installs the linter alone) and must judge a file as the generator's environment
does; which MetricFlow renders is fixed by dbt-kpi-lint's own release, whose version is compared.
A file generated `--from-manifest` carries the same hashes, computed from the YAML too: it is
stale when the YAML changed since, whatever dbt's manifest says.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping, Sequence

from .. import __version__
from ..loading.generated_paths import LEGACY_MARKER, GeneratedPaths
from ..model import Project
from .semantic_manifest import NeedsDbtParse, Relations, semantic_manifest
from .spec import KpiSpec

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


_FILES_KEY = "files"
# The code whose output the generated SQL is (the generator, and the modules of this layer it
# was built from): a change to it makes every generated file stale.
_GENERATOR_SOURCES = (
    *sorted((Path(__file__).parent.parent / "generate").glob("*.py")),
    *(Path(__file__).with_name(name) for name in ("generated_fingerprint.py", "semantic_manifest.py", "spec.py")),
)


@dataclass(frozen=True)
class Fingerprint:
    parts: Mapping[str, str]
    uncompared: Mapping[str, str] = field(default_factory=dict)  # the shortcut's and MetricFlow's version
    files: Mapping[str, str] = field(default_factory=dict)  # path -> hash of each other file generated with it

    def line(self) -> str:
        recorded: dict[str, Any] = {**self.parts, **self.uncompared}
        if self.files:
            recorded[_FILES_KEY] = dict(self.files)
        return _LINE + _canonical(recorded) + "\n"

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
    specs: Sequence[KpiSpec],
    history_periods: int,
    targets_model: str | None,
    dialects: Sequence[str] = (),
) -> Fingerprint:
    """The fingerprint of what generating `project` reads: its KPIs as judged (`specs`, with the
    lint codes of the configuration's settings), the history length and targets model.

    `dialects`: those the file holds; left out (not compared) when empty.
    """
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
        "settings": _digest({"history_periods": history_periods, "targets_model": targets_model}),
        "dbt_kpi_lint": __version__,
        "generator": _generator_digest(),
    }
    if dialects:
        parts["dialects"] = ",".join(sorted(dialects))
    return Fingerprint(parts)


def file_digests(texts: Mapping[str, str]) -> dict[str, str]:
    """What a fingerprint line records of the files written beside it."""
    return {path: _text_digest(text) for path, text in texts.items()}


def stale_reasons(project: Project, current: Fingerprint) -> list[str]:
    """Why the generated files no longer match the project, whose fingerprint is `current`
    (computed with the configuration's settings, what `generate` used); empty when they match."""
    paths = GeneratedPaths.of(project.model_paths)
    history = project.generated_files.get(paths.history_sql)
    recorded = recorded_fingerprint(history) if history is not None else None
    if recorded is None:
        return [*_legacy_reasons(project.generated_files, paths), f"{paths.history_sql} is missing or has no fingerprint"]
    reasons = generated_file_reasons(project.generated_files, paths, recorded)
    changes = current.changes_from(recorded)
    if changes:
        reasons.append(f"{', '.join(changes)} changed since {paths.history_sql} was generated")
    return reasons


def generated_file_reasons(
    files: Mapping[str, str | None], paths: GeneratedPaths, recorded: Mapping[str, Any]
) -> list[str]:
    """What is wrong with the generated files whatever the project: the previous version's Python
    model left over, a file edited (or missing) since `kpi_history.sql`, whose fingerprint line
    is `recorded`, was written with it."""
    reasons = _legacy_reasons(files, paths)
    written = recorded.get(_FILES_KEY)
    if not isinstance(written, dict):
        return [*reasons, f"{paths.history_sql} records no fingerprint of the files generated with it"]
    for path, digest in sorted(written.items()):
        text = files.get(path)
        if text is None:
            reasons.append(f"{path} is missing")
        elif _text_digest(text) != digest:
            reasons.append(f"{path} differs from what this version writes")
    return reasons


def _legacy_reasons(files: Mapping[str, str | None], paths: GeneratedPaths) -> list[str]:
    legacy = files.get(paths.legacy_python_model)
    if legacy is not None and legacy.startswith(LEGACY_MARKER):
        return [f"{paths.legacy_python_model} is the Python model of dbt-kpi-lint 0.1, now kpi_status.sql"]
    return []


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


def _canonical(parts: Mapping[str, Any]) -> str:
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
    return _digest({f"{path.parent.name}/{path.name}": path.read_text(encoding="utf-8") for path in _GENERATOR_SOURCES})


def _kpi_fields(spec: KpiSpec) -> dict[str, Any]:
    return {name: value for name, value in asdict(spec).items() if name != "lint_codes"}


# Values a canonical JSON text may hold before hashing goes container by container instead.
_WRITTEN_OUT_LIMIT = 1_000_000


def _text_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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
