"""Output formats for CI: GitHub annotations, SARIF, JUnit, GitLab, their paths, statistics, color, --output."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Callable

import jsonschema
import pytest
from conftest import DEFAULT_PROJECT_FILE, CliResult, write_files
from sample_project import KPI001_MESSAGE, LEGACY_WINDOW, METRICS, VAN001_MESSAGE

from dbt_kpi_lint.findings import Finding
from dbt_kpi_lint.formatters import Report, RuleDescription
from dbt_kpi_lint.formatters.github import escape_data, escape_property, format_github
from dbt_kpi_lint.model import Location, Severity
from dbt_kpi_lint.rules import RULES

# The OASIS schema, as published in the oasis-tcs/sarif-spec repository (sarif-2.1/schema/).
SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
# GitLab's published field rules for Code Quality reports, as a schema (its $comment says whence).
GITLAB_SCHEMA = Path(__file__).parent / "schemas" / "gitlab-code-quality.json"

Run = Callable[..., CliResult]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"models/metrics.yml": METRICS})


def test_github_format_writes_one_workflow_command_per_finding(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "github", cwd=project)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file=models/metrics.yml,line=2,col=5,title=KPI001 kpi-without-owner::{KPI001_MESSAGE}",
        f"::warning file=models/metrics.yml,line=8,col=5,title=VAN001 all-time-cumulative::{VAN001_MESSAGE}",
    ]


def test_outside_a_git_work_tree_github_paths_are_relative_to_the_working_directory(
    project: Path, run_cli: Run
) -> None:
    result = run_cli("check", "project", "--format", "github", cwd=project.parent)

    assert [line.split(",")[0] for line in result.stdout.splitlines()] == [
        "::error file=project/models/metrics.yml",
        "::warning file=project/models/metrics.yml",
    ]


def test_github_escapes_data_and_property_values() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"


def test_github_escaping_keeps_one_command_per_line() -> None:
    finding = Finding(
        "KPI001", Severity.WARNING, "line one\nline two: 100%", Location("odd:dir,x/m.yml", 3, 7), "m"
    )

    output = format_github(Report([finding], [_rule("KPI001")]))

    assert output == (
        "::warning file=odd%3Adir%2Cx/m.yml,line=3,col=7,title=KPI001 rule-name::line one%0Aline two: 100%25\n"
    )


def assert_valid(document: object, schema: Path) -> None:
    jsonschema.Draft7Validator(json.loads(schema.read_text(encoding="utf-8"))).validate(document)


@pytest.mark.parametrize(("output_format", "schema"), [("sarif", SARIF_SCHEMA), ("gitlab", GITLAB_SCHEMA)])
def test_sarif_and_gitlab_output_follow_their_published_schemas(
    project: Path, run_cli: Run, output_format: str, schema: Path
) -> None:
    result = run_cli("check", "--format", output_format, cwd=project)

    assert_valid(json.loads(result.stdout), schema)
    assert result.exit_code == 1


def test_sarif_help_says_how_a_rule_decides_its_severity(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "sarif", cwd=project)

    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["VAN001"]["help"]["markdown"].startswith(
        "**VAN001 all-time-cumulative**: A cumulative metric has neither a window nor a grain_to_date: an all-time "
        "running total.\n\nSeverity: warning; error on a KPI.\n\n## What it checks\n"
    )
    assert rules["VAN001"]["help"]["text"].startswith("Severity: warning; error on a KPI.\n\n## What it checks\n")


def test_sarif_help_has_no_severity_note_once_the_configuration_fixes_the_severity(
    project: Path, run_cli: Run
) -> None:
    (project / "pyproject.toml").write_text('[tool.dbt-kpi-lint]\nseverity = {VAN001 = "error"}\n')

    result = run_cli("check", "--format", "sarif", cwd=project)

    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    [van001] = [rule for rule in rules if rule["id"] == "VAN001"]
    assert (van001["defaultConfiguration"], van001["help"]["text"][:17]) == ({"level": "error"}, "## What it checks")


def test_sarif_describes_the_tool_and_every_enabled_rule(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "sarif", cwd=project)

    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "dbt-kpi-lint",
        "0.2.0",
        "https://pypi.org/project/dbt-kpi-lint/",
    )
    on_by_default = sorted(code for code, rule in RULES.items() if rule.enabled_by_default)
    assert [rule["id"] for rule in driver["rules"]] == on_by_default
    [kpi001] = [rule for rule in driver["rules"] if rule["id"] == "KPI001"]
    assert kpi001["name"] == "kpi-without-owner"
    assert kpi001["shortDescription"] == {"text": "A KPI has no owner."}
    assert kpi001["fullDescription"]["text"].startswith("Every metric marked as a KPI (`meta.kpi: true`")
    assert kpi001["help"]["text"].startswith("## What it checks\nEvery metric marked as a KPI")
    assert kpi001["help"]["markdown"].startswith("**KPI001 kpi-without-owner**: A KPI has no owner.\n\n## What it checks")
    assert "## Fix\nAdd `owner: finance-leads@example.com`" in kpi001["help"]["markdown"]
    assert kpi001["defaultConfiguration"] == {"level": "error"}


def test_sarif_results_point_at_the_metric_with_rule_index_and_level(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "sarif", cwd=project)

    run = json.loads(result.stdout)["runs"][0]
    first = run["results"][0]
    assert {key: first[key] for key in ("ruleId", "level", "message")} == {
        "ruleId": "KPI001",
        "level": "error",
        "message": {"text": KPI001_MESSAGE},
    }
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "models/metrics.yml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 2, "startColumn": 5},
            }
        }
    ]
    rules = run["tool"]["driver"]["rules"]
    assert [(rules[item["ruleIndex"]]["id"], item["ruleId"], item["level"]) for item in run["results"]] == [
        ("KPI001", "KPI001", "error"),
        ("VAN001", "VAN001", "warning"),
    ]


def test_sarif_fingerprints_survive_lines_moving(project: Path, run_cli: Run) -> None:
    before = json.loads(run_cli("check", "--format", "sarif", cwd=project).stdout)
    (project / "models/metrics.yml").write_text("# a comment\n\n" + METRICS, encoding="utf-8")
    after = json.loads(run_cli("check", "--format", "sarif", cwd=project).stdout)

    def fingerprints(log: dict) -> list[str]:
        return [result["partialFingerprints"]["dbtKpiLint/v1"] for result in log["runs"][0]["results"]]

    assert fingerprints(before) == fingerprints(after)
    assert after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_sarif_uris_are_percent_encoded(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/kpi metrics.yml": METRICS})

    result = run_cli("check", "--format", "sarif", cwd=project)

    location = json.loads(result.stdout)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "models/kpi%20metrics.yml"


def test_gitlab_issue_names_the_rule_the_message_the_severity_and_the_line(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "gitlab", cwd=project)

    [kpi001, van001] = json.loads(result.stdout)
    assert {key: value for key, value in kpi001.items() if key != "fingerprint"} == {
        "description": f"KPI001: {KPI001_MESSAGE}",
        "check_name": "KPI001",
        "severity": "major",
        "location": {"path": "models/metrics.yml", "lines": {"begin": 2}},
    }
    assert (van001["check_name"], van001["severity"], van001["location"]) == (
        "VAN001",
        "minor",
        {"path": "models/metrics.yml", "lines": {"begin": 8}},
    )


def test_gitlab_fingerprints_are_the_same_on_every_run_and_survive_lines_moving(project: Path, run_cli: Run) -> None:
    def fingerprints() -> list[str]:
        issues = json.loads(run_cli("check", "--format", "gitlab", cwd=project).stdout)
        return [issue["fingerprint"] for issue in issues]

    before = fingerprints()
    again = fingerprints()
    (project / "models/metrics.yml").write_text("# a comment\n\n" + METRICS, encoding="utf-8")

    assert before == again == fingerprints()


def test_gitlab_fingerprints_are_unique_even_for_the_same_finding_in_two_projects(
    tmp_path: Path, run_cli: Run
) -> None:
    for name in ("sales", "support"):
        write_files(tmp_path / name, {"dbt_project.yml": f"name: {name}\n", "models/metrics.yml": METRICS})

    issues = json.loads(run_cli("check", "sales", "support", "--format", "gitlab", cwd=tmp_path).stdout)

    assert [issue["check_name"] for issue in issues] == ["KPI001", "VAN001", "KPI001", "VAN001"]
    assert len({issue["fingerprint"] for issue in issues}) == 4


def test_gitlab_report_without_findings_is_an_empty_array(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS})

    result = run_cli("check", "--format", "gitlab", "--ignore", "KPI001,VAN001", cwd=project)

    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_junit_has_one_test_case_per_metric_and_a_failure_per_finding(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "junit", cwd=project)

    root = ElementTree.fromstring(result.stdout)
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "3", "2", "0")
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("models/metrics.yml", "3", "2")
    cases = suite.findall("testcase")
    assert [(case.get("name"), case.get("line")) for case in cases] == [
        ("revenue", "2"),
        ("customers_ever", "8"),
        ("orders", "13"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == ("KPI001", KPI001_MESSAGE)
    assert failure.text == f"models/metrics.yml:2:5: KPI001 [error] {KPI001_MESSAGE}"
    assert cases[2].find("failure") is None


def test_junit_reports_a_finding_without_a_metric_under_its_file(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/broken.yml": "metrics:\n  - name: [unclosed\n"})

    result = run_cli("check", "--format", "junit", cwd=project)

    case = ElementTree.fromstring(result.stdout).find("testsuite/testcase")
    assert case is not None
    assert (case.get("classname"), case.get("name")) == ("models/broken.yml", "models/broken.yml")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "YML001"


def test_statistics_counts_findings_per_rule_most_frequent_first(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {
            "models/metrics.yml": METRICS,
            "models/more.yml": """\
                metrics:
                  - name: margin
                    type: simple
                    type_params: {measure: margin}
                    config: {meta: {kpi: true, direction: increase, objective: grow, indicator: leading, target: 0.3}}
                """,
        }
    )

    result = run_cli("check", "--statistics", cwd=project)

    assert result.stdout == "2  KPI001  kpi-without-owner\n1  VAN001  all-time-cumulative\n"
    assert result.exit_code == 1


def test_statistics_as_json(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--statistics", "--format", "json", cwd=project)

    assert json.loads(result.stdout) == [
        {"code": "KPI001", "name": "kpi-without-owner", "count": 1, "fixable": False},
        {"code": "VAN001", "name": "all-time-cumulative", "count": 1, "fixable": False},
    ]


def test_statistics_mark_the_rules_fix_fixes_when_there_are_any(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS, "models/legacy.yml": LEGACY_WINDOW})

    result = run_cli("check", "--statistics", cwd=project)

    assert result.stdout == (
        "1  DEP001  [*] legacy-cumulative-params\n"
        "1  KPI001  [ ] kpi-without-owner\n"
        "1  VAN001  [ ] all-time-cumulative\n"
    )


def test_statistics_without_findings_say_all_checks_passed(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS})

    result = run_cli("check", "--statistics", "--ignore", "KPI001,VAN001", cwd=project)

    assert (result.exit_code, result.stdout) == (0, "All checks passed: 3 metrics (1 KPI).\n")


def test_statistics_as_json_without_findings_are_an_empty_list(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS})

    result = run_cli("check", "--statistics", "--format", "json", "--ignore", "KPI001,VAN001", cwd=project)

    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_statistics_with_a_format_that_cannot_show_them_is_a_usage_error(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--statistics", "--format", "sarif", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == "dbt-kpi-lint: error: --statistics works with --format json or text\n"


def test_output_writes_the_report_to_a_file_and_nothing_to_stdout(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--format", "json", "--output", "lint.json", cwd=project)

    assert result.stdout == ""
    assert [finding["code"] for finding in json.loads((project / "lint.json").read_text())] == ["KPI001", "VAN001"]
    assert result.exit_code == 1


def test_exit_zero_keeps_findings_but_succeeds(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--exit-zero", cwd=project)

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Found 1 error and 1 warning in 3 metrics (1 KPI)."


def test_two_projects_make_one_json_document(tmp_path: Path, run_cli: Run) -> None:
    for name in ("sales", "support"):
        write_files(
            tmp_path / name,
            {"dbt_project.yml": f"name: {name}\nversion: '1'\nconfig-version: 2\n", "models/metrics.yml": METRICS},
        )

    result = run_cli("check", "sales", "support", "--format", "json", cwd=tmp_path)

    assert [(finding["path"], finding["code"]) for finding in json.loads(result.stdout)] == [
        ("sales/models/metrics.yml", "KPI001"),
        ("sales/models/metrics.yml", "VAN001"),
        ("support/models/metrics.yml", "KPI001"),
        ("support/models/metrics.yml", "VAN001"),
    ]


@pytest.fixture
def monorepo_project(tmp_path: Path) -> Path:
    """A git repository whose dbt project lives in `transform/`: the project directory."""
    repository = tmp_path / "repo"
    write_files(repository / "transform", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    return repository / "transform"


def _github_paths(output: str) -> list[str]:
    return re.findall(r"^::\w+ file=([^,]*),", output, flags=re.MULTILINE)


def _sarif_paths(output: str) -> list[str]:
    results = json.loads(output)["runs"][0]["results"]
    return [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results]


def _junit_paths(output: str) -> list[str]:
    root = ElementTree.fromstring(output)
    return [element.get("name", "") for element in root.iter("testsuite")] + [
        case.get("file", "") for case in root.iter("testcase")
    ]


def _gitlab_paths(output: str) -> list[str]:
    return [issue["location"]["path"] for issue in json.loads(output)]


@pytest.mark.parametrize(
    ("output_format", "paths", "expected"),
    [
        ("github", _github_paths, 2),
        ("sarif", _sarif_paths, 2),
        ("junit", _junit_paths, 4),  # the suite and its three test cases
        ("gitlab", _gitlab_paths, 2),
    ],
)
def test_ci_formats_run_in_a_monorepo_subfolder_give_paths_from_the_repository_root(
    monorepo_project: Path, run_cli: Run, output_format: str, paths: Callable[[str], list[str]], expected: int
) -> None:
    result = run_cli("check", "--format", output_format, cwd=monorepo_project)

    assert paths(result.stdout) == ["transform/models/metrics.yml"] * expected


def test_sarif_run_in_a_monorepo_subfolder_states_the_repository_root_as_its_base_and_validates(
    monorepo_project: Path, run_cli: Run
) -> None:
    result = run_cli("check", "--format", "sarif", cwd=monorepo_project)

    log = json.loads(result.stdout)
    assert_valid(log, SARIF_SCHEMA)
    assert log["runs"][0]["originalUriBaseIds"] == {
        "%SRCROOT%": {
            "uri": monorepo_project.parent.as_uri() + "/",
            "description": {"text": "The root of the git work tree the linter ran in."},
        }
    }


def test_text_and_json_run_in_a_monorepo_subfolder_stay_relative_to_the_working_directory(
    monorepo_project: Path, run_cli: Run
) -> None:
    text = run_cli("check", cwd=monorepo_project).stdout
    findings = json.loads(run_cli("check", "--format", "json", cwd=monorepo_project).stdout)

    assert text.startswith("models/metrics.yml:2:5: error[KPI001] ")
    assert [finding["path"] for finding in findings] == ["models/metrics.yml", "models/metrics.yml"]


def test_a_dot_git_file_marks_the_repository_root_as_in_a_linked_worktree(tmp_path: Path, run_cli: Run) -> None:
    worktree = tmp_path / "checkout"
    write_files(worktree, {".git": "gitdir: /elsewhere/.git/worktrees/checkout\n"})
    write_files(worktree / "transform", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})

    result = run_cli("check", "--format", "github", cwd=worktree / "transform")

    assert _github_paths(result.stdout) == ["transform/models/metrics.yml"] * 2


def test_sarif_outside_a_git_work_tree_states_the_working_directory_as_its_base(
    project: Path, run_cli: Run
) -> None:
    result = run_cli("check", "--format", "sarif", cwd=project)

    assert json.loads(result.stdout)["runs"][0]["originalUriBaseIds"]["%SRCROOT%"] == {
        "uri": project.as_uri() + "/",
        "description": {"text": "The working directory of the linter."},
    }


def _run_on_terminal(project: Path, env: dict[str, str]) -> str:
    """Run the real CLI with its stdout on a pseudo-terminal, as in an interactive shell."""
    controller, terminal = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    process = subprocess.run(
        [sys.executable, "-m", "dbt_kpi_lint", "check"],
        cwd=project, stdout=terminal, stderr=subprocess.PIPE, env={**environment, **env}, timeout=60,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.returncode == 1, process.stderr
    return b"".join(chunks).decode()


def test_text_is_colored_on_a_terminal(project: Path) -> None:
    output = _run_on_terminal(project, {})

    assert "\x1b[1mmodels/metrics.yml:2:5:\x1b[0m \x1b[1m\x1b[31merror\x1b[0m\x1b[1m[KPI001]\x1b[0m KPI `revenue`" in output
    assert "\x1b[1m\x1b[34m2 |\x1b[0m   - name: revenue\r\n\x1b[1m\x1b[34m  |\x1b[0m     \x1b[1m\x1b[31m^\x1b[0m" in output


@pytest.mark.parametrize(("setting", "colored"), [("1", False), ("", True)])
def test_no_color_with_a_value_turns_color_off(project: Path, setting: str, colored: bool) -> None:
    output = _run_on_terminal(project, {"NO_COLOR": setting})

    assert ("\x1b[" in output) is colored


def test_text_is_plain_when_piped(project: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "dbt_kpi_lint", "check"], cwd=project, capture_output=True, text=True, timeout=60
    )

    assert "\x1b" not in process.stdout
    assert process.stdout.startswith(f"models/metrics.yml:2:5: error[KPI001] {KPI001_MESSAGE}\n")


def _rule(code: str) -> RuleDescription:
    return RuleDescription(code, "rule-name", "Summary.", "## What it checks\nSomething.", Severity.ERROR)
def test_sarif_rule_level_follows_the_configured_severity(project: Path, run_cli: Run) -> None:
    (project / "pyproject.toml").write_text('[tool.dbt-kpi-lint]\nseverity = {KPI001 = "warning"}\n')

    result = run_cli("check", "--format", "sarif", cwd=project)

    run = json.loads(result.stdout)["runs"][0]
    [kpi001] = [rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "KPI001"]
    assert kpi001["defaultConfiguration"] == {"level": "warning"}
    assert run["results"][0]["level"] == "warning"
    assert result.exit_code == 0


