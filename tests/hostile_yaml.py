"""YAML that exhausts a reader which copies what an alias names instead of sharing it."""

from __future__ import annotations

# Nine anchors, each a list of nine aliases of the one before: 81 values shared, 9^9 copied.
ALIAS_BOMB = ["b0: &b0 [x, x, x, x, x, x, x, x, x]"] + [
    f"b{level}: &b{level} [" + ", ".join([f"*b{level - 1}"] * 9) + "]" for level in range(1, 9)
]
BOMB_ALIAS = "*b8"


def indented(lines: list[str], spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in lines)
