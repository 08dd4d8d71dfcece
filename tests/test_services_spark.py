"""The session's Spark, through dbt-spark's session method: dbt builds on it and reads back in one run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from conftest import TINY_PROJECT, write_files
from services.spark import SparkService, StepResult, check_available, find_java


@pytest.fixture(scope="module")
def tiny_run(spark: SparkService, tmp_path_factory: pytest.TempPathFactory) -> list[StepResult]:
    """A seed and a model built, read back, and Spark's own settings read, in one run."""
    project = write_files(tmp_path_factory.mktemp("spark") / "tiny_spark", TINY_PROJECT)
    spark.write_dbt_profile(project, profile="tiny", target="spark")
    return spark.run(
        project,
        [
            ("dbt", "build"),
            ("rows", "select plan, customers from {{ ref('customers_per_plan') }} order by plan"),
            ("rows", "select '${spark.driver.bindAddress}' as bind_address, "
                     "'${spark.sql.catalogImplementation}' as catalog"),
            ("jvm-pid",),
        ],
    )


def test_dbt_builds_a_seed_and_a_model_and_reads_them_back_in_the_same_run(tiny_run: list[StepResult]) -> None:
    assert tiny_run[1].rows == [{"plan": "free", "customers": 1.0}, {"plan": "pro", "customers": 2.0}]


def test_spark_listens_on_loopback_only_with_an_in_memory_catalog(tiny_run: list[StepResult]) -> None:
    assert tiny_run[2].rows == [{"bind_address": "127.0.0.1", "catalog": "in-memory"}]


def test_spark_s_jvm_ends_with_the_run(tiny_run: list[StepResult]) -> None:
    [jvm] = tiny_run[3].rows or []
    deadline = time.monotonic() + 30  # it exits once it sees its parent's pipe close
    while Path(f"/proc/{jvm['pid']}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{jvm['pid']}").exists()


def test_the_dbt_profile_keeps_other_targets_in_the_file(spark: SparkService, tmp_path: Path) -> None:
    (tmp_path / "profiles.yml").write_text("shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb}\n")

    spark.write_dbt_profile(tmp_path, profile="shop", target="spark")

    profile = yaml.safe_load((tmp_path / "profiles.yml").read_text())["shop"]
    assert (profile["target"], profile["outputs"]["dev"]) == ("spark", {"type": "duckdb"})
    assert (profile["outputs"]["spark"]["type"], profile["outputs"]["spark"]["method"]) == ("spark", "session")


@pytest.fixture
def no_java_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_without_java_a_spark_test_skips_on_a_developer_machine(no_java_on_path, monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=r"no Java for Spark \(apt-get install openjdk-17-jre-headless\)"):
        check_available()


def test_without_java_a_spark_test_fails_on_ci(no_java_on_path, monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="no Java for Spark"):
        check_available()


def test_java_home_is_preferred_to_the_java_on_path(no_java_on_path, monkeypatch, tmp_path: Path) -> None:
    java = write_files(tmp_path / "jdk", {"bin/java": "#!/bin/sh\n"}) / "bin" / "java"
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))

    assert find_java() == java
