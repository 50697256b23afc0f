"""Webhook signing against the Standard Webhooks spec, the delivery envelope, and retry timing."""

from __future__ import annotations

import base64
import random
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import orjson
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from schemas import Alert
from services.alerter.webhooks import (
    USER_AGENT,
    WebhookEndpoint,
    backoff_delay,
    build_delivery,
    parse_retry_after,
    parse_secret,
    sign,
    signature_header,
)

# The test vector published with the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_PAYLOAD = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

NEW_SECRET = "whsec_" + "c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM="  # "second-secret-for-rotation-tests"


def make_alert(**overrides) -> Alert:
    fields = dict(
        id="alrt_abc123",
        rule_id="nato-in-ukraine",
        story_id="st_9",
        article_ids=["wire-en/1"],
        dedupe_key="nato-in-ukraine:st_9",
        fired_at=datetime(2026, 3, 5, 9, 31, 12, 250000, tzinfo=timezone.utc),
        summary='nato-in-ukraine: "NATO head arrives in Kyiv" (wire-en, en)',
        matched=["entity:Q7184 (NATO) in title"],
        title="NATO head arrives in Kyiv",
        url="https://news.example.org/a/1",
        entities=["Kyiv", "NATO"],
    )
    fields.update(overrides)
    return Alert(**fields)


def test_signature_matches_the_spec_test_vector() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) == SPEC_SIGNATURE


@pytest.mark.parametrize(
    ("msg_id", "timestamp", "payload"),
    [
        ("msg_p5jXN8AQM9LWM0D4loKWxJel", SPEC_TIMESTAMP, SPEC_PAYLOAD),
        (SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_PAYLOAD),
        (SPEC_ID, SPEC_TIMESTAMP, b'{"test": 2432232315}'),
    ],
    ids=["other-id", "other-timestamp", "other-payload"],
)
def test_signature_changes_with_any_signed_part(msg_id: str, timestamp: int, payload: bytes) -> None:
    assert sign(SPEC_SECRET, msg_id, timestamp, payload) != SPEC_SIGNATURE


def test_signature_uses_the_decoded_key_not_the_secret_text() -> None:
    assert parse_secret(SPEC_SECRET) == base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    assert sign(NEW_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) != SPEC_SIGNATURE


@pytest.mark.parametrize(
    "secret",
    ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_***", "whsec_c2hvcnQ="],
    ids=["no-prefix", "empty", "not-base64", "too-short"],
)
def test_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        parse_secret(secret)


def test_delivery_verifies_with_the_standard_webhooks_library() -> None:
    endpoint = WebhookEndpoint(name="newsroom", url="http://127.0.0.1:9/", secrets=(SPEC_SECRET,))
    alert = make_alert()
    headers, body = build_delivery(endpoint, alert, time.time())
    event = Webhook(SPEC_SECRET).verify(body, headers)
    assert event["type"] == "alert.fired"
    assert event["timestamp"] == "2026-03-05T09:31:12.250000Z"
    assert Alert.model_validate(event["data"]) == alert


def test_delivery_headers_follow_the_spec() -> None:
    endpoint = WebhookEndpoint(name="newsroom", url="http://127.0.0.1:9/", secrets=(SPEC_SECRET,))
    headers, body = build_delivery(endpoint, make_alert(id="alrt_xyz"), 1_700_000_000.9)
    assert headers["webhook-id"] == "alrt_xyz"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"] == sign(SPEC_SECRET, "alrt_xyz", 1_700_000_000, body)
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("wirewatch/")
    assert set(orjson.loads(body)) == {"type", "timestamp", "data"}


def test_body_is_the_same_on_every_attempt_but_signature_is_fresh() -> None:
    endpoint = WebhookEndpoint(name="newsroom", url="http://127.0.0.1:9/", secrets=(SPEC_SECRET,))
    alert = make_alert()
    first_headers, first_body = build_delivery(endpoint, alert, 1_700_000_000)
    second_headers, second_body = build_delivery(endpoint, alert, 1_700_000_007)
    assert first_body == second_body
    assert first_headers["webhook-id"] == second_headers["webhook-id"]
    assert first_headers["webhook-signature"] != second_headers["webhook-signature"]


def test_verification_fails_for_a_tampered_body_or_the_wrong_secret() -> None:
    endpoint = WebhookEndpoint(name="newsroom", url="http://127.0.0.1:9/", secrets=(SPEC_SECRET,))
    headers, body = build_delivery(endpoint, make_alert(), time.time())
    with pytest.raises(WebhookVerificationError):
        Webhook(SPEC_SECRET).verify(body.replace(b"NATO", b"NAT0"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(NEW_SECRET).verify(body, headers)


def test_rotating_keys_signs_with_each_so_old_and_new_receivers_verify() -> None:
    header = signature_header([NEW_SECRET, SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD)
    parts = header.split(" ")
    assert parts == [sign(NEW_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD), SPEC_SIGNATURE]
    assert signature_header(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD) == SPEC_SIGNATURE

    endpoint = WebhookEndpoint(name="newsroom", url="http://127.0.0.1:9/", secrets=(NEW_SECRET, SPEC_SECRET))
    headers, body = build_delivery(endpoint, make_alert(), time.time())
    Webhook(NEW_SECRET).verify(body, headers)
    Webhook(SPEC_SECRET).verify(body, headers)


def test_signing_without_any_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        signature_header([], SPEC_ID, SPEC_TIMESTAMP, SPEC_PAYLOAD)


class FixedRandom(random.Random):
    """uniform(a, b) returns the top of the range, so the test sees the jitter ceiling."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


def test_backoff_doubles_each_retry_until_the_cap() -> None:
    rng = FixedRandom(1.0)
    delays = [backoff_delay(n, 0.5, 5.0, rng) for n in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_backoff_is_full_jitter_between_zero_and_the_ceiling() -> None:
    assert backoff_delay(3, 0.5, 30.0, FixedRandom(0.0)) == 0.0
    assert backoff_delay(3, 0.5, 30.0, FixedRandom(0.25)) == 0.5
    rng = random.Random(42)
    samples = [backoff_delay(4, 1.0, 30.0, rng) for _ in range(500)]
    assert all(0.0 <= s <= 8.0 for s in samples)
    assert max(samples) > 6.0 and min(samples) < 2.0  # spread over the whole range, not clustered


def test_retry_after_reads_delta_seconds_and_http_dates() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after(" 0 ", now) == 0.0
    later = datetime.fromtimestamp(now, tz=timezone.utc) + timedelta(seconds=90)
    assert parse_retry_after(format_datetime(later, usegmt=True), now) == pytest.approx(90.0)
    earlier = datetime.fromtimestamp(now, tz=timezone.utc) - timedelta(seconds=90)
    assert parse_retry_after(format_datetime(earlier, usegmt=True), now) == 0.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None


@pytest.mark.parametrize(("url", "format", "shown"), [
    ("https://hooks.slack.com/services/T0123/B0456/s3cr3tT0k3n", "slack", "https://hooks.slack.com/***"),
    ("https://acme.webhook.office.com/webhookb2/1f2e@9a8b/IncomingWebhook/c0ffee/42", "teams",
     "https://acme.webhook.office.com/***"),
    ("https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S1G",
     "teams", "https://prod-01.westeurope.logic.azure.com/***?api-version=2016-06-01&sig=***"),
    ("https://alerts.example.net/hooks/wirewatch?token=t0k", "standard", "https://alerts.example.net/hooks/wirewatch?token=***"),
    ("https://bot:hunter2@alerts.example.net/in", "standard", "https://bot:***@alerts.example.net/in"),
    ("http://127.0.0.1:8099/hooks/wirewatch", "standard", "http://127.0.0.1:8099/hooks/wirewatch"),
])
def test_an_endpoint_is_shown_without_its_credentials(url: str, format: str, shown: str) -> None:
    """A Slack or Teams incoming webhook's URL is its credential; dead letters, logs and replay printed it whole."""
    endpoint = WebhookEndpoint(name="n", url=url, secrets=("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",), format=format)
    assert endpoint.shown_url == shown


def test_the_signed_example_of_docs_alerts_md_is_the_body_wirewatch_sends_and_its_signature() -> None:
    """A receiver checks its verifier against the page's example: the body must be what wirewatch sends, every field
    of the Alert in order (title_language, continues), and the signature the one the page states."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text()
    section = page[page.index("### `standard`"):]
    example = orjson.loads(section[section.index("```json") + len("```json"):section.index("```\n", section.index("```json"))])
    stated = re.search(r"with the `standard` body exactly as wirewatch\s+serializes it.*?signed\s+`(v1,[^`]+)`", page, re.S)
    alert = Alert.model_validate(example["data"])
    headers, body = build_delivery(WebhookEndpoint("desk", "https://desk.example/hook", (SPEC_SECRET,)), alert,
                                   now=1695896102)
    assert body == orjson.dumps(example), "the page's example is not the body wirewatch sends for its alert"
    assert (headers["webhook-id"], headers["webhook-timestamp"]) == ("alrt_pzvkkhrbcw5hzqnjr6g25avxk7", "1695896102")
    assert stated is not None and headers["webhook-signature"] == stated.group(1)
