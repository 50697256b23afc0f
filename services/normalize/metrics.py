"""Prometheus metrics of the normalize service (beside the shared ones in services/runtime/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter

__all__ = ["CHANGES", "FUTURE_PUBLICATIONS"]

FUTURE_PUBLICATIONS = Counter(
    "wirewatch_future_publications_total",
    "Articles whose claimed publication time lay in the future (past the tolerance) and were placed at their receipt time, by feed.",
    ["feed"],
)

CHANGES = Counter(
    "wirewatch_normalize_changes_total",
    "Edits the normalizer made (an article's Change records), by kind (unicode, boilerplate, translation, repair, "
    "date...) and rule: how often each machine-translation repair fires, so a rule that starts firing everywhere shows.",
    ["kind", "rule"],
)
