"""`wirewatch dead-letters` in words: which topics it reads, what it says of a letter, and the count it ends with."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from services.runtime.codec import dead_letter
from services.runtime.dead_letters import Letter, Tally, dead_letter_topics, describe, in_time_order, since

AT = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def letter(error: str, original: bytes, at: datetime = AT, offset: int = 0) -> Letter:
    d = dead_letter(source_topic="articles.raw", service="normalize", error_class=error, reason=f"RawArticle: {error} here",
                    original=original, key=b"nw-1").model_copy(update={"failed_at": at})
    return Letter("articles.raw.dlq", 0, offset, d)


def test_every_dead_letter_topic_unless_some_are_named() -> None:
    existing = ["articles.raw", "articles.raw.dlq", "alerts", "alerts.dlq", "__consumer_offsets"]
    assert dead_letter_topics(existing) == ["alerts.dlq", "articles.raw.dlq"]
    assert dead_letter_topics(existing, ["alerts.dlq", "alerts.dlq"]) == ["alerts.dlq"]


def test_a_letter_says_when_which_stage_what_failed_why_and_the_original_s_start() -> None:
    said = describe(letter("InvalidJSON", b"{not json" + b"x" * 200))
    first, second = said.split("\n")
    assert first == ("2026-12-05 09:00:00Z  articles.raw.dlq[0]@0  normalize could not handle a message of articles.raw: "
                     "InvalidJSON: RawArticle: InvalidJSON here")
    assert second.startswith("    key 'nw-1'; original 209 bytes: '{not json") and second.endswith("'…")


def test_a_record_that_is_no_dead_letter_is_said_to_be_one_and_counted() -> None:
    odd = Letter("alerts.dlq", 1, 7, None, "not a dead letter (1 error)")
    assert describe(odd) == "alerts.dlq[1]@7  not a dead letter (1 error)"
    tally = Tally()
    for item in [letter("InvalidJSON", b"{"), letter("SchemaViolation", b"{}", offset=1), letter("InvalidJSON", b"[", offset=2), odd]:
        tally.add(item)
    assert tally.summary(["alerts.dlq", "articles.raw.dlq"]) == (
        "4 dead letters: articles.raw.dlq 3 (InvalidJSON 2, SchemaViolation 1); alerts.dlq 1 (unreadable 1)")
    assert Tally().summary(["alerts.dlq"]) == "no dead letters in alerts.dlq"


def test_options_that_choose_no_letter_say_what_they_left_out() -> None:
    """`--service normalise` (a typo) or `--error-class Nope`: not "no dead letters" as if there were none."""
    tally = Tally()
    for item in [letter("InvalidJSON", b"{"), letter("SchemaViolation", b"{}", offset=1), letter("InvalidJSON", b"[", offset=2)]:
        tally.leave_out(item)
    assert tally.summary(["articles.raw.dlq"]) == (
        "no dead letters in articles.raw.dlq; 3 left out by the options: normalize 3 (InvalidJSON 2, SchemaViolation 1)")


def test_since_keeps_the_later_letters() -> None:
    early, late = letter("InvalidJSON", b"{", AT), letter("InvalidJSON", b"{", AT.replace(hour=12), offset=1)
    assert [since(x, AT.replace(hour=10)) for x in (early, late)] == [False, True]
    assert since(early, None) and since(late, None)


def test_since_leaves_out_a_record_that_is_no_dead_letter_written_before_it() -> None:
    """Else the --since a resend ends with would bring the record it said back every time."""
    odd = Letter("alerts.dlq", 0, 4, None, "not a dead letter (1 error)", written_at=AT)
    assert since(odd, AT) and not since(odd, AT.replace(hour=10))
    assert since(Letter("alerts.dlq", 0, 5, None, "not a dead letter (1 error)"), AT.replace(hour=10)), "no time: kept"


async def test_letters_are_in_time_order_across_topics_and_partitions() -> None:
    first = letter("InvalidJSON", b"{", AT.replace(hour=8))
    second = replace(letter("SchemaViolation", b"{}", AT.replace(hour=9)), partition=1)
    third = letter("InvalidJSON", b"[", AT.replace(hour=10), offset=1)
    odd = Letter("alerts.dlq", 0, 0, None, "not a dead letter (1 errors)", written_at=AT.replace(hour=9, minute=30))
    # Each partition as read: in its own time order.
    merged = in_time_order([partition([first, third]), partition([second]), partition([odd]), partition([])])
    assert [item async for item in merged] == [first, second, odd, third]


async def test_a_letter_is_handed_on_before_the_partitions_are_read_to_their_end() -> None:
    """Only the next letter of each partition is held, not every letter (each carries its original, up to ~100 KB)."""
    pulled: list[int] = []
    hours = {0: [8, 11, 12], 1: [9, 10, 13]}

    async def counted(p: int):
        for i, hour in enumerate(hours[p]):
            pulled.append(p)
            yield replace(letter("InvalidJSON", b"{", AT.replace(hour=hour), offset=i), partition=p)

    merged = in_time_order([counted(0), counted(1)])
    assert (await anext(merged)).at.hour == 8
    assert sorted(pulled) == [0, 1]  # one letter of each partition, to know which is the oldest
    assert [item.at.hour async for item in merged] == [9, 10, 11, 12, 13]


async def partition(letters: list[Letter]):
    for item in letters:
        yield item


def test_a_letter_without_a_key_says_it_has_none_rather_than_a_key_named_none() -> None:
    keyless = replace(letter("SchemaViolation", b"{}"), letter=letter("SchemaViolation", b"{}").letter.model_copy(update={"key": None}))
    assert describe(keyless).split("\n")[1] == "    no key; original 2 bytes: '{}'"
