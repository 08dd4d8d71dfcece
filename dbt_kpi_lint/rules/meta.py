"""Where KPI meta is written decides whether dbt, and the Semantic Layer API, ever see it."""

from __future__ import annotations

from typing import Iterable

from ..kpi.fields import MetaKeys
from ..kpi.values import shown
from ..loading.dbt_project import PROJECT_FILE
from ..model import MetaEntry, Metric, Severity, same_value
from .registry import RuleContext, Violation, rule


@rule(
    "META001",
    "kpi-meta-outside-config",
    severity=Severity.WARNING,
    severity_note="error when dbt discards the fields, warning otherwise",
    fixable=True,
)
def kpi_meta_outside_config(context: RuleContext) -> Iterable[Violation]:
    """A metric keeps KPI fields in its top-level `meta`, where dbt drops or hides them.

    ## What it checks
    KPI fields (`kpi`, `owner`, `target`, `direction`, `objective`, `indicator`, `at_risk_band`,
    `grain`, or the names your configuration gives them) written in a metric's top-level `meta`
    instead of `config.meta`:

    - **error** when the metric's `config.meta` is non-empty, set on the metric or inherited from
      `metrics: +meta:` in `dbt_project.yml`: dbt then replaces the whole top-level `meta` with
      `config.meta`, and the fields vanish from every artifact. A field that `config.meta` also
      sets, to the same value, is not reported.
    - **warning** when `config.meta` is empty: dbt keeps the fields in `manifest.json`, but
      `semantic_manifest.json`, which the dbt Semantic Layer API and MetricFlow read, keeps only
      `config.meta`.

    ## Why it matters
    The first case is silent: one project-wide `+meta: {domain: sales}` added to
    `dbt_project.yml` turns every metric's top-level `kpi: true`, owner and target into nothing,
    and the KPI is gone without an error. In the second case BI tools on the Semantic Layer never
    learn that the metric is a KPI.

    ## Example
    ```yaml
    # dbt_project.yml
    metrics:
      shop:
        +meta: {domain: sales}
    # models/metrics.yml
    metrics:
      - name: revenue
        type: simple
        type_params: {measure: revenue}
        meta:            # replaced by config.meta = {domain: sales}
          kpi: true
          owner: finance@example.com
    ```

    ## Fix
    Move the fields under the metric's `config: meta:`. `dbt-kpi-lint check --fix` does it,
    keeping comments and quoting; when `config.meta` is empty it moves the whole top-level `meta`
    block, so that dbt does not then drop its other keys. A field that `config.meta` sets to a
    different value is left for you: dbt uses the `config.meta` value today.
    """
    for metric in context.project.metrics:
        written = top_level_kpi_fields(metric, context.meta_keys)
        if not written or metric.spec == "latest":  # META002: the latest spec has no top-level meta at all
            continue
        if not metric.config_meta:
            yield Violation(
                f"`{metric.name}` keeps KPI fields {_keys(written)} in top-level `meta`: manifest.json has "
                f"them, but semantic_manifest.json (what the Semantic Layer API and MetricFlow read) keeps "
                f"only `config.meta`; move the `meta` block under `config:` (`--fix` does it)",
                metric,
                location=metric.top_level_meta[written[0]].location,
                severity=Severity.WARNING,
            )
            continue
        discarded = [key for key in written if _differs(metric.top_level_meta[key], metric.config_meta.get(key))]
        if discarded:
            yield Violation(
                _discarded_message(metric, discarded),
                metric,
                location=metric.top_level_meta[discarded[0]].location,
                severity=Severity.ERROR,
            )


def top_level_kpi_fields(metric: Metric, keys: MetaKeys) -> list[str]:
    names = {getattr(keys, name) for name in keys.names()}
    return [key for key in metric.top_level_meta if key in names]


def meta_keys_to_move(metric: Metric, keys: MetaKeys) -> list[str]:
    """What `--fix` moves under `config.meta`.

    With an empty `config.meta`, the whole top-level `meta`: moving only the KPI fields would make
    dbt drop the rest. Otherwise the KPI fields dbt discards that `config.meta` does not set.
    """
    if not metric.config_meta:
        return list(metric.top_level_meta)
    return [key for key in top_level_kpi_fields(metric, keys) if key not in metric.config_meta]


def _discarded_message(metric: Metric, discarded: list[str]) -> str:
    from_project = all(entry.location.path.endswith(PROJECT_FILE) for entry in metric.config_meta.values())
    origin = " (inherited from `+meta` in dbt_project.yml)" if from_project else ""
    absent = [key for key in discarded if key not in metric.config_meta]
    overridden = [key for key in discarded if key in metric.config_meta]
    actions = []
    if absent:
        actions.append(f"move {_keys(absent)} under `config.meta` (`--fix` does it)")
    if overridden:
        kept = ", ".join(f"`{key}: {shown(metric.config_meta[key].value)}`" for key in overridden)
        actions.append(f"delete the top-level {_keys(overridden)} (dbt uses {kept} from `config.meta`)")
    return (
        f"dbt discards the top-level `meta` of `{metric.name}` because its `config.meta` is set{origin}, "
        f"so dbt sees only `config.meta` ({_keys(list(metric.config_meta))}); {' and '.join(actions)}"
    )


def _differs(top_level: MetaEntry, config: MetaEntry | None) -> bool:
    return config is None or not same_value(config.value, top_level.value)


def _keys(keys: list[str]) -> str:
    return ", ".join(f"`{key}`" for key in keys)



@rule("META002", "latest-spec-top-level-meta", severity=Severity.ERROR, fixable=True)
def latest_spec_top_level_meta(context: RuleContext) -> Iterable[Violation]:
    """A metric of the latest semantic-layer spec sets a top-level `meta`, so dbt refuses the file.

    ## What it checks
    A metric written in the latest spec (no `type_params`: simple metrics with `agg`, cumulative
    ones with `input_metric`, derived ones with `input_metrics`, in a model's YAML or under a
    top-level `metrics:`) with a `meta:` of its own instead of `config: meta:`. The finding points
    at the first key of that `meta`.

    ## Why it matters
    In the latest spec `meta` exists only under `config`. dbt 1.12 validates the file against the
    spec and refuses all of it ("Additional properties are not allowed ('meta' was unexpected)"),
    so not one metric of the file is defined. The linter reads the metric as dbt would read it once
    the file parses: without that meta, so a `kpi: true` written there makes no KPI.

    ## Example
    ```yaml
    metrics:
      - name: revenue_last_28_days
        type: cumulative
        input_metric: revenue
        window: 28 days
        meta: {kpi: true, owner: finance@example.com}
    ```

    ## Fix
    Move the keys under `config: meta:`. `dbt-kpi-lint check --fix` does it, keeping comments and
    quoting, unless `config.meta` already sets one of the keys: then choose the value yourself and
    delete the other.
    """
    for metric in context.project.metrics:
        if metric.spec == "latest" and metric.top_level_meta:
            first = next(iter(metric.top_level_meta.values()))
            yield Violation(
                f"`{metric.name}` is a latest-spec metric with a top-level `meta`, which that spec does not "
                f"have: dbt 1.12 refuses the whole file ('meta' was unexpected), so none of its metrics "
                f"exist; move {_keys(list(metric.top_level_meta))} under `config.meta` (`--fix` does it)",
                metric,
                location=first.location,
            )
