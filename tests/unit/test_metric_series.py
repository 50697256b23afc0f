"""Rare events' series exist at 0 before the event, so Prometheus' increase() sees the first one; and a rule's or an
endpoint's series go when the rules file no longer has it.

A labelled counter is born at its first increment, already at 1; a series that starts at 1 has no increase,
so the only dead letter of the day, or a rule's first alert, would show as 0 on the dashboards. A series left after
its rule went would show a deleted rule, or a renamed rule's old name, on the dashboards for as long as the worker runs.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY

from services.alerter.endpoints import EndpointStates
from services.alerter.live import LiveRulebook
from services.alerter.metrics import ALERTS_SENT, show_rulebook
from services.alerter.rules import load_rulebook
from services.runtime.errors import DECODE_ERROR_CLASSES
from services.runtime.metrics import (
    ALERTS_FIRED,
    ALERTS_SUPPRESSED,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_DELIVERY_SECONDS,
)
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
    states = EndpointStates(tmp_path / "endpoints.json")
    states.disable(book.webhooks["zero-gone"], "HTTP 410")
    assert sample("wirewatch_alerts_fired_total", rule="zero-series-rule") is None  # not yet: born at its first alert

    show_rulebook(book, states.disabled)

    assert sample("wirewatch_alerts_fired_total", rule="zero-series-rule") == 0
    assert sample("wirewatch_alerts_suppressed_total", rule="zero-series-rule") == 0
    assert sample("wirewatch_alerter_alerts_total", rule="zero-series-rule", kind="follow-up") == 0
    for outcome in ("delivered", "failed", "disabled"):
        assert sample("wirewatch_webhook_deliveries_total", endpoint="zero-pager", outcome=outcome) == 0
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="zero-pager") == 0
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="zero-gone") == 1


def rules_file(rules: dict[str, str], endpoints: dict[str, str]) -> str:
    hooks = "".join(f"  {name}:\n    url: {url}\n    secret: {SECRET}\n" for name, url in endpoints.items())
    listed = "".join(f"  - id: {rule}\n    when: {{keyword: ceasefire}}\n    webhooks: [{hook}]\n" for rule, hook in rules.items())
    return f"webhooks:\n{hooks}rules:\n{listed}"


def rewrite(path, text: str) -> None:
    path.write_text(text)
    # The worker sees a change by the file's mtime and size; a rewrite within the clock's tick must still be one.
    os.utime(path, ns=(path.stat().st_mtime_ns + 1_000_000_000,) * 2)


def test_a_rule_deleted_or_renamed_in_the_rules_file_goes_from_metrics_and_the_rules_kept_keep_their_counts(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(rules_file({"stale-kept": "stale-pager", "stale-old-name": "stale-pager", "stale-deleted": "stale-gone"},
                               {"stale-pager": "http://127.0.0.1:9/hook", "stale-gone": "http://127.0.0.1:9/gone"}))
    live = LiveRulebook(path)
    states = EndpointStates(tmp_path / "endpoints.json")
    show_rulebook(live.current, states.disabled)
    for rule in ("stale-kept", "stale-old-name", "stale-deleted"):  # each rule's alerts as the dedupe agent counts them
        ALERTS_FIRED.labels(rule).inc(3)
        ALERTS_SENT.labels(rule, "fired").inc(3)
        ALERTS_SUPPRESSED.labels(rule).inc()
    for endpoint in ("stale-pager", "stale-gone"):  # and their deliveries as the delivery agent counts them
        WEBHOOK_ATTEMPTS.labels(endpoint).inc(2)
        WEBHOOK_DELIVERY_SECONDS.labels(endpoint).observe(0.2)
        WEBHOOK_DELIVERIES.labels(endpoint, "delivered").inc()

    # "stale-old-name" renamed "stale-new-name", "stale-deleted" and its endpoint deleted.
    rewrite(path, rules_file({"stale-kept": "stale-pager", "stale-new-name": "stale-pager"},
                             {"stale-pager": "http://127.0.0.1:9/hook"}))
    assert live.check() == "reloaded"
    show_rulebook(live.current, states.disabled)

    for rule in ("stale-old-name", "stale-deleted"):
        assert sample("wirewatch_alerts_fired_total", rule=rule) is None
        assert sample("wirewatch_alerts_suppressed_total", rule=rule) is None
        assert sample("wirewatch_alerter_routed_total", rule=rule) is None
        assert sample("wirewatch_alerter_alerts_total", rule=rule, kind="fired") is None
    assert sample("wirewatch_alerts_fired_total", rule="stale-kept") == 3
    assert sample("wirewatch_alerter_alerts_total", rule="stale-kept", kind="fired") == 3
    assert sample("wirewatch_alerts_suppressed_total", rule="stale-kept") == 1
    assert sample("wirewatch_alerts_fired_total", rule="stale-new-name") == 0
    assert sample("wirewatch_webhook_deliveries_total", endpoint="stale-gone", outcome="delivered") is None
    assert sample("wirewatch_webhook_attempts_total", endpoint="stale-gone") is None
    assert sample("wirewatch_webhook_delivery_seconds_count", endpoint="stale-gone") is None
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="stale-gone") is None
    assert sample("wirewatch_webhook_deliveries_total", endpoint="stale-pager", outcome="delivered") == 1
    assert sample("wirewatch_webhook_attempts_total", endpoint="stale-pager") == 2
    assert sample("wirewatch_webhook_delivery_seconds_count", endpoint="stale-pager") == 1
    assert sample("wirewatch_alerter_rules") == 2


def test_a_broken_rules_file_keeps_every_rule_s_series(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(rules_file({"broken-kept": "broken-pager"}, {"broken-pager": "http://127.0.0.1:9/hook"}))
    live = LiveRulebook(path)
    states = EndpointStates(tmp_path / "endpoints.json")
    show_rulebook(live.current, states.disabled)
    ALERTS_FIRED.labels("broken-kept").inc()

    rewrite(path, "rules: [\n")
    assert live.check() == "invalid"
    show_rulebook(live.current, states.disabled)  # the rulebook in use: the last good one

    assert sample("wirewatch_alerts_fired_total", rule="broken-kept") == 1
    assert sample("wirewatch_webhook_attempts_total", endpoint="broken-pager") == 0


def test_an_endpoint_disabled_by_a_410_then_given_a_new_url_shows_enabled(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(rules_file({"moved-rule": "moved-hook"}, {"moved-hook": "http://127.0.0.1:9/old"}))
    live = LiveRulebook(path)
    states = EndpointStates(tmp_path / "endpoints.json")
    states.disable(live.current.webhooks["moved-hook"], "HTTP 410")
    show_rulebook(live.current, states.disabled)
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="moved-hook") == 1

    rewrite(path, rules_file({"moved-rule": "moved-hook"}, {"moved-hook": "http://127.0.0.1:9/new"}))
    assert live.check() == "reloaded"
    show_rulebook(live.current, states.disabled)

    assert not states.disabled(live.current.webhooks["moved-hook"])  # as the delivery agent sees it: enabled again
    assert sample("wirewatch_webhook_endpoints_disabled", endpoint="moved-hook") == 0
