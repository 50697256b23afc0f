"""`wirewatch dead-letters --resend` on the real broker: originals go back to their topic with their key and a header
saying where from; a dry run sends nothing; a record that cannot be resent is said and skipped; and a message that a
stage once refused is processed by it when resent after the fix, ingest's feed entries included; an entry a polled
feed gave that ingest rejected is listed as the feed's and not resent, the line saying what brings it in."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timezone

import orjson
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas import DeadLetter, NormalizedArticle, RawArticle
from services.ingest.entries import PolledEntry
from services.ingest.polling import FeedState
from services.ingest.pollstate import to_stored
from services.runtime.codec import dead_letter, encode
from tests.e2e.test_stories import WARSAW_EN, normalized
from tests.integration.test_cli import wirewatch
from tests.support.feedserver import FeedServer
from tests.support.kafka import collect, send, snapshot

pytestmark = pytest.mark.integration


async def create(bootstrap: str, *topics: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1) for t in topics])
    finally:
        await admin.close()


async def send_with_headers(bootstrap: str, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


def letter_of_normalize(key: bytes, original: bytes, error_class: str, reason: str) -> tuple[bytes, bytes]:
    """A dead letter as normalize's stage writes it (services/runtime/stage.py): keyed like the original."""
    d = dead_letter(source_topic="articles.raw", service="normalize", error_class=error_class, reason=reason,
                    original=original, key=key)
    return key, encode(d)


async def test_resend_of_one_error_class_puts_the_originals_back_with_their_key_and_where_they_came_from(broker):
    await create(broker.bootstrap, "articles.raw", "articles.raw.dlq")
    await send(broker.bootstrap, "articles.raw.dlq", [
        letter_of_normalize(b"nw-a", b'{"id": "nw-a", "colour": "red"}', "SchemaViolation", "RawArticle: colour: extra"),
        letter_of_normalize(b"nw-b", b"{not json", "InvalidJSON", "RawArticle: not valid JSON"),
        # written by something else: its original is no base64, so there is nothing to resend; it holds back no other
        (b"nw-d", orjson.dumps({"schema_version": 1, "source_topic": "articles.raw", "service": "normalize",
                                "error_class": "SchemaViolation", "reason": "r", "original": "not base64!",
                                "key": None, "failed_at": "2026-12-05T09:00:00Z"})),
        letter_of_normalize(b"nw-c", b'{"id": "nw-c", "colour": "blue"}', "SchemaViolation", "RawArticle: colour: extra"),
    ])
    unreadable = re.compile(r"^skip articles\.raw\.dlq\[0\]@2: not a dead letter \(original: not valid base64.*"
                            r": nothing to resend, left where it is$", re.M)

    dry = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend", "--dry-run",
                                  "--error-class", "SchemaViolation")
    out = dry.stdout.decode()
    assert dry.returncode == 3, dry.stderr.decode()  # as the resend will: all went but a record that is no letter
    assert out.count("would resend articles.raw.dlq[0]@") == 2 and "key 'nw-a'" in out and "key 'nw-c'" in out
    assert "nw-b" not in out, "another error class"
    assert len(unreadable.findall(out)) == 1, out
    assert ("would resend 2 dead letters: articles.raw 2 (SchemaViolation 2); skipped 1 (1 unreadable, no dead letter) "
            "(dry run: nothing sent)") in dry.stderr.decode()
    assert (await snapshot(broker.bootstrap, ["articles.raw"]))["articles.raw"] == []

    sent = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend",
                                   "--error-class", "SchemaViolation")
    assert sent.returncode == 3, sent.stderr.decode()
    assert len(unreadable.findall(sent.stdout.decode())) == 1, sent.stdout.decode()
    err = sent.stderr.decode()
    assert "resent 2 dead letters: articles.raw 2 (SchemaViolation 2); skipped 1 (1 unreadable, no dead letter)" in err
    back = (await snapshot(broker.bootstrap, ["articles.raw"]))["articles.raw"]
    assert [(m["key"], m["raw"]) for m in back] == [(b"nw-a", b'{"id": "nw-a", "colour": "red"}'),
                                                    (b"nw-c", b'{"id": "nw-c", "colour": "blue"}')]
    assert [m["headers"] for m in back] == [
        {"wirewatch-resent-from": b"articles.raw.dlq[0]@0", "wirewatch-resent-for": b"normalize"},
        {"wirewatch-resent-from": b"articles.raw.dlq[0]@3", "wirewatch-resent-for": b"normalize"}]

    # Resending again would send them twice; the --since it ends with leaves them out, and the record it said too.
    since = re.search(r"--since (\S+) leaves them out", err)
    assert since, err
    again = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend",
                                    "--error-class", "SchemaViolation", "--since", since.group(1))
    assert again.returncode == 0, again.stderr.decode()
    assert "resent 0 dead letters\n" in again.stderr.decode() and again.stdout == b"", again.stderr.decode()
    assert len((await snapshot(broker.bootstrap, ["articles.raw"]))["articles.raw"]) == 2


async def test_an_article_refused_by_an_older_release_is_normalized_when_resent(broker, start_service):
    """The upgrade case: normalize once refused an article (a field it did not know yet); the release running now
    accepts it, and the resent article comes out normalized, the worker's log naming the letter it came from. A message
    resent for another stage is left alone."""
    article = RawArticle(id="nw-resent", source="test", title="Storm closes schools",
                         body="Schools across the coast stayed shut on Tuesday.", fetched_at=datetime.now(timezone.utc))
    await create(broker.bootstrap, "articles.raw", "articles.raw.dlq")
    await send(broker.bootstrap, "articles.raw.dlq", [letter_of_normalize(
        b"nw-resent", encode(article), "SchemaViolation", "RawArticle: published_at: Extra inputs are not permitted")])
    # Resent for another stage of the same topic (as a newsroom letter of articles.tagged is for the alerter): normalize
    # leaves it, and it comes before the resend in the one partition of this key.
    other = article.model_copy(update={"title": "Meant for another stage"})
    producer_headers = [("wirewatch-resent-from", b"articles.raw.dlq[0]@9"), ("wirewatch-resent-for", b"newsroom")]
    await send_with_headers(broker.bootstrap, "articles.raw", b"nw-resent", encode(other), producer_headers)
    worker = start_service("worker", "normalize")

    sent = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend")
    assert sent.returncode == 0, sent.stderr.decode()
    assert sent.stdout.decode().startswith("resent articles.raw.dlq[0]@0 -> articles.raw (key 'nw-resent'")
    seen = await collect(broker.bootstrap, ["articles.normalized"],
                         until=lambda s: b"nw-resent" in {m["key"] for m in s["articles.normalized"]})
    [out] = [NormalizedArticle.model_validate(m["value"]) for m in seen["articles.normalized"] if m["key"] == b"nw-resent"]
    assert out.id == "nw-resent" and "Schools" in out.body and out.title == "Storm closes schools"
    assert "resent_read" in worker.log() and "articles.raw.dlq[0]@0" in worker.log()


async def test_the_tagger_reads_a_message_resent_for_it_and_leaves_one_resent_for_another_stage(broker, start_service):
    """The tagger reads articles.normalized in batches, not through the stages' one-message loop, and asks the same:
    a message resent for another stage would otherwise be tagged again, a second article in articles.tagged."""
    now = datetime.now(timezone.utc)
    other = normalized("nw-resent-other", *WARSAW_EN, translated=False, now=now)
    mine = normalized("nw-resent-mine", *WARSAW_EN, translated=False, now=now)
    await create(broker.bootstrap, "articles.normalized")
    # One key, one partition: the tagger meets the message for another stage first, in the same batch or the one before.
    await send_with_headers(broker.bootstrap, "articles.normalized", b"nw-resent", encode(other),
                            [("wirewatch-resent-from", b"articles.normalized.dlq[0]@6"), ("wirewatch-resent-for", b"newsroom")])
    await send_with_headers(broker.bootstrap, "articles.normalized", b"nw-resent", encode(mine),
                            [("wirewatch-resent-from", b"articles.normalized.dlq[0]@7"), ("wirewatch-resent-for", b"tagger")])
    worker = start_service("worker", "tagger")

    seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=120,
                         until=lambda s: b"nw-resent-mine" in {m["key"] for m in s["articles.tagged"]})
    assert [m["key"] for m in seen["articles.tagged"] if m["key"].startswith(b"nw-resent-")] == [b"nw-resent-mine"]
    assert "resent_read" in worker.log() and "articles.normalized.dlq[0]@7" in worker.log()
    assert "articles.normalized.dlq[0]@6" not in worker.log()


def feed_entry(article_id: str, title: str) -> bytes:
    """A polled feed entry as the poller sends it to ingest.entries."""
    article = RawArticle(id=article_id, source="harbour", title=title, body=f"{title}, the harbour master said.",
                         fetched_at=datetime.now(timezone.utc), feed_id="harbour")
    return PolledEntry(article=article).model_dump_json().encode()


async def test_a_feed_entry_ingest_refused_is_resent_to_ingest_entries_and_reaches_articles_raw_once(broker, start_service):
    """Ingest's dedupe agent reads ingest.entries and writes its letters to articles.raw.dlq, naming ingest.entries:
    resent, an entry goes back there and comes out in articles.raw once, as an article; so does one whose letter names
    articles.raw (sent there, it would be a feed entry on the articles' topic, read by no stage). A feed's poll state
    is not resent: state, not work."""
    await create(broker.bootstrap, "ingest.entries", "ingest.polls", "articles.raw", "articles.raw.dlq")
    worker = start_service("worker", "ingest")
    # The letter the worker itself writes for an entry it cannot read names the topic it read it from.
    await send(broker.bootstrap, "ingest.entries", [(b"nw-garbled", b"{not json")])
    seen = await collect(broker.bootstrap, ["articles.raw.dlq"], until=lambda s: len(s["articles.raw.dlq"]) == 1)
    written = DeadLetter.model_validate_json(seen["articles.raw.dlq"][0]["raw"])
    assert (written.source_topic, written.service, written.original) == ("ingest.entries", "ingest", b"{not json")
    # Filed as every stage files bytes that are no JSON, so `--error-class InvalidJSON` finds it; the reason in words.
    assert written.error_class == "InvalidJSON", written
    assert written.reason.startswith("PolledEntry: not valid JSON: ") and "pydantic" not in written.reason, written.reason

    refused = "Refused as a release before this one refused it: a field it did not know"
    state = to_stored(FeedState(feed_id="harbour", url="https://harbour.example/feed.xml", etag='"v7"'),
                      "https://harbour.example/feed.xml").model_dump_json().encode()
    await send(broker.bootstrap, "articles.raw.dlq", [
        (b"nw-entry", encode(dead_letter(source_topic="ingest.entries", service="ingest", error_class="SchemaViolation",
                                         reason=refused, original=feed_entry("nw-entry", "Pilot boat renamed"), key=b"nw-entry"))),
        (b"nw-named-raw", encode(dead_letter(source_topic="articles.raw", service="ingest", error_class="SchemaViolation",
                                             reason=refused, original=feed_entry("nw-named-raw", "Ferry timetable cut"),
                                             key=b"nw-named-raw"))),
        (b"harbour", encode(dead_letter(source_topic="ingest.polls", service="ingest", error_class="SchemaViolation",
                                        reason=refused, original=state, key=b"harbour"))),
    ])

    sent = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend")
    out = sent.stdout.decode()
    assert sent.returncode == 0, sent.stderr.decode()
    assert "resent articles.raw.dlq[0]@0 -> ingest.entries (key 'nw-garbled'" in out, out
    assert "resent articles.raw.dlq[0]@1 -> ingest.entries (key 'nw-entry'" in out, out
    assert ("resent articles.raw.dlq[0]@2 -> ingest.entries (key 'nw-named-raw'" in out
            and "a feed entry, which ingest reads from ingest.entries, not articles.raw as the letter says" in out), out
    assert "skip articles.raw.dlq[0]@3: a feed's poll state: state, not work" in out, out
    assert "resent 3 dead letters: ingest.entries 3 (SchemaViolation 2, InvalidJSON 1); skipped 1" in sent.stderr.decode()

    wanted = {b"nw-entry", b"nw-named-raw"}
    # The garbled entry, resent, fails again: a new letter, naming ingest.entries again.
    seen = await collect(broker.bootstrap, ["articles.raw", "articles.raw.dlq", "ingest.polls"], until=lambda s: (
        wanted <= {m["key"] for m in s["articles.raw"]} and len(s["articles.raw.dlq"]) == 5))
    assert [(m["key"], RawArticle.model_validate_json(m["raw"]).title) for m in seen["articles.raw"]] == [
        (b"nw-entry", "Pilot boat renamed"), (b"nw-named-raw", "Ferry timetable cut")]
    again = DeadLetter.model_validate_json(seen["articles.raw.dlq"][4]["raw"])
    assert (again.source_topic, again.original) == ("ingest.entries", b"{not json")
    assert seen["ingest.polls"] == [], "a poll state is not sent back"
    log = worker.log()
    assert all(f"articles.raw.dlq[0]@{n}" in log for n in (0, 1, 2)) and log.count("resent_read") == 3, log[-3000:]


HARBOUR_RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>'
               b"<item><title>Pilot boat renamed</title><link>https://harbour.example/pilot</link>"
               b"<description>It is now called Tern.</description></item>"
               b"<item><link>https://harbour.example/empty</link></item></channel></rss>")


async def test_an_entry_a_polled_feed_gave_that_ingest_rejected_is_listed_as_the_feeds_and_not_resent(
        broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        server.docs["harbour.xml"] = (HARBOUR_RSS, "application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - id: harbour\n    url: {server.url('/feed/harbour.xml')}\n")
        start_service("worker", "ingest", WIREWATCH_INGEST__FEEDS_FILE=str(feeds),
                      WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]')
        await collect(broker.bootstrap, ["articles.raw.dlq"], until=lambda s: len(s["articles.raw.dlq"]) >= 1)
    finally:
        await server.stop()

    listed = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap)
    assert listed.returncode == 0, listed.stderr.decode()
    # Keyed by the feed and what was rejected, not by an article id (the entry gave none): a letter written again (a
    # crash before the poll's state was stored) has the same key.
    assert re.search(r'articles\.raw\.dlq\[\d+\]@0  ingest rejected what it read of feed "harbour": InvalidEntry: '
                     r'feed "harbour" entry 2: entry has neither title nor text\n'
                     r"    key 'feed:harbour:[0-9a-f]{24}'; original ", listed.stdout.decode()), listed.stdout.decode()
    dry = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--resend", "--dry-run")
    assert dry.returncode == 0, dry.stderr.decode()
    assert re.match(r'skip articles\.raw\.dlq\[\d+\]@0: feed "harbour" entry 2 was rejected as ingest read the feed, '
                    r"never on a topic: ingest reads it again at the feed's next polls while the feed lists it",
                    dry.stdout.decode()), dry.stdout.decode()
