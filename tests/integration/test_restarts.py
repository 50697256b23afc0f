"""A worker restarted twenty times under load resumes consuming after each restart.

Two normalize workers share the group while raw articles keep arriving; one of them is stopped (SIGTERM and
SIGKILL in turn, the way deployments and crashes stop workers) and started again, twenty times. After each
restart the new process itself must consume (its own processed count rises), whatever generation the broker
answers its rejoin with, and at the end every article sent is normalized.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from datetime import datetime, timezone

import pytest
from aiokafka import AIOKafkaProducer

from schemas import RawArticle
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.integration.test_drills import FAST_GROUPS, Reader
from tests.support.metrics import metric

pytestmark = [pytest.mark.integration, pytest.mark.drill]

RESTARTS = 20
PER_S = 10


def processed(port: int) -> float:
    """What the worker's normalize stage processed so far; 0 while a busy, starting worker does not answer yet."""
    try:
        return metric(port, "wirewatch_messages_processed_total", stage="normalize")
    except OSError:
        return 0.0


async def test_a_worker_restarted_twenty_times_under_load_resumes_consuming_each_time(broker, start_service):
    started = time.monotonic()
    env = dict(FAST_GROUPS, WIREWATCH_STALL_AFTER_S="20")
    steady = start_service("worker", "normalize", **env)
    restarted = start_service("worker", "normalize", **env)
    for w in (steady, restarted):
        wait_http(w.web_port, "/readyz", proc=w, timeout_s=180)
    sent: list[str] = []
    stop = asyncio.Event()

    async def load() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        await producer.start()
        try:
            i = 0
            while not stop.is_set():
                article = RawArticle(id=f"restart-{i}", source="restarts", title=f"Port report {i}",
                                     body="Cranes resumed work at the port on Monday, the operator said.",
                                     fetched_at=datetime.now(timezone.utc))
                await producer.send_and_wait("articles.raw", key=article.id.encode(), value=encode(article))
                sent.append(article.id)
                i += 1
                await asyncio.sleep(1 / PER_S)
        finally:
            await producer.stop()

    producing = asyncio.create_task(load())
    took: list[float] = []
    slow_stops = 0
    try:
        async with Reader(broker.bootstrap, ["articles.normalized"]) as reader:
            for n in range(RESTARTS):
                how = signal.SIGKILL if n % 2 else signal.SIGTERM
                t0 = time.monotonic()
                restarted.proc.send_signal(how)
                try:
                    await asyncio.to_thread(restarted.proc.wait, 60)
                except subprocess.TimeoutExpired:
                    slow_stops += 1  # a graceful stop that did not finish: a deployment would kill it, so do we
                    restarted.proc.kill()
                    await asyncio.to_thread(restarted.proc.wait, 30)
                restarted = start_service("worker", "normalize", **env)
                # Off the loop, the load goes on: the port is read from the new worker's log once it says it.
                await asyncio.to_thread(lambda: wait_http(restarted.web_port, "/metrics", 180, restarted))
                deadline = time.monotonic() + 120
                while await asyncio.to_thread(processed, restarted.web_port) < 1:
                    assert time.monotonic() < deadline, f"restart {n + 1} ({how.name}) consumed nothing in 120 s:\n" \
                        + restarted.log()[-3000:]
                    await asyncio.sleep(0.5)
                took.append(time.monotonic() - t0)
                print(f"[restarts] {n + 1:2d}/{RESTARTS} {how.name:7s}: the new worker consumed after {took[-1]:.0f}s")
            stop.set()
            await producing
            await reader.wait(lambda: set(sent) <= reader.keys("articles.normalized", "restart-"), 120,
                              f"all {len(sent)} articles normalized")
    finally:
        stop.set()
        await asyncio.gather(producing, return_exceptions=True)
    assert steady.alive() and restarted.alive()
    print(f"[restarts] {RESTARTS} restarts under {PER_S} articles/s: each resumed consuming "
          f"(median {sorted(took)[len(took) // 2]:.0f}s, longest {max(took):.0f}s); all {len(sent)} articles "
          f"normalized; {slow_stops} SIGTERMs needed a SIGKILL after 60 s; {time.monotonic() - started:.0f}s in all")
