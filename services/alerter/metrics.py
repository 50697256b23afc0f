"""Prometheus metrics of the alerter beyond the shared ones in services/runtime/metrics.py.

Labels are bounded by the rules file: a rule id, an endpoint name, an outcome or kind.
"""

from __future__ import annotations

from typing import get_args

from prometheus_client import Counter, Gauge, Histogram

from schemas import Alert
from services.alerter.rulebook import RuleBook
from services.runtime.metrics import ALERTS_FIRED, ALERTS_SUPPRESSED, WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERIES

__all__ = [
    "ALERTS_ROUTED", "RULE_EVALUATION_SECONDS", "RULES_RELOADS", "RULES_LOADED", "ALERTS_SENT", "ENDPOINTS_DISABLED",
    "zero_rulebook_series",
]

RULE_EVALUATION_SECONDS = Histogram(
    "wirewatch_alerter_rule_evaluation_seconds",
    "Time to evaluate every rule against one article.",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
RULES_RELOADS = Counter(
    "wirewatch_alerter_rules_reloads_total", "Rules file reloads by outcome (reloaded, invalid).", ["outcome"]
)
RULES_LOADED = Gauge("wirewatch_alerter_rules", "Rules in the rulebook in use (enabled or not).")
ALERTS_SENT = Counter(
    "wirewatch_alerter_alerts_total", "Alerts written to the alerts topic, by rule and kind (fired, follow-up, repeat).",
    ["rule", "kind"],
)
ALERTS_ROUTED = Counter(
    "wirewatch_alerter_routed_total",
    "Matches decided under an earlier id of their story (a story merged into it, whose key had fired), by rule.", ["rule"],
)
ENDPOINTS_DISABLED = Gauge(
    "wirewatch_webhook_endpoints_disabled", "1 for an endpoint disabled by an HTTP 410, by endpoint.", ["endpoint"]
)


def zero_rulebook_series(book: RuleBook) -> None:
    """Export every rule's and endpoint's series at 0 before its first event (an endpoint already disabled keeps its 1).

    A labelled counter is otherwise born at its first increment, and Prometheus' increase() sees nothing in a series
    that starts at 1: a rule's first alert, an endpoint's first failed delivery, would show as 0 and alert no one.
    """
    for rule in book.rules:
        ALERTS_FIRED.labels(rule.id)
        ALERTS_SUPPRESSED.labels(rule.id)
        ALERTS_ROUTED.labels(rule.id)
        for kind in get_args(Alert.model_fields["kind"].annotation):
            ALERTS_SENT.labels(rule.id, kind)
    for name in book.webhooks:
        WEBHOOK_ATTEMPTS.labels(name)
        ENDPOINTS_DISABLED.labels(name)
        for outcome in ("delivered", "failed", "disabled"):
            WEBHOOK_DELIVERIES.labels(name, outcome)
