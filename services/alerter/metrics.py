"""Prometheus metrics of the alerter beyond the shared ones in services/runtime/metrics.py.

Labels are bounded by the rules file: a rule id, an endpoint name, an outcome or kind. A rule's and an endpoint's
series are exported while the rulebook in use names them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import get_args

from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.metrics import MetricWrapperBase

from schemas import Alert
from services.alerter.rulebook import RuleBook
from services.alerter.webhooks import WebhookEndpoint
from services.runtime.metrics import (
    ALERTS_FIRED,
    ALERTS_SUPPRESSED,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_DELIVERY_SECONDS,
)

__all__ = [
    "ALERTS_ROUTED", "RULE_EVALUATION_SECONDS", "RULES_RELOADS", "RULES_LOADED", "ALERTS_SENT", "ENDPOINTS_DISABLED",
    "show_rulebook",
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


# The series labelled by a rule id, and by an endpoint name.
_RULE_SERIES: tuple[MetricWrapperBase, ...] = (ALERTS_FIRED, ALERTS_SUPPRESSED, ALERTS_ROUTED, ALERTS_SENT)
_ENDPOINT_SERIES: tuple[MetricWrapperBase, ...] = (WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERIES, WEBHOOK_DELIVERY_SECONDS,
                                                   ENDPOINTS_DISABLED)


def show_rulebook(book: RuleBook, disabled: Callable[[WebhookEndpoint], bool]) -> None:
    """Export the series of the rulebook taken in (at start, or its file re-read): its rules' and endpoints' and no
    others'.

    Every rule's and endpoint's series exists at 0 before its first event: a labelled counter is otherwise born at its
    first increment, and Prometheus' increase() sees nothing in a series that starts at 1, so a rule's first alert, an
    endpoint's first failed delivery, would show as 0 and alert no one. The series of a rule or endpoint the file no
    longer has (deleted, or renamed: the old name) are removed, so dashboards stop showing it; those still there keep
    their counts. ``disabled`` says whether an endpoint, as the file now gives it (its URL), is disabled by a 410.
    """
    RULES_LOADED.set(len(book.rules))
    for rule in book.rules:
        ALERTS_FIRED.labels(rule.id)
        ALERTS_SUPPRESSED.labels(rule.id)
        ALERTS_ROUTED.labels(rule.id)
        for kind in get_args(Alert.model_fields["kind"].annotation):
            ALERTS_SENT.labels(rule.id, kind)
    for name, endpoint in book.webhooks.items():
        WEBHOOK_ATTEMPTS.labels(name)
        ENDPOINTS_DISABLED.labels(name).set(int(disabled(endpoint)))
        for outcome in ("delivered", "failed", "disabled"):
            WEBHOOK_DELIVERIES.labels(name, outcome)
    _remove_all_but(_RULE_SERIES, "rule", {rule.id for rule in book.rules})
    _remove_all_but(_ENDPOINT_SERIES, "endpoint", set(book.webhooks))


def _remove_all_but(metrics: Iterable[MetricWrapperBase], label: str, kept: set[str]) -> None:
    """Remove every series whose ``label`` is not one of ``kept``: any left, whichever rulebook or late event made it."""
    for metric in metrics:
        present = {sample.labels[label] for family in metric.collect() for sample in family.samples if label in sample.labels}
        for value in present - kept:
            metric.remove_by_labels({label: value})
