"""Hot reload of the rules file, and the Slack and Teams payload formats (still signed)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import orjson
from standardwebhooks.webhooks import Webhook

from schemas import Alert
from services.alerter.live import LiveRulebook
from services.alerter.webhooks import WebhookEndpoint, build_delivery

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def bump(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_changed_rules_file_is_reloaded_and_a_broken_one_keeps_the_old_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {id: a, query: entity:Q1}\n")
    live = LiveRulebook(path)
    assert live.check() is None
    bump(path, "rules:\n  - {id: a, query: entity:Q1}\n  - {id: b, query: entity:Q2}\n")
    assert live.check() == "reloaded" and [r.id for r in live.current.rules] == ["a", "b"]
    bump(path, "rules:\n  - {id: a, query: 'entity:Q1 AND'}\n")
    assert live.check() == "invalid"
    assert [r.id for r in live.current.rules] == ["a", "b"] and ":2:" in live.last_error
    assert live.check() is None  # the same broken file is reported once


ALERT = Alert(id="alrt_x", rule_id="nato", story_id="st", article_ids=["a1", "a2"], dedupe_key="nato:st",
              fired_at=datetime(2026, 3, 5, tzinfo=timezone.utc), summary="nato: NATO in Kyiv", matched=["entity:Q7184 (NATO) in title"],
              title="NATO in Kyiv", url="https://news.example.org/1", entities=["NATO"], sources=["wire"], kind="follow-up", sequence=1)


def delivery(fmt: str, alert: Alert = ALERT) -> tuple[dict, dict]:
    endpoint = WebhookEndpoint(name="e", url="http://x/", secrets=(SECRET,), format=fmt)
    headers, body = build_delivery(endpoint, alert, datetime.now(timezone.utc).timestamp())
    Webhook(SECRET).verify(body, headers)  # every format is signed the same way
    return headers, orjson.loads(body)


def test_slack_format_is_an_incoming_webhook_message_with_blocks() -> None:
    headers, msg = delivery("slack")
    assert headers["webhook-id"] == "alrt_x"
    assert msg["text"].startswith("Follow-up: nato")
    kinds = [b["type"] for b in msg["blocks"]]
    assert kinds[0] == "header" and "section" in kinds
    assert "<https://news.example.org/1|NATO in Kyiv>" in orjson.dumps(msg).decode()


def test_teams_format_is_a_message_with_an_adaptive_card() -> None:
    _, msg = delivery("teams")
    [attachment] = msg["attachments"]
    assert msg["type"] == "message" and attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["actions"][0]["url"] == ALERT.url
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Articles"] == "2" and facts["Rule"] == "nato" and "Continues" not in facts


def test_a_follow_up_of_a_merged_story_s_alert_says_which_story_it_continues() -> None:
    merged = ALERT.model_copy(update={"story_id": "st_y", "continues": ["st"]})
    _, msg = delivery("teams", merged)
    facts = {f["title"]: f["value"] for f in msg["attachments"][0]["content"]["body"][2]["facts"]}
    assert (facts["Story"], facts["Continues"]) == ("st_y", "st")
    _, msg = delivery("slack", merged)
    assert "*Continues*\nst" in [f["text"] for f in msg["blocks"][2]["fields"]]
    _, event = delivery("standard", merged)
    assert event["data"]["continues"] == ["st"]


def test_standard_format_names_the_kind_of_alert_in_the_event_type() -> None:
    _, event = delivery("standard")
    assert event["type"] == "alert.follow_up" and event["data"]["sequence"] == 1
