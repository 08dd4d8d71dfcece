"""A JSON array of findings, for scripts and editors."""

from __future__ import annotations

import json

from .base import Report


def format_json(report: Report) -> str:
    return json.dumps([finding.as_dict() for finding in report.findings], indent=2) + "\n"
