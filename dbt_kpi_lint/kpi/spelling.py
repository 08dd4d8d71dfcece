"""Which known word a misspelt one most likely means: for meta keys and for closed meta values."""

from __future__ import annotations

import re
from typing import Mapping


def normalised(word: str) -> str:
    """How a key or value is compared: case, spaces and hyphens do not count (`At-Risk Band` is `at_risk_band`)."""
    return re.sub(r"[\s_-]+", "_", word.strip().casefold())


def closest(word: str, known: Mapping[str, str]) -> str | None:
    """What `word` is a misspelling of: `known` maps each known spelling to what it stands for
    (itself, or the allowed value a synonym means). None when no known spelling is close enough,
    or when the nearest ones stand for different things: a guess between two is no suggestion.

    Close enough is at most one typing slip (a letter added, dropped, changed, or two neighbours
    swapped) for words up to five letters, two for longer ones: `ownr`, `taget`, `indicatr` and
    `gran` are slips, but `order` (two from `owner`) and `team` are other words a team may keep in
    meta. A difflib ratio draws that line by the share of letters in common instead, which is too
    strict for short words and too loose for long ones: the CLI's cut-off (0.75) misses `kip` for
    `kpi` (0.67) yet takes `risk_band` for `at_risk_band` (0.86) and a team's `objective_owner` for
    `objective` (0.75). Known words under three letters (`d` for day) are skipped: one slip turns
    them into any other short word.
    """
    spelling = normalised(word)
    nearest: dict[int, set[str]] = {}
    for candidate, meaning in known.items():
        if len(candidate) < 3:
            continue
        allowed = 1 if len(candidate) <= 5 else 2
        distance = slips(spelling, normalised(candidate), allowed)
        if distance <= allowed:
            nearest.setdefault(distance, set()).add(meaning)
    meanings = nearest[min(nearest)] if nearest else set()
    return next(iter(meanings)) if len(meanings) == 1 else None


def slips(word: str, other: str, at_most: int) -> int:
    """The optimal-string-alignment distance of two words (insertions, deletions, substitutions and
    swaps of neighbours), or `at_most + 1` when it exceeds `at_most`."""
    if abs(len(word) - len(other)) > at_most:
        return at_most + 1
    before_previous: list[int] = []
    previous = list(range(len(other) + 1))
    for i, letter in enumerate(word, 1):
        current = [i] + [0] * len(other)
        for j, other_letter in enumerate(other, 1):
            cost = letter != other_letter
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and letter == other[j - 2] and word[i - 2] == other_letter:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if min(current) > at_most:  # every alignment already costs more: the rest only adds
            return at_most + 1
        before_previous, previous = previous, current
    return min(previous[-1], at_most + 1)
