"""Grafana provisioning and alert rules: every dashboard is well-formed, reads the provisioned Prometheus
datasource, and asks only for metrics and labels the services export (so a renamed metric fails here)."""

import json
import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT
from tests.support.metric_names import TARGET_LABELS, dashboard_queries, exported_labels, rule_queries

GRAFANA = ROOT / "deploy" / "grafana"


def test_dashboards_use_the_provisioned_datasource_and_have_unique_ids():
    datasource = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"][0]
    uids = []
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        dashboard = json.loads(path.read_text())
        uids.append(dashboard["uid"])
        panel_ids = [p["id"] for p in dashboard["panels"]]
        assert len(panel_ids) == len(set(panel_ids)), f"{path.name}: duplicate panel ids"
        for panel in dashboard["panels"]:
            assert panel["datasource"]["uid"] == datasource["uid"], f"{path.name}: {panel['title']}"
            for target in panel["targets"]:
                assert target.get("datasource", panel["datasource"])["uid"] == datasource["uid"], f"{path.name}: {panel['title']}"
            assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
    assert {"wirewatch-pipeline", "wirewatch-ingest", "wirewatch-alerting", "wirewatch-news"} <= set(uids)
    assert len(uids) == len(set(uids))


def test_dashboard_provider_points_where_compose_mounts_the_dashboards():
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "wirewatch.yml").read_text())["providers"][0]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts


METRIC = re.compile(r"\b((?:wirewatch|faust)_[a-z_]+|up)\b(?!\s*\()")
# Label names a query uses: in a matcher `{a="…", b!~"…"}`, or grouping `by (a, b)` / `without (a)`.
MATCHER_LABEL = re.compile(r"[{,]\s*([a-z_]+)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")


def used_labels(expr: str) -> set[str]:
    grouped = {label.strip() for group in GROUPING.findall(expr) for label in group.split(",") if label.strip()}
    return set(MATCHER_LABEL.findall(expr)) | grouped


@pytest.mark.parametrize("where,expr", dashboard_queries() + rule_queries())
def test_every_panel_and_alert_rule_names_metrics_and_labels_the_services_export(where, expr):
    exported = exported_labels()
    names = set(METRIC.findall(expr))
    assert names, f"{where}: no metric in {expr}"
    unknown = sorted(names - set(exported))
    assert not unknown, f"{where}: no service exports {unknown}"
    labels = set().union(*(exported[n] for n in names)) | TARGET_LABELS
    never_set = sorted(used_labels(expr) - labels)
    assert not never_set, f"{where}: no metric of {sorted(names)} has the label(s) {never_set}"


def panels():
    for path in sorted((GRAFANA / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            yield f"{path.stem}: {panel['title']}", panel


def test_every_panel_unit_says_what_its_title_promises():
    # Grafana unit ids: ops and Bps are per second, s seconds, m minutes, percentunit a 0–1 ratio.
    promises = [("per second", {"ops", "Bps"}), ("latency", {"s"}), ("time per message", {"s"}), ("minutes", {"m"}),
                ("ratio", {"percentunit"}), ("per minute", {"short"}), ("per hour", {"short"})]
    wrong = []
    for where, panel in panels():
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
        for words, units in promises:
            if words in panel["title"].lower() and unit not in units:
                wrong.append(f"{where}: unit {unit!r}, title says {words!r}")
        if " by " in panel["title"] and panel["type"] == "timeseries":
            assert all("{{" in t.get("legendFormat", "") for t in panel["targets"]), f"{where}: series named by no label"
    assert not wrong, "\n".join(wrong)


def test_target_ref_ids_are_unique_within_a_panel():
    for where, panel in panels():
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), f"{where}: duplicate refId"


FAILING_FEEDS = """
rule_files: [panel.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      # "gone" was disabled by a 410 after one failure; "ledger" failed 12 times in a row but ingest runs with
      # WIREWATCH_INGEST__FAILING_AFTER=30 (feeds status: not failing); "gazette", on another worker, failed 5 times.
      - {series: 'wirewatch_feed_consecutive_failures{feed="gone",instance="a"}', values: '1x5'}
      - {series: 'wirewatch_feed_failing{feed="gone",instance="a"}', values: '1x5'}
      - {series: 'wirewatch_feed_consecutive_failures{feed="ledger",instance="a"}', values: '12x5'}
      - {series: 'wirewatch_feed_failing{feed="ledger",instance="a"}', values: '0x5'}
      - {series: 'wirewatch_feed_consecutive_failures{feed="gazette",instance="b"}', values: '5x5'}
      - {series: 'wirewatch_feed_failing{feed="gazette",instance="b"}', values: '1x5'}
      # "quay", failing 7 times in a row, moves from worker a to worker b: a lets go of it at 2m, b exports it from 5m.
      - {series: 'wirewatch_feed_consecutive_failures{feed="quay",instance="a"}', values: '7x2 stale'}
      - {series: 'wirewatch_feed_failing{feed="quay",instance="a"}', values: '1x2 stale'}
      - {series: 'wirewatch_feed_consecutive_failures{feed="quay",instance="b"}', values: '_x5 8'}
      - {series: 'wirewatch_feed_failing{feed="quay",instance="b"}', values: '_x5 1'}
    promql_expr_test:
      - expr: failing_feeds_panel
        eval_time: 3m
        exp_samples:
          - {labels: 'failing_feeds_panel{feed="gazette"}', value: 5}
          - {labels: 'failing_feeds_panel{feed="gone"}', value: 1}
          - {labels: 'failing_feeds_panel{feed="quay"}', value: 7}
"""


def test_the_failing_feeds_panel_lists_the_feeds_feeds_status_calls_failing_with_their_failures(tmp_path):
    """As WirewatchFeedFailing does: a feed disabled by a 410 after one failure is listed, one failing less often in a
    row than FAILING_AFTER is not (whatever the setting is), and a failing feed stays listed while it moves between
    workers and neither exports it."""
    panel = next(p for where, p in panels() if where.startswith("ingest: Failing feeds"))
    rule = {"groups": [{"name": "panel", "rules": [{"record": "failing_feeds_panel", "expr": panel["targets"][0]["expr"]}]}]}
    (tmp_path / "panel.yml").write_text(yaml.safe_dump(rule))
    (tmp_path / "panel_test.yml").write_text(FAILING_FEEDS)
    binary = shutil.which("promtool")
    assert binary, "promtool is not installed (make setup installs Debian's prometheus)"
    result = subprocess.run([binary, "test", "rules", str(tmp_path / "panel_test.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
