"""Every rule module is imported here so that importing the package fills the registry."""

from . import (  # noqa: F401
    certification,
    deprecations,
    focus,
    framing,
    generated,
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
from .registry import RULES, Rule, RuleContext, RuleOption, Violation

__all__ = ["RULES", "Rule", "RuleContext", "RuleOption", "Violation"]
