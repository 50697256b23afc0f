"""Liveness, readiness and consumer lag for every service.

``/healthz`` answers while the event loop runs. ``/readyz`` answers 200 only when
the worker is connected, has its partitions (or consumes nothing), is not in a
rebalance, and no partition is stalled: behind its high-water mark with no
progress for ``stall_after_s``, and it is not idle while a backlog waits unmoved. A timer
exports the lag per topic and partition and, with :mod:`services.runtime.recovery`, rejoins the
group when consumption stopped for a reason a rebalance cures, and notices a broker that lost its messages.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import faust
from faust.web import Request, Response, View
from prometheus_client import Gauge

from services.runtime.logs import get_logger
from services.runtime.metrics import MESSAGES_FAILED, MESSAGES_PROCESSED
from services.runtime.recovery import (BROKER_LOST, BROKER_RESETS, Watchdog, consumer_state, forget_offsets, group_backlog,
                                       last_fetched, request_rejoin)

__all__ = ["PartitionProgress", "Readiness", "partition_lag", "register_health", "CONSUMER_LAG", "CONSUMER_STALLED"]

log = get_logger("wirewatch.health")

CONSUMER_LAG = Gauge(
    "wirewatch_consumer_lag", "Messages not yet done, per assigned partition: high-water mark minus the group's "
    "committed offset (a table changelog: minus the offset read).", ["topic", "partition"]
)
CONSUMER_STALLED = Gauge(
    "wirewatch_consumer_stalled", "1 while an assigned partition is behind and has not moved for the stall timeout.",
    ["topic", "partition"],
)


def partition_lag(highwater: int, read: int | None, committed: int | None, *, internal: bool = False) -> int:
    """Messages of a partition not yet done: behind the group's committed offset (the next to read), as Kafka's
    own tools count lag. Not behind the offset Faust last read: that one runs ahead by whatever waits in the
    agents' stream buffers (up to ``stream_buffer_maxsize``, 4,096 messages each), which an overload fills while the
    read-offset lag stays near 0. Before the first commit of a new group, everything read counts as not done. A
    table changelog is read only to restore the table and never committed: behind what was read."""
    if internal:
        return max(0, highwater - ((read + 1) if read is not None else 0))
    return max(0, highwater - (committed or 0))


@dataclass
class PartitionProgress:
    """Tracks one partition's progress (read and committed offsets) to tell a slow consumer from a stalled one."""

    offset: object = None
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
    idle_backlog: list[str] = field(default_factory=list)  # owning nothing while these partitions wait, unmoved
    never_fed: list[str] = field(default_factory=list)  # assigned, resumed, and no fetch answered since (see recovery.py)
    problem: str | None = None  # the last thing the worker did on its own to recover, and why

    @property
    def ready(self) -> bool:
        # A worker with more peers than partitions may own none and still be ready: joining is what counts,
        # unless nobody consumes what waits.
        in_group = not self.consumes or (self.joined and not self.rebalancing)
        return self.started and in_group and not self.stalled and not self.idle_backlog and not self.never_fed

    def as_dict(self) -> dict:
        return {"ready": self.ready, "started": self.started, "consumes": self.consumes, "joined": self.joined,
                "rebalancing": self.rebalancing, "assigned_partitions": self.assigned, "stalled": self.stalled,
                "idle_with_backlog": self.idle_backlog, "never_fed": self.never_fed, "last_recovery": self.problem}


def register_health(app: faust.App, *, stall_after_s: float, interval_s: float = 5.0, first_fetch_after_s: float = 30.0,
                    on_broker_reset: Callable[[], Awaitable[object]] | None = None) -> None:
    progress: dict[tuple[str, int], PartitionProgress] = {}
    stalled: set[str] = set()
    joined: list[bool] = []
    dog = Watchdog(stall_after_s, first_fetch_after_s=min(first_fetch_after_s, stall_after_s))
    idle: list[str] = []
    last: list[str] = []
    said_waiting = [float("-inf")]
    unfed: list[str] = []  # what the last tick found never fed, until the next assignment feeds it

    @app.on_rebalance_complete.connect
    async def on_joined(sender: faust.App, **kwargs: object) -> None:
        joined.append(True)
        # Sent when the assignment's tables are recovered, just before its streams resume: every fetch answered for
        # them comes after this.
        dog.assigned_at = time.time()

    @app.timer(interval_s, name="wirewatch-lag")
    async def measure_lag() -> None:
        consumer = app.consumer
        now = time.monotonic()
        seen = set()
        reset: dict = {}
        activity = _activity()
        never_fed = _never_fed(consumer)
        unfed[:] = never_fed
        waiting: set[str] = set()  # behind and unmoved for first_fetch_after_s, or never fetched
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            if highwater is None:
                waiting.add(f"{tp.topic}[{tp.partition}]")  # never fetched: no lag to tell
                continue
            read = consumer._read_offset.get(tp)  # noqa: SLF001 - Faust keeps the last offset it handed to agents here
            lost = dog.broker_reset(tp, highwater, read)
            internal = _internal(f"{tp.topic}[{tp.partition}]")
            if lost is not None:
                # A table changelog's lag is what the worker wrote and never reads back, not messages lost: the table
                # holds them and writes them into the new changelog (services/runtime/tables.py).
                reset[tp] = 0 if internal else lost
                read = None
            committed = None if reset.get(tp) is not None else consumer._committed_offset.get(tp)  # noqa: SLF001
            lag = partition_lag(highwater, read, committed, internal=internal)
            dog.note_lag(tp, lag)
            key = (tp.topic, tp.partition)
            seen.add(key)
            state = progress.setdefault(key, PartitionProgress((read, committed), now))
            state.update((read, committed), now)
            # A table changelog is read by no agent (only at recovery): its lag is no stall.
            is_stalled = state.stalled(lag, now, stall_after_s) and not internal
            CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)
            CONSUMER_STALLED.labels(tp.topic, str(tp.partition)).set(1 if is_stalled else 0)
            name = f"{tp.topic}[{tp.partition}]"
            if lag > 0 and now - state.since >= dog.first_fetch_after_s:
                waiting.add(name)
            (stalled.add if is_stalled else stalled.discard)(name)
        if reset:
            await _after_broker_reset(reset)
        # Table changelogs are paused by design once recovered (the worker writes them, no agent reads them): never a
        # reason to rebalance, which only interrupts the agents (seen: a rejoin answered with the same generation).
        streamed = {n for n in stalled if not _internal(n)}
        paused = [f"{tp.topic}[{tp.partition}]" for tp in consumer._paused_partitions]  # noqa: SLF001
        stuck = sorted(set(paused) & streamed)
        idle_worker = dog.worker_idle(now, activity)
        _say_if_waiting(consumer, now, behind=waiting)
        if never_fed and not app.rebalancing and dog.may_rejoin(now):
            # Assigned, recovered, resumed, and not one fetch answered since: the fetcher never asked for these
            # partitions (faust-streaming#629, seen after a restart). A rebalance starts them.
            last[:] = [f"rejoined: {', '.join(never_fed)} never fetched since the assignment"]
            request_rejoin(app, "never_fed", partitions=never_fed)
            dog.assigned_at = None  # once per assignment
        elif stuck and not app.rebalancing and dog.may_rejoin(now):
            last[:] = [f"rejoined: {', '.join(stuck)} stalled and paused"]
            request_rejoin(app, "stalled_paused", partitions=stuck)
        elif streamed and idle_worker and not app.rebalancing and dog.may_rejoin(now):
            # Behind, not moving, and the worker has finished nothing meanwhile: not a slow message but a
            # consumer that stopped being fed (seen after a rebalance). A rebalance starts it again.
            last[:] = [f"rejoined: {', '.join(sorted(streamed))} stalled while the worker did nothing"]
            request_rejoin(app, "stalled", partitions=sorted(streamed))
        await _check_idle(now)
        for key in set(progress) - seen:
            # Partitions moved to another worker stop being ours to report.
            progress.pop(key)
            CONSUMER_LAG.remove(key[0], str(key[1]))
            CONSUMER_STALLED.remove(key[0], str(key[1]))
            stalled.discard(f"{key[0]}[{key[1]}]")

    def _never_fed(consumer: object) -> list[str]:
        """Partitions of a recovered assignment, not paused, no changelog, with no fetch answered since it."""
        if app.rebalancing or getattr(app, "in_recovery", False) or dog.assigned_at is None:
            return []
        wall = time.time()
        paused = {(tp.topic, tp.partition) for tp in consumer._paused_partitions}  # noqa: SLF001
        out = []
        for tp in consumer.assignment():
            name = f"{tp.topic}[{tp.partition}]"
            if _internal(name) or (tp.topic, tp.partition) in paused:
                continue
            try:
                fetched = last_fetched(app, tp)
            except Exception:  # noqa: BLE001 - the consumer is between assignments: look again at the next tick
                return []
            if dog.never_fed(wall, fetched):
                out.append(name)
        return out

    def _say_if_waiting(consumer: object, now: float, behind: set[str]) -> None:
        """Log, once a minute, the consumer's gates while the worker has finished nothing for ``first_fetch_after_s``
        and a partition it owns is stalled behind or was never fetched (or a rebalance does not end): the facts
        that tell which gate holds it, for a stall seen only under load."""
        behind = {n for n in behind if not _internal(n)}
        if (not behind and not app.rebalancing) or now - dog.activity_since < dog.first_fetch_after_s \
                or now - said_waiting[0] < 60:
            return
        said_waiting[0] = now
        try:
            state = consumer_state(app, [tp for tp in consumer.assignment() if not _internal(f"{tp.topic}[{tp.partition}]")])
        except Exception as exc:  # noqa: BLE001 - a diagnosis must never stop the timer
            state = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        log.warning("consumer_waiting", idle_s=round(now - dog.activity_since), behind_or_unfetched=sorted(behind),
                    assigned_s_ago=round(time.time() - dog.assigned_at, 1) if dog.assigned_at else None, **state)

    def _internal(name: str) -> bool:
        topic = name.rsplit("[", 1)[0]
        return topic.endswith("-changelog") or "__assignor" in topic

    def _activity() -> float:
        """Messages this worker's stages finished or failed so far."""
        return sum(sample.value for metric in (MESSAGES_PROCESSED, MESSAGES_FAILED) for family in metric.collect()
                   for sample in family.samples if sample.name.endswith("_total"))

    async def _after_broker_reset(reset: dict) -> None:
        BROKER_RESETS.inc()
        for tp, lost in reset.items():
            BROKER_LOST.labels(tp.topic).inc(lost)
        names = {f"{tp.topic}[{tp.partition}]": lost for tp, lost in reset.items()}
        log.error("broker_reset", lost_unread=sum(reset.values()), partitions=names,
                  meaning="the broker lost its messages (an embedded broker restarted?): reading again from offset 0")
        last[:] = [f"broker reset: {sum(reset.values())} unread messages lost on {', '.join(names)}"]
        forget_offsets(app, list(reset))
        if hasattr(app.tables, "changelogs_lost"):
            app.tables.changelogs_lost()  # the rejoin's recovery writes every table into its new changelog
        if on_broker_reset is not None:
            try:
                await on_broker_reset()
            except Exception as exc:  # noqa: BLE001 - topics are also created on first use; say it and go on
                log.warning("broker_reset_topics_not_created", error=f"{type(exc).__name__}: {exc}"[:300])
        request_rejoin(app, "broker_reset", partitions=sorted(names))
        dog.last_rejoin = time.monotonic()

    async def _check_idle(now: float) -> None:
        if not app.agents or not joined or app.rebalancing or app.consumer.assignment():
            dog.idle_backlog(now, {})
            idle.clear()
            return
        try:
            topics = set(app.consumer._thread._ensure_consumer().subscription())  # noqa: SLF001
            backlog = await group_backlog(app, topics)
        except Exception as exc:  # noqa: BLE001 - no answer from the broker now: look again at the next tick
            log.debug("idle_backlog_unknown", error=str(exc)[:200])
            return
        if dog.idle_backlog(now, backlog):
            idle[:] = sorted(f"{tp.topic}[{tp.partition}]" for tp in backlog)
            if dog.may_rejoin(now):
                last[:] = [f"rejoined: no partition assigned while {', '.join(idle)} wait unmoved"]
                request_rejoin(app, "idle_with_backlog", partitions=idle)
        else:
            idle.clear()

    def readiness() -> Readiness:
        return Readiness(
            started=bool(app.producer.started),
            consumes=bool(app.agents),
            joined=bool(joined),
            rebalancing=bool(app.rebalancing),
            assigned=len(app.consumer.assignment()),
            stalled=sorted(stalled),
            idle_backlog=list(idle),
            never_fed=list(unfed),
            problem=last[0] if last else None,
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
