"""Render a metric's per-period query with MetricFlow itself, offline, in any of its dialects.

Pinned to MetricFlow 0.213 (dbt-metricflow 0.15): these APIs move between releases, and the
tests run them for real. MetricFlow is imported only when a renderer is built.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import replace
from datetime import datetime, time
from typing import Any, Mapping, NoReturn

from ..kpi.semantic_manifest import is_placeholder
from .dialects import Dialect
from .time_bounds import (
    METRICFLOW_ALL_TIME_BEGIN,
    LearntDays,
    Range,
    UnboundableSql,
    bound_every_read,
    bounded_sql,
    metric_reach,
    sentinels,
    with_learnt_bounds,
)

GRAINS = ("day", "week", "month", "quarter", "year")
INSTALL_HINT = "pip install 'dbt-kpi-lint[generate]'"


class MetricFlowError(Exception):
    """MetricFlow cannot plan a query (or read the semantic manifest); its reason, in one line."""


class MetricFlowRenderer:
    """MetricFlow engines over one semantic manifest, one per dialect, able to render but never to connect.

    Build it once: reading the manifest costs far more than rendering one query.
    """

    def __init__(self, semantic_manifest: Mapping[str, Any]) -> None:
        try:
            from metricflow_semantic_interfaces.implementations.semantic_manifest import (
                PydanticSemanticManifest,
            )
            from metricflow_semantics.model.dbt_manifest_parser import (
                transform_dbt_generated_manifest,
            )
            from metricflow_semantics.model.semantic_manifest_lookup import (
                SemanticManifestLookup,
            )
        except ImportError as error:  # the linter alone is installed: the lint needs no MetricFlow
            raise MetricFlowError(f"generating needs MetricFlow ({error.name} is missing): {INSTALL_HINT}") from None

        # MetricFlow warns about proxy metrics it does not add (a measure with `create_metric: true`):
        # its own bookkeeping, nothing a user can act on.
        logging.getLogger("metricflow_semantic_interfaces").setLevel(logging.ERROR)
        try:
            # The transformations `mf` applies when it loads target/semantic_manifest.json (lower-cased
            # names, measure proxies): the same SQL as from dbt's own file.
            manifest = transform_dbt_generated_manifest(PydanticSemanticManifest.parse_obj(semantic_manifest))
            self._lookup = SemanticManifestLookup(manifest)
        except Exception as error:  # noqa: BLE001 - pydantic and MetricFlow raise many kinds
            raise MetricFlowError(f"MetricFlow cannot read the semantic manifest: {_first_line(error)}") from None
        self._engines: dict[str, Any] = {}
        self._document = semantic_manifest
        self._learnt: dict[tuple[str, str, tuple[Range, Range, Range]], LearntDays] = {}

    def render(self, metric: str, grain: str, dialect: Dialect, bounded: bool = True) -> str:
        """SQL returning `metric_time__<grain>` and the metric's value (column named as the metric), one row
        per period, as `mf query --metrics <metric> --group-by metric_time__<grain>` computes it.

        `bounded`: with MetricFlow's time constraint, its dates written as day-bound tokens (time_bounds.py)
        for the range the KPI table shows at `grain`; else for all of history.
        """
        if grain not in GRAINS:
            raise ValueError(f"unknown grain {grain!r}")
        if not bounded:
            return self._sql(metric, grain, dialect, None)
        return self._bounded(metric, grain, dialect, sentinels(grain))

    def render_daily_since_always(self, metric: str, grain: str, dialect: Dialect) -> str:
        """SQL returning `metric_time__day` and the metric's value per day, from the first day of history
        to the last day the KPI table shows at `grain` (a day-bound token)."""
        ranges = tuple(replace(shown, first=METRICFLOW_ALL_TIME_BEGIN) for shown in sentinels(grain))
        return self._bounded(metric, "day", dialect, ranges)  # type: ignore[arg-type]

    def _bounded(self, metric: str, grain: str, dialect: Dialect, ranges: tuple[Range, Range, Range]) -> str:
        # Planning a query is most of generate's time: a query learnt in one dialect is rendered once
        # in the others, its days read with what was learnt.
        learnt = self._learnt.get((metric, grain, ranges))
        sql = with_learnt_bounds(self._sql(metric, grain, dialect, ranges[0]), learnt) if learnt else None
        if sql is None:
            try:
                sql, learnt = bounded_sql([self._sql(metric, grain, dialect, shown) for shown in ranges], ranges)
            except UnboundableSql as error:
                raise MetricFlowError(f"MetricFlow cannot bound `{metric}` by {grain} in time: {error}") from None
            if learnt is not None:
                self._learnt[(metric, grain, ranges)] = learnt
        return bound_every_read(sql, is_placeholder, *metric_reach(self._document, metric).bounds())

    def _sql(self, metric: str, grain: str, dialect: Dialect, shown: Range | None) -> str:
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        request = MetricFlowQueryRequest.create(
            metric_names=[metric],
            group_by_names=[f"metric_time__{grain}"],
            time_constraint_start=None if shown is None else datetime.combine(shown.first, time()),
            time_constraint_end=None if shown is None else datetime.combine(shown.last, time()),
        )
        try:
            statement = self._engine(dialect).explain(request).sql_statement
        except Exception as error:  # noqa: BLE001 - MetricFlow's query errors have no common base
            raise MetricFlowError(f"MetricFlow cannot query `{metric}` by {grain}: {_first_line(error)}") from None
        if statement.bind_parameter_set.param_items:
            # Never seen with MetricFlow 0.213; SQL without its parameters would be wrong.
            raise MetricFlowError(f"MetricFlow rendered bind parameters for `{metric}`")
        return str(statement.sql)

    def _engine(self, dialect: Dialect) -> Any:
        if dialect.adapter_type not in self._engines:
            from metricflow.engine.metricflow_engine import MetricFlowEngine

            self._engines[dialect.adapter_type] = MetricFlowEngine(
                semantic_manifest_lookup=self._lookup, sql_client=render_only_sql_client(dialect)
            )
        return self._engines[dialect.adapter_type]


def _first_line(error: BaseException) -> str:
    """MetricFlow's message on one line.

    Its messages are LazyFormat objects (an exception shows them by their repr): a title, then the
    values it names. A short value (a metric's name) helps; a long one is the repr of a whole
    semantic model, with the generator's placeholder relation names in it, and is left out.
    """
    parts = [_one_line_message(argument) for argument in error.args]
    flat = " ".join(part for part in parts if part)
    return (flat or type(error).__name__)[:400]


def _one_line_message(argument: object) -> str:
    title = getattr(argument, "evaluated_message_title", None)
    if not isinstance(title, str):
        return " ".join(str(argument).split())
    named = getattr(argument, "evaluated_kwargs", {})
    values = [f"{key}: {flat}" for key, value in named.items() if len(flat := " ".join(str(value).split())) <= 80]
    return " ".join([" ".join(title.split()), *(f"({value})" for value in values)])


class RenderOnlySqlClient:
    """Satisfies MetricFlow's `SqlClient` protocol for planning and rendering only.

    `MetricFlowEngine.explain` reads just `sql_engine_type` and `sql_plan_renderer`; anything that
    would reach a warehouse raises, so an accidental query fails loudly instead of connecting.
    """

    def __init__(self, sql_engine_type: Any, sql_plan_renderer: Any) -> None:
        self._sql_engine_type = sql_engine_type
        self._sql_plan_renderer = sql_plan_renderer

    @property
    def sql_engine_type(self) -> Any:
        return self._sql_engine_type

    @property
    def sql_plan_renderer(self) -> Any:
        return self._sql_plan_renderer

    def _no_connection(self, *_: Any, **__: Any) -> NoReturn:
        raise NotImplementedError("render-only MetricFlow client: it has no warehouse connection")

    query = execute = dry_run = render_bind_parameter_key = _no_connection

    def close(self) -> None:
        pass


def render_only_sql_client(dialect: Dialect) -> RenderOnlySqlClient:
    """A MetricFlow SQL client that renders `dialect` and never connects."""
    from metricflow.protocols.sql_client import SqlEngine

    renderer_class = getattr(importlib.import_module(dialect.renderer_module), dialect.renderer_class)
    return RenderOnlySqlClient(SqlEngine[dialect.sql_engine], renderer_class())
