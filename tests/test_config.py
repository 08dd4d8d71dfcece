"""Configuration files: where they are found, what they may say, and how the CLI overrides them."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pytest
from conftest import DEFAULT_PROJECT_FILE, CliResult, finding_lines, write_files
from sample_project import METRICS

from dbt_kpi_lint.model import Severity
from dbt_kpi_lint.rules import RULES, Rule, RuleContext, RuleOption, Violation

Run = Callable[..., CliResult]

@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project({"models/metrics.yml": METRICS})


def codes(result: CliResult) -> list[str]:
    """`CODE@line` of each finding in text output."""
    return [
        f"{line.split('[')[1].split(']')[0]}@{line.split(':')[1]}" for line in finding_lines(result.stdout)
    ]


def configure(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def test_pyproject_table_selects_rules(project: Path, run_cli: Run) -> None:
    configure(project, "pyproject.toml", '[project]\nname = "x"\n\n[tool.dbt-kpi-lint]\nselect = ["VAN"]\n')

    assert codes(run_cli("check", cwd=project)) == ["VAN001@8"]


def test_dot_file_wins_over_pyproject_in_the_same_directory(project: Path, run_cli: Run) -> None:
    configure(project, "pyproject.toml", '[tool.dbt-kpi-lint]\nselect = ["VAN"]\n')
    configure(project, ".dbt-kpi-lint.toml", 'select = ["KPI"]\n')

    assert codes(run_cli("check", cwd=project)) == ["KPI001@2"]


def test_plain_project_file_is_read_with_top_level_keys(project: Path, run_cli: Run) -> None:
    configure(project, "dbt-kpi-lint.toml", 'ignore = ["KPI001"]\n')

    assert codes(run_cli("check", cwd=project)) == ["VAN001@8"]


def test_configuration_is_found_above_the_project_root(tmp_path: Path, run_cli: Run) -> None:
    write_files(tmp_path / "repo" / "analytics", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    configure(tmp_path / "repo", "pyproject.toml", '[tool.dbt-kpi-lint]\nignore = ["VAN001"]\n')

    result = run_cli("check", "repo/analytics", cwd=tmp_path)

    assert codes(result) == ["KPI001@2"]


def test_pyproject_without_the_table_is_skipped_and_the_search_goes_on(tmp_path: Path, run_cli: Run) -> None:
    write_files(tmp_path / "repo" / "analytics", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    configure(tmp_path / "repo" / "analytics", "pyproject.toml", '[tool.ruff]\nline-length = 100\n')
    configure(tmp_path / "repo", ".dbt-kpi-lint.toml", 'ignore = ["VAN001"]\n')

    assert codes(run_cli("check", cwd=tmp_path / "repo" / "analytics")) == ["KPI001@2"]


def test_the_nearest_file_is_used_alone(tmp_path: Path, run_cli: Run) -> None:
    write_files(tmp_path / "repo" / "analytics", {"dbt_project.yml": DEFAULT_PROJECT_FILE, "models/metrics.yml": METRICS})
    configure(tmp_path / "repo", ".dbt-kpi-lint.toml", 'ignore = ["VAN001"]\n')
    configure(tmp_path / "repo" / "analytics", ".dbt-kpi-lint.toml", 'fail-on = "warning"\n')

    assert codes(run_cli("check", cwd=tmp_path / "repo" / "analytics")) == ["KPI001@2", "VAN001@8"]


def test_exclude_a_directory_drops_findings_below_it(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": METRICS, "models/legacy/old.yml": METRICS.replace("revenue", "old_revenue").replace("customers_ever", "old_customers").replace("name: orders", "name: old_orders")})
    configure(project, ".dbt-kpi-lint.toml", 'exclude = ["models/legacy"]\n')

    result = run_cli("check", "--format", "github", cwd=project)

    assert [line.split(",")[0] for line in result.stdout.splitlines()] == [
        "::error file=models/metrics.yml",
        "::warning file=models/metrics.yml",
    ]


def test_severity_by_prefix_with_a_more_specific_code_winning(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", '[severity]\nKPI = "warning"\nVAN = "error"\nVAN001 = "warning"\n')

    result = run_cli("check", cwd=project)

    assert result.stdout.splitlines()[-1] == "Found 0 errors and 2 warnings in 3 metrics (1 KPI)."
    assert result.exit_code == 0


def test_fail_on_warning_makes_warnings_fail_the_run(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'fail-on = "warning"\nselect = ["VAN"]\n')

    assert run_cli("check", cwd=project).exit_code == 1


def test_meta_keys_rename_the_convention(make_project: Callable[..., Path], run_cli: Run) -> None:
    renamed = METRICS.replace("kpi: true,", "north_star: true, accountable: cfo@example.com,")
    project = make_project({"models/metrics.yml": renamed})
    configure(project, ".dbt-kpi-lint.toml", '[meta-keys]\nkpi = "north_star"\nowner = "accountable"\n')

    result = run_cli("check", "--select", "KPI", cwd=project)

    assert result.stdout == "All checks passed: 3 metrics (1 KPI).\n"


@pytest.fixture
def rule_with_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule another issue could add: one finding per metric, quoting its option's value."""

    def check(context: RuleContext) -> Iterable[Violation]:
        limit = context.option(RULES["TST001"], "max-things")
        for metric in context.project.metrics:
            yield Violation(f"max-things is {limit!r}", metric)

    rule = Rule(
        "TST001", "test-option", Severity.WARNING, True, check, "A test rule.",
        {"max-things": RuleOption(3, "how many things are allowed"), "share": RuleOption(0.25, "a share")},
    )
    monkeypatch.setitem(RULES, "TST001", rule)


@pytest.mark.usefixtures("rule_with_option")
def test_rule_options_declared_by_rules_are_read_from_the_file(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'select = ["TST"]\nmax-things = 7\nshare = 1\n')

    result = run_cli("check", "--format", "json", cwd=project)

    assert '"message": "max-things is 7"' in result.stdout


@pytest.mark.usefixtures("rule_with_option")
def test_rule_option_of_the_wrong_type_is_an_error(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'max-things = "seven"\n')

    result = run_cli("check", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == (
        "dbt-kpi-lint: error: .dbt-kpi-lint.toml: `max-things` must be an integer "
        "(how many things are allowed), not 'seven'\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'slect = ["KPI"]\n',
            '`slect` is not a setting; did you mean "select"? allowed: dialects, exclude, extend-select, '
            "fail-on, history-periods, ignore, max-kpis-per-owner, meta-keys, min-kpis-for-share, min-metrics-per-kpi, "
            "select, severity, targets-model",
        ),
        (
            'fail_on = "warning"\n',
            '`fail_on` is not a setting; did you mean "fail-on"? allowed: dialects, exclude, extend-select, '
            "fail-on, history-periods, ignore, max-kpis-per-owner, meta-keys, min-kpis-for-share, min-metrics-per-kpi, "
            "select, severity, targets-model",
        ),
        ('fail-on = "warn"\n', "`fail-on` must be one of 'error', 'warning', not 'warn'"),
        ('select = "KPI"\n', "`select` must be a list of strings, not 'KPI'"),
        ('ignore = ["KPI999"]\n', "`ignore` names unknown rule code KPI999; `dbt-kpi-lint rules` lists them"),
        ('severity = {KPI001 = "fatal"}\n', "`severity.KPI001` must be one of 'error', 'warning', not 'fatal'"),
        ('exclude = "models/legacy"\n', "`exclude` must be a list of strings, not 'models/legacy'"),
        (
            '[meta-keys]\nowners = "x"\n',
            '`meta-keys.owners` is not a meta key setting; did you mean "owner"? allowed: kpi, owner, '
            "target, direction, objective, indicator, at-risk-band, grain, number-format, unit, lint",
        ),
        ('[meta-keys]\nowner = ""\n', "`meta-keys.owner` must be a non-empty string (a meta key name), not ''"),
    ],
)
def test_bad_configuration_is_a_one_line_error_naming_file_and_key(
    project: Path, run_cli: Run, text: str, message: str
) -> None:
    configure(project, ".dbt-kpi-lint.toml", text)

    result = run_cli("check", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == f"dbt-kpi-lint: error: .dbt-kpi-lint.toml: {message}\n"
    assert result.stdout == ""


def test_pyproject_errors_name_the_table(project: Path, run_cli: Run) -> None:
    configure(project, "pyproject.toml", "[tool.dbt-kpi-lint]\nselects = []\n")

    result = run_cli("check", cwd=project)

    assert result.stderr.startswith("dbt-kpi-lint: error: pyproject.toml [tool.dbt-kpi-lint]: `selects` is not a setting")


def test_invalid_toml_is_an_error_with_its_position(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'select = ["KPI"]\nignore = [VAN]\n')

    result = run_cli("check", cwd=project)

    assert result.exit_code == 2
    assert result.stderr == "dbt-kpi-lint: error: .dbt-kpi-lint.toml: invalid TOML: Invalid value (at line 2, column 11)\n"


def test_cli_select_starts_the_selection_afresh(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'ignore = ["KPI001"]\n')

    assert codes(run_cli("check", "--select", "KPI001", cwd=project)) == ["KPI001@2"]


def test_cli_ignore_adds_to_the_file(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'ignore = ["KPI001"]\n')

    assert codes(run_cli("check", "--ignore", "VAN001", cwd=project)) == []


def test_cli_fail_on_overrides_the_file(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'fail-on = "warning"\nselect = ["VAN"]\n')

    assert run_cli("check", "--fail-on", "error", cwd=project).exit_code == 0


def test_explicit_config_file_is_used_instead_of_the_search(project: Path, run_cli: Run) -> None:
    configure(project, ".dbt-kpi-lint.toml", 'select = ["VAN"]\n')
    configure(project, "ci.toml", 'select = ["KPI"]\n')

    assert codes(run_cli("check", "--config", "ci.toml", cwd=project)) == ["KPI001@2"]


def test_explicit_config_file_that_is_missing_is_an_error(project: Path, run_cli: Run) -> None:
    result = run_cli("check", "--config", "nope.toml", cwd=project)

    assert (result.exit_code, result.stderr) == (2, "dbt-kpi-lint: error: nope.toml: no such configuration file\n")
