"""The certification fingerprint: a hash of everything that decides a KPI's number and its target.

The canonical form is the KPI's closure (see `definitions.py`) split into six parts, each
serialized as JSON with sorted keys and no whitespace and hashed with SHA-256:

- `definition`: the KPI's own canonical metric (its name left out: a rename alone is not a
  change of meaning);
- `inputs`: every input metric, transitively, by name;
- `measures`: the measures aggregated and the dbt models their semantic models read;
- `time_dimension`: the agg time dimensions those measures (or latest-spec metrics) use;
- `filter_dimensions`: the dimensions and entities the filters name;
- `target`: the target as dbt renders it (`{{ var() }}` resolved), read as a number.

The fingerprint is `sha256:` followed by the first ten hex digits of each part's hash, in
that order: one string, as `meta.kpi.certified.fingerprint` holds it, that still tells which
parts changed since it was written.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Collection, Mapping

from ..kpi import Kpi
from ..model import JinjaExpression, Project
from ..rules.meta_values import readable_number
from .definitions import Canonical, Definitions, Kind, Subject

PREFIX = "sha256:"
PARTS = ("definition", "inputs", "measures", "time_dimension", "filter_dimensions", "target")
PART_NAMES = {
    "definition": "its own definition",
    "inputs": "its input metrics",
    "measures": "the measures it aggregates or the models they read",
    "time_dimension": "its time dimension",
    "filter_dimensions": "the dimensions its filters use",
    "target": "its target",
}
_DIGITS = 10
_PATTERN = re.compile(rf"^{PREFIX}[0-9a-f]{{{_DIGITS * len(PARTS)}}}$")
_PART_OF_KIND = {
    Kind.METRIC: "inputs",
    Kind.MEASURE: "measures",
    Kind.SEMANTIC_MODEL: "measures",
    Kind.TIME_DIMENSION: "time_dimension",
    Kind.DIMENSION: "filter_dimensions",
    Kind.ENTITY: "filter_dimensions",
}


@dataclass(frozen=True)
class Fingerprint:
    digests: Mapping[str, str]  # part -> the first hex digits of its SHA-256

    def __str__(self) -> str:
        return PREFIX + "".join(self.digests[part] for part in PARTS)

    @classmethod
    def parse(cls, written: Any) -> Fingerprint | None:
        """The fingerprint a `certified.fingerprint` value holds; None if it is not one this tool writes."""
        if not isinstance(written, str) or not _PATTERN.match(written.strip()):
            return None
        digits = written.strip()[len(PREFIX) :]
        return cls({part: digits[index * _DIGITS : (index + 1) * _DIGITS] for index, part in enumerate(PARTS)})

    def changed_since(self, recorded: Fingerprint) -> list[str]:
        """The parts that differ from `recorded`, in the order of PARTS."""
        return [part for part in PARTS if self.digests[part] != recorded.digests[part]]


def fingerprint(
    closure: Mapping[Subject, Canonical], metric: str, target: Any, serialized: Serialized | None = None
) -> Fingerprint:
    """The fingerprint of `metric` from its closure and its (rendered) target.

    Each part is the canonical JSON of a mapping `"kind:name"` -> definition (`definition`: of the
    definition itself); `serialized` keeps each subject's JSON when KPIs that share definitions
    are fingerprinted together.
    """
    serialized = serialized if serialized is not None else Serialized()
    members: dict[str, list[tuple[str, str]]] = {part: [] for part in PARTS}
    definition = "null"
    for subject, canonical in closure.items():
        if subject == (Kind.METRIC, metric):
            definition = serialized.value(subject, canonical)
        else:
            members[_PART_OF_KIND[subject.kind]].append(serialized.member(subject, canonical))
    texts = {part: "{" + ",".join(member for _, member in sorted(members[part])) + "}" for part in PARTS}
    texts.update(definition=definition, target=_json(canonical_target(target)))
    return Fingerprint({part: _digest(texts[part]) for part in PARTS})


class Serialized:
    """Each subject's canonical JSON, as a value and as a `"kind:name":value` member, made once.

    The members joined in the order of their keys are `_json` of the mapping they make up.
    """

    def __init__(self) -> None:
        self._values: dict[Subject, str] = {}
        self._members: dict[Subject, tuple[str, str]] = {}

    def value(self, subject: Subject, canonical: Canonical) -> str:
        if subject not in self._values:
            self._values[subject] = _json(canonical)
        return self._values[subject]

    def member(self, subject: Subject, canonical: Canonical) -> tuple[str, str]:
        """(key, `"key":value`) of the subject in its part."""
        if subject not in self._members:
            key = f"{subject.kind}:{subject.name}"
            self._members[subject] = (key, f"{_json(key)}:{self.value(subject, canonical)}")
        return self._members[subject]


def canonical_target(value: Any) -> Any:
    """A target as it is judged: a number when it reads as one (`100_000`, `1e5` and `"100000"`
    alike), Jinja the YAML cannot render as its text, anything else as text."""
    number = readable_number(value)
    if number is not None:
        return number
    if isinstance(value, JinjaExpression):
        return {"jinja": value.source}
    return None if value is None else str(value)


class KpiFingerprints:
    """The fingerprints of a project's KPIs, its definitions built once, on the first request.

    `metrics`: the only ones that will be asked for (None: any), so that only what their numbers
    depend on is built; or `definitions` already built.
    """

    def __init__(
        self, project: Project, metrics: Collection[str] | None = None, definitions: Definitions | None = None
    ) -> None:
        self._project = project
        self._metrics = metrics
        self._definitions = definitions
        self._serialized = Serialized()
        # dbt's manifest holds none of the semantic models' YAML: without it there is nothing to hash.
        self.available = _has_definitions(project)

    @property
    def definitions(self) -> Definitions:
        if self._definitions is None:
            self._definitions = Definitions.of(self._project, self._metrics)
        return self._definitions

    def of(self, kpi: Kpi) -> Fingerprint | None:
        """`kpi`'s fingerprint; None when the project holds no definitions (see `available`)."""
        if not self.available:
            return None
        name = kpi.metric.name
        return fingerprint(self.definitions.closure(name), name, kpi.target.value, self._serialized)


def _has_definitions(project: Project) -> bool:
    return all(model.definition for model in project.semantic_models) and all(
        metric.definition for metric in project.metrics
    )


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGITS]
