"""The newsroom service's shell: ``articles.tagged`` and ``alerts`` → the store → live events, and the web server.

A message is written (and committed to the database) before the agent asks for the next one, and Faust
commits an offset only for messages handed back, so a crash re-delivers, which the store's upserts absorb.
A database that is busy or away is retried, not dead-lettered: the message waits, /readyz shows the stall.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import faust
import mode

from schemas import Alert, TaggedArticle
from services.newsroom.live import LiveHub
from services.newsroom.metrics import PRUNED, STORE_ROWS, STORE_WRITES
from services.newsroom.rekey import load_tables
from services.newsroom.server import Newsroom
from services.newsroom.store import Store, WriteResult, open_store
from services.runtime.logs import get_logger
from services.runtime.settings import Settings
from services.runtime.stage import Stage, raw_topic

__all__ = ["register", "announcements"]

log = get_logger("wirewatch.newsroom")


def announcements(message: TaggedArticle | Alert, result: WriteResult) -> list[tuple[str, dict]]:
    """The live events a write makes (kind, data): one per story it changed, named as the store keeps it, so that an
    alert or report under the id of a story merged into another reaches the pages open on that other one."""
    if isinstance(message, Alert):
        return [("alert", {"story_id": result.story_ids[0], "alert_id": message.id, "rule_id": message.rule_id})]
    return [("story", {"story_id": story_id, "article_id": message.id}) for story_id in result.story_ids]


def register(app: faust.App, settings: Settings) -> None:
    cfg = settings.newsroom
    topics = settings.topics
    store: Store = open_store(settings)
    hub = LiveHub()
    room = Newsroom(store, hub, cfg, token=settings.ingest.token.get_secret_value() if settings.ingest.token else None)
    writer = ThreadPoolExecutor(1, thread_name_prefix="newsroom-write")
    article_stage = Stage(app, settings, name="newsroom", source=topics.tagged)
    alert_stage = Stage(app, settings, name="newsroom-alerts", source=topics.alerts)
    log.info("newsroom_store", backend=store.backend)
    writer.submit(load_tables)  # in the write thread, ahead of the first write, while the worker joins its group

    async def write(fn, message):
        loop = asyncio.get_running_loop()
        delay = 0.5
        while True:
            try:
                return await loop.run_in_executor(writer, partial(fn, message, now=time.time()))
            except Exception as exc:
                if not store.is_transient(exc):
                    raise
                log.warning("newsroom_store_unavailable", error=f"{type(exc).__name__}: {exc}"[:300], retry_in_s=delay)
                await loop.run_in_executor(writer, store.forget_connection)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def consume(topic: str, stage: Stage, model, kind: str, store_write) -> None:
        @app.agent(raw_topic(app, topic, settings), name=f"newsroom-{kind}s")
        async def agent(stream: faust.StreamT) -> None:
            async for event, message in stage.decoded(stream, model):
                started = time.perf_counter()
                try:
                    result = await write(store_write, message)
                except Exception as exc:  # noqa: BLE001 - a message the store refuses is dead-lettered, the worker goes on
                    await stage.fail(event.key, event.value, exc)
                    continue
                STORE_WRITES.labels(kind, result.outcome).inc()
                if result.changed and not store.shared_events:
                    for event_kind, data in announcements(message, result):
                        hub.publish(event_kind, data)
                stage.done(started, [getattr(message, "fetched_at", None)])  # an alert counts, with no end-to-end time

    consume(topics.tagged, article_stage, TaggedArticle, "article", store.write_article)
    consume(topics.alerts, alert_stage, Alert, "alert", store.write_alert)

    @app.timer(cfg.prune_every_s, name="newsroom-prune")
    async def prune() -> None:
        loop = asyncio.get_running_loop()
        now = time.time()
        try:
            removed = await loop.run_in_executor(writer, partial(store.prune, before=now - cfg.retention_days * 86400, now=now))
            counts = await loop.run_in_executor(writer, store.counts)
        except Exception as exc:  # noqa: BLE001 - the next round tries again
            log.warning("newsroom_prune_failed", error=f"{type(exc).__name__}: {exc}"[:300])
            return
        for kind, n in removed.items():
            PRUNED.labels(kind).inc(n)
        for table, n in counts.items():
            STORE_ROWS.labels(table).set(n)
        if any(removed.values()):
            log.info("newsroom_pruned", **removed)

    @app.service
    class NewsroomWeb(mode.Service):
        """The page, API and feeds on their own port, started and stopped with the worker."""

        async def on_start(self) -> None:
            port = await room.start(cfg.host, cfg.port, any_port_if_taken=cfg.any_port_if_taken)
            if store.shared_events:  # every replica's writes reach this replica's open pages
                self.add_future(store.listen(hub.publish))
            print(f"newsroom on http://{cfg.host}:{port}/", flush=True)

        async def on_stop(self) -> None:
            # Only the web server: the agents may still be finishing a write, and every write is committed
            # as it is made, so the store needs no closing before the process exits.
            await room.stop()
