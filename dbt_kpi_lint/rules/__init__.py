"""Every rule module is imported here so that importing the package fills the registry."""

from . import deprecations, loading, meta, ownership, vanity  # noqa: F401
from .registry import RULES, Rule, RuleContext, RuleOption, Violation

__all__ = ["RULES", "Rule", "RuleContext", "RuleOption", "Violation"]
