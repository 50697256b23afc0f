"""What a scrape of a worker can hold: every sample name with its label names, and the queries deploy/ makes of them."""

from __future__ import annotations

import json

import yaml
from faust.sensors.prometheus import FaustMetrics
from prometheus_client import REGISTRY, CollectorRegistry

# Importing the agents registers every metric a service defines.
import services.alerter.agent  # noqa: F401
import services.ingest.agent  # noqa: F401
import services.newsroom.metrics  # noqa: F401
import services.normalize.agent  # noqa: F401
import services.runtime.health  # noqa: F401
import services.runtime.produce_guard  # noqa: F401
import services.runtime.recovery  # noqa: F401
import services.tagger.agent  # noqa: F401
from tests.conftest import ROOT

__all__ = ["DASHBOARDS", "RULES", "TARGET_LABELS", "dashboard_queries", "exported_labels", "rule_queries"]

DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = ROOT / "deploy" / "prometheus" / "rules.yml"
# Labels Prometheus adds to every scraped series (`service` by deploy/prometheus/prometheus.yml's relabelling).
TARGET_LABELS = {"job", "instance", "service"}


def _labels(registry: CollectorRegistry, prefix: str) -> dict[str, set[str]]:
    found = {}
    for name, collector in registry._names_to_collectors.items():  # every sample name: _total, _bucket, _sum…
        if name.startswith(prefix):
            found[name] = set(collector._labelnames) | ({"le"} if name.endswith("_bucket") else set())
    return found


def exported_labels() -> dict[str, set[str]]:
    """Sample name → its label names: wirewatch's metrics, Faust's sensor's (prefix ``faust``), and ``up``."""
    faust = CollectorRegistry()
    FaustMetrics.create(faust, "faust")
    return _labels(REGISTRY, "wirewatch_") | _labels(faust, "faust_") | {"up": set()}


def dashboard_queries() -> list[tuple[str, str]]:
    """(where, PromQL) of every panel target of every dashboard."""
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                found.append((f"{path.stem}: {panel['title']}", target["expr"]))
    return found


def rule_queries() -> list[tuple[str, str]]:
    """(alert name, PromQL) of every operator alert rule."""
    doc = yaml.safe_load(RULES.read_text())
    return [(rule["alert"], rule["expr"]) for group in doc["groups"] for rule in group["rules"]]
