"""A producer that sends only to topics the broker has: a topic the broker lost is created again first.

The embedded broker (Tansu 0.6.0, memory-only) acknowledges a produce request for a topic it does not know: it
answers offset 0 with no error and stores the batch, but no consumer ever gets it (the topic, created afterwards,
starts with a high-water mark of 0), and the next record sent to that partition fails with ``UnknownError`` (the
broker's ``AlreadyExists … records/…0.batch``). After the broker restarts, every producer still has the old topics in
its metadata and sends what it buffered meanwhile before anything creates them: a ``POST /ingest`` answered 202 whose
article never reached ``articles.raw``, and a ``send_failed UnknownError`` after it.

:func:`guard_topics` wraps an aiokafka client's ``send``: before the first produce request on each new connection to
a broker, and for each topic not yet seen on that connection, it asks the broker (a metadata request that creates
nothing) whether the topic exists, and creates the missing ones with the partition count the client knew
(``topic_recreated``, ``wirewatch_topics_recreated_total``). A topic is checked once per connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from aiokafka.client import ConnectionGroup
from aiokafka.errors import KafkaError
from aiokafka.protocol.admin import CreateTopicsRequest
from aiokafka.protocol.metadata import MetadataRequest
from aiokafka.protocol.produce import ProduceRequest
from prometheus_client import Counter

from services.runtime.logs import get_logger

__all__ = ["TOPICS_RECREATED", "guard_topics", "missing_topics"]

log = get_logger("wirewatch.produce_guard")

TOPICS_RECREATED = Counter(
    "wirewatch_topics_recreated_total",
    "Topics a worker's producer found missing on the broker (an embedded broker restarted) and created again before "
    "sending to them.", ["topic"])

UNKNOWN_TOPIC_OR_PARTITION = 3
TOPIC_ALREADY_EXISTS = 36


def missing_topics(topics: Iterable[dict]) -> list[str]:
    """The topics a metadata answer (``to_object()["topics"]``) says the broker does not have."""
    return sorted(t["topic"] for t in topics if t["error_code"] == UNKNOWN_TOPIC_OR_PARTITION)


def guard_topics(client: Any, *, replication: int, default_partitions: int,
                 config_for: Callable[[str], dict[str, str]] = lambda topic: {},
                 on_recreated: Callable[[str], object] = lambda topic: None) -> None:
    """Make ``client`` (an ``AIOKafkaClient``) create a topic the broker lost before producing to it; ``on_recreated``
    is told each topic created again."""
    send = client.send
    checked: dict[Any, tuple[Any, set[str]]] = {}  # (node, group) → (the connection, topics known to exist on it)
    lock = asyncio.Lock()

    async def ensure(node_id: int, group: Any, topics: list[str]) -> None:
        conn = await client._get_conn(node_id, group=group)  # noqa: SLF001 - the connection identifies the broker's life
        if conn is None:
            return  # not reachable: the send below says so
        async with lock:
            seen_conn, known = checked.get((node_id, group), (None, set()))
            if seen_conn is not conn:
                known = set()
                checked[(node_id, group)] = (conn, known)
            unchecked = sorted(set(topics) - known)
            if not unchecked:
                return
            answer = (await send(node_id, MetadataRequest(unchecked, allow_auto_topic_creation=False))).to_object()
            missing = missing_topics(answer["topics"])
            created = await create(answer.get("controller_id", node_id), missing) if missing else set()
            known.update(set(unchecked) - set(missing) | created)  # one not created is asked about again next time

    async def create(node_id: int, topics: list[str]) -> set[str]:
        counts = {t: len(client.cluster.partitions_for_topic(t) or ()) or default_partitions for t in topics}
        request = CreateTopicsRequest([(t, counts[t], replication, [], list(config_for(t).items())) for t in topics],
                                      30_000, False)
        answer = (await send(node_id, request)).to_object()
        created = set()
        for result in answer["topic_errors"]:
            topic, code = result["topic"], result["error_code"]
            if code == TOPIC_ALREADY_EXISTS:  # another client was first
                created.add(topic)
                continue
            if code != 0:
                log.error("topic_not_recreated", topic=topic, error_code=code, message=result.get("error_message"))
                continue
            created.add(topic)
            TOPICS_RECREATED.labels(topic).inc()
            on_recreated(topic)
            log.warning("topic_recreated", topic=topic, partitions=counts[topic],
                        meaning="the broker lost this topic (an embedded broker restarted?): created again before "
                                "sending, else the broker acknowledges records it never shows")
        return created

    async def guarded(node_id: int, request: Any, *, group: Any = ConnectionGroup.DEFAULT) -> Any:
        if isinstance(request, ProduceRequest):
            try:
                await ensure(node_id, group, [topic for topic, _ in request._topics])  # noqa: SLF001
            except KafkaError:
                raise  # the broker is away again: the producer retries the whole request
            except Exception as exc:  # noqa: BLE001 - a check that fails must not stop the send itself
                log.warning("topic_check_failed", error=f"{type(exc).__name__}: {exc}"[:300])
        return await send(node_id, request, group=group)

    client.send = guarded
