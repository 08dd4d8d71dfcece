"""The `check` command: output, exit codes, suppression, selection and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_yaml_loading import LIFETIME_CUSTOMERS, REVENUE_KPI

from dbt_kpi_lint.cli import COMMAND_MODULES

NO_OWNER_KPI = """\
    metrics:
      - name: active_customers{noqa}
        label: Active customers
        type: simple
        type_params: {{measure: active_customers}}
        config:
          meta: {{kpi: true, target: 450, direction: increase, objective: retain_customers, indicator: leading}}
"""


def test_concise_text_output_is_one_line_per_finding_then_a_summary(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    result = run_cli("check", "--output-format", "concise", cwd=root)
    assert result.stdout.splitlines() == [
        "models/m.yml:2:5: error[KPI001] KPI `active_customers` has no owner: set `meta.owner` to the accountable "
        "person or team, or put the metric in a dbt group that has an owner (`config.group`)",
        "Found 1 error and 0 warnings in 1 metric (1 KPI).",
    ]


def test_error_finding_exits_1(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    assert run_cli("check", cwd=root).exit_code == 1


def test_warnings_alone_exit_0(make_project, run_cli):
    root = make_project({"models/m.yml": LIFETIME_CUSTOMERS})
    result = run_cli("check", cwd=root)
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "Found 0 errors and 1 warning in 1 metric (0 KPIs).")


def test_fail_on_warning_makes_warnings_exit_1(make_project, run_cli):
    root = make_project({"models/m.yml": LIFETIME_CUSTOMERS})
    assert run_cli("check", "--fail-on", "warning", cwd=root).exit_code == 1


def test_clean_project_exits_0_and_says_so(make_project, run_cli):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli("check", cwd=root)
    assert (result.exit_code, result.stdout) == (0, "All checks passed: 1 metric (1 KPI).\n")


def test_project_directory_argument_lints_from_elsewhere(make_project, run_cli, tmp_path):
    make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    result = run_cli("check", "project", cwd=tmp_path)
    assert result.stdout.startswith("project/models/m.yml:2:5: error[KPI001] ")


def test_project_is_found_from_a_subdirectory(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    result = run_cli("check", cwd=root / "models")
    assert result.stdout.startswith("../models/m.yml:2:5: error[KPI001] ")


def test_json_output_has_the_documented_fields(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    [finding] = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert {key: finding[key] for key in ("code", "severity", "path", "line", "column", "metric")} == {
        "code": "KPI001",
        "severity": "error",
        "path": "models/m.yml",
        "line": 2,
        "column": 5,
        "metric": "active_customers",
    }


def test_noqa_with_the_code_suppresses_the_finding(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="  # noqa: KPI001")})
    assert run_cli("check", cwd=root).exit_code == 0


def test_bare_noqa_suppresses_every_finding_of_the_metric(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="  # noqa")})
    assert run_cli("check", cwd=root).exit_code == 0


def test_noqa_for_another_code_does_not_suppress(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="  # noqa: KPI002, VAN001")})
    assert run_cli("check", cwd=root).exit_code == 1


def test_noqa_on_the_name_line_covers_a_finding_on_an_input_line(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": LIFETIME_CUSTOMERS
            + """\
      - name: doubled  # noqa: VAN002
        label: Doubled
        type: derived
        type_params:
          expr: lifetime_customers * 2
          metrics: [lifetime_customers]
"""
        }
    )
    result = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert [item["code"] for item in result] == ["VAN001"]


def test_select_keeps_only_the_selected_rules(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="") + LIFETIME_CUSTOMERS.replace("    metrics:\n", "")})
    result = json.loads(run_cli("check", "--format", "json", "--select", "VAN", cwd=root).stdout)
    assert [item["code"] for item in result] == ["VAN001"]


def test_ignore_drops_a_rule(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    assert run_cli("check", "--ignore", "KPI001", cwd=root).exit_code == 0


def test_unknown_rule_code_is_a_usage_error(make_project, run_cli):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli("check", "--select", "KPI999", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: argument --select: unknown rule code KPI999; `dbt-kpi-lint rules` lists them\n",
    )


def test_malformed_yaml_is_a_finding_and_other_files_are_still_linted(make_project, run_cli):
    root = make_project(
        {
            "models/broken.yml": "metrics:\n  - name: x\n    label: [unclosed\n",
            "models/m.yml": NO_OWNER_KPI.format(noqa=""),
        }
    )
    result = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert [(item["code"], item["path"], item["line"], item["column"]) for item in result] == [
        ("YML001", "models/broken.yml", 4, 1),
        ("KPI001", "models/m.yml", 2, 5),
    ]
    assert "expected ',' or ']'" in result[0]["message"]


def test_file_that_is_not_utf8_is_a_finding(make_project, run_cli):
    root = make_project({"models/m.yml": REVENUE_KPI})
    (root / "models/latin1.yml").write_bytes("metrics:\n  - name: caf\xe9\n".encode("latin-1"))
    result = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert [(item["code"], item["path"], item["line"]) for item in result] == [("YML001", "models/latin1.yml", 2)]
    assert "not UTF-8" in result[0]["message"]


def test_utf16_file_with_bom_is_read(make_project, run_cli):
    root = make_project({})
    text = "metrics:\n" + NO_OWNER_KPI.format(noqa="").split("metrics:\n", 1)[1]
    (root / "models").mkdir()
    (root / "models/m.yml").write_bytes(text.encode("utf-16"))
    result = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert [(item["code"], item["line"]) for item in result] == [("KPI001", 2)]


def test_missing_dbt_project_is_exit_2_with_one_line(run_cli, tmp_path):
    result = run_cli("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("dbt-kpi-lint: error: no dbt_project.yml in ")
    assert len(result.stderr.splitlines()) == 1


def test_invalid_dbt_project_is_exit_2_naming_the_position(make_project, run_cli):
    root = make_project({}, project_file="name: [shop\n")
    result = run_cli("check", cwd=root)
    assert (result.exit_code, result.stderr.split(": invalid YAML")[0]) == (2, "dbt-kpi-lint: error: dbt_project.yml:2:1")


def test_dbt_project_without_name_is_exit_2(make_project, run_cli):
    root = make_project({}, project_file="version: 2\n")
    result = run_cli("check", cwd=root)
    assert (result.exit_code, result.stderr) == (2, "dbt-kpi-lint: error: dbt_project.yml: the project has no `name`\n")


def test_nonexistent_path_is_exit_2(make_project, run_cli):
    root = make_project({})
    result = run_cli("check", "models/nope.yml", cwd=root)
    assert (result.exit_code, result.stderr) == (2, "dbt-kpi-lint: error: models/nope.yml: no such file or directory\n")


def test_files_outside_any_dbt_project_are_ignored(run_cli, tmp_path):
    (tmp_path / "ci.yml").write_text("jobs: {}\n")
    result = run_cli("check", "ci.yml", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")


def test_changed_dbt_project_file_reports_the_whole_project(make_project, run_cli):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    assert run_cli("check", "dbt_project.yml", cwd=root).exit_code == 1


def test_rules_lists_every_rule_code(run_cli, tmp_path):
    lines = run_cli("rules", cwd=tmp_path).stdout.splitlines()
    codes = [line.split()[0] for line in lines[1:]]
    assert {"KPI001", "KPI002", "VAN001", "VAN002", "YML001"} <= set(codes)


def test_rule_prints_its_documentation(run_cli, tmp_path):
    result = run_cli("rule", "kpi001", cwd=tmp_path)
    assert result.stdout.startswith("# KPI001 kpi-without-owner\n\nA KPI has no owner.\n")
    assert "## Fix" in result.stdout


def test_internal_error_is_one_line_and_exit_2(make_project, run_cli, monkeypatch):
    root = make_project({"models/m.yml": REVENUE_KPI})

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("dbt_kpi_lint.cli.check.load_linted_project", explode)
    result = run_cli("check", cwd=root)
    assert (result.exit_code, result.stderr.splitlines()) == (
        2,
        ["dbt-kpi-lint: internal error: RuntimeError: boom (please report it with the command you ran)"],
    )


def test_console_script_runs_as_a_module(make_project):
    root = make_project({"models/m.yml": NO_OWNER_KPI.format(noqa="")})
    completed = subprocess.run(
        [sys.executable, "-m", "dbt_kpi_lint", "check", str(root)], capture_output=True, text=True, check=False
    )
    assert (completed.returncode, completed.stderr) == (1, "")
    assert "models/m.yml:2:5: error[KPI001]" in completed.stdout


@pytest.mark.parametrize(
    ("abbreviation", "option"), [("--form", "--format"), ("--stat", "--statistics"), ("--out", "--output")]
)
def test_abbreviated_option_is_refused_naming_the_whole_option(make_project, run_cli, abbreviation, option):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli("check", abbreviation, cwd=root)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"dbt-kpi-lint: error: unrecognized arguments: {abbreviation}; did you mean {option}?\n",
    )


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        pytest.param(
            ["check", "--fial-on=warning"], "unrecognized arguments: --fial-on=warning; did you mean --fail-on?",
            id="a command's option",
        ),
        pytest.param(
            ["--versio", "check"], "unrecognized arguments: --versio; did you mean --version?", id="the main option"
        ),
        pytest.param(
            ["check", "--zzz"], "unrecognized arguments: --zzz; see `dbt-kpi-lint check --help`", id="like no option"
        ),
    ],
)
def test_misspelt_option_is_a_one_line_error_suggesting_the_option_it_resembles(
    make_project, run_cli, arguments, error
):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli(*arguments, cwd=root)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"dbt-kpi-lint: error: {error}\n")


def test_no_arguments_print_the_help_on_stderr_with_the_usage_error_exit_code(run_cli, tmp_path):
    result = run_cli(cwd=tmp_path)
    helped = run_cli("--help", cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", helped.stdout)
    assert result.stderr.startswith("usage: dbt-kpi-lint [-h] [--version] COMMAND ...\n")


def test_misspelt_command_suggests_the_command(run_cli, tmp_path):
    result = run_cli("chek", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: argument COMMAND: invalid choice: 'chek' "
        "(choose from check, rules, rule, review, certify, generate, status, report); did you mean check?\n",
    )


def test_misspelt_format_suggests_the_format(make_project, run_cli):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli("check", "--format", "sarf", cwd=root)
    assert (result.exit_code, result.stderr.split(" (choose from ")[0], result.stderr.split(")")[-1]) == (
        2,
        "dbt-kpi-lint: error: argument --format: invalid choice: 'sarf'",
        "; did you mean sarif?\n",
    )


@pytest.mark.parametrize("command", ["check", "generate"])
def test_vars_that_are_not_yaml_are_a_one_line_error(make_project, run_cli, command):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli(command, "--vars", "{x: [1", cwd=root)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: --vars is not YAML: while parsing a flow sequence did not find expected ',' or ']'\n",
    )


def test_vars_that_are_not_a_mapping_are_a_one_line_error(make_project, run_cli):
    root = make_project({"models/m.yml": REVENUE_KPI})
    result = run_cli("check", "--vars", "[1]", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --vars must be a YAML mapping, e.g. '{revenue_target: 1000}'\n",
    )


COMMAND_MODULES_LOADED = """\
import sys
from dbt_kpi_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(",".join(sorted(name for name in sys.modules if name.startswith("dbt_kpi_lint.cli."))))
"""


def cli_modules_loaded_by(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", COMMAND_MODULES_LOADED, *args], capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()[-1]


def test_version_loads_no_command_module() -> None:
    assert cli_modules_loaded_by("--version") == "dbt_kpi_lint.cli.common,dbt_kpi_lint.cli.parser"


def test_a_command_loads_only_its_own_module() -> None:
    assert cli_modules_loaded_by("rules") == "dbt_kpi_lint.cli.common,dbt_kpi_lint.cli.explain,dbt_kpi_lint.cli.parser"


def test_a_misspelt_command_loads_every_command_to_suggest_one() -> None:
    loaded = set(cli_modules_loaded_by("chek").split(","))
    assert {f"dbt_kpi_lint.cli.{module}" for module in COMMAND_MODULES.values()} - loaded == set()
