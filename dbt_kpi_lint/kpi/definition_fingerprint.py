"""The certification fingerprint: a hash of everything that decides a KPI's number and its target.

The canonical form is made of the definitions in the KPI's closure (see `definitions.py`), each
serialized as JSON with sorted keys and no whitespace, in six parts hashed with SHA-256:

- `definition`: the KPI's own canonical metric (its name left out: a rename alone is not a
  change of meaning);
- `measures`: the measures it aggregates itself and the dbt models their semantic models read;
- `time_dimension`: the agg time dimensions those use;
- `filter_dimensions`: the dimensions and entities its own filters name;
- `inputs`: the first five parts of each input metric's own fingerprint, so everything below
  an input, transitively, is in it (a hash tree: a metric read by many KPIs is hashed once, and
  a change below an input is named a change of the input metrics);
- `target`: the target as dbt renders it (`{{ var() }}` resolved), read as a number.

A part that is a set of definitions is the JSON object `{"kind:name": definition, ...}`. The
fingerprint is `sha256:v2:` followed by the first ten hex digits of each part's hash, in the
order of PARTS: one string, as `meta.kpi.certified.fingerprint` holds it, that still tells
which parts changed since it was written.

Version 2 hashes what a definition reads, never the names it reads it by: each input metric and
each measure it names is written `input#i` / `measure#i` in `definition` (in a derived metric's
`expr` and in `Metric()` filters too), numbered in the order of their own digests, and `inputs`
and `measures` hold those digests instead of names. Renaming an input metric or a measure, its
references updated, leaves the fingerprint as it was. Version 1 (`sha256:` and the digits, the
fingerprints dbt-kpi-lint wrote before) keyed inputs and measures by name; a certification that
holds one is still checked by version 1, so upgrading voids no certification, and `certify`
writes version 2 from then on.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Collection, Mapping

from ..model import JinjaExpression, Project
from .definitions import Canonical, Definitions, Kind, Subject, renamed, with_effective_expr
from .fields import Kpi
from .values import readable_number

PREFIX = "sha256:"
VERSION = 2  # what `certify` writes
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
_PATTERN = re.compile(rf"^{PREFIX}(?:v(?P<version>2):)?(?P<digits>[0-9a-f]{{{_DIGITS * len(PARTS)}}})$")
# The parts that are sets of definitions, and the part each kind of definition goes in.
_SET_PARTS = ("inputs", "measures", "time_dimension", "filter_dimensions")
_PART_OF_KIND = {
    Kind.MEASURE: "measures",
    Kind.SEMANTIC_MODEL: "measures",
    Kind.TIME_DIMENSION: "time_dimension",
    Kind.DIMENSION: "filter_dimensions",
    Kind.ENTITY: "filter_dimensions",
}


@dataclass(frozen=True)
class Fingerprint:
    digests: Mapping[str, str]  # part -> the first hex digits of its SHA-256
    version: int = VERSION

    def __str__(self) -> str:
        marker = f"v{self.version}:" if self.version > 1 else ""
        return PREFIX + marker + "".join(self.digests[part] for part in PARTS)

    @classmethod
    def parse(cls, written: Any) -> Fingerprint | None:
        """The fingerprint a `certified.fingerprint` value holds; None if it is not one this tool writes."""
        match = _PATTERN.match(written.strip()) if isinstance(written, str) else None
        if match is None:
            return None
        digits = match["digits"]
        digests = {part: digits[index * _DIGITS : (index + 1) * _DIGITS] for index, part in enumerate(PARTS)}
        return cls(digests, int(match["version"] or 1))

    def changed_since(self, recorded: Fingerprint) -> list[str]:
        """The parts that differ from `recorded`, in the order of PARTS."""
        return [part for part in PARTS if self.digests[part] != recorded.digests[part]]


class Serialized:
    """Each definition's canonical JSON, as a value and as a `"kind:name":value` member, made once.

    Members joined in the order of their keys make the JSON of the mapping they are the items of.
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
        self._meanings: dict[tuple[str, int], dict[str, str]] = {}
        # dbt's manifest holds none of the semantic models' YAML: without it there is nothing to hash.
        self.available = _has_definitions(project)

    @property
    def definitions(self) -> Definitions:
        if self._definitions is None:
            self._definitions = Definitions.of(self._project, self._metrics)
        return self._definitions

    def of(self, kpi: Kpi, version: int = VERSION) -> Fingerprint | None:
        """`kpi`'s fingerprint in `version`; None when the project holds no definitions (see `available`)."""
        if not self.available:
            return None
        target = _digest(_json(canonical_target(kpi.target.value)))
        return Fingerprint({**self._meaning(kpi.metric.name, (), version), "target": target}, version)

    def _meaning(self, metric: str, walking: tuple[str, ...], version: int) -> dict[str, str]:
        """The digests of every part but the target, of a metric of the project."""
        if (metric, version) in self._meanings:
            return self._meanings[metric, version]
        definitions = self.definitions
        members: dict[str, list[tuple[str, str]]] = {part: [] for part in _SET_PARTS}
        measures: dict[str, str] = {}  # name -> digest of its definition (version 2)
        for subject, canonical in definitions.own(metric).items():
            if version > 1 and subject.kind == Kind.MEASURE:
                # Its name is hashed as the column it reads when `expr` is implicit: a rename then changes it.
                measures[subject.name] = _digest(_json(with_effective_expr(subject, canonical)))
            else:
                members[_PART_OF_KIND[subject.kind]].append(self._serialized.member(subject, canonical))
        inputs: dict[str, str] = {}  # name -> the digits of its meaning
        for name in dict.fromkeys(definitions.reads(metric).metrics):
            if name in definitions.metrics and name not in walking:  # a cycle, which dbt refuses, is cut
                inputs[name] = "".join(self._meaning(name, (*walking, metric), version).values())
        if version > 1:
            definition = _json(_named_by_digest(definitions.metrics[metric], inputs, measures))
            members["inputs"] = [("", _json(digits)) for digits in inputs.values()]
            members["measures"] += [("", _json(digits)) for digits in measures.values()]
        else:
            definition = self._serialized.value(Subject(Kind.METRIC, metric), definitions.metrics[metric])
            for name, digits in inputs.items():
                key = f"{Kind.METRIC}:{name}"
                members["inputs"].append((key, f"{_json(key)}:{_json(digits)}"))
        digests = {part: _digest("{" + ",".join(text for _, text in sorted(members[part])) + "}") for part in _SET_PARTS}
        meaning = {part: _digest(definition) if part == "definition" else digests[part] for part in PARTS[:-1]}
        self._meanings[metric, version] = meaning
        return meaning


def _named_by_digest(metric: Canonical, inputs: Mapping[str, str], measures: Mapping[str, str]) -> dict[str, Any]:
    """`metric` with each input metric and measure it names written `input#i` / `measure#i`: the
    rank of its digest, so that the name it is read by is not hashed."""
    metric_numbers = _numbered(inputs, "input")
    measure_numbers = _numbered(measures, "measure")
    return renamed(metric, lambda name: metric_numbers.get(name, name), lambda name: measure_numbers.get(name, name))


def _numbered(digests: Mapping[str, str], kind: str) -> dict[str, str]:
    """Name -> `kind#i`, `i` the rank of its digest (names sharing a digest share a number)."""
    ranks = {digits: rank for rank, digits in enumerate(sorted(set(digests.values())))}
    return {name: f"{kind}#{ranks[digits]}" for name, digits in digests.items()}


def _has_definitions(project: Project) -> bool:
    return all(model.definition for model in project.semantic_models) and all(
        metric.definition for metric in project.metrics
    )


# One encoder for every definition: `json.dumps` with options builds a new one per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGITS]
