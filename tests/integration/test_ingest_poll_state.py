"""Poll state survives a restart: a restarted ingest worker resumes each feed where the last one left it
(ETag → conditional GET, 410 → still disabled, failures in a row → still counted), from the ``ingest-feeds`` table."""

import asyncio
import urllib.request
import uuid

import orjson
import pytest

from tests.conftest import wait_http
from tests.support.feedserver import FeedServer
from tests.support.kafka import collect

pytestmark = pytest.mark.integration

DOC = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title><item><title>Ferry resumes</title>'
       b'<link>https://port.example.com/ferry</link><description>The ferry runs again.</description></item></channel></rss>')


async def _wait(condition, what, timeout_s=60.0):
    for _ in range(int(timeout_s * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout_s}s")


def _feeds(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds", timeout=5) as resp:
        return {f["feed"]: f for f in orjson.loads(resp.read())["feeds"]}


def _states(seen, feed_id):
    return [m["value"] for m in seen["ingest.polls"] if m["value"] and m["value"].get("feed_id") == feed_id]


async def test_restarted_worker_polls_conditionally_keeps_a_gone_feed_disabled_and_counts_on(broker, start_service, tmp_path):
    server = await FeedServer().start()
    try:
        tag = uuid.uuid4().hex[:6]
        live, gone, down = f"live-{tag}", f"gone-{tag}", f"down-{tag}"
        server.docs[f"{live}.xml"] = (DOC, "application/rss+xml")
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(f"defaults: {{min_interval_s: 1, max_interval_s: 1}}\nfeeds:\n"
                         f"  - {{id: {live}, url: '{server.url(f'/feed/{live}.xml')}'}}\n"
                         f"  - {{id: {gone}, url: '{server.url('/gone')}'}}\n"
                         f"  - {{id: {down}, url: '{server.url('/unavailable')}'}}\n")
        env = {"WIREWATCH_INGEST__FEEDS_FILE": str(feeds), "WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]',
               "WIREWATCH_INGEST__BACKOFF_BASE_S": "0.1", "WIREWATCH_INGEST__FAILING_AFTER": "2"}
        worker = start_service("worker", "ingest", **env)
        wait_http(worker.web_port, proc=worker)
        await _wait(lambda: server.hits.get(f"/feed/{live}.xml", 0) >= 2 and server.hits.get("/unavailable", 0) >= 2
                    and server.hits.get("/gone", 0) >= 1, "the first polls", timeout_s=90)
        # Every poll's state is on ingest.polls: that is what the next worker resumes from.
        seen = await collect(broker.bootstrap, ["ingest.polls"], until=lambda s: any(
            x["etag"] for x in _states(s, live)) and any(x["disabled"] for x in _states(s, gone))
            and any(x["consecutive_failures"] >= 2 for x in _states(s, down)))
        assert all(m["key"].decode() == m["value"]["feed_id"] for m in seen["ingest.polls"] if m["value"])
        before = _feeds(worker.web_port)
        assert before[gone]["disabled"] and before[live]["polled_here"]
        worker.stop()

        asked_before = len(server.conditional)
        gone_hits = server.hits["/gone"]
        failures = max(x["consecutive_failures"] for x in _states(seen, down))
        again = start_service("worker", "ingest", **env)
        wait_http(again.web_port, proc=again)
        await _wait(lambda: len(server.conditional) > asked_before, "a poll by the restarted worker", timeout_s=90)
        first = server.conditional[asked_before]
        assert first.get("If-None-Match"), f"the first poll after the restart was unconditional: {first}"
        assert first.get("If-Modified-Since") == "Mon, 04 Mar 2024 07:00:00 GMT"

        await _wait(lambda: server.hits.get(f"/feed/{live}.xml", 0) >= 3 + 2 and
                    _feeds(again.web_port)[down]["consecutive_failures"] > failures, "more polls", timeout_s=30)
        after = _feeds(again.web_port)
        assert server.hits["/gone"] == gone_hits, "a feed that answered 410 was fetched again after the restart"
        assert after[gone]["disabled"] and after[gone]["failing"] and after[gone]["next_poll_in_s"] is None
        assert after[down]["failing"] and after[down]["last_error_class"] == "HTTP503"
        assert after[live]["last_status"] == 304 and not after[live]["failing"]
    finally:
        await server.stop()
