"""Talk to the test broker with aiokafka: send bytes, collect what a topic holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


def _json(value: bytes | None):
    try:
        return orjson.loads(value) if value is not None else None
    except orjson.JSONDecodeError:
        return None


async def send(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


async def collect(
    bootstrap: str,
    topics: list[str],
    *,
    until: Callable[[dict[str, list[dict]]], bool],
    timeout_s: float = 90.0,
) -> dict[str, list[dict]]:
    """Read the topics from the beginning until ``until(seen)`` holds; fail loudly at the timeout."""
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=None,
        auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    seen: dict[str, list[dict]] = {t: [] for t in topics}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while not until(seen):
            if loop.time() > deadline:
                counts = {t: len(v) for t, v in seen.items()}
                keys = {t: [m["key"] for m in v][-12:] for t, v in seen.items()}
                raise AssertionError(f"condition not met within {timeout_s}s; seen so far: {counts}; last keys: {keys}")
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    seen[record.topic].append({"key": record.key, "value": _json(record.value), "raw": record.value,
                                                "partition": record.partition, "headers": dict(record.headers or ())})
    finally:
        await consumer.stop()
    return seen



async def snapshot(bootstrap: str, topics: list[str], *, quiet_s: float = 3.0, timeout_s: float = 60.0) -> dict[str, list[dict]]:
    """Everything the topics hold, read from the beginning until nothing new has come for ``quiet_s``: what is there
    once the writers are done, with no condition to wait for (end offsets are not asked: the embedded broker may
    under-report them)."""
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    seen: dict[str, list[dict]] = {t: [] for t in topics}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    last_new = loop.time()
    try:
        while loop.time() - last_new < quiet_s and loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    last_new = loop.time()
                    seen[record.topic].append({"key": record.key, "value": _json(record.value), "raw": record.value,
                                               "partition": record.partition, "headers": dict(record.headers or ())})
    finally:
        await consumer.stop()
    return seen
