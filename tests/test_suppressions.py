"""Suppressions: `meta.kpi_lint` entries with a reason, `# noqa`, and reporting the unused ones."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from conftest import CliResult, finding_lines

Run = Callable[..., CliResult]


def lines(result: CliResult) -> list[str]:
    return finding_lines(result.stdout)


def kpi(extra_meta: str = "", name_comment: str = "") -> str:
    """A KPI without an owner (KPI001 at 2:5), complete otherwise; more meta entries follow from line 12."""
    return f"""\
metrics:
  - name: revenue{name_comment}
    type: simple
    type_params: {{measure: revenue}}
    config:
      meta:
        kpi: true
        target: 100
        direction: increase
        objective: grow
        indicator: leading
{extra_meta}"""


def test_meta_suppression_with_a_reason_silences_the_rule(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {"models/metrics.yml": kpi('        kpi_lint: {ignore: [KPI001], reason: "owned by the board"}\n')}
    )

    result = run_cli("check", cwd=project)

    assert (result.exit_code, result.stdout) == (0, "All checks passed: 1 metric (1 KPI).\n")


def test_meta_suppression_accepts_a_single_code_as_a_string(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi('        kpi_lint: {ignore: kpi001, reason: "board"}\n')})

    assert run_cli("check", cwd=project).exit_code == 0


def test_meta_suppression_without_a_reason_still_silences_but_is_reported(
    make_project: Callable[..., Path], run_cli: Run
) -> None:
    project = make_project({"models/metrics.yml": kpi("        kpi_lint: {ignore: [KPI001]}\n")})

    result = run_cli("check", cwd=project)

    assert lines(result) == [
        'models/metrics.yml:12:9: warning[SUP002] suppression `kpi_lint` of KPI001 gives no reason: add `reason: "..."` '
        "saying why the rule does not apply here, so reviewers can judge the exception"
    ]
    assert result.exit_code == 0


def test_malformed_meta_suppression_suppresses_nothing(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi('        kpi_lint: {ignore: [KPI001], why: "board"}\n')})

    result = run_cli("check", cwd=project)

    assert [line.split(" ", 2)[:2] for line in lines(result)] == [
        ["models/metrics.yml:2:5:", "error[KPI001]"],
        ["models/metrics.yml:12:38:", "warning[SUP002]"],
    ]
    assert lines(result)[1].endswith(
        '`kpi_lint` must look like `{ignore: [KPI005], reason: "why this rule does not apply"}`; unknown key `why`'
    )


def test_meta_suppression_that_is_not_a_mapping_is_reported(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi("        kpi_lint: KPI001\n")})

    result = run_cli("check", "--select", "SUP", cwd=project)

    assert lines(result) == [
        'models/metrics.yml:12:9: warning[SUP002] `kpi_lint` must look like `{ignore: [KPI005], reason: "why this rule '
        'does not apply"}`; it is not a mapping'
    ]


def test_meta_suppression_of_a_rule_that_finds_nothing_is_unused(
    make_project: Callable[..., Path], run_cli: Run
) -> None:
    project = make_project(
        {"models/metrics.yml": kpi('        owner: cfo@example.com\n        kpi_lint: {ignore: [KPI001], reason: "x"}\n')}
    )

    result = run_cli("check", cwd=project)

    assert lines(result) == [
        "models/metrics.yml:13:9: warning[SUP001] unused suppression `kpi_lint.ignore: [KPI001]`: KPI001 finds nothing "
        "here; remove the suppression"
    ]


def test_noqa_code_that_finds_nothing_is_unused(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi(name_comment="  # noqa: KPI001, VAN001")})

    result = run_cli("check", cwd=project)

    assert lines(result) == [
        "models/metrics.yml:2:20: warning[SUP001] unused suppression `# noqa: KPI001, VAN001`: VAN001 finds nothing "
        "here; remove that code"
    ]


def test_noqa_with_an_unknown_code_is_reported(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi(name_comment="  # noqa: KPI01")})

    result = run_cli("check", "--select", "SUP", cwd=project)

    assert lines(result) == [
        "models/metrics.yml:2:20: warning[SUP001] unused suppression `# noqa: KPI01`: KPI01 is not a rule code "
        "(`dbt-kpi-lint rules` lists them); remove the suppression"
    ]


def test_bare_noqa_that_silences_nothing_is_unused(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {"models/metrics.yml": kpi("        owner: cfo@example.com\n", name_comment="  # noqa")}
    )

    result = run_cli("check", cwd=project)

    assert lines(result) == [
        "models/metrics.yml:2:20: warning[SUP001] unused suppression `# noqa`: nothing is reported on this line or its "
        "metric; remove the suppression"
    ]


def test_codes_of_rules_that_did_not_run_are_not_judged(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {"models/metrics.yml": kpi("        owner: cfo@example.com\n", name_comment="  # noqa: VAN001")}
    )

    assert run_cli("check", "--ignore", "VAN001", cwd=project).stdout == "All checks passed: 1 metric (1 KPI).\n"
    assert run_cli("check", "--select", "KPI,SUP", cwd=project).stdout == "All checks passed: 1 metric (1 KPI).\n"


def test_bare_noqa_is_not_judged_when_a_default_rule_is_off(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {"models/metrics.yml": kpi("        owner: cfo@example.com\n", name_comment="  # noqa")}
    )

    assert run_cli("check", "--ignore", "VAN002", cwd=project).exit_code == 0
    assert run_cli("check", "--ignore", "VAN002", cwd=project).stdout == "All checks passed: 1 metric (1 KPI).\n"


def test_two_suppressions_of_one_finding_are_both_used(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {
            "models/metrics.yml": kpi(
                '        kpi_lint: {ignore: [KPI001], reason: "board"}\n', name_comment="  # noqa: KPI001"
            )
        }
    )

    assert run_cli("check", cwd=project).stdout == "All checks passed: 1 metric (1 KPI).\n"


def test_project_wide_meta_suppression_serves_every_metric_and_is_judged_once(
    make_project: Callable[..., Path], run_cli: Run
) -> None:
    project_file = """\
        name: shop
        version: "1.0.0"
        config-version: 2
        metrics:
          shop:
            +meta:
              kpi_lint: {ignore: [VAN001], reason: "legacy dashboards"}
        """
    metrics = """\
        metrics:
          - name: customers_ever
            type: cumulative
            type_params: {measure: customers}
          - name: orders_ever
            type: cumulative
            type_params: {measure: orders}
        """
    project = make_project({"models/metrics.yml": metrics}, project_file=project_file)

    assert run_cli("check", cwd=project).stdout == "All checks passed: 2 metrics (0 KPIs).\n"

    (project / "models/metrics.yml").write_text(metrics.replace("cumulative", "simple"), encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert lines(result)[0] == (
        "dbt_project.yml:7:7: warning[SUP001] unused suppression `kpi_lint.ignore: [VAN001]`: VAN001 finds nothing here; "
        "remove the suppression"
    )


def test_suppression_meta_key_is_configurable(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project(
        {
            "models/metrics.yml": kpi('        lint: {ignore: [KPI001], reason: "board"}\n'),
            ".dbt-kpi-lint.toml": '[meta-keys]\nlint = "lint"\n',
        }
    )

    assert run_cli("check", cwd=project).exit_code == 0


def test_unused_suppression_is_a_finding_that_can_be_ignored(make_project: Callable[..., Path], run_cli: Run) -> None:
    project = make_project({"models/metrics.yml": kpi(name_comment="  # noqa: KPI001, VAN001")})

    assert run_cli("check", "--ignore", "SUP001", cwd=project).stdout == "All checks passed: 1 metric (1 KPI).\n"
