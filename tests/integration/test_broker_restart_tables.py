"""A worker with a table carries on when the embedded broker restarts and loses every changelog: the table keeps its
rows (the one copy left), writes them into the new changelog, and new articles flow."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timezone

import pytest

from services.runtime.codec import encode
from tests.conftest import ServiceProcess, wait_http
from tests.e2e.test_stories import BRUSSELS_EN, WARSAW_EN, WARSAW_MT, normalized
from tests.support.kafka import collect, send
from tests.support.metrics import metric

pytestmark = pytest.mark.integration

FAST_REJOIN = {"WIREWATCH_SESSION_TIMEOUT_S": "6", "WIREWATCH_REBALANCE_TIMEOUT_S": "6"}


async def story_of(bootstrap: str, article_id: str, worker: ServiceProcess, timeout_s: float = 120) -> str:
    def tagged(seen: dict) -> bool:
        if not worker.alive():
            raise AssertionError(f"the tagger stopped:\n{worker.log()[-3000:]}")
        return any(m["key"] == article_id.encode() for m in seen["articles.tagged"])

    seen = await collect(bootstrap, ["articles.tagged"], timeout_s=timeout_s, until=tagged)
    return next(m["value"]["story_id"] for m in seen["articles.tagged"] if m["key"] == article_id.encode())


async def test_stories_outlive_a_broker_restart_under_a_running_tagger(broker, start_service):
    now = datetime.now(timezone.utc)
    run = uuid.uuid4().hex[:6]
    first = normalized(f"reset-{run}-en", *WARSAW_EN, translated=False, now=now)
    other = normalized(f"reset-{run}-bru", *BRUSSELS_EN, translated=False, now=now)
    later = normalized(f"reset-{run}-mt", *WARSAW_MT, translated=True, now=now)
    last = normalized(f"reset-{run}-en2", *WARSAW_EN, translated=False, now=now)

    opened = start_service("worker", "tagger", **FAST_REJOIN)
    await send(broker.bootstrap, "articles.normalized", [(a.id.encode(), encode(a)) for a in (first, other)])
    story = await story_of(broker.bootstrap, first.id, opened)
    assert await story_of(broker.bootstrap, other.id, opened) != story
    wait_http(opened.web_port, "/readyz", proc=opened)
    opened.stop()
    # A worker that read the stories from the changelog at its start (as after any restart or rebalance): Faust
    # remembers how far, and found that offset past the end of the changelog the restarted broker no longer had.
    worker = start_service("worker", "tagger", **FAST_REJOIN)
    wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=120)

    broker.stop()
    t0 = time.monotonic()
    broker.start()
    await send(broker.bootstrap, "articles.normalized", [(later.id.encode(), encode(later))])
    assert await story_of(broker.bootstrap, later.id, worker, timeout_s=180) == story, \
        "the report after the broker restart joins the story opened before it"
    print(f"\nnew article tagged {time.monotonic() - t0:.0f}s after the broker restarted")
    assert worker.alive(), worker.log()[-3000:]
    log = worker.log()
    assert "ConsistencyError" not in log and "We experienced a crash" not in log
    assert "changelog_lost" in log, "the worker said the broker lost its table's changelog"

    # The table wrote its stories into the new changelog: a worker started now restores them from it.
    deadline = time.monotonic() + 30
    while metric(worker.web_port, "wirewatch_broker_resets_total") < 1:
        assert time.monotonic() < deadline, worker.log()[-3000:]
        await asyncio.sleep(0.5)
    wait_http(worker.web_port, "/readyz", proc=worker)
    worker.stop()
    again = start_service("worker", "tagger", **FAST_REJOIN)
    await send(broker.bootstrap, "articles.normalized", [(last.id.encode(), encode(last))])
    assert await story_of(broker.bootstrap, last.id, again, timeout_s=180) == story, \
        "a tagger started after the broker restart restores the stories from the rewritten changelog"
    assert again.alive(), again.log()[-3000:]
