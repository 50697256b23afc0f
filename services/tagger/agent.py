"""The tagger service's shell, two agents in a row:

``articles.normalized`` → Tagger (NER, linking, salience, quotes; batched) → ``tagger.stories``
(all under one key, so one worker sees every article) → story assignment, with the live
stories in a Faust table → ``articles.tagged`` keyed by article id.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import faust

from schemas import NormalizedArticle, TaggedArticle
from services.runtime.codec import encode
from services.runtime.logs import get_logger
from services.runtime.metrics import (
    ENTITIES_TAGGED,
    ENTITY_ARTICLES,
    STORIES,
    STORIES_MERGED,
    STORY_COPIES,
    TOP_STORIES,
)
from services.runtime.settings import Settings
from services.runtime.stage import Stage, raw_topic
from services.tagger.assign import StoryAssigner, story_config, tag_and_embed
from services.tagger.core import Tagger
from services.tagger.embedding import Embedder

__all__ = ["register", "STORY_KEY"]

# Every article goes to story assignment under this one key: one partition, one worker, one
# table partition see all of them (see docs/tagger.md for sharding by a blocking key instead).
STORY_KEY = b"stories"

log = get_logger("wirewatch.tagger")


def register(app: faust.App, settings: Settings) -> None:
    source = raw_topic(app, settings.topics.normalized, settings)
    to_stories = raw_topic(app, settings.topics.stories, settings)
    sink = raw_topic(app, settings.topics.tagged, settings)
    stage = Stage(app, settings, name="tagger", source=settings.topics.normalized)
    story_stage = Stage(app, settings, name="tagger-stories", source=settings.topics.stories)
    # Loaded before the worker joins its group: a model load inside the loop would stall heartbeats.
    tagger = Tagger(settings.tagger)
    embedder = Embedder() if settings.tagger.story_embeddings else None
    # story id -> Story JSON. Written only by the story agent, whose stream has one key: co-partitioned.
    story_table = app.Table(
        "tagger-stories", default=None, partitions=settings.partitions,
        key_type=str, value_type=str,
    )
    assigner = StoryAssigner(story_config(settings.tagger), tagger.countries)
    index = assigner.index

    titles: dict[str, str] = {}
    # The index mirrors the table. Only this agent writes the table, so the two can only part after a
    # rebalance (the partition may have moved here, with a table recovered from its changelog): re-read then.
    stale = [True]

    @app.on_rebalance_complete.connect
    async def table_may_have_moved(sender: faust.App, **kwargs: object) -> None:
        stale[0] = True

    def count_news(article: TaggedArticle, decision) -> None:
        """The news panel's metrics: articles per linked entity, and the ten largest live stories."""
        STORIES.labels("duplicate" if decision.duplicate else "created" if decision.created else "joined").inc()
        if decision.duplicate:
            return
        for item in article.salience:
            if not item.key.startswith("name:"):  # gazetteer entities only: a bounded label set
                ENTITY_ARTICLES.labels(item.name).inc()
        titles.setdefault(decision.reported, article.title[:120])
        STORIES_MERGED.inc(len(decision.merged))
        if decision.copy_of is not None:
            STORY_COPIES.inc()
        for story_id in (*decision.expired, *decision.merged):
            titles.pop(story_id, None)
        TOP_STORIES.clear()
        for rank, (story_id, size) in enumerate(index.largest(10), start=1):
            TOP_STORIES.labels(str(rank), story_id, titles.get(story_id, "")).set(size)

    @app.agent(source, name="tagger")
    async def tag(stream: faust.StreamT) -> None:
        async for events in stream.take_events(settings.tagger.batch_size, within=settings.tagger.batch_wait_s):
            decoded = []
            for event in events:
                if not stage.reads(event):  # resent for another stage reading articles.normalized
                    continue
                article = await stage.decode(event.key, event.value, NormalizedArticle)
                if article is not None:
                    decoded.append((event, article))
            if not decoded:
                continue
            started = time.perf_counter()
            # NER is CPU work of seconds for a full batch: off the event loop, so heartbeats, commits and (in
            # `wirewatch run`) the other services' agents and webhook deliveries go on meanwhile. One batch at a time.
            try:
                tagged = await asyncio.to_thread(tag_and_embed, tagger, embedder, [a for _, a in decoded])
            except Exception:  # noqa: BLE001 - find the one article that fails, dead-letter it, keep the rest
                tagged = []
                for event, article in decoded:
                    try:
                        tagged.extend(await asyncio.to_thread(tag_and_embed, tagger, embedder, [article]))
                    except Exception as exc:  # noqa: BLE001
                        await stage.fail(event.key, event.value, exc)
            for article in tagged:
                await to_stories.send(key=STORY_KEY, value=encode(article))
                for entity in article.entities:
                    ENTITIES_TAGGED.labels(entity.type, str(entity.canonical_id is not None).lower()).inc()
                log.info("tagged", article_id=article.id, entities=len(article.entities), quotes=len(article.quotes))
            stage.done(started, [a.fetched_at for a in tagged])

    @app.agent(to_stories, name="tagger-stories")
    async def assign(stream: faust.StreamT) -> None:
        async for event, article in story_stage.decoded(stream, TaggedArticle):
            started = time.perf_counter()
            try:
                # The table is the truth (it survives restarts and moves with its partition); the index mirrors it.
                if stale[0]:
                    index.sync(story_table.items())
                    stale[0] = False
                placed, decision = assigner.place(article, now=datetime.now(timezone.utc))
            except Exception as exc:  # noqa: BLE001 - one bad article is dead-lettered, the stories go on
                await story_stage.fail(event.key, event.value, exc)
                continue
            for story_id in decision.expired:
                story_table.pop(story_id, None)
            for story in decision.updated:  # stories merged into the article's: reported under its id from now on
                story_table[story.id] = index.raw(story.id)
            if not decision.duplicate:
                story_table[decision.story.id] = index.raw(decision.story.id)
            await sink.send(key=article.id.encode(), value=encode(placed))
            count_news(placed, decision)
            why = placed.story_evidence
            log.info("story_assigned", article_id=article.id, story_id=placed.story_id, decision=why.decision,
                     score=why.score, rule=why.rule, story_size=placed.story_size, compared=why.compared,
                     entity_score=why.entity_score, text_score=why.text_score, embedding_similarity=why.embedding_similarity,
                     shared_entities=why.shared_entities, shared_words=why.shared_words, shared_names=why.shared_names,
                     undated=why.undated, merged=why.merged)
            story_stage.done(started, [article.fetched_at])
