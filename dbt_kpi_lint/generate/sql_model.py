"""The SQL of the generated models: `kpi_history` (each KPI over its last periods) and `kpi_status`
(each KPI's last complete period).

`kpi_history` holds one SQL statement per dialect (adapters whose SQL is identical share one),
chosen by `target.type` when dbt compiles it.
In each, a KPI's values are MetricFlow's own SQL for (metric, grain) in that dialect, each
relation it reads a `{{ ref() }}`; around them only portable SQL: literals, joins, `case`. The
periods come from the Jinja of `periods.py`. `kpi_status` reads `kpi_history` and is the same on
every warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

from ..kpi.semantic_manifest import ModelRef, Relations
from ..kpi.spec import KpiSpec, TargetValue, grains
from ..loading.generated_paths import HISTORY_MODEL
from ..loading.jinja import VarCall
from .dialects import DIALECTS, Dialect
from .jinja_text import jinja_string, jinja_value, template_text
from .periods import periods_prelude
from .running_totals import daily_input_name
from .time_bounds import DayBound, split_bounds

# Status edges are inclusive ("short by at most band x target"); products like 0.1 * 0.3 are not
# exact in binary floating point, so a value on the edge gets this relative slack.
EDGE_TOLERANCE = "1e-9"

# (column, kind): kind is "text", "float", "date", "int" or "timestamp", typed per dialect.
HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("metric_name", "text"),
    ("label", "text"),
    ("owner", "text"),
    ("objective", "text"),
    ("indicator", "text"),
    ("direction", "text"),
    ("grain", "text"),
    ("number_format", "text"),
    ("unit", "text"),
    ("as_of", "date"),
    ("periods_ago", "int"),
    ("period_start", "date"),
    ("period_end", "date"),
    ("previous_period_start", "date"),
    ("actual", "float"),
    ("previous", "float"),
    ("change", "float"),
    ("relative_change", "float"),
    ("target", "float"),
    ("target_source", "text"),
    ("gap_to_target", "float"),
    ("at_risk_band", "float"),
    ("attainment", "float"),
    ("status", "text"),
    ("status_reason", "text"),
    ("lint_codes", "text"),
    ("built_at", "timestamp"),
    ("built_from", "text"),
)
STATUS_COLUMNS = tuple(column for column in HISTORY_COLUMNS if column[0] != "periods_ago")
STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_data", "not_judged")
# Why a period has no status, said beside it in `status_reason`: what people read on the scorecard.
NO_TARGET_REASON = "no target holds for this period"
NO_DATA_REASON = "the metric has no value for this period"


@dataclass(frozen=True)
class MetricQuery:
    """MetricFlow's SQL for one (metric, grain), per dialect (adapter type -> SQL with placeholders).

    `running_total`: the SQL is the metric's daily input (running_totals.py), summed up to the first
    or the last day of each period, as this `period_agg` says; None: the SQL is the metric's own.
    """

    metric: str
    grain: str
    sql: Mapping[str, str]
    running_total: str | None = None


def history_model(
    header: str,
    specs: Sequence[KpiSpec],
    queries: Sequence[MetricQuery],
    relations: Relations,
    dialects: Sequence[Dialect],
    history_periods: int,
    built_from: str,
    targets_model: str | None = None,
) -> str:
    """The whole `kpi_history.sql`: header, config, lineage, the periods' Jinja, one statement per dialect.

    `built_from`: the fingerprint of the definitions, written into every row so that what reads
    the tables can tell whether the YAML still says what they were built from. `targets_model`: a
    dbt model or seed with a target per (metric_name, period_start), which wins over the meta
    targets for the periods it holds.
    """
    models = sorted({*relations.models, *([ModelRef(targets_model)] if targets_model else [])})
    depends_on = "".join(f"-- depends_on: {_ref(model)}\n" for model in models)
    # Adapters whose statements are the same text (Databricks and Spark) share one branch.
    sharing: dict[str, list[str]] = {}
    for dialect in dialects:
        statement = _History(dialect, specs, queries, relations, history_periods, built_from, targets_model).statement()
        sharing.setdefault(statement, []).append(dialect.adapter_type)
    branches = "".join(
        f"{{%- {'if' if index == 0 else 'elif'} {_target_type_is(adapters)} %}}\n" + statement
        for index, (statement, adapters) in enumerate(sharing.items())
    )
    return (
        header
        + "{{ config(materialized='table') }}\n"
        + depends_on
        + periods_prelude(grains(specs), history_periods + 1)
        + _var_targets(specs)
        + branches
        # Only when dbt executes: `dbt parse` of a project on another adapter must still succeed.
        + "{%- elif execute %}\n"
        + _wrong_adapter_error([dialect.adapter_type for dialect in dialects])
        + "{%- else %}\nselect 1 as parsed_only\n{%- endif %}\n"
    )


def _target_type_is(adapters: Sequence[str]) -> str:
    if len(adapters) == 1:
        return f"target.type == {jinja_string(adapters[0])}"
    return f"target.type in ({', '.join(jinja_string(adapter) for adapter in adapters)})"


def _wrong_adapter_error(generated_for: Sequence[str]) -> str:
    """Jinja stopping compilation on an adapter the file holds no branch for: the command that adds
    it, keeping the adapters the file holds; or, for an adapter no dialect serves, the ones that are."""
    not_generated = (
        jinja_string(f"kpi_history was generated for {', '.join(generated_for)}, not for this target's adapter ")
        + " ~ target.type ~ "
    )
    regenerate = (
        not_generated
        + jinja_string(f": run `dbt-kpi-lint generate --dialect {','.join(generated_for)},")
        + " ~ target.type ~ "
        + jinja_string("` (or add it to `dialects` in the dbt-kpi-lint configuration)")
    )
    unsupported = not_generated + jinja_string(
        f", for which dbt-kpi-lint renders no SQL (it renders {', '.join(DIALECTS)})"
    )
    return (
        f"{{%- if {_target_type_is(list(DIALECTS))} %}}\n"
        f"{{{{ exceptions.raise_compiler_error({regenerate}) }}}}\n"
        "{%- else %}\n"
        f"{{{{ exceptions.raise_compiler_error({unsupported}) }}}}\n"
        "{%- endif %}\n"
    )


def status_model(header: str) -> str:
    columns = ",\n".join(f"    {name}" for name, _ in STATUS_COLUMNS)
    return (
        header
        + "{{ config(materialized='table') }}\n"
        + f"select\n{columns}\nfrom {{{{ ref({jinja_string(HISTORY_MODEL)}) }}}}\nwhere periods_ago = 0\n"
    )


def _ref(model: ModelRef) -> str:
    arguments = ", ".join(jinja_string(part) for part in (model.package, model.name) if part)
    return f"{{{{ ref({arguments}) }}}}"


def _var_targets(specs: Sequence[KpiSpec]) -> str:
    """For each `var()` target, Jinja reading the var at build time into `kpi_target_<kpi>_<n>`: the
    number as SQL text, or `null` when the var is no number (the lint flags it as KPI004)."""
    number = jinja_string(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
    lines = []
    for kpi_index, spec in enumerate(specs):
        for index, held in enumerate(spec.targets):
            if isinstance(held.value, VarCall):
                call = held.value
                arguments = jinja_string(call.name) + (f", {jinja_value(call.default)}" if call.has_default else "")
                lines.append(
                    f"{{%- set written_target = var({arguments}) %}}\n"
                    f"{{%- set target_text = '' if written_target is none or written_target is boolean "
                    f"else written_target | string | trim %}}\n"
                    f"{{%- set {_target_variable(kpi_index, index)} = target_text "
                    f"if modules.re.fullmatch({number}, target_text) else 'null' %}}\n"
                )
    return "".join(lines)


def _target_variable(kpi_index: int, index: int) -> str:
    return f"kpi_target_{kpi_index}_{index}"


@dataclass(frozen=True)
class _History:
    """The `kpi_history` statement in one dialect."""

    dialect: Dialect
    specs: Sequence[KpiSpec]
    queries: Sequence[MetricQuery]
    relations: Relations
    history_periods: int
    built_from: str
    targets_model: str | None

    def statement(self) -> str:
        if not self.specs:
            return self._empty()
        query_index = {(query.metric, query.grain): index for index, query in enumerate(self.queries)}
        ctes = [
            self._definitions(),
            self._targets(),
            self._periods(),
            *(self._metric_values(index, query) for index, query in enumerate(self.queries)),
            self._kpi_values(query_index),
            self._rows(),
        ]
        return "with\n" + ",\n".join(ctes) + "\n" + self._select() + "\n"

    def _empty(self) -> str:
        """A project without KPIs still gets every column, typed, and no row."""
        columns = ", ".join(f"{self.cast('null', kind)} as {name}" for name, kind in HISTORY_COLUMNS)
        return f"select {columns}\nfrom (select 1 as one) as no_kpis\nwhere 1 = 0\n"

    def cast(self, expression: str, kind: str) -> str:
        sql_type = {
            "text": self.dialect.text_type,
            "float": self.dialect.float_type,
            "date": "DATE",
            "int": "INTEGER" if self.dialect.adapter_type != "bigquery" else "INT64",
            "timestamp": "TIMESTAMP",
        }[kind]
        return f"cast({expression} as {sql_type})"

    def text(self, value: str | None) -> str:
        return self.cast("null" if value is None else template_text(self.dialect.string_literal(value)), "text")

    def _definitions(self) -> str:
        rows = []
        for index, spec in enumerate(self.specs):
            values = [
                f"{index} as kpi_id",
                f"{self.text(spec.metric)} as metric_name",
                f"{self.text(spec.label)} as label",
                f"{self.text(spec.owner)} as owner",
                f"{self.text(spec.objective)} as objective",
                f"{self.text(spec.indicator)} as indicator",
                f"{self.text(spec.direction)} as direction",
                f"{self.text(spec.grain)} as grain",
                f"{self.text(spec.number_format)} as number_format",
                f"{self.text(spec.unit)} as unit",
                f"{self.cast(repr(spec.at_risk_band), 'float')} as at_risk_band",
                f"{self.text(','.join(spec.lint_codes))} as lint_codes",
                f"{self.text(spec.unjudged_reason)} as unjudged_reason",
            ]
            rows.append("    select " + ", ".join(values))
        return "kpi_definitions as (\n" + "\n    union all\n".join(rows) + "\n)"

    def _targets(self) -> str:
        """One row per KPI target and the days it holds for; a period's target is the row whose
        days hold its first day (the generator made them disjoint)."""
        rows = [
            "    select "
            + ", ".join(
                (
                    f"{kpi_index} as kpi_id",
                    f"{self.cast(self.date(held.starts), 'date')} as holds_from",
                    f"{self.cast(self.date(held.ends), 'date')} as holds_before",
                    f"{self.cast(_target_sql(kpi_index, index, held.value), 'float')} as target",
                    f"{self.text(held.source)} as target_source",
                )
            )
            for kpi_index, spec in enumerate(self.specs)
            for index, held in enumerate(spec.targets)
        ]
        if not rows:  # no KPI has a target: the columns, typed, and no row
            rows = [
                f"    select 0 as kpi_id, {self.cast('null', 'date')} as holds_from, {self.cast('null', 'date')} "
                f"as holds_before, {self.cast('null', 'float')} as target, {self.cast('null', 'text')} as "
                f"target_source from (select 1 as one) as no_targets where 1 = 0"
            ]
        return "kpi_targets as (\n" + "\n    union all\n".join(rows) + "\n)"

    def date(self, day: date | None) -> str:
        return "null" if day is None else f"'{day.isoformat()}'"

    def _periods(self) -> str:
        grain, start, end = (
            self.cast("'{{ grain }}'", "text"),
            self.cast("'{{ period_start }}'", "date"),
            self.cast("'{{ period_end }}'", "date"),
        )
        row = (
            f"select {grain} as grain, {{{{ periods_ago }}}} as periods_ago, "
            f"{start} as period_start, {end} as period_end"
        )
        return (
            "kpi_periods as (\n"
            "{%- for grain, periods_ago, period_start, period_end in kpi_periods %}\n"
            f"    {{% if not loop.first %}}union all {{% endif %}}{row}\n"
            "{%- endfor %}\n"
            ")"
        )

    def _metric_values(self, index: int, query: MetricQuery) -> str:
        """MetricFlow's query, its time column cast to a date, its value kept only when finite
        (`x - x = 0` is false for NaN and infinities on every engine, true for every number)."""
        value = self.cast(f"metricflow_query.{query.metric.lower()}", "float")
        sql = "".join(
            _ref(piece) if isinstance(piece, ModelRef) else _day(piece, query.grain)
            for piece in self.relations.split(query.sql[self.dialect.adapter_type])
        )
        if query.running_total is not None:
            sql = self._running_total(query, sql)
        body = "\n".join(f"        {line}" if line else line for line in sql.splitlines())
        what = f"by {query.grain}, a running total of its daily values" if query.running_total else f"by {query.grain}"
        return (
            f"metric_values_{index} as (\n"
            f"    -- MetricFlow's SQL for `{query.metric}` {what}\n"
            f"    select\n"
            f"        {self.cast(f'metricflow_query.metric_time__{query.grain}', 'date')} as period_start,\n"
            f"        case when {value} - {value} = 0 then {value} end as metric_value\n"
            f"    from (\n{body}\n    ) as metricflow_query\n"
            f")"
        )

    def _running_total(self, query: MetricQuery, daily_sql: str) -> str:
        """An all-time cumulative metric per period from its daily values: what MetricFlow's `period_agg`
        picks, the total up to the period's last day, or up to its first day (or the first day of
        history, if that is later in the period)."""
        day = self.cast("metricflow_daily.metric_time__day", "date")
        up_to = (
            "period.period_end"
            if query.running_total == "last"
            else "case when period.period_start < daily.first_day then daily.first_day else period.period_start end "
            "and daily.first_day <= period.period_end"
        )
        body = "\n".join(f"        {line}" if line else line for line in daily_sql.splitlines())
        return (
            f"select period.period_start as metric_time__{query.grain}, sum(daily.day_value) as {query.metric.lower()}\n"
            "from kpi_periods as period\n"
            "inner join (\n"
            f"    select {day} as day, metricflow_daily.{daily_input_name(query.metric).lower()} as day_value, "
            f"min({day}) over () as first_day\n"
            f"    from (\n{body}\n    ) as metricflow_daily\n"
            f") as daily on daily.day <= {up_to}\n"
            f"where period.grain = {self.dialect.string_literal(query.grain)}\n"
            "group by period.period_start"
        )

    def _kpi_values(self, query_index: Mapping[tuple[str, str], int]) -> str:
        selects = [
            f"    select {index} as kpi_id, period_start, metric_value "
            f"from metric_values_{query_index[(spec.metric, spec.grain)]}"
            for index, spec in enumerate(self.specs)
        ]
        return "kpi_values as (\n" + "\n    union all\n".join(selects) + "\n)"

    def _rows(self) -> str:
        model_target = (
            "    left join (\n"
            "        select\n"
            f"            {self.cast('metric_name', 'text')} as metric_name,\n"
            f"            {self.cast('period_start', 'date')} as period_start,\n"
            f"            max({self.cast('target', 'float')}) as target\n"
            f"        from {_ref(ModelRef(self.targets_model))}\n"
            f"        group by {self.cast('metric_name', 'text')}, {self.cast('period_start', 'date')}\n"
            "    ) as model_target\n"
            "        on model_target.metric_name = kpi.metric_name and model_target.period_start = period.period_start\n"
            if self.targets_model
            else ""
        )
        target, source = (
            (
                "coalesce(model_target.target, meta_target.target)",
                f"case when model_target.target is not null then {self.text(f'model {self.targets_model}')} "
                f"else meta_target.target_source end",
            )
            if self.targets_model
            else ("meta_target.target", "meta_target.target_source")
        )
        return (
            "kpi_rows as (\n"
            "    select\n"
            "        kpi.*,\n"
            "        period.periods_ago,\n"
            "        period.period_start,\n"
            "        period.period_end,\n"
            "        previous_period.period_start as previous_period_start,\n"
            "        current_value.metric_value as actual,\n"
            "        previous_value.metric_value as previous,\n"
            f"        {target} as target,\n"
            f"        {source} as target_source\n"
            "    from kpi_definitions as kpi\n"
            "    inner join kpi_periods as period on period.grain = kpi.grain\n"
            "    inner join kpi_periods as previous_period\n"
            "        on previous_period.grain = kpi.grain and previous_period.periods_ago = period.periods_ago + 1\n"
            "    left join kpi_values as current_value\n"
            "        on current_value.kpi_id = kpi.kpi_id and current_value.period_start = period.period_start\n"
            "    left join kpi_values as previous_value\n"
            "        on previous_value.kpi_id = kpi.kpi_id and previous_value.period_start = previous_period.period_start\n"
            "    left join kpi_targets as meta_target\n"
            "        on meta_target.kpi_id = kpi.kpi_id\n"
            "        and (meta_target.holds_from is null or meta_target.holds_from <= period.period_start)\n"
            "        and (meta_target.holds_before is null or period.period_start < meta_target.holds_before)\n"
            + model_target
            + f"    where period.periods_ago < {self.history_periods}\n"
            ")"
        )

    def _select(self) -> str:
        shortfall = "(case when direction = 'increase' then target - actual else actual - target end)"
        slack = f"{EDGE_TOLERANCE} * greatest(abs(target), abs(actual), 1)"
        # (condition, status, reason): the first that holds decides; status and reason read the same list.
        judgements = (
            ("unjudged_reason is not null", "'not_judged'", "unjudged_reason"),
            ("target is null or direction is null", "'no_target'", self.text(NO_TARGET_REASON)),
            ("actual is null", "'no_data'", self.text(NO_DATA_REASON)),
            (f"{shortfall} <= {slack}", "'on_track'", "null"),
            (f"{shortfall} <= at_risk_band * abs(target) + {slack}", "'at_risk'", "null"),
        )
        status = "case" + "".join(f" when {when} then {then}" for when, then, _ in judgements) + " else 'off_track' end"
        reason = "case" + "".join(f" when {when} then {why}" for when, _, why in judgements) + " end"
        computed = {
            "as_of": "'{{ as_of }}'",
            "change": "actual - previous",
            "relative_change": "case when previous <> 0 then (actual - previous) / abs(previous) end",
            "gap_to_target": "actual - target",
            "attainment": f"case when target <> 0 and direction is not null then 1 - {shortfall} / abs(target) end",
            "status": status,
            "status_reason": reason,
            "built_at": "'{{ run_started_at.strftime(\"%Y-%m-%d %H:%M:%S\") }}'",
            "built_from": template_text(self.dialect.string_literal(self.built_from)),
        }
        columns = ",\n".join(
            f"    {self.cast(computed[name], kind)} as {name}" if name in computed else f"    {name}"
            for name, kind in HISTORY_COLUMNS
        )
        return f"select\n{columns}\nfrom kpi_rows"


def _day(sql: str, grain: str) -> str:
    """MetricFlow's text, its day bounds as the Jinja of the days shown at `grain`."""
    return "".join(
        f"{{{{ {part.jinja(grain)} }}}}" if isinstance(part, DayBound) else template_text(part)
        for part in split_bounds(sql)
    )


def _target_sql(kpi_index: int, index: int, value: TargetValue | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, VarCall):
        return f"{{{{ {_target_variable(kpi_index, index)} }}}}"
    return repr(value)


def metric_queries(specs: Iterable[KpiSpec]) -> list[tuple[str, str]]:
    """The distinct (metric, grain) pairs to query: two KPIs on one of them share its query."""
    return list(dict.fromkeys((spec.metric, spec.grain) for spec in specs))
