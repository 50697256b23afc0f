"""Sends that never arrive are counted and said, never silent.

Faust's ``topic.send`` returns once a message is in the producer's buffer; a delivery that then fails
(after the producer's own retries) only reaches a callback. :class:`SendErrors` is a Faust sensor that
counts such failures per topic (``wirewatch_send_errors_total``) and logs them, and :func:`send_confirmed`
waits until the broker has acknowledged a message (``acks=all``), retrying, for the messages that must not
be lost quietly: dead letters, whose source message is acknowledged right after.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust
from faust.sensors import Sensor

from services.runtime.logs import get_logger
from services.runtime.metrics import SEND_ERRORS

__all__ = ["SendErrors", "send_confirmed"]

log = get_logger("wirewatch.delivery")


class SendErrors(Sensor):
    """Counts and logs every message the producer could not deliver."""

    def on_send_initiated(self, producer: Any, topic: str, message: Any, keysize: int, valsize: int) -> Any:
        return {"topic": topic}

    def on_send_error(self, producer: Any, exc: BaseException, state: Any) -> None:
        topic = (state or {}).get("topic", "unknown") if isinstance(state, dict) else "unknown"
        SEND_ERRORS.labels(topic).inc()
        log.error("send_failed", topic=topic, error_class=type(exc).__name__, error=str(exc)[:300])


async def send_confirmed(topic: faust.TopicT, *, key: bytes | None, value: bytes, attempts: int = 3,
                         backoff_s: float = 0.5) -> None:
    """Send and wait for the broker's acknowledgement; retry a failed delivery, then raise the last error."""
    for attempt in range(1, attempts + 1):
        try:
            await (await topic.send(key=key, value=value))
            return
        except Exception as exc:  # noqa: BLE001 - any delivery failure: try again, then let the caller fail loudly
            log.warning("send_retry", topic=topic.get_topic_name(), attempt=attempt, error=f"{type(exc).__name__}: {exc}"[:300])
            if attempt == attempts:
                raise
            await asyncio.sleep(backoff_s * attempt)
