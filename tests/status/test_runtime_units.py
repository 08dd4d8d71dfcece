"""Runtime pieces that need DuckDB or MetricFlow installed but no dbt build."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dbt_kpi_lint.status import entry
from dbt_kpi_lint.status.dialect import (
    UnsupportedAdapterError,
    dialect_for,
    supported_adapter_types,
)
from dbt_kpi_lint.status.entry import STATUS_COLUMNS, rows_relation
from dbt_kpi_lint.status.evaluate import evaluate_kpi
from dbt_kpi_lint.status.spec import KpiSpec

PACKAGE = Path(__file__).resolve().parents[2] / "dbt_kpi_lint"
HOSTILE = "o'brien'); drop table x; --"


def test_importing_status_does_not_import_dbt_or_metricflow() -> None:
    code = (
        "import sys, dbt_kpi_lint.status\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('dbt', 'metricflow', 'metricflow_semantics', 'dbt_semantic_interfaces', 'duckdb')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_only_status_imports_dbt_or_metricflow() -> None:
    pattern = re.compile(
        r"^\s*(?:import|from)\s+(?:dbt|metricflow|metricflow_semantics|metricflow_semantic_interfaces|dbt_semantic_interfaces)(?:\.|\s|$)",
        re.MULTILINE,
    )
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "status" not in path.relative_to(PACKAGE).parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_dialects() -> None:
    assert set(supported_adapter_types()) == {"duckdb", "snowflake", "postgres", "bigquery", "databricks", "redshift"}
    assert dialect_for("DuckDB").renderer_class == "DuckDbSqlPlanRenderer"
    with pytest.raises(UnsupportedAdapterError):
        dialect_for("sqlite")


def test_render_only_client_builds_every_dialect_and_never_connects() -> None:
    pytest.importorskip("metricflow")
    from metricflow.protocols.sql_client import SqlEngine

    from dbt_kpi_lint.status.dialect import render_only_sql_client

    for adapter_type in supported_adapter_types():
        client = render_only_sql_client(adapter_type)
        assert client.sql_engine_type is SqlEngine[dialect_for(adapter_type).sql_engine]
        assert type(client.sql_plan_renderer).__name__ == dialect_for(adapter_type).renderer_class
    with pytest.raises(NotImplementedError):
        render_only_sql_client("duckdb").query("select 1")


def test_rows_land_verbatim_through_bound_parameters() -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.execute("create table x (i int)")
    spec = KpiSpec(
        metric="revenue",
        label='Revenue "net" \\ 100%',
        owner=HOSTILE,
        objective="grow'; --",
        target=10,
        lint_codes=["KPI001", "K'2"],
    )
    row = evaluate_kpi(spec, {date(2024, 5, 1): 12.5}, date(2024, 6, 10))
    relation = rows_relation(con, [row])
    assert relation.columns == [name for name, _ in STATUS_COLUMNS]
    (got,) = relation.fetchall()
    assert got[2] == HOSTILE and got[1] == 'Revenue "net" \\ 100%' and got[3] == "grow'; --"
    assert got[-2] == "KPI001,K'2"
    assert con.sql("select count(*) from x").fetchall() == [(0,)]  # still there


def test_empty_rows_still_have_typed_columns() -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    relation = rows_relation(con, [])
    assert relation.fetchall() == []
    assert [str(t) for t in relation.types] == [sql_type for _, sql_type in STATUS_COLUMNS]


def test_running_project_falls_back_to_the_working_directory_outside_dbt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_adapter(_: str) -> object:
        raise RuntimeError("no adapter")

    pytest.importorskip("dbt.adapters.factory")
    import dbt.adapters.factory

    monkeypatch.setattr(dbt.adapters.factory, "get_adapter_by_type", no_adapter)
    monkeypatch.chdir(tmp_path)
    assert entry.running_project() == entry.RunningProject(tmp_path, tmp_path / "target", {})


def test_refuses_a_stale_manifest_under_no_write_json(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dbt.flags")
    import types

    import dbt.flags

    monkeypatch.setattr(dbt.flags, "get_flags", lambda: types.SimpleNamespace(WRITE_JSON=False))
    with pytest.raises(RuntimeError, match="--no-write-json"):
        entry.materialize(None, None, [])


def test_fixture_model_is_what_generate_writes() -> None:
    from dbt_kpi_lint.generate.status_model import expected_files
    from dbt_kpi_lint.loading.yaml_loader import load_project

    project = load_project(Path(__file__).parent / "fixtures" / "kpi_project")
    assert dict(project.generated_files) == expected_files(project)


def test_template_quotes_model_names() -> None:
    import ast

    from dbt_kpi_lint.generate.status_model import kpi_status_model_source

    odd = 'a")\nimport os  # '
    tree = ast.parse(kpi_status_model_source([odd]))
    refs = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "ref"
        and isinstance(node.args[0], ast.Constant)
    ]
    assert refs == [odd]
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import) and n.names[0].name == "os"]
