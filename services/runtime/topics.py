"""Create the pipeline's topics (and their dead-letter topics) before any service uses them.

A topic that already exists with another partition count than ``WIREWATCH_PARTITIONS`` is named in a
warning: the workers' tables are created with the configured count, and Faust refuses a table whose
changelog is partitioned unlike its input topic (``PartitionsMismatch``), so the agent would restart in a
loop with nothing said about why.
"""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from services.runtime.broker_trouble import quiet_aiokafka, why_not_reached
from services.runtime.kafka import aiokafka_options
from services.runtime.logs import get_logger
from services.runtime.settings import Settings, dlq

__all__ = ["ensure_topics", "pipeline_topics"]

log = get_logger("wirewatch.topics")


def _partitions_differ(described: list[dict], expected: int) -> dict[str, int]:
    """Topic → its partition count, for the described topics whose count is not ``expected``."""
    return {d["topic"]: len(d["partitions"]) for d in described
            if not d.get("error_code") and len(d["partitions"]) != expected}


def pipeline_topics(settings: Settings) -> list[str]:
    """Every topic the services read and write: the pipeline's and their ``.dlq`` topics, and the internal ones (with the
    bursts topic's ``.dlq``; ingest's internal topics have their dead letters in ``articles.raw.dlq``)."""
    bursts = settings.alerter.bursts_topic
    return [*settings.topics.all(), settings.ingest.entries_topic, settings.ingest.polls_topic, bursts, dlq(bursts)]


async def ensure_topics(settings: Settings, *, timeout_s: float = 30.0, say_every_s: float | None = None) -> list[str]:
    """Create every missing topic; return the names created. Waits for the broker up to ``timeout_s``.

    With ``say_every_s``, the wait is logged (``broker_waiting``, with the cause) at the first failed attempt and
    then every ``say_every_s``; aiokafka's own line per attempt is held back meanwhile."""
    admin = AIOKafkaAdminClient(**aiokafka_options(settings), request_timeout_ms=10_000)
    loop = asyncio.get_running_loop()
    started = loop.time()
    said_at: float | None = None
    with quiet_aiokafka(say_every_s is not None) as failures:
        while True:
            try:
                await admin.start()
                break
            except KafkaConnectionError as exc:
                now = loop.time()
                if now - started > timeout_s:
                    raise
                if say_every_s is not None and (said_at is None or now - said_at >= say_every_s):
                    said_at = now
                    log.warning("broker_waiting", broker=settings.broker, waited_s=round(now - started),
                                gives_up_in_s=round(timeout_s - (now - started)),
                                error=why_not_reached(exc, failures.by_address)[0])
                await asyncio.sleep(0.5)
    try:
        existing = set(await admin.list_topics())
        # The services' internal topics too: created by Faust on first use instead, they arrive while the
        # workers are already producing, and a record sent meanwhile was seen to go missing on the embedded broker.
        ours = pipeline_topics(settings)
        wanted = [t for t in ours if t not in existing]
        present = [t for t in ours if t in existing]  # only these: a metadata request for a missing topic creates it
        if present:
            differ = _partitions_differ(await admin.describe_topics(present), settings.partitions)
            if differ:
                log.warning("topic_partitions_differ", configured=settings.partitions, topics=differ,
                            hint="tables follow WIREWATCH_PARTITIONS and must match their input topics: set it to "
                                 "the topics' count, or recreate the topics")
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
