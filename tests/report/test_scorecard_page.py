"""The scorecard page in a real browser (headless Chromium): what it shows, that it is valid and safe HTML,
that it needs no network, and that 200 KPIs stay readable at 1280 pixels."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from html_balance import unbalanced_tags
from kpi_rows import REVENUE, kpi, tables
from scorecard_page import CARD_TEXTS_JS, expected_card_texts
from services.chromium import HeadlessChromium
from services.png import read_png

from benchmarks.synthetic_kpis import OBJECTIVES, synthetic_tables
from dbt_kpi_lint.report.cards import scorecard
from dbt_kpi_lint.report.page import render_page
from dbt_kpi_lint.status.tables import KpiRow

HOSTILE_LABEL = """<script>document.title = "pwned"</script> it's "quoted" & <b>bold</b>"""
HOSTILE_OWNER = """"><img src=x onerror="document.title='pwned'">"""


def write_page(directory: Path, *rows: KpiRow, **options: Any) -> Path:
    path = directory / "kpi_report.html"
    path.write_text(render_page(scorecard(tables(*rows), **options)), encoding="utf-8")
    return path


def test_every_card_shows_its_kpis_name_status_and_figures(chromium: HeadlessChromium, tmp_path: Path) -> None:
    rows = [REVENUE, kpi(metric_name="conversion", label="Trial conversion", number_format="percent", actual=0.21,
                         target=0.25, attainment=0.84, change=0.0405, relative_change=0.239, status="off_track")]
    page = chromium.render(write_page(tmp_path, *rows))

    assert page.evaluate(CARD_TEXTS_JS) == {
        "revenue": {
            "name": "Recognised revenue", "status": "At risk", "actual": "276,470", "target": "300,000",
            "attainment": "92.16%", "change": "+33,560 (+13.82%)", "trend": "improving",
            "owner": "cfo-office@example.com", "grain": "month", "as_of": "2026-06-15", "reason": None,
        },
        "conversion": {
            "name": "Trial conversion", "status": "Off track", "actual": "21%", "target": "25%",
            "attainment": "84%", "change": "+4.05 pt", "trend": "improving", "owner": "cfo-office@example.com",
            "grain": "month", "as_of": "2026-06-15", "reason": None,
        },
    }


def test_a_kpi_without_a_status_says_why_under_its_badge(chromium: HeadlessChromium, tmp_path: Path) -> None:
    refunds = kpi(metric_name="refund_rate", label="Refund rate", direction=None, status="not_judged",
                  status_reason="no direction: nobody said whether higher or lower is better (KPI003)")
    page = chromium.render(write_page(tmp_path, refunds))

    assert page.evaluate(
        "[...document.querySelector('article.card').children].slice(0, 2).map(element => element.innerText)"
    ) == ["Refund rate\nNot judged", "No direction: nobody said whether higher or lower is better (KPI003)"]


def test_the_figures_expected_from_a_row_are_those_written_out(chromium: HeadlessChromium, tmp_path: Path) -> None:
    # The command tests compare pages with expected_card_texts(row); here it meets literal values.
    page = chromium.render(write_page(tmp_path, REVENUE))

    assert page.evaluate(CARD_TEXTS_JS)["revenue"] == expected_card_texts(asdict(REVENUE))


def test_the_page_is_balanced_html() -> None:
    html = render_page(scorecard(synthetic_tables(200)))

    assert unbalanced_tags(html) == []


def test_a_page_with_hostile_text_is_still_balanced_html() -> None:
    html = render_page(scorecard(tables(kpi(label=HOSTILE_LABEL, owner=HOSTILE_OWNER, objective=HOSTILE_LABEL))))

    assert unbalanced_tags(html) == []


def test_the_balance_check_reports_an_element_left_open() -> None:
    assert unbalanced_tags("<main><div><p>text</p></main>") == ["line 1: </main> while <div> of line 1 is open",
                                                               "line 1: <div> is never closed",
                                                               "line 1: <main> is never closed"]


def test_the_balance_check_refuses_a_self_closed_html_element_but_not_an_svg_one() -> None:
    assert unbalanced_tags('<div/><svg><circle r="1"/></svg>') == ["line 1: <div/> outside SVG leaves <div> open"]


def test_a_label_holding_script_and_quotes_is_shown_as_text(chromium: HeadlessChromium, tmp_path: Path) -> None:
    page = chromium.render(write_page(tmp_path, kpi(label=HOSTILE_LABEL, owner=HOSTILE_OWNER)))

    assert page.evaluate(CARD_TEXTS_JS)["revenue"]["name"] == HOSTILE_LABEL
    assert page.evaluate(CARD_TEXTS_JS)["revenue"]["owner"] == HOSTILE_OWNER
    assert page.evaluate("document.querySelectorAll('script, img, b').length") == 0
    assert page.evaluate("document.title") == "KPI scorecard, as of 2026-06-15"


def test_the_page_loads_nothing_from_anywhere(tmp_path: Path) -> None:
    html = render_page(scorecard(synthetic_tables(20)))

    # No external style sheet, script, image or font, and no URL a browser would fetch.
    assert re.findall(r"<link|<script|<img|\bsrc=|url\(|@import|https?://", html) == []


def test_the_screenshot_shows_the_cards_in_their_status_colours(chromium: HeadlessChromium, tmp_path: Path) -> None:
    page = chromium.render(write_page(tmp_path, REVENUE, kpi(metric_name="csat", status="off_track")))

    colours = read_png(page.screenshot(tmp_path / "report.png")).colours()

    assert len(colours) > 100  # text, lines and badges, not a blank page
    assert {(180, 35, 24), (161, 92, 7)} <= colours  # the off-track red, the at-risk amber


def test_200_kpis_fit_1280_pixels_without_horizontal_scrolling(chromium: HeadlessChromium, tmp_path: Path) -> None:
    path = tmp_path / "kpi_report.html"
    path.write_text(render_page(scorecard(synthetic_tables(200))), encoding="utf-8")

    page = chromium.render(path, width=1280)

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate("document.querySelectorAll('article.card').length") == 200


def test_200_kpis_are_grouped_with_a_link_to_each_group(chromium: HeadlessChromium, tmp_path: Path) -> None:
    path = tmp_path / "kpi_report.html"
    path.write_text(render_page(scorecard(synthetic_tables(200))), encoding="utf-8")

    page = chromium.render(path)
    groups = page.evaluate("[...document.querySelectorAll('section.group h2')].map(h => h.innerText)")
    links = page.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))")

    assert sorted(groups) == sorted([f"Objective {objective}" for objective in OBJECTIVES] + ["No objective"])
    assert links == [f"#group-{position}" for position in range(1, len(groups) + 1)]
