"""The spec of the KPI hygiene rules as a whole: a project that follows the convention in DOMAIN.md
(a few KPIs among many metrics, each with owner, target, direction, objective and indicator, every
objective with a leading KPI) gets no finding, and breaking any one part of the convention is
reported by exactly the rule for it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_dbt

CONVENTION_PROJECT = Path(__file__).parent / "fixtures" / "convention_project"
METRICS_FILE = "models/metrics.yml"


def convention_files() -> dict[str, str]:
    return {
        path.relative_to(CONVENTION_PROJECT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(CONVENTION_PROJECT.rglob("*"))
        if path.is_file()
    }


def test_convention_project_gets_no_findings_with_default_settings(make_project, run_cli):
    root = make_project(convention_files())

    result = run_cli("check", cwd=root)

    assert (result.exit_code, result.stdout, result.stderr) == (0, "All checks passed: 24 metrics (6 KPIs).\n", "")


def test_convention_project_gets_no_findings_with_every_rule_enabled(make_project, run_cli):
    root = make_project(convention_files())

    result = run_cli("check", "--select", "ALL", "--fail-on", "warning", cwd=root)

    assert (result.exit_code, result.stdout) == (0, "All checks passed: 24 metrics (6 KPIs).\n")


@pytest.mark.parametrize(
    ("code", "written", "instead", "occurrences"),
    [
        ("KPI001", "        owner: growth@example.com\n", "", 1),
        ("KPI002", "        target: 200\n", "", 1),
        ("KPI003", "        direction: increase\n        at_risk_band: 0.1\n", "        at_risk_band: 0.1\n", 1),
        ("KPI004", "target: 0.3", "target: 30", 1),
        ("KPI006", "        objective: grow_revenue\n        indicator: leading\n", "        indicator: leading\n", 1),
        ("KPI007", "grow_revenue\n        indicator: leading", "grow_revenue\n        indicator: lagging", 2),
        ("VAN003", "        grain: week\n", "", 1),
    ],
)
def test_breaking_one_part_of_the_convention_is_reported_by_its_rule_alone(
    make_project, run_cli, code, written, instead, occurrences
):
    files = convention_files()
    assert files[METRICS_FILE].count(written) >= occurrences
    files[METRICS_FILE] = files[METRICS_FILE].replace(written, instead, occurrences)
    root = make_project(files)

    result = run_cli("check", "--select", "ALL", "--format", "json", cwd=root)

    assert [finding["code"] for finding in json.loads(result.stdout)] == [code]


def test_convention_project_is_valid_dbt(tmp_path):
    """The spec project is real dbt: `dbt parse` accepts it and renders the var target to a number."""
    project = shutil.copytree(CONVENTION_PROJECT, tmp_path / "convention_project")

    run_dbt(project, "parse", "--no-partial-parse")

    manifest = json.loads((project / "target" / "manifest.json").read_text(encoding="utf-8"))
    meta = manifest["metrics"]["metric.shop.revenue"]["config"]["meta"]
    assert (meta["target"], meta["direction"], meta["indicator"]) == (120000, "increase", "lagging")
