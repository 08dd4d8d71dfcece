"""`dbt-kpi-lint generate` writes the kpi_status model; GEN001 reports it when the project moved on."""

from __future__ import annotations

import json

SEMANTIC_MODEL = """\
    semantic_models:
      - name: {name}
        model: ref('{model}')
        defaults: {{agg_time_dimension: ordered_at}}
        measures:
          - {{name: {name}_count, agg: count, expr: "1"}}
"""
TIME_SPINE = """\
    models:
      - name: all_days
        time_spine: {standard_granularity_column: date_day}
"""


def test_generate_writes_the_model_with_one_ref_per_model_behind_the_semantic_layer(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders"),
                         "models/days.yml": TIME_SPINE})
    result = run_cli("generate", cwd=root)
    assert (result.exit_code, result.stdout) == (1, "wrote models/kpi_status.py\nwrote models/kpi_status.yml\n")
    model = (root / "models/kpi_status.py").read_text()
    assert [line.strip() for line in model.splitlines() if "dbt.ref(" in line] == [
        'dbt.ref("all_days")',
        'dbt.ref("fct_orders")',
    ]


def test_generate_again_changes_nothing_and_exits_0(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders")})
    run_cli("generate", cwd=root)
    result = run_cli("generate", cwd=root)
    assert (result.exit_code, result.stdout) == (0, "kpi_status model is up to date\n")


def test_generate_check_reports_without_writing(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders")})
    result = run_cli("generate", "--check", cwd=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "models/kpi_status.py is out of date: run `dbt-kpi-lint generate`"
    assert not (root / "models/kpi_status.py").exists()


def test_generate_uses_the_first_model_path(make_project, run_cli):
    root = make_project({}, project_file='name: shop\nmodel-paths: ["dbt_models", "more"]\n')
    run_cli("generate", cwd=root)
    assert (root / "dbt_models/kpi_status.py").is_file()


def test_stale_generated_model_is_gen001_naming_the_missing_ref(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders")})
    run_cli("generate", cwd=root)
    (root / "models/tickets.yml").write_text(SEMANTIC_MODEL.format(name="tickets", model="fct_tickets").replace("    ", "", 1))
    [finding] = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert (finding["code"], finding["path"], finding["line"], finding["column"]) == ("GEN001", "models/kpi_status.py", 1, 1)
    assert finding["message"] == (
        "the generated kpi_status model is stale (missing ref `fct_tickets`): run `dbt-kpi-lint generate` "
        "and commit the result"
    )


def test_ref_to_a_removed_semantic_model_is_gen001(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders")})
    run_cli("generate", cwd=root)
    (root / "models/orders.yml").unlink()
    [finding] = json.loads(run_cli("check", "--format", "json", cwd=root).stdout)
    assert "ref to `fct_orders` that no semantic model reads" in finding["message"]


def test_project_without_generated_model_has_no_gen001(make_project, run_cli):
    root = make_project({"models/orders.yml": SEMANTIC_MODEL.format(name="orders", model="fct_orders")})
    assert run_cli("check", "--format", "json", cwd=root).stdout == "[]\n"


def test_example_project_generated_model_is_current(run_cli):
    from conftest import EXAMPLE_PROJECT

    assert run_cli("generate", "--check", cwd=EXAMPLE_PROJECT).exit_code == 0
