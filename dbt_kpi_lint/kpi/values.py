"""Reading the values of KPI meta keys: closed vocabularies and numbers, as rules judge them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..loading import yaml_reader
from ..model import JinjaExpression
from .spelling import closest, normalised


@dataclass(frozen=True)
class Vocabulary:
    """The values a meta key allows, and what people write when they mean one of them.

    Only the allowed spellings are accepted: the raw meta value also reaches the status table,
    the semantic layer API and BI tools, and every reader must agree on it. Synonyms and
    misspellings are recognised only to tell the user which allowed value to write.
    """

    allowed: tuple[str, ...]
    synonyms: Mapping[str, str]
    meanings: Mapping[str, str]  # what each allowed value means, in a few words for messages

    def accepts(self, value: Any) -> bool:
        return isinstance(value, JinjaExpression) or value in self.allowed

    def suggestion(self, value: Any) -> str | None:
        """The allowed value that a rejected `value` most likely means, if any."""
        if not isinstance(value, str):
            return None
        spelling = normalised(value)
        if spelling in self.allowed:
            return spelling
        if spelling in self.synonyms:
            return self.synonyms[spelling]
        return closest(spelling, {**{allowed: allowed for allowed in self.allowed}, **self.synonyms})

    def fix(self, key: str, value: Any) -> str:
        """What to write instead of `value`: the likely allowed value, or all of them explained."""
        suggested = self.suggestion(value)
        if suggested is not None:
            return f"write `{key}: {suggested}` ({self.meanings[suggested]})"
        choices = " or ".join(f"`{allowed}` ({self.meanings[allowed]})" for allowed in self.allowed)
        return f"set `{key}` to {choices}"


def _synonyms(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {spelling: allowed for allowed, spellings in groups.items() for spelling in spellings}


DIRECTIONS = Vocabulary(
    allowed=("increase", "decrease"),
    synonyms=_synonyms(
        {
            "increase": ("up", "higher", "higher_is_better", "more", "maximize", "maximise", "max",
                         "asc", "ascending", "increasing", "grow", "raise", "+", "positive"),
            "decrease": ("down", "lower", "lower_is_better", "less", "minimize", "minimise", "min",
                         "desc", "descending", "decreasing", "reduce", "shrink", "-", "negative"),
        }
    ),
    meanings={"increase": "higher is better", "decrease": "lower is better"},
)

GRAINS = Vocabulary(
    allowed=("day", "week", "month", "quarter", "year"),
    synonyms=_synonyms(
        {
            "day": ("daily", "days", "d"),
            "week": ("weekly", "weeks", "w", "wk"),
            "month": ("monthly", "months", "m", "mo", "mtd"),
            "quarter": ("quarterly", "quarters", "q", "qtr", "qtd"),
            "year": ("yearly", "annual", "annually", "years", "y", "yr", "ytd"),
        }
    ),
    meanings={grain: f"one {grain}" for grain in ("day", "week", "month", "quarter", "year")},
)

# The grain a KPI is judged at when its meta names none (or none the lint accepts).
DEFAULT_GRAIN = "month"

INDICATORS = Vocabulary(
    allowed=("leading", "lagging"),
    synonyms=_synonyms(
        {
            "leading": ("lead", "leader", "predictive", "input", "driver", "early", "forward",
                        "forward_looking"),
            "lagging": ("lag", "lagged", "outcome", "output", "result", "late", "trailing",
                        "backward_looking"),
        }
    ),
    meanings={"leading": "it moves before the outcome", "lagging": "it confirms the outcome"},
)

NUMBER_FORMATS = Vocabulary(
    allowed=("number", "percent"),
    synonyms=_synonyms(
        {
            "number": ("numeric", "num", "decimal", "float", "integer", "int", "plain", "default", "raw"),
            "percent": ("percentage", "percents", "per_cent", "pct", "%", "rate", "ratio", "fraction"),
        }
    ),
    meanings={"number": "0.25 reads 0.25", "percent": "0.25 reads 25%"},
)


def as_number(value: Any) -> float | None:
    """The value as a finite number, or None. YAML booleans are not numbers, quoted digits neither."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer literal beyond float range, e.g. `target: 1e400` written out
        return None
    return number if math.isfinite(number) else None


def quoted_number(value: Any) -> float | None:
    """The number a string spells (`"1000"`), or None."""
    if not isinstance(value, str):
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# What people append to a number they mean (`10k`, `1.5M`, `2bn`, `25%`), and what it multiplies it by.
_ABBREVIATIONS = {"k": Decimal(10**3), "m": Decimal(10**6), "b": Decimal(10**9), "bn": Decimal(10**9), "%": Decimal("0.01")}
_ABBREVIATED = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(k|m|bn|b|%)", re.IGNORECASE)


def abbreviated_number(value: Any) -> str | None:
    """The number a string abbreviates, written out for YAML (`"10k"` gives `10000`, `"25%"` gives
    `0.25`), or None. Decimal arithmetic, so `"1.1k"` gives `1100`, not `1100.0000000000002`."""
    if not isinstance(value, str):
        return None
    match = _ABBREVIATED.fullmatch(value.strip())
    if match is None:
        return None
    number = Decimal(match[1]) * _ABBREVIATIONS[match[2].casefold()]
    return format(number.normalize(), "f")


def readable_number(value: Any) -> float | None:
    """The number a value is or spells: what the KPI status step judges with (KPI004 reports a
    quoted number only as a warning, because this reading still finds its number)."""
    number = as_number(value)
    return number if number is not None else quoted_number(value)


def shown(value: Any) -> str:
    """A meta value as it would be written in YAML, for messages: quoted only where YAML needs it."""
    if isinstance(value, str):
        return value if _reads_back_as_text(value) else f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return str(value)


def _reads_back_as_text(value: str) -> bool:
    """Whether YAML reads `value`, written unquoted, as this very text (dbt's reading: `2024-02-30` is refused)."""
    try:
        return bool(yaml_reader.parse(value) == value)
    except yaml_reader.YamlError:
        return False


def names(value: Any) -> list[str]:
    """The names in a meta value that holds one name or a list of them (owners, objectives).

    Numbers count as names (`objective: 1` for a numbered OKR); booleans and mappings do not.
    """
    items = value if isinstance(value, list) else [value]
    return [
        str(item).strip()
        for item in items
        if isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip()
    ]
