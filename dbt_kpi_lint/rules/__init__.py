"""Every rule module is imported here so that importing the package fills the registry."""

from . import (  # noqa: F401
    certification,
    deprecations,
    display,
    focus,
    framing,
    generated,
    key_spelling,
    loading,
    meta,
    objectives,
    ownership,
    period,
    references,
    suppression,
    targets,
    uniqueness,
    vanity,
)
from .registry import RULES, Rule, RuleContext, RuleOption, Violation, configurable_rules, enabled_rules

__all__ = ["RULES", "Rule", "RuleContext", "RuleOption", "Violation", "configurable_rules", "enabled_rules"]
