"""`dbt-kpi-lint rules` and `dbt-kpi-lint rule CODE|NAME`: what each rule checks, from its documentation."""

from __future__ import annotations

import argparse
from typing import Any

from ..rules import RULES, Rule
from ..rules.docs import rule_documentation
from .common import EXIT_OK, UsageError
from .parser import did_you_mean


def add_parser(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list every rule with its code, severity, default and fixability")
    rules.set_defaults(run=run_rules)

    explain = commands.add_parser("rule", help="print the documentation of one rule")
    explain.add_argument("rule", help="a rule code or name, e.g. KPI001 or kpi-without-owner")
    explain.set_defaults(run=run_rule)


def run_rules(args: argparse.Namespace) -> int:
    rows = [("code", "name", "severity", "default", "fix", "summary")]
    for rule in sorted(RULES.values(), key=lambda rule: rule.code):
        rows.append(
            (
                rule.code,
                rule.name,
                rule.severity_description,
                "on" if rule.enabled_by_default else "off",
                "yes" if rule.fixable else "no",
                rule.summary,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    print(rule_documentation(_rule_called(args.rule)))
    return EXIT_OK


def _rule_called(code_or_name: str) -> Rule:
    by_name = {rule.name: rule for rule in RULES.values()}
    rule = RULES.get(code_or_name.upper()) or by_name.get(code_or_name.lower())
    if rule is None:
        suggestion = did_you_mean(code_or_name.upper(), RULES) or did_you_mean(code_or_name.lower(), by_name)
        raise UsageError(f"unknown rule {code_or_name}" + (suggestion or "; `dbt-kpi-lint rules` lists them"))
    return rule
