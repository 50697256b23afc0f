"""The embedded broker keeps nothing across its own restart: workers must carry on without being restarted,
say what was lost, and lose nothing they were told the broker has."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp
import orjson
import pytest

from schemas import RawArticle
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.support.kafka import collect, send
from tests.support.metrics import metric

pytestmark = pytest.mark.integration


def raw(article_id: str) -> RawArticle:
    return RawArticle(id=article_id, source="restart", title=f"Harbour report {article_id}",
                      body="The harbour reopened on Monday after repairs, the port authority said.",
                      fetched_at=datetime.now(timezone.utc))


async def test_a_worker_carries_on_after_the_embedded_broker_restarts(broker, start_service):
    worker = start_service("worker", "normalize", WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6")
    wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=120)
    before = [f"before-{i}" for i in range(60)]
    await send(broker.bootstrap, "articles.raw", [(i.encode(), encode(raw(i))) for i in before])
    await collect(broker.bootstrap, ["articles.normalized"],
                  until=lambda s: set(before) <= {m["key"].decode() for m in s["articles.normalized"]})

    broker.stop()
    t0 = time.monotonic()
    broker.start()
    after = [f"after-{i}" for i in range(5)]
    await send(broker.bootstrap, "articles.raw", [(i.encode(), encode(raw(i))) for i in after])
    await collect(broker.bootstrap, ["articles.normalized"], timeout_s=180,
                  until=lambda s: set(after) <= {m["key"].decode() for m in s["articles.normalized"]})
    print(f"\nnew articles normalized {time.monotonic() - t0:.0f}s after the broker restarted")
    assert worker.alive()
    # The worker said what happened, and counted it.
    deadline = time.monotonic() + 30
    # The reset is counted first and the rejoin it asks for a moment later: wait for both.
    while (metric(worker.web_port, "wirewatch_broker_resets_total") < 1
           or metric(worker.web_port, "wirewatch_consumer_rejoins_total", reason="broker_reset") < 1):
        assert time.monotonic() < deadline, worker.log()[-3000:]
        await asyncio.sleep(0.5)
    assert "broker_reset" in worker.log()


async def test_an_article_pushed_while_the_broker_restarts_is_in_articles_raw_when_accepted(broker, start_service):
    # The producer still knows articles.raw from before the restart and sends the article as soon as the broker is
    # back, before anything created the topic: the embedded broker acknowledged it and never showed it to anyone.
    ingest = start_service("worker", "ingest")
    wait_http(ingest.web_port, "/readyz", proc=ingest, timeout_s=120)
    url = f"http://127.0.0.1:{ingest.web_port}/ingest"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=orjson.dumps({"id": "before-restart", "title": "Harbour", "body": "Open."})) as resp:
            assert resp.status == 202
        broker.stop()
        pushed = asyncio.ensure_future(session.post(url, data=orjson.dumps(
            {"id": "during-restart", "title": "Harbour report", "body": "The harbour reopened on Monday."})))
        await asyncio.sleep(2)
        broker.start()
        async with await pushed as resp:
            status, answer = resp.status, await resp.json()
    assert status in (202, 503), answer  # 503: not delivered, the client sends it again
    if status == 202:
        assert answer["accepted"] == ["during-restart"]
        await collect(broker.bootstrap, ["articles.raw"], timeout_s=30,
                      until=lambda s: any(m["key"] == b"during-restart" for m in s["articles.raw"]))
    assert "topic_recreated" in ingest.log() or status == 503
