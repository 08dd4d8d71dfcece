"""What a change does to each KPI: the project before and after, compared definition by definition.

Both sides are loaded projects; nothing here reads a file. A KPI's number changes meaning when a
definition in its closure changed (see `definitions.py`), compared in canonical form, so
comments, labels, descriptions, key order and spelling never count. A metric or measure that
disappears while another with the same definition appears, its references updated, is a
rename: it is followed, and its references (inputs, a derived `expr`, `Metric()` in filters)
are compared under the new name.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from ..findings import Finding
from ..kpi.certification import Certification, certification_of
from ..kpi.definition_fingerprint import KpiFingerprints, canonical_target
from ..kpi.definitions import (
    Canonical,
    Definitions,
    Kind,
    Subject,
    renamed,
    with_effective_expr,
)
from ..kpi.fields import Kpi, KpiField, MetaKeys, kpi_of
from ..model import JinjaExpression, Project
from .fields import fields

# The KPI fields a review reports, in this order.
KPI_FIELDS = ("target", "direction", "owner", "grain", "objective", "indicator", "at_risk_band")


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: not set
    after: str | None


@dataclass(frozen=True)
class DefinitionChange:
    subject: Subject  # named as after the change
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class UpstreamChange:
    model: str
    path: str


@dataclass(frozen=True)
class CertificationChange:
    status: str  # "void", "certified" (in this change) or "removed"
    described: str  # "certified by ana on 2026-06-30"
    reasons: tuple[str, ...] = ()  # for "void": what changed since


@dataclass(frozen=True)
class MetricChange:
    """A metric that is not a KPI on either side, changed by the pull request."""

    name: str  # named as after the change (as before it, when removed)
    status: str  # "changed", "added", "removed" or "renamed"
    renamed_from: str | None = None
    changes: tuple[Change, ...] = ()  # of its own definition, for "changed"


@dataclass(frozen=True)
class KpiReview:
    name: str
    renamed_from: str | None
    promoted: bool
    meaning: tuple[DefinitionChange, ...]
    fields: tuple[Change, ...]
    upstream: tuple[UpstreamChange, ...]
    certification: CertificationChange | None
    lost_inputs: tuple[Subject, ...] = ()  # what it reads that the change left undefined

    @property
    def changes_meaning(self) -> bool:
        return bool(self.meaning or self.lost_inputs)


@dataclass(frozen=True)
class Review:
    base: str  # the ref as given
    merge_base: str  # the commit compared with
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    promoted: tuple[str, ...] = ()
    demoted: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (before, after) of KPIs
    kpis: tuple[KpiReview, ...] = ()  # the KPIs of both sides with something to report
    new_findings: tuple[Finding, ...] = ()
    resolved_findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    other_metrics: tuple[MetricChange, ...] = ()

    @property
    def changing_meaning(self) -> tuple[KpiReview, ...]:
        return tuple(kpi for kpi in self.kpis if kpi.changes_meaning)

    @property
    def is_empty(self) -> bool:
        lists = (self.added, self.removed, self.promoted, self.demoted, self.renamed, self.kpis, self.other_metrics)
        return not any(lists) and not self.new_findings and not self.resolved_findings


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a loaded project and what `check` finds in it."""

    project: Project
    findings: list[Finding]


@dataclass(frozen=True)
class Renames:
    """Old name -> new name, of metrics and of measures."""

    metrics: Mapping[str, str] = field(default_factory=dict)
    measures: Mapping[str, str] = field(default_factory=dict)

    def metric(self, name: str) -> str:
        return self.metrics.get(name, name)

    def measure(self, name: str) -> str:
        return self.measures.get(name, name)

    def subject(self, subject: Subject) -> Subject:
        if subject.kind == Kind.METRIC:
            return Subject(subject.kind, self.metric(subject.name))
        if subject.kind == Kind.MEASURE:
            return Subject(subject.kind, self.measure(subject.name))
        return subject

    def applied(self, subject: Subject, canonical: Canonical) -> Canonical:
        """A definition from before the change, its references under their new names."""
        if subject.kind != Kind.METRIC or not (self.metrics or self.measures):
            return canonical
        return renamed(canonical, self.metric, self.measure)


def review(
    base_ref: str,
    merge_base: str,
    before: Side,
    after: Side,
    meta_keys: MetaKeys,
    upstream: Callable[[str], list[UpstreamChange]] = lambda model: [],
    notes: Iterable[str] = (),
) -> Review:
    """The review of the change from `before` to `after`.

    `upstream(model)`: the changed models a dbt model's data comes from (itself included).
    """
    base_kpis = _kpis(before.project, meta_keys)
    head_kpis = _kpis(after.project, meta_keys)
    base_names = {metric.name for metric in before.project.metrics}
    head_names = {metric.name for metric in after.project.metrics}
    base_only, head_only = base_names - head_names, head_names - base_names
    # What the comparison reads: the KPIs, a promoted KPI's definition before, and what a rename may match.
    # Metrics of both sides read from different entries: the only ones whose definition may differ.
    rewritten = {name for name in base_names & head_names if before.project.metric(name) is not after.project.metric(name)}
    base_definitions = Definitions.of(
        before.project, {*base_kpis, *base_only, *base_names.intersection(head_kpis), *rewritten}
    )
    head_definitions = Definitions.of(after.project, {*head_kpis, *head_only, *rewritten})
    renames = _renames(base_definitions, head_definitions, base_only, head_only)
    former = {new: old for old, new in renames.metrics.items()}

    added, promoted, reviewed = [], [], []
    base_fingerprints = KpiFingerprints(before.project, definitions=base_definitions)
    head_fingerprints = KpiFingerprints(after.project, definitions=head_definitions)
    for name, kpi in head_kpis.items():
        old_name = former.get(name, name)
        if old_name not in base_names:
            added.append(name)
            continue
        if old_name not in base_kpis:
            promoted.append(name)
        comparison = _KpiComparison(
            base_definitions, head_definitions, renames, base_kpis.get(old_name), kpi, meta_keys, upstream
        )
        found = comparison.review(old_name, base_fingerprints, head_fingerprints)
        if found is not None:
            reviewed.append(found)
    removed = [name for name in base_kpis if renames.metric(name) not in head_names]
    demoted = [name for name in base_kpis if renames.metric(name) in head_names.difference(head_kpis)]
    kpi_names = {*head_kpis, *(renames.metric(name) for name in base_kpis)}
    other_metrics = _OtherMetrics(base_definitions, head_definitions, renames, kpi_names)
    new_findings, resolved = _finding_changes(before.findings, after.findings, renames)
    return Review(
        base=base_ref,
        merge_base=merge_base,
        added=tuple(added),
        removed=tuple(removed),
        promoted=tuple(promoted),
        demoted=tuple(demoted),
        renamed=tuple((old, new) for old, new in renames.metrics.items() if new in kpi_names),
        kpis=tuple(reviewed),
        new_findings=tuple(new_findings),
        resolved_findings=tuple(resolved),
        notes=tuple(notes),
        other_metrics=other_metrics.changes(base_only, head_only, rewritten),
    )


@dataclass(frozen=True)
class _OtherMetrics:
    """The metrics a change touches that are KPIs on neither side: a reviewer sees the whole semantic diff."""

    before: Definitions
    after: Definitions
    renames: Renames
    kpis: set[str]  # named as after the change

    def changes(self, removed: set[str], added: set[str], rewritten: set[str]) -> tuple[MetricChange, ...]:
        renamed_to = set(self.renames.metrics.values())
        found = [
            MetricChange(new, "renamed", renamed_from=old)
            for old, new in self.renames.metrics.items()
            if new not in self.kpis
        ]
        found += [MetricChange(name, "added") for name in sorted(added - renamed_to) if name not in self.kpis]
        found += [
            MetricChange(name, "removed")
            for name in sorted(removed)
            if name not in self.renames.metrics and name not in self.kpis
        ]
        for name in sorted(rewritten - self.kpis):
            subject = Subject(Kind.METRIC, name)
            before = self.renames.applied(subject, self.before.metrics[name])
            changes = _changes(_shown_fields(subject, before), _shown_fields(subject, self.after.metrics[name]))
            if changes:
                found.append(MetricChange(name, "changed", changes=changes))
        return tuple(found)


@dataclass(frozen=True)
class _KpiComparison:
    before_definitions: Definitions
    after_definitions: Definitions
    renames: Renames
    before: Kpi | None  # None: a metric promoted by this change
    after: Kpi
    meta_keys: MetaKeys
    upstream: Callable[[str], list[UpstreamChange]]

    def review(
        self, old_name: str, before_fingerprints: KpiFingerprints, after_fingerprints: KpiFingerprints
    ) -> KpiReview | None:
        name = self.after.metric.name
        meaning = self._meaning(old_name)
        lost = self._lost_inputs(old_name)
        kpi_fields = self._fields() if self.before is not None else ()
        upstream = self._upstream()
        certification = self._certification(before_fingerprints, after_fingerprints)
        renamed_from = old_name if old_name != name else None
        if not (meaning or lost or kpi_fields or upstream or certification or renamed_from or self.before is None):
            return None
        return KpiReview(name, renamed_from, self.before is None, meaning, kpi_fields, upstream, certification, lost)

    def _lost_inputs(self, old_name: str) -> tuple[Subject, ...]:
        """What the KPI reads that is undefined after the change and was not before it."""
        undefined_before = {self.renames.subject(subject) for subject in self.before_definitions.undefined(old_name)}
        return tuple(
            subject
            for subject in self.after_definitions.undefined(self.after.metric.name)
            if subject not in undefined_before
        )

    def _meaning(self, old_name: str) -> tuple[DefinitionChange, ...]:
        before = {
            self.renames.subject(subject): self.renames.applied(subject, canonical)
            for subject, canonical in self.before_definitions.closure(old_name).items()
        }
        changed = []
        for subject, canonical in self.after_definitions.closure(self.after.metric.name).items():
            if subject in before and before[subject] != canonical:
                changes = _changes(_shown_fields(subject, before[subject]), _shown_fields(subject, canonical))
                if changes:
                    changed.append(DefinitionChange(subject, changes))
        return tuple(changed)

    def _fields(self) -> tuple[Change, ...]:
        assert self.before is not None
        changes = []
        for name in KPI_FIELDS:
            old, new = self._kpi_field(self.before, name), self._kpi_field(self.after, name)
            if old[0] != new[0]:
                changes.append(Change(name, old[1], new[1]))
        return tuple(changes)

    @staticmethod
    def _kpi_field(kpi: Kpi, name: str) -> tuple[Any, str | None]:
        """(what is compared, what is shown) of one KPI field."""
        value: KpiField = getattr(kpi, name)
        shown = _shown(value.value)
        if name == "owner" and kpi.owner_from_group and shown is not None:
            shown += f" (owner of group {kpi.metric.group})"
        if name == "target":
            if isinstance(value.written, str) and value.written != value.value and shown is not None:
                shown += f" ({value.written.strip()})"
            return canonical_target(value.value), shown
        return _shown(value.value), shown

    def _upstream(self) -> tuple[UpstreamChange, ...]:
        found: dict[str, UpstreamChange] = {}
        for subject, canonical in self.after_definitions.closure(self.after.metric.name).items():
            if subject.kind == Kind.SEMANTIC_MODEL and canonical.get("model"):
                for change in self.upstream(canonical["model"]):
                    found.setdefault(change.model, change)
        return tuple(found.values())

    def _certification(self, before: KpiFingerprints, after: KpiFingerprints) -> CertificationChange | None:
        now = certification_of(self.after.metric, self.meta_keys)
        then = certification_of(self.before.metric, self.meta_keys) if self.before is not None else None
        if now is None:
            return CertificationChange("removed", then.described) if then is not None else None
        reasons = _void_reasons(now, self.after, after)
        if reasons:
            unchanged = then is not None and then.fingerprint == now.fingerprint
            if then is not None and unchanged and _void_reasons(then, self.before, before):  # void before already
                return None
            return CertificationChange("void", now.described, tuple(reasons))
        if then is None or then.fingerprint != now.fingerprint or then.described != now.described:
            return CertificationChange("certified", now.described)
        return None


def _void_reasons(certification: Certification, kpi: Kpi | None, fingerprints: KpiFingerprints) -> list[str]:
    current = fingerprints.of(kpi, certification.fingerprint_version) if kpi is not None else None
    return certification.void_reasons(current) if current is not None else []


def _shown_fields(subject: Subject, canonical: Canonical) -> dict[str, str]:
    """The fields of a definition as a reviewer reads them: an implicit `expr` is the name it stands for."""
    return fields(with_effective_expr(subject, canonical))


def _kpis(project: Project, meta_keys: MetaKeys) -> dict[str, Kpi]:
    return {metric.name: kpi for metric in project.metrics if (kpi := kpi_of(metric, project, meta_keys)) is not None}


def _renames(before: Definitions, after: Definitions, removed: set[str], added: set[str]) -> Renames:
    """Removed and added definitions that are the same but for their name (and, for metrics, the
    names they read, themselves renamed). A definition two others equal is not a rename."""
    # A measure's implicit `expr` is its name: renamed, it reads another column.
    measures = _same_but_named(
        {
            name: with_effective_expr(Subject(Kind.MEASURE, name), before.measures[name])
            for name in before.measures.keys() - after.measures.keys()
        },
        {
            name: with_effective_expr(Subject(Kind.MEASURE, name), after.measures[name])
            for name in after.measures.keys() - before.measures.keys()
        },
    )
    renames = Renames({}, measures)
    pending = {name for name in removed if name in before.metrics}
    while True:  # a rename can reveal another: an input renamed with the metric built on it
        unmatched = {
            name: after.metrics[name] for name in added - set(renames.metrics.values()) if name in after.metrics
        }
        found = _same_but_named(
            {name: renames.applied(Subject(Kind.METRIC, name), before.metrics[name]) for name in pending}, unmatched
        )
        if not found:
            return renames
        renames = Renames({**renames.metrics, **found}, measures)
        pending -= found.keys()


def _same_but_named(removed: Mapping[str, Canonical], added: Mapping[str, Canonical]) -> dict[str, str]:
    by_definition: dict[str, list[str]] = {}
    for name, canonical in added.items():
        by_definition.setdefault(_key(canonical), []).append(name)
    removed_by_definition = Counter(_key(canonical) for canonical in removed.values())
    return {
        name: by_definition[key][0]
        for name, canonical in removed.items()
        if len(by_definition.get(key := _key(canonical), ())) == 1 and removed_by_definition[key] == 1
    }


def _key(canonical: Canonical) -> str:
    return json.dumps(canonical, sort_keys=True, default=str)


def _finding_changes(
    before: list[Finding], after: list[Finding], renames: Renames
) -> tuple[list[Finding], list[Finding]]:
    """Findings only after the change, and only before it: matched by code and metric (or file)."""

    def identity(finding: Finding, renamed: bool) -> tuple[str, str]:
        if finding.metric:
            return finding.code, "metric:" + (renames.metric(finding.metric) if renamed else finding.metric)
        return finding.code, "path:" + finding.location.path

    before_counts = Counter(identity(finding, True) for finding in before)
    after_counts = Counter(identity(finding, False) for finding in after)
    new = _beyond(after, before_counts, lambda finding: identity(finding, False))
    resolved = _beyond(before, after_counts, lambda finding: identity(finding, True))
    return new, resolved


def _beyond(findings: list[Finding], other: Counter[Any], identity: Callable[[Finding], Any]) -> list[Finding]:
    """The findings of `findings` beyond what `other` holds of each identity (the last ones)."""
    seen: Counter[Any] = Counter()
    kept = []
    for finding in findings:
        key = identity(finding)
        seen[key] += 1
        if seen[key] > other[key]:
            kept.append(finding)
    return kept


def _changes(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[Change, ...]:
    """The fields that differ, in the order they are written: a field only `before` had stands
    after the field it followed there."""
    names = list(after)
    previous: str | None = None
    for name in before:
        if name not in names:
            names.insert(names.index(previous) + 1 if previous is not None else 0, name)
        previous = name
    return tuple(
        Change(name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)
    )


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, JinjaExpression):
        return value.source
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "{...}"
    return str(value)
