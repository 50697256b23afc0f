"""The normalize service's shell: ``articles.raw`` → Normalizer → ``articles.normalized``."""

from __future__ import annotations

import time

import faust

from schemas import RawArticle
from services.normalize.core import Normalizer
from services.normalize.metrics import CHANGES, FUTURE_PUBLICATIONS
from services.normalize.published import FUTURE_RULE
from services.normalize.repair import RULES as REPAIR_RULES
from services.runtime.codec import encode
from services.runtime.logs import get_logger
from services.runtime.metrics import TRANSLATIONS
from services.runtime.settings import Settings
from services.runtime.stage import Stage, raw_topic

__all__ = ["register"]

log = get_logger("wirewatch.normalize")


def register(app: faust.App, settings: Settings) -> None:
    source = raw_topic(app, settings.topics.raw, settings)
    sink = raw_topic(app, settings.topics.normalized, settings)
    stage = Stage(app, settings, name="normalize", source=settings.topics.raw)
    for rule in REPAIR_RULES:  # at 0 before a repair first fires, so increase() sees that first firing
        CHANGES.labels("repair", rule.name)

    # Built here, before the worker starts: the repairer loads a spaCy model holding the GIL, which inside the
    # agent froze the event loop (HTTP, timers, every agent) for seconds to a minute on a busy machine.
    prepared = [Normalizer(settings.normalize)]

    @app.agent(source, name="normalize")
    async def normalize(stream: faust.StreamT) -> None:
        normalizer = prepared.pop() if prepared else Normalizer(settings.normalize)
        try:
            async for event, raw in stage.decoded(stream, RawArticle):
                key, value = event.key, event.value
                started = time.perf_counter()
                try:
                    article = await normalizer.normalize(raw)
                except Exception as exc:  # noqa: BLE001 - any failure is dead-lettered, the stream goes on
                    await stage.fail(key, value, exc)
                    continue
                await sink.send(key=article.id.encode(), value=encode(article))
                count_translation(article)
                count_future_publication(article)
                for change in article.changes:
                    CHANGES.labels(change.kind, change.rule).inc()
                stage.done(started, [article.fetched_at])
                log.info("normalized", article_id=article.id, language=article.language,
                         translated=article.translation is not None, changes=len(article.changes))
        finally:
            await normalizer.aclose()


def count_translation(article) -> None:
    """One outcome per article (translated, or why not), and "bridged" beside it when it carries a bridge."""
    if article.translation is not None:
        TRANSLATIONS.labels(article.translation.engine, article.language, "translated").inc()
        return
    for change in article.changes:
        if change.kind == "translation":
            TRANSLATIONS.labels("none", article.language, change.rule).inc()
    if article.bridge is not None:
        TRANSLATIONS.labels(article.bridge.translation.engine, article.language, "bridged").inc()


def count_future_publication(article) -> None:
    """Count (and log, with the time claimed) an article whose future publication time was replaced by its receipt time."""
    for change in article.changes:
        if change.rule == FUTURE_RULE:
            FUTURE_PUBLICATIONS.labels(article.feed_id or "none").inc()
            log.warning("publication_in_future", article_id=article.id, source=article.source, feed_id=article.feed_id,
                        claimed=change.before, placed_at=change.after)
