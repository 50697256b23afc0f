"""POST /ingest under more load than it takes: 429 with Retry-After, never an unbounded queue; what it accepted is
on the broker."""

import asyncio

import aiohttp
import orjson
import pytest

from tests.conftest import wait_http
from tests.support.kafka import collect
from tests.support.metrics import metric

pytestmark = pytest.mark.integration


async def test_too_many_pushes_at_once_are_refused_with_retry_after_and_none_accepted_is_lost(broker, start_service):
    ingest = start_service("worker", "ingest", WIREWATCH_INGEST__MAX_IN_FLIGHT="2")
    wait_http(ingest.web_port, proc=ingest)
    url = f"http://127.0.0.1:{ingest.web_port}/ingest"
    body = lambda i: b"\n".join(orjson.dumps({"id": f"load-{i}-{j}", "title": f"Report {i}.{j}", "body": "Text."})
                                for j in range(50))
    async with aiohttp.ClientSession() as session:
        async def push(i: int) -> tuple[int, str | None, int]:
            async with session.post(url, data=body(i)) as resp:
                return resp.status, resp.headers.get("Retry-After"), i

        answers = await asyncio.gather(*(push(i) for i in range(40)))
    statuses = [s for s, _, _ in answers]
    assert set(statuses) <= {202, 429}, statuses
    assert 429 in statuses and 202 in statuses
    assert all(retry == "1" for s, retry, _ in answers if s == 429)
    accepted = {f"load-{i}-{j}".encode() for s, _, i in answers if s == 202 for j in range(50)}
    await collect(broker.bootstrap, ["articles.raw"], until=lambda s: accepted <= {m["key"] for m in s["articles.raw"]})
    assert metric(ingest.web_port, "wirewatch_ingest_refused_total", reason="busy") == statuses.count(429)
