"""Rules explain themselves: one text per rule, printed by the CLI and committed as docs/rules.md."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from conftest import REPO_ROOT

from dbt_kpi_lint.rules import RULES
from dbt_kpi_lint.rules.docs import (
    REGENERATE_COMMAND,
    rule_documentation,
    rule_help,
    rules_markdown,
)

SECTIONS = ["## What it checks", "## Why it matters", "## Example", "## Fix", "## Options"]


def test_docs_rules_md_is_up_to_date():
    committed = REPO_ROOT / "docs" / "rules.md"
    current = committed.read_text(encoding="utf-8") if committed.exists() else ""
    if current != rules_markdown():
        pytest.fail(f"docs/rules.md is out of date with the rule docstrings: run `{REGENERATE_COMMAND}`")


def test_generator_module_prints_the_rules_page(tmp_path):
    generated = subprocess.run(
        [sys.executable, "-m", "dbt_kpi_lint.rules.docs"], capture_output=True, text=True, check=True, cwd=tmp_path
    )

    assert generated.stdout == rules_markdown()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_each_section_in_order(code):
    page = rule_documentation(RULES[code])

    positions = [page.find(f"\n{section}\n") for section in SECTIONS]

    assert -1 not in positions, f"{code} lacks {SECTIONS[positions.index(-1)]}"
    assert positions == sorted(positions)


@pytest.mark.parametrize("code", sorted(set(RULES) - {"YML001"}))
def test_every_yaml_example_parses(code):
    examples = re.findall(r"```yaml\n(.*?)```", rule_documentation(RULES[code]), flags=re.DOTALL)

    assert examples
    for example in examples:
        yaml.safe_load(example)


def test_unreadable_yaml_example_is_unreadable():
    [example] = re.findall(r"```yaml\n(.*?)```", rule_documentation(RULES["YML001"]), flags=re.DOTALL)

    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(example)


def test_rule_page_states_severity_default_and_options():
    page = rule_documentation(RULES["KPI008"])

    assert page.startswith(
        "# KPI008 too-many-kpis\n\nThe project promotes too large a share of its metrics to KPIs.\n\n"
        "Default severity: warning; on by default.\n\n## What it checks\n"
    )
    assert page.endswith(
        "## Options\n"
        "- `min-metrics-per-kpi` (default `3`): how many metrics the project must define per KPI: "
        "3 allows at most one KPI in three metrics\n"
        "- `min-kpis-for-share` (default `6`): the share is judged only when the project has at least this many KPIs"
    )


def test_rule_without_options_says_so():
    assert rule_help(RULES["KPI006"]).endswith("## Options\nNone.")


def test_off_by_default_rule_says_how_to_enable_it():
    assert "Default severity: warning; off by default (enable it with `--extend-select VAN003`)." in (
        rule_documentation(RULES["VAN003"])
    )


def test_rules_page_nests_rule_headings_but_not_yaml_comments():
    page = rule_documentation(RULES["KPI008"], heading_level=2)

    assert page.startswith("## KPI008 too-many-kpis\n")
    assert "\n### Why it matters\n" in page
    assert "\n# dbt_project.yml\n" in page  # a comment inside the YAML example


@pytest.mark.parametrize(("asked", "code"), [("kpi005", "KPI005"), ("all-time-cumulative", "VAN001")])
def test_rule_command_prints_the_rule_page_of_a_code_or_a_name(tmp_path, run_cli, asked, code):
    result = run_cli("rule", asked, cwd=tmp_path)

    assert (result.exit_code, result.stdout) == (0, rule_documentation(RULES[code]) + "\n")


def test_rule_command_rejects_an_unknown_code(tmp_path, run_cli):
    result = run_cli("rule", "KPI999", cwd=tmp_path)

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: unknown rule KPI999; `dbt-kpi-lint rules` lists them\n",
    )


def test_rule_command_suggests_the_name_a_typo_meant(tmp_path, run_cli):
    result = run_cli("rule", "all-time-cumulativ", cwd=tmp_path)

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: unknown rule all-time-cumulativ; did you mean all-time-cumulative?\n",
    )


def _rules_table(run_cli, tmp_path) -> dict[str, list[str]]:
    """`dbt-kpi-lint rules` as {code: [name, severity, default, fix, summary]}; cells are 2+ spaces apart."""
    lines = run_cli("rules", cwd=tmp_path).stdout.splitlines()
    assert re.split(r" {2,}", lines[0]) == ["code", "name", "severity", "default", "fix", "summary"]
    return {cells[0]: cells[1:] for cells in (re.split(r" {2,}", line) for line in lines[1:])}


def test_rules_command_lists_code_severity_and_default(tmp_path, run_cli):
    rows = _rules_table(run_cli, tmp_path)

    assert rows["KPI003"][:3] == ["target-without-direction", "error", "on"]
    assert rows["KPI005"][:3] == ["owner-with-too-many-kpis", "warning", "on"]
    assert rows["KPI008"][:3] == ["too-many-kpis", "warning", "on"]
    assert rows["VAN003"][:3] == ["kpi-is-raw-volume", "warning", "off"]


def test_rules_command_says_how_a_severity_decided_per_finding_is_decided(tmp_path, run_cli):
    rows = _rules_table(run_cli, tmp_path)

    assert rows["VAN001"][1] == "warning; error on a KPI"
    assert rows["META001"][1] == "error when dbt discards the fields, warning otherwise"
    assert rows["KPI004"][1] == "error; warning for a quoted number"


def test_rules_command_says_which_rules_fix_fixes(tmp_path, run_cli):
    rows = _rules_table(run_cli, tmp_path)

    assert sorted(code for code, cells in rows.items() if cells[3] == "yes") == ["DEP001", "KPI014", "META001", "META002"]
    assert {cells[3] for cells in rows.values()} == {"yes", "no"}


def test_rule_page_states_a_severity_decided_per_finding():
    assert "Default severity: warning; error on a KPI; on by default.\n" in rule_documentation(RULES["VAN001"])


def test_rule_page_of_a_fixable_rule_says_fix_fixes_it():
    assert "Default severity: error; on by default; `--fix` fixes it.\n" in rule_documentation(RULES["META002"])


def test_rules_page_table_has_severity_and_fix_columns():
    page = rules_markdown()

    assert "| Code | Name | Severity | Default | Fix | Summary |\n" in page
    assert (
        "| [META001](#meta001-kpi-meta-outside-config) | kpi-meta-outside-config | error when dbt discards the "
        "fields, warning otherwise | on | yes | A metric keeps KPI fields in its top-level `meta`, where dbt drops "
        "or hides them. |\n"
    ) in page
    assert "| [KPI001](#kpi001-kpi-without-owner) | kpi-without-owner | error | on |  | A KPI has no owner. |\n" in page
