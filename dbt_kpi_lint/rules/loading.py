"""Findings raised while reading files rather than by checking metrics."""

from __future__ import annotations

from ..model import Severity
from .registry import Rule, register

UNREADABLE_FILE = register(
    Rule(
        code="YML001",
        name="unreadable-yaml",
        default_severity=Severity.ERROR,
        enabled_by_default=True,
        check=None,
        doc="""A YAML file in the project cannot be read, so its metrics are not linted.

## What it checks
Every schema YAML file that can hold metrics, semantic models or groups must parse as YAML
(dbt's YAML 1.1 reading) and be UTF-8 encoded. The finding points at the line and column where
the parser gave up and quotes its reason. That includes values dbt's reader cannot build (a date
such as `2024-02-30`, `!!int abc`, an integer of more than 4,300 digits), a mapping or a list
used as a key, and values nested deeper than 200 levels.

A schema file that is not a regular file (a FIFO, or a link to a device such as `/dev/zero`) or
that is larger than 8 MB is not read at all, and is reported at its first line.

## Why it matters
dbt will refuse the same file, and no rule can vouch for the metrics inside it: a KPI in a broken
file is invisible to every other check.

## Example
```yaml
metrics:
  - name: revenue
    label: Revenue
      type: simple   # indented too far
```

## Fix
Correct the syntax at the reported position (`dbt parse` shows the same error), or re-save the file
as UTF-8.
""",
    )
)

DBT_METRICS_SPEC = register(
    Rule(
        code="YML002",
        name="dbt-metrics-spec",
        default_severity=Severity.ERROR,
        enabled_by_default=True,
        check=None,
        doc="""A metric is written in the pre-MetricFlow `dbt_metrics` spec, which dbt 1.6 and later refuse.

## What it checks
A `metrics:` entry without `type_params` that carries keys of the spec the `dbt_metrics`
package read before dbt 1.6: `calculation_method`, `expression`, `timestamp`, `time_grains` or
`sql`. One finding per such metric, at its `name:`. The file's other metrics are not linted,
since dbt refuses the whole file.

## Why it matters
dbt 1.6 replaced that spec with MetricFlow's semantic layer. A project still carrying such files
fails `dbt parse`; to the linter they look like metrics of the current spec that happen to have
no problems, and "All checks passed" would be a false comfort.

## Example
```yaml
metrics:
  - name: new_customers
    label: New customers
    model: ref('dim_customers')
    calculation_method: count_distinct
    expression: customer_id
    timestamp: first_order_date
    time_grains: [day, week, month]
```

## Fix
Migrate to MetricFlow: a semantic model over `dim_customers` with a `count_distinct` measure
and a time dimension, and a metric `type: simple` whose `type_params.measure` names it. dbt's
migration guide (https://docs.getdbt.com/guides/sl-migration) walks through it.
""",
    )
)
