"""The plain KPI description the status step evaluates.

The lint loader owns reading KPIs out of a project; this dataclass is the narrow hand-off
between it and the runtime, so the runtime never depends on how meta was spelled in YAML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

Direction = Literal["increase", "decrease"]
Grain = Literal["day", "week", "month", "quarter", "year"]

DIRECTIONS: tuple[str, ...] = get_args(Direction)
# Only MetricFlow's standard granularities from a day up: a KPI reviewed per hour is not a KPI,
# and custom (fiscal) granularities need the time spine's calendar, which this module does not read.
GRAINS: tuple[str, ...] = get_args(Grain)

DEFAULT_AT_RISK_BAND = 0.10


@dataclass(frozen=True)
class KpiSpec:
    """One KPI: a metric plus what it is judged against.

    `target=None` means the KPI is only tracked (status `no_target`).
    `at_risk_band` is a fraction of |target|: how far on the wrong side still counts as at risk.
    """

    metric: str
    label: str | None = None
    owner: str | None = None
    objective: str | None = None
    indicator: str | None = None
    direction: Direction | None = "increase"  # None: not stated, so no status can be judged
    target: float | None = None
    at_risk_band: float = DEFAULT_AT_RISK_BAND
    grain: Grain = "month"
    lint_codes: Sequence[str] = ()  # stored as a tuple

    def __post_init__(self) -> None:
        # Fail at construction, not halfway through a dbt build, on a spec the status cannot judge.
        if not self.metric:
            raise ValueError("KpiSpec.metric must be a metric name")
        if self.direction is not None and self.direction not in DIRECTIONS:
            raise ValueError(f"{self.metric}: direction must be one of {DIRECTIONS}, got {self.direction!r}")
        if self.grain not in GRAINS:
            raise ValueError(f"{self.metric}: grain must be one of {GRAINS}, got {self.grain!r}")
        if self.target is not None:
            # Meta rendered from Jinja or YAML may hand us "100000" or an int; store one type.
            target = float(self.target)
            if not math.isfinite(target):
                raise ValueError(f"{self.metric}: target must be finite, got {self.target!r}")
            object.__setattr__(self, "target", target)
        band = float(self.at_risk_band)
        if not (math.isfinite(band) and band >= 0):
            raise ValueError(f"{self.metric}: at_risk_band must be a finite number >= 0, got {self.at_risk_band!r}")
        object.__setattr__(self, "at_risk_band", band)
        # A list passed by a loader would make the frozen spec unhashable; keep a tuple.
        object.__setattr__(self, "lint_codes", tuple(str(code) for code in self.lint_codes))
