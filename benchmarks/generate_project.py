"""Generate a large synthetic dbt project that dbt 1.11 parses, for timing the linter against `dbt parse`.

The shape follows a real warehouse project: models in domain folders, one schema YAML per model
with tested columns, semantic models in their own files, and metric YAML spread over ~150 of the
~2,150 YAML files (the semantic model files plus metric-only files). Metrics cover every type
(simple, ratio, derived, cumulative, conversion), some are KPIs with `meta`, some are vanity
(all-time cumulative) and some KPIs miss an owner or a target, so the linter has real work to do.

The output is deterministic: the same options always write the same bytes.

    python -m benchmarks.generate_project OUT_DIR [--models 2000] [--metrics 1000] ...
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path

PROJECT_NAME = "bench"
DOMAINS = (
    "finance", "marketing", "sales", "product", "support", "operations", "logistics", "growth",
    "billing", "risk", "hr", "inventory", "partners", "web", "mobile", "payments", "legal",
    "procurement", "analytics", "platform",
)
LAYERS = ("staging", "intermediate", "marts")
BASE_COLUMNS = (
    "id", "customer_id", "order_id", "created_at", "amount", "quantity",
    "discount", "score", "status", "channel", "region", "is_active",
)
COLUMN_SQL = {
    "id": "range",
    "customer_id": "range % 997",
    "order_id": "range % 4999",
    "created_at": "date '2024-01-01' + cast(range % 730 as integer)",
    "amount": "cast(range % 1000 as double) / 10",
    "quantity": "range % 7 + 1",
    "discount": "cast(range % 13 as double) / 100",
    "score": "range % 101",
    "status": "case when range % 5 = 0 then 'refunded' else 'paid' end",
    "channel": "case when range % 2 = 0 then 'web' else 'store' end",
    "region": "case when range % 3 = 0 then 'emea' else 'amer' end",
    "is_active": "range % 4 <> 0",
}
STATUSES = ("paid", "refunded")
WINDOWS = ("7 days", "14 days", "28 days", "3 months")
GRAINS = ("week", "month", "quarter", "year")
OFFSETS = ("1 week", "1 month", "1 year")
# measure suffix -> (agg, expr)
MEASURES = (
    ("rows", "count", "id"),
    ("customers", "count_distinct", "customer_id"),
    ("amount", "sum", "amount"),
    ("quantity", "sum", "quantity"),
    ("discount", "sum", "discount"),
    ("avg_score", "average", "score"),
    ("max_amount", "max", "amount"),
    ("active", "sum", "case when is_active then 1 else 0 end"),
)
# metric type -> weight in the mix; the rest of the mix is simple metrics
METRIC_MIX = (
    ("simple", 56),
    ("ratio", 12),
    ("derived", 12),
    ("cumulative_window", 8),
    ("cumulative_grain", 5),
    ("cumulative_legacy_window", 2),
    ("cumulative_all_time", 3),
    ("conversion", 2),
)
KPI_EVERY = 20  # one metric in twenty is promoted to KPI


@dataclass(frozen=True)
class Options:
    models: int = 2000
    metrics: int = 1000
    semantic_models: int = 100
    tested_columns: int = 12
    metric_files: int = 50  # metric-only YAML files, next to the semantic model files
    kpi_every: int = KPI_EVERY  # one metric in this many is a KPI (1: every metric)
    seed: int = 7


@dataclass
class _SemanticModel:
    name: str
    model: str
    entity: str
    domain: str
    path: str  # project-relative
    metrics: list[str] = field(default_factory=list)  # YAML blocks

    def measure(self, suffix: str) -> str:
        return f"{self.name}_{suffix}"


def generate(out: Path, options: Options = Options()) -> Path:
    """Write the project into `out` (emptied first) and return it."""
    if options.semantic_models > options.models:
        raise ValueError("every semantic model needs its own model: --semantic-models <= --models")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files: dict[str, str] = {
        "dbt_project.yml": _dbt_project(),
        "profiles.yml": _profiles(),
        "models/metricflow_time_spine.sql": _time_spine_sql(),
        "models/metricflow_time_spine.yml": _time_spine_yml(),
        "models/_groups.yml": _groups_yml(),
    }
    columns = _columns(options.tested_columns)
    models = _model_names(options.models)
    for index, (domain, layer, name) in enumerate(models):
        upstream = _upstream(models, index)
        files[f"models/{domain}/{layer}/{name}.sql"] = _model_sql(columns, upstream)
        files[f"models/{domain}/{layer}/{name}.yml"] = _model_yml(name, columns, upstream, index)
    semantic_models = _semantic_models(models, options.semantic_models)
    metric_only_files = [
        (f"models/{DOMAINS[index % len(DOMAINS)]}/metrics/{DOMAINS[index % len(DOMAINS)]}_metrics_{index:03d}.yml", [])
        for index in range(options.metric_files)
    ]
    _add_metrics(options, semantic_models, metric_only_files)
    for semantic_model in semantic_models:
        files[semantic_model.path] = _semantic_model_yml(semantic_model)
    for path, blocks in metric_only_files:
        if blocks:
            files[path] = "version: 2\n\nmetrics:\n" + "".join(blocks)
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out


def _dbt_project() -> str:
    return f"""\
name: {PROJECT_NAME}
version: "1.0.0"
config-version: 2
profile: {PROJECT_NAME}

model-paths: ["models"]
target-path: target

vars:
  revenue_target: 250000
  finance:
    margin_target: 0.35

models:
  {PROJECT_NAME}:
    +materialized: view

flags:
  send_anonymous_usage_stats: false
"""


def _profiles() -> str:
    return f"""\
{PROJECT_NAME}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: target/{PROJECT_NAME}.duckdb
      threads: 2
"""


def _time_spine_sql() -> str:
    return """\
select cast(range as date) as date_day
from range(date '2020-01-01', date '2030-01-01', interval 1 day)
"""


def _time_spine_yml() -> str:
    return """\
version: 2

models:
  - name: metricflow_time_spine
    description: One row per day, for MetricFlow's cumulative and offset metrics.
    time_spine:
      standard_granularity_column: date_day
    columns:
      - name: date_day
        granularity: day
        data_tests: [not_null, unique]
"""


def _groups_yml() -> str:
    blocks = "".join(
        f"""\
  - name: {domain}
    owner:
      name: {domain.title()} analytics
      email: {domain}-analytics@example.com
"""
        for domain in DOMAINS
    )
    return f"version: 2\n\ngroups:\n{blocks}"


def _columns(count: int) -> list[str]:
    return [*BASE_COLUMNS[:count], *(f"attribute_{number:02d}" for number in range(len(BASE_COLUMNS) + 1, count + 1))]


def _model_names(count: int) -> list[tuple[str, str, str]]:
    names = []
    for index in range(count):
        domain = DOMAINS[index % len(DOMAINS)]
        layer = LAYERS[min(len(LAYERS) - 1, 3 * index // max(count, 1))]
        prefix = {"staging": "stg", "intermediate": "int", "marts": "fct"}[layer]
        names.append((domain, layer, f"{prefix}_{domain}_{index:05d}"))
    return names


def _upstream(models: list[tuple[str, str, str]], index: int) -> str | None:
    """Staging models read raw rows; later layers read a model of the same domain one layer down."""
    _, layer, _ = models[index]
    if layer == "staging":
        return None
    candidate = index - len(DOMAINS)
    while candidate >= 0 and models[candidate][1] == layer:
        candidate -= len(DOMAINS)
    spread = (index % 5) * len(DOMAINS)
    if candidate - spread >= 0:
        candidate -= spread
    return models[candidate][2] if candidate >= 0 else None


def _model_sql(columns: list[str], upstream: str | None) -> str:
    if upstream is not None:
        selected = ",\n    ".join(columns)
        return f"select\n    {selected}\nfrom {{{{ ref('{upstream}') }}}}\n"
    expressions = ",\n    ".join(f"{COLUMN_SQL.get(column, 'range % 17')} as {column}" for column in columns)
    return f"select\n    {expressions}\nfrom range(1000)\n"


def _model_yml(name: str, columns: list[str], upstream: str | None, index: int) -> str:
    entries = []
    for column in columns:
        tests = ["not_null"]
        if column == "id":
            tests.append("unique")
        text = f"      - name: {column}\n        description: The {column.replace('_', ' ')} of each row.\n"
        extra = ""
        if column == "status":
            extra = (
                "          - accepted_values:\n              arguments:\n"
                f"                values: [{', '.join(STATUSES)}]\n"
            )
        elif column == "id" and upstream is not None and index % 4 == 0:
            extra = (
                "          - relationships:\n              arguments:\n"
                f"                to: ref('{upstream}')\n                field: id\n"
            )
        text += "        data_tests:\n" + "".join(f"          - {test}\n" for test in tests) + extra
        entries.append(text)
    return f"""\
version: 2

models:
  - name: {name}
    description: Synthetic model {index} for the benchmark.
    config:
      tags: [{LAYERS[0] if name.startswith('stg') else 'core'}]
    columns:
{''.join(entries)}"""


def _semantic_models(models: list[tuple[str, str, str]], count: int) -> list[_SemanticModel]:
    """Semantic models sit on evenly spaced models from the marts end, across all domains."""
    stride = len(models) // count
    chosen = [
        models[len(models) - 1 - position * stride - position % min(stride, len(DOMAINS))]
        for position in range(count)
    ]
    semantic_models = []
    for domain, _, model in sorted(chosen, key=lambda entry: entry[2]):
        noun = model.split("_", 1)[1]
        semantic_models.append(
            _SemanticModel(
                name=f"sem_{noun}",
                model=model,
                entity=f"{noun}_row",
                domain=domain,
                path=f"models/{domain}/semantic/sem_{noun}.yml",
            )
        )
    return semantic_models


def _semantic_model_yml(semantic_model: _SemanticModel) -> str:
    measures = "".join(
        f"""\
      - name: {semantic_model.measure(suffix)}
        agg: {agg}
        expr: {expr}
"""
        for suffix, agg, expr in MEASURES
    )
    text = f"""\
version: 2

semantic_models:
  - name: {semantic_model.name}
    description: Rows of {semantic_model.model}, for the semantic layer.
    model: ref('{semantic_model.model}')
    defaults:
      agg_time_dimension: created_at
    entities:
      - name: {semantic_model.entity}
        type: primary
        expr: id
      - name: customer
        type: foreign
        expr: customer_id
    dimensions:
      - name: created_at
        type: time
        type_params:
          time_granularity: day
      - name: status
        type: categorical
      - name: channel
        type: categorical
      - name: region
        type: categorical
    measures:
{measures}"""
    if semantic_model.metrics:
        text += "\nmetrics:\n" + "".join(semantic_model.metrics)
    return text


def _add_metrics(
    options: Options,
    semantic_models: list[_SemanticModel],
    metric_only_files: list[tuple[str, list[str]]],
) -> None:
    """Spread metrics over the semantic model files and the metric-only files, round robin."""
    rng = random.Random(options.seed)
    kinds = [kind for kind, weight in METRIC_MIX for _ in range(weight)]
    simple_names: list[str] = []
    cumulative_names: list[str] = []
    file_count = len(semantic_models) + len(metric_only_files)
    for index in range(options.metrics):
        file_index = index % file_count
        if file_index < len(semantic_models):
            semantic_model = semantic_models[file_index]
            blocks = semantic_model.metrics
        else:
            semantic_model = semantic_models[rng.randrange(len(semantic_models))]
            blocks = metric_only_files[file_index - len(semantic_models)][1]
        kind = rng.choice(kinds) if len(simple_names) >= 2 else "simple"
        name = f"{semantic_model.domain}_{kind.split('_')[0]}_{index:05d}"
        body = _metric_body(kind, semantic_model, simple_names, cumulative_names, rng)
        if kind == "simple":
            simple_names.append(name)
        elif kind.startswith("cumulative"):
            cumulative_names.append(name)
        blocks.append(_metric_yml(name, kind, body, semantic_model.domain, index, rng, options.kpi_every))


def _metric_body(
    kind: str,
    semantic_model: _SemanticModel,
    simple_names: list[str],
    cumulative_names: list[str],
    rng: random.Random,
) -> str:
    """The type-specific YAML of a metric; one ratio or derived metric in ten reads a cumulative one."""
    measure = semantic_model.measure(rng.choice(MEASURES)[0])
    if kind == "simple":
        body = f"    type_params:\n      measure: {measure}\n"
        if rng.random() < 0.2:
            status = rng.choice(STATUSES)
            body += f"    filter: |\n      {{{{ Dimension('{semantic_model.entity}__status') }}}} = '{status}'\n"
        return body
    if kind == "ratio":
        numerator, denominator = rng.sample(simple_names, 2)
        if cumulative_names and rng.random() < 0.1:
            denominator = rng.choice(cumulative_names)
        return f"    type_params:\n      numerator: {numerator}\n      denominator: {denominator}\n"
    if kind == "derived":
        first, second = rng.sample(simple_names, 2)
        if cumulative_names and rng.random() < 0.1:
            second = rng.choice(cumulative_names)
        offset = f"\n          offset_window: {rng.choice(OFFSETS)}" if rng.random() < 0.3 else ""
        return (
            f"    type_params:\n      expr: {first} - {second}\n      metrics:\n"
            f"        - name: {first}\n        - name: {second}{offset}\n"
        )
    if kind == "cumulative_window":
        return (
            f"    type_params:\n      measure: {measure}\n      cumulative_type_params:\n"
            f"        window: {rng.choice(WINDOWS)}\n"
        )
    if kind == "cumulative_grain":
        return (
            f"    type_params:\n      measure: {measure}\n      cumulative_type_params:\n"
            f"        grain_to_date: {rng.choice(GRAINS)}\n"
        )
    if kind == "cumulative_legacy_window":
        return f"    type_params:\n      measure: {measure}\n      window: {rng.choice(WINDOWS)}\n"
    if kind == "cumulative_all_time":
        return f"    type_params:\n      measure: {measure}\n"
    if kind == "conversion":
        return f"""\
    type_params:
      conversion_type_params:
        entity: {semantic_model.entity}
        calculation: conversion_rate
        base_measure:
          name: {semantic_model.measure('customers')}
        conversion_measure:
          name: {semantic_model.measure('rows')}
        window: {rng.choice(WINDOWS)}
"""
    raise ValueError(f"unknown metric kind {kind}")


def _metric_yml(name: str, kind: str, body: str, domain: str, index: int, rng: random.Random, kpi_every: int) -> str:
    metric_type = kind.split("_")[0]
    text = (
        f"  - name: {name}\n"
        f"    label: {name.replace('_', ' ').title()}\n"
        f"    description: Synthetic {metric_type} metric number {index}.\n"
        f"    type: {metric_type}\n"
        f"{body}"
    )
    config = _kpi_config(domain, index // kpi_every, rng) if index % kpi_every == kpi_every - 1 else ""
    if not config and rng.random() < 0.3:
        config = f"    config:\n      group: {domain}\n"
    return text + config


def _kpi_config(domain: str, kpi_index: int, rng: random.Random) -> str:
    """Most KPIs are complete; some lean on their group's owner; a few miss an owner or a target."""
    flavor = kpi_index % 10
    lines = ["    config:"]
    if flavor in (1, 2):
        lines.append(f"      group: {domain}")
    lines += ["      meta:", "        kpi: true"]
    if flavor not in (1, 2, 7):
        lines.append(f"        owner: {domain}-lead@example.com")
    if flavor == 3:
        lines.append("        target: \"{{ var('revenue_target') }}\"")
    elif flavor != 8:
        lines.append(f"        target: {rng.randrange(100, 100000)}")
    lines.append(f"        direction: {'decrease' if flavor == 5 else 'increase'}")
    lines.append(f"        objective: grow_{domain}")
    lines.append(f"        indicator: {'leading' if flavor % 2 else 'lagging'}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the project into (emptied first)")
    for option in fields(Options):  # every size knob is an integer option of the same name
        parser.add_argument(
            f"--{option.name.replace('_', '-')}", type=int, default=option.default,
            help=f"default {option.default}",
        )
    args = parser.parse_args(argv)
    options = Options(**{option.name: getattr(args, option.name) for option in fields(Options)})
    root = generate(args.out, options)
    yaml_files = sum(1 for _ in root.rglob("*.yml"))
    print(f"wrote {root}: {options.models} models, {options.semantic_models} semantic models, "
          f"{options.metrics} metrics, {yaml_files} YAML files")


if __name__ == "__main__":
    main()
