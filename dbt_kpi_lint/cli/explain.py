"""`dbt-kpi-lint rules` and `dbt-kpi-lint rule CODE`: what each rule checks, from its documentation."""

from __future__ import annotations

import argparse
from typing import Any

from ..rules import RULES
from ..rules.docs import rule_documentation
from .common import EXIT_OK, UsageError


def add_parser(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list every rule with its code, severity and default")
    rules.set_defaults(run=run_rules)

    explain = commands.add_parser("rule", help="print the documentation of one rule")
    explain.add_argument("code", help="a rule code, e.g. KPI001")
    explain.set_defaults(run=run_rule)


def run_rules(args: argparse.Namespace) -> int:
    rows = [("code", "name", "severity", "default", "summary")]
    for rule in sorted(RULES.values(), key=lambda rule: rule.code):
        rows.append(
            (rule.code, rule.name, rule.default_severity.value, "on" if rule.enabled_by_default else "off", rule.summary)
        )
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    rule = RULES.get(args.code.upper())
    if rule is None:
        raise UsageError(f"unknown rule code {args.code}; `dbt-kpi-lint rules` lists them")
    print(rule_documentation(rule))
    return EXIT_OK
