"""KPIs are few on purpose: when every number is key, none is."""

from __future__ import annotations

from typing import Iterable

from ..kpi.fields import Kpi
from ..kpi.values import names
from ..loading.dbt_project import PROJECT_FILE
from ..model import JinjaExpression, Location, Severity
from .registry import RULES, RuleContext, RuleOption, Violation, rule


@rule(
    "KPI005",
    "owner-with-too-many-kpis",
    severity=Severity.WARNING,
    options={
        "max-kpis-per-owner": RuleOption(
            5, "how many KPIs one owner (person, team or group) may hold before the extra ones are reported"
        )
    },
)
def owner_with_too_many_kpis(context: RuleContext) -> Iterable[Violation]:
    """An owner holds more KPIs than anyone can keep in focus.

    ## What it checks
    KPIs are grouped by owner (`meta.owner`, or the owner of the metric's dbt group, compared
    without regard to case; a list of owners counts the KPI for each). When an owner holds more
    than `max-kpis-per-owner` KPIs (default 5), the KPIs beyond the limit are reported, one
    finding each, in file order: the first five (with the default) stay within the budget, the
    sixth and later are flagged at their `owner` key (or at the `group` that gives them their
    owner).

    One finding per excess KPI, rather than one per owner, because it reads best where CI shows
    findings: each annotation sits on a KPI that could be demoted or handed over, a KPI added to
    a full owner is flagged where it is added (new KPIs are usually appended), and a baseline
    keyed by rule and metric still notices when an owner's list keeps growing.

    ## Why it matters
    A KPI asks its owner to act when it moves. A team can keep three to five numbers in mind, a
    person one to three; beyond that, the list is read as a report rather than watched, and the
    KPIs that matter are lost among the ones that don't. The default of 5 is the upper end for a
    team; projects that assign KPIs to individuals may lower it to 3.

    ## Example
    ```yaml
    metrics:  # types, targets and other KPI keys left out
      - {name: signups,      config: {meta: {kpi: true, owner: growth@example.com}}}
      - {name: activations,  config: {meta: {kpi: true, owner: growth@example.com}}}
      - {name: trials,       config: {meta: {kpi: true, owner: growth@example.com}}}
      - {name: referrals,    config: {meta: {kpi: true, owner: growth@example.com}}}
      - {name: paid_signups, config: {meta: {kpi: true, owner: growth@example.com}}}
      - {name: web_visits,   config: {meta: {kpi: true, owner: growth@example.com}}}  # KPI005
    ```

    ## Fix
    Decide which of the owner's KPIs actually drive decisions; remove `kpi: true` from the others
    (they stay as supporting metrics), or give them to the owner who acts on them. Where a larger
    list is deliberate, raise `max-kpis-per-owner`.
    """
    limit = context.option(RULES["KPI005"], "max-kpis-per-owner")
    kpis_by_owner: dict[str, list[tuple[str, Kpi]]] = {}
    for kpi in sorted(context.kpis, key=lambda kpi: kpi.metric.location):
        if isinstance(kpi.owner.value, JinjaExpression):
            continue
        for owner in names(kpi.owner.value):
            kpis_by_owner.setdefault(owner.casefold(), []).append((owner, kpi))
    for held in kpis_by_owner.values():
        for position, (owner, kpi) in enumerate(held[limit:], start=limit + 1):
            yield Violation(
                f"`{owner}` owns {len(held)} KPIs, more than `max-kpis-per-owner` ({limit}); "
                f"`{kpi.metric.name}` is number {position}: keep as KPIs only the ones this owner "
                f"acts on and remove `{context.meta_keys.kpi}: true` from the others, or give "
                f"this one to another owner",
                kpi.metric,
                location=kpi.owner.location,
            )


@rule(
    "KPI008",
    "too-many-kpis",
    severity=Severity.WARNING,
    options={
        "min-metrics-per-kpi": RuleOption(
            3, "how many metrics the project must define per KPI: 3 allows at most one KPI in three metrics"
        ),
        "min-kpis-for-share": RuleOption(
            6, "the share is judged only when the project has at least this many KPIs"
        ),
    },
)
def too_many_kpis(context: RuleContext) -> Iterable[Violation]:
    """The project promotes too large a share of its metrics to KPIs.

    ## What it checks
    The KPIs of the project are counted against all its enabled metrics. When there are at least
    `min-kpis-for-share` KPIs (default 6) and fewer than `min-metrics-per-kpi` metrics per KPI
    (default 3: more than a third of the metrics are KPIs), one finding is reported for the
    project, at `dbt_project.yml`: at the `kpi` key of a project-wide `+meta` when that is what
    promotes the metrics, otherwise at the top of the file. Being about the whole project, it shows
    when the whole project is linted (`dbt-kpi-lint check` in CI), not when only changed metric
    files are passed, as pre-commit does.

    ## Why it matters
    KPIs sit at the top of a hierarchy: each stands on plain metrics that explain its moves (the
    numerator and denominator of a rate, the terms of a derived figure). A project that marks a
    large share of its metrics as KPIs has either promoted those supporting numbers too, or
    promotes by habit; either way the status table turns into the wall of numbers that KPIs were
    meant to replace.

    Why three metrics per KPI: a rate KPI stands on two supporting metrics, its numerator and its
    denominator, so a semantic layer whose KPIs are all rates already has three metrics per KPI.
    Diagnostic breakdowns (by channel, by plan) are dimensions in MetricFlow, not extra metrics,
    so demanding more would punish well-built projects. Fewer than three metrics per KPI means
    some KPIs stand on nothing or supporting metrics were promoted too. Why six: a project with
    five KPIs or fewer is within what one team can watch (see KPI005), and a young semantic layer
    often defines its KPIs first; judging its share would only punish it for being small.

    ## Example
    ```yaml
    # dbt_project.yml
    metrics:
      shop:
        +meta:
          kpi: true     # KPI008: every metric of the project is a KPI
    ```

    ## Fix
    Keep as KPIs the few numbers per objective that decide action (one to three per objective is
    common) and remove `kpi: true` from the rest; they stay in the semantic layer as supporting
    metrics. Never set `kpi: true` project-wide. If the project deliberately holds mostly KPIs
    (for example a package of headline metrics only), lower `min-metrics-per-kpi` or ignore KPI008.
    """
    this = RULES["KPI008"]
    per_kpi, minimum = context.option(this, "min-metrics-per-kpi"), context.option(this, "min-kpis-for-share")
    kpis, metrics = len(context.kpis), len(context.project.metrics)
    if kpis < minimum or kpis * per_kpi <= metrics:
        return
    key = context.meta_keys.kpi
    project_wide = [
        entry.location
        for kpi in context.kpis
        if (entry := kpi.metric.meta.get(key)) is not None and entry.location.path == PROJECT_FILE
    ]
    cause = f" (`+meta: {{{key}: true}}` in {PROJECT_FILE} promotes whole folders)" if project_wide else ""
    yield Violation(
        f"{kpis} of {metrics} metrics ({kpis / metrics:.0%}) are KPIs{cause}, but "
        f"`min-metrics-per-kpi` ({per_kpi}) allows at most {metrics // per_kpi}: when most numbers "
        f"are key, none is; keep as KPIs the few per objective that decide action and remove "
        f"`{key}: true` from the rest, which stay as supporting metrics",
        None,
        location=min(project_wide, default=Location(PROJECT_FILE, 1, 1)),
    )
