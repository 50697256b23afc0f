"""Liveness, readiness and consumer lag for every service.

``/healthz`` answers while the event loop runs. ``/readyz`` answers 200 only when
the worker is connected, has its partitions (or consumes nothing), is not in a
rebalance, and no partition is stalled: behind its high-water mark with no
progress for ``stall_after_s``. A timer exports the lag per topic and partition.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import faust
from faust.web import Request, Response, View
from prometheus_client import Gauge

__all__ = ["PartitionProgress", "Readiness", "register_health", "CONSUMER_LAG", "CONSUMER_STALLED"]

CONSUMER_LAG = Gauge(
    "wirewatch_consumer_lag", "Messages behind the high-water mark, per assigned partition.", ["topic", "partition"]
)
CONSUMER_STALLED = Gauge(
    "wirewatch_consumer_stalled", "1 while an assigned partition is behind and has not moved for the stall timeout.",
    ["topic", "partition"],
)


@dataclass
class PartitionProgress:
    """Tracks one partition's read offset to tell a slow consumer from a stalled one."""

    offset: int | None = None
    since: float = 0.0

    def update(self, offset: int | None, now: float) -> None:
        if offset != self.offset:
            self.offset, self.since = offset, now

    def stalled(self, lag: int, now: float, stall_after_s: float) -> bool:
        return lag > 0 and now - self.since >= stall_after_s


@dataclass
class Readiness:
    """What /readyz reports, decided from plain facts so it can be tested without a worker."""

    started: bool
    consumes: bool
    joined: bool
    rebalancing: bool
    assigned: int
    stalled: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        # A worker with more peers than partitions may own none and still be ready: joining is what counts.
        in_group = not self.consumes or (self.joined and not self.rebalancing)
        return self.started and in_group and not self.stalled

    def as_dict(self) -> dict:
        return {"ready": self.ready, "started": self.started, "consumes": self.consumes, "joined": self.joined,
                "rebalancing": self.rebalancing, "assigned_partitions": self.assigned, "stalled": self.stalled}


def register_health(app: faust.App, *, stall_after_s: float, interval_s: float = 5.0) -> None:
    progress: dict[tuple[str, int], PartitionProgress] = {}
    stalled: set[str] = set()
    joined: list[bool] = []

    @app.on_rebalance_complete.connect
    async def on_joined(sender: faust.App, **kwargs: object) -> None:
        joined.append(True)

    @app.timer(interval_s, name="wirewatch-lag")
    async def measure_lag() -> None:
        consumer = app.consumer
        now = time.monotonic()
        seen = set()
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                continue
            read = consumer._read_offset.get(tp)  # noqa: SLF001 - Faust keeps the last offset it handed to agents here
            lag = max(0, highwater - ((read + 1) if read is not None else 0))
            key = (tp.topic, tp.partition)
            seen.add(key)
            state = progress.setdefault(key, PartitionProgress(read, now))
            state.update(read, now)
            is_stalled = state.stalled(lag, now, stall_after_s)
            CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)
            CONSUMER_STALLED.labels(tp.topic, str(tp.partition)).set(1 if is_stalled else 0)
            name = f"{tp.topic}[{tp.partition}]"
            (stalled.add if is_stalled else stalled.discard)(name)
        for key in set(progress) - seen:
            # Partitions moved to another worker stop being ours to report.
            progress.pop(key)
            CONSUMER_LAG.remove(key[0], str(key[1]))
            CONSUMER_STALLED.remove(key[0], str(key[1]))
            stalled.discard(f"{key[0]}[{key[1]}]")

    def readiness() -> Readiness:
        return Readiness(
            started=bool(app.producer.started),
            consumes=bool(app.agents),
            joined=bool(joined),
            rebalancing=bool(app.rebalancing),
            assigned=len(app.consumer.assignment()),
            stalled=sorted(stalled),
        )

    @app.page("/healthz")
    class Healthz(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/readyz")
    class Readyz(View):
        async def get(self, request: Request) -> Response:
            state = readiness()
            return self.json(state.as_dict(), status=200 if state.ready else 503)
