"""Resolved settings of one lint run (from config files and the command line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from ..kpi.fields import MetaKeys
from ..model import Severity


@dataclass(frozen=True)
class RuleOption:
    """A setting a rule reads from the configuration (names are flat and shared by all rules)."""

    default: Any
    help: str


@dataclass(frozen=True)
class Configurable:
    """What a configuration file may name. The layers above tell it (the rule registry its codes
    and options, the generator its dialects): the configuration imports neither."""

    rule_codes: tuple[str, ...] = ()
    rule_options: Mapping[str, RuleOption] = field(default_factory=dict)
    dialects: tuple[str, ...] = ()


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

    def is_enabled(self, code: str, enabled_by_default: bool) -> bool:
        selected = enabled_by_default if self.select is None else _matches(code, self.select)
        selected = selected or _matches(code, self.extend_select)
        return selected and not _matches(code, self.ignore)

    def fails(self, severity: Severity) -> bool:
        return severity is Severity.ERROR or self.fail_on is Severity.WARNING


def _matches(code: str, selectors: tuple[str, ...]) -> bool:
    """ruff-style selectors: a full code, a prefix such as `KPI` or `KPI00`, or `ALL`."""
    return any(selector == "ALL" or code.startswith(selector) for selector in selectors)


def matching_codes(selector: str, codes: Collection[str]) -> list[str]:
    return [code for code in codes if _matches(code, (selector,))]


def unknown_selectors(selectors: tuple[str, ...], codes: Collection[str]) -> list[str]:
    return [selector for selector in selectors if not matching_codes(selector, codes)]
