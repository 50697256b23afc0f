"""A merge hands a story's alerts on: one event that opened as two stories alerts once per rule, not once per story.

Story X alerted; the story stage then found that X and Y report one event and reports X as Y from then on.
A later report of the event, reported as Y, must not fire the rule a second time: it follows up on X's alert
(naming X in ``continues``) or is dropped when the rule asks no follow-ups.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson

from schemas import Alert, Entity, TaggedArticle
from schemas.models import StoryEvidence
from services.alerter.dedupe import alert_id, carry, carry_merges, decide, dedupe_key
from services.alerter.rules import AlertPolicy, load_rulebook

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
FOLLOW = AlertPolicy(follow_up=True, cooldown_s=300)
ONCE = AlertPolicy()


def match(article: str, story: str, minutes: float) -> Alert:
    key = dedupe_key("nato", story)
    return Alert(id=alert_id(key), rule_id="nato", story_id=story, article_ids=[article], dedupe_key=key,
                 fired_at=T0 + timedelta(minutes=minutes), summary=f"nato: {article}", matched=["entity:Q7184"],
                 sources=["wire"])


def receive(state: dict | None, candidate: Alert, policy: AlertPolicy) -> tuple[dict, Alert | None]:
    decision = decide(state, candidate, policy, candidate.fired_at)
    return orjson.loads(orjson.dumps(decision.state)), decision.alert  # through JSON, as the table holds it


def test_a_merged_story_that_alerted_makes_the_next_report_a_follow_up_not_a_second_alert() -> None:
    x, fired = receive(None, match("a", "st_x", 0), FOLLOW)
    assert fired is not None and fired.kind == "fired"
    y = carry(None, x, "st_x")
    # Within the cooldown of X's alert the report waits, as it would have in X ...
    y, sent = receive(y, match("b", "st_y", 1), FOLLOW)
    assert sent is None and y["pending"] == ["b"]
    # ... and goes out as X's follow-up once the cooldown has passed, saying which story it continues.
    y, sent = receive(y, match("c", "st_y", 6), FOLLOW)
    assert sent is not None and (sent.kind, sent.sequence, sent.story_id) == ("follow-up", 1, "st_y")
    assert sent.article_ids == ["b", "c"] and sent.continues == ["st_x"]
    assert sent.id not in {fired.id, alert_id(dedupe_key("nato", "st_y"))}


def test_without_follow_ups_the_next_report_of_a_merged_story_is_dropped() -> None:
    x, _ = receive(None, match("a", "st_x", 0), ONCE)
    y, sent = receive(carry(None, x, "st_x"), match("b", "st_y", 60), ONCE)
    assert sent is None
    # Without the merge the same report fires: what the carry prevents is a second alert for the event.
    _, unmerged = receive(None, match("b", "st_y", 60), ONCE)
    assert unmerged is not None and unmerged.kind == "fired"


def test_a_merged_story_that_never_alerted_changes_nothing() -> None:
    pending_window = {"window": {"events": [[0.0, "a", "wire"]]}}
    assert carry(None, {}, "st_x") == {}
    assert carry(pending_window, {"window": {"events": [[1.0, "z", "agency"]]}}, "st_x") == pending_window
    _, sent = receive(carry(None, None, "st_x"), match("b", "st_y", 0), ONCE)
    assert sent is not None and sent.kind == "fired" and sent.continues == []


def test_when_both_stories_alerted_their_articles_count_once_and_carrying_twice_changes_nothing() -> None:
    x, _ = receive(None, match("a", "st_x", 0), FOLLOW)
    x, _ = receive(x, match("a2", "st_x", 1), FOLLOW)  # pending in X: its own tick flushes it under X
    y, _ = receive(None, match("b", "st_y", 2), FOLLOW)
    y, _ = receive(y, match("a2", "st_y", 3), FOLLOW)  # a copy of X's article reached Y before the merge
    assert y["pending"] == ["a2"]
    once = carry(y, x, "st_x")
    assert set(once["alerted"]) == {"a", "a2", "b"} and once["pending"] == [] and once["carried_from"] == ["st_x"]
    assert once["fired_at"] == y["fired_at"]  # Y's own first alert stays its first
    assert carry(once, x, "st_x") == once


def test_a_window_rule_that_x_met_is_not_met_again_in_y() -> None:
    x = {"fired_at": T0.isoformat(), "last_sent": T0.timestamp(), "sequence": 0, "alerted": ["a", "b"], "pending": []}
    y_counting = {"window": {"events": [[T0.timestamp(), "c", "agency"]]}}
    y = carry(y_counting, x, "st_x")
    assert "window" not in y and y["fired_at"] == x["fired_at"] and y["alerted"] == ["a", "b"]


RULES = """
rules:
  - id: nato
    query: entity:Q7184
  - id: kyiv
    query: entity:Q1899
"""


def tagged(id: str, story: str, merged: list[str] | None = None) -> TaggedArticle:
    evidence = StoryEvidence(decision="joined", score=0.6, threshold=0.3, merged=merged or [])
    return TaggedArticle(
        id=id, source="wire", url=f"https://wire.example.org/{id}", fetched_at=T0, language="en", language_confidence=0.9,
        original_title="NATO in Kyiv", original_body="Talks.", title="NATO in Kyiv", body="Talks.", story_id=story,
        story_evidence=evidence,
        entities=[Entity(text="NATO", type="ORG", field="title", start=0, end=4, canonical_id="Q7184", canonical_name="NATO")],
    )


def test_carry_merges_hands_on_every_rule_that_fired_for_the_merged_story(tmp_path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    book = load_rulebook(path)
    states: dict[str, dict] = {}
    x, _ = receive(None, match("a", "st_x", 0), ONCE)
    states[dedupe_key("nato", "st_x")] = x
    carry_merges(states, [r.id for r in book.rules], tagged("m", "st_y", merged=["st_x"]))
    assert states[dedupe_key("nato", "st_y")]["carried_from"] == ["st_x"]
    assert dedupe_key("kyiv", "st_y") not in states  # "kyiv" never fired for X: nothing to hand on
    before = dict(states)
    carry_merges(states, [r.id for r in book.rules], tagged("n", "st_y"))  # no merge, no change
    assert states == before
