"""The embedded broker keeps nothing across its own restart: workers must carry on without being restarted,
and say what was lost."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

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
    while metric(worker.web_port, "wirewatch_broker_resets_total") < 1:
        assert time.monotonic() < deadline, worker.log()[-3000:]
        await asyncio.sleep(0.5)
    assert "broker_reset" in worker.log()
    assert metric(worker.web_port, "wirewatch_consumer_rejoins_total", reason="broker_reset") >= 1
