"""Resolved settings of one lint run (from config files and the command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from ..kpi import MetaKeys
from ..model import Severity
from ..rules import RULES, Rule


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None  # None: the rules that are on by default
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    meta_keys: MetaKeys = MetaKeys()
    exclude: tuple[str, ...] = ()
    rule_options: Mapping[str, Any] = field(default_factory=dict)
    # What `dbt-kpi-lint generate` writes: the SQL dialects (empty: the profile's adapter, else duckdb)
    # and how many complete periods kpi_history keeps per KPI.
    dialects: tuple[str, ...] = ()
    history_periods: int = 13
    # A dbt seed or model with columns metric_name, period_start, target: per-period targets that
    # win over the meta targets for the periods it holds (a spreadsheet finance keeps).
    targets_model: str | None = None
    # The configuration file's settings before the command line changed them: what `generate`
    # computes lint codes with, and so what GEN001 compares with (None: these settings are those).
    configured: "Settings | None" = None

    @property
    def as_configured(self) -> "Settings":
        return self.configured or self

    def enabled_rules(self) -> list[Rule]:
        return [rule for rule in RULES.values() if self.is_enabled(rule)]

    def is_enabled(self, rule: Rule) -> bool:
        selected = (
            rule.enabled_by_default
            if self.select is None
            else _matches(rule.code, self.select)
        )
        selected = selected or _matches(rule.code, self.extend_select)
        return selected and not _matches(rule.code, self.ignore)

    def fails(self, severity: Severity) -> bool:
        return severity is Severity.ERROR or self.fail_on is Severity.WARNING


def _matches(code: str, selectors: tuple[str, ...]) -> bool:
    """ruff-style selectors: a full code, a prefix such as `KPI` or `KPI00`, or `ALL`."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def unknown_selectors(selectors: tuple[str, ...]) -> list[str]:
    return [
        selector
        for selector in selectors
        if selector != "ALL" and not any(code.startswith(selector) for code in RULES)
    ]
