"""JUnit XML for CI dashboards (GitLab, Jenkins, Azure DevOps test tabs).

One test suite per YAML file and one test case per metric: a dashboard then counts metrics
checked and metrics failing, which is what a reader of "tests" expects. Each finding about a
metric is a `<failure>` of its test case (warnings included, with their severity in the text);
findings about no metric (an unreadable file, a project-wide rule) get a test case named after
the file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict

from ..findings import Finding
from .base import Report

# XML 1.0 cannot carry most control characters, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def format_junit(report: Report) -> str:
    cases: dict[str, dict[str, tuple[int, list[Finding]]]] = defaultdict(dict)  # path -> name -> case
    for metric in report.metrics:
        cases[metric.path][metric.name] = (metric.line, [])
    for finding in report.findings:
        path, name = finding.location.path, finding.metric or finding.location.path
        line, failures = cases[path].setdefault(name, (finding.location.line, []))
        failures.append(finding)

    root = ElementTree.Element("testsuites", name="dbt-kpi-lint")
    for path in sorted(cases):
        suite = ElementTree.SubElement(root, "testsuite", name=path)
        for name, (line, failures) in sorted(cases[path].items(), key=lambda item: (item[1][0], item[0])):
            case = ElementTree.SubElement(
                suite, "testcase", classname=path, name=_xml_text(name), file=path, line=str(line)
            )
            for finding in failures:
                failure = ElementTree.SubElement(
                    case, "failure", type=finding.code, message=_xml_text(finding.message)
                )
                failure.text = _xml_text(f"{finding.location}: {finding.code} [{finding.severity.value}] {finding.message}")
        _count(suite)
    _count(root)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _count(element: ElementTree.Element) -> None:
    element.set("tests", str(len(element.findall(".//testcase"))))
    element.set("failures", str(sum(1 for case in element.iter("testcase") if case.find("failure") is not None)))
    element.set("errors", "0")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
