"""The scorecard as one HTML file: Jinja2 templates shipped with the package, autoescaped.

Self-contained on purpose: the style sheet is included into the page, the charts are inline SVG,
the fonts are the reader's own system fonts, and there is no script, so the file opens offline,
as a CI artifact, or attached to an e-mail, and looks the same.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from .cards import Scorecard

TEMPLATE = "scorecard.html.j2"


def render_page(scorecard: Scorecard) -> str:
    return _environment().get_template(TEMPLATE).render(scorecard=scorecard)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dbt_kpi_lint.report", "templates"),
        # Every label, owner and objective comes from someone's YAML: always escaped, never markup.
        autoescape=True,
        # A name misspelt in a template is an error in the tests, not an empty cell in a report.
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
