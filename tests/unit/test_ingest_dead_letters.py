"""Ingest's own dead letters resent: a feed entry goes back to ingest.entries, where the dedupe agent reads it, even
from a letter that names articles.raw; a feed's poll state is not sent back (state, not work); a letter of ingest that
names a topic ingest does not read, with an original ingest cannot place, is refused rather than resent into nothing;
an entry a feed gave that ingest rejected is not resent either, and the line says what brings it in."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import RawArticle
from services.ingest.dead_letters import input_said, route
from services.ingest.entries import PolledEntry
from services.ingest.polling import FeedState
from services.ingest.pollstate import to_stored
from services.runtime.codec import dead_letter
from services.runtime.dead_letters import Letter, describe
from services.runtime.resend import RESENT_FOR_HEADER, Resend, ResendTally, Skip, plan, resend_headers, said
from services.runtime.settings import Settings

AT = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
SETTINGS = Settings()
OURS = ["ingest.entries", "ingest.polls", "articles.raw", "articles.normalized"]

ENTRY = PolledEntry(article=RawArticle(id="https://harbour.example/pilot-boat", source="harbour", title="Pilot boat renamed",
                                       body="The harbour's pilot boat takes a new name.", fetched_at=AT,
                                       feed_id="harbour")).model_dump_json().encode()
POLL_STATE = to_stored(FeedState(feed_id="harbour", url="https://harbour.example/feed.xml", etag='"v7"', last_attempt_at=1.0),
                       "https://harbour.example/feed.xml").model_dump_json().encode()


def letter(source: str, original: bytes, service: str = "ingest", offset: int = 3, error: str = "SchemaViolation",
           reason: str = "why") -> Letter:
    d = dead_letter(source_topic=source, service=service, error_class=error, reason=reason, original=original,
                    key=b"harbour").model_copy(update={"failed_at": AT})
    return Letter("articles.raw.dlq", 0, offset, d)


def decided(item: Letter) -> Resend | Skip:
    return plan(item, resendable=OURS, kept_headers=(), existing=set(OURS), route=lambda d: route(d, SETTINGS))


def test_a_feed_entry_the_dedupe_agent_refused_goes_back_to_ingest_entries_for_ingest() -> None:
    item = letter("ingest.entries", ENTRY)
    outcome = decided(item)
    assert outcome == Resend(item) and outcome.topic == "ingest.entries"
    assert (RESENT_FOR_HEADER, b"ingest") in resend_headers(item)


def test_a_feed_entry_whose_letter_names_articles_raw_goes_back_to_ingest_entries_and_says_why() -> None:
    # Sent to articles.raw for ingest, normalize would leave it (resent for another stage) and ingest never reads it.
    outcome = decided(letter("articles.raw", ENTRY))
    assert isinstance(outcome, Resend) and outcome.topic == "ingest.entries"
    assert said(outcome, dry_run=False) == (
        "resent articles.raw.dlq[0]@3 -> ingest.entries (key 'harbour', " f"{len(ENTRY)} bytes; ingest: SchemaViolation; "
        "a feed entry, which ingest reads from ingest.entries, not articles.raw as the letter says)")
    tally = ResendTally()
    tally.add(outcome)
    assert tally.summary(dry_run=False) == "resent 1 dead letter: ingest.entries 1 (SchemaViolation 1)"
    # An entry that failed validation is known by its shape all the same.
    invalid = decided(letter("articles.raw", b'{"article": {"id": "x"}, "colour": "red"}'))
    assert isinstance(invalid, Resend) and invalid.topic == "ingest.entries"


def test_a_feed_poll_state_is_not_resent_and_that_is_no_failure() -> None:
    for source in ("ingest.polls", "articles.raw"):
        outcome = decided(letter(source, POLL_STATE))
        assert isinstance(outcome, Skip) and not outcome.problem, source
        assert "a feed's poll state: state, not work; the feed's next poll stores it afresh" in outcome.why
        assert "(of ingest.polls" in outcome.why
        tally = ResendTally()
        tally.add(outcome)
        assert tally.status == 0


def test_a_letter_of_ingest_naming_a_topic_it_does_not_read_with_an_original_it_cannot_place_is_refused() -> None:
    for original in (b'{"id": "nw-1", "source": "x"}', b"{not json", b"[1, 2]"):
        outcome = decided(letter("articles.raw", original))
        assert isinstance(outcome, Skip) and outcome.problem, original
        assert outcome.why == ("ingest does not read articles.raw, and the original is neither a feed entry nor a feed's "
                               "poll state: resent there, no stage would read it")
        tally = ResendTally()
        tally.add(outcome)
        assert tally.status == 1


def test_other_stages_letters_and_the_inputs_ingest_rejected_are_not_ingests_to_route() -> None:
    normalize = letter("articles.raw", ENTRY, service="normalize")
    assert decided(normalize) == Resend(normalize)
    rejected = decided(letter("cli:stdin", b"{not json"))
    assert isinstance(rejected, Skip) and not rejected.problem and "ingest it again" in rejected.why


# As publish() names an entry a polled (or pushed) feed gave that ingest rejected: the feed's channel, then where.
FEED_REJECT = 'feed:harbour:feed "harbour" entry 2'


def test_an_entry_a_feed_gave_that_ingest_rejected_is_not_resent_and_the_line_says_what_brings_it_in() -> None:
    outcome = decided(letter(FEED_REJECT, b'{"link": "https://harbour.example/empty"}', error="InvalidEntry"))
    assert isinstance(outcome, Skip) and not outcome.problem
    assert "ingest it again" not in outcome.why, "a polled feed is not ingested by hand"
    assert outcome.why.startswith('feed "harbour" entry 2 was rejected as ingest read the feed, never on a topic: '
                                  "ingest reads it again at the feed's next polls while the feed lists it, and takes "
                                  "it once it reads well: mend the feed's fields or items in the feeds file"), outcome.why
    assert "`wirewatch feeds check FEEDS_FILE`" in outcome.why
    tally = ResendTally()
    tally.add(outcome)
    assert tally.status == 0


def test_the_listing_says_what_ingest_rejected_an_input_of_feed_cli_or_http_rather_than_a_topic() -> None:
    feed = letter(FEED_REJECT, b"{}", error="InvalidEntry", reason='feed "harbour" entry 2: entry has neither title nor text')
    assert describe(feed, inputs=input_said).split("\n")[0] == (
        '2026-12-05 09:00:00Z  articles.raw.dlq[0]@3  ingest rejected what it read of feed "harbour": InvalidEntry: '
        'feed "harbour" entry 2: entry has neither title nor text')
    cli = letter("cli:stdin", b"{not json", error="InvalidJSON", reason="stdin: not valid JSON")
    assert "ingest rejected an input given to `wirewatch ingest`: InvalidJSON: stdin: not valid JSON" in describe(cli, inputs=input_said)
    http = letter("http:POST /ingest", b"{}", reason="POST /ingest: title: Field required")
    assert "ingest rejected an input sent to POST /ingest: SchemaViolation" in describe(http, inputs=input_said)
    # A letter naming a topic, or another stage's, reads as before.
    assert "ingest could not handle a message of ingest.entries: " in describe(letter("ingest.entries", ENTRY), inputs=input_said)
    other = letter("articles.raw", ENTRY, service="normalize")
    assert "normalize could not handle a message of articles.raw: " in describe(other, inputs=input_said)
