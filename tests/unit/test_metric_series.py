"""Rare events' series exist at 0 before the event, so Prometheus' increase() sees the first one.

A labelled counter is born at its first increment, already at 1; a series that starts at 1 has no increase,
so the only dead letter of the day, or a rule's first alert, would show as 0 on the dashboards.
"""

from __future__ import annotations

from prometheus_client import REGISTRY

from services.alerter.endpoints import EndpointStates
from services.alerter.metrics import zero_rulebook_series
from services.alerter.rules import load_rulebook
from services.runtime.errors import DECODE_ERROR_CLASSES
from services.runtime.stage import zero_stage_series

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
RULES = f"""
webhooks:
  zero-pager:
    url: http://127.0.0.1:9/hook
    secret: {SECRET}
  zero-gone:
    url: http://127.0.0.1:9/gone
    secret: {SECRET}
rules:
  - id: zero-series-rule
    when: {{keyword: ceasefire}}
    webhooks: [zero-pager, zero-gone]
"""


def sample(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


def test_a_stage_exports_its_decode_dead_letters_at_zero_before_the_first():
    zero_stage_series("zero-stage", "zero.topic.dlq", DECODE_ERROR_CLASSES)
    for error_class in ("InvalidJSON", "SchemaViolation"):
        assert sample("wirewatch_dead_letters_total", stage="zero-stage", topic="zero.topic.dlq", error_class=error_class) == 0
        assert sample("wirewatch_messages_failed_total", stage="zero-stage", error_class=error_class) == 0


def test_every_rule_and_endpoint_is_exported_at_zero_and_a_disabled_endpoint_stays_disabled(tmp_path):
    book = load_rulebook(RULES)
    EndpointStates(tmp_path / "endpoints.json").disable(book.webhooks["zero-gone"], "HTTP 410")
    assert sample("wirewatch_alerts_fired_total", rule="zero-series-rule") is None  # not yet: born at its first alert

    zero_rulebook_series(book)

    assert sample("wirewatch_alerts_fired_total", rule="zero-series-rule") == 0
    assert sample("wirewatch_alerts_suppressed_total", rule="zero-series-rule") == 0
    assert sample("wirewatch_alerter_alerts_total", rule="zero-series-rule", kind="follow-up") == 0
    for outcome in ("delivered", "failed", "disabled"):
        assert sample("wirewatch_webhook_deliveries_total", endpoint="zero-pager", outcome=outcome) == 0
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="zero-pager") == 0
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="zero-gone") == 1
