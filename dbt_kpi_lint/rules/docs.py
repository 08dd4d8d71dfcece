"""Rule documentation rendered from each rule's docstring and options: one text for
`dbt-kpi-lint rule CODE`, the rule help of machine formats, and `docs/rules.md`.

Regenerate the committed page with `python -m dbt_kpi_lint.rules.docs > docs/rules.md`.
"""

from __future__ import annotations

import sys

from . import RULES, Rule

REGENERATE_COMMAND = "python -m dbt_kpi_lint.rules.docs > docs/rules.md"


def rule_help(rule: Rule) -> str:
    """What the rule checks, why, an example, the fix, and its options (Markdown)."""
    options = "".join(
        f"\n- `{name}` (default `{option.default}`): {option.help}" for name, option in rule.options.items()
    )
    return f"{rule.explanation}\n\n## Options\n{options.lstrip() or 'None.'}"


def rule_documentation(rule: Rule, heading_level: int = 1) -> str:
    """The whole page of one rule, its title at `heading_level` (2 when it sits in docs/rules.md)."""
    default = (
        "on by default"
        if rule.enabled_by_default
        else f"off by default (enable it with `--extend-select {rule.code}`)"
    )
    fix = "; `--fix` fixes it" if rule.fixable else ""
    page = (
        f"# {rule.code} {rule.name}\n\n{rule.summary}\n\n"
        f"Default severity: {rule.severity_description}; {default}{fix}.\n\n{rule_help(rule)}"
    )
    return _deepen_headings(page, heading_level - 1)


def rules_markdown() -> str:
    """The content of docs/rules.md."""
    rules = sorted(RULES.values(), key=lambda rule: rule.code)
    rows = "".join(
        f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) | {rule.name} | {rule.severity_description} "
        f"| {'on' if rule.enabled_by_default else 'off'} | {'yes' if rule.fixable else ''} "
        f"| {_table_cell(rule.summary)} |\n"
        for rule in rules
    )
    pages = "\n\n".join(rule_documentation(rule, heading_level=2) for rule in rules)
    return (
        "# dbt-kpi-lint rules\n\n"
        f"<!-- Generated from the rule docstrings by `{REGENERATE_COMMAND}`; edit those, not this file. -->\n\n"
        "Every rule can be selected or ignored by its code (`--select`, `--ignore`); a finding about a\n"
        "metric can be silenced with `# noqa: CODE` on the metric's `name:` line or on the reported line.\n"
        "Rule options are set by their name in the dbt-kpi-lint configuration.\n"
        "`dbt-kpi-lint rule CODE` (or the rule's name) prints the same text as below.\n\n"
        "| Code | Name | Severity | Default | Fix | Summary |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        f"{rows}\n{pages}\n"
    )


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _deepen_headings(markdown: str, levels: int) -> str:
    """Add `levels` to every Markdown heading outside code blocks (YAML comments start with # too)."""
    lines = []
    in_code = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    sys.stdout.write(rules_markdown())


if __name__ == "__main__":
    main()
