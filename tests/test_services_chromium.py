"""Headless Debian Chromium through the `chromium` fixture: render, screenshot, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from services.chromium import HeadlessChromium
from services.png import read_png

PAGE = """\
<!doctype html>
<html>
<head><meta charset="utf-8"><title>KPI status</title>
<style>
  body { margin: 0; background: #ffffff; font-family: sans-serif; }
  #badge { width: 200px; height: 100px; background: #ff0000; color: #ffffff; }
</style>
</head>
<body>
  <div id="badge">off_track</div>
  <p>Revenue 270,000 of 300,000</p>
  <p style="display: none">hidden detail</p>
  <p id="computed"></p>
  <script>
    window.kpiCount = 6 * 2;
    document.getElementById("computed").textContent = "12 KPIs";
  </script>
</body>
</html>
"""
RED = (255, 0, 0)
WHITE = (255, 255, 255)


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "status.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_the_page_is_laid_out_at_1280_px(chromium: HeadlessChromium, page_file: Path) -> None:
    page = chromium.render(page_file, width=1280)

    assert page.evaluate("document.documentElement.scrollWidth") == 1280


def test_the_screenshot_shows_the_page(chromium: HeadlessChromium, page_file: Path, tmp_path: Path) -> None:
    page = chromium.render(page_file, width=1280)

    png = read_png(page.screenshot(tmp_path / "status.png"))

    assert png.width == 1280
    assert len(png.colours()) > 2  # not blank: the badge, the background, anti-aliased text
    assert png.pixel(180, 90)[:3] == RED  # inside the badge, clear of its text
    assert png.pixel(1000, 50)[:3] == WHITE


def test_the_visible_text_is_read_back(chromium: HeadlessChromium, page_file: Path) -> None:
    page = chromium.render(page_file)

    assert page.text().split("\n\n") == ["off_track", "Revenue 270,000 of 300,000", "12 KPIs"]


def test_a_value_set_by_the_page_script_is_read_back(chromium: HeadlessChromium, page_file: Path) -> None:
    page = chromium.render(page_file)

    assert page.evaluate("window.kpiCount") == 12
