"""Flushing a follow-up that waits for its cooldown, with no new article: what is due when, and what a tick sends;
and in one run (``process --until alerts``, ``rules test``), the follow-ups the flush would send after it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

from schemas import Alert, Entity, TaggedArticle
from services.alerter.dedupe import alert_id, decide, due_follow_ups, follow_up_due, follow_up_entry, sequence_id
from services.alerter.rules import AlertPolicy, load_rulebook
from services.alerter.simulate import simulate

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
KEY = "nato:st_1"
POLICY = AlertPolicy(follow_up=True, cooldown_s=300)


def match(article: str, minutes: float, source: str = "wire-en") -> Alert:
    return Alert(id=alert_id(KEY), rule_id="nato", story_id="st_1", article_ids=[article], dedupe_key=KEY,
                 fired_at=T0 + timedelta(minutes=minutes), summary=f"nato: {article}", title=f"title {article}",
                 matched=["entity:Q7184 (NATO) in title"], sources=[source])


class Key:
    """One dedupe key as the shell keeps it: its state, its follow-up entry (through JSON, as the tables hold them)."""

    def __init__(self, policy: AlertPolicy = POLICY) -> None:
        self.policy = policy
        self.state: dict | None = None
        self.entry: dict | None = None
        self.sent: list[Alert] = []

    def receive(self, candidate: Alert, copy_of: str | None = None) -> Alert | None:
        """The match ``candidate``, of a copy of article ``copy_of`` when given (as the header wirewatch-copy-of says)."""
        decision = decide(self.state, candidate, self.policy, candidate.fired_at, (), copy_of)
        self.reason = decision.reason
        self.state = orjson.loads(orjson.dumps(decision.state))
        entry = follow_up_entry(self.entry, self.state, candidate, self.policy)
        self.entry = orjson.loads(orjson.dumps(entry)) if entry is not None else None
        if decision.alert is not None:
            self.sent.append(decision.alert)
        return decision.alert

    def flush(self, minutes: float) -> Alert | None:
        """What the timer does at T0 + minutes: tick the key if due, and the dedupe agent decides on the tick."""
        now = (T0 + timedelta(minutes=minutes)).timestamp()
        ticks = due_follow_ups([(KEY, self.entry)] if self.entry else [], now)
        if not ticks:
            return None
        [(key, tick)] = ticks
        assert key == KEY
        return self.receive(tick)


def test_pending_follow_up_is_due_at_last_alert_plus_cooldown() -> None:
    key = Key()
    key.receive(match("a", 0))
    assert key.entry is None  # fired; nothing waits
    key.receive(match("b", 1))
    assert key.entry is not None and key.entry["due"] == (T0 + timedelta(minutes=5)).timestamp()
    assert follow_up_due(key.state, POLICY) == key.entry["due"]


def test_a_waiting_follow_up_goes_out_at_its_cooldown_without_a_new_article() -> None:
    key = Key()
    key.receive(match("a", 0))
    key.receive(match("b", 1, "s2"))
    key.receive(match("c", 2, "s3"))
    assert key.flush(4.99) is None  # not yet due: no tick at all
    follow_up = key.flush(5)
    assert follow_up is not None and follow_up.kind == "follow-up" and follow_up.sequence == 1
    assert follow_up.article_ids == ["b", "c"] and follow_up.sources == ["s2", "s3"]
    assert follow_up.id == sequence_id(KEY, 1)
    assert follow_up.fired_at == T0 + timedelta(minutes=5)
    assert follow_up.title == "title c"  # the newest pending article heads it
    assert key.entry is None  # flushed: nothing left to tick
    assert key.flush(60) is None


def test_a_late_tick_after_the_story_flushed_itself_sends_nothing() -> None:
    key = Key()
    key.receive(match("a", 0))
    key.receive(match("b", 1))
    stale = due_follow_ups([(KEY, key.entry)], (T0 + timedelta(minutes=5)).timestamp())[0][1]
    assert key.receive(match("c", 6)).article_ids == ["b", "c"]  # the next article flushed it first
    assert key.receive(stale) is None  # the tick arrives after: nothing pending, nothing sent
    assert [a.kind for a in key.sent] == ["fired", "follow-up"]


def test_next_follow_up_waits_a_full_cooldown_after_the_flushed_one() -> None:
    key = Key()
    key.receive(match("a", 0))
    key.receive(match("b", 1))
    assert key.flush(5).article_ids == ["b"]
    key.receive(match("c", 6))
    assert key.entry["due"] == (T0 + timedelta(minutes=10)).timestamp()
    assert key.flush(9) is None
    assert key.flush(10).article_ids == ["c"] and key.sent[-1].sequence == 2


def test_a_refetch_keeps_the_remembered_candidate() -> None:
    key = Key()
    key.receive(match("a", 0))
    key.receive(match("b", 1))
    key.receive(match("a", 2))  # a re-fetch of the alerted article: not a follow-up, and not the follow-up's headline
    assert key.entry["candidate"]["article_ids"] == ["b"]


def test_no_entry_without_follow_ups_or_before_the_key_fired() -> None:
    plain = Key(AlertPolicy())
    plain.receive(match("a", 0))
    plain.receive(match("b", 1))
    assert plain.entry is None
    assert follow_up_due({}, POLICY) is None
    assert follow_up_due({"fired_at": T0.isoformat(), "last_sent": T0.timestamp(), "pending": []}, POLICY) is None


def test_due_follow_ups_picks_only_due_keys_and_stamps_the_tick_with_now() -> None:
    candidate = match("b", 1).model_dump(mode="json")
    now = (T0 + timedelta(minutes=10)).timestamp()
    entries = [("k1", {"due": now - 1, "candidate": candidate}), ("k2", {"due": now + 1, "candidate": candidate}),
               ("k3", {"due": now, "candidate": candidate})]
    ticks = due_follow_ups(entries, now)
    assert [k for k, _ in ticks] == ["k1", "k3"]
    assert all(t.fired_at.timestamp() == now and t.article_ids == ["b"] for _, t in ticks)


def test_an_entry_that_is_not_an_alert_is_skipped_not_fatal() -> None:
    now = (T0 + timedelta(minutes=10)).timestamp()
    good = {"due": now, "candidate": match("b", 1).model_dump(mode="json")}
    assert [k for k, _ in due_follow_ups([("bad", {"due": now, "candidate": {"id": 1}}), ("good", good)], now)] == ["good"]


# --------------------------------------------------------------------------- in one run: process --until alerts, rules test


def tagged(n: int, story: str, *, title: str | None = None) -> TaggedArticle:
    body = f"Report {n}: NATO in Vilnius."
    at = body.index("NATO")
    return TaggedArticle(
        id=f"wire/{n}", source=f"wire-{n}", fetched_at=T0, language="en", language_confidence=1.0,
        original_title=title or f"Report {n}", original_body=body, title=title or f"Report {n}", body=body,
        entities=[Entity(text="NATO", type="ORG", field="body", start=at, end=at + 4, canonical_id="Q7184",
                         canonical_name="NATO")], story_id=story)


def book(tmp_path: Path, policy: str):
    path = tmp_path / "rules.yaml"
    path.write_text(f"rules:\n  - id: nato\n    when: {{entity: Q7184}}\n{policy}")
    return load_rulebook(path)


def test_a_run_sends_a_story_s_later_articles_as_one_follow_up_once_the_cooldown_has_passed(tmp_path: Path) -> None:
    # Read together, the articles arrive together, as a file ingested into the pipeline does: the story's first
    # article fires, the later ones wait for the cooldown and go out grouped, as the flush timer sends them.
    rules = book(tmp_path, "    follow_up: true\n    cooldown: 5m\n    repeat_interval: 1h\n")
    articles = [tagged(1, "st_1"), tagged(2, "st_2"), tagged(3, "st_1"), tagged(4, "st_1", title="Latest")]
    outcomes = list(simulate(rules, articles, T0))
    assert [(o.article.id, o.alert.kind if o.alert else None, o.flushed) for o in outcomes] == [
        ("wire/1", "fired", False), ("wire/2", "fired", False), ("wire/3", None, False), ("wire/4", None, False),
        ("wire/4", "follow-up", True)]
    follow_up = outcomes[-1].alert
    assert (follow_up.story_id, follow_up.article_ids, follow_up.sources) == ("st_1", ["wire/3", "wire/4"], ["wire-3", "wire-4"])
    assert follow_up.id == sequence_id("nato:st_1", 1) and follow_up.title == "Latest"
    assert follow_up.fired_at == T0 + timedelta(minutes=5)  # when the pipeline's timer would send it
    # No repeat: that needs a match arriving an hour after the last alert, which articles read together never are.
    assert all(o.alert is None or o.alert.kind != "repeat" for o in outcomes)


def test_a_run_without_follow_ups_or_with_a_re_fetch_only_flushes_nothing(tmp_path: Path) -> None:
    plain = list(simulate(book(tmp_path, ""), [tagged(1, "st_1"), tagged(2, "st_1")], T0))
    assert [o.alert.kind if o.alert else None for o in plain] == ["fired", None] and not any(o.flushed for o in plain)
    again = list(simulate(book(tmp_path, "    follow_up: true\n"), [tagged(1, "st_1"), tagged(1, "st_1")], T0))
    assert [o.alert.kind if o.alert else None for o in again] == ["fired", None] and not any(o.flushed for o in again)


def test_process_and_rules_test_show_the_follow_up_the_flush_sends(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from services.cli import main
    from services.process import _alerts
    from services.runtime.settings import Settings

    rules = book(tmp_path, "    follow_up: true\n")
    articles = [tagged(1, "st_1"), tagged(2, "st_1"), tagged(3, "st_1")]
    sent = _alerts(Settings(), articles, T0, rules)
    assert [(a.kind, a.article_ids) for a in sent] == [("fired", ["wire/1"]), ("follow-up", ["wire/2", "wire/3"])]
    # With the alerter's flush turned off, a waiting follow-up goes out only with the story's next article: none here.
    settings = Settings()
    no_flush = settings.model_copy(update={"alerter": settings.alerter.model_copy(update={"follow_up_flush_s": 0})})
    assert [a.kind for a in _alerts(no_flush, articles, T0, rules)] == ["fired"]
    inputs = tmp_path / "tagged.ndjson"
    inputs.write_text("".join(a.model_dump_json() + "\n" for a in articles))
    result = CliRunner().invoke(main, ["rules", "test", str(tmp_path / "rules.yaml"), str(inputs)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert sum("-> ALERT (fired)" in line for line in lines) == 1
    assert sum("no alert: follow-up of" in line for line in lines) == 2
    then = lines.index("then, once each cooldown has passed, with no new article:")
    assert lines[then + 1].strip() == "nato story st_1: ALERT (follow-up) of 2 article(s): wire/2, wire/3"
    assert "nato: 3 of 3 articles" in result.stdout


def test_a_follow_up_headed_by_an_untranslated_report_says_its_titles_language(tmp_path: Path) -> None:
    greek = "Ο επικεφαλής του ΝΑΤΟ στο Βίλνιους"
    untranslated = tagged(3, "st_1", title=greek).model_copy(update={"language": "el"})
    rules = book(tmp_path, "    follow_up: true\n    cooldown: 5m\n")
    sent = [o.alert for o in simulate(rules, [tagged(1, "st_1"), tagged(2, "st_1"), untranslated], T0) if o.alert]
    # The follow-up is flushed from the candidate the key remembered as JSON: the title and its language travel together.
    assert [(a.kind, a.title, a.title_language) for a in sent] == [("fired", "Report 1", "en"), ("follow-up", greek, "el")]


def test_a_remembered_follow_up_from_before_title_language_still_flushes() -> None:
    key = Key()
    key.receive(match("a", 0))
    key.receive(match("b", 1))
    old = dict(key.entry["candidate"])
    del old["title_language"]  # as an alerter of the release before the field remembered it
    key.entry = {**key.entry, "candidate": old}
    follow_up = key.flush(5)
    assert follow_up is not None and (follow_up.kind, follow_up.article_ids, follow_up.title_language) == ("follow-up", ["b"], None)


# --------------------------------------------------------------------------- copies of alerted reports


def test_copies_of_the_alerted_report_send_no_follow_up_and_go_with_the_next_new_one() -> None:
    key = Key()
    key.receive(match("wire/1", 0, "wire"))
    # The wire story republished by two sites, the second copying the first copy, well after the cooldown.
    assert key.receive(match("site-a/1", 10, "site-a"), "wire/1") is None
    assert key.reason.startswith("a copy of wire/1, already alerted: no follow-up")
    assert key.receive(match("site-b/1", 11, "site-b"), "site-a/1") is None
    assert key.entry is None and key.flush(60) is None  # nothing new waits: no tick, no "Continues"
    # A new report: its follow-up goes out at once, headed by it, and carries the copies since the last alert.
    follow_up = key.receive(match("bbc/1", 70, "bbc"))
    assert follow_up is not None and (follow_up.kind, follow_up.sequence, follow_up.title) == ("follow-up", 1, "title bbc/1")
    assert follow_up.article_ids == ["site-a/1", "site-b/1", "bbc/1"] and follow_up.sources == ["site-a", "site-b", "bbc"]
    assert [a.kind for a in key.sent] == ["fired", "follow-up"]


def test_a_copy_of_a_waiting_report_goes_with_it_and_a_copy_of_the_alerted_one_heads_no_follow_up() -> None:
    key = Key()
    key.receive(match("wire/1", 0, "wire"))
    key.receive(match("bbc/1", 1, "bbc"))
    key.receive(match("site-a/1", 2, "site-a"), "bbc/1")  # a copy of the new report: as new as it is
    # A copy of the alerted report after the cooldown does not send the waiting follow-up under its own title...
    assert key.receive(match("site-b/1", 6, "site-b"), "wire/1") is None
    assert "goes with the follow-up of 2 new article(s)" in key.reason
    # ...the flush does, headed by the newest new report.
    follow_up = key.flush(6)
    assert follow_up.title == "title site-a/1" and follow_up.article_ids == ["bbc/1", "site-a/1", "site-b/1"]
    assert key.entry is None and [a.kind for a in key.sent] == ["fired", "follow-up"]


def test_copies_still_say_the_story_matches_for_a_repeat() -> None:
    key = Key(AlertPolicy(follow_up=True, cooldown_s=300, repeat_s=3600))
    key.receive(match("wire/1", 0, "wire"))
    assert key.receive(match("site-a/1", 30, "site-a"), "wire/1") is None
    # As a re-fetch of the alerted report would: an hour on, the story still matches; a reminder, not a follow-up.
    repeat = key.receive(match("site-b/1", 61, "site-b"), "wire/1")
    assert repeat is not None and repeat.kind == "repeat" and repeat.title == "title site-b/1"
    assert (repeat.article_ids, repeat.sources) == (["site-a/1", "site-b/1"], ["site-a", "site-b"])  # who republished it
    assert key.receive(match("bbc/1", 120, "bbc")).article_ids == ["bbc/1"]  # the copies went with the repeat


def test_a_run_sends_no_follow_up_for_copies_of_the_alerted_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from schemas.models import StoryEvidence
    from services.cli import main
    from services.process import _alerts
    from services.runtime.settings import Settings

    def copy_of(n: int, original: str) -> TaggedArticle:
        return tagged(n, "st_1").model_copy(update={"story_evidence": StoryEvidence(
            decision="joined", score=1.0, threshold=0.95, rule="near-duplicate", copy_of=original)})

    rules = book(tmp_path, "    follow_up: true\n")
    copies = [tagged(1, "st_1"), copy_of(2, "wire/1"), copy_of(3, "wire/2")]
    assert [(a.kind, a.article_ids) for a in _alerts(Settings(), copies, T0, rules)] == [("fired", ["wire/1"])]
    new = [*copies, tagged(4, "st_1", title="Latest")]
    assert [(a.kind, a.article_ids, a.title) for a in _alerts(Settings(), new, T0, rules)] == [
        ("fired", ["wire/1"], "Report 1"), ("follow-up", ["wire/2", "wire/3", "wire/4"], "Latest")]
    inputs = tmp_path / "tagged.ndjson"
    inputs.write_text("".join(a.model_dump_json() + "\n" for a in copies))
    result = CliRunner().invoke(main, ["rules", "test", str(tmp_path / "rules.yaml"), str(inputs)])
    assert result.exit_code == 0, result.output
    assert sum("no alert: a copy of wire/1, already alerted: no follow-up for copies alone" in line
               for line in result.stdout.splitlines()) == 1
    assert "a copy of wire/2, already alerted" in result.stdout
    assert "then, once each cooldown has passed" not in result.stdout
