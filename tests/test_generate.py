"""`dbt-kpi-lint generate` writes the KPI models; GEN001 reports them when the project moved on.

Generating runs MetricFlow for real (in-process); building the models is tests/kpi_models/'s part.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import EXAMPLE_PROJECT, copy_example_project, run_dbt

from dbt_kpi_lint.generate.inputs import inputs_hold
from dbt_kpi_lint.kpi.calendar import last_complete_period, shifted
from dbt_kpi_lint.loading.yaml_loader import load_project

pytest.importorskip("metricflow")

PROJECT_FILE = "name: shop\nconfig-version: 2\nprofile: shop\n"
ORDERS = """\
    semantic_models:
      - name: orders
        model: ref('fct_orders')
        defaults: {agg_time_dimension: ordered_at}
        entities: [{name: order, type: primary, expr: order_id}]
        dimensions:
          - {name: ordered_at, type: time, type_params: {time_granularity: day}}
          - {name: status, type: categorical}
        measures:
          - {name: revenue, agg: sum, expr: amount}  # net of refunds
    metrics:
      - name: revenue
        label: Revenue
        description: Completed orders' amount.
        type: simple
        type_params: {measure: revenue}
        config:
          meta: {kpi: true, owner: finance@example.com, target: 1000, direction: increase}
"""
MODELS = {
    "models/fct_orders.sql": "select 1 as order_id, current_date as ordered_at, 'x' as status, 1.0 as amount\n",
    "models/metricflow_time_spine.sql": "select current_date as date_day\n",
    "models/orders.yml": ORDERS,
}
GENERATED = [
    "wrote models/kpi_history.sql",
    "wrote models/kpi_status.sql",
    "wrote models/kpi_history.yml",
    "wrote models/kpi_status.yml",
]


@pytest.fixture
def project(make_project) -> Path:
    return make_project(MODELS, PROJECT_FILE)


def gen001(run_cli, root: Path) -> list[tuple[str, int, int, str]]:
    result = run_cli("check", "--select", "GEN001", "--format", "json", cwd=root)
    return [(item["path"], item["line"], item["column"], item["message"]) for item in json.loads(result.stdout)]


def edit(root: Path, old: str, new: str, path: str = "models/orders.yml") -> None:
    file = root / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


def test_generate_writes_the_two_models_and_their_properties_and_exits_0(project: Path, run_cli) -> None:
    result = run_cli("generate", cwd=project)
    assert (result.exit_code, result.stdout.splitlines()) == (0, GENERATED)


def test_exit_non_zero_on_write_exits_1_when_a_file_was_written_and_0_when_none_was(project: Path, run_cli) -> None:
    wrote = run_cli("generate", "--exit-non-zero-on-write", cwd=project)
    again = run_cli("generate", "--exit-non-zero-on-write", cwd=project)
    assert (wrote.exit_code, wrote.stdout.splitlines(), again.exit_code) == (1, GENERATED, 0)


def test_generate_again_changes_nothing_and_exits_0(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    result = run_cli("generate", cwd=project)
    assert (result.exit_code, result.stdout) == (0, "kpi_history and kpi_status are up to date\n")


def test_generate_check_says_why_without_writing(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    edit(project, "target: 1000", "target: 1200")
    result = run_cli("generate", "--check", cwd=project)
    assert (result.exit_code, result.stdout) == (
        1,
        "stale: the KPI fields changed since models/kpi_history.sql was generated: run `dbt-kpi-lint generate`\n",
    )
    assert "1200" not in (project / "models/kpi_history.sql").read_text()


def test_a_schema_file_yaml_cannot_read_stops_generate_before_anything_is_written(make_project, run_cli) -> None:
    """Writing models without the KPIs of that file would drop them from the scorecard in silence."""
    root = make_project({**MODELS, "models/finance.yml": 'metrics:\n  - name: margin\n    label: "Gross margin\n'})

    result = run_cli("generate", cwd=root)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: models/finance.yml:4:1: while scanning a quoted scalar found unexpected end of stream: "
        "`generate` needs every schema file of the project and dbt refuses this one: fix it first\n",
    )
    assert sorted(path.name for path in (root / "models").iterdir()) == [
        "fct_orders.sql", "finance.yml", "metricflow_time_spine.sql", "orders.yml",
    ]


def test_a_refusal_counts_the_other_unreadable_files(make_project, run_cli) -> None:
    unreadable = {f"models/broken_{number}.yml": "metrics: [\n" for number in (1, 2, 3)}
    root = make_project({**MODELS, **unreadable})

    result = run_cli("generate", "--check", cwd=root)

    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: models/broken_1.yml:2:1: while parsing a flow node did not find expected node content: "
        "`generate` needs every schema file of the project and dbt refuses this one: fix it first; 2 more files too "
        "(`dbt-kpi-lint check` lists them)\n",
    )


def test_the_models_go_to_the_first_model_path(make_project, run_cli) -> None:
    files = {path.replace("models/", "dbt_models/"): text for path, text in MODELS.items()}
    root = make_project(files, PROJECT_FILE + 'model-paths: ["dbt_models", "more"]\n')
    run_cli("generate", cwd=root)
    assert sorted(path.name for path in (root / "dbt_models").glob("kpi_*")) == [
        "kpi_history.sql", "kpi_history.yml", "kpi_status.sql", "kpi_status.yml",
    ]


def test_every_relation_metricflow_reads_is_a_ref_and_a_depends_on(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    sql = (project / "models/kpi_history.sql").read_text()
    assert [line for line in sql.splitlines() if line.startswith("-- depends_on:")] == [
        "-- depends_on: {{ ref('fct_orders') }}",
        "-- depends_on: {{ ref('metricflow_time_spine') }}",
    ]
    assert "{{ ref('fct_orders') }}" in sql.split("metric_values_0 as (", 1)[1]
    assert "__dbt_kpi_lint__" not in sql


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("type_params: {measure: revenue}", "type_params: {measure: revenue}\n    filter: \"{{ Dimension('order__status') }} = 'x'\"", "the semantic definitions"),
        ("expr: amount}", "expr: amount * 0.8}", "the semantic definitions"),
        ("target: 1000", "target: 2000", "the KPI fields"),
        ("owner: finance@example.com, ", "", "the KPI fields, the KPIs' lint codes"),
    ],
)
def test_a_change_of_what_decides_the_rows_is_gen001_naming_it(
    project: Path, run_cli, old: str, new: str, changed: str
) -> None:
    run_cli("generate", cwd=project)
    edit(project, old, new)
    assert gen001(run_cli, project) == [
        (
            "models/kpi_history.sql",
            1,
            1,
            f"the generated KPI models are stale ({changed} changed since models/kpi_history.sql was generated): "
            f"run `dbt-kpi-lint generate` and commit the result",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("# net of refunds", "# net of refunds and credit notes"),
        ("description: Completed orders' amount.", "description: The amount of completed orders."),
    ],
)
def test_an_edited_comment_or_description_is_not_stale(project: Path, run_cli, old: str, new: str) -> None:
    run_cli("generate", cwd=project)
    edit(project, old, new)
    assert gen001(run_cli, project) == []


def test_an_edited_generated_file_is_gen001(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    edit(project, "where periods_ago = 0", "where periods_ago = 1", "models/kpi_status.sql")
    [(_, _, _, message)] = gen001(run_cli, project)
    assert "models/kpi_status.sql differs from what this version writes" in message


def test_a_project_without_generated_models_has_no_gen001(project: Path, run_cli) -> None:
    assert gen001(run_cli, project) == []


def test_the_python_model_of_the_previous_version_is_gen001_and_generate_removes_it(project: Path, run_cli) -> None:
    (project / "models/kpi_status.py").write_text("# Generated by dbt-kpi-lint: run `dbt-kpi-lint generate`\n")
    [(_, _, _, message)] = gen001(run_cli, project)
    assert "models/kpi_status.py is the Python model of dbt-kpi-lint 0.1, now kpi_status.sql" in message
    result = run_cli("generate", cwd=project)
    assert (result.stdout.splitlines()[-1], (project / "models/kpi_status.py").exists()) == (
        "removed models/kpi_status.py",
        False,
    )


def test_example_project_generated_models_are_current(run_cli) -> None:
    assert run_cli("generate", "--check", cwd=EXAMPLE_PROJECT).exit_code == 0


# The staleness check's shortcut: the hash of the files the fingerprint is computed from ----------------


def recorded_fields(root: Path) -> dict[str, str]:
    line = (root / "models/kpi_history.sql").read_text().splitlines()[1]
    return json.loads(line.split("fingerprint: ", 1)[1])


@pytest.fixture
def project_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots `generate` parses a project of: none when the shortcut answers."""
    loads: list[Path] = []

    def load_and_count(root: Path, **options: object) -> object:
        loads.append(root)
        return load_project(root, **options)

    monkeypatch.setattr("dbt_kpi_lint.cli.generate.load_project", load_and_count)
    return loads


def test_generate_records_the_hash_of_what_it_read_and_no_expiry_without_dated_targets(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    fields = recorded_fields(project)
    assert (fields["inputs"][:7], len(fields["inputs"]), "inputs_valid_until" in fields) == ("sha256:", 39, False)


def test_up_to_date_files_are_told_without_parsing_the_project(project: Path, run_cli, project_loads) -> None:
    run_cli("generate", cwd=project)
    project_loads.clear()
    result = run_cli("generate", "--check", cwd=project)
    assert (result.exit_code, result.stdout, project_loads) == (0, "kpi_history and kpi_status are up to date\n", [])


def test_an_edited_comment_misses_the_shortcut_and_the_fingerprint_finds_nothing_stale(
    project: Path, run_cli, project_loads
) -> None:
    run_cli("generate", cwd=project)
    edit(project, "# net of refunds", "# net of refunds and credit notes")
    project_loads.clear()
    result = run_cli("generate", "--check", cwd=project)
    assert (result.exit_code, len(project_loads)) == (0, 1)


def test_a_yaml_file_without_semantic_objects_is_no_input(project: Path, run_cli, project_loads) -> None:
    (project / "models/schema.yml").write_text("models:\n  - name: fct_orders\n")
    run_cli("generate", cwd=project)
    (project / "models/schema.yml").write_text("models:\n  - name: fct_orders\n    description: One row per order.\n")
    project_loads.clear()
    assert (run_cli("generate", "--check", cwd=project).exit_code, project_loads) == (0, [])


def test_other_vars_miss_the_shortcut(project: Path, run_cli, project_loads) -> None:
    run_cli("generate", cwd=project)
    project_loads.clear()
    run_cli("generate", "--check", "--vars", "{revenue_target: 5}", cwd=project)
    assert len(project_loads) == 1


def test_an_edited_generated_file_misses_the_shortcut_and_is_stale(project: Path, run_cli, project_loads) -> None:
    run_cli("generate", cwd=project)
    edit(project, "where periods_ago = 0", "where periods_ago = 1", "models/kpi_status.sql")
    project_loads.clear()
    result = run_cli("generate", "--check", cwd=project)
    assert (result.exit_code, len(project_loads)) == (1, 1)


def test_a_dated_target_records_the_day_its_lint_codes_may_turn(make_project, run_cli) -> None:
    judged, _ = last_complete_period(date.today(), "month")
    current = shifted(judged, "month", 1)
    held_until = shifted(judged, "month", 2) - timedelta(days=1)  # the last day of the running month
    dated = f"target: [{{from: {judged}, value: 1000, until: {held_until}}}], grain: month"
    root = make_project({**MODELS, "models/orders.yml": ORDERS.replace("target: 1000", dated)}, PROJECT_FILE)
    run_cli("generate", cwd=root)
    # Judged from the first day of the month after next: the running month's successor has no target.
    assert (current < held_until, recorded_fields(root)["inputs_valid_until"]) == (
        True, shifted(judged, "month", 3).isoformat()
    )


def test_the_shortcut_holds_until_the_day_before_it_expires() -> None:
    recorded = {"inputs": "sha256:1", "inputs_valid_until": "2027-02-01"}
    assert [inputs_hold(recorded, "sha256:1", day) for day in (date(2027, 1, 31), date(2027, 2, 1))] == [True, False]


def test_the_shortcut_never_holds_for_other_inputs() -> None:
    assert inputs_hold({"inputs": "sha256:1"}, "sha256:2", date(2027, 1, 1)) is False


# Which dialects a file holds ------------------------------------------------------------------------


def branches_of(root: Path) -> list[list[str]]:
    """The adapters of each branch of kpi_history.sql, in order (not the error for the others)."""
    branches = (root / "models/kpi_history.sql").read_text().split("{%- elif execute %}")[0]
    conditions = re.findall(r"^\{%- (?:if|elif) target\.type (?:==|in) (.+) %\}$", branches, re.MULTILINE)
    return [re.findall(r"'(\w+)'", condition) for condition in conditions]


def dialects_of(root: Path) -> list[str]:
    return [adapter for branch in branches_of(root) for adapter in branch]


def test_without_profile_or_setting_the_dialect_is_duckdb(project: Path, run_cli) -> None:
    run_cli("generate", cwd=project)
    assert dialects_of(project) == ["duckdb"]


def test_the_profile_s_adapter_is_the_default_dialect(project: Path, run_cli) -> None:
    (project / "profiles.yml").write_text(
        "shop:\n  target: prod\n  outputs:\n    prod: {type: postgres, host: h, user: u, password: p, dbname: d, schema: s}\n"
    )
    run_cli("generate", cwd=project)
    assert dialects_of(project) == ["postgres"]


def test_a_spark_profile_makes_spark_the_dialect(project: Path, run_cli) -> None:
    (project / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev: {type: spark, method: session, host: h, schema: s}\n")
    assert run_cli("generate", cwd=project).exit_code == 0
    assert dialects_of(project) == ["spark"]


def test_a_profile_adapter_without_a_dialect_is_a_one_line_error_and_writes_nothing(project: Path, run_cli) -> None:
    (project / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev: {type: sqlserver, server: h}\n")
    result = run_cli("generate", cwd=project)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "dbt-kpi-lint: error: the dbt profile `shop` builds on adapter 'sqlserver', for which MetricFlow renders no SQL "
        "(supported: duckdb, postgres, snowflake, bigquery, databricks, spark, redshift, trino): choose the dialects "
        "with `--dialect` or the `dialects` setting\n",
    )
    assert not (project / "models/kpi_history.sql").exists()


def test_the_dialect_option_chooses_spark(project: Path, run_cli) -> None:
    assert run_cli("generate", "--dialect", "spark", cwd=project).exit_code == 0
    assert dialects_of(project) == ["spark"]


def test_databricks_and_spark_share_one_branch_of_the_same_sql(project: Path, run_cli) -> None:
    run_cli("generate", "--dialect", "duckdb,databricks,spark", cwd=project)
    assert branches_of(project) == [["duckdb"], ["databricks", "spark"]]


def test_the_dialects_setting_and_the_option_choose_the_dialects(project: Path, run_cli) -> None:
    (project / ".dbt-kpi-lint.toml").write_text('dialects = ["snowflake", "bigquery"]\n')
    run_cli("generate", cwd=project)
    assert dialects_of(project) == ["snowflake", "bigquery"]
    run_cli("generate", "--dialect", "redshift,databricks", cwd=project)
    assert dialects_of(project) == ["redshift", "databricks"]


def test_regenerating_keeps_the_dialects_the_file_holds(project: Path, run_cli) -> None:
    run_cli("generate", "--dialect", "trino", cwd=project)
    edit(project, "target: 1000", "target: 1500")
    run_cli("generate", cwd=project)
    assert dialects_of(project) == ["trino"]


def test_an_unknown_dialect_is_a_one_line_usage_error(project: Path, run_cli) -> None:
    result = run_cli("generate", "--dialect", "oracle", cwd=project)
    assert (result.exit_code, len(result.stderr.splitlines())) == (2, 1)
    assert result.stderr.splitlines()[-1].endswith(
        "argument --dialect: MetricFlow renders no SQL for dbt adapter 'oracle'; supported: duckdb, postgres, "
        "snowflake, bigquery, databricks, spark, redshift, trino"
    )


# What the YAML alone cannot say ----------------------------------------------------------------------


def test_jinja_beyond_var_in_a_semantic_model_asks_for_the_manifest(make_project, run_cli) -> None:
    root = make_project({**MODELS, "models/orders.yml": ORDERS.replace("expr: amount", "expr: \"{{ env_var('AMOUNT') }}\"")},
                        PROJECT_FILE)
    result = run_cli("generate", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: `measures.expr` of semantic model `orders` (models/orders.yml:2:5) is Jinja the YAML "
        "alone cannot render (\"{{ env_var('AMOUNT') }}\"): run `dbt parse` and `dbt-kpi-lint generate "
        "--from-manifest`\n",
    )


def test_a_semantic_model_over_a_model_that_does_not_exist_is_a_one_line_error(make_project, run_cli) -> None:
    root = make_project({**MODELS, "models/orders.yml": ORDERS.replace("ref('fct_orders')", "ref('fct_orderz')")},
                        PROJECT_FILE)
    result = run_cli("generate", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: the semantic layer reads `fct_orderz`, which no model file of the project or its "
        "installed packages defines: fix the `model: ref(...)` of its semantic model\n",
    )


def test_a_kpi_metricflow_cannot_query_is_a_one_line_error(make_project, run_cli) -> None:
    root = make_project(
        {**MODELS, "models/orders.yml": ORDERS.replace("time_granularity: day", "time_granularity: month")
         .replace("direction: increase}", "direction: increase, grain: day}")},
        PROJECT_FILE,
    )
    result = run_cli("generate", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("dbt-kpi-lint: error: MetricFlow cannot query `revenue` by day: ")
    assert len(result.stderr.splitlines()) == 1


def test_from_manifest_writes_the_sql_the_yaml_gives(tmp_path: Path, run_cli) -> None:
    """dbt's own semantic manifest and the one built from the YAML render the same SQL, refs included."""
    from_yaml = copy_example_project(tmp_path / "yaml")
    from_dbt = copy_example_project(tmp_path / "dbt")
    run_dbt(from_dbt, "parse")
    run_cli("generate", "--force", cwd=from_yaml)
    result = run_cli("generate", "--force", "--from-manifest", cwd=from_dbt)
    assert result.exit_code == 0, result.stderr

    def body(root: Path) -> list[str]:
        return (root / "models/kpi_history.sql").read_text().splitlines()[1:]  # line 1 names the source

    assert body(from_dbt) == body(from_yaml)


def test_from_manifest_without_dbt_parse_is_a_one_line_error(tmp_path: Path, run_cli) -> None:
    root = copy_example_project(tmp_path / "project")
    shutil.rmtree(root / "target", ignore_errors=True)
    result = run_cli("generate", "--force", "--from-manifest", cwd=root)
    assert (result.exit_code, len(result.stderr.splitlines())) == (2, 1)
    assert result.stderr.endswith("manifest.json: no such file; `dbt parse` writes it\n")


def test_a_kpi_dbt_s_semantic_manifest_does_not_hold_is_a_one_line_error(tmp_path: Path, run_cli) -> None:
    """A semantic_manifest.json from another run than the YAML: MetricFlow cannot plan the KPI."""
    root = copy_example_project(tmp_path / "project")
    run_dbt(root, "parse")
    path = root / "target" / "semantic_manifest.json"
    document = json.loads(path.read_text())
    document["metrics"] = [metric for metric in document["metrics"] if metric["name"] != "revenue"]
    path.write_text(json.dumps(document))
    result = run_cli("generate", "--force", "--from-manifest", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: KPI `revenue` is not in the semantic manifest, which is from another state of the "
        "project than the YAML: re-run `dbt parse`\n",
    )


def test_gen001_on_a_semantic_model_holding_an_alias_bomb_answers_at_once(project: Path, run_cli) -> None:
    """Nine anchors of nine aliases each: 387 million values when written out, one each by reference."""
    run_cli("generate", cwd=project)
    anchors = "".join(
        f"          a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n" for level in range(1, 10)
    )
    bomb = "      - name: revenue\n        agg: sum\n        expr: amount\n        agg_params:\n"
    bomb += "          a0: &a0 [lol]\n" + anchors
    edit(project, "      - {name: revenue, agg: sum, expr: amount}  # net of refunds\n", bomb)
    started = time.monotonic()
    [(_, _, _, message)] = gen001(run_cli, project)
    assert (time.monotonic() - started < 10, "the semantic definitions changed" in message) == (True, True)
