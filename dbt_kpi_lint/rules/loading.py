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
the parser gave up and quotes its reason.

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
