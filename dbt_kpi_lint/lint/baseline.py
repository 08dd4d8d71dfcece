"""A baseline: today's findings, recorded so that only new ones fail the run.

A finding is identified by its project, its rule code and the metric it is about — not by its
line, so edits elsewhere in the file do not bring it back. A finding about no metric (an
unreadable file, a project-wide rule) is identified by its file instead. Several findings with
one identity are counted: a baseline holding two lets two through, a third is new.

The file is JSON with one entry per line, sorted, so a pull request that fixes findings shows
them as removed lines:

    {
      "version": 1,
      "findings": [
        {"project": "shop", "code": "KPI001", "metric": "revenue", "count": 1},
        {"project": "shop", "code": "YML001", "path": "models/broken.yml", "count": 1}
      ]
    }
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..files import parse_error_text, read_regular_text
from ..findings import Finding
from ..loading.dbt_project import ProjectError

VERSION = 1


class BaselineError(ProjectError):
    """A baseline file that cannot be read (exit code 2)."""


@dataclass(frozen=True, order=True)
class BaselineKey:
    project: str
    code: str
    metric: str  # "" when the finding is about no metric
    path: str  # "" when the finding is about a metric

    @classmethod
    def of(cls, project: str, finding: Finding) -> BaselineKey:
        if finding.metric:
            return cls(project, finding.code, finding.metric, "")
        return cls(project, finding.code, "", finding.location.path)

    def as_entry(self, count: int) -> dict[str, Any]:
        subject = {"metric": self.metric} if self.metric else {"path": self.path}
        return {"project": self.project, "code": self.code, **subject, "count": count}


class Baseline:
    def __init__(self, counts: Counter[BaselineKey] | None = None) -> None:
        self.counts: Counter[BaselineKey] = counts or Counter()

    def record(self, project: str, findings: Iterable[Finding]) -> None:
        self.counts.update(BaselineKey.of(project, finding) for finding in findings)

    def new_findings(self, project: str, findings: Iterable[Finding]) -> list[Finding]:
        """The findings the baseline does not account for, in their order."""
        remaining = self.counts.copy()
        new = []
        for finding in findings:
            key = BaselineKey.of(project, finding)
            if remaining[key] > 0:
                remaining[key] -= 1
            else:
                new.append(finding)
        return new

    def write(self, path: Path) -> None:
        entries = [f"    {json.dumps(key.as_entry(count))}" for key, count in sorted(self.counts.items())]
        listed = "[\n" + ",\n".join(entries) + "\n  ]" if entries else "[]"
        text = f'{{\n  "version": {VERSION},\n  "findings": {listed}\n}}\n'
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise BaselineError(f"cannot write baseline {path}: {error.strerror}") from None

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            document = json.loads(read_regular_text(path))
        except FileNotFoundError:
            raise BaselineError(f"{path}: no such baseline file; create it with --write-baseline {path}") from None
        except OSError as error:
            raise BaselineError(f"{path}: cannot read baseline: {error.strerror}") from None
        except ValueError as error:  # not UTF-8, not JSON, or an integer of more digits than Python reads
            raise BaselineError(f"{path}: cannot read baseline: {parse_error_text(error)}") from None
        except RecursionError:
            raise BaselineError(
                f"{path}: cannot read baseline: nested too deeply; rewrite it with --write-baseline"
            ) from None
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise BaselineError(f"{path}: not a version {VERSION} dbt-kpi-lint baseline; rewrite it with --write-baseline")
        entries = document.get("findings")
        if not isinstance(entries, list):
            raise BaselineError(f"{path}: `findings` must be a list")
        counts: Counter[BaselineKey] = Counter()
        for number, entry in enumerate(entries, start=1):
            key, count = _parse_entry(entry)
            if key is None:
                raise BaselineError(
                    f"{path}: finding {number} must have `project`, `code`, `metric` or `path`, and a positive `count`"
                )
            counts[key] += count
        return cls(counts)


def _parse_entry(entry: Any) -> tuple[BaselineKey | None, int]:
    if not isinstance(entry, dict):
        return None, 0
    project, code, count = entry.get("project"), entry.get("code"), entry.get("count")
    metric, path = entry.get("metric", ""), entry.get("path", "")
    texts = (project, code, metric, path)
    if (
        not all(isinstance(text, str) for text in texts)
        or not project
        or not code
        or bool(metric) == bool(path)
        or not isinstance(count, int)
        or isinstance(count, bool)
        or count < 1
    ):
        return None, 0
    return BaselineKey(project, code, metric, path), count
