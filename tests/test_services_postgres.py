"""The session's own PostgreSQL server, used by psycopg2 and by dbt-postgres in both dbt envs."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import yaml
from conftest import TINY_PROJECT, run_dbt, write_files
from services.dbt_env import DbtEnv
from services.postgres import PostgresServer


def query(postgres: PostgresServer, statement: str, dbname: str | None = None) -> list[tuple[Any, ...]]:
    """The rows of `statement`, on a connection of its own (closed after)."""
    with closing(psycopg2.connect(postgres.dsn(dbname))) as connection, connection.cursor() as cursor:
        cursor.execute(statement)
        return list(cursor.fetchall())


def customers_per_plan(postgres: PostgresServer, dbname: str) -> dict[str, int]:
    return dict(query(postgres, "select plan, customers from analytics.customers_per_plan", dbname))


@pytest.fixture
def postgres_project(postgres: PostgresServer, tmp_path: Path) -> tuple[Path, str]:
    """A dbt project with a seed and a model, profiled on a fresh database; and that database."""
    project = write_files(tmp_path / "tiny_pg", TINY_PROJECT)
    dbname = postgres.create_database()
    postgres.write_dbt_profile(project, profile="tiny", target="pg", dbname=dbname, schema="analytics")
    return project, dbname


def test_the_server_answers_a_query_over_tcp(postgres: PostgresServer) -> None:
    assert query(postgres, "select 1") == [(1,)]


def test_the_server_listens_on_loopback_only(postgres: PostgresServer) -> None:
    assert query(postgres, "show listen_addresses") == [("127.0.0.1",)]


def test_each_created_database_is_new_and_empty(postgres: PostgresServer) -> None:
    first, second = postgres.create_database(), postgres.create_database()

    tables = query(
        postgres, "select count(*) from information_schema.tables where table_schema = 'public'", second
    )

    assert first != second
    assert tables == [(0,)]


def test_the_dbt_profile_keeps_other_targets_in_the_file(postgres: PostgresServer, tmp_path: Path) -> None:
    (tmp_path / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb}\n")

    postgres.write_dbt_profile(tmp_path, profile="shop", target="pg", dbname="postgres")

    profile = yaml.safe_load((tmp_path / "profiles.yml").read_text())["shop"]
    assert profile["target"] == "pg"
    assert profile["outputs"]["dev"] == {"type": "duckdb"}
    assert profile["outputs"]["pg"]["port"] == postgres.port


def test_dbt_build_on_postgres_with_the_main_env(
    postgres: PostgresServer, postgres_project: tuple[Path, str]
) -> None:
    project, dbname = postgres_project

    run_dbt(project, "build")

    assert customers_per_plan(postgres, dbname) == {"pro": 2, "free": 1}


def test_dbt_build_on_postgres_with_dbt_1_12(
    postgres: PostgresServer, postgres_project: tuple[Path, str], dbt_1_12: DbtEnv
) -> None:
    project, dbname = postgres_project

    dbt_1_12.run(project, "build")

    assert customers_per_plan(postgres, dbname) == {"pro": 2, "free": 1}
