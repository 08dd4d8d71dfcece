"""How much each reported change matters to a pull request's gate: `breaking`, `risky` or `info`.

- `breaking`: a KPI's number changes meaning, loses an input, or the KPI is removed;
- `risky`: how a KPI is judged or who answers for it changes (target, direction, owner, grain,
  at-risk band), a KPI is renamed or demoted, a certification is void or removed;
- `info`: everything else reported: data upstream changed, KPIs added or promoted, other KPI
  fields (objective, indicator), a new certification, findings new and resolved, other metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .compare import KpiReview, Review

INFO, RISKY, BREAKING = "info", "risky", "breaking"
SEVERITIES = (BREAKING, RISKY, INFO)  # the worst first
_RISKY_FIELDS = frozenset({"target", "direction", "owner", "grain", "at_risk_band"})
_RISKY_CERTIFICATIONS = frozenset({"void", "removed"})


@dataclass(frozen=True)
class Graded:
    severity: str
    metric: str | None  # None: a finding not about one metric
    change: str  # what changed, in a few words


def graded(review: Review) -> list[Graded]:
    """Every change the review reports, with its severity."""
    changes = [Graded(BREAKING, name, "KPI removed") for name in review.removed]
    changes += [Graded(RISKY, name, "KPI demoted") for name in review.demoted]
    changes += [Graded(INFO, name, "KPI added") for name in review.added]
    for kpi in review.kpis:  # renamed and promoted KPIs among them
        changes += _kpi_changes(kpi)
    changes += [Graded(INFO, finding.metric, f"new finding {finding.code}") for finding in review.new_findings]
    changes += [Graded(INFO, finding.metric, f"finding {finding.code} resolved") for finding in review.resolved_findings]
    changes += [Graded(INFO, metric.name, f"metric {metric.status}") for metric in review.other_metrics]
    return changes


def kpi_severity(kpi: KpiReview) -> str | None:
    """The worst severity of what the review reports about one KPI."""
    return highest(list(_kpi_changes(kpi)))


def highest(changes: list[Graded]) -> str | None:
    present = {change.severity for change in changes}
    return next((severity for severity in SEVERITIES if severity in present), None)


def counts(changes: list[Graded]) -> dict[str, int]:
    return {severity: sum(1 for change in changes if change.severity == severity) for severity in SEVERITIES}


def reaches(severity: str | None, threshold: str) -> bool:
    """Whether `severity` is `threshold` or worse."""
    return severity is not None and SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def _kpi_changes(kpi: KpiReview) -> Iterator[Graded]:
    if kpi.renamed_from is not None:
        yield Graded(RISKY, kpi.name, f"KPI renamed from {kpi.renamed_from}")
    if kpi.promoted:
        yield Graded(INFO, kpi.name, "promoted to KPI")
    if kpi.meaning:
        yield Graded(BREAKING, kpi.name, "the number changes meaning")
    if kpi.lost_inputs:
        yield Graded(BREAKING, kpi.name, "an input is no longer defined")
    for change in kpi.fields:
        yield Graded(RISKY if change.field in _RISKY_FIELDS else INFO, kpi.name, f"{change.field} changed")
    if kpi.upstream:
        yield Graded(INFO, kpi.name, "data upstream changed")
    if kpi.certification is not None:
        severity = RISKY if kpi.certification.status in _RISKY_CERTIFICATIONS else INFO
        yield Graded(severity, kpi.name, f"certification {kpi.certification.status}")
