"""The properties YAML of the generated models: what each column means, and the dbt tests that hold."""

from __future__ import annotations

import json
from typing import Sequence

from ..loading.generated_paths import HISTORY_MODEL, STATUS_MODEL, YAML_MARKER
from .sql_model import HISTORY_COLUMNS, STATUS_COLUMNS, STATUSES

_DESCRIPTIONS = {
    "metric_name": "The KPI's metric, as the semantic layer names it.",
    "label": "The metric's label.",
    "owner": "Who answers for the KPI: meta `owner`, else the owner of the metric's dbt group.",
    "objective": "The objective the KPI measures progress toward (meta `objective`).",
    "indicator": "`leading` (moves before the outcome) or `lagging` (confirms it).",
    "direction": "`increase` (higher is better) or `decrease` (lower is better); null when not stated.",
    "grain": "The period the KPI is judged over: day, week (from Monday), month, quarter or year.",
    "number_format": "How to show the numbers: `number`, or `percent` (0.25 reads 25%); meta `format`.",
    "unit": "What the numbers count (meta `unit`), e.g. EUR or hours; null when not stated.",
    "as_of": "The day the run judged from (var `kpi_as_of`, default the run's start date, UTC).",
    "periods_ago": "0 for the last complete period before `as_of`, 1 for the one before, and so on.",
    "period_start": "First day of the period judged.",
    "period_end": "Last day of the period judged.",
    "previous_period_start": "First day of the period before.",
    "actual": "The metric's value for the period, as `mf query --group-by metric_time__<grain>` computes it.",
    "previous": "The metric's value for the period before.",
    "change": "actual - previous.",
    "relative_change": "(actual - previous) / |previous|; null when previous is 0 or missing.",
    "target": "The target that holds for the period; null when the KPI has no usable target.",
    "target_source": (
        "Where the target comes from: `meta` (meta `target`), `meta from <date>` (a dated target), or "
        "`model <name>` (the targets model, which wins for the periods it holds)."
    ),
    "gap_to_target": "actual - target.",
    "at_risk_band": "How far short of the target, as a fraction of |target|, still counts as at risk.",
    "attainment": "1 + (actual - target) / |target|, mirrored for `decrease`: 1 or more is on track.",
    "status": (
        "on_track, at_risk (short by at most the band), off_track; or, when the period cannot be judged, "
        "not_judged (the lint says the KPI cannot be: see status_reason), no_target or no_data."
    ),
    "status_reason": "Why the period has no on/off-track status; null when it has one.",
    "lint_codes": "What `dbt-kpi-lint check` reported about the KPI when the model was generated.",
    "built_at": "When the dbt run that built this row started (UTC).",
    "built_from": "The fingerprint of the definitions the row was built from: `status` and `report` warn when the "
    "project's YAML no longer says the same.",
}


def properties_yaml(model: str) -> str:
    columns = HISTORY_COLUMNS if model == HISTORY_MODEL else STATUS_COLUMNS
    description = (
        "Each KPI over its last complete periods, against the target that held for each."
        if model == HISTORY_MODEL
        else "Each KPI's last complete period against its target: on track, at risk or off track."
    )
    return (
        f"{YAML_MARKER}: run `dbt-kpi-lint generate` rather than edit.\n"
        "models:\n"
        f"  - name: {model}\n"
        f"    description: {json.dumps(description)}\n"
        "    columns:\n" + "".join(_column(model, name) for name, _ in columns)
    )


def _column(model: str, name: str) -> str:
    text = f"      - name: {name}\n        description: {json.dumps(_DESCRIPTIONS[name])}\n"
    tests = _tests(model, name)
    if tests:
        text += "        data_tests:\n" + "".join(f"          - {test}\n" for test in tests)
    return text


def _tests(model: str, name: str) -> Sequence[str]:
    if name == "status":
        return ["not_null", f"accepted_values: {{arguments: {{values: {json.dumps(list(STATUSES))}}}}}"]
    if name == "metric_name":
        return ["not_null", "unique"] if model == STATUS_MODEL else ["not_null"]
    if name in ("period_start", "period_end", "as_of"):
        return ["not_null"]
    return []
