"""What the worker's consumer drains from aiokafka, on the real broker: nothing a stream will not take.

Faust hands aiokafka its live set of active partitions. Between the end of table recovery and the streams' resume
that set is empty, and aiokafka drains every partition for an empty set: records a stream partition then lost
(Faust drops what is not active, after aiokafka's position moved past it). Seen in CI under load: a restarted
alerter that never re-delivered its alerts in retry, a tagger that skipped articles (services/runtime/transport.py).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.runtime.transport import _ConsumerThread, undrained

pytestmark = pytest.mark.integration


async def _consumer_with_buffered_records(bootstrap: str, name: str) -> tuple[AIOKafkaConsumer, TopicPartition, TopicPartition]:
    stream, changelog = TopicPartition(f"{name}-stream", 0), TopicPartition(f"{name}-changelog", 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(stream.topic, 1, 1), NewTopic(changelog.topic, 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for i in range(3):
            await producer.send_and_wait(stream.topic, f"s{i}".encode(), partition=0)
        await producer.send_and_wait(changelog.topic, b"c0", partition=0)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    consumer.assign([stream, changelog])
    await consumer.seek_to_beginning(stream, changelog)
    # Let the background fetcher buffer both partitions, as it does for every assigned one.
    for _ in range(100):
        if {stream, changelog} <= set(consumer._fetcher._records):  # noqa: SLF001
            break
        await asyncio.sleep(0.1)
    return consumer, stream, changelog


def _thread() -> _ConsumerThread:
    """The worker's consumer thread, reduced to what its fetch reads of Faust (the flow is on)."""
    thread = _ConsumerThread.__new__(_ConsumerThread)
    thread.consumer = SimpleNamespace(flow_active=True)
    return thread


async def test_aiokafka_drains_every_partition_when_handed_an_empty_set(broker) -> None:
    # Pins the aiokafka behaviour the guard exists for.
    consumer, stream, changelog = await _consumer_with_buffered_records(broker.bootstrap, "drain-pin")
    try:
        drained = await consumer._fetcher.fetched_records(set(), timeout=5)  # noqa: SLF001
        assert {stream, changelog} <= set(drained)
    finally:
        await consumer.stop()


async def test_the_worker_drains_nothing_while_no_partition_is_active_and_loses_nothing(broker) -> None:
    consumer, stream, changelog = await _consumer_with_buffered_records(broker.bootstrap, "drain-none")
    thread = _thread()
    try:
        active: set = set()  # recovery over, changelog paused, streams not yet resumed
        assert await thread._fetch_records(consumer, active, timeout=1, max_records=100) == {}  # noqa: SLF001
        active |= {stream}  # the streams resume
        got = await thread._fetch_records(consumer, active, timeout=5, max_records=100)  # noqa: SLF001
        assert [r.value for r in got[stream]] == [b"s0", b"s1", b"s2"]
        assert changelog not in got
    finally:
        await consumer.stop()


async def test_records_of_a_partition_that_left_the_active_set_while_drained_are_fetched_again(broker) -> None:
    consumer, stream, changelog = await _consumer_with_buffered_records(broker.bootstrap, "drain-back")
    try:
        drained = await consumer._fetcher.fetched_records({stream, changelog}, timeout=5)  # noqa: SLF001
        assert [r.value for r in drained[stream]] == [b"s0", b"s1", b"s2"]
        # Meanwhile Faust paused the stream partition: its records must not be dropped past aiokafka's position.
        keep, back = undrained(drained, {changelog})
        assert set(keep) == {changelog} and back == {stream: 0}
        consumer.seek(stream, back[stream])
        again = await consumer._fetcher.fetched_records({stream}, timeout=5)  # noqa: SLF001
        assert [r.value for r in again[stream]] == [b"s0", b"s1", b"s2"]
    finally:
        await consumer.stop()
