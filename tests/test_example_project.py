"""example_project is the demo and a fixture: it stays valid dbt and lints as documented."""

from __future__ import annotations

import json
import re

from conftest import (
    EXAMPLE_PROJECT,
    REPO_ROOT,
    copy_example_project,
    finding_lines,
    run_dbt,
)

EXPECTED_FINDINGS = [
    ("KPI004", "error", "new_customers", "models/metrics/customer_metrics.yml", 13, 9),
    ("VAN001", "error", "total_customers", "models/metrics/customer_metrics.yml", 21, 5),
    ("DEP001", "warning", "trials_last_7_days", "models/metrics/growth_metrics.yml", 26, 7),
    ("KPI002", "error", "website_sessions", "models/metrics/growth_metrics.yml", 66, 5),
    ("META001", "error", "paying_customers", "models/metrics/legacy_metrics.yml", 13, 7),
    ("VAN001", "warning", "lifetime_revenue", "models/metrics/revenue_metrics.yml", 93, 5),
    ("VAN002", "warning", "lifetime_revenue_per_customer", "models/metrics/revenue_metrics.yml", 108, 11),
    ("KPI001", "error", "avg_order_value", "models/metrics/revenue_metrics.yml", 124, 5),
    ("KPI003", "error", "refund_rate", "models/metrics/revenue_metrics.yml", 152, 9),
    ("KPI007", "warning", "refund_rate", "models/metrics/revenue_metrics.yml", 153, 9),
    ("KPI006", "warning", "avg_resolution_hours", "models/metrics/support_metrics.yml", 83, 5),
]


def test_example_project_lints_with_the_documented_findings(run_cli):
    result = run_cli("check", "--format", "json", cwd=EXAMPLE_PROJECT)
    found = [
        (item["code"], item["severity"], item["metric"], item["path"], item["line"], item["column"])
        for item in json.loads(result.stdout)
    ]
    assert (result.exit_code, found) == (1, EXPECTED_FINDINGS)


def test_example_project_text_output_shows_each_findings_severity_and_code(run_cli):
    result = run_cli("check", "--output-format", "concise", cwd=EXAMPLE_PROJECT)

    headline = re.compile(r"(\S+):(\d+):\d+: (\w+)\[(\w+)\]")
    shown = [headline.match(line).groups() for line in finding_lines(result.stdout)]
    assert shown == [(path, str(line), severity, code) for code, severity, _, path, line, _ in EXPECTED_FINDINGS]
    assert result.stdout.splitlines()[-2:] == [
        "Found 6 errors and 5 warnings in 37 metrics (12 KPIs).",
        "[*] 2 fixable with `--fix`.",
    ]


def test_readme_shows_the_text_output_example_project_prints(run_cli):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```console\n\$ dbt-kpi-lint (.+?)   # in example_project/\n(.*?)```", readme, re.DOTALL)
    assert example is not None
    command, shown = example.groups()

    assert run_cli(*command.split(), cwd=EXAMPLE_PROJECT).stdout == shown


def test_example_project_is_valid_dbt(tmp_path):
    project = copy_example_project(tmp_path / "example_project")
    run_dbt(project, "parse")
    manifest = json.loads((project / "target" / "manifest.json").read_text())
    kpis = sorted(
        metric["name"] for metric in manifest["metrics"].values() if metric["config"]["meta"].get("kpi")
    )
    assert len(manifest["metrics"]) == 37
    assert len(kpis) == 12
