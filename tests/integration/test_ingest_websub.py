"""The WebSub subscriber on a real ingest worker: verification of intent, signed pushes reach articles.raw once
(through the same seen-state as polls), unsigned or wrongly signed pushes are ignored and counted."""

import hashlib
import hmac
import uuid

import aiohttp
import pytest

from tests.conftest import wait_http
from tests.support.feedserver import FeedServer
from tests.support.kafka import collect
from tests.support.metrics import metric, scrape

pytestmark = pytest.mark.integration

ITEM = "<item><title>{t}</title><link>https://harbour.example.com/{slug}</link><description>{t}.</description></item>"
SECRET = "hub-s3cret"


def _doc(*items):
    body = "".join(ITEM.format(t=t, slug=t.lower().replace(" ", "-")) for t in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>{body}</channel></rss>'.encode()


def _sign(body, method="sha256", secret=SECRET):
    return f"{method}={hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()}"


async def test_websub_verifies_intent_and_signed_pushes_reach_articles_raw_once(broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        feed_id = f"harbour-{uuid.uuid4().hex[:6]}"
        topic = server.url(f"/feed/{feed_id}.xml")
        server.docs[f"{feed_id}.xml"] = (_doc("Pilot boat launched"), "application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"defaults: {{min_interval_s: 3600, max_interval_s: 3600}}\nfeeds:\n"
                         f"  - {{id: {feed_id}, url: '{topic}', websub_secret: {SECRET}}}\n")
        worker = start_service("worker", "ingest", WIREWATCH_INGEST__FEEDS_FILE=str(feeds),
                               WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]', WIREWATCH_PARTITIONS="1")
        wait_http(worker.web_port, proc=worker)
        base = f"http://127.0.0.1:{worker.web_port}/websub"

        def mine(seen):
            return [m["value"]["title"] for m in seen["articles.raw"] if m["value"] and m["value"].get("feed_id") == feed_id]

        # The one poll (interval 1 h) sends the first entry; pushes come after it.
        await collect(broker.bootstrap, ["articles.raw"], until=lambda s: mine(s) == ["Pilot boat launched"])

        async with aiohttp.ClientSession() as http:
            async def verify(path, **params):
                async with http.get(f"{base}/{path}", params=params) as resp:
                    return resp.status, await resp.text()

            challenge = {"hub.challenge": "c-4711", "hub.lease_seconds": "86400"}
            assert await verify(feed_id, **{"hub.mode": "subscribe", "hub.topic": topic}, **challenge) == (200, "c-4711")
            assert await verify(feed_id, **{"hub.mode": "unsubscribe", "hub.topic": topic}, **challenge) == (200, "c-4711")
            for path, params in [("no-such-feed", {"hub.mode": "subscribe", "hub.topic": topic}),
                                 (feed_id, {"hub.mode": "subscribe", "hub.topic": "https://elsewhere.example.com/feed"})]:
                status, body = await verify(path, **params, **challenge)
                assert status == 404 and "c-4711" not in body
            status, body = await verify(feed_id, **{"hub.mode": "publish", "hub.topic": topic}, **challenge)
            assert status in (400, 404) and "c-4711" not in body

            async def push(body, signature):
                headers = {"Content-Type": "application/rss+xml"} | ({"X-Hub-Signature": signature} if signature else {})
                async with http.post(f"{base}/{feed_id}", data=body, headers=headers) as resp:
                    return resp.status, await resp.json()

            forged = _doc("Forged story")
            for signature in (None, _sign(forged, secret="wrong"), "sha256=00", "md5=abc"):
                status, answer = await push(forged, signature)
                assert status == 202 and answer["accepted"] == 0 and "ignored" in answer, (signature, answer)
            first = _doc("Pilot boat launched", "Crane 7 repaired")
            second = _doc("Pilot boat launched", "Crane 7 repaired", "Night shift cancelled")
            assert (await push(first, _sign(first, "sha1")))[1]["accepted"] == 2
            assert (await push(first, _sign(first, "sha256")))[1]["accepted"] == 2  # the hub re-sends: no duplicate
            assert (await push(second, _sign(second, "sha256")))[1]["accepted"] == 3

            # A sentinel pushed last: with one partition, ingest.entries and articles.raw keep the order of the
            # pushes, so once it is in articles.raw every entry before it went through the dedupe agent.
            sentinel = _doc("Sentinel buoy moored")
            assert (await push(sentinel, _sign(sentinel, "sha256")))[1]["accepted"] == 1
            seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: "Sentinel buoy moored" in mine(s))
            assert sorted(mine(seen)) == ["Crane 7 repaired", "Night shift cancelled", "Pilot boat launched",
                                          "Sentinel buoy moored"], mine(seen)

        def items(outcome: str) -> float:
            return metric(worker.web_port, "wirewatch_feed_items_total", feed=feed_id, outcome=outcome)

        assert metric(worker.web_port, "wirewatch_websub_pushes_total", feed=feed_id, outcome="bad_signature") == 4
        assert metric(worker.web_port, "wirewatch_websub_pushes_total", feed=feed_id, outcome="accepted") == 4
        # One entry polled and eight pushed with a good signature: four new, five repeats.
        assert (items("new"), items("duplicate")) == (4, 5), [(n, ls, v) for n, ls, v in scrape(worker.web_port)
                                                             if n == "wirewatch_feed_items_total"]
        assert server.hits[f"/feed/{feed_id}.xml"] == 1
    finally:
        await server.stop()
