"""Bad input never breaks the linter: every malformed file is a finding, every unusable setting one line.

One section per root cause of issue 13, each from its minimal example and its neighbours (the same
cause through another field or another kind of file). What dbt does with the same input was measured
with dbt-core 1.11.16 (`dbt parse`), where a test says so.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult
from hostile_yaml import ALIAS_BOMB, BOMB_ALIAS, indented

FIXTURES = Path(__file__).parent / "fixtures"
Run = Callable[..., CliResult]

# A KPI with an error finding of its own (no owner: KPI001 at 2:5), to show that it is still linted.
OWNERLESS_KPI = """\
metrics:
  - name: signups
    type: simple
    type_params: {measure: signups}
    config:
      meta: {kpi: true, target: 10, direction: increase, objective: grow, indicator: leading}
"""
OWNERLESS_KPI001 = ("KPI001", "models/signups.yml", 2, 5)
OWNERLESS_FINDING = (
    *OWNERLESS_KPI001,
    "KPI `signups` has no owner: set `meta.owner` to the accountable person or team, or put the metric in a dbt "
    "group that has an owner (`config.group`)",
)


def revenue_kpi(label: str = "Revenue", owner: str = "fin@example.com", target: str = "100") -> str:
    return (
        "metrics:\n"
        "  - name: revenue\n"
        f"    label: {label}\n"
        "    type: simple\n"
        "    type_params: {measure: revenue}\n"
        "    config:\n"
        "      meta:\n"
        "        kpi: true\n"
        f"        owner: {owner}\n"
        f"        target: {target}\n"
        "        direction: increase\n"
        "        objective: grow\n"
        "        indicator: leading\n"
    )


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """A dbt project named `p` whose files are written byte for byte, beside OWNERLESS_KPI."""

    def make(files: dict[str, str | bytes], project_file: str = "name: p\n") -> Path:
        root = tmp_path / "project"
        for relative, content in {"dbt_project.yml": project_file, "models/signups.yml": OWNERLESS_KPI, **files}.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        return root

    return make


def check(run_cli: Run, root: Path, *args: str) -> tuple[int, list[tuple[str, str, int, int, str]]]:
    result = run_cli("check", "--format", "json", *args, cwd=root)
    assert result.stderr == ""
    found = [(item["code"], item["path"], item["line"], item["column"], item["message"]) for item in json.loads(result.stdout)]
    return result.exit_code, found


def codes_and_places(found: list[tuple[str, str, int, int, str]]) -> list[tuple[str, str, int, int]]:
    return [(code, path, line, column) for code, path, line, column, _ in found]


def one_line_error(run_cli: Run, root: Path, *args: str) -> str:
    result = run_cli("check", *args, cwd=root)
    assert (result.exit_code, result.stdout, result.stderr.count("\n")) == (2, "", 1), result.stderr
    assert result.stderr.startswith("dbt-kpi-lint: error: ")
    return result.stderr.removeprefix("dbt-kpi-lint: error: ").rstrip("\n")


# Values PyYAML's constructors cannot build: dbt stops on the file (ValueError, KeyError: measured) ---


@pytest.mark.parametrize(
    ("label", "column", "message"),
    [
        ("2024-02-30", 12, "`2024-02-30` is not a date or timestamp dbt can read (day is out of range for month)"),
        ("2024-13-01", 12, "`2024-13-01` is not a date or timestamp dbt can read (month must be in 1..12)"),
        ("2024-01-01 25:00:00", 12, "`2024-01-01 25:00:00` is not a date or timestamp dbt can read (hour must be in 0..23)"),
        ("0000-01-01", 12, "`0000-01-01` is not a date or timestamp dbt can read (year 0 is out of range)"),
        ("!!int abc", 12, "`abc` is not an integer dbt can read (invalid literal for int() with base 10: 'abc')"),
        ("!!float abc", 12, "`abc` is not a number dbt can read (could not convert string to float: 'abc')"),
        ("!!int", 12, "an empty value is not an integer dbt can read"),
        ("!!bool maybe", 12, "`maybe` is not a boolean dbt can read (true, false, yes, no, on or off)"),
        ("!!timestamp x", 12, "`x` is not a date or timestamp dbt can read"),
        (
            "1" * 4301,
            12,
            "`111111111111111111111111111111... (4,301 characters)` is not an integer dbt can read (an integer of "
            "more than 4,300 digits)",
        ),
    ],
)
def test_a_value_dbt_cannot_build_is_a_finding_where_it_is_written(project, run_cli: Run, label, column, message) -> None:
    root = project({"models/revenue.yml": revenue_kpi(label=label)})

    exit_code, found = check(run_cli, root)

    assert exit_code == 1
    assert found == [
        ("YML001", "models/revenue.yml", 3, column, f"{message}: correct it, or quote it (without a tag) to make it text"),
        OWNERLESS_FINDING,
    ]


def test_a_hexadecimal_target_of_3600_digits_is_a_finding_as_dbt_cannot_store_it(project, run_cli: Run) -> None:
    """dbt reads it, then fails writing partial_parse.msgpack (OverflowError): measured."""
    root = project({"models/revenue.yml": revenue_kpi(target="0x" + "f" * 3600)})

    exit_code, found = check(run_cli, root)

    assert (exit_code, codes_and_places(found)) == (1, [("YML001", "models/revenue.yml", 10, 17), OWNERLESS_KPI001])
    assert found[0][4].startswith("`0xffffffffffffffffffffffffffff... (3,602 characters)` is not an integer dbt can read")


def test_a_quoted_meta_value_dbt_would_not_read_unquoted_is_shown_quoted(project, run_cli: Run) -> None:
    """A message quotes a value only where YAML needs it, read as dbt reads it: no constructor error."""
    root = project({"models/revenue.yml": revenue_kpi(target='"2024-02-30"')})

    assert check(run_cli, root, "--select", "KPI004")[1] == [
        (
            "KPI004",
            "models/revenue.yml",
            10,
            9,
            'KPI `revenue` has `target: "2024-02-30"`, not a number, so its status cannot be computed: set it to '
            "the value the KPI should reach, e.g. `target: 1000`",
        )
    ]


def test_a_tag_on_the_wrong_kind_of_node_is_a_finding(project, run_cli: Run) -> None:
    root = project({"models/revenue.yml": revenue_kpi(label="!!map [1]")})

    _, found = check(run_cli, root)

    assert found[0] == ("YML001", "models/revenue.yml", 3, 12, "`!!map` needs a mapping, not a sequence: remove the tag")


def test_a_value_dbt_cannot_build_in_dbt_project_yml_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({}, project_file="name: p\nvars:\n  launch: 2024-02-30\n")

    assert one_line_error(run_cli, root) == (
        "dbt_project.yml:3:11: invalid YAML: `2024-02-30` is not a date or timestamp dbt can read (day is out of "
        "range for month): correct it, or quote it (without a tag) to make it text"
    )


def test_a_value_dbt_cannot_build_in_vars_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({})

    assert one_line_error(run_cli, root, "--vars", "{target: !!int abc}") == (
        "--vars is not YAML: `abc` is not an integer dbt can read (invalid literal for int() with base 10: 'abc'): "
        "correct it, or quote it (without a tag) to make it text"
    )


# A key dbt's loader cannot hash: `found unhashable key`, and the file is refused (measured) -----------


def test_a_list_as_a_key_is_a_finding_as_dbt_refuses_the_file(project, run_cli: Run) -> None:
    root = project({"models/revenue.yml": revenue_kpi(label="{? [a, b] : c}")})

    _, found = check(run_cli, root)

    assert found[0] == (
        "YML001",
        "models/revenue.yml",
        3,
        15,
        "while constructing a mapping found unhashable key (a sequence used as a key): write a plain key",
    )


def test_a_mapping_as_a_meta_key_is_a_finding_too(project, run_cli: Run) -> None:
    root = project({"models/revenue.yml": revenue_kpi().replace("        kpi: true\n", "        {owner: x}: y\n        kpi: true\n")})

    _, found = check(run_cli, root)

    assert found[0][:4] == ("YML001", "models/revenue.yml", 8, 9)
    assert found[0][4].endswith("found unhashable key (a mapping used as a key): write a plain key")


# Nesting: bounded with a finding, as PyYAML's C parser bounds it at 1,000 levels ---------------------


def test_values_nested_deeper_than_200_levels_are_a_finding_where_the_bound_is_crossed(project, run_cli: Run) -> None:
    root = project({"models/revenue.yml": revenue_kpi(owner="[" * 300 + "]" * 300)})

    _, found = check(run_cli, root)

    # Five levels of mappings and lists lead to `owner:`, so the 196th `[` (column 16 + 195) is the 201st level.
    assert found[0] == ("YML001", "models/revenue.yml", 9, 211, "values nested deeper than 200 levels: flatten this value")


def test_a_manifest_nested_5000_deep_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({"target/manifest.json": '{"metadata": ' + "[" * 5000 + "]" * 5000 + "}"})

    assert one_line_error(run_cli, root, "--manifest", "target/manifest.json") == (
        "target/manifest.json: nested too deeply to be a dbt manifest; re-run `dbt parse` to rewrite it"
    )


def test_a_baseline_nested_5000_deep_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({"kpi-baseline.json": '{"version": 1, "findings": ' + "[" * 5000 + "]" * 5000 + "}"})

    assert one_line_error(run_cli, root, "--baseline", "kpi-baseline.json") == (
        "kpi-baseline.json: cannot read baseline: nested too deeply; rewrite it with --write-baseline"
    )


def test_a_configuration_nested_2000_deep_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({".dbt-kpi-lint.toml": "select = " + "[" * 2000 + "]" * 2000 + "\n"})

    assert one_line_error(run_cli, root) == ".dbt-kpi-lint.toml: invalid TOML: values nested too deeply"


# Metric input graphs: followed on an explicit stack, each metric once ---------------------------------


def test_a_chain_of_1100_derived_metrics_is_followed_to_its_all_time_total(project, run_cli: Run) -> None:
    chain = "".join(f"  - {{name: m{i}, type: derived, type_params: {{expr: m{i + 1}, metrics: [m{i + 1}]}}}}\n" for i in range(1100))
    root = project({"models/chain.yml": f"metrics:\n{chain}  - {{name: m1100, type: cumulative, type_params: {{measure: x}}}}\n"})

    _, found = check(run_cli, root, "--select", "VAN002")

    assert len(found) == 1100
    assert found[0] == (
        "VAN002",
        "models/chain.yml",
        2,
        65,
        "`m0` is built on an all-time running total (m1 -> m2 -> m3 -> m4 -> m5 -> m6 -> m7 -> ... 1,092 more -> "
        "m1100): its value drifts with all history; use a windowed or period-to-date input, or bound `m1100` with a "
        "window",
    )


def ratio_chain(length: int) -> str:
    """A KPI `k`, a ratio of r1 by r1, each r<i> a ratio of r<i+1> by r<i+1>, down to a count."""
    ratios = "".join(
        f"  - name: r{i}\n    type: ratio\n    type_params: {{numerator: r{i + 1}, denominator: r{i + 1}}}\n"
        for i in range(1, length)
    )
    return (
        "semantic_models:\n  - name: s\n    model: ref('s')\n    measures:\n      - {name: x, agg: count}\n"
        "metrics:\n  - name: k\n    type: ratio\n    type_params: {numerator: r1, denominator: r1}\n"
        "    config: {meta: {kpi: true, owner: a, target: -1, direction: increase}}\n"
        f"{ratios}  - name: r{length}\n    type: simple\n    type_params: {{measure: x}}\n"
    )


KPI004_NEGATIVE_RATIO = (
    "KPI004",
    "models/ratios.yml",
    10,
    42,
    "KPI `k` can never reach `target: -1`: it is a ratio of two metrics that are never negative, which is never "
    "negative; set a target of 0 or more, in the metric's own unit",
)


def test_500_chained_ratios_give_the_kpi_its_value_range(project, run_cli: Run) -> None:
    root = project({"models/ratios.yml": ratio_chain(500)})

    assert check(run_cli, root, "--select", "KPI004") == (1, [KPI004_NEGATIVE_RATIO])


def test_40_ratios_each_reading_the_next_twice_are_judged_in_linear_time(project, run_cli: Run) -> None:
    root = project({"models/ratios.yml": ratio_chain(40)})
    start = time.perf_counter()

    assert check(run_cli, root, "--select", "KPI004") == (1, [KPI004_NEGATIVE_RATIO])
    assert time.perf_counter() - start < 5  # 2^40 paths, read once each, would take days


def test_a_derived_expression_in_400000_parentheses_is_read_in_linear_time(project, run_cli: Run) -> None:
    expression = "(" * 400_000 + "total - other" + ")" * 400_000
    root = project(
        {
            "models/expression.yml": "metrics:\n"
            "  - {name: total, type: cumulative, type_params: {measure: x}}\n"
            "  - {name: other, type: simple, type_params: {measure: y}}\n"
            f"  - {{name: d, type: derived, type_params: {{expr: '{expression}', metrics: [total, other]}}}}\n"
        }
    )
    start = time.perf_counter()

    assert codes_and_places(check(run_cli, root, "--select", "VAN002")[1]) == [("VAN002", "models/expression.yml", 4, 800_077)]
    assert time.perf_counter() - start < 5  # slicing off each pair of parentheses took minutes


# Project files that cannot be used as written ---------------------------------------------------------


def test_a_dbtignore_pattern_pathspec_refuses_is_a_one_line_error_naming_its_line(project, run_cli: Run) -> None:
    """dbt reads .dbtignore with the same pathspec, and stops on it (re.error) too."""
    root = project({".dbtignore": "target/\n[z-a]\n"})

    assert one_line_error(run_cli, root) == (
        ".dbtignore:2: `[z-a]` is not a valid gitignore pattern (bad character range z-a at position 10), so dbt "
        "cannot read the project either: correct or remove the line"
    )


def test_a_dbtignore_pattern_pathspec_calls_invalid_is_a_one_line_error_too(project, run_cli: Run) -> None:
    root = project({".dbtignore": "!\n"})

    assert one_line_error(run_cli, root) == (
        ".dbtignore:1: `!` is not a valid gitignore pattern (Invalid git pattern: '!'), so dbt cannot read the "
        "project either: correct or remove the line"
    )


def test_a_pyproject_whose_tool_is_no_table_holds_no_configuration(project, run_cli: Run) -> None:
    root = project({"pyproject.toml": "# linted with dbt-kpi-lint\ntool = 1\n"})

    assert codes_and_places(check(run_cli, root)[1]) == [OWNERLESS_KPI001]


def test_a_pyproject_whose_tool_is_no_table_named_by_config_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({"pyproject.toml": "# linted with dbt-kpi-lint\ntool = 1\n"})

    assert one_line_error(run_cli, root, "--config", "pyproject.toml") == "pyproject.toml: has no [tool.dbt-kpi-lint] table"


def test_a_configuration_integer_beyond_64_bits_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({".dbt-kpi-lint.toml": "max-kpis-per-owner = 0x" + "f" * 4000 + "\n"})

    assert one_line_error(run_cli, root) == ".dbt-kpi-lint.toml: invalid TOML: an integer beyond the 64 bits TOML allows"


def test_a_configuration_integer_beyond_python_digits_is_a_one_line_error(project, run_cli: Run) -> None:
    root = project({".dbt-kpi-lint.toml": "max-kpis-per-owner = " + "1" * 5000 + "\n"})

    assert one_line_error(run_cli, root) == ".dbt-kpi-lint.toml: invalid TOML: an integer of more than 4,300 digits"


@pytest.fixture
def manifest_project(tmp_path: Path) -> Callable[[Callable[[dict], None]], Path]:
    """The dbt 1.7 fixture project with its real manifest, changed by `edit` first."""

    def make(edit: Callable[[dict], None]) -> Path:
        root = Path(shutil.copytree(FIXTURES / "manifest_v11/project", tmp_path / "project"))
        manifest = json.loads((FIXTURES / "manifest_v11/manifest.json").read_text())
        edit(manifest)
        (root / "target").mkdir()
        (root / "target/manifest.json").write_text(json.dumps(manifest))
        return root

    return make


def first_metric(manifest: dict) -> dict:
    return next(iter(manifest["metrics"].values()))


def test_a_manifest_metric_whose_package_is_a_mapping_is_of_no_package_linted(manifest_project, run_cli: Run) -> None:
    root = manifest_project(lambda manifest: first_metric(manifest).update(package_name={"shop": 1}))

    result = run_cli("check", "--manifest", "target/manifest.json", "--format", "json", cwd=root)

    assert (result.exit_code, result.stderr) == (1, "")
    assert "revenue" not in {item["metric"] for item in json.loads(result.stdout)}


def test_a_manifest_file_path_of_5000_characters_is_a_one_line_error(manifest_project, run_cli: Run) -> None:
    root = manifest_project(lambda manifest: first_metric(manifest).update(original_file_path="models/" + "x" * 5000))

    assert one_line_error(run_cli, root, "--manifest", "target/manifest.json") == (
        "target/manifest.json: names models/" + "x" * 93 + "... (5,007 characters), which does not exist any more; "
        "the manifest is stale: re-run `dbt parse`"
    )


def test_a_manifest_of_20000_metrics_is_joined_with_its_yaml_in_linear_time(manifest_project, run_cli: Run) -> None:
    def many_metrics(manifest: dict) -> None:
        manifest["metrics"] = {
            f"metric.shop.m{number}": {
                "name": f"m{number}", "package_name": "shop", "original_file_path": "models/many.yml",
                "resource_type": "metric", "type": "cumulative", "type_params": {"measure": {"name": "x"}},
            }
            for number in range(20_000)
        }

    root = manifest_project(many_metrics)
    entries = "".join(f"  - {{name: m{number}, type: cumulative, type_params: {{measure: x}}}}\n" for number in range(20_000))
    (root / "models/many.yml").write_text(f"metrics:\n{entries}")
    os.utime(root / "target/manifest.json")  # newer than the YAML, as after `dbt parse`
    start = time.perf_counter()

    result = run_cli("check", "--manifest", "target/manifest.json", "--select", "VAN001", "--format", "json", cwd=root)

    assert (result.exit_code, len(json.loads(result.stdout))) == (0, 20_000)
    assert time.perf_counter() - start < 20  # one scan of every YAML metric per node took minutes


def test_a_manifest_name_with_a_line_break_stays_a_one_line_error(manifest_project, run_cli: Run) -> None:
    root = manifest_project(lambda manifest: first_metric(manifest).update(name="rev\nenue"))

    assert one_line_error(run_cli, root, "--manifest", "target/manifest.json") == (
        "target/manifest.json: metric `rev\\nenue` is not in models/metrics.yml any more; the manifest is older than "
        "the YAML: re-run `dbt parse`"
    )


# Aliases: shared, as dbt's loader shares them, never copied per use ----------------------------------

def test_an_alias_bomb_as_a_kpi_owner_is_read_by_reference(project, run_cli: Run) -> None:
    kpi = revenue_kpi(owner=BOMB_ALIAS).replace("      meta:\n", "      meta:\n" + indented(ALIAS_BOMB, 8))

    assert check(run_cli, project({"models/revenue.yml": kpi})) == (1, [OWNERLESS_FINDING])


def test_an_alias_bomb_as_a_group_owner_is_read_by_reference(project, run_cli: Run) -> None:
    groups = "anchors:\n" + indented(ALIAS_BOMB, 2) + f"groups:\n  - name: g\n    owner: {{name: {BOMB_ALIAS}, email: {BOMB_ALIAS}}}\n"
    root = project({"models/groups.yml": groups, "models/revenue.yml": revenue_kpi(owner="''").replace("      meta:", "      group: g\n      meta:")})

    assert codes_and_places(check(run_cli, root)[1]) == [("KPI001", "models/revenue.yml", 2, 5), OWNERLESS_KPI001]


def test_an_alias_bomb_in_project_meta_is_read_by_reference(project, run_cli: Run) -> None:
    root = project({}, project_file="name: p\nmetrics:\n  +meta:\n" + indented(ALIAS_BOMB, 4))

    assert codes_and_places(check(run_cli, root)[1]) == [OWNERLESS_KPI001]


def kpi_with_metas(top_level_owner: str, config_owner: str) -> str:
    return (
        "anchors:\n" + indented(ALIAS_BOMB, 2) + "metrics:\n  - name: r\n    type: simple\n    type_params: {measure: r}\n"
        f"    meta: {{owner: {top_level_owner}}}\n    config: {{meta: {{owner: {config_owner}, kpi: true}}}}\n"
    )


def test_the_same_alias_bomb_in_both_metas_is_compared_by_reference(project, run_cli: Run) -> None:
    root = project({"models/r.yml": kpi_with_metas(BOMB_ALIAS, BOMB_ALIAS)})

    assert check(run_cli, root, "--select", "META001") == (0, [])


def test_an_alias_bomb_dbt_keeps_over_the_top_level_meta_is_named_not_written_out(project, run_cli: Run) -> None:
    root = project({"models/r.yml": kpi_with_metas("x", BOMB_ALIAS)})

    assert check(run_cli, root, "--select", "META001")[1] == [
        (
            "META001",
            "models/r.yml",
            15,
            12,
            "dbt discards the top-level `meta` of `r` because its `config.meta` is set, so dbt sees only `config.meta` "
            "(`owner`, `kpi`); delete the top-level `owner` (dbt uses `owner: [...]` from `config.meta`)",
        )
    ]


def test_10000_metrics_of_one_name_are_reported_in_linear_space(project, run_cli: Run) -> None:
    root = project({"models/copies.yml": "metrics:\n" + "  - {name: copy, type: simple, type_params: {measure: x}}\n" * 10_000})

    _, found = check(run_cli, root, "--select", "YML003")

    assert (len(found), found[0][4]) == (
        10_000,
        "metric `copy` is also defined at models/copies.yml:3:6, models/copies.yml:4:6, models/copies.yml:5:6 and "
        "9,996 more: dbt refuses a project with two metrics of one name; rename or delete one of them",
    )


# Jinja: var() read in one pass, as dbt renders it ------------------------------------------------------


def test_a_var_that_refers_to_itself_is_its_own_text_as_in_dbt(project, run_cli: Run) -> None:
    """dbt renders meta once: the var's value, Jinja and all, is the target (measured)."""
    root = project(
        {"models/revenue.yml": revenue_kpi(target="\"{{ var('loop') }}\"")},
        project_file="name: p\nvars:\n  loop: \"{{ var('loop') }}\"\n",
    )

    _, found = check(run_cli, root, "--select", "KPI004")

    assert found == [
        (
            "KPI004",
            "models/revenue.yml",
            10,
            9,
            "KPI `revenue` has `target: \"{{ var('loop') }}\"`, not a number, so its status cannot be computed: set "
            "it to the value the KPI should reach, e.g. `target: 1000`",
        )
    ]


def test_a_var_call_padded_with_3000_spaces_is_read_in_linear_time(project, run_cli: Run) -> None:
    root = project({"models/revenue.yml": revenue_kpi(target="\"{{ var('x', " + " " * 3000 + "1 ) }\"")})
    start = time.perf_counter()

    _, found = check(run_cli, root, "--select", "KPI002,KPI004")

    assert (found, time.perf_counter() - start < 2) == ([], True)  # not a var() call: unknown Jinja, present


@pytest.mark.parametrize("default", ["{[1]: 2}", "0x" + "f" * 4000])
def test_a_var_default_python_cannot_build_or_write_counts_as_unknown_jinja(project, run_cli: Run, default) -> None:
    root = project({"models/revenue.yml": revenue_kpi(target=f"\"{{{{ var('t', {default}) }}}}\"")})

    assert check(run_cli, root, "--select", "KPI002,KPI004") == (0, [])


# Files that are not regular files, or too large: never read, a finding each --------------------------

NOT_REGULAR = (
    "not a regular file but a FIFO, a device or a socket, which dbt would hang or fail reading: replace it with a "
    "regular YAML file, or delete it"
)


def test_a_fifo_as_a_schema_file_is_a_finding_not_a_hang(project, run_cli: Run) -> None:
    root = project({})
    os.mkfifo(root / "models/fifo.yml")

    assert check(run_cli, root) == (1, [("YML001", "models/fifo.yml", 1, 1, NOT_REGULAR), OWNERLESS_FINDING])


def test_a_schema_file_linked_to_dev_zero_is_a_finding_not_memory_exhausted(project, run_cli: Run) -> None:
    root = project({})
    os.symlink("/dev/zero", root / "models/zero.yml")

    assert codes_and_places(check(run_cli, root)[1]) == [OWNERLESS_KPI001, ("YML001", "models/zero.yml", 1, 1)]


def test_a_schema_file_over_8_mb_is_a_finding_not_read(project, run_cli: Run) -> None:
    root = project({"models/huge.yml": b"# " + b"x" * (8 * 1024 * 1024)})

    assert check(run_cli, root)[1][0] == (
        "YML001",
        "models/huge.yml",
        1,
        1,
        "file is 8.1 MB, more than the 8 MB dbt-kpi-lint reads from one YAML file: split it into smaller files",
    )


def test_a_fifo_as_the_manifest_is_a_one_line_error_not_a_hang(project, run_cli: Run) -> None:
    root = project({})
    (root / "target").mkdir()
    os.mkfifo(root / "target/manifest.json")

    assert one_line_error(run_cli, root, "--manifest", "target/manifest.json") == (
        "target/manifest.json: cannot read: not a regular file (a FIFO, a device or a socket)"
    )


def test_a_fifo_as_the_baseline_is_a_one_line_error_not_a_hang(project, run_cli: Run) -> None:
    root = project({})
    os.mkfifo(root / "kpi-baseline.json")

    assert one_line_error(run_cli, root, "--baseline", "kpi-baseline.json") == (
        "kpi-baseline.json: cannot read baseline: not a regular file (a FIFO, a device or a socket)"
    )


def test_a_fifo_as_dbtignore_is_a_one_line_error_not_a_hang(project, run_cli: Run) -> None:
    root = project({})
    os.mkfifo(root / ".dbtignore")

    assert one_line_error(run_cli, root) == ".dbtignore: cannot read: not a regular file (a FIFO, a device or a socket)"
