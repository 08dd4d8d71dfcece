"""The scorecard: one self-contained HTML page of every KPI's card, from the built tables' rows.

`cards` decides what the page says (groups, order, formatted numbers), `sparkline` the geometry of
each history chart, `page` writes the HTML from the Jinja2 templates in `templates/`.
"""
