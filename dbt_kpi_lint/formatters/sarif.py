"""SARIF 2.1.0, the format GitHub code scanning (and other review tools) import.

Every rule of the run gets a descriptor with its short and full description and its help,
so code scanning can explain an alert without leaving the pull request. Each result carries
a fingerprint built from code + metric, the same identity the baseline uses, so an alert
survives edits that move it to another line.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..model import Severity
from .base import Report, RuleDescription

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/dbt-kpi-lint/"
# Where result URIs start: the working directory of the run, in CI the repository root.
SOURCE_ROOT = "%SRCROOT%"


def format_sarif(report: Report) -> str:
    rule_index = {rule.code: index for index, rule in enumerate(report.rules)}
    occurrences: Counter[tuple[str, str]] = Counter()
    results = []
    for finding in report.findings:
        identity = (finding.code, _subject(finding))
        occurrences[identity] += 1
        results.append(_result(finding, rule_index, _fingerprint(*identity, occurrences[identity])))
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dbt-kpi-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule) for rule in report.rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: RuleDescription) -> dict[str, Any]:
    what_it_checks = _section(rule.explanation, "What it checks") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what_it_checks, "markdown": what_it_checks},
        "help": {"text": rule.explanation or rule.summary, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": _level(rule.default_severity)},
    }


def _help_markdown(rule: RuleDescription) -> str:
    body = f"\n\n{rule.explanation}" if rule.explanation else ""
    return f"**{rule.code} {rule.name}**: {rule.summary}{body}"


def _section(markdown: str, title: str) -> str:
    """The body of a `## title` section of a rule's documentation, or ""."""
    for section in markdown.split("\n## "):
        heading, _, body = section.removeprefix("## ").partition("\n")
        if heading.strip() == title:
            return body.strip()
    return ""


def _result(finding: Finding, rule_index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    result.update(
        {
            "level": _level(finding.severity),
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(finding.location.path), "uriBaseId": SOURCE_ROOT},
                        "region": {
                            "startLine": finding.location.line,
                            "startColumn": finding.location.column,
                        },
                    }
                }
            ],
            "partialFingerprints": {"dbtKpiLint/v1": fingerprint},
        }
    )
    return result


def _subject(finding: Finding) -> str:
    return f"metric:{finding.metric}" if finding.metric else f"path:{finding.location.path}"


def _fingerprint(code: str, subject: str, occurrence: int) -> str:
    """Stable across line moves; the occurrence number keeps two findings of one metric apart."""
    return hashlib.sha256(f"{code}\0{subject}\0{occurrence}".encode()).hexdigest()[:32]


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"
