"""Metrics of the newsroom service (the shared per-stage ones are in services/runtime/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = ["STORE_WRITES", "STORE_ROWS", "HTTP_SECONDS", "SSE_CLIENTS", "PRUNED"]

STORE_WRITES = Counter(
    "wirewatch_newsroom_writes_total",
    "Messages written to the newsroom store, by kind (article, alert) and outcome (inserted, updated, unchanged, stale).",
    ["kind", "outcome"],
)
STORE_ROWS = Gauge("wirewatch_newsroom_rows", "Rows in the newsroom store, by table.", ["table"])
HTTP_SECONDS = Histogram(
    "wirewatch_newsroom_http_seconds", "Time the newsroom took to answer a request, by route.", ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5),
)
SSE_CLIENTS = Gauge("wirewatch_newsroom_live_clients", "Pages connected for live updates (Server-Sent Events).")
PRUNED = Counter("wirewatch_newsroom_pruned_total", "Rows deleted by the retention period, by kind.", ["kind"])
