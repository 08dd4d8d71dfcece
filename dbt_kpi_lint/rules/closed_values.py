"""The finding on a KPI field whose value is outside its closed vocabulary, for the rules of each field."""

from __future__ import annotations

from ..kpi.fields import Kpi, KpiField
from ..kpi.values import Vocabulary, shown
from .registry import Violation


def unaccepted_value(kpi: Kpi, key: str, kpi_field: KpiField, vocabulary: Vocabulary, consequence: str) -> Violation | None:
    """The finding on a KPI field written with a value outside `vocabulary`, at the field; `consequence`
    completes "KPI `x` has `key: value`, which ..." and says what the value does."""
    if not kpi_field.present or vocabulary.accepts(kpi_field.value):
        return None
    return Violation(
        f"KPI `{kpi.metric.name}` has `{key}: {shown(kpi_field.value)}`, which {consequence}: "
        f"{vocabulary.fix(key, kpi_field.value)}",
        kpi.metric,
        location=kpi_field.location,
    )
