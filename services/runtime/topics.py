"""Create the pipeline's topics (and their dead-letter topics) before any service uses them."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from services.runtime.kafka import aiokafka_options
from services.runtime.settings import Settings

__all__ = ["ensure_topics"]


async def ensure_topics(settings: Settings, *, timeout_s: float = 30.0) -> list[str]:
    """Create every missing topic; return the names created. Waits for the broker up to ``timeout_s``."""
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=10_000)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except KafkaConnectionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)
    try:
        existing = set(await admin.list_topics())
        # The services' internal topics too: created by Faust on first use instead, they arrive while the
        # workers are already producing, and a record sent meanwhile was seen to go missing on the embedded broker.
        internal = [settings.ingest.entries_topic, settings.ingest.polls_topic, settings.alerter.bursts_topic]
        wanted = [t for t in [*settings.topics.all(), *internal] if t not in existing]
        if not wanted:
            return []
        new = [NewTopic(t, num_partitions=settings.partitions, replication_factor=settings.replication_factor) for t in wanted]
        try:
            await admin.create_topics(new)
        except TopicAlreadyExistsError:
            pass
        return wanted
    finally:
        await admin.close()
