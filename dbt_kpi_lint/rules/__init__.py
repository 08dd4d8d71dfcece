"""Every rule module is imported here so that importing the package fills the registry."""

from . import focus, framing, generated, loading, objectives, ownership, period, targets, vanity  # noqa: F401
from .registry import RULES, Rule, RuleContext, RuleOption, Violation

__all__ = ["RULES", "Rule", "RuleContext", "RuleOption", "Violation"]
