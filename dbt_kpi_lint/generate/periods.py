"""The Jinja that opens a generated model: the as-of date, and the periods judged before it.

Computed by dbt at compile time, so the SQL holds plain dates and is the same on every warehouse
(no dialect's date_trunc, whose weeks start on Sunday on BigQuery). The rules:
- `kpi_as_of` (a dbt var) is a date, or an ISO string (`2026-06-15`, `2026-06-15T08:00:00Z`),
  quoted or not; unset or empty means the day the run started (UTC, dbt's `run_started_at`);
  anything else stops compilation with a message naming the var and the format.
- The period holding the as-of day is still running, so it is never judged: period 0 is the last
  complete one before it, period 1 the one before that, and so on.
- Weeks start on Monday (MetricFlow's `metric_time__week` on every engine); quarters are calendar
  quarters; years calendar years.
"""

from __future__ import annotations

from typing import Iterable

from .jinja_text import jinja_string

AS_OF_VAR = "kpi_as_of"
# A date and, optionally, a time and zone after it (ISO 8601 as dbt --vars users write it).
_ISO_DATE = r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]*(?:Z|[+-][0-9:]+)?)?\s*$"
_ERROR = (
    f"var {AS_OF_VAR} must be a date written YYYY-MM-DD between 1000-01-01 and 9998-12-31 "
    f"(e.g. --vars '{{{AS_OF_VAR}: 2026-06-15}}'), or unset for the run's start date; got "
)

# Per grain: the start and the end (inclusive) of the period `periods_ago` before the last complete one.
_PERIOD_BOUNDS = {
    "day": (
        "as_of - step(days=periods_ago + 1)",
        "as_of - step(days=periods_ago + 1)",
    ),
    "week": (
        "as_of - step(days=as_of.weekday() + 7 * (periods_ago + 1))",
        "as_of - step(days=as_of.weekday() + 7 * periods_ago + 1)",
    ),
    "month": (
        "day((month - periods_ago - 1) // 12, (month - periods_ago - 1) % 12 + 1, 1)",
        "day((month - periods_ago) // 12, (month - periods_ago) % 12 + 1, 1) - step(days=1)",
    ),
    "quarter": (
        "day((quarter - 3 * periods_ago - 3) // 12, (quarter - 3 * periods_ago - 3) % 12 + 1, 1)",
        "day((quarter - 3 * periods_ago) // 12, (quarter - 3 * periods_ago) % 12 + 1, 1) - step(days=1)",
    ),
    "year": (
        "day(as_of.year - periods_ago - 1, 1, 1)",
        "day(as_of.year - periods_ago - 1, 12, 31)",
    ),
}


def periods_prelude(grains: Iterable[str], periods: int) -> str:
    """Jinja setting `as_of` (a date), `kpi_periods`: (grain, periods_ago, start, end) for each
    grain and `periods_ago` from 0 to `periods - 1`, and per grain `kpi_first_day` and `kpi_last_day`,
    the first and last day of those periods."""
    appends = "".join(
        "  {%- do kpi_periods.append(("
        + jinja_string(grain)
        + f", periods_ago, {_PERIOD_BOUNDS[grain][0]}, {_PERIOD_BOUNDS[grain][1]})) %}}\n"
        for grain in grains
    )
    return (
        _AS_OF
        + "{%- set day, step = modules.datetime.date, modules.datetime.timedelta %}\n"
        + "{%- set month = as_of.year * 12 + as_of.month - 1 %}\n"
        + "{%- set quarter = as_of.year * 12 + 3 * ((as_of.month - 1) // 3) %}\n"
        + "{%- set kpi_periods = [] %}\n"
        + f"{{%- for periods_ago in range({periods}) %}}\n"
        + appends
        + "{%- endfor %}\n"
        + _RANGES
    )


# Per grain, the first day of the oldest period in `kpi_periods` and the last day of the newest:
# the days a KPI's query reads (time_bounds.py).
_RANGES = """\
{%- set kpi_first_day, kpi_last_day = {}, {} %}
{%- for grain, periods_ago, period_start, period_end in kpi_periods %}
  {%- do kpi_first_day.update({grain: period_start}) %}
  {%- if periods_ago == 0 %}{% do kpi_last_day.update({grain: period_end}) %}{% endif %}
{%- endfor %}
"""


_AS_OF = f"""\
{{%- set written_as_of = var({jinja_string(AS_OF_VAR)}, none) %}}
{{%- if written_as_of is none or written_as_of == '' %}}
  {{%- set as_of = run_started_at.date() %}}
{{%- elif written_as_of is not string and written_as_of.year is defined and written_as_of.day is defined %}}
  {{%- set as_of = modules.datetime.date(written_as_of.year, written_as_of.month, written_as_of.day) %}}
{{%- else %}}
  {{%- set parts = modules.re.match({jinja_string(_ISO_DATE)}, written_as_of | string) %}}
  {{%- set y, m, d = (parts.group(1) | int, parts.group(2) | int, parts.group(3) | int) if parts else (0, 0, 0) %}}
  {{%- set known_month = 1000 <= y <= 9998 and 1 <= m <= 12 %}}
  {{%- set month_days = (modules.datetime.date(y + m // 12, m % 12 + 1, 1) - modules.datetime.date(y, m, 1)).days if known_month else 0 %}}
  {{%- if not known_month or not 1 <= d <= month_days %}}
    {{{{ exceptions.raise_compiler_error({jinja_string(_ERROR)} ~ (written_as_of | string)) }}}}
  {{%- endif %}}
  {{%- set as_of = modules.datetime.date(y, m, d) %}}
{{%- endif %}}
"""
