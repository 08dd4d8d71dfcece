"""Shapes met in public dbt projects: which files dbt reads, and files dbt refuses.

Fixtures are synthetic; what dbt reads and what it refuses was measured with `dbt parse` (dbt-core 1.11).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult
from test_yaml_loading import LIFETIME_CUSTOMERS, check_json


def messages(run_cli: Callable[..., CliResult], root: Path) -> list[str]:
    return [item["message"] for item in json.loads(run_cli("check", "--format", "json", cwd=root).stdout)]


# Which files dbt reads ----------------------------------------------------------------------------


def test_metrics_after_a_utf8_bom_on_the_first_line_are_read(make_project, run_cli):
    root = make_project({})
    (root / "models").mkdir()
    (root / "models/metrics.yml").write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(LIFETIME_CUSTOMERS).encode())

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/metrics.yml", 2, 5)]


@pytest.mark.parametrize("line_break", ["\r", "\x85", "\u2028", "\u2029"], ids=["CR", "NEL", "LS", "PS"])
def test_metrics_after_line_breaks_other_than_newline_are_read_at_their_lines(make_project, run_cli, line_break):
    root = make_project({})
    (root / "models").mkdir()
    text = "version: 2\n" + textwrap.dedent(LIFETIME_CUSTOMERS)
    (root / "models/metrics.yml").write_bytes(text.replace("\n", line_break).encode())

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/metrics.yml", 3, 5)]


def test_metrics_after_two_byte_order_marks_are_read(make_project, run_cli):
    root = make_project({})
    (root / "models").mkdir()
    (root / "models/metrics.yml").write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + textwrap.dedent(LIFETIME_CUSTOMERS).encode())

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/metrics.yml", 2, 5)]


def test_a_flow_style_document_is_read(make_project, run_cli):
    root = make_project(
        {"models/metrics.yml": "{metrics: [{name: lifetime_customers, type: cumulative, type_params: {measure: c}}]}\n"}
    )

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/metrics.yml", 1, 13)]


def test_an_upper_case_extension_is_read(make_project, run_cli):
    root = make_project({"models/METRICS.YML": LIFETIME_CUSTOMERS})

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/METRICS.YML", 2, 5)]


def test_a_hidden_directory_under_a_model_path_is_read(make_project, run_cli):
    root = make_project({"models/.semantic/metrics.yml": LIFETIME_CUSTOMERS})

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/.semantic/metrics.yml", 2, 5)]


@pytest.fixture
def nested_directories(tmp_path):
    """A chain of 1,500 nested directories, removed deepest first: rmtree (and so pytest's own
    clean-up of old temporary directories) recurses once per level, as mkdir(parents=True) does."""
    chain = [tmp_path / "project" / "models"]
    chain[0].mkdir(parents=True)
    for _ in range(1500):
        chain.append(chain[-1] / "a")
        chain[-1].mkdir()
    yield chain[-1]
    for directory in reversed(chain):
        for entry in directory.iterdir():
            if not entry.is_dir():
                entry.unlink()
        directory.rmdir()


def test_a_schema_file_1500_directories_deep_is_read(make_project, run_cli, nested_directories):
    """Deeper than Python's recursion limit, where os.walk (and so dbt) fails."""
    root = make_project({})
    (nested_directories / "metrics.yml").write_text(textwrap.dedent(LIFETIME_CUSTOMERS))

    [(code, metric, path, line, column)] = check_json(run_cli, root)

    assert (code, metric, path, line, column) == ("VAN001", "lifetime_customers", "models/" + "a/" * 1500 + "metrics.yml", 2, 5)


def test_hidden_backup_and_editor_lock_files_are_skipped(make_project, run_cli):
    root = make_project(
        {"models/.metrics.yml": LIFETIME_CUSTOMERS, "models/~metrics.yml": LIFETIME_CUSTOMERS, "models/#m.yml": "{"}
    )
    os.symlink("user@host.1234", root / "models/.#metrics.yml")  # how Emacs marks a file being edited

    result = run_cli("check", cwd=root)

    assert (result.exit_code, result.stdout) == (0, "All checks passed: 0 metrics (0 KPIs).\n")


def test_dbtignore_excludes_what_it_names(make_project, run_cli):
    root = make_project(
        {
            ".dbtignore": "models/scratch/\n*_wip.yml\n",
            "models/scratch/metrics.yml": LIFETIME_CUSTOMERS,
            "models/orders_wip.yml": LIFETIME_CUSTOMERS,
            "models/orders.yml": LIFETIME_CUSTOMERS,
        }
    )

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/orders.yml", 2, 5)]


def test_a_model_path_outside_the_project_is_read_and_shown_relative_to_it(make_project, run_cli, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "metrics.yml").write_text(textwrap.dedent(LIFETIME_CUSTOMERS))
    root = make_project({}, f'name: shop\nconfig-version: 2\nmodel-paths: ["models", "{shared}"]\n')

    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "../shared/metrics.yml", 2, 5)]


# Files dbt refuses ---------------------------------------------------------------------------------


def test_utf16_without_a_byte_order_mark_is_a_finding_as_dbt_refuses_it(make_project, run_cli):
    """dbt reads it as UTF-8 and stops: `unacceptable character #x0000` (measured)."""
    root = make_project({})
    (root / "models").mkdir()
    (root / "models/metrics.yml").write_bytes(textwrap.dedent(LIFETIME_CUSTOMERS).encode("utf-16-le"))

    assert check_json(run_cli, root) == [("YML001", None, "models/metrics.yml", 1, 2)]
    assert messages(run_cli, root) == [
        "the file holds NUL characters, which dbt refuses (unacceptable character #x0000): it is probably UTF-16 "
        "without a byte-order mark; save it as UTF-8"
    ]


def test_metrics_written_as_a_mapping_is_a_finding(make_project, run_cli):
    root = make_project({"models/metrics.yml": "metrics:\n  revenue:\n    type: simple\n"})

    assert check_json(run_cli, root) == [("YML001", None, "models/metrics.yml", 1, 1)]
    assert messages(run_cli, root) == [
        "`metrics` is not a list, so dbt refuses this file: write `metrics:` followed by `- name: ...` entries"
    ]


def test_an_empty_semantic_models_key_is_a_finding(make_project, run_cli):
    root = make_project({"models/metrics.yml": LIFETIME_CUSTOMERS + "    semantic_models:\n"})

    assert check_json(run_cli, root) == [("YML001", None, "models/metrics.yml", 7, 1)]


def test_a_metrics_entry_that_is_not_a_mapping_is_a_finding(make_project, run_cli):
    root = make_project({"models/metrics.yml": LIFETIME_CUSTOMERS + "      - revenue\n"})

    assert check_json(run_cli, root) == [("YML001", None, "models/metrics.yml", 7, 5)]
    assert messages(run_cli, root) == [
        "an entry of `metrics` is not a mapping, so dbt refuses this file: give each entry a `name:`"
    ]


# Values out of range ------------------------------------------------------------------------------


def test_an_integer_target_beyond_float_range_is_invalid_not_a_crash(make_project, run_cli):
    huge = "1" + "0" * 400
    root = make_project(
        {
            "models/metrics.yml": f"""\
                metrics:
                  - name: revenue
                    type: simple
                    type_params: {{measure: revenue}}
                    config:
                      meta: {{kpi: true, owner: fin, target: {huge}, direction: increase}}
            """
        }
    )

    result = run_cli("check", "--select", "KPI004", "--format", "json", cwd=root)

    assert result.exit_code == 1
    assert [(item["code"], item["line"], item["column"]) for item in json.loads(result.stdout)] == [("KPI004", 6, 37)]


@pytest.mark.parametrize(
    ("text", "line", "column", "kind"),
    [
        ("# metrics of the shop\n- metrics:\n    - name: revenue\n", 2, 1, "a list"),
        ('"metrics: none"\n', 1, 1, "a single value"),
    ],
)
def test_a_schema_file_that_is_not_a_mapping_is_a_finding_as_dbt_expects_a_dictionary(
    make_project, run_cli, text, line, column, kind
):
    """dbt: "Contents of file 'models/metrics.yml' are not valid. Dictionary expected." (measured)."""
    root = make_project({"models/metrics.yml": text})

    assert check_json(run_cli, root) == [("YML001", None, "models/metrics.yml", line, column)]
    assert messages(run_cli, root) == [
        f"the file holds {kind}, not a mapping of keys such as `metrics:`, so dbt refuses it: make its top level a mapping"
    ]


def test_an_empty_schema_file_is_read_as_nothing(make_project, run_cli):
    root = make_project({"models/metrics.yml": "# metrics: to come\n"})

    assert check_json(run_cli, root) == []
