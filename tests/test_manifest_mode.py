"""Manifest mode: what a real `dbt parse` compiled gives the findings of the YAML mode, at the same places.

Every project under tests/fixtures/projects/ (and example_project) is parsed once by the dbt 1.11
of this environment and once by the dbt 1.12 environment (tests/services/dbt_env.py); the
latest-spec projects, which dbt 1.11 refuses (tested below), by dbt 1.12 only. Both write
manifest schema v12.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from conftest import copy_example_project, run_dbt
from test_example_project import EXPECTED_FINDINGS as EXAMPLE_FINDINGS

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.dbt_project import ProjectError
from dbt_kpi_lint.loading.manifest_loader import load_manifest_project, read_manifest
from dbt_kpi_lint.loading.yaml_loader import load_project
from dbt_kpi_lint.model import Project

FIXTURES = Path(__file__).parent / "fixtures"
PARITY_PROJECTS = [*sorted(f"projects/{path.name}" for path in (FIXTURES / "projects").iterdir()), "example_project"]
# The latest spec, which only dbt 1.12 parses; `latest_spec_example` is example_project rewritten in it.
LATEST_SPEC_PROJECTS = ["latest_spec", "latest_spec_example"]
PARITY_CASES = [
    *(pytest.param(name, "1.11", id=f"{name}-dbt1.11") for name in PARITY_PROJECTS),
    *(pytest.param(name, "1.12", id=f"{name}-dbt1.12") for name in [*PARITY_PROJECTS, *LATEST_SPEC_PROJECTS]),
]
# Projects with legacy `type_params.window`: dbt 1.12 parses them only with this flag false.
LEGACY_WINDOW_PROJECTS = {"projects/legacy_spec", "example_project"}
ALLOW_LEGACY_WINDOW = "require_nested_cumulative_type_params: false"
# What each project is there to exercise, so that agreement on them is never agreement on nothing.
EXERCISED_CODES = {
    "projects/created_metrics": {"VAN001", "VAN002", "VAN003"},
    "projects/legacy_spec": {"KPI001", "VAN001", "VAN002", "DEP001", "META001"},
    "projects/project_meta": {"KPI001", "META001"},
    "projects/vars_and_disabled": {"KPI002"},
    "projects/with_package": {"KPI002"},
    "example_project": {"KPI001", "KPI002", "VAN001", "VAN002", "DEP001", "META001"},
    "latest_spec": {"KPI001", "VAN001", "VAN002"},
    "latest_spec_example": {"KPI001", "KPI002", "KPI003", "KPI004", "KPI006", "KPI007", "VAN001", "VAN002"},
}
Finding = tuple[str, str | None, str, int, int, str]
FOCUS = ("KPI001", "KPI002", "VAN001", "VAN002", "META001", "DEP001")

pytestmark = pytest.mark.skipif(
    not Path(sys.executable).with_name("dbt").exists(), reason="needs the `status` extra (dbt-core, dbt-duckdb)"
)


@pytest.fixture(scope="session")
def parsed(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """A copy of a fixture project after `dbt deps` (if it has packages) and `dbt parse` by dbt 1.11
    or 1.12; shared, read-only. With dbt 1.12, a project with legacy `type_params.window` is
    parsed with the flag that lets 1.12 accept it."""
    cache: dict[tuple[str, str], Path] = {}

    def parse(name: str, dbt: str = "1.11") -> Path:
        if (name, dbt) not in cache:
            if name == "latest_spec_example":
                # Built for the KPI tables anyway; `dbt build` writes what `dbt parse` does.
                cache[(name, dbt)] = request.getfixturevalue("build")(name).root
                return cache[(name, dbt)]
            destination = tmp_path_factory.mktemp(f"parsed_{dbt}") / Path(name).name
            if name == "example_project":
                copy_example_project(destination)
            else:
                shutil.copytree(FIXTURES / name, destination)
            run = run_dbt
            if dbt == "1.12":
                run = request.getfixturevalue("dbt_1_12").run
                if name in LEGACY_WINDOW_PROJECTS:
                    set_flag(destination, ALLOW_LEGACY_WINDOW)
            if (destination / "packages.yml").exists():
                run(destination, "deps")
            run(destination, "parse")
            cache[(name, dbt)] = destination
        return cache[(name, dbt)]

    return parse


def set_flag(root: Path, flag: str) -> None:
    """Add `flag` to the `flags:` of root/dbt_project.yml (written as a block mapping, if at all)."""
    project_file = root / "dbt_project.yml"
    text = project_file.read_text(encoding="utf-8")
    if "\nflags:\n" in text:
        text = text.replace("\nflags:\n", f"\nflags:\n  {flag}\n", 1)
    else:
        text += f"\nflags:\n  {flag}\n"
    project_file.write_text(text, encoding="utf-8")


@pytest.fixture
def parsed_copy(parsed: Callable[[str], Path], tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of a parsed project (timestamps kept, so its manifest stays fresh) to modify."""

    def copy(name: str) -> Path:
        return Path(shutil.copytree(parsed(name), tmp_path / Path(name).name, symlinks=True))

    return copy


def all_findings(project: Project, select: tuple[str, ...] = ("ALL",)) -> list[Finding]:
    return [
        (finding.code, finding.metric, finding.location.path, finding.location.line, finding.location.column,
         finding.severity.value)
        for finding in lint(project, Settings(select=select))
    ]


def findings(project: Project) -> list[Finding]:
    """The findings of the rules the fixtures below were written for (parity tests use every rule)."""
    return all_findings(project, select=FOCUS)


def edit_after_dbt_parse(path: Path) -> None:
    manifest_time = (path.parents[1] / "target" / "manifest.json").stat().st_mtime
    os.utime(path, (manifest_time + 10, manifest_time + 10))


def from_manifest(root: Path, **options: object) -> Project:
    return load_manifest_project(root, root / "target" / "manifest.json", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "dbt"), PARITY_CASES)
def test_manifest_mode_reports_exactly_the_yaml_mode_findings(
    parsed: Callable[..., Path], run_cli, name: str, dbt: str
) -> None:
    """Every rule, under the project's own configuration, messages included (GEN001's say what is stale)."""
    root = parsed(name, dbt)
    from_yaml = run_cli("check", "--select", "ALL", "--format", "json", cwd=root)
    compiled = run_cli("check", "--select", "ALL", "--format", "json", "--manifest", "target/manifest.json", cwd=root)
    assert (compiled.exit_code, json.loads(compiled.stdout)) == (from_yaml.exit_code, json.loads(from_yaml.stdout))
    assert {finding["code"] for finding in json.loads(from_yaml.stdout)} >= EXERCISED_CODES[name]


@pytest.mark.parametrize(("name", "dbt"), PARITY_CASES)
def test_manifest_mode_builds_the_yaml_mode_project_value_for_value_and_position_for_position(
    parsed: Callable[..., Path], name: str, dbt: str
) -> None:
    """Stronger than equal findings: rules added later see the same metrics, meta and positions."""
    root = parsed(name, dbt)
    yaml_project, manifest_project = load_project(root), from_manifest(root)
    # dbt fills in the default conversion calculation the YAML leaves out; nothing else differs.
    compiled = tuple(replace(metric, conversion_calculation=None) for metric in manifest_project.metrics)
    written = tuple(replace(metric, conversion_calculation=None) for metric in yaml_project.metrics)
    assert (compiled, manifest_project.groups, manifest_project.semantic_models) == (
        written,
        yaml_project.groups,
        yaml_project.semantic_models,
    )
    assert (sorted(manifest_project.disabled_metrics), sorted(manifest_project.time_spine_models)) == (
        sorted(yaml_project.disabled_metrics),
        sorted(yaml_project.time_spine_models),
    )
    assert (manifest_project.noqa, manifest_project.model_paths, manifest_project.generated_files) == (
        yaml_project.noqa,
        yaml_project.model_paths,
        yaml_project.generated_files,
    )


LATEST_SPEC_EXAMPLE_FINDINGS = [
    ("KPI004", "error", "new_customers", "models/marts/dim_customers.yml", 42, 13),
    ("KPI002", "error", "website_sessions", "models/marts/fct_web_traffic.yml", 22, 9),
    ("VAN001", "error", "total_customers", "models/metrics/customer_metrics.yml", 4, 5),
    ("VAN001", "warning", "lifetime_revenue", "models/metrics/revenue_metrics.yml", 14, 5),
    ("VAN002", "warning", "lifetime_revenue_per_customer", "models/metrics/revenue_metrics.yml", 26, 9),
    ("KPI001", "error", "avg_order_value", "models/metrics/revenue_metrics.yml", 41, 5),
    ("KPI003", "error", "refund_rate", "models/metrics/revenue_metrics.yml", 66, 9),
    ("KPI007", "warning", "refund_rate", "models/metrics/revenue_metrics.yml", 67, 9),
    ("KPI006", "warning", "avg_resolution_hours", "models/metrics/support_metrics.yml", 36, 5),
]


@pytest.mark.parametrize("source", [(), ("--manifest", "target/manifest.json")], ids=["yaml", "dbt-1.12-manifest"])
def test_the_latest_spec_example_lints_as_example_project_less_its_legacy_spellings(
    parsed: Callable[..., Path], run_cli, source: tuple[str, ...]
) -> None:
    """All of example_project's findings but META001 and DEP001, which only the legacy spec can be written to show."""
    root = parsed("latest_spec_example", "1.12")
    report = json.loads(run_cli("check", "--format", "json", *source, cwd=root).stdout)
    found = [(item["code"], item["severity"], item["metric"], item["path"], item["line"], item["column"]) for item in report]
    assert found == LATEST_SPEC_EXAMPLE_FINDINGS
    assert sorted(finding[:3] for finding in found) == sorted(
        finding[:3] for finding in EXAMPLE_FINDINGS if finding[0] not in ("META001", "DEP001")
    )
    summary = run_cli("check", "--output-format", "concise", *source, cwd=root).stdout.splitlines()[-1]
    assert summary == "Found 5 errors and 4 warnings in 37 metrics (12 KPIs)."


def test_meta_inherited_from_dbt_project_yml_is_placed_in_dbt_project_yml(parsed: Callable[[str], Path]) -> None:
    revenue = from_manifest(parsed("projects/project_meta")).metric("revenue")
    assert revenue is not None
    assert {key: (entry.value, str(entry.location)) for key, entry in revenue.meta.items()} == {
        "domain": ("sales", "dbt_project.yml:9:7"),
        "owner": ("finance-leads@example.com", "dbt_project.yml:13:9"),
        "kpi": (True, "models/finance/metrics.yml:10:9"),
        "target": (100000, "models/finance/metrics.yml:11:9"),
        "direction": ("increase", "models/finance/metrics.yml:12:9"),
    }


def test_vars_in_meta_arrive_rendered_and_typed(parsed: Callable[[str], Path]) -> None:
    project = from_manifest(parsed("projects/vars_and_disabled"))
    targets = {metric.name: metric.meta_value("target") for metric in project.metrics}
    assert targets == {"revenue": 250000, "order_count": 1200, "unset_target": None}


def test_disabled_metrics_come_from_the_manifest_disabled_section(parsed: Callable[[str], Path]) -> None:
    project = from_manifest(parsed("projects/vars_and_disabled"))
    assert (sorted(project.disabled_metrics), project.metric("orders_archived")) == (
        ["orders_archived", "orders_legacy_total"],
        None,
    )


def test_jinja_the_yaml_mode_cannot_render_is_what_dbt_rendered_in_manifest_mode(
    parsed_copy: Callable[[str], Path],
) -> None:
    """Documented difference: `env_var()` depends on where dbt ran; YAML mode counts it as set."""
    root = parsed_copy("divergent/env_var_meta")
    assert findings(load_project(root)) == []
    assert findings(from_manifest(root)) == [("KPI001", "revenue", "models/metrics.yml", 22, 5, "error")]


def test_env_var_set_when_dbt_parsed_reaches_manifest_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(shutil.copytree(FIXTURES / "divergent/env_var_meta", tmp_path / "project"))
    monkeypatch.setenv("KPI_REVENUE_OWNER", "finance@example.com")
    run_dbt(root, "parse")
    revenue = from_manifest(root).metric("revenue")
    assert revenue is not None and revenue.meta_value("owner") == "finance@example.com"


def test_a_real_dbt_1_7_manifest_v11_gives_the_yaml_mode_findings(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "manifest_v11/project", tmp_path / "project"))
    project = load_manifest_project(root, FIXTURES / "manifest_v11/manifest.json")
    assert findings(project) == findings(load_project(root)) == [
        ("META001", "revenue", "models/metrics.yml", 37, 7, "warning"),
        ("KPI002", "customers_ever", "models/metrics.yml", 40, 5, "error"),
        ("VAN001", "customers_ever", "models/metrics.yml", 40, 5, "error"),
        ("META001", "customers_ever", "models/metrics.yml", 46, 7, "warning"),
        ("DEP001", "customers_last_7_days", "models/metrics.yml", 54, 7, "warning"),
    ]
    assert (project.disabled_metrics, project.time_spine_models) == (("retired_revenue",), ("metricflow_time_spine",))


def test_dbt_1_11_refuses_the_latest_spec_that_dbt_1_12_compiles(parsed: Callable[..., Path], tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "latest_spec", tmp_path / "project"))
    parse = run_dbt(root, "parse", check=False)
    assert parse.returncode != 0 and "Additional properties are not allowed" in parse.stdout
    expected = [
        ("VAN001", "customers_ever", "models/orders.yml", 40, 5, "warning"),
        ("VAN002", "revenue_per_customer_ever", "models/orders.yml", 47, 5, "warning"),
        ("KPI001", "revenue_last_28_days", "models/orders.yml", 49, 5, "error"),
    ]
    assert (findings(load_project(root)), findings(from_manifest(parsed("latest_spec", "1.12")))) == (expected, expected)


@pytest.mark.parametrize(("dbt", "written_by"), [("1.11", "1.11.16"), ("1.12", "1.12.6")])
def test_dbt_1_11_and_1_12_both_write_manifest_schema_v12(parsed: Callable[..., Path], dbt: str, written_by: str) -> None:
    manifest = read_manifest(parsed("projects/vars_and_disabled", dbt) / "target" / "manifest.json")
    assert (manifest.schema_version, manifest.dbt_version) == (12, written_by)


def test_dbt_1_12_refuses_legacy_window_params_which_dep001_reports_as_an_error(dbt_1_12, tmp_path: Path) -> None:
    """dbt 1.12 defaults `require_nested_cumulative_type_params` to true; DEP001 knows it from `require-dbt-version`."""
    root = Path(shutil.copytree(FIXTURES / "projects/legacy_spec", tmp_path / "project"))
    with (root / "dbt_project.yml").open("a", encoding="utf-8") as project_file:
        project_file.write('require-dbt-version: ">=1.12.0"\n')
    parse = dbt_1_12.run(root, "parse", check=False)
    assert (parse.returncode, "Semantic Manifest validation failed" in parse.stdout) == (2, True)
    assert "Invalid metrics: orders_last_7_days." in parse.stdout
    assert all_findings(load_project(root), select=("DEP001",)) == [
        ("DEP001", "orders_last_7_days", "models/metrics/revenue.yml", 89, 7, "error")
    ]


def test_package_metrics_are_not_reported_by_default(parsed: Callable[[str], Path], run_cli) -> None:
    root = parsed("projects/with_package")
    result = run_cli(
        "check", "--select", "KPI001,KPI002", "--format", "json", "--manifest", "target/manifest.json", cwd=root
    )
    assert [item["metric"] for item in json.loads(result.stdout)] == ["order_count"]


def test_include_packages_reports_package_metrics_at_their_installed_path(
    parsed: Callable[[str], Path], run_cli
) -> None:
    root = parsed("projects/with_package")
    result = run_cli(
        "check", "--select", "KPI001,KPI002", "--format", "json", "--manifest", "target/manifest.json",
        "--include-packages", cwd=root,
    )
    found = [(item["code"], item["metric"], item["path"], item["line"], item["column"]) for item in json.loads(result.stdout)]
    assert found == [
        ("KPI001", "invoiced_revenue", "dbt_packages/finance_kpis/models/finance.yml", 21, 5),
        ("KPI002", "order_count", "models/metrics.yml", 20, 5),
    ]


def test_include_packages_without_a_manifest_is_an_error(parsed: Callable[[str], Path], run_cli) -> None:
    result = run_cli("check", "--include-packages", cwd=parsed("projects/with_package"))
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --include-packages needs dbt's manifest (packages are compiled by dbt): "
        "run `dbt parse` and add --source manifest\n",
    )


def test_source_manifest_reads_the_target_path_manifest(parsed_copy: Callable[[str], Path], run_cli) -> None:
    root = parsed_copy("divergent/env_var_meta")
    result = run_cli("check", "--select", "KPI001", "--source", "manifest", cwd=root)
    assert (result.exit_code, result.stdout.splitlines()[0][:38]) == (1, "models/metrics.yml:22:5: error[KPI001]")


def test_source_auto_uses_a_manifest_newer_than_every_yaml_file(parsed_copy: Callable[[str], Path], run_cli) -> None:
    root = parsed_copy("divergent/env_var_meta")
    # KPI001 is dbt's view: the owner's env_var() was empty when dbt parsed.
    assert run_cli("check", "--select", "KPI001", "--source", "auto", cwd=root).exit_code == 1


def test_source_auto_falls_back_to_yaml_when_a_yaml_file_changed_after_dbt_parse(
    parsed_copy: Callable[[str], Path], run_cli
) -> None:
    root = parsed_copy("divergent/env_var_meta")
    edit_after_dbt_parse(root / "models" / "metrics.yml")
    assert run_cli("check", "--select", "KPI001", "--source", "auto", cwd=root).exit_code == 0


def test_source_auto_uses_yaml_when_vars_are_given(parsed_copy: Callable[[str], Path], run_cli) -> None:
    root = parsed_copy("divergent/env_var_meta")
    assert run_cli("check", "--select", "KPI001", "--source", "auto", "--vars", "{x: 1}", cwd=root).exit_code == 0


def test_default_source_is_the_yaml_files_even_with_a_fresh_manifest(
    parsed_copy: Callable[[str], Path], run_cli
) -> None:
    root = parsed_copy("divergent/env_var_meta")
    assert run_cli("check", "--select", "KPI001", cwd=root).exit_code == 0


def test_explicit_manifest_older_than_the_yaml_is_used_with_a_warning(
    parsed_copy: Callable[[str], Path], run_cli
) -> None:
    root = parsed_copy("divergent/env_var_meta")
    edit_after_dbt_parse(root / "models" / "metrics.yml")
    result = run_cli("check", "--select", "KPI001", "--manifest", "target/manifest.json", cwd=root)
    assert (result.exit_code, result.stderr) == (
        1,
        "dbt-kpi-lint: warning: target/manifest.json is older than models/metrics.yml: findings show the "
        "project as of the last `dbt parse`\n",
    )


def test_metric_removed_since_dbt_parse_is_a_stale_manifest_error(parsed_copy: Callable[[str], Path]) -> None:
    root = parsed_copy("projects/vars_and_disabled")
    metrics = root / "models" / "metrics.yml"
    metrics.write_text(metrics.read_text().replace("name: order_count", "name: orders_total"))
    with pytest.raises(ProjectError) as raised:
        from_manifest(root)
    assert str(raised.value) == (
        f"{root}/target/manifest.json: metric `order_count` is not in models/metrics.yml any more; the manifest "
        "is older than the YAML: re-run `dbt parse`"
    )


def test_yaml_file_deleted_since_dbt_parse_is_a_stale_manifest_error(parsed_copy: Callable[[str], Path]) -> None:
    root = parsed_copy("projects/vars_and_disabled")
    (root / "models" / "metrics.yml").unlink()
    with pytest.raises(ProjectError) as raised:
        from_manifest(root)
    assert str(raised.value) == (
        f"{root}/target/manifest.json: names models/metrics.yml, which does not exist any more; the manifest is "
        "stale: re-run `dbt parse`"
    )


def test_one_manifest_for_several_projects_is_an_error(parsed: Callable[[str], Path], run_cli, tmp_path: Path) -> None:
    first, second = parsed("projects/vars_and_disabled"), parsed("projects/legacy_spec")
    result = run_cli("check", str(first), str(second), "--manifest", str(first / "target/manifest.json"), cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --manifest belongs to one dbt project; the paths given span several\n",
    )


def test_manifest_of_another_project_is_an_error(parsed: Callable[[str], Path], run_cli) -> None:
    manifest = parsed("projects/with_package") / "target" / "manifest.json"
    example = parsed("example_project")
    result = run_cli("check", "--manifest", str(manifest), cwd=example)
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        f"dbt-kpi-lint: error: {manifest}: written for dbt project `shop`, not `kpi_demo` ({example})",
    )


def test_manifest_and_source_yaml_together_are_an_error(parsed: Callable[[str], Path], run_cli) -> None:
    result = run_cli("check", "--manifest", "target/manifest.json", "--source", "yaml", cwd=parsed("example_project"))
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --manifest and --source yaml contradict each other; drop one\n",
    )


class TestBadArtifacts:
    """Each is one line on stderr naming the file (and the version found), exit code 2."""

    @pytest.fixture
    def real_manifest(self, parsed: Callable[[str], Path]) -> dict:
        return json.loads((parsed("projects/vars_and_disabled") / "target" / "manifest.json").read_text())

    @pytest.fixture
    def check_with(self, parsed: Callable[[str], Path], run_cli, tmp_path: Path) -> Callable[[bytes], tuple[int, str]]:
        def run(content: bytes) -> tuple[int, str]:
            manifest = tmp_path / "manifest.json"
            manifest.write_bytes(content)
            result = run_cli("check", "--manifest", str(manifest), cwd=parsed("projects/vars_and_disabled"))
            return result.exit_code, result.stderr.replace(str(manifest), "MANIFEST")

        return run

    def test_unsupported_schema_version(self, real_manifest: dict, check_with) -> None:
        real_manifest["metadata"].update(
            dbt_schema_version="https://schemas.getdbt.com/dbt/manifest/v10.json", dbt_version="1.6.9"
        )
        assert check_with(json.dumps(real_manifest).encode()) == (
            2,
            "dbt-kpi-lint: error: MANIFEST: manifest schema v10 (written by dbt 1.6.9) is not supported; "
            "dbt-kpi-lint reads v11 (dbt 1.7) and v12 (dbt 1.8 and later): re-run `dbt parse` with dbt 1.7 or later\n",
        )

    def test_truncated_manifest_names_the_version_it_started_with(self, real_manifest: dict, check_with) -> None:
        text = json.dumps(real_manifest).encode()
        exit_code, message = check_with(text[: len(text) // 2])
        assert (exit_code, message.split(" (")[0]) == (
            2,
            "dbt-kpi-lint: error: MANIFEST: manifest schema v12, written by dbt 1.11.16 is truncated or corrupt",
        )
        assert message.endswith("; re-run `dbt parse` to rewrite it\n")

    def test_not_json(self, check_with) -> None:
        assert check_with(b"<html>not a manifest</html>") == (
            2,
            "dbt-kpi-lint: error: MANIFEST: not JSON (Expecting value: line 1 column 1 (char 0)); "
            "re-run `dbt parse` to rewrite it\n",
        )

    def test_semantic_manifest_instead_of_manifest(self, parsed: Callable[[str], Path], check_with) -> None:
        semantic = (parsed("projects/vars_and_disabled") / "target" / "semantic_manifest.json").read_bytes()
        assert check_with(semantic) == (
            2,
            "dbt-kpi-lint: error: MANIFEST: this is semantic_manifest.json, which has no file paths and drops "
            "top-level meta; pass manifest.json from the same target directory\n",
        )

    def test_another_dbt_artifact(self, check_with) -> None:
        run_results = {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}}
        assert check_with(json.dumps(run_results).encode()) == (
            2,
            "dbt-kpi-lint: error: MANIFEST: a dbt run_results artifact "
            "(https://schemas.getdbt.com/dbt/run-results/v6.json), not manifest.json\n",
        )

    def test_missing_manifest(self, parsed: Callable[[str], Path], run_cli) -> None:
        result = run_cli("check", "--manifest", "nowhere/manifest.json", cwd=parsed("projects/vars_and_disabled"))
        assert (result.exit_code, result.stderr) == (
            2,
            "dbt-kpi-lint: error: nowhere/manifest.json: no such file; `dbt parse` writes it\n",
        )
