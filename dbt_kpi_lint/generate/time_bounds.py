"""The days a KPI's query reads, as dbt computes them from `kpi_as_of` when it compiles the model.

MetricFlow bounds a query by a time constraint it writes into the SQL as date literals: the range
asked for, and that range widened by the lookback a metric needs (a window, grain-to-date, an
offset). The generated file must not change when the date does, so those literals become Jinja
expressions of the range the KPI table shows for the query's grain: `kpi_first_day[grain]` (the
first day of the period before the oldest shown: `change` needs it) and `kpi_last_day[grain]` (the
last day of the newest shown period), both set by `periods.py`.

How a literal depends on the range is learnt from MetricFlow itself: the query is rendered for
sentinel ranges (`sentinels`) and each literal matched to the shift of the range's first or last
day that gives it for all three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Mapping, Sequence

from ..kpi.calendar import period_start, shifted
from .jinja_text import jinja_string

# MetricFlow 0.213 widens an all-time cumulative constraint back to this day (TimeRangeConstraint.ALL_TIME_BEGIN)
# and drops whatever lies before it; the generated SQL reads from the first day SQL dates know instead.
METRICFLOW_ALL_TIME_BEGIN = date(2000, 1, 1)
SINCE_ALWAYS = "0001-01-01"
_GRAINS = ("week", "month", "quarter", "year")
# A day MetricFlow writes: in a literal it compares a time column with, or in a comment on it.
DAY_LITERAL = re.compile(r"(?<![\d-])(?P<day>\d{4}-\d{2}-\d{2})(?![\d-])")
# What a literal becomes in the rendered SQL until sql_model.py writes its Jinja.
_TOKEN = re.compile(r"__kpi_day_(?P<anchor>first|last|always)_(?P<days>-?\d+)d_(?P<months>-?\d+)m_(?P<start_of>\w+?)__")


def start_of(grain: str, day: date) -> date:
    """The first day of the period of `grain` holding `day` (weeks start on Monday)."""
    return period_start(day, grain)


def end_of(grain: str, day: date) -> date:
    """The last day of the period of `grain` holding `day`."""
    return shifted(period_start(day, grain), grain, 1) - timedelta(days=1)


def _months_later(day: date, months: int) -> date:
    """`day` moved by `months`, its day of month clamped to the month's length (as dateutil does)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    length = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - date(year, month + 1, 1)).days
    return date(year, month + 1, min(day.day, length))


@dataclass(frozen=True)
class Range:
    first: date
    last: date


def sentinels(grain: str) -> tuple[Range, Range, Range]:
    """Ranges aligned to `grain` as the shown ones are, their first days after months of 28, 31 and
    30 days and after a leap day or not (so a shift by months and one by their days differ)."""
    return tuple(  # type: ignore[return-value]
        Range(start_of(grain, first), end_of(grain, last))
        for first, last in (
            (date(2011, 3, 9), date(2013, 6, 10)),
            (date(2016, 8, 16), date(2020, 2, 12)),
            (date(2017, 5, 20), date(2019, 9, 14)),
        )
    )


@dataclass(frozen=True)
class DayBound:
    """A day a query compares a time column with, relative to the range shown: `anchor` (its first
    or last day, or "always": no lower bound), moved by `days` and `months`, then taken to the start
    of its `start_of` period ("none": not)."""

    anchor: str
    days: int = 0
    months: int = 0
    start_of: str = "none"

    def on(self, shown: Range) -> date:
        """The day MetricFlow writes for the range `shown`."""
        if self.anchor == "always":
            return METRICFLOW_ALL_TIME_BEGIN
        day = _months_later(getattr(shown, self.anchor) + timedelta(days=self.days), self.months)
        return day if self.start_of == "none" else start_of(self.start_of, day)

    def day(self, shown: Range) -> date:
        """The day the Jinja of `jinja` gives for the range `shown`."""
        if self.anchor == "always":
            return date.fromisoformat(SINCE_ALWAYS)
        return self.on(shown) + timedelta(days=1 if self.anchor == "last" else 0)

    def token(self) -> str:
        return f"__kpi_day_{self.anchor}_{self.days}d_{self.months}m_{self.start_of}__"

    def jinja(self, grain: str) -> str:
        """A Jinja expression of the day, for the range shown at `grain`.

        A bound on the last day reads through the whole of that day: MetricFlow compares a column
        finer than a day (hours) with the day's midnight, so the bound is the next day. The rows of
        that next day fall into a period the table does not show.
        """
        if self.anchor == "always":
            return jinja_string(SINCE_ALWAYS)
        day = f"kpi_{self.anchor}_day[{jinja_string(grain)}]"
        if self.days:
            day = f"({day} + step(days={self.days}))"
        if self.months:
            day = _jinja_months_later(day, self.months)
        if self.start_of != "none":
            day = _jinja_start_of(self.start_of, day)
        return f"({day} + step(days=1))" if self.anchor == "last" else day


def bound_for(days: Sequence[date], ranges: Sequence[Range]) -> DayBound | None:
    """The bound giving `days[n]` for `ranges[n]` for every n, if one does."""
    first_day, first_range = days[0], ranges[0]
    candidates = [DayBound("always")]
    for anchor in ("first", "last"):
        anchor_day = getattr(first_range, anchor)
        months = (first_day.year - anchor_day.year) * 12 + first_day.month - anchor_day.month
        candidates += [DayBound(anchor, days=(first_day - anchor_day).days), DayBound(anchor, months=months)]
        candidates += [DayBound(anchor, start_of=grain) for grain in _GRAINS]
    return next(
        (bound for bound in candidates if all(bound.on(shown) == day for shown, day in zip(ranges, days))), None
    )


def bound_from_token(token: str) -> DayBound:
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise ValueError(f"not a day bound: {token!r}")
    return DayBound(match["anchor"], int(match["days"]), int(match["months"]), match["start_of"])


def split_bounds(sql: str) -> list[str | DayBound]:
    """`sql` as its text between day bounds and the bounds."""
    parts: list[str | DayBound] = []
    position = 0
    for match in _TOKEN.finditer(sql):
        parts += [sql[position : match.start()], bound_from_token(match[0])]
        position = match.end()
    return [*parts, sql[position:]]


def _jinja_months_later(day: str, months: int) -> str:
    index = f"({day}.year * 12 + {day}.month - 1 + {months})"
    following = f"({index} + 1)"
    length = f"(day({following} // 12, {following} % 12 + 1, 1) - day({index} // 12, {index} % 12 + 1, 1)).days"
    return f"day({index} // 12, {index} % 12 + 1, [{day}.day, {length}] | min)"


def _jinja_start_of(grain: str, day: str) -> str:
    return {
        "week": f"({day} - step(days={day}.weekday()))",
        "month": f"day({day}.year, {day}.month, 1)",
        "quarter": f"day({day}.year, 3 * (({day}.month - 1) // 3) + 1, 1)",
        "year": f"day({day}.year, 1, 1)",
    }[grain]


class UnboundableSql(ValueError):
    """MetricFlow's SQL for a query does not follow the dates asked for in a way a bound can express."""


# Per day of the first sentinel range's SQL, the bound it stands for (None: a date kept as written).
LearntDays = Mapping[date, "DayBound | None"]


def bounded_sql(texts: list[str], ranges: tuple[Range, Range, Range]) -> tuple[str, LearntDays | None]:
    """The SQL MetricFlow rendered for each of `ranges` (`texts`, in the same order), as one SQL whose
    date literals are day-bound tokens, a literal that is the same for every range as written (a
    date in a metric's filter); and what each day of the first text stood for, if each stood for one
    thing (so another dialect's SQL for the first range alone can be read with it)."""
    if len({DAY_LITERAL.sub("''", text) for text in texts}) != 1:
        raise UnboundableSql("its SQL changes shape with the dates asked for")
    learnt: dict[date, DayBound | None] = {}
    unambiguous = True
    parts, position = [], 0
    for matches in zip(*(DAY_LITERAL.finditer(text) for text in texts)):
        days = [date.fromisoformat(match["day"]) for match in matches]
        parts.append(texts[0][position : matches[0].start()])
        position = matches[0].end()
        bound = None
        if len(set(days)) != 1 or days[0] == METRICFLOW_ALL_TIME_BEGIN:
            bound = bound_for(days, ranges)
            if bound is None:
                raise UnboundableSql(f"its date {matches[0][0]} follows the dates asked for in no way a bound expresses")
        unambiguous = unambiguous and learnt.setdefault(days[0], bound) == bound
        parts.append(matches[0][0] if bound is None else bound.token())
    return "".join(parts) + texts[0][position:], learnt if unambiguous else None


def with_learnt_bounds(text: str, learnt: LearntDays) -> str | None:
    """`text`, rendered for the first sentinel range, with the bounds `learnt` from the same query in
    another dialect; None if it holds a day they do not know."""
    if any(date.fromisoformat(match["day"]) not in learnt for match in DAY_LITERAL.finditer(text)):
        return None
    return DAY_LITERAL.sub(
        lambda match: match[0] if (bound := learnt[date.fromisoformat(match["day"])]) is None else bound.token(), text
    )


# Days and months in a window's unit; a quarter and a year are calendar months.
_WINDOW_UNITS = {"day": (1, 0), "week": (7, 0), "month": (0, 1), "quarter": (0, 3), "year": (0, 12)}
_COARSER_FIRST = ("year", "quarter", "month", "week")


@dataclass(frozen=True)
class Reach:
    """How far before the range shown a metric reads (`days`, `months`, then the start of the
    `start_of` period; `since_always`: all history) and how far after it (`ahead_days`,
    `ahead_months`: a conversion window)."""

    days: int = 0
    months: int = 0
    start_of: str = "none"
    since_always: bool = False
    ahead_days: int = 0
    ahead_months: int = 0

    def plus(self, other: Reach) -> Reach:
        """Both reaches at once (a sum: never less than either)."""
        coarser = next((grain for grain in _COARSER_FIRST if grain in (self.start_of, other.start_of)), "none")
        return Reach(self.days + other.days, self.months + other.months, coarser,
                     self.since_always or other.since_always, self.ahead_days + other.ahead_days,
                     self.ahead_months + other.ahead_months)

    def bounds(self) -> tuple[DayBound, DayBound]:
        lower = DayBound("always") if self.since_always else DayBound("first", -self.days, -self.months, self.start_of)
        return lower, DayBound("last", self.ahead_days, self.ahead_months)


def metric_reach(document: Mapping[str, Any], metric: str) -> Reach:
    """How far `metric` reads around the days it is shown for, from its definition and its inputs'
    (windows, grain-to-date, offsets, conversion windows), summed where they nest."""
    metrics = {definition.get("name"): definition for definition in document.get("metrics", [])}

    def reach(name: str, seen: frozenset[str]) -> Reach:
        definition = metrics.get(name)
        if definition is None or name in seen:
            return Reach()
        params = definition.get("type_params") or {}
        cumulative = params.get("cumulative_type_params") or {}
        conversion = params.get("conversion_type_params") or {}
        own = Reach()
        if definition.get("type") == "cumulative":
            window = cumulative.get("window") or params.get("window")
            grain_to_date = cumulative.get("grain_to_date") or params.get("grain_to_date")
            own = (_window_reach(window) if window else Reach(start_of=str(grain_to_date).lower()) if grain_to_date
                   else Reach(since_always=True))
        elif conversion.get("window"):
            ahead = _window_reach(conversion["window"])
            own = Reach(ahead_days=ahead.days, ahead_months=ahead.months)
        inputs = [*(params.get("metrics") or []), params.get("numerator"), params.get("denominator"),
                  cumulative.get("metric"), conversion.get("base_metric"), conversion.get("conversion_metric")]
        widest = Reach()
        for entry in (entry for entry in inputs if entry):
            offset = _window_reach(entry["offset_window"]) if entry.get("offset_window") else Reach()
            if entry.get("offset_to_grain"):
                offset = offset.plus(Reach(start_of=str(entry["offset_to_grain"]).lower()))
            widest = widest.plus(reach(entry.get("name"), seen | {name}).plus(offset))
        return own.plus(widest)

    return reach(metric, frozenset())


def _window_reach(window: Mapping[str, Any]) -> Reach:
    days, months = _WINDOW_UNITS.get(str(window.get("granularity")).lower(), (0, 0))
    count = int(window.get("count") or 0)
    return Reach(days=days * count, months=months * count)


# A read of a dbt model in MetricFlow's SQL: `FROM <placeholder> <alias>` on a line of its own.
_READ = re.compile(r"^(?P<indent> *)FROM (?P<relation>\S+) \w+\n", re.MULTILINE)
_TIME_COLUMN = re.compile(r"^ *,? ?(?P<expression>.+) AS metric_time__(?P<grain>[a-z]+)\n", re.MULTILINE)


def bound_every_read(sql: str, is_model: Callable[[str], bool], lower: DayBound, upper: DayBound) -> str:
    """`sql` with a day-range predicate on each read of a model MetricFlow left unbounded (a shared
    CTE it filters later, an offset, the conversion events), on the day the read projects as
    `metric_time__day` (or, without it, at another grain: a truncated day is in the range when the
    day is). A read without such a column (a dimension table joined) stays whole."""
    parts, position = [], 0
    for read in _READ.finditer(sql):
        if not is_model(read["relation"]) or sql.startswith(f"{read['indent']}WHERE ", read.end()):
            continue
        select = sql.rfind(f"\n{read['indent']}SELECT\n", 0, read.start())
        columns = list(_TIME_COLUMN.finditer(sql, select, read.start())) if select >= 0 else []
        if not columns:
            continue
        time = next((column for column in columns if column["grain"] == "day"), columns[0])["expression"]
        predicate = f"{read['indent']}WHERE {time} BETWEEN '{lower.token()}' AND '{upper.token()}'\n"
        parts += [sql[position : read.end()], predicate]
        position = read.end()
    return "".join(parts) + sql[position:]
