"""The plain, typed picture of a dbt project that every rule reads.

Loaders (YAML files or dbt's manifest) build these objects; rules never see a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, Mapping, Protocol


class Variables(Protocol):
    """dbt's `var()` values as a project sees them (the loader's VarResolver): the model holds
    them for what renders later, without knowing how they were read."""

    def lookup(self, name: str, package: str) -> Any: ...

    def render(self, value: Any, package: str) -> Any: ...


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based place in a file; `path` is relative to the dbt project root, `/`-separated."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class JinjaExpression:
    """A YAML value dbt would render with Jinja that the YAML reader cannot evaluate.

    It counts as present (dbt will give it some value) but its value is unknown.
    """

    source: str

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True)
class MetricInput:
    """A metric that another metric is computed from, and where the reference is written."""

    name: str
    role: str  # "input", "numerator", "denominator", "input_metric", "base_metric", ...
    location: Location
    offset_window: str | None = None
    offset_to_grain: str | None = None
    alias: str | None = None
    has_filter: bool = False

    @property
    def reads_as(self) -> str:
        """The name a derived metric's `expr` uses for this input."""
        return self.alias or self.name


@dataclass(frozen=True)
class MetaEntry:
    """One effective `meta` key of a metric, with where its value was written."""

    value: Any
    location: Location
    # The value as written, before dbt's Jinja: `"{{ var('target') }}"` where `value` is 300000.
    written: Any = field(default=None, compare=False)


def same_value(left: Any, right: Any) -> bool:
    """`left == right` for values read from YAML, comparing each pair of shared containers once.

    The YAML reader shares an aliased value between its places, as dbt's does; `==` compares along
    every path, and through an alias bomb (nine anchors, each nine aliases of the one before) that
    is 9^9 values. NaN is the same value as NaN.
    """
    pending = [(left, right)]
    compared: set[tuple[int, int]] = set()
    while pending:
        one, other = pending.pop()
        if isinstance(one, (dict, list)):
            if (id(one), id(other)) in compared:
                continue
            compared.add((id(one), id(other)))
            if isinstance(one, dict):
                if not isinstance(other, dict) or one.keys() != other.keys():
                    return False
                pending.extend((item, other[key]) for key, item in one.items())
            else:
                if not isinstance(other, list) or len(one) != len(other):
                    return False
                pending.extend(zip(one, other))
        elif isinstance(other, (dict, list)) or not (one == other or (one != one and other != other)):
            return False
    return True


@dataclass(frozen=True)
class Metric:
    name: str
    package: str
    type: str  # simple | ratio | cumulative | derived | conversion (as written, lower-cased)
    location: Location  # the `name:` entry of the metric
    spec: str  # "legacy" (type_params) or "latest"
    label: str | None = None
    description: str = ""
    meta: Mapping[str, MetaEntry] = field(default_factory=dict)  # what dbt keeps as `meta`
    top_level_meta: Mapping[str, MetaEntry] = field(default_factory=dict)
    config_meta: Mapping[str, MetaEntry] = field(default_factory=dict)  # incl. project +meta
    group: str | None = None
    group_location: Location | None = None
    inputs: tuple[MetricInput, ...] = ()
    measure: str | None = None  # legacy simple / cumulative metrics
    agg: str | None = None  # latest-spec simple metrics, or the measure's aggregation
    has_filter: bool = False
    window: str | None = None
    grain_to_date: str | None = None
    # How a cumulative metric's daily running values become one value per week/month/...:
    # first | last | average; MetricFlow's default, `first`, is filled in for cumulative metrics.
    period_agg: str | None = None
    legacy_window_keys: tuple[Location, ...] = ()  # type_params.window / .grain_to_date spellings
    conversion_calculation: str | None = None
    semantic_model: str | None = None  # latest spec: the model whose YAML holds the metric
    expr: str | None = None  # a derived metric's expression; a latest-spec simple metric's column
    # The semantic model whose measure has `create_metric: true`: dbt made this metric from it,
    # and `location` is the measure's `name:`.
    created_from: str | None = None
    # The metric as written (YAML, Jinja unrendered; for a created metric, the entry dbt makes).
    definition: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def meta_value(self, key: str) -> Any:
        entry = self.meta.get(key)
        return None if entry is None else entry.value


@dataclass(frozen=True)
class Group:
    name: str
    package: str
    owner_name: str | None
    owner_email: str | None
    location: Location

    @property
    def owner(self) -> str | None:
        return self.owner_email or self.owner_name


@dataclass(frozen=True)
class Measure:
    name: str
    agg: str | None
    location: Location


@dataclass(frozen=True)
class SemanticModel:
    name: str
    package: str
    model: str | None  # the dbt model it reads, from `model: ref('x')`
    location: Location
    measures: tuple[Measure, ...] = ()
    # As written (Jinja unrendered): the `semantic_models:` entry, or for the latest spec the
    # `models:` entry that carries `semantic_model:`.
    definition: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    spec: str = "legacy"


@dataclass(frozen=True)
class TimeSpine:
    """A model MetricFlow joins to for cumulative, offset and conversion metrics."""

    model: str
    # The `models:` entry with its `time_spine:` config and columns; empty for the pre-1.9
    # `metricflow_time_spine` model, which has no YAML.
    definition: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class NoqaDirective:
    """A `# noqa` comment: `codes` empty means every code on that line."""

    location: Location
    codes: frozenset[str]


@dataclass(frozen=True)
class LoadProblem:
    """Something the loader could not read (a YAML syntax error, an undecodable file)."""

    location: Location
    message: str
    code: str = "YML001"


@dataclass(frozen=True)
class Project:
    name: str
    root: str  # absolute path of the directory holding dbt_project.yml
    metrics: tuple[Metric, ...]
    groups: Mapping[str, Group]
    semantic_models: tuple[SemanticModel, ...] = ()
    noqa: Mapping[tuple[str, int], NoqaDirective] = field(default_factory=dict)
    problems: tuple[LoadProblem, ...] = ()
    files: tuple[str, ...] = ()  # project-relative paths of the YAML files read
    disabled_metrics: tuple[str, ...] = ()
    model_paths: tuple[str, ...] = ("models",)
    time_spines: tuple[TimeSpine, ...] = ()
    # `flags:` of dbt_project.yml (behaviour flags such as require_nested_cumulative_type_params).
    flags: Mapping[str, Any] = field(default_factory=dict)
    # The oldest dbt release `require-dbt-version` admits, as (major, minor); None: any.
    oldest_dbt_version: tuple[int, int] | None = None
    # dbt's `var()` as the project was loaded (project vars and `--vars`), for what renders later.
    variables: Variables | None = field(default=None, compare=False, repr=False)
    # Current text of the files `dbt-kpi-lint generate` owns (None: absent), keyed by path.
    generated_files: Mapping[str, str | None] = field(default_factory=dict)
    # The project uses dbt packages, whose metrics and semantic models its own YAML does not show.
    declares_packages: bool = False

    def metric(self, name: str) -> Metric | None:
        return self._metrics_by_name.get(name)

    @property
    def time_spine_models(self) -> tuple[str, ...]:
        return tuple(spine.model for spine in self.time_spines)

    def measure(self, name: str) -> Measure | None:
        return self._measures_by_name.get(name)

    @cached_property
    def _metrics_by_name(self) -> Mapping[str, Metric]:
        return {metric.name: metric for metric in self.metrics}

    @cached_property
    def _measures_by_name(self) -> Mapping[str, Measure]:
        return {
            measure.name: measure
            for semantic_model in self.semantic_models
            for measure in semantic_model.measures
        }
