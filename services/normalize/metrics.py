"""Prometheus metrics of the normalize service (beside the shared ones in services/runtime/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter

__all__ = ["FUTURE_PUBLICATIONS"]

FUTURE_PUBLICATIONS = Counter(
    "wirewatch_future_publications_total",
    "Articles whose claimed publication time lay in the future (past the tolerance) and were placed at their receipt time, by feed.",
    ["feed"],
)
