"""A strict balance check of HTML with the standard library's parser: every element closed, in order.

Stricter than HTML itself, which lets a `</p>` or `</li>` be implied: here every element but the
void ones (`<meta>`, `<br>`, ...) needs its end tag, and `<x/>` is accepted only in SVG, where it
means an empty element. What a browser would repair silently is reported.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _BalanceChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_ELEMENTS and not any(name == "svg" for name, _ in self.open):
            self.problems.append(f"line {self.getpos()[0]}: <{tag}/> outside SVG leaves <{tag}> open")

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID_ELEMENTS:
            self.problems.append(f"line {line}: </{tag}> closes a void element")
        elif not self.open:
            self.problems.append(f"line {line}: </{tag}> closes nothing")
        elif self.open[-1][0] != tag:
            opened, opened_line = self.open[-1]
            self.problems.append(f"line {line}: </{tag}> while <{opened}> of line {opened_line} is open")
        else:
            self.open.pop()


def unbalanced_tags(html: str) -> list[str]:
    """Every place `html` opens or closes an element out of balance; [] for a balanced document."""
    checker = _BalanceChecker()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"line {line}: <{tag}> is never closed" for tag, line in reversed(checker.open)]
