"""Reading a rendered scorecard back: what each card shows, and what the tables say it should show."""

from __future__ import annotations

from typing import Any, Mapping

from dbt_kpi_lint.status.formatting import change, number

# What a reader sees for each status, written out rather than imported: the page's promise.
STATUS_WORDS = {
    "off_track": "Off track",
    "at_risk": "At risk",
    "not_judged": "Not judged",
    "no_data": "No data",
    "no_target": "No target",
    "on_track": "On track",
}
# Per card, by metric name: the texts a reader sees in its name, status and figures.
CARD_TEXTS_JS = """
Object.fromEntries([...document.querySelectorAll('article.card')].map(card => {
  const text = selector => card.querySelector(selector)?.innerText ?? null;
  return [card.dataset.metric, {
    name: text('.card-name'), status: text('.badge'), reason: text('.status-reason'), actual: text('.actual-value'),
    target: text('.target-value'), attainment: text('.attainment-value'), change: text('.change-value'),
    trend: text('.trend'),
    owner: text('.owner'), grain: text('.grain'), as_of: text('.as-of'),
  }];
}))
"""


def expected_card_texts(row: Mapping[str, Any]) -> dict[str, str]:
    """What the card of a kpi_status row (as the warehouse returns it) must show, formatted as
    `dbt-kpi-lint status` formats it."""
    shown = (row["number_format"], row["unit"])
    return {
        "name": as_read(row["label"] or row["metric_name"]),
        "status": STATUS_WORDS[row["status"]],
        "reason": row["status_reason"][0].upper() + row["status_reason"][1:] if row["status_reason"] else None,
        "actual": number(row["actual"], *shown),
        "target": number(row["target"], *shown),
        "attainment": number(row["attainment"], "percent"),
        "change": change(row["change"], row["relative_change"], *shown),
        "trend": trend(row),
        "owner": as_read(row["owner"] or "-"),
        "grain": row["grain"],
        "as_of": str(row["as_of"]),
    }


def as_read(text: str) -> str:
    """Text as a browser shows it: a line break or a run of spaces in a label is one space."""
    return " ".join(text.split())


def trend(row: Mapping[str, Any]) -> str | None:
    """Whether the row's change is for the better, by its direction; None when that cannot be told."""
    if row["change"] is None or row["direction"] not in ("increase", "decrease"):
        return None
    if row["change"] == 0:
        return "unchanged"
    return "improving" if (row["change"] > 0) == (row["direction"] == "increase") else "worsening"
