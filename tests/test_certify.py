"""`certify METRIC --by NAME` writes meta.kpi.certified; KPI012 reports a certification the definition outgrew."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
import yaml
from conftest import CliResult, write_files
from git_repos import commit_all, edit
from review_project import METRICS, SEMANTIC_MODELS, make_repo

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.kpi.definition_fingerprint import Fingerprint, KpiFingerprints
from dbt_kpi_lint.kpi.fields import kpi_of
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.yaml_loader import load_project

Run = Callable[..., CliResult]
METRICS_FILE, SEMANTIC_FILE = "models/metrics.yml", "models/semantic_models.yml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def certify(run_cli: Run, root: Path, metric: str = "revenue") -> CliResult:
    return run_cli("certify", metric, "--by", "ana@example.com", "--on", "2026-06-30", cwd=root)


def fingerprint_of(root: Path, metric: str = "revenue") -> str:
    project = load_project(root)
    kpi = kpi_of(project.metric(metric), project, Settings().meta_keys)
    return str(KpiFingerprints(project, [metric]).of(kpi))


def kpi012(run_cli: Run, root: Path) -> list[str]:
    result = run_cli("check", "--select", "KPI012", "--format", "json", cwd=root)
    return [f"{item['path']}:{item['line']} {item['message']}" for item in json.loads(result.stdout)]


# Writing the certification ------------------------------------------------------------------------------


def test_certify_refuses_a_project_with_a_schema_file_yaml_cannot_read(repo: Path, run_cli: Run) -> None:
    write_files(repo, {"models/broken.yml": "metrics:\n  - name: margin\n    label: [\n"})
    before = (repo / METRICS_FILE).read_bytes()

    result = certify(run_cli, repo)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: models/broken.yml:4:1: while parsing a flow node did not find expected node content: "
        "`certify` needs every schema file of the project and dbt refuses this one: fix it first\n",
    )
    assert (repo / METRICS_FILE).read_bytes() == before


def test_certify_turns_a_kpi_true_flag_into_a_mapping_and_keeps_every_other_byte(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "        kpi: true\n", "        kpi: true   # promoted in Q1\n")
    before = (repo / METRICS_FILE).read_text(encoding="utf-8")

    result = certify(run_cli, repo)

    fingerprint = fingerprint_of(repo)
    assert result.stdout == f"certified `revenue` in models/metrics.yml ({fingerprint})\n"
    assert (repo / METRICS_FILE).read_text(encoding="utf-8") == before.replace(
        "        kpi: true   # promoted in Q1\n",
        "        kpi:  # promoted in Q1\n"
        "          certified:\n"
        "            by: ana@example.com\n"
        '            "on": 2026-06-30\n'
        f'            fingerprint: "{fingerprint}"\n',
    )


def test_certify_adds_the_certification_inside_a_flow_mapping(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo, "revenue_per_order")

    line = next(line for line in (repo / METRICS_FILE).read_text().splitlines() if "certified" in line)
    assert line == (
        '      meta: {kpi: {certified: {by: ana@example.com, "on": 2026-06-30, fingerprint: '
        f'"{fingerprint_of(repo, "revenue_per_order")}"}}}}, owner: finance@example.com, target: 50, direction: '
        "increase, objective: grow, indicator: lagging}"
    )


def test_certify_adds_the_certification_to_a_kpi_mapping(tmp_path: Path, run_cli: Run) -> None:
    root = make_repo(tmp_path / "repo", metrics=METRICS.replace(
        "        kpi: true\n        owner: finance@example.com\n",
        "        kpi:\n          owner: finance@example.com\n",
    ))

    certify(run_cli, root)

    assert "        kpi:\n          owner: finance@example.com\n          certified:\n            by: ana@example.com\n" in (
        root / METRICS_FILE
    ).read_text()


def test_certifying_again_replaces_the_certification(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo)
    once = (repo / METRICS_FILE).read_text()

    run_cli("certify", "revenue", "--by", "bo@example.com", "--on", "2026-07-01", cwd=repo)

    assert (repo / METRICS_FILE).read_text() == once.replace("by: ana@example.com", "by: bo@example.com").replace(
        '"on": 2026-06-30', '"on": 2026-07-01'
    )


def test_the_certification_reads_back_as_dbt_reads_yaml(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo)

    metric = yaml.safe_load((repo / METRICS_FILE).read_text())["metrics"][0]
    assert metric["config"]["meta"]["kpi"] == {
        "certified": {"by": "ana@example.com", "on": datetime.date(2026, 6, 30), "fingerprint": fingerprint_of(repo)}
    }


def test_certify_refuses_a_metric_that_is_not_a_kpi(repo: Path, run_cli: Run) -> None:
    result = certify(run_cli, repo, "orders")

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: `orders` is not a KPI: set `kpi: true` in its `config.meta` first\n",
    )


def test_certify_refuses_a_kpi_flag_set_in_dbt_project_yml(make_project: Callable[..., Path], run_cli: Run) -> None:
    root = make_project(
        {"models/semantic_models.yml": SEMANTIC_MODELS, "models/metrics.yml": "metrics:\n  - name: revenue\n    type: simple\n    type_params: {measure: revenue}\n"},
        project_file="name: shop\nprofile: shop\nmetrics:\n  shop:\n    +meta: {kpi: true}\n",
    )

    result = certify(run_cli, root)

    assert result.stderr == (
        "dbt-kpi-lint: error: cannot certify `revenue`: `revenue` is a KPI through `+meta` in dbt_project.yml: set "
        "`kpi: true` in the metric's own `config.meta` to certify it\n"
    )


def test_certify_refuses_a_kpi_with_open_errors_naming_their_codes(tmp_path: Path, run_cli: Run) -> None:
    root = make_repo(tmp_path / "repo", metrics=METRICS.replace("        direction: increase\n", "", 1).replace(
        "        owner: finance@example.com\n", "", 1
    ))
    before = (root / METRICS_FILE).read_bytes()

    result = certify(run_cli, root)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: cannot certify `revenue`: it has open errors (KPI001, KPI003); fix them "
        "(`dbt-kpi-lint check` shows where), or suppress one with a reason in `meta.kpi_lint`, then certify\n",
    )
    assert (root / METRICS_FILE).read_bytes() == before


def test_certify_accepts_a_kpi_whose_only_findings_are_warnings(tmp_path: Path, run_cli: Run) -> None:
    root = make_repo(tmp_path / "repo", metrics=METRICS.replace("        objective: grow\n", "", 1))

    result = certify(run_cli, root)

    assert (result.exit_code, result.stdout) == (0, f"certified `revenue` in models/metrics.yml ({fingerprint_of(root)})\n")


def test_certify_accepts_a_kpi_whose_error_is_suppressed_with_a_reason(tmp_path: Path, run_cli: Run) -> None:
    root = make_repo(tmp_path / "repo", metrics=METRICS.replace(
        "        direction: increase\n",
        "        kpi_lint: {ignore: [KPI003], reason: tracked against a band agreed with finance}\n",
        1,
    ))

    assert certify(run_cli, root).exit_code == 0


def test_certify_renews_a_void_certification(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo)
    edit(repo, SEMANTIC_FILE, "        expr: amount\n", "        expr: amount - discount\n")

    result = certify(run_cli, repo)

    assert (result.exit_code, kpi012(run_cli, repo)) == (0, [])


# KPI012 ------------------------------------------------------------------------------------------------


def test_a_certified_kpi_passes_the_lint(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo)

    assert kpi012(run_cli, repo) == []


def test_certify_then_a_filter_change_fires_kpi012(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo)
    edit(repo, METRICS_FILE, "    type_params: {measure: revenue}\n",
         "    type_params: {measure: revenue}\n    filter: \"{{ Dimension('order__status') }} = 'paid'\"\n")

    assert kpi012(run_cli, repo) == [
        "models/metrics.yml:11 KPI `revenue` was certified by ana@example.com on 2026-06-30, and its own definition "
        "and the dimensions its filters use changed since: the certification is void; review the change, then "
        "certify it again (`dbt-kpi-lint certify revenue --by NAME`)"
    ]


def test_kpi012_names_each_part_that_changed(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo, "revenue_per_order")
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")
    edit(repo, METRICS_FILE, "target: 50", "target: 60")

    assert kpi012(run_cli, repo) == [
        "models/metrics.yml:26 KPI `revenue_per_order` was certified by ana@example.com on 2026-06-30, and its input "
        "metrics and its target changed since: the certification is void; review the change, then certify it again "
        "(`dbt-kpi-lint certify revenue_per_order --by NAME`)"
    ]


def test_a_fingerprint_not_written_by_dbt_kpi_lint_is_reported(repo: Path, run_cli: Run) -> None:
    edit(repo, METRICS_FILE, "        kpi: true\n", "        kpi:\n          certified: {by: ana, fingerprint: abc}\n")

    assert kpi012(run_cli, repo) == [
        "models/metrics.yml:10 KPI `revenue` has a certification that cannot be checked (`fingerprint` is not one "
        "dbt-kpi-lint writes): certify it with `dbt-kpi-lint certify revenue --by NAME`"
    ]


# The fingerprint ---------------------------------------------------------------------------------------


def test_comments_labels_descriptions_meta_and_key_order_keep_the_fingerprint(repo: Path) -> None:
    before = fingerprint_of(repo, "revenue_per_order")
    edit(repo, METRICS_FILE, "  - name: revenue\n    label: Revenue\n    description: Order amounts.\n    type: simple\n"
         "    type_params: {measure: revenue}\n",
         "  # reordered\n  - name: revenue\n    type_params:\n      measure: revenue\n    type: simple\n    label: Net revenue\n")
    edit(repo, METRICS_FILE, "owner: finance@example.com, target: 50", "owner: cfo@example.com, target: 50")
    edit(repo, SEMANTIC_FILE, "        description: Order amounts.\n        agg: sum\n        expr: amount\n",
         "        expr: amount   # gross\n        agg: sum\n        label: Amount\n")

    assert fingerprint_of(repo, "revenue_per_order") == before


def test_the_legacy_and_the_nested_cumulative_spelling_have_one_fingerprint(repo: Path) -> None:
    nested = fingerprint_of(repo, "revenue_mtd")
    edit(repo, METRICS_FILE, "      cumulative_type_params: {grain_to_date: month, period_agg: last}\n",
         "      grain_to_date: month\n      cumulative_type_params: {period_agg: last}\n")

    assert fingerprint_of(repo, "revenue_mtd") == nested


def test_a_var_target_is_fingerprinted_as_dbt_renders_it(tmp_path: Path) -> None:
    root = write_files(tmp_path / "project", {
        "dbt_project.yml": "name: shop\nprofile: shop\nvars:\n  revenue_target: 1000\n",
        "models/semantic_models.yml": SEMANTIC_MODELS,
        "models/metrics.yml": METRICS.replace("        target: 1000\n", "        target: \"{{ var('revenue_target') }}\"\n"),
    })
    literal = write_files(tmp_path / "literal", {
        "dbt_project.yml": "name: shop\nprofile: shop\n",
        "models/semantic_models.yml": SEMANTIC_MODELS,
        "models/metrics.yml": METRICS,
    })
    as_var = fingerprint_of(root)
    edit(root, "dbt_project.yml", "revenue_target: 1000", "revenue_target: 1200")

    assert (as_var == fingerprint_of(literal), Fingerprint.parse(fingerprint_of(root)).changed_since(Fingerprint.parse(as_var))) == (
        True, ["target"]
    )


def test_a_measure_read_through_an_input_is_a_change_of_the_inputs(repo: Path) -> None:
    before = Fingerprint.parse(fingerprint_of(repo, "revenue_growth"))
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")
    commit_all(repo, "net")

    assert Fingerprint.parse(fingerprint_of(repo, "revenue_growth")).changed_since(before) == ["inputs"]


def test_a_measure_the_kpi_aggregates_itself_is_a_change_of_its_measures(repo: Path) -> None:
    before = Fingerprint.parse(fingerprint_of(repo, "revenue_mtd"))
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")

    assert Fingerprint.parse(fingerprint_of(repo, "revenue_mtd")).changed_since(before) == ["measures"]


def test_kpi012_is_silent_on_a_project_without_the_semantic_models_yaml(repo: Path, run_cli: Run) -> None:
    """dbt's manifest holds no semantic model YAML: certifications are judged from the YAML files."""
    certify(run_cli, repo)
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")
    project = load_project(repo)
    as_from_a_manifest = replace(
        project, semantic_models=tuple(replace(model, definition={}) for model in project.semantic_models)
    )

    assert lint(as_from_a_manifest, Settings(select=("KPI012",))) == []


# Renames and fingerprint versions ----------------------------------------------------------------------

# `revenue_per_order`'s fingerprint as dbt-kpi-lint wrote it before version 2 (version 1, the same project).
VERSION_1_FINGERPRINT = "sha256:53970a56701f316f27c444136fa35544136fa35544136fa355f97a135773"


def test_certify_writes_a_version_2_fingerprint(repo: Path, run_cli: Run) -> None:
    result = certify(run_cli, repo, "revenue_per_order")

    assert result.stdout.startswith("certified `revenue_per_order` in models/metrics.yml (sha256:v2:")
    assert Fingerprint.parse(fingerprint_of(repo, "revenue_per_order")).version == 2


def test_renaming_the_input_metric_of_a_certified_kpi_keeps_the_certification(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo, "revenue_per_order")
    edit(repo, METRICS_FILE, "  - name: orders\n", "  - name: completed_orders\n")
    edit(repo, METRICS_FILE, "denominator: orders}", "denominator: completed_orders}")

    assert kpi012(run_cli, repo) == []


def test_renaming_an_input_read_by_name_in_a_derived_expr_keeps_the_fingerprint(repo: Path) -> None:
    before = fingerprint_of(repo, "revenue_growth")
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    (repo / METRICS_FILE).write_text(
        text.replace("  - name: revenue\n", "  - name: net_revenue\n")
        .replace("numerator: revenue,", "numerator: net_revenue,")
        .replace("(revenue - revenue_prior)", "(net_revenue - revenue_prior)")
        .replace("        - name: revenue\n", "        - name: net_revenue\n"),
        encoding="utf-8",
    )

    assert fingerprint_of(repo, "revenue_growth") == before


def test_renaming_a_measure_keeps_the_fingerprint(repo: Path) -> None:
    before = fingerprint_of(repo, "revenue_mtd")
    edit(repo, SEMANTIC_FILE, "      - name: revenue\n", "      - name: order_amount\n")
    edit(repo, METRICS_FILE, "      measure: revenue\n", "      measure: order_amount\n")

    assert fingerprint_of(repo, "revenue_mtd") == before


def test_swapping_numerator_and_denominator_changes_the_definition(repo: Path) -> None:
    before = Fingerprint.parse(fingerprint_of(repo, "revenue_per_order"))
    edit(repo, METRICS_FILE, "{numerator: revenue, denominator: orders}", "{numerator: orders, denominator: revenue}")

    assert Fingerprint.parse(fingerprint_of(repo, "revenue_per_order")).changed_since(before) == ["definition"]


def test_a_version_1_certification_still_holds_after_the_upgrade(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo, "revenue_per_order")
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    (repo / METRICS_FILE).write_text(
        text.replace(fingerprint_of(repo, "revenue_per_order"), VERSION_1_FINGERPRINT), encoding="utf-8"
    )

    assert kpi012(run_cli, repo) == []


def test_a_version_1_certification_is_voided_by_a_change_as_before(repo: Path, run_cli: Run) -> None:
    certify(run_cli, repo, "revenue_per_order")
    text = (repo / METRICS_FILE).read_text(encoding="utf-8")
    (repo / METRICS_FILE).write_text(
        text.replace(fingerprint_of(repo, "revenue_per_order"), VERSION_1_FINGERPRINT), encoding="utf-8"
    )
    edit(repo, SEMANTIC_FILE, "expr: amount", "expr: amount - refunds")

    assert kpi012(run_cli, repo) == [
        "models/metrics.yml:26 KPI `revenue_per_order` was certified by ana@example.com on 2026-06-30, and its input "
        "metrics changed since: the certification is void; review the change, then certify it again "
        "(`dbt-kpi-lint certify revenue_per_order --by NAME`)"
    ]


def test_renaming_a_measure_whose_expr_is_implicit_changes_the_fingerprint(tmp_path: Path) -> None:
    """dbt reads the column a measure is named after when `expr` is not written: the rename reads another."""
    implicit = SEMANTIC_MODELS.replace("{name: order_count, agg: count, expr: order_id}", "{name: order_count, agg: count}")
    repo = make_repo(tmp_path / "repo", semantic_models=implicit)
    before = Fingerprint.parse(fingerprint_of(repo, "revenue_per_order"))
    edit(repo, SEMANTIC_FILE, "{name: order_count, agg: count}", "{name: orders_count, agg: count}")
    edit(repo, METRICS_FILE, "{measure: order_count}", "{measure: orders_count}")

    assert Fingerprint.parse(fingerprint_of(repo, "revenue_per_order")).changed_since(before) == ["inputs"]
