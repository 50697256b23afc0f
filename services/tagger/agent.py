"""The tagger service's shell: ``articles.normalized`` → Tagger (batched) → ``articles.tagged``."""

from __future__ import annotations

import time

import faust

from schemas import NormalizedArticle
from services.runtime.codec import encode
from services.runtime.logs import get_logger
from services.runtime.metrics import ENTITIES_TAGGED
from services.runtime.settings import Settings
from services.runtime.stage import Stage, raw_topic
from services.tagger.core import Tagger

__all__ = ["register"]

log = get_logger("wirewatch.tagger")


def register(app: faust.App, settings: Settings) -> None:
    source = raw_topic(app, settings.topics.normalized, settings)
    sink = raw_topic(app, settings.topics.tagged, settings)
    stage = Stage(app, settings, name="tagger", source=settings.topics.normalized)
    # Loaded before the worker joins its group: a model load inside the loop would stall heartbeats.
    tagger = Tagger(settings.tagger)

    @app.agent(source, name="tagger")
    async def tag(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.tagger.batch_size, within=0.2):
            decoded = []
            for event in events:
                article = await stage.decode(event.key, event.value, NormalizedArticle)
                if article is not None:
                    decoded.append((event, article))
            if not decoded:
                continue
            started = time.perf_counter()
            try:
                tagged = tagger.tag_many([a for _, a in decoded])
            except Exception:  # noqa: BLE001 - find the one article that fails, dead-letter it, keep the rest
                tagged = []
                for event, article in decoded:
                    try:
                        tagged.extend(tagger.tag_many([article]))
                    except Exception as exc:  # noqa: BLE001
                        await stage.fail(event.key, event.value, exc)
            for article in tagged:
                await sink.send(key=article.id.encode(), value=encode(article))
                for entity in article.entities:
                    ENTITIES_TAGGED.labels(entity.type, str(entity.canonical_id is not None).lower()).inc()
                log.info("tagged", article_id=article.id, story_id=article.story_id, entities=len(article.entities))
            stage.done(started, [a.fetched_at for a in tagged])
