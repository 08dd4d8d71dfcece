"""A certified KPI must still mean what was certified."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from ..model import Severity
from .registry import RuleContext, Violation, rule

if TYPE_CHECKING:
    from ..kpi.certification import Certification


@rule("KPI012", "certification-void", severity=Severity.ERROR)
def certification_void(context: RuleContext) -> Iterable[Violation]:
    """A certified KPI's number no longer means what was certified: the certification is void.

    ## What it checks
    `dbt-kpi-lint certify METRIC --by NAME` records in `meta.kpi.certified` who certified the
    KPI, when, and a fingerprint of everything that decides its number: its own definition
    (type, `expr`, `filter`, `agg`, window, grain_to_date, period_agg, inputs and offsets), its
    input metrics transitively, the measures they aggregate and the dbt models those read, the
    time dimension, the dimensions and entities its filters name, and its target as dbt renders
    it. The rule recomputes the fingerprint and reports every certified KPI whose fingerprint
    differs, naming which part changed: its own definition, the measures (and models) it
    aggregates itself, its time dimension, the dimensions its filters use, its target, or its
    input metrics (anything below an input, its measures included, is a change of the input
    metrics). A `certified` entry that is not a mapping, or whose fingerprint is not one
    dbt-kpi-lint writes, is reported too.

    The fingerprint is computed from the canonical form dbt compiles (the semantic manifest), so
    comments, labels, descriptions, meta, key order, quoting and the legacy or nested spelling of
    cumulative parameters never void a certification. Owner, direction, grain and objective are
    not part of it: they change who answers for the number and how it is judged, not the number.
    Renaming an input metric or a measure, with its references, keeps the certification: the
    fingerprint hashes what each input and measure computes, not the name it is read by
    (fingerprint version 2, written `sha256:v2:…`). A certification an older dbt-kpi-lint wrote
    (`sha256:` and the digits alone, version 1, which hashed those names) is checked by version 1:
    upgrading voids none, and certifying again writes version 2. A change to the SQL of a model behind a semantic model is not seen here:
    `dbt-kpi-lint review` reports it as "data upstream changed".

    Certifications are judged from the YAML files (the default); dbt's manifest does not hold
    the semantic models' YAML, so `--manifest` runs skip the rule.

    ## Why it matters
    A certified KPI is one the business has agreed to trust. After its filter or its measure's
    `expr` changes, the badge would go on vouching for a number nobody has reviewed.

    ## Example
    Certified, then a filter added:
    ```yaml
    metrics:
      - name: revenue
        type: simple
        type_params: {measure: revenue}
        filter: "{{ Dimension('order__status') }} = 'completed'"   # new since certification
        config:
          meta:
            kpi:
              certified: {by: ana@example.com, "on": 2026-06-30, fingerprint: "sha256:…"}
    ```

    ## Fix
    Review what changed (`dbt-kpi-lint review --base origin/main` shows it before and after),
    then certify the KPI again: `dbt-kpi-lint certify revenue --by NAME`. Or revert the change.
    """
    # Imported on use: review/ reads the rules' value readers, so it cannot be imported while they load.
    from ..kpi.certification import certification_of, joined

    certified = [
        (kpi, certification)
        for kpi in context.kpis
        if (certification := certification_of(kpi.metric, context.meta_keys)) is not None
    ]
    if not certified:
        return
    from ..kpi.definition_fingerprint import KpiFingerprints

    fingerprints = KpiFingerprints(context.project, [kpi.metric.name for kpi, _ in certified])
    if not fingerprints.available:
        return
    for kpi, certification in certified:
        current = fingerprints.of(kpi, certification.fingerprint_version)
        reasons = certification.void_reasons(current) if current is not None else []
        if reasons:
            message = _message(kpi.metric.name, certification, joined(reasons))
            yield Violation(message, kpi.metric, location=certification.location)


def _message(name: str, certification: Certification, reasons: str) -> str:
    again = f"`dbt-kpi-lint certify {name} --by NAME`"
    if not certification.checkable:
        return f"KPI `{name}` has a certification that cannot be checked ({reasons}): certify it with {again}"
    return (
        f"KPI `{name}` was {certification.described}, and {reasons} changed since: the certification is "
        f"void; review the change, then certify it again ({again})"
    )
