"""What a lint run produces, independent of how it is printed."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Location, Severity


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location
    metric: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.location.path, self.location.line, self.location.column, self.code, self.metric or "")

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "metric": self.metric,
        }
