"""The newsroom worker on the real broker: tagged articles and alerts reach its store and API, bad bytes are
dead-lettered, and a restart (offsets re-delivered or not) loses nothing and duplicates nothing."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import quote

import aiohttp
import pytest

from schemas import DeadLetter
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.support.kafka import collect, send
from tests.support.metrics import metric, scrape, wait_until
from tests.unit.test_newsroom_store import alert, article

pytestmark = pytest.mark.integration

WRITES = "wirewatch_newsroom_writes_total"


def writes(port: int) -> dict[tuple[str, str], float]:
    """The worker's store writes by (kind, outcome), as /metrics says."""
    return {(labels["kind"], labels["outcome"]): value for name, labels, value in scrape(port) if name == WRITES}


def delta(before: dict, after: dict) -> dict:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


async def wait_json(url: str, until, timeout_s: float = 90.0):
    deadline = time.monotonic() + timeout_s
    last = None
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url) as r:
                    last = (r.status, await r.json() if r.status == 200 else await r.text())
                    if r.status == 200 and until(last[1]):
                        return last[1]
            except aiohttp.ClientError as exc:
                last = exc
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url}: condition not met within {timeout_s}s; last answer {last!r}")


async def test_newsroom_worker_keeps_stories_and_alerts_across_a_restart(broker, start_service):
    env = dict(WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6")
    worker = start_service("worker", "newsroom", **env)
    wait_http(worker.web_port, "/healthz", proc=worker)
    before = writes(worker.web_port)
    en, es = article(1, "story-a"), article(2, "story-a", language="es", source="efe")
    await send(broker.bootstrap, "articles.tagged", [
        (en.id.encode(), encode(en)),
        (b"broken", b'{"id": "cut off'),
        (es.id.encode(), encode(es)),
    ])
    await send(broker.bootstrap, "alerts", [(b"nato:story-a", encode(alert("story-a")))])
    story = await wait_json(f"http://127.0.0.1:{worker.newsroom_port}/api/stories/story-a",
                            lambda s: s["article_count"] == 2 and s["alert_count"] == 1)
    assert sorted(story["languages"]) == ["en", "es"]
    letters = await collect(broker.bootstrap, ["articles.tagged.dlq"], until=lambda s: any(m["key"] == b"broken" for m in s["articles.tagged.dlq"]))
    letter = DeadLetter.model_validate(next(m for m in letters["articles.tagged.dlq"] if m["key"] == b"broken")["value"])
    assert letter.service == "newsroom" and letter.error_class == "InvalidJSON"
    # Two articles and an alert stored, each counted once as inserted (the broken bytes are no write).
    await wait_until(lambda: sum(delta(before, writes(worker.web_port)).values()) >= 3, 30, "three writes counted")
    assert delta(before, writes(worker.web_port)) == {("article", "inserted"): 2, ("alert", "inserted"): 1}

    worker.stop()
    # While it is down: one new report, and the first one re-sent (a producer retry, say).
    more = article(3, "story-a", source="bbc")
    await send(broker.bootstrap, "articles.tagged", [(more.id.encode(), encode(more)), (en.id.encode(), encode(en))])
    again = start_service("worker", "newsroom", **env)
    base = f"http://127.0.0.1:{again.newsroom_port}"
    story = await wait_json(f"{base}/api/stories/story-a", lambda s: s["article_count"] == 3, timeout_s=120)
    assert [a["id"] for a in story["articles"]] == ["wire/1", "efe/2", "bbc/3"]
    assert len(story["alerts"]) == 1
    # The restarted process counts from zero: the one new report inserted, the re-sent one (and anything re-delivered
    # past the last commit) unchanged; nothing updated, nothing inserted twice.
    await wait_until(lambda: min(writes(again.web_port).get(("article", o), 0) for o in ("inserted", "unchanged")) >= 1,
                     30, "the new report counted as inserted and the re-sent one as unchanged")
    after = writes(again.web_port)
    assert after[("article", "inserted")] == 1, after
    assert after.get(("article", "unchanged"), 0) >= 1, after
    assert not {k: n for k, n in after.items() if k in (("article", "updated"), ("article", "stale"), ("alert", "inserted"))}, after
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/api/articles/{quote('efe/2', safe='')}") as r:
            assert (await r.json())["original_title"].startswith("El jefe de la OTAN")


async def test_two_replicas_on_one_postgresql_store_each_serve_every_write_live(broker, start_service, postgres_server):
    """Each replica consumes its share of the partitions; both serve the whole store, and a page open on one
    hears live of the articles the other wrote (PostgreSQL NOTIFY)."""
    import uuid

    url = postgres_server.create_database(f"r_{uuid.uuid4().hex[:10]}")
    replicas = [start_service("worker", "newsroom", WIREWATCH_NEWSROOM__STORE="postgresql", WIREWATCH_NEWSROOM__DATABASE_URL=url,
                              WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6") for _ in range(2)]
    for replica in replicas:
        wait_http(replica.web_port, "/readyz", timeout_s=120, proc=replica)
    ports = [replica.newsroom_port for replica in replicas]
    before = [writes(replica.web_port).get(("article", "inserted"), 0) for replica in replicas]
    heard: set[str] = set()

    async def listen() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{ports[0]}/events", timeout=aiohttp.ClientTimeout(total=None)) as r:
                async for line in r.content:
                    if line.startswith(b"data: "):
                        import orjson

                        heard.add(orjson.loads(line[6:]).get("article_id"))

    listener = asyncio.create_task(listen())
    # The page is subscribed once the replica counts it as a live client; only then can it hear every write.
    await wait_until(lambda: listener.done() or metric(replicas[0].web_port, "wirewatch_newsroom_live_clients") >= 1, 30,
                     "the page connected for live updates")
    assert not listener.done(), listener
    articles = [article(n, f"replica-story-{n % 5}") for n in range(1, 21)]
    await send(broker.bootstrap, "articles.tagged", [(a.id.encode(), encode(a)) for a in articles])
    try:
        stories = await wait_json(f"http://127.0.0.1:{ports[1]}/api/stories?limit=50",
                                  lambda p: sum(s["article_count"] for s in p["items"]) == 20)
        assert len(stories["items"]) == 5
        deadline = time.monotonic() + 30
        while not {a.id for a in articles} <= heard and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        assert {a.id for a in articles} <= heard
    finally:
        listener.cancel()
    written = [writes(replica.web_port).get(("article", "inserted"), 0) - b for replica, b in zip(replicas, before)]
    assert sum(written) == 20 and min(written) > 0, f"each replica should have written its partitions' share: {written}"
