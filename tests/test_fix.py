"""`check --fix` / `--diff`: move what dbt drops or will refuse, and leave every other byte alone."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from conftest import CliResult, run_dbt
from hostile_yaml import ALIAS_BOMB, indented

from dbt_kpi_lint.config.settings import Settings
from dbt_kpi_lint.fix import moves as fix_module
from dbt_kpi_lint.fix.moves import plan_fixes, write_fix
from dbt_kpi_lint.lint.engine import lint
from dbt_kpi_lint.loading.yaml_loader import load_project
from dbt_kpi_lint.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"

_REVENUE_HEAD = """\
metrics:
  # Revenue, the one number finance reports.
  - name: revenue
    label: "Revenue"
    type: simple
    type_params: {measure: revenue}
"""
_REVENUE_TAIL = """\
    description: >
      Net of refunds.

  - name: orders
    label: Orders
    type: simple
    type_params: {measure: orders}
"""
# Everything around the meta block is the same text before and after the fix.
OLD_STYLE_KPI = _REVENUE_HEAD + """\
    meta:   # KPI fields, older style
      kpi: true
      # who answers for it
      owner: 'finance@example.com'
      target: 100_000   # yearly
""" + _REVENUE_TAIL
OLD_STYLE_KPI_FIXED = _REVENUE_HEAD + """\
    config:
      meta:  # KPI fields, older style
        kpi: true
        # who answers for it
        owner: 'finance@example.com'
        target: 100_000   # yearly
""" + _REVENUE_TAIL


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """A dbt project whose files are written byte for byte (no dedent, no newline translation)."""

    def make(files: dict[str, bytes | str], project_file: str = "name: shop\nprofile: shop\n") -> Path:
        root = tmp_path / "project"
        for relative, content in {"dbt_project.yml": project_file, **files}.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        return root

    return make


def run_fix(run_cli: Callable[..., CliResult], root: Path, *args: str) -> CliResult:
    return run_cli("check", "--fix", "--select", "META001,META002,DEP001,KPI001,KPI002", *args, cwd=root)


def test_fix_moves_top_level_meta_under_a_new_config_and_keeps_every_other_byte(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == OLD_STYLE_KPI_FIXED


def test_fix_changes_nothing_outside_the_moved_block(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    run_fix(run_cli, root)
    before = OLD_STYLE_KPI.encode().splitlines(keepends=True)
    after = (root / "models/m.yml").read_bytes().splitlines(keepends=True)
    # Lines 7-11 (the `meta:` block) became lines 7-12; everything around them is untouched.
    assert (after[:6], after[12:]) == (before[:6], before[11:])


def test_fix_reports_what_remains_and_exits_on_it(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    result = run_fix(run_cli, root)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "All checks passed: 2 metrics (1 KPI).\n",
        "Fixed 1 finding in 1 file.\n",
    )


def test_fix_appends_meta_to_an_existing_config_block(project, run_cli) -> None:
    root = project(
        {
            "models/m.yml": (
                "metrics:\n"
                "  - name: orders\n"
                "    type: simple\n"
                "    type_params: {measure: orders}\n"
                '    meta: {kpi: yes, owner: "ops@example.com", target: 5}\n'
                "    config:\n"
                "      group: ops   # the ops team\n"
                "  - name: next\n"
            )
        }
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n"
        "  - name: orders\n"
        "    type: simple\n"
        "    type_params: {measure: orders}\n"
        "    config:\n"
        "      group: ops   # the ops team\n"
        "      meta:\n"
        "        kpi: yes\n"
        '        owner: "ops@example.com"\n'
        "        target: 5\n"
        "  - name: next\n"
    )


def test_fix_fills_an_empty_config_key(project, run_cli) -> None:
    root = project({"models/m.yml": "metrics:\n  - name: a\n    meta:\n      kpi: true\n    config:\n"})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == "metrics:\n  - name: a\n    config:\n      meta:\n        kpi: true\n"


def test_fix_moves_only_discarded_kpi_fields_into_a_non_empty_config_meta(project, run_cli) -> None:
    """`channel` is no KPI field (dbt already drops it); `owner` conflicts with config.meta: both stay."""
    root = project(
        {
            "models/m.yml": (
                "metrics:\n"
                "  - name: signups\n"
                "    type_params: {measure: signups}\n"
                "    meta:\n"
                "      kpi: true\n"
                "      owner: growth@example.com\n"
                "      channel: paid\n"
                "    config:\n"
                "      meta:\n"
                "        owner: cmo@example.com\n"
            )
        }
    )
    result = run_fix(run_cli, root, "--format", "json")
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n"
        "  - name: signups\n"
        "    type_params: {measure: signups}\n"
        "    meta:\n"
        "      owner: growth@example.com\n"
        "      channel: paid\n"
        "    config:\n"
        "      meta:\n"
        "        owner: cmo@example.com\n"
        "        kpi: true\n"
    )
    remaining = [(item["code"], item["line"], item["column"], item["message"]) for item in json.loads(result.stdout)]
    assert ("META001", 5, 7, (
        "dbt discards the top-level `meta` of `signups` because its `config.meta` is set, so dbt sees only "
        "`config.meta` (`owner`, `kpi`); delete the top-level `owner` (dbt uses `owner: cmo@example.com` from "
        "`config.meta`)"
    )) in remaining


def test_fix_moves_kpi_fields_discarded_because_of_project_meta(project, run_cli) -> None:
    root = project(
        {"models/m.yml": "metrics:\n  - name: a\n    type_params: {measure: a}\n    meta:\n      kpi: true\n      note: old\n"},
        project_file="name: shop\nmetrics:\n  +meta: {domain: sales}\n",
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n  - name: a\n    type_params: {measure: a}\n    meta:\n      note: old\n    config:\n      meta:\n"
        "        kpi: true\n"
    )


def test_fix_nests_legacy_window_under_a_new_cumulative_type_params(project, run_cli) -> None:
    root = project(
        {
            "models/m.yml": (
                "metrics:\n"
                "  - name: orders_7d\n"
                "    type: cumulative\n"
                "    type_params:\n"
                "      window: 7 days   # trailing week\n"
                "      measure: orders\n"
            )
        }
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n"
        "  - name: orders_7d\n"
        "    type: cumulative\n"
        "    type_params:\n"
        "      cumulative_type_params:\n"
        "        window: 7 days   # trailing week\n"
        "      measure: orders\n"
    )


def test_fix_nests_legacy_grain_to_date_into_existing_cumulative_type_params(project, run_cli) -> None:
    root = project(
        {
            "models/m.yml": (
                "metrics:\n"
                "  - name: revenue_mtd\n"
                "    type: cumulative\n"
                "    type_params:\n"
                "      measure: revenue\n"
                "      grain_to_date: month\n"
                "      cumulative_type_params:\n"
                "        period_agg: last\n"
            )
        }
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n"
        "  - name: revenue_mtd\n"
        "    type: cumulative\n"
        "    type_params:\n"
        "      measure: revenue\n"
        "      cumulative_type_params:\n"
        "        period_agg: last\n"
        "        grain_to_date: month\n"
    )


def test_fix_leaves_a_window_set_in_both_spellings_and_says_why(project, run_cli) -> None:
    text = (
        "metrics:\n"
        "  - name: a\n"
        "    type: cumulative\n"
        "    type_params:\n"
        "      measure: m\n"
        "      window: 7 days\n"
        "      cumulative_type_params:\n"
        "        window: 14 days\n"
    )
    root = project({"models/m.yml": text})
    result = run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == text
    assert result.stderr.splitlines()[0] == (
        "models/m.yml:6:7: DEP001 not fixed: `cumulative_type_params` already sets window; remove one of the two "
        "by hand"
    )


def test_fix_keeps_crlf_line_endings(project, run_cli) -> None:
    root = project({"models/m.yml": b"metrics:\r\n  - name: a\r\n    meta:\r\n      kpi: true\r\n"})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_bytes() == (
        b"metrics:\r\n  - name: a\r\n    config:\r\n      meta:\r\n        kpi: true\r\n"
    )


def test_fix_keeps_a_utf8_byte_order_mark_and_accents(project, run_cli) -> None:
    root = project({"models/m.yml": "\ufeffmetrics:\n  - name: a\n    meta:\n      owner: Éléonore\n".encode()})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_bytes() == (
        "\ufeffmetrics:\n  - name: a\n    config:\n      meta:\n        owner: Éléonore\n".encode()
    )


def test_fix_keeps_utf16_files_utf16(project, run_cli) -> None:
    root = project({"models/m.yml": "metrics:\n  - name: a\n    meta:\n      kpi: true\n".encode("utf-16")})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_bytes().decode("utf-16") == (
        "metrics:\n  - name: a\n    config:\n      meta:\n        kpi: true\n"
    )


def test_fix_keeps_a_missing_final_newline_missing(project, run_cli) -> None:
    root = project({"models/m.yml": "metrics:\n  - name: a\n    meta:\n      kpi: true"})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == "metrics:\n  - name: a\n    config:\n      meta:\n        kpi: true"


def test_fix_writes_atomically_keeping_the_file_mode_and_no_temporary_files(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    (root / "models/m.yml").chmod(0o640)
    run_fix(run_cli, root)
    assert (stat.S_IMODE((root / "models/m.yml").stat().st_mode), sorted(os.listdir(root / "models"))) == (
        0o640,
        ["m.yml"],
    )


def test_fix_through_a_symlink_edits_the_target_and_keeps_the_link(project, run_cli, tmp_path: Path) -> None:
    shared = tmp_path / "shared.yml"
    shared.write_text(OLD_STYLE_KPI)
    root = project({})
    (root / "models").mkdir()
    (root / "models/m.yml").symlink_to(shared)
    run_fix(run_cli, root)
    assert ((root / "models/m.yml").is_symlink(), shared.read_text()) == (True, OLD_STYLE_KPI_FIXED)


def test_fix_skips_findings_suppressed_by_noqa(project, run_cli) -> None:
    text = "metrics:\n  - name: a  # noqa: META001\n    type_params: {measure: a}\n    meta:\n      kpi: true\n"
    root = project({"models/m.yml": text})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == text


def test_fix_leaves_meta_that_does_not_start_its_line_and_says_why(project, run_cli) -> None:
    text = "metrics:\n  - meta: {kpi: true}\n    name: a\n    type_params: {measure: a}\n"
    root = project({"models/m.yml": text})
    result = run_fix(run_cli, root)
    assert ((root / "models/m.yml").read_text(), result.stderr.splitlines()[0]) == (
        text,
        "models/m.yml:2:12: META001 not fixed: `meta` does not start its line; move it by hand",
    )


def test_diff_prints_the_change_and_writes_nothing(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    result = run_cli("check", "--diff", cwd=root)
    assert (root / "models/m.yml").read_text() == OLD_STYLE_KPI
    assert (result.exit_code, result.stderr) == (1, "Would fix 1 finding in 1 file.\n")
    assert result.stdout == (
        "--- a/models/m.yml\n"
        "+++ b/models/m.yml\n"
        "@@ -4,11 +4,12 @@\n"
        '     label: "Revenue"\n'
        "     type: simple\n"
        "     type_params: {measure: revenue}\n"
        "-    meta:   # KPI fields, older style\n"
        "-      kpi: true\n"
        "-      # who answers for it\n"
        "-      owner: 'finance@example.com'\n"
        "-      target: 100_000   # yearly\n"
        "+    config:\n"
        "+      meta:  # KPI fields, older style\n"
        "+        kpi: true\n"
        "+        # who answers for it\n"
        "+        owner: 'finance@example.com'\n"
        "+        target: 100_000   # yearly\n"
        "     description: >\n"
        "       Net of refunds.\n"
        " \n"
    )


def test_diff_with_nothing_to_fix_prints_nothing_and_exits_0(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI_FIXED})
    result = run_cli("check", "--diff", cwd=root)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "Would fix 0 findings in 0 files.\n")


def test_fix_without_ruamel_is_a_clear_error(project, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ruamel", None)
    monkeypatch.setitem(sys.modules, "ruamel.yaml", None)
    root = project({"models/m.yml": OLD_STYLE_KPI})
    result = run_fix(run_cli, root)
    assert (result.exit_code, result.stderr, (root / "models/m.yml").read_text()) == (
        2,
        "dbt-kpi-lint: error: --fix and --diff need ruamel.yaml: pip install 'dbt-kpi-lint[fix]'\n",
        OLD_STYLE_KPI,
    )


def test_fix_with_a_manifest_is_an_error(project, run_cli) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    result = run_fix(run_cli, root, "--manifest", "target/manifest.json")
    assert (result.exit_code, result.stderr) == (
        2,
        "dbt-kpi-lint: error: --fix and --diff read and edit the YAML files; drop --manifest / --source\n",
    )


def test_lint_path_never_imports_ruamel(project) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    code = (
        "import sys; from dbt_kpi_lint.cli import main; main(['check', '--select', 'ALL', %r]); "
        "sys.stderr.write(str(any(name.startswith('ruamel') for name in sys.modules)))" % str(root)
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.stderr == "False"


@pytest.mark.skipif(not Path(sys.executable).with_name("dbt").exists(), reason="needs the `status` extra")
def test_fixed_projects_parse_in_dbt_with_the_kpi_fields_in_the_semantic_manifest(tmp_path: Path, run_cli) -> None:
    root = Path(shutil.copytree(FIXTURES / "projects/legacy_spec", tmp_path / "project"))
    run_fix(run_cli, root)
    parse = run_dbt(root, "parse", "--no-partial-parse")
    semantic = json.loads((root / "target/semantic_manifest.json").read_text())
    conversion = next(metric for metric in semantic["metrics"] if metric["name"] == "trial_conversion")
    assert conversion["config"]["meta"] == {"kpi": True, "owner": "growth@example.com", "target": 0.25}
    assert "MFCumulativeTypeParamsDeprecation" not in parse.stdout


def test_an_edit_that_would_mean_more_than_the_move_is_not_written(project, run_cli, monkeypatch) -> None:
    """The safety net: every edit is read back as dbt reads YAML before anything is written."""
    original_reindent = fix_module._reindent

    def reindent_with_a_stray_key(lines: list[str], *args: object) -> list[str]:
        return [*original_reindent(lines, *args), "        stray: 1\n"]

    monkeypatch.setattr(fix_module, "_reindent", reindent_with_a_stray_key)
    root = project({"models/m.yml": OLD_STYLE_KPI})
    result = run_fix(run_cli, root)
    assert ((root / "models/m.yml").read_text(), result.stderr.splitlines()[0]) == (
        OLD_STYLE_KPI,
        "models/m.yml:8:7: META001 not fixed: the edit would change more than the moved keys; left unchanged",
    )


def test_a_file_changed_between_planning_and_writing_is_not_overwritten(project) -> None:
    root = project({"models/m.yml": OLD_STYLE_KPI})
    loaded = load_project(root)
    plan = plan_fixes(loaded, lint(loaded, Settings(select=("META001",))), Settings().meta_keys)
    (root / "models/m.yml").write_text(OLD_STYLE_KPI + "# edited meanwhile\n")
    with pytest.raises(OSError, match="models/m.yml changed while fixing; run the fix again"):
        write_fix(plan.files[0])
    assert (root / "models/m.yml").read_text() == OLD_STYLE_KPI + "# edited meanwhile\n"


def test_fixable_codes_are_the_rules_declared_fixable() -> None:
    assert fix_module.FIXABLE_CODES == {code for code, rule in RULES.items() if rule.fixable} == {"META001", "META002", "DEP001", "KPI014"}


def test_a_rule_declared_fixable_without_an_edit_is_left_alone_and_says_why(project, monkeypatch) -> None:
    monkeypatch.setattr(fix_module, "FIXABLE_CODES", fix_module.FIXABLE_CODES | {"KPI003"})
    root = project({"models/m.yml": OLD_STYLE_KPI})
    loaded = load_project(root)

    plan = plan_fixes(loaded, lint(loaded, Settings(select=("KPI003",))), Settings().meta_keys)

    assert (plan.files, [(item.finding.code, item.reason) for item in plan.unfixed]) == (
        (),
        [("KPI003", "--fix has no edit for KPI003 yet")],
    )


ORDERS_HEAD = "metrics:\n  - name: orders\n    type: simple\n    type_params: {measure: orders}\n"
ORDERS_FIXED_HEAD = ORDERS_HEAD + "    config:\n      meta:\n"


def test_fix_keeps_a_comment_inside_a_flow_meta_at_the_end_of_its_key(project, run_cli) -> None:
    root = project({"models/m.yml": ORDERS_HEAD + "    meta: {kpi: true,  # promoted by the board\n      owner: ops@example.com}\n"})
    result = run_fix(run_cli, root)
    assert (result.stderr, (root / "models/m.yml").read_text()) == (
        "Fixed 1 finding in 1 file.\n",
        ORDERS_FIXED_HEAD + "        kpi: true  # promoted by the board\n        owner: ops@example.com\n",
    )


def test_fix_keeps_comments_of_their_own_lines_inside_a_flow_meta_on_lines_of_their_own(project, run_cli) -> None:
    root = project(
        {
            "models/m.yml": ORDERS_HEAD
            + "    meta:  # older style\n      {  # KPI fields\n      kpi: true,\n      # who answers for it\n"
            "      owner: ops@example.com,  # the ops team\n      target: 5}  # yearly\n"
        }
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == ORDERS_FIXED_HEAD.replace("meta:\n", "meta:  # yearly\n") + (
        "        # older style\n"
        "        # KPI fields\n"
        "        kpi: true\n"
        "        # who answers for it\n"
        "        owner: ops@example.com  # the ops team\n"
        "        target: 5\n"
    )


def test_fix_keeps_a_comment_inside_a_latest_spec_flow_meta(project, run_cli) -> None:
    """META002 moves the latest spec's top-level meta with the same machinery."""
    root = project(
        {
            "models/m.yml": "metrics:\n  - name: orders\n    type: simple\n    agg: count\n"
            "    meta: {kpi: true,  # promoted by the board\n      owner: ops@example.com}\n"
        }
    )
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == (
        "metrics:\n  - name: orders\n    type: simple\n    agg: count\n    config:\n      meta:\n"
        "        kpi: true  # promoted by the board\n        owner: ops@example.com\n"
    )


def test_fix_leaves_a_flow_meta_whose_comment_parts_a_key_from_its_value_and_says_why(project, run_cli) -> None:
    text = ORDERS_HEAD + "    meta: {kpi:  # promoted\n      true}\n"
    root = project({"models/m.yml": text})
    result = run_fix(run_cli, root)
    assert ((root / "models/m.yml").read_text(), result.stderr) == (
        text,
        "models/m.yml:5:12: META001 not fixed: a comment parts `kpi` from its value inside {...}; move it by hand\n"
        "Fixed 0 findings in 0 files.\n",
    )


def test_fix_moves_meta_and_the_legacy_window_of_a_metric_whose_name_is_not_first_in_one_run(project, run_cli) -> None:
    root = project(
        {
            "models/m.yml": (
                "metrics:\n"
                "  - type: cumulative\n"
                "    meta:\n"
                "      kpi: true\n"
                "    name: orders_7d\n"
                "    type_params:\n"
                "      window: 7 days\n"
                "      measure: orders\n"
            )
        }
    )
    result = run_fix(run_cli, root)
    assert (result.stderr, (root / "models/m.yml").read_text()) == (
        "Fixed 2 findings in 1 file.\n",
        "metrics:\n"
        "  - type: cumulative\n"
        "    config:\n"
        "      meta:\n"
        "        kpi: true\n"
        "    name: orders_7d\n"
        "    type_params:\n"
        "      cumulative_type_params:\n"
        "        window: 7 days\n"
        "      measure: orders\n",
    )


def test_fix_beside_an_alias_bomb_under_an_unrelated_key_reads_back_by_reference(project, run_cli) -> None:
    head = "anchors:\n" + indented(ALIAS_BOMB, 2) + "metrics:\n  - name: a\n    type_params: {measure: a}\n"
    root = project({"models/m.yml": head + "    meta:\n      kpi: true\n"})
    result = run_fix(run_cli, root)
    assert (result.stderr, (root / "models/m.yml").read_text()) == (
        "Fixed 1 finding in 1 file.\n",
        head + "    config:\n      meta:\n        kpi: true\n",
    )


def test_fix_keeps_a_comment_between_meta_and_its_first_key(project, run_cli) -> None:
    root = project({"models/m.yml": ORDERS_HEAD + "    meta:\n      # KPI fields, older style\n      kpi: true\n"})
    run_fix(run_cli, root)
    assert (root / "models/m.yml").read_text() == ORDERS_FIXED_HEAD + "        # KPI fields, older style\n        kpi: true\n"


# KPI014: misspelt keys ----------------------------------------------------------------------------

_MISSPELT = (
    "metrics:\n"
    "  - name: revenue\n"
    "    type: simple\n"
    "    type_params: {measure: revenue}\n"
    "    config:\n"
    "      meta:\n"
    "        kpi: true\n"
    "        \"ownr\": finance@example.com   # who answers for it\n"
    "        kpi_lint: {ignore: [KPI002, KPI006, KPI007]}\n"
)


def fix_keys(run_cli: Callable[..., CliResult], root: Path) -> CliResult:
    return run_cli("check", "--fix", "--select", "KPI014", cwd=root)


def test_fix_renames_a_misspelt_key_and_keeps_its_value_comment_and_every_other_byte(project, run_cli) -> None:
    root = project({"models/m.yml": _MISSPELT})

    result = fix_keys(run_cli, root)

    assert (root / "models/m.yml").read_text() == _MISSPELT.replace('"ownr"', "owner")
    assert (result.exit_code, result.stderr) == (0, "Fixed 1 finding in 1 file.\n")


def test_fix_renames_a_misspelt_key_inside_a_flow_kpi_mapping(project, run_cli) -> None:
    text = _MISSPELT.replace("        kpi: true\n", "        kpi: {taget: 100, direction: increase}\n")
    root = project({"models/m.yml": text})

    fix_keys(run_cli, root)

    assert (root / "models/m.yml").read_text() == text.replace("taget", "target").replace('"ownr"', "owner")


def test_fix_leaves_a_misspelt_key_set_in_dbt_project_yml_and_says_why(project, run_cli) -> None:
    text = _MISSPELT.replace("        \"ownr\": finance@example.com   # who answers for it\n", "")
    root = project(
        {"models/m.yml": text},
        project_file="name: shop\nprofile: shop\nmetrics:\n  +meta:\n    ownr: finance@example.com\n",
    )

    result = fix_keys(run_cli, root)

    assert (root / "models/m.yml").read_text() == text
    assert result.stderr.splitlines()[0] == (
        "dbt_project.yml:5:5: KPI014 not fixed: the key is set in dbt_project.yml for more metrics than `revenue`; "
        "rename it there"
    )
