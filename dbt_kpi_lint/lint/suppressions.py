"""Suppressions (`# noqa` comments and `meta.kpi_lint` entries) and what each one silenced.

A finding is silenced by a `# noqa` on its own line, by a `# noqa` on the `name:` line of the
metric it is about, or by that metric's `meta.kpi_lint.ignore`. Every suppression that matches
a finding counts as used, so two suppressions of one finding are both used. What was not used is
reported (SUP001), but a code only when its rule ran in this run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..config.settings import Settings
from ..findings import Finding
from ..kpi.fields import MetaKeys
from ..model import Location, MetaEntry, Metric, Project
from ..rules import RULES, Violation

_CODE_SEPARATOR = re.compile(r"[\s,]+")


@dataclass
class _Suppression:
    location: Location  # where it is written
    codes: frozenset[str]  # empty: every code (a noqa comment without codes)
    written: str  # how messages quote it
    metrics: list[Metric] = field(default_factory=list)  # what it is attached to
    used: set[str] = field(default_factory=set)

    def covers(self, code: str) -> bool:
        return not self.codes or code in self.codes

    @property
    def metric(self) -> Metric | None:
        """The one metric it belongs to; a project-wide `+meta` entry belongs to none."""
        return self.metrics[0] if len(self.metrics) == 1 else None


class Suppressions:
    def __init__(self, project: Project, keys: MetaKeys) -> None:
        self._project = project
        self._key = keys.lint
        self.invalid: list[Violation] = []  # SUP002
        metrics_by_line = {(metric.location.path, metric.location.line): metric for metric in project.metrics}
        self._noqa: dict[tuple[str, int], _Suppression] = {}
        for line, directive in project.noqa.items():
            codes = ", ".join(sorted(directive.codes))
            suppression = _Suppression(directive.location, directive.codes, f"# noqa: {codes}" if codes else "# noqa")
            if line in metrics_by_line:
                suppression.metrics.append(metrics_by_line[line])
            self._noqa[line] = suppression
        self._meta: dict[str, _Suppression] = {}  # metric name -> its meta suppression
        # By where it is written: one `+meta` entry in dbt_project.yml serves many metrics.
        self._meta_entries: dict[Location, _Suppression | None] = {}
        for metric in project.metrics:
            entry = metric.meta.get(self._key)
            if entry is None:
                continue
            if entry.location not in self._meta_entries:
                self._meta_entries[entry.location] = self._read_meta(entry, metric)
            meta_suppression = self._meta_entries[entry.location]
            if meta_suppression is not None:
                meta_suppression.metrics.append(metric)
                self._meta[metric.name] = meta_suppression

    def suppress(self, finding: Finding) -> bool:
        """Whether a suppression silences `finding`; every one that does is marked used."""
        suppressed = False
        for suppression in self._candidates(finding):
            if suppression.covers(finding.code):
                suppression.used.add(finding.code)
                suppressed = True
        return suppressed

    def _candidates(self, finding: Finding) -> Iterable[_Suppression]:
        lines = {(finding.location.path, finding.location.line)}
        metric = self._project.metric(finding.metric) if finding.metric else None
        if metric is not None:
            lines.add((metric.location.path, metric.location.line))
            if metric.name in self._meta:
                yield self._meta[metric.name]
        for line in lines:
            if line in self._noqa:
                yield self._noqa[line]

    def unused(self, settings: Settings) -> Iterable[Violation]:
        """SUP001: suppressions, or codes in them, that silenced nothing among the rules that ran."""
        every_default_rule_ran = all(rule.enabled_in(settings) for rule in RULES.values() if rule.enabled_by_default)
        meta = (suppression for suppression in self._meta_entries.values() if suppression is not None)
        for suppression in (*self._noqa.values(), *meta):
            if not suppression.codes:
                if not suppression.used and every_default_rule_ran:
                    yield Violation(
                        f"unused suppression `{suppression.written}`: nothing is reported on this line "
                        "or its metric; remove the suppression",
                        suppression.metric,
                        suppression.location,
                    )
                continue
            problems = [
                f"{code} is not a rule code (`dbt-kpi-lint rules` lists them)" if code not in RULES
                else f"{code} finds nothing here"
                for code in sorted(suppression.codes - suppression.used)
                if code not in RULES or RULES[code].enabled_in(settings)
            ]
            if problems:
                what = (
                    "the suppression" if len(problems) == len(suppression.codes)
                    else "that code" if len(problems) == 1 else "those codes"
                )
                yield Violation(
                    f"unused suppression `{suppression.written}`: {'; '.join(problems)}; remove {what}",
                    suppression.metric,
                    suppression.location,
                )

    def _read_meta(self, entry: MetaEntry, metric: Metric) -> _Suppression | None:
        """A `meta.kpi_lint` value as a suppression; problems with it are SUP002 violations."""
        key, value = self._key, entry.value
        owner = None if entry.location.path != metric.location.path else metric
        shape = f'`{key}` must look like `{{ignore: [KPI005], reason: "why this rule does not apply"}}`'
        if not isinstance(value, Mapping):
            self.invalid.append(Violation(f"{shape}; it is not a mapping", owner, entry.location))
            return None
        unknown = sorted(str(name) for name in value if name not in ("ignore", "reason"))
        codes = _codes(value.get("ignore"))
        if unknown or codes is None:
            problem = (
                f"unknown key {', '.join(f'`{name}`' for name in unknown)}" if unknown
                else "`ignore` must be a rule code or a list of rule codes"
            )
            self.invalid.append(Violation(f"{shape}; {problem}", owner, _position(entry, value, unknown)))
            return None
        listed = ", ".join(sorted(codes))
        reason = value.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            self.invalid.append(
                Violation(
                    f"suppression `{key}` of {listed} gives no reason: add `reason: \"...\"` saying why "
                    "the rule does not apply here, so reviewers can judge the exception",
                    owner,
                    entry.location,
                )
            )
        return _Suppression(entry.location, codes, f"{key}.ignore: [{listed}]")


def _codes(value: Any) -> frozenset[str] | None:
    if isinstance(value, str):
        value = _CODE_SEPARATOR.split(value.strip())
    if not isinstance(value, list) or not value or not all(isinstance(code, str) and code for code in value):
        return None
    return frozenset(code.strip().upper() for code in value)


def _position(entry: MetaEntry, value: Mapping[str, Any], unknown: list[str]) -> Location:
    """Point at the first unknown key, or at `ignore`, when the YAML reader kept their positions."""
    positions = getattr(value, "key_positions", {})
    key = unknown[0] if unknown else "ignore"
    if key in positions:
        return Location(entry.location.path, *positions[key])
    return entry.location
