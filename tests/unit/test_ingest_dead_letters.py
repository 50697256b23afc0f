"""Ingest's own dead letters resent: a feed entry goes back to ingest.entries, where the dedupe agent reads it, even
from a letter that names articles.raw; a feed's poll state is not sent back (state, not work); a letter of ingest that
names a topic ingest does not read, with an original ingest cannot place, is refused rather than resent into nothing."""

from __future__ import annotations

from datetime import datetime, timezone

from schemas import RawArticle
from services.ingest.dead_letters import route
from services.ingest.entries import PolledEntry
from services.ingest.polling import FeedState
from services.ingest.pollstate import to_stored
from services.runtime.codec import dead_letter
from services.runtime.dead_letters import Letter
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


def letter(source: str, original: bytes, service: str = "ingest", offset: int = 3) -> Letter:
    d = dead_letter(source_topic=source, service=service, error_class="SchemaViolation", reason="why", original=original,
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
