"""The rule registry: each rule is a small function with a code, a name and its documentation.

A rule's docstring is its documentation (`dbt-kpi-lint rule CODE`, SARIF help, docs/rules.md):
its first paragraph is the short description, the rest is Markdown. Everything else a rule
states about itself is an argument of the `@rule` decorator, so the CLI, the docs and every
output format read it from one place.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping

from ..config.settings import Configurable, RuleOption, Settings
from ..kpi.fields import Kpi, MetaKeys, kpi_of
from ..kpi.spec import LintCodes
from ..model import Location, Metric, Project, Severity


@dataclass(frozen=True)
class Violation:
    """What a rule reports; the engine turns it into a Finding with the rule's code."""

    message: str
    metric: Metric | None
    location: Location | None = None  # default: the metric's `name:` entry
    severity: Severity | None = None  # default: the rule's severity


def _no_lint_codes() -> LintCodes:
    raise RuntimeError("only the lint engine can tell the KPIs' lint codes")


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at: the project and the KPI view of it, never a file."""

    project: Project
    settings: Settings
    # Per metric, the codes of the other rules' findings, computed on first use by the engine
    # (which runs the rules); the rule comparing generated models with the project reads them.
    kpi_lint_codes: Callable[[], LintCodes] = _no_lint_codes

    @property
    def meta_keys(self) -> MetaKeys:
        return self.settings.meta_keys

    @property
    def options(self) -> Mapping[str, Any]:
        return self.settings.rule_options

    @cached_property
    def kpis(self) -> list[Kpi]:
        return [
            kpi
            for metric in self.project.metrics
            if (kpi := kpi_of(metric, self.project, self.meta_keys)) is not None
        ]

    def option(self, rule: "Rule", name: str) -> Any:
        return self.options.get(name, rule.options[name].default)


RuleCheck = Callable[[RuleContext], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    default_severity: Severity
    enabled_by_default: bool
    check: RuleCheck | None  # None for findings the loader raises (unreadable files)
    doc: str
    options: Mapping[str, RuleOption] = field(default_factory=dict)
    severity_note: str | None = None
    fixable: bool = False

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ").strip()

    @property
    def explanation(self) -> str:
        parts = self.doc.split("\n\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def severity_description(self) -> str:
        """The severity as `dbt-kpi-lint rules` and docs/rules.md state it: decided per finding, or fixed."""
        return self.severity_note or self.default_severity.value

    def enabled_in(self, settings: Settings) -> bool:
        return settings.is_enabled(self.code, self.enabled_by_default)


RULES: dict[str, Rule] = {}


def enabled_rules(settings: Settings) -> list[Rule]:
    return [rule for rule in RULES.values() if rule.enabled_in(settings)]


def configurable_rules() -> Configurable:
    """What a configuration file may name of the rules: their codes, and their options."""
    return Configurable(
        rule_codes=tuple(RULES),
        rule_options={name: option for rule in RULES.values() for name, option in rule.options.items()},
    )


def register(rule: Rule) -> Rule:
    if rule.code in RULES:
        raise ValueError(f"rule code {rule.code} is registered twice")
    RULES[rule.code] = rule
    return rule


def rule(
    code: str,
    name: str,
    *,
    severity: Severity,
    enabled: bool = True,
    options: Mapping[str, RuleOption] | None = None,
    severity_note: str | None = None,
    fixable: bool = False,
) -> Callable[[RuleCheck], RuleCheck]:
    """Register the decorated function as the check of rule `code`.

    - `severity`: the severity of its findings, unless a Violation sets its own.
    - `enabled`: on by default; `False` for rules users opt into (`--extend-select`).
    - `options`: settings users may give by name in the configuration.
    - `severity_note`: when the rule's Violations choose their severity, how it is decided, in a
      few words that replace `severity` wherever the rule is listed, e.g. "warning; error on a
      KPI". A configured severity overrides it (every finding then has that severity).
    - `fixable`: `check --fix` can edit the YAML to remove the finding; findings are then marked
      `[*]`. The edit itself is written in dbt_kpi_lint/fix/moves.py, which refuses codes it has
      no edit for.
    """

    def decorate(check: RuleCheck) -> RuleCheck:
        register(
            Rule(
                code=code,
                name=name,
                default_severity=severity,
                enabled_by_default=enabled,
                check=check,
                doc=inspect.cleandoc(check.__doc__ or ""),
                options=options or {},
                severity_note=severity_note,
                fixable=fixable,
            )
        )
        return check

    return decorate
