"""Every record accounted for while topics are created under running producers and consumers.

Faust creates its internal topics (changelogs, the assignor's, a dead-letter topic on first use) while the
workers already produce and consume; each new topic a consumer group subscribes to makes it rebalance. Here a
relay group (two members, pattern subscription, offsets committed only once their outputs are acknowledged)
forwards every record of ``acc.in`` to ``acc.out``, or every seventh to the dead-letter topic ``acc.in.dlq``
that nobody created beforehand, while an admin client creates thirty more ``acc.*`` topics. At the end every
key sent is in ``acc.out`` or ``acc.in.dlq``: in = out + dead letters (+ counted duplicates from rebalances).
"""

from __future__ import annotations

import asyncio
import collections

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import OffsetAndMetadata, TopicPartition

pytestmark = pytest.mark.integration

RECORDS = 3000
NEW_TOPICS = 30


async def _relay(bootstrap: str, member: str, stop: asyncio.Event, counts: collections.Counter) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id="acc-relay", enable_auto_commit=False,
                                auto_offset_reset="earliest", metadata_max_age_ms=500, client_id=member,
                                session_timeout_ms=10_000, heartbeat_interval_ms=1000)
    consumer.subscribe(pattern=r"^acc\.in$|^acc\.new\..*")  # new acc.new.* topics change the subscription
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=False)
    await consumer.start()
    await producer.start()
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=200, max_records=200)
            for tp, records in batch.items():
                sends = []
                for record in records:
                    if record.topic != "acc.in":
                        continue
                    n = int(record.key.split(b"-")[1])
                    topic = "acc.in.dlq" if n % 7 == 0 else "acc.out"
                    sends.append(await producer.send(topic, key=record.key, value=record.value))
                    counts[topic] += 1
                await asyncio.gather(*sends)  # acknowledged by the broker before the offset is committed
                if records:
                    try:
                        await consumer.commit({tp: OffsetAndMetadata(records[-1].offset + 1, "")})
                    except Exception:  # noqa: BLE001 - a commit lost to a rebalance: those records come again
                        counts["commit_failed"] += 1
    finally:
        await producer.stop()
        await consumer.stop()


async def _read_all(bootstrap: str, topics: list[str], expected: int) -> dict[str, collections.Counter]:
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    seen = {t: collections.Counter() for t in topics}
    idle = 0
    try:
        # until every record is there (or 60 s without a new one), then 2 s more for duplicates
        while (idle < 120 and sum(len(c) for c in seen.values()) < expected) or idle < 4:
            batch = await consumer.getmany(timeout_ms=500)
            idle = 0 if batch else idle + 1
            for records in batch.values():
                for record in records:
                    seen[record.topic][record.key] += 1
    finally:
        await consumer.stop()
    return seen


async def test_topics_created_under_running_producers_and_consumers_lose_no_record(broker):
    bootstrap = broker.bootstrap
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic("acc.in", 4, 1), NewTopic("acc.out", 4, 1)])
    stop = asyncio.Event()
    relayed: collections.Counter = collections.Counter()
    relays = [asyncio.create_task(_relay(bootstrap, f"relay-{i}", stop, relayed)) for i in range(2)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    sent: list[bytes] = []

    async def produce() -> None:
        for i in range(RECORDS):
            key = f"r-{i}".encode()
            await producer.send_and_wait("acc.in", key=key, value=b"x" * 200)
            sent.append(key)
            if i % 100 == 0:
                await asyncio.sleep(0.05)

    async def create_topics() -> None:
        for i in range(NEW_TOPICS):
            await admin.create_topics([NewTopic(f"acc.new.{i}", 4, 1)])
            await asyncio.sleep(0.1)

    try:
        await asyncio.gather(produce(), create_topics())
        seen = await _read_all(bootstrap, ["acc.out", "acc.in.dlq"], expected=RECORDS)
    finally:
        stop.set()
        await asyncio.gather(*relays, return_exceptions=True)
        await producer.stop()
        await admin.close()
    out, dead = seen["acc.out"], seen["acc.in.dlq"]
    print("relayed", dict(relayed))
    missing = [k for k in sent if k not in out and k not in dead]
    assert not missing, f"{len(missing)} of {len(sent)} records lost, e.g. {missing[:10]}"
    assert all(int(k.split(b"-")[1]) % 7 == 0 for k in dead) and not set(out) & set(dead)
    duplicates = sum(n - 1 for c in (out, dead) for n in c.values())
    # in = out + dead letters (+ duplicates, each counted): nothing else, nothing missing
    assert sum(out.values()) + sum(dead.values()) == len(sent) + duplicates
    assert len(dead) == len([k for k in sent if int(k.split(b"-")[1]) % 7 == 0])
