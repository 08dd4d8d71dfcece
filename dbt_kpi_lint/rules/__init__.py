"""Every rule module is imported here so that importing the package fills the registry."""

from . import deprecations, focus, framing, generated, loading, meta, objectives, ownership, targets, vanity  # noqa: F401
from .registry import RULES, Rule, RuleContext, RuleOption, Violation

__all__ = ["RULES", "Rule", "RuleContext", "RuleOption", "Violation"]
