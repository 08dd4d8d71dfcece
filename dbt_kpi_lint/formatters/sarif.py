"""SARIF 2.1.0, the format GitHub code scanning (and other review tools) import.

Every rule of the run gets a descriptor with its short and full description and its help,
so code scanning can explain an alert without leaving the pull request. Each result carries
a fingerprint built from code + metric (fingerprints.py), so an alert survives edits that move
it to another line. Result URIs are relative to `%SRCROOT%`, which the log defines as the
report's path base: the root of the git work tree, where code scanning resolves them.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..model import Severity
from .base import Report, RuleDescription
from .fingerprints import fingerprints

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/dbt-kpi-lint/"
SOURCE_ROOT = "%SRCROOT%"


def format_sarif(report: Report) -> str:
    rule_index = {rule.code: index for index, rule in enumerate(report.rules)}
    results = [
        _result(finding, rule_index, fingerprint)
        for finding, fingerprint in zip(report.findings, fingerprints(report.findings))
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dbt-kpi-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule) for rule in report.rules],
            }
        },
    }
    if report.path_base is not None:
        run["originalUriBaseIds"] = {
            SOURCE_ROOT: {"uri": report.path_base.uri, "description": {"text": report.path_base.description}}
        }
    run.update({"columnKind": "unicodeCodePoints", "results": results})
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: RuleDescription) -> dict[str, Any]:
    what_it_checks = _section(rule.explanation, "What it checks") or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what_it_checks, "markdown": what_it_checks},
        "help": {
            "text": _paragraphs(_severity_note(rule), rule.explanation or rule.summary),
            "markdown": _help_markdown(rule),
        },
        "defaultConfiguration": {"level": _level(rule.default_severity)},
    }


def _help_markdown(rule: RuleDescription) -> str:
    return _paragraphs(f"**{rule.code} {rule.name}**: {rule.summary}", _severity_note(rule), rule.explanation)


def _severity_note(rule: RuleDescription) -> str:
    """Where findings choose their severity, the default level is only the usual one: say how."""
    return f"Severity: {rule.severity_note}." if rule.severity_note else ""


def _paragraphs(*texts: str) -> str:
    return "\n\n".join(text for text in texts if text)


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


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"
