"""`wirewatch ingest` given a polled feed's URL reads it as the poller does, so its articles have the poller's ids; but
it sends them straight to ``articles.raw``, not through ``ingest.entries`` and the seen-state: an entry polled already
goes down the pipeline again under the same id, as revision 0 (what docs/ingest.md says of it)."""

import asyncio

import pytest

from schemas import RawArticle
from tests.conftest import wait_http
from tests.integration.test_cli import wirewatch
from tests.support.feedserver import FeedServer
from tests.support.kafka import collect

pytestmark = pytest.mark.integration

DOC = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quay</title>'
       b"<item><title>Crane repaired</title><link>https://quay.example/crane</link>"
       b"<description>Crane 4 lifts again.</description></item></channel></rss>")


async def test_an_entry_polled_already_and_ingested_by_hand_is_sent_again_under_its_id(broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        server.docs["quay.xml"] = (DOC, "application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - {{id: quay, url: '{server.url('/feed/quay.xml')}'}}\n")
        env = {"WIREWATCH_INGEST__FEEDS_FILE": str(feeds), "WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]',
               "WIREWATCH_INGEST__FULL_TEXT": "false"}
        worker = start_service("worker", "ingest", **env)
        wait_http(worker.web_port, proc=worker)
        polled = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(s["articles.raw"]) >= 1)
        [first] = [RawArticle.model_validate(m["value"]) for m in polled["articles.raw"]]
        assert first.feed_id == "quay" and first.revision == 0

        by_hand = await asyncio.to_thread(wirewatch, "ingest", "--broker", broker.bootstrap,
                                          server.url("/feed/quay.xml"), env=env)
        assert by_hand.returncode == 0, by_hand.stderr.decode()
        assert 'read as feed "quay"' in by_hand.stderr.decode()
        assert by_hand.stdout.decode() == f"accepted {first.id}\n"
        seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(s["articles.raw"]) >= 2)
        again = [RawArticle.model_validate(m["value"]) for m in seen["articles.raw"]]
        assert [a.id for a in again] == [first.id, first.id], "the seen-state did not drop it: it never saw it"
        assert again[1].revision == 0 and again[1].fingerprint == first.fingerprint
    finally:
        await server.stop()
