"""The end offsets Faust reads to restore its tables are right on the embedded broker.

Tansu 0.6.0 answers ListOffsets(latest) with the base offset of a partition's last record batch plus one, not
the offset after its last record: after a burst of three records in one batch it says 1. Faust restores a table
by reading its changelog up to that offset, so a restarted worker would silently miss the burst's later entries
(a dedupe key forgotten: an alert sent twice). Our producers therefore send one record per batch
(``WIREWATCH_PRODUCER_ONE_RECORD_PER_BATCH``, on by default; off is fine on Apache Kafka).
"""

from __future__ import annotations

import asyncio

import faust
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.runtime.app import producer_settings
from services.runtime.settings import Settings

pytestmark = pytest.mark.integration


async def _burst_then_end_offset(bootstrap: str, topic: str, *, one_record_per_batch: bool) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await admin.close()
    settings = Settings(broker=bootstrap, producer_one_record_per_batch=one_record_per_batch)
    app = faust.App(f"offsets-{topic}", broker=f"kafka://{bootstrap}", store="memory://", autodiscover=False,
                    **producer_settings(settings))
    producer = app.producer  # Faust's own producer, set up as every worker's is
    await producer.start()
    try:
        pending = [await producer.send(topic, f"k{i}".encode(), b"v", partition=0, timestamp=None, headers=None)
                   for i in range(3)]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        return (await consumer.end_offsets([tp]))[tp]
    finally:
        await consumer.stop()


async def test_a_burst_of_table_writes_is_all_below_the_end_offset_faust_restores_to(broker):
    assert await _burst_then_end_offset(broker.bootstrap, "burst-guarded", one_record_per_batch=True) == 3


async def test_without_the_guard_the_embedded_broker_under_reports_the_end_offset(broker):
    # Pins the broker bug the guard exists for: when a Tansu release fixes it, this fails and the guard can go.
    assert await _burst_then_end_offset(broker.bootstrap, "burst-unguarded", one_record_per_batch=False) < 3


class _Worker:
    """What ``last_fetched`` reaches through: a Faust app's consumer thread and its aiokafka consumer."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = type("Consumer", (), {"_thread": type("Thread", (), {"_ensure_consumer": lambda _: consumer})()})()


async def test_the_never_fed_check_reads_when_each_partition_was_last_fetched(broker):
    # The watchdog's never-fed rejoin (services/runtime/recovery.py) trusts aiokafka's per-partition poll time: a
    # partition the fetcher never asks for has none. Pinned on the real broker: a fetched partition gets one, a
    # partition the fetcher skips (paused in aiokafka, as in faust-streaming#629 where Faust believes it resumed) not.
    import time

    from services.runtime.recovery import last_fetched

    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("fed", 2, 1)])
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        fed, skipped = TopicPartition("fed", 0), TopicPartition("fed", 1)
        consumer.assign([fed, skipped])
        consumer.pause(skipped)
        worker = _Worker(consumer)
        assert last_fetched(worker, fed) is None, "nothing fetched yet"
        started = time.time()
        for _ in range(20):
            await consumer.getmany(timeout_ms=500)
            if last_fetched(worker, fed) is not None:
                break
        fetched = last_fetched(worker, fed)
        assert fetched is not None and started - 1 <= fetched <= time.time() + 1, "an empty partition is fetched too"
        assert last_fetched(worker, skipped) is None, "the partition the fetcher skips was never fetched"
    finally:
        await consumer.stop()
