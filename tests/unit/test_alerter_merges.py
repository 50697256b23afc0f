"""One event that opened as two stories alerts once per rule: a match is decided under an earlier id that fired.

Story X alerted; the story stage then found that X and Y report one event and reports X as Y from then on,
naming X among the story's ``aliases``. A later report of the event, reported as Y, must not fire the rule a
second time: it is decided under ``rule:X``, as a follow-up of X's alert (naming X in ``continues``), or dropped
when the rule asks no follow-ups.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
import pytest

from schemas import Alert, Entity, TaggedArticle
from schemas.models import StoryEvidence
from services.alerter.dedupe import alert_id, decide, dedupe_key, make_alert, route, sequence_id
from services.alerter.headers import (
    ALIASES_HEADER,
    CARRIED_HEADER,
    COPY_OF_HEADER,
    header_aliases,
    header_carried,
    header_copy_of,
)
from services.alerter.rulebook import BurstSpec, WindowSpec
from services.alerter.rules import AlertPolicy, load_rulebook

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
FOLLOW = AlertPolicy(follow_up=True, cooldown_s=300)
ONCE = AlertPolicy()


def match(article: str, story: str, minutes: float, source: str = "wire") -> Alert:
    key = dedupe_key("nato", story)
    return Alert(id=alert_id(key), rule_id="nato", story_id=story, article_ids=[article], dedupe_key=key,
                 fired_at=T0 + timedelta(minutes=minutes), summary=f"nato: {article}", matched=["entity:Q7184"],
                 sources=[source])


class Keys:
    """The dedupe table as the alerter keeps it (states through JSON), deciding each match under the key ``route`` picks."""

    def __init__(self, policy: AlertPolicy) -> None:
        self.policy = policy
        self.states: dict[str, dict] = {}

    def receive(self, candidate: Alert, aliases: list[str] = ()) -> Alert | None:
        candidate, carried = route(self.states, candidate, aliases)
        decision = decide(self.states.get(candidate.dedupe_key), candidate, self.policy, candidate.fired_at, carried)
        self.states[candidate.dedupe_key] = orjson.loads(orjson.dumps(decision.state))
        self.reason = decision.reason
        return decision.alert


def test_a_report_of_a_story_whose_earlier_id_alerted_follows_that_alert_up() -> None:
    keys = Keys(FOLLOW)
    fired = keys.receive(match("a", "st_x", 0))
    assert fired is not None and fired.kind == "fired"
    # Within the cooldown of X's alert the report waits, as it would have in X ...
    assert keys.receive(match("b", "st_y", 1), aliases=["st_x"]) is None
    # ... and goes out as X's follow-up once the cooldown has passed, under X's key and naming it.
    sent = keys.receive(match("c", "st_y", 6), aliases=["st_x"])
    assert sent is not None and (sent.kind, sent.sequence, sent.story_id) == ("follow-up", 1, "st_y")
    assert sent.article_ids == ["b", "c"] and sent.continues == ["st_x"]
    assert (sent.dedupe_key, sent.id) == ("nato:st_x", sequence_id("nato:st_x", 1))
    assert "nato:st_y" not in keys.states  # Y's own key never decided anything


def test_without_follow_ups_the_report_is_dropped_and_without_the_alias_it_fires_again() -> None:
    keys = Keys(ONCE)
    keys.receive(match("a", "st_x", 0))
    assert keys.receive(match("b", "st_y", 60), aliases=["st_x"]) is None
    # Without the alias the same report fires under Y: a second alert for one event, what aliases prevent.
    again = keys.receive(match("b", "st_y", 60))
    assert again is not None and again.kind == "fired" and again.dedupe_key == "nato:st_y"


def test_an_earlier_id_that_never_fired_leaves_the_decision_to_the_story_s_own_key() -> None:
    keys = Keys(ONCE)
    keys.states["nato:st_x"] = {"window": {"events": [[0.0, "a", "wire"]]}}  # counting, not fired
    sent = keys.receive(match("b", "st_y", 0), aliases=["st_x"])
    assert sent is not None and (sent.kind, sent.dedupe_key, sent.continues) == ("fired", "nato:st_y", [])
    assert keys.states["nato:st_x"] == {"window": {"events": [[0.0, "a", "wire"]]}}


def test_the_first_earlier_id_that_fired_decides() -> None:
    keys = Keys(ONCE)
    keys.receive(match("a", "st_x2", 0))
    keys.receive(match("b", "st_x3", 0))
    candidate, _ = route(keys.states, match("c", "st_y", 1), ["st_x1", "st_x2", "st_x3"])
    assert candidate.dedupe_key == "nato:st_x2" and candidate.continues == ["st_x2"] and candidate.story_id == "st_y"


def test_a_window_counts_the_reports_its_story_s_earlier_id_counted() -> None:
    # Five reports within an hour: two came under X, one under Y, then the stage merged X into Y.
    keys = Keys(AlertPolicy(window=WindowSpec(count=5, within_s=3600)))
    assert keys.receive(match("a", "st_x", 0)) is None and keys.receive(match("b", "st_x", 5)) is None
    assert keys.receive(match("c", "st_y", 10)) is None
    assert keys.receive(match("d", "st_y", 15), aliases=["st_x"]) is None and keys.reason == "window 4/5 articles"
    # X's reports are counted once however many of Y's reports pass X's key.
    sent = keys.receive(match("e", "st_y", 20), aliases=["st_x"])
    assert sent is not None and (sent.kind, sent.dedupe_key) == ("fired", "nato:st_y")
    assert sent.article_ids == ["a", "b", "c", "d", "e"] and sent.window.articles == 5
    assert keys.states["nato:st_x"]["window"]["events"] == [[(T0 + timedelta(minutes=m)).timestamp(), a, "wire"]
                                                           for a, m in (("a", 0), ("b", 5))]  # X's key is left as it was


def test_without_the_alias_the_window_counts_only_the_story_s_own_reports() -> None:
    keys = Keys(AlertPolicy(window=WindowSpec(count=5, within_s=3600)))
    for article, story, minutes in (("a", "st_x", 0), ("b", "st_x", 5), ("c", "st_y", 10), ("d", "st_y", 15)):
        keys.receive(match(article, story, minutes))
    assert keys.receive(match("e", "st_y", 20)) is None and keys.reason == "window 3/5 articles"


def test_a_window_of_distinct_sources_counts_each_source_once_across_the_merge() -> None:
    keys = Keys(AlertPolicy(window=WindowSpec(count=3, within_s=3600, distinct="sources")))
    keys.receive(match("a", "st_x", 0, source="efe"))
    keys.receive(match("b", "st_x", 1, source="reuters"))
    keys.receive(match("c", "st_y", 2, source="reuters"))
    assert keys.receive(match("d", "st_y", 3, source="reuters"), aliases=["st_x"]) is None
    assert keys.reason == "window 2/3 sources"  # efe and reuters: X's and Y's Reuters reports are one source
    sent = keys.receive(match("e", "st_y", 4, source="afp"), aliases=["st_x"])
    assert sent is not None and sent.sources == ["efe", "reuters", "afp"]


def test_reports_older_than_the_window_do_not_count_after_a_merge() -> None:
    keys = Keys(AlertPolicy(window=WindowSpec(count=3, within_s=3600)))
    keys.receive(match("a", "st_x", 0))
    keys.receive(match("b", "st_x", 1))
    assert keys.receive(match("c", "st_y", 90), aliases=["st_x"]) is None and keys.reason == "window 1/3 articles"


STORY_BURST = AlertPolicy(burst=BurstSpec(of="story", bucket_s=600, warmup=3, min_count=3, ratio=3, z=3))


def test_a_story_burst_counts_the_earlier_id_s_bucket_and_keeps_its_warm_up() -> None:
    keys = Keys(STORY_BURST)
    keys.receive(match("a", "st_x", 0))  # X's quiet history: one report, then three empty buckets
    keys.receive(match("b", "st_x", 41))  # bucket 4 (40-50 min): one under X ...
    keys.receive(match("c", "st_y", 42))  # ... one under Y, just opened: no history, no burst possible
    assert keys.receive(match("d", "st_y", 43), aliases=["st_x"]) is None and keys.reason.startswith("no burst (3 in bucket")
    sent = keys.receive(match("e", "st_y", 44), aliases=["st_x"])
    assert sent is not None and sent.burst is not None and sent.burst.count == 4 and sent.dedupe_key == "nato:st_y"
    # X was folded in once: its baseline is in Y's, not twice.
    assert keys.states["nato:st_y"]["burst"]["merged"] == ["st_x"]


def test_without_the_alias_a_young_story_cannot_burst() -> None:
    keys = Keys(STORY_BURST)
    keys.receive(match("a", "st_x", 0))
    keys.receive(match("b", "st_x", 41))
    for article, minutes in (("c", 42), ("d", 43), ("e", 44), ("f", 45)):
        assert keys.receive(match(article, "st_y", minutes)) is None


RULES = """
rules:
  - id: nato
    query: entity:Q7184
"""


def tagged(id: str, story: str, aliases: list[str]) -> TaggedArticle:
    return TaggedArticle(
        id=id, source="wire", url=f"https://wire.example.org/{id}", fetched_at=T0, language="en", language_confidence=0.9,
        original_title="NATO in Kyiv", original_body="Talks.", title="NATO in Kyiv", body="Talks.", story_id=story,
        story_evidence=StoryEvidence(decision="joined", score=0.6, threshold=0.3, aliases=aliases),
        entities=[Entity(text="NATO", type="ORG", field="title", start=0, end=4, canonical_id="Q7184", canonical_name="NATO")],
    )


def test_a_rule_match_of_a_tagged_article_is_routed_by_its_story_s_aliases(tmp_path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    [found] = load_rulebook(path).evaluate(tagged("m", "st_y", ["st_x"]))
    keys = Keys(ONCE)
    keys.receive(match("a", "st_x", 0))
    article = tagged("m", "st_y", ["st_x"])
    candidate, _ = route(keys.states, make_alert(found, article, T0), article.story_evidence.aliases)
    assert candidate.dedupe_key == "nato:st_x" and candidate.article_ids == ["m"]


def test_the_aliases_header_is_read_or_refused_with_a_reason() -> None:
    assert header_aliases(None) == [] and header_aliases({}) == []
    assert header_aliases({ALIASES_HEADER: b'["st_x", "st_z"]'}) == ["st_x", "st_z"]
    with pytest.raises(ValueError, match="not JSON"):
        header_aliases({ALIASES_HEADER: b"st_x,st_z"})
    with pytest.raises(ValueError, match="not a list of story ids"):
        header_aliases({ALIASES_HEADER: b'{"st_x": 1}'})


def test_the_carried_header_is_read_or_refused_with_a_reason() -> None:
    assert header_carried({}) == []
    assert header_carried({CARRIED_HEADER: b'[["st_x", {"window": {"events": []}}]]'}) == [("st_x", {"window": {"events": []}})]
    with pytest.raises(ValueError, match="not JSON"):
        header_carried({CARRIED_HEADER: b"st_x"})
    with pytest.raises(ValueError, match="not a list of"):
        header_carried({CARRIED_HEADER: b'[["st_x"]]'})


def test_process_counts_a_window_across_a_merge_as_the_worker_does(tmp_path) -> None:
    from services.alerter.settings import AlerterSettings
    from services.process import _alerts
    from services.runtime.settings import Settings

    path = tmp_path / "rules.yaml"
    path.write_text(RULES + "    window: {count: 3, within: 1h}\n")
    settings = Settings(alerter=AlerterSettings(rules=path))
    stream = [tagged("a", "st_x", []), tagged("b", "st_x", []), tagged("c", "st_y", ["st_x"])]
    [sent] = _alerts(settings, stream, T0)
    assert (sent.dedupe_key, sent.article_ids, sent.window.articles) == ("nato:st_y", ["a", "b", "c"], 3)
    assert _alerts(settings, stream[:2] + [tagged("c", "st_y", [])], T0) == []  # without the alias: 1 of 3 under Y


def test_a_copy_of_the_alerted_report_sent_as_the_merged_story_sends_no_follow_up(tmp_path) -> None:
    from services.process import _alerts
    from services.runtime.settings import Settings

    path = tmp_path / "rules.yaml"
    path.write_text(RULES + "    follow_up: true\n")
    copy = tagged("a-copy", "st_y", ["st_x"])
    copy = copy.model_copy(update={"story_evidence": copy.story_evidence.model_copy(update={"copy_of": "a"})})
    # Decided under X, whose alert carried "a": the copy brings nothing new, under either id of the story.
    assert [(a.kind, a.dedupe_key) for a in _alerts(Settings(), [tagged("a", "st_x", []), copy], T0, load_rulebook(path))] == [
        ("fired", "nato:st_x")]
    # The worker hands the copy's original on with the match, past every earlier id it visits.
    assert header_copy_of({COPY_OF_HEADER: b"a"}) == "a" and header_copy_of({}) is None and header_copy_of(None) is None
