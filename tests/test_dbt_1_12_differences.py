"""What dbt 1.12 writes differently from dbt 1.11 that the linter or the generator reads, measured.

Differences covered elsewhere: the manifest schema (v12 from both) and legacy `type_params.window`
(refused by 1.12 by default) in test_manifest_mode.py; labels, conversion windows and semantic
models of the latest spec in its parity tests; `fill_nulls_with` of the latest spec and the
pre-1.9 time spine in kpi_models/test_semantic_manifest.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from services.dbt_env import DbtEnv

FIXTURES = Path(__file__).parent / "fixtures"
TIME_DIMENSION = "      - name: ordered_at\n        granularity: day\n        dimension:\n          type: time\n"
BARE_TIME_DIMENSION = "      - name: ordered_at\n        granularity: day\n        dimension: time\n"


@pytest.fixture(scope="module")
def bare_time_dimension(dbt_1_12: DbtEnv, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """tests/fixtures/latest_spec with its time dimension written `dimension: time`, parsed by
    dbt 1.12: the project and dbt's output."""
    root = Path(shutil.copytree(FIXTURES / "latest_spec", tmp_path_factory.mktemp("bare_time") / "project"))
    schema = root / "models" / "orders.yml"
    assert TIME_DIMENSION in schema.read_text()
    schema.write_text(schema.read_text().replace(TIME_DIMENSION, BARE_TIME_DIMENSION))
    return root, dbt_1_12.run(root, "parse").stdout


def test_dbt_1_12_drops_the_granularity_of_a_time_dimension_written_as_a_bare_type(bare_time_dimension) -> None:
    root, output = bare_time_dimension
    semantic_manifest = json.loads((root / "target" / "semantic_manifest.json").read_text())
    [ordered_at] = semantic_manifest["semantic_models"][0]["dimensions"]
    assert (ordered_at["name"], ordered_at["type"], ordered_at["type_params"]) == ("ordered_at", "time", None)
    assert "TimeDimensionsRequireGranularityDeprecation: 1 occurrence" in output


def test_generate_refuses_a_bare_time_dimension_for_the_reason_mf_query_does(
    bare_time_dimension, dbt_1_12: DbtEnv, run_cli
) -> None:
    root, _ = bare_time_dimension
    query = subprocess.run(
        [str(dbt_1_12.mf), "query", "--metrics", "revenue", "--group-by", "metric_time__month"],
        cwd=root,
        env=dbt_1_12.environ(root),
        capture_output=True,
        text=True,
        check=False,
    )
    reason = "`type_params` should not be `None` for a time dimension."
    assert (query.returncode, f"ERROR: {reason}" in query.stdout) == (1, True)
    result = run_cli("generate", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        f"dbt-kpi-lint: error: MetricFlow cannot read the semantic manifest: {reason}\n",
    )


def test_the_osi_document_dbt_1_12_writes_beside_the_manifest_is_refused_as_one(bare_time_dimension, run_cli) -> None:
    root, _ = bare_time_dimension
    osi = json.loads((root / "target" / "osi_document.json").read_text())
    assert (osi["version"], [dataset["name"] for dataset in osi["semantic_model"][0]["datasets"]]) == ("0.1.1", ["orders"])
    result = run_cli("check", "--manifest", "target/osi_document.json", cwd=root)
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: target/osi_document.json: this is osi_document.json, dbt 1.12's export of the "
        "semantic layer in the Open Semantic Interchange format, which has no file paths and no meta; pass "
        "manifest.json from the same target directory\n",
    )
