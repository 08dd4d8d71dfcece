"""Headless Chromium from Debian's `chromium` package, driven through Playwright for Python.

Only Playwright's Python package and its bundled driver are used: never `playwright install`,
which downloads browser builds from outside the package registries and fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from services.availability import missing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
# --no-sandbox: Chromium refuses to start as root with its sandbox. The others stop it from
# reaching for Google's services at start-up (sync, component updates, field trials, QUIC),
# which this machine's closed network refuses, many connections at a time. Playwright gives
# each launch a fresh temporary --user-data-dir itself (and refuses one passed in `args`).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 800


class RenderedPage:
    """A page loaded in its own browser context (nothing shared with other pages)."""

    def __init__(self, page: Page) -> None:
        self._page = page

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """Save a PNG of the page (all of it by default, else the viewport) and return `path`."""
        self._page.screenshot(path=str(path), full_page=full_page)
        return path

    def text(self) -> str:
        """The visible text of the page, as a reader sees it: `document.body.innerText`."""
        return str(self._page.evaluate("document.body ? document.body.innerText : ''"))

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page, e.g. `document.documentElement.scrollWidth`."""
        return self._page.evaluate(expression)


class HeadlessChromium:
    """Renders local HTML files; pages opened through one instance close together."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self._contexts: list[BrowserContext] = []

    def render(self, html: Path, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> RenderedPage:
        """Load `html` in a viewport of `width` x `height` CSS pixels, after its `load` event."""
        context = self._browser.new_context(viewport={"width": width, "height": height})
        self._contexts.append(context)
        page = context.new_page()
        page.goto(html.resolve().as_uri(), wait_until="load")
        return RenderedPage(page)

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for the session (start-up costs about a second).

    Skips (developer machine) or fails (CI=true) when /usr/bin/chromium or Playwright is missing.
    """
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (the `dev` extra brings it)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def chromium(chromium_browser: Browser) -> Iterator[HeadlessChromium]:
    """Headless Chromium for one test; its pages are closed when the test ends.

        def test_fits(chromium: HeadlessChromium, tmp_path: Path) -> None:
            page = chromium.render(tmp_path / "report.html", width=1280)
            page.screenshot(tmp_path / "report.png")
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    """
    headless = HeadlessChromium(chromium_browser)
    try:
        yield headless
    finally:
        headless.close()
