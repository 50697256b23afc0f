"""A rule with an entity burst and follow-ups: the burst decides a story's first alert; once the rule alerted a story,
its later reports are follow-ups whether the entity still bursts or not (the header ``wirewatch-no-burst``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from services.alerter.dedupe import decide
from services.alerter.headers import NO_BURST_HEADER, header_no_burst
from services.alerter.simulate import simulate
from tests.unit.test_alerter_follow_ups import KEY, POLICY, T0, Key, book, match, tagged

NO_BURST = "no burst of Q7184 (2 in this 60 s bucket, baseline 0: already fired in this bucket)"


def test_a_match_that_did_not_burst_fires_no_key_and_leaves_it_as_it_was() -> None:
    decision = decide(None, match("wire/1", 0), POLICY, T0, no_burst=NO_BURST)
    assert decision.alert is None and decision.reason == NO_BURST
    assert decision.state == {}  # nothing to write: the key never fired


def test_a_match_that_did_not_burst_follows_up_on_a_key_that_fired() -> None:
    key = Key()
    assert key.receive(match("wire/1", 0)).kind == "fired"  # the match that burst
    # Within the cooldown: it waits, and the flush sends it once due, as for a plain rule.
    decision = decide(key.state, match("wire/2", 1), POLICY, T0 + timedelta(minutes=1), no_burst=NO_BURST)
    assert decision.alert is None and decision.reason == "follow-up of 1 article(s) waits for the cooldown"
    key.state = decision.state
    # After the cooldown a later report goes out at once, with the one waiting.
    late = decide(key.state, match("wire/3", 6), POLICY, T0 + timedelta(minutes=6), no_burst=NO_BURST)
    assert late.alert.kind == "follow-up" and late.alert.article_ids == ["wire/2", "wire/3"]
    assert late.alert.dedupe_key == KEY and late.alert.sequence == 1


def test_a_copy_that_did_not_burst_is_held_as_any_copy_of_the_alerted_report() -> None:
    key = Key()
    key.receive(match("wire/1", 0))
    decision = decide(key.state, match("wire/2", 6), POLICY, T0 + timedelta(minutes=6), (), "wire/1", NO_BURST)
    assert decision.alert is None and decision.reason.startswith("a copy of wire/1, already alerted")


def test_a_rule_without_follow_ups_sends_nothing_for_a_match_that_did_not_burst() -> None:
    key = Key()
    key.receive(match("wire/1", 0))
    plain = type(POLICY)(follow_up=False)
    decision = decide(key.state, match("wire/2", 6), plain, T0 + timedelta(minutes=6), no_burst=NO_BURST)
    assert decision.alert is None and decision.reason == "already alerted; the rule asks no follow-ups"


def test_the_no_burst_header_reads_its_reason_and_refuses_anything_else() -> None:
    assert header_no_burst(None) is None and header_no_burst({}) is None  # a match that burst, or an older worker's
    assert header_no_burst({NO_BURST_HEADER: orjson.dumps(NO_BURST)}) == NO_BURST
    for bad in (b"1", b"not json", orjson.dumps(""), orjson.dumps(["no burst"])):
        with pytest.raises(ValueError, match=NO_BURST_HEADER):
            header_no_burst({NO_BURST_HEADER: bad})


# One bucket of a day, bursting on the entity's first match: every later match in the run does not burst.
FIRST_MATCH_BURSTS = "    burst: {entity: Q7184, bucket: 1d, warmup: 0, min_count: 1, ratio: 0, z: 0}\n"


def test_a_run_follows_up_on_a_burst_rule_s_story_and_alerts_no_story_that_did_not_burst(tmp_path: Path) -> None:
    rules = book(tmp_path, f"    follow_up: true\n    cooldown: 5m\n{FIRST_MATCH_BURSTS}")
    outcomes = list(simulate(rules, [tagged(1, "st_1"), tagged(2, "st_2"), tagged(3, "st_1")], T0))
    assert [(o.article.id, o.alert.kind if o.alert else None, o.flushed) for o in outcomes] == [
        ("wire/1", "fired", False), ("wire/2", None, False), ("wire/3", None, False), ("wire/3", "follow-up", True)]
    assert outcomes[1].reason.startswith("no burst of Q7184 (2 in this 86400 s bucket")
    assert outcomes[-1].alert.article_ids == ["wire/3"] and outcomes[-1].alert.story_id == "st_1"
    # Without follow-ups the rule's path is as before: the burst agent suppresses what did not burst.
    plain = list(simulate(book(tmp_path, FIRST_MATCH_BURSTS), [tagged(1, "st_1"), tagged(3, "st_1")], T0))
    assert [o.alert.kind if o.alert else None for o in plain] == ["fired", None]
    assert plain[1].reason.startswith("no burst of Q7184")
