"""A real ingest worker polls a loopback feed server: each entry reaches articles.raw once, an edit comes as a
revision, and a restarted worker re-emits nothing."""

import uuid

import pytest

from schemas import RawArticle
from tests.conftest import wait_http
from tests.support.feedserver import FeedServer, wait_polls
from tests.support.kafka import collect
from tests.support.metrics import metric, scrape

pytestmark = pytest.mark.integration

ITEM = "<item><title>{title}</title><link>https://port.example.com/{slug}?utm_source=rss</link><description>{text}</description></item>"


def _doc(items):
    body = "".join(ITEM.format(**i) for i in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title>{body}</channel></rss>'.encode()


def _mine(seen, feed_id):
    return [RawArticle.model_validate(m["value"]) for m in seen["articles.raw"]
            if m["value"] and m["value"].get("feed_id") == feed_id]


async def test_polled_entries_arrive_once_edits_as_revisions_and_restart_re_emits_nothing(broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        feed_id = f"port-{uuid.uuid4().hex[:6]}"
        items = [{"title": "Dockers vote to end strike", "slug": "strike", "text": "The vote was 412 to 88."},
                 {"title": "New crane arrives", "slug": "crane", "text": "It can lift 80 tonnes."}]
        server.docs["live.xml"] = (_doc(items), "application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"defaults: {{min_interval_s: 1, max_interval_s: 2}}\nfeeds:\n"
                         f"  - id: {feed_id}\n    url: {server.url('/feed/live.xml')}\n    tags: [port]\n")
        # One partition: ingest.entries and articles.raw keep the order of the polls, so the sentinel entry below
        # reaches articles.raw only after every entry polled before it went through the dedupe agent.
        env = dict(WIREWATCH_INGEST__FEEDS_FILE=str(feeds), WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]',
                   WIREWATCH_INGEST__RELOAD_INTERVAL_S="0.5", WIREWATCH_PARTITIONS="1")
        worker = start_service("worker", "ingest", **env)
        wait_http(worker.web_port, proc=worker)

        seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(_mine(s, feed_id)) >= 2)
        first = _mine(seen, feed_id)
        assert {a.title for a in first} == {"Dockers vote to end strike", "New crane arrives"}
        assert all(a.revision == 0 and a.tags == ["port"] and a.url.endswith(("/strike", "/crane")) for a in first)

        await wait_polls(server, "/feed/live.xml", 3)  # polled again (304s): nothing new may appear
        items[1]["text"] = "It can lift 120 tonnes, the port corrected."
        server.docs["live.xml"] = (_doc(items), "application/rss+xml")
        seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(_mine(s, feed_id)) >= 3)
        articles = _mine(seen, feed_id)
        crane = [a for a in articles if a.title == "New crane arrives"]
        assert [a.revision for a in crane] == [0, 1] and crane[0].id == crane[1].id
        assert "120 tonnes" in crane[1].body

        assert metric(worker.web_port, "wirewatch_feed_items_total", feed=feed_id, outcome="updated") == 1
        assert metric(worker.web_port, "wirewatch_feed_items_total", feed=feed_id, outcome="new") == 2
        assert metric(worker.web_port, "wirewatch_feed_fetches_total", feed=feed_id, status="304") >= 3  # the polls waited for
        assert [v for n, ls, v in scrape(worker.web_port)
                if n == "wirewatch_feed_consecutive_failures" and ls.get("feed") == feed_id] == [0]

        worker.stop()
        again = start_service("worker", "ingest", **env)
        wait_http(again.web_port, proc=again)
        await wait_polls(server, "/feed/live.xml", 1, timeout_s=90)
        # The restarted worker resumes with the stored ETag (304s); a new ETag over the same entries makes it read
        # them all again, and the seen-state table recovered from its changelog drops every one.
        server.docs["live.xml"] = (_doc(items) + b"\n", "application/rss+xml")
        await wait_polls(server, "/feed/live.xml", 1, timeout_s=30)
        # Then a new entry, the sentinel: once it is in articles.raw, whatever the re-read caused is there too.
        sentinel = {"title": "Pilot boat renamed", "slug": "pilot", "text": "It is now called Tern."}
        server.docs["live.xml"] = (_doc(items + [sentinel]), "application/rss+xml")
        # (ingest.entries is read up to the sentinel's entry too: everything polled before it is then in.)
        seen = await collect(broker.bootstrap, ["articles.raw", "ingest.entries"], timeout_s=30, until=lambda s: (
            "Pilot boat renamed" in {a.title for a in _mine(s, feed_id)}
            and any(b"Pilot boat renamed" in (m["raw"] or b"") for m in s["ingest.entries"])))
        titles = [a.title for a in _mine(seen, feed_id)]
        assert titles.count("Pilot boat renamed") == 1 and len(titles) == 4, \
            f"the restarted worker re-emitted entries it had already sent: {titles}"
        # The re-read sent both old entries to the dedupe agent, which dropped them; the sentinel's poll read them
        # again and did not even send them (this worker had); the sentinel is new.
        assert metric(again.web_port, "wirewatch_feed_items_total", feed=feed_id, outcome="duplicate") == 4
        assert metric(again.web_port, "wirewatch_feed_items_total", feed=feed_id, outcome="new") == 1
        assert metric(again.web_port, "wirewatch_feed_fetches_total", feed=feed_id, status="304") >= 1  # resumed with the ETag
        # An unchanged entry is passed on once per worker, not at every poll that reads it: the strike story was
        # read by four 200s (first poll, the crane correction, the re-read after the restart, the sentinel's) and
        # sent by the first and the third.
        strike = next(a.id for a in articles if a.title == "Dockers vote to end strike")
        assert sum(1 for m in seen["ingest.entries"] if m["key"] == strike.encode()) == 2
    finally:
        await server.stop()
