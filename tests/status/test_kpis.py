"""The status step reads KPIs with the linter: same KPIs, same fields, unusable values left out."""

from __future__ import annotations

from dbt_kpi_lint.status.kpis import project_kpi_specs
from dbt_kpi_lint.status.spec import KpiSpec

METRIC = """\
  - name: {name}
    label: {name}
    type: simple
    type_params: {{measure: m}}
    config:
      group: growth
      meta: {{kpi: true, objective: grow, indicator: leading, {meta}}}
"""


def project_with(make_project, **metas: str):
    body = "".join(METRIC.format(name=name, meta=meta) for name, meta in metas.items())
    groups = "groups:\n  - name: growth\n    owner: {email: growth@example.com}\n"
    return make_project({"models/m.yml": "metrics:\n" + body, "models/groups.yml": groups})


def test_complete_kpi_becomes_a_spec_with_its_group_owner(make_project):
    root = project_with(make_project, good="target: 10, direction: decrease, grain: week, at_risk_band: 0.2")
    assert project_kpi_specs(root) == [
        KpiSpec(metric="good", label="good", owner="growth@example.com", objective="grow", indicator="leading",
                direction="decrease", target=10.0, at_risk_band=0.2, grain="week", lint_codes=())
    ]


def test_values_the_status_cannot_use_are_dropped_and_their_lint_codes_kept(make_project):
    root = project_with(make_project, odd="target: lots, direction: Increase, grain: weekly, at_risk_band: -1")
    [spec] = project_kpi_specs(root)
    assert (spec.target, spec.direction, spec.grain, spec.at_risk_band) == (None, None, "month", 0.1)
    assert spec.lint_codes == ("KPI003", "KPI004", "KPI009")


def test_quoted_number_target_is_used(make_project):
    root = project_with(make_project, quoted='target: "1000", direction: increase')
    [spec] = project_kpi_specs(root)
    assert (spec.target, spec.lint_codes) == (1000.0, ("KPI004",))


def test_cli_vars_reach_the_target(make_project):
    root = project_with(make_project, varied="target: \"{{ var('t') }}\", direction: increase")
    [spec] = project_kpi_specs(root, cli_vars={"t": 42})
    assert spec.target == 42.0


def test_lint_codes_follow_the_project_configuration(make_project):
    root = project_with(make_project, odd="target: lots, direction: increase")
    (root / ".dbt-kpi-lint.toml").write_text('ignore = ["KPI004"]\n')
    [spec] = project_kpi_specs(root)
    assert spec.lint_codes == ()


def test_manifest_values_are_used_when_given(make_project, tmp_path):
    import json

    root = project_with(make_project, from_dbt="target: 5, direction: increase")
    # What dbt would have rendered for an env_var() target the YAML reader cannot evaluate.
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop"},
        "metrics": {
            "metric.shop.from_dbt": {
                "name": "from_dbt", "package_name": "shop", "original_file_path": "models/m.yml",
                "label": "from_dbt", "type": "simple", "type_params": {"measure": {"name": "m"}},
                "meta": {}, "config": {"enabled": True, "group": "growth", "meta": {
                    "kpi": True, "objective": "grow", "indicator": "leading", "target": 7, "direction": "increase"}},
            }
        },
        "groups": {"group.shop.growth": {"name": "growth", "package_name": "shop", "original_file_path": "models/groups.yml",
                                         "owner": {"email": "growth@example.com"}}},
        "semantic_models": {}, "disabled": {},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    [spec] = project_kpi_specs(root, manifest=path)
    assert (spec.target, spec.owner) == (7.0, "growth@example.com")


def test_status_spec_and_rules_accept_the_same_spellings():
    from dbt_kpi_lint.rules.meta_values import DIRECTIONS as RULE_DIRECTIONS
    from dbt_kpi_lint.rules.meta_values import GRAINS as RULE_GRAINS
    from dbt_kpi_lint.status.spec import DIRECTIONS, GRAINS

    assert (RULE_DIRECTIONS.allowed, RULE_GRAINS.allowed) == (DIRECTIONS, GRAINS)
