"""`wirewatch dead-letters --resend` decided: which letters go back where, which are skipped and why, what it says."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.runtime.codec import dead_letter
from services.runtime.dead_letters import Letter, chosen
from services.runtime.resend import (RESENT_FOR_HEADER, RESENT_FROM_HEADER, UNREADABLE_STATUS, NotResent, Resend,
                                     ResendTally, Skip, meant_for, next_since, plan, resend_headers, resent_from, said)

AT = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
OURS = ["articles.raw", "articles.normalized", "articles.tagged", "alerts", "alerter.matches", "alerter.bursts"]
WITH_HEADERS = {"alerter.matches", "alerter.bursts"}


def letter(source: str = "articles.raw", service: str = "normalize", error: str = "SchemaViolation",
           key: bytes | None = b"nw-1", offset: int = 3) -> Letter:
    d = dead_letter(source_topic=source, service=service, error_class=error, reason="why", original=b'{"id": "nw-1"}',
                    key=key).model_copy(update={"failed_at": AT})
    return Letter(f"{source}.dlq", 0, offset, d)


def decided(item: Letter, existing: set[str] | None = None) -> Resend | Skip:
    def route(d):
        return NotResent("use alerts replay") if d.error_class == "WebhookUndeliverable" else None

    return plan(item, resendable=OURS, kept_headers=WITH_HEADERS, existing=set(OURS) if existing is None else existing,
                route=route)


def test_a_letter_of_a_pipeline_topic_goes_back_there_with_its_key_and_where_it_came_from() -> None:
    item = letter()
    assert decided(item) == Resend(item)
    assert resend_headers(item) == [(RESENT_FROM_HEADER, b"articles.raw.dlq[0]@3"), (RESENT_FOR_HEADER, b"normalize")]
    assert said(Resend(item), dry_run=False) == ("resent articles.raw.dlq[0]@3 -> articles.raw (key 'nw-1', 14 bytes; "
                                                 "normalize: SchemaViolation)")
    assert said(Resend(item), dry_run=True).startswith("would resend articles.raw.dlq[0]@3 -> articles.raw")


def test_what_cannot_go_back_is_skipped_with_why_and_counts_as_a_problem() -> None:
    cases = {
        "not one of the pipeline's": letter(source="articles.retired"),
        "is not on the broker": letter(source="articles.tagged", service="newsroom"),
        "carries the alerter's headers": letter(source="alerter.matches", service="alerter-dedupe"),
    }
    for why, item in cases.items():
        outcome = decided(item, existing={"articles.raw", "alerter.matches"})
        assert isinstance(outcome, Skip) and outcome.problem and why in outcome.why, (why, outcome)
    tally = ResendTally()
    tally.add(Resend(letter()))
    tally.add(decided(letter(source="articles.retired")))
    assert tally.status == 1


def test_a_record_that_is_no_dead_letter_is_said_where_it_is_and_why_and_does_not_hold_the_others_back() -> None:
    unreadable = Letter("articles.raw.dlq", 0, 5, None, "not a dead letter (original: not valid base64: Incorrect padding)")
    outcome = decided(unreadable)
    assert isinstance(outcome, Skip) and outcome.unreadable and not outcome.problem
    assert said(outcome, dry_run=False) == ("skip articles.raw.dlq[0]@5: not a dead letter (original: not valid base64: "
                                            "Incorrect padding): nothing to resend, left where it is")
    tally = ResendTally()
    for each in [Resend(letter(offset=4)), outcome, Resend(letter(offset=6))]:
        tally.add(each)
    assert tally.summary(dry_run=False) == ("resent 2 dead letters: articles.raw 2 (SchemaViolation 2); "
                                            "skipped 1 (1 unreadable, no dead letter)")
    # Not 0: a record nothing can read may be a message lost; not 1: every letter that could go back went.
    assert tally.status == UNREADABLE_STATUS == 3
    tally.add(decided(letter(source="articles.retired")))
    assert tally.status == 1, "a letter that could not go back outweighs it"
    nothing_else = ResendTally()
    nothing_else.add(decided(letter(error="EmptyMessage")))
    assert nothing_else.status == 0


def test_a_failed_delivery_and_a_rejected_input_are_pointed_elsewhere_without_failing() -> None:
    delivery = decided(letter(source="alerts", service="alerter-delivery", error="WebhookUndeliverable", key=b"ops"))
    assert isinstance(delivery, Skip) and not delivery.problem and delivery.why == "use alerts replay"
    rejected = decided(letter(source="cli:stdin", service="ingest", error="InvalidJSON", key=None))
    assert isinstance(rejected, Skip) and not rejected.problem and "ingest it again" in rejected.why
    # A tombstone's letter keeps b"": sent back it would be an empty message, no tombstone, and fail as no JSON.
    empty = decided(letter(error="EmptyMessage"))
    assert isinstance(empty, Skip) and not empty.problem and empty.why == "an empty message (a tombstone): nothing to resend"


def test_a_resent_message_is_read_only_by_the_stage_that_failed_it() -> None:
    headers = dict(resend_headers(letter(source="articles.tagged", service="newsroom")))
    assert meant_for(headers, "newsroom") and not meant_for(headers, "alerter")
    assert meant_for(None, "alerter") and meant_for({"wirewatch-copy-of": b"a-1"}, "alerter")
    assert resent_from(headers) == "articles.tagged.dlq[0]@3" and resent_from({}) is None


def test_the_closing_line_counts_per_source_topic_and_error_class() -> None:
    tally = ResendTally()
    for outcome in [Resend(letter()), Resend(letter(offset=4)), Resend(letter(error="InvalidJSON")),
                    Resend(letter(source="articles.normalized", service="tagger")), decided(letter(source="gone"))]:
        tally.add(outcome)
    assert tally.summary(dry_run=False) == ("resent 4 dead letters: articles.raw 3 (SchemaViolation 2, InvalidJSON 1); "
                                            "articles.normalized 1 (SchemaViolation 1); skipped 1")
    assert tally.problems == 1 and tally.newest == AT
    assert ResendTally().summary(dry_run=True) == "would resend 0 dead letters (dry run: nothing sent)"


def test_the_since_to_use_next_leaves_out_every_letter_resent() -> None:
    started = AT + timedelta(minutes=5)
    assert next_since(started, AT) == "2026-12-05T09:05:00.000000"
    late = started + timedelta(seconds=1)  # written after the run began, before the topics were read to their end
    assert next_since(started, late) == "2026-12-05T09:05:01.000001"


def test_error_class_and_service_filters_choose_letters_and_keep_records_that_are_none() -> None:
    item = letter()
    assert chosen(item) and chosen(item, ["SchemaViolation", "InvalidJSON"]) and chosen(item, services=["normalize"])
    assert not chosen(item, ["InvalidJSON"]) and not chosen(item, ["SchemaViolation"], ["tagger"])
    assert chosen(Letter("articles.raw.dlq", 0, 1, None, "not a dead letter"), ["InvalidJSON"])
