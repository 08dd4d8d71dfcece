"""The linter installed alone (`pip install dbt-kpi-lint`, the `dbt-kpi-lint` pre-commit hook's
install) judges a project as the full install does, and says what to install for the rest."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import copy_example_project
from services.lint_env import LintOnlyEnv

from dbt_kpi_lint.loading.generated_paths import GeneratedPaths

GENERATED = GeneratedPaths.of(("models",)).all()


def gen001(env: LintOnlyEnv, root: Path) -> list[str]:
    result = env.run(root, "check", "--select", "GEN001", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [finding["message"] for finding in json.loads(result.stdout)]


def test_the_environment_holds_the_package_and_its_required_dependencies_only(lint_only_env: LintOnlyEnv) -> None:
    assert lint_only_env.distributions() == {"dbt-kpi-lint", "PyYAML", "pathspec"}


def test_example_project_s_generated_models_are_current_without_metricflow(
    lint_only_env: LintOnlyEnv, tmp_path: Path
) -> None:
    root = copy_example_project(tmp_path / "example_project")

    assert gen001(lint_only_env, root) == []


def test_models_the_full_install_just_generated_are_current_without_metricflow(
    lint_only_env: LintOnlyEnv, tmp_path: Path, run_cli
) -> None:
    root = copy_example_project(tmp_path / "example_project")
    for path in GENERATED:
        (root / path).unlink(missing_ok=True)
    assert run_cli("generate", cwd=root).exit_code == 0

    assert gen001(lint_only_env, root) == []


def test_generate_without_metricflow_says_what_to_install_and_writes_nothing(
    lint_only_env: LintOnlyEnv, tmp_path: Path
) -> None:
    root = copy_example_project(tmp_path / "example_project")
    before = {path: (root / path).read_bytes() for path in GENERATED if (root / path).exists()}

    result = lint_only_env.run(root, "generate", "--force")

    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: generating needs MetricFlow (metricflow_semantic_interfaces is missing): "
        "pip install 'dbt-kpi-lint[generate]'\n",
    )
    assert {path: (root / path).read_bytes() for path in GENERATED if (root / path).exists()} == before
