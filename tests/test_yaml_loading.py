"""What the YAML loader must get right: which files, which spec, which meta, which positions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from conftest import CliResult

REVENUE_KPI = """\
    metrics:
      - name: revenue
        label: Revenue
        type: simple
        type_params: {measure: revenue}
        config:
          meta: {kpi: true, owner: fin@example.com, target: 100, direction: increase, objective: break_even, indicator: leading}
"""

SIGNUPS = """\
    metrics:
      - name: signups
        label: Signups
        type: simple
        type_params: {measure: signups}
"""

LIFETIME_CUSTOMERS = """\
    metrics:
      - name: lifetime_customers
        label: Customers ever
        type: cumulative
        type_params:
          measure: customers
"""


def findings(result: CliResult) -> list[tuple[str, str, str, int, int]]:
    return [
        (item["code"], item["metric"], item["path"], item["line"], item["column"])
        for item in json.loads(result.stdout)
    ]


def check_json(run_cli: Callable[..., CliResult], root: Path, *args: str) -> list[tuple[str, str, str, int, int]]:
    return findings(run_cli("check", "--format", "json", *args, cwd=root))


def test_reads_yaml_under_default_model_path_only_outside_target_packages_and_logs(make_project, run_cli):
    root = make_project(
        {
            "models/finance/metrics.yml": LIFETIME_CUSTOMERS,
            "target/compiled.yml": LIFETIME_CUSTOMERS,
            "dbt_packages/pkg/models/m.yml": LIFETIME_CUSTOMERS,
            "logs/m.yml": LIFETIME_CUSTOMERS,
            "other/m.yml": LIFETIME_CUSTOMERS,
        }
    )
    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "models/finance/metrics.yml", 2, 5)]


def test_reads_yaml_under_configured_model_paths(make_project, run_cli):
    project_file = 'name: shop\nconfig-version: 2\nmodel-paths: ["semantic"]\n'
    root = make_project({"semantic/m.yaml": LIFETIME_CUSTOMERS, "models/m.yml": LIFETIME_CUSTOMERS}, project_file)
    assert check_json(run_cli, root) == [("VAN001", "lifetime_customers", "semantic/m.yaml", 2, 5)]


def test_files_on_the_command_line_limit_reporting_but_not_knowledge(make_project, run_cli):
    root = make_project(
        {
            "models/base.yml": LIFETIME_CUSTOMERS,
            "models/revenue.yml": "metrics:\n  - {name: revenue, label: Revenue, type: simple, type_params: {measure: revenue}}\n",
            "models/derived.yml": """\
                metrics:
                  - name: revenue_per_customer_ever
                    label: Revenue per customer ever
                    type: ratio
                    type_params:
                      numerator: revenue
                      denominator: lifetime_customers
            """,
        }
    )
    assert check_json(run_cli, root, "models/derived.yml") == [
        ("VAN002", "revenue_per_customer_ever", "models/derived.yml", 7, 7)
    ]


def test_legacy_window_spellings_bound_a_cumulative_metric(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": """\
                metrics:
                  - name: trailing_customers
                    label: Customers, trailing 28 days
                    type: cumulative
                    type_params: {measure: customers, window: 28 days}
                  - name: customers_mtd
                    label: Customers MTD
                    type: cumulative
                    type_params: {measure: customers, grain_to_date: month}
                  - name: customers_wtd
                    label: Customers WTD
                    type: cumulative
                    type_params:
                      measure: customers
                      cumulative_type_params: {grain_to_date: week}
            """
        }
    )
    assert check_json(run_cli, root, "--ignore", "DEP001") == []


def test_latest_spec_metrics_under_a_model_and_at_top_level(make_project, run_cli):
    root = make_project(
        {
            "models/orders.yml": """\
                models:
                  - name: orders
                    semantic_model:
                      enabled: true
                    columns:
                      - name: order_id
                    metrics:
                      - name: order_count
                        type: simple
                        agg: count
                        expr: order_id
                      - name: orders_ever
                        type: cumulative
                        input_metric: order_count
                      - name: orders_last_7_days
                        type: cumulative
                        input_metric: order_count
                        window: 7 days
                metrics:
                  - name: orders_ever_doubled
                    type: derived
                    expr: orders_ever * 2
                    input_metrics:
                      - name: orders_ever
            """
        }
    )
    assert check_json(run_cli, root) == [
        ("VAN001", "orders_ever", "models/orders.yml", 12, 9),
        ("VAN002", "orders_ever_doubled", "models/orders.yml", 24, 9),
    ]


def test_top_level_meta_marks_a_kpi_when_config_meta_is_empty(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": SIGNUPS + "        meta: {kpi: true, target: 10}\n"
        }
    )
    assert check_json(run_cli, root, "--select", "KPI001,KPI002") == [("KPI001", "signups", "models/m.yml", 2, 5)]


def test_non_empty_config_meta_replaces_top_level_meta_as_dbt_does(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": SIGNUPS + "        meta: {owner: growth@example.com, target: 10}\n        config:\n          meta: {kpi: true}\n"
        }
    )
    assert [code for code, *_ in check_json(run_cli, root, "--select", "KPI001,KPI002")] == ["KPI001", "KPI002"]


def test_project_level_meta_replaces_top_level_meta_too(make_project, run_cli):
    project_file = "name: shop\nconfig-version: 2\nmetrics:\n  +meta:\n    domain: sales\n"
    root = make_project(
        {
            "models/m.yml": SIGNUPS + "        meta: {kpi: true}\n"
        },
        project_file,
    )
    assert check_json(run_cli, root, "--ignore", "META001") == []


def test_project_level_meta_on_a_subdirectory_reaches_its_metrics(make_project, run_cli):
    project_file = "name: shop\nconfig-version: 2\nmetrics:\n  shop:\n    finance:\n      +meta:\n        kpi: true\n"
    root = make_project(
        {
            "models/finance/m.yml": REVENUE_KPI.replace("meta: {kpi: true, ", "meta: {"),
            "models/other/m.yml": REVENUE_KPI.replace("revenue", "bookings").replace("kpi: true, owner: fin@example.com, ", ""),
        },
        project_file,
    )
    assert check_json(run_cli, root) == []
    assert run_cli("check", cwd=root).stdout.endswith("2 metrics (1 KPI).\n")


def test_project_level_enabled_false_disables_metrics(make_project, run_cli):
    project_file = "name: shop\nconfig-version: 2\nmetrics:\n  shop:\n    legacy:\n      +enabled: false\n"
    root = make_project({"models/legacy/m.yml": LIFETIME_CUSTOMERS}, project_file)
    assert check_json(run_cli, root) == []


def test_disabled_metric_is_skipped(make_project, run_cli):
    root = make_project({"models/m.yml": LIFETIME_CUSTOMERS + "        config: {enabled: false}\n"})
    assert check_json(run_cli, root) == []


def test_group_declared_in_another_file_owns_its_kpis(make_project, run_cli):
    root = make_project(
        {
            "models/groups.yml": """\
                groups:
                  - name: finance
                    owner: {name: Finance team, email: finance@example.com}
            """,
            "models/m.yml": REVENUE_KPI.replace("owner: fin@example.com, ", "").replace(
                "config:\n", "config:\n          group: finance\n"
            ),
        }
    )
    assert check_json(run_cli, root) == []


def test_project_level_group_gives_an_owner(make_project, run_cli):
    project_file = "name: shop\nconfig-version: 2\nmetrics:\n  +group: finance\n"
    root = make_project(
        {
            "models/groups.yml": "groups:\n  - name: finance\n    owner: {name: Finance team}\n",
            "models/m.yml": REVENUE_KPI.replace("owner: fin@example.com, ", ""),
        },
        project_file,
    )
    assert check_json(run_cli, root) == []


def test_group_without_owner_does_not_own(make_project, run_cli):
    root = make_project(
        {
            "models/groups.yml": "groups:\n  - name: finance\n",
            "models/m.yml": REVENUE_KPI.replace("owner: fin@example.com, ", "").replace(
                "config:\n", "config:\n          group: finance\n"
            ),
        }
    )
    assert check_json(run_cli, root) == [("KPI001", "revenue", "models/m.yml", 2, 5)]


def test_yaml_one_point_one_booleans_mark_kpis(make_project, run_cli):
    metric = "  - name: m_{n}\n    label: M\n    type: simple\n    config: {{meta: {{kpi: {flag}, target: 1}}}}\n"
    body = "metrics:\n" + "".join(metric.format(n=n, flag=flag) for n, flag in enumerate(["yes", "on", "True", "no"]))
    root = make_project({"models/m.yml": body})
    assert [metric for _, metric, *_ in check_json(run_cli, root, "--select", "KPI001,KPI002")] == ["m_0", "m_1", "m_2"]


def test_a_kpi_mapping_marks_a_kpi_and_holds_its_fields(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": """\
                metrics:
                  - name: revenue
                    label: Revenue
                    type: simple
                    type_params: {measure: revenue}
                    config:
                      meta:
                        kpi: {owner: fin@example.com}
            """
        }
    )
    assert check_json(run_cli, root, "--select", "KPI001,KPI002") == [("KPI002", "revenue", "models/m.yml", 2, 5)]


def project_with_owner(make_project, owner: str, project_vars: str = ""):
    """REVENUE_KPI with `owner: <owner>` and `vars:` lines (indented two spaces) in dbt_project.yml."""
    project_file = "name: shop\nconfig-version: 2\n" + (f"vars:\n{project_vars}" if project_vars else "")
    return make_project({"models/m.yml": REVENUE_KPI.replace("owner: fin@example.com", f"owner: {owner}")}, project_file)


OWNER_VAR = "\"{{ var('revenue_owner') }}\""


def test_var_in_meta_resolves_from_project_vars(make_project, run_cli):
    root = project_with_owner(make_project, OWNER_VAR, "  revenue_owner: fin@example.com\n")
    assert check_json(run_cli, root) == []


def test_var_that_resolves_to_nothing_is_missing(make_project, run_cli):
    root = project_with_owner(make_project, OWNER_VAR, "  revenue_owner: null\n")
    assert [code for code, *_ in check_json(run_cli, root)] == ["KPI001"]


def test_cli_vars_override_project_vars(make_project, run_cli):
    root = project_with_owner(make_project, OWNER_VAR, "  revenue_owner: ''\n")
    assert check_json(run_cli, root, "--vars", "{revenue_owner: cfo@example.com}") == []


def test_package_scoped_var_wins_over_global_var(make_project, run_cli):
    root = project_with_owner(make_project, OWNER_VAR, "  revenue_owner: ''\n  shop:\n    revenue_owner: fin@example.com\n")
    assert check_json(run_cli, root) == []


def test_unknown_jinja_counts_as_present(make_project, run_cli):
    root = project_with_owner(make_project, "\"{{ env_var('REVENUE_OWNER') }}\"")
    assert check_json(run_cli, root) == []


def test_positions_point_at_the_name_entry_in_flow_and_block_style(make_project, run_cli):
    root = make_project(
        {
            "models/m.yml": """\
                version: 2

                metrics:
                  - {name: a_ever, label: A, type: cumulative, type_params: {measure: a}}
                  -   label: B
                      name: b_ever
                      type: cumulative
                      type_params: {measure: b}
            """
        }
    )
    assert check_json(run_cli, root) == [
        ("VAN001", "a_ever", "models/m.yml", 4, 6),
        ("VAN001", "b_ever", "models/m.yml", 6, 7),
    ]
