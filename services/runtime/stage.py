"""The shell every stage shares: raw topics, decoding with dead-lettering, and per-stage metrics.

A stage agent reads bytes, asks :meth:`Stage.decoded` (or :meth:`Stage.decode`) for models (bad
bytes go to ``<topic>.dlq`` and the agent goes on), calls its pure core, and reports with
:meth:`Stage.done` or :meth:`Stage.fail`.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timezone
from typing import TypeVar

import faust
from faust.types import EventT
from pydantic import BaseModel

from services.runtime.codec import dead_letter, decode, encode
from services.runtime.delivery import send_confirmed
from services.runtime.errors import DECODE_ERROR_CLASSES, DecodeError
from services.runtime.logs import get_logger
from services.runtime.metrics import (
    DEAD_LETTERS,
    END_TO_END_SECONDS,
    MESSAGES_FAILED,
    MESSAGES_PROCESSED,
    STAGE_SECONDS,
)
from services.runtime.resend import meant_for, resent_from
from services.runtime.settings import Settings, dlq

__all__ = ["raw_topic", "zero_stage_series", "Stage"]

M = TypeVar("M", bound=BaseModel)
log = get_logger("wirewatch.stage")


def raw_topic(app: faust.App, name: str, settings: Settings) -> faust.TopicT:
    """A topic of bytes in and bytes out: decoding is ours, so a bad message can be dead-lettered."""
    return app.topic(
        name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )


def zero_stage_series(stage: str, dlq_topic: str, error_classes: Sequence[str]) -> None:
    """Export a stage's failure counters at 0 from the start, for the error classes it knows in advance.

    A labelled counter is otherwise born at its first increment, already at 1, and Prometheus' rate() and
    increase() see no increase in a series that starts there: the first dead letter, often the only one,
    would show as 0 on the dashboards and never reach an alert rule.
    """
    for error_class in error_classes:
        MESSAGES_FAILED.labels(stage, error_class)
        DEAD_LETTERS.labels(stage, dlq_topic, error_class)


class Stage:
    """Metrics and dead letters for one stage reading one topic.

    Its dead letters go to ``<source>.dlq``, or to ``<dead_letters_of>.dlq`` when given (ingest's internal topics' go
    to ``articles.raw.dlq``); either way a letter names ``source``, where its original was read and goes back to."""

    def __init__(self, app: faust.App, settings: Settings, *, name: str, source: str,
                 error_classes: Sequence[str] = DECODE_ERROR_CLASSES, dead_letters_of: str | None = None) -> None:
        self.name = name
        self.source = source
        self.dlq_name = dlq(dead_letters_of or source)
        self.dlq_topic = raw_topic(app, self.dlq_name, settings)
        zero_stage_series(name, self.dlq_name, error_classes)

    async def decode(self, key: bytes | None, value: bytes | None, model: type[M]) -> M | None:
        try:
            return decode(value, model)
        except DecodeError as exc:
            await self.dead_letter(key, value, exc.error_class, exc.reason)
            return None

    async def decoded(self, stream: faust.StreamT, model: type[M]) -> AsyncIterator[tuple[EventT, M]]:
        """The stream's events with their decoded messages; one that does not decode is dead-lettered and skipped.
        (An event is acknowledged when the next is asked for, as with ``stream.events()`` itself.)"""
        async for event in stream.events():
            if not self.reads(event):
                continue
            message = await self.decode(event.key, event.value, model)
            if message is not None:
                yield event, message

    def reads(self, event: EventT) -> bool:
        """Whether this stage takes the event: not when `wirewatch dead-letters --resend` resent it for another stage
        reading the same topic (that one failed it; this one had processed it). A resend for this stage is logged,
        with the letter it came from. Every agent of a stage asks this, whether it reads one event or a batch."""
        if not meant_for(event.headers, self.name):
            return False
        if (letter := resent_from(event.headers)) is not None:
            log.info("resent_read", stage=self.name, topic=self.source, resent_from=letter,
                     key=(event.key or b"").decode("utf-8", "replace"))
        return True

    async def dead_letter(self, key: bytes | None, value: bytes | None, error_class: str, reason: str) -> None:
        record = dead_letter(
            source_topic=self.source,
            service=self.name,
            error_class=error_class,
            reason=reason,
            original=value,
            key=key,
        )
        # Acknowledged by the broker before the source message is: a dead letter is never lost quietly.
        await send_confirmed(self.dlq_topic, key=key, value=encode(record))
        MESSAGES_FAILED.labels(self.name, error_class).inc()
        DEAD_LETTERS.labels(self.name, self.dlq_name, error_class).inc()
        log.warning("dead_letter", stage=self.name, topic=self.dlq_name, error_class=error_class, reason=reason[:300],
                    key=(key or b"").decode("utf-8", "replace"))

    async def fail(self, key: bytes | None, value: bytes | None, exc: BaseException) -> None:
        await self.dead_letter(key, value, type(exc).__name__, f"{self.name}: {exc}")

    def done(self, started: float, fetched_at: Sequence[datetime | None]) -> None:
        """Count a message, or a batch, finished at this stage since ``started`` (a perf_counter reading): one per
        entry of ``fetched_at``, ``None`` where a message has no fetch time to measure end to end from (an alert).
        Every message a stage finishes must be counted: the dead-letter share that pages divides by this count."""
        count = len(fetched_at)
        if not count:
            return
        elapsed = time.perf_counter() - started
        MESSAGES_PROCESSED.labels(self.name).inc(count)
        per_message = elapsed / count
        now = datetime.now(timezone.utc)
        for when in fetched_at:
            STAGE_SECONDS.labels(self.name).observe(per_message)
            if when is not None:
                END_TO_END_SECONDS.labels(self.name).observe(max(0.0, (now - when).total_seconds()))
