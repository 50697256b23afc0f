"""Grafana provisioning: every dashboard is well-formed and reads the provisioned Prometheus datasource."""

import json

import yaml

from tests.conftest import ROOT

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
            assert panel["targets"] and all(t["expr"].strip() for t in panel["targets"])
    assert {"wirewatch-pipeline", "wirewatch-ingest", "wirewatch-alerting", "wirewatch-news"} <= set(uids)
    assert len(uids) == len(set(uids))


def test_dashboard_provider_points_where_compose_mounts_the_dashboards():
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "wirewatch.yml").read_text())["providers"][0]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
