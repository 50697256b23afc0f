"""A bad entry a polled feed keeps listing is dead-lettered once per revision, not once per poll: a feed without ETag
or Last-Modified is read afresh at every poll, and its rejected entry used to give one identical letter each time,
for as long as the feed listed it. The rejections travel in the feed's poll state, so a restarted worker knows them."""

import asyncio
import time
import urllib.request

import orjson
import pytest

from schemas import DeadLetter, RawArticle
from tests.conftest import wait_http
from tests.integration.test_cli import wirewatch
from tests.support.feedserver import FeedServer
from tests.support.kafka import collect

pytestmark = pytest.mark.integration

GOOD = (b"<item><title>Lighthouse relit</title><link>https://reef.example/lighthouse</link>"
        b"<description>The lamp turns again.</description></item>")


def reef(bad: bytes) -> bytes:
    return (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Reef</title>' + GOOD + bad
            + b"</channel></rss>")


EMPTY = b"<item><link>https://reef.example/buoy</link></item>"  # neither title nor text
STILL_EMPTY = b"<item><link>https://reef.example/buoy</link><guid>reef-buoy-7</guid></item>"  # changed, still bad
MENDED = (b"<item><title>Buoy moved</title><link>https://reef.example/buoy</link><guid>reef-buoy-7</guid>"
          b"<description>The east buoy is 40 m north.</description></item>")


def _letters(seen):
    out = []
    for m in seen["articles.raw.dlq"]:
        letter = DeadLetter.model_validate(m["value"])
        if letter.source_topic.startswith("feed:reef:"):
            out.append(letter)
    return out


def _status(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds", timeout=5) as resp:
        return {f["feed"]: f for f in orjson.loads(resp.read())["feeds"]}["reef"]


async def _polled(bootstrap, since, polls=3):
    """Everything on the topics once ``polls`` polls begun after ``since`` sent the feed's state: a poll's letters and
    entries are sent before its state."""
    return await collect(bootstrap, ["articles.raw", "articles.raw.dlq", "ingest.polls"], until=lambda s: sum(
        1 for m in s["ingest.polls"] if m["value"] and m["value"].get("feed_id") == "reef"
        and (m["value"].get("last_attempt_at") or 0) > since) >= polls)


def reef_worker(start_service, tmp_path, url):
    """A starter of ingest workers polling the feed "reef" at ``url`` every second, each as the one before it."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"defaults: {{min_interval_s: 1, max_interval_s: 1}}\nfeeds:\n  - {{id: reef, url: '{url}'}}\n")
    env = {"WIREWATCH_INGEST__FEEDS_FILE": str(feeds), "WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'}

    def start():
        worker = start_service("worker", "ingest", **env)
        wait_http(worker.web_port, proc=worker)
        return worker

    return start


async def test_a_bad_entry_a_feed_keeps_listing_is_dead_lettered_once_per_revision(broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        server.docs["reef.xml"] = (reef(EMPTY), "application/rss+xml")
        server.bare.add("reef.xml")
        start = reef_worker(start_service, tmp_path, server.url("/feed/reef.xml"))
        worker = start()

        seen = await _polled(broker.bootstrap, 0.0, polls=4)
        assert not any(server.conditional), "the feed has no validators: every poll reads it afresh"
        [letter] = _letters(seen)
        assert letter.error_class == "InvalidEntry" and "neither title nor text" in letter.reason
        assert [RawArticle.model_validate(m["value"]).title for m in seen["articles.raw"]] == ["Lighthouse relit"]
        assert _status(worker.web_port)["rejected"] == 1
        listed = await asyncio.to_thread(wirewatch, "feeds", "status", "--url", f"http://127.0.0.1:{worker.web_port}")
        assert "\t1 entries, 1 rejected\t" in listed.stdout.decode(), listed.stdout.decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
        repeats = [line for line in metrics.splitlines() if line.startswith('wirewatch_feed_rejected_repeats_total{feed="reef"}')]
        assert repeats and float(repeats[0].split()[-1]) >= 3, repeats

        # A restarted worker resumes the feed with what it rejected: no letter again for the same entry.
        worker.stop()
        since = time.time()
        again = start()
        seen = await _polled(broker.bootstrap, since)
        assert len(_letters(seen)) == 1, [x.reason for x in _letters(seen)]

        # The publisher changes the entry, and it is still bad: its new revision is lettered, once.
        server.docs["reef.xml"] = (reef(STILL_EMPTY), "application/rss+xml")
        since = time.time()
        seen = await _polled(broker.bootstrap, since)
        letters = _letters(seen)
        assert len(letters) == 2, [x.reason for x in letters]
        assert orjson.loads(letters[1].original)["id"].endswith("reef-buoy-7")
        assert _status(again.web_port)["rejected"] == 1

        # Mended: it is an article, once, and nothing is rejected any more.
        server.docs["reef.xml"] = (reef(MENDED), "application/rss+xml")
        since = time.time()
        seen = await _polled(broker.bootstrap, since)
        titles = sorted(RawArticle.model_validate(m["value"]).title for m in seen["articles.raw"])
        assert titles == ["Buoy moved", "Lighthouse relit"], titles
        assert len(_letters(seen)) == 2
        assert _status(again.web_port)["rejected"] == 0
    finally:
        await server.stop()
