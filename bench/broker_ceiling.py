"""The raw broker ceiling: aiokafka alone relaying the pipeline's message sizes through four consume→produce hops
on the embedded broker, for the most messages per second and for one message's latency by fetch wait. What
Kafka itself allows, against which bench/pipeline.py holds the services' end-to-end figures.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from bench.measure import WORK, Size, pct
from services.runtime.broker import EmbeddedBroker


async def _hops(bootstrap: str, tag: str, count: int, payload: dict[str, list[bytes]], *, fetch_wait_ms: int,
                gap_s: float | None) -> tuple[float, list[float], list[float]]:
    """Send ``count`` messages into four consume→produce relays; per message, seconds from send to the last hop.

    ``gap_s`` None sends them all at once (throughput); otherwise one at a time, each after the previous arrived.
    """
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    hops = list(payload)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(f"{tag}.{h}", num_partitions=4, replication_factor=1) for h in hops])
    await admin.close()
    done = asyncio.Event()
    sent: dict[bytes, float] = {}
    latency: dict[bytes, float] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()

    async def relay(i: int) -> None:
        source, target = hops[i], hops[i + 1]
        consumer = AIOKafkaConsumer(f"{tag}.{source}", bootstrap_servers=bootstrap, group_id=f"{tag}-{i}",
                                    auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=fetch_wait_ms)
        await consumer.start()
        try:
            while not done.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=500)
                futures = []
                for records in batch.values():
                    for r in records:
                        value = payload[target][int(r.key) % len(payload[target])]
                        futures.append(await producer.send(f"{tag}.{target}", key=r.key, value=value))
                if futures:
                    await asyncio.gather(*futures)
                    await consumer.commit()
        finally:
            await consumer.stop()

    async def sink() -> None:
        consumer = AIOKafkaConsumer(f"{tag}.{hops[-1]}", bootstrap_servers=bootstrap, group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=fetch_wait_ms)
        await consumer.start()
        try:
            while len(latency) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for r in records:
                        latency.setdefault(r.key, time.time() - sent[r.key])
        finally:
            await consumer.stop()

    tasks = [asyncio.create_task(relay(i)) for i in range(len(hops) - 1)]
    sink_task = asyncio.create_task(sink())
    # Let the groups join (and poll once) before the clock starts.
    warm = b"999999"
    sent[warm] = time.time()
    await producer.send_and_wait(f"{tag}.{hops[0]}", key=warm, value=payload[hops[0]][0])
    while warm not in latency:
        await asyncio.sleep(0.1)
    latency.pop(warm)
    begun = time.time()
    for i in range(count):
        key = str(i).encode()
        sent[key] = time.time()
        future = await producer.send(f"{tag}.{hops[0]}", key=key, value=payload[hops[0]][i % len(payload[hops[0]])])
        if gap_s is not None:
            await future
            while key not in latency:
                await asyncio.sleep(0.005)
            await asyncio.sleep(gap_s)
    await asyncio.wait_for(sink_task, timeout=300)
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await producer.stop()
    keys = [str(i).encode() for i in range(count)]
    return begun, [latency[k] + sent[k] for k in keys], [latency[k] for k in keys]


async def broker_ceiling(size: Size, sizes: dict[str, list[int]]) -> dict:
    """aiokafka alone, consume→produce through four hops, with the pipeline's message sizes per hop; and the
    latency of one message through them with Faust's fetch wait (1,500 ms, fixed in its aiokafka driver) and 100 ms."""
    size_of = {"raw": sizes["raw"], "normalized": sizes["normalized"], "stories": sizes["tagged"],
               "tagged": sizes["tagged"], "matches": [1500]}
    payload = {h: [os.urandom(s // 2).hex().encode() for s in size_of[h][:50]] for h in size_of}
    out: dict = {"bytes_per_hop": {h: round(statistics.mean(size_of[h])) for h in size_of}, "messages": size.ceiling}
    with EmbeddedBroker(log_path=WORK / "ceiling-broker.log") as broker:
        t0, arrivals, _ = await _hops(broker.bootstrap, "ceiling", size.ceiling, payload, fetch_wait_ms=500, gap_s=None)
        out["seconds"] = max(arrivals) - t0
        out["rate"] = size.ceiling / out["seconds"]
        for wait in (1500, 100):
            _, _, lat = await _hops(broker.bootstrap, f"probe{wait}", 15, payload, fetch_wait_ms=wait, gap_s=0.05)
            out[f"latency_{wait}"] = {"p50": pct(lat, .5), "p95": pct(lat, .95), "max": max(lat)}
    return out
