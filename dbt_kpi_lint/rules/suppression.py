"""Findings about suppressions themselves, raised by the engine once every rule has run."""

from __future__ import annotations

from ..model import Severity
from .registry import Rule, register


def _judged_after_all_rules(code: str, name: str, doc: str) -> Rule:
    """A warning rule without a check function: the engine raises it once every other rule ran."""
    return register(Rule(code, name, Severity.WARNING, enabled_by_default=True, check=None, doc=doc))


UNUSED_SUPPRESSION = _judged_after_all_rules(
    "SUP001",
    "unused-suppression",
    """A `# noqa` comment or a `meta` suppression suppresses nothing.

## What it checks
After every rule has run, each suppression is matched against the findings it could silence: a
`# noqa` comment covers findings on its line and, on a metric's `name:` line, every finding about
that metric; a `meta.kpi_lint.ignore` list covers findings about its metric (or, written as
`+meta` in dbt_project.yml, about every metric it applies to). A listed code that silenced
nothing, or that is not a rule code at all, is reported.

A code is judged only when its rule ran: `--select KPI001` does not make a `# noqa: VAN001`
look unused. A bare `# noqa` (no codes) is judged only when every rule that is on by default
ran. Findings of this rule cannot themselves be suppressed; ignore the rule in the
configuration if you must.

## Why it matters
A suppression outlives the problem it was written for. Once the metric is fixed, a stale
`# noqa` or `ignore` silently hides the next, unrelated problem on the same metric, and readers
keep believing an exception is needed.

## Example
```yaml
metrics:
  - name: revenue  # noqa: KPI001
    config:
      meta: {kpi: true, owner: finance@example.com, target: 100000}
```

## Fix
Remove the code (or the whole comment or `ignore` entry) that the finding names. If the code is
misspelled, correct it: `dbt-kpi-lint rules` lists every code.
""",
)

INVALID_SUPPRESSION = _judged_after_all_rules(
    "SUP002",
    "invalid-suppression",
    """A `meta` suppression gives no reason, or is not written the way the linter reads it.

## What it checks
A metric may silence rules for itself with
`meta: {kpi_lint: {ignore: [KPI005], reason: "..."}}` (the key name is configurable as
`meta-keys.lint`). The value must be a mapping with `ignore` (a rule code or a list of rule
codes) and a non-empty `reason`; no other keys are read.

A suppression without a reason still suppresses, so adopting the linter is never blocked, but it
is reported. One that is malformed (not a mapping, `ignore` missing or not codes, unknown keys)
suppresses nothing.

## Why it matters
A `meta` suppression is for teams whose reviewers want the why next to the exception, or whose
YAML is generated and cannot carry comments. Without a reason, the next reader cannot tell a
deliberate exception from a shortcut, and cannot know when it stops applying.

## Example
```yaml
metrics:
  - name: signups_total
    config:
      meta:
        kpi_lint: {ignore: [VAN001]}
```

## Fix
Add the reason: `kpi_lint: {ignore: [VAN001], reason: "board deck shows the all-time total"}`.
For a malformed entry, follow the message: it says which part is not understood.
""",
)
