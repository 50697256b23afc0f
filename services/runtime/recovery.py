"""Workers that recover on their own.

Three ways a worker can stop consuming while its topics hold messages, each seen by the lag timer
(:mod:`services.runtime.health`), said in a log line, counted, and answered without a restart:

- **stalled**: an assigned partition is behind and has not moved for ``stall_after_s`` while Faust keeps it
  paused (a rebalance whose recovery never resumed it, as after a rejoin answered with the same generation),
  or while the worker finished no message at all meanwhile (not a slow message: a consumer no longer fed):
  the worker asks its group to rebalance (``consumer_rejoin``).
- **never fed after an assignment**: once a rebalance and its table recovery are done, an assigned partition
  (not paused, not a changelog) has had no fetch answered for ``first_fetch_after_s`` (30 s): the fetcher never
  asked for it (faust-streaming#629: no high-water mark, so no lag, ever). Rejoin then,
  instead of a worker that sits out the general stall time or forever.
- **idle with a backlog**: no partition assigned, yet a subscribed partition is behind its group's committed
  offset and nobody moves it for ``stall_after_s`` (an assignment lost to a ghost member): rejoin too.
- **broker reset**: a partition's high-water mark went back below what this worker had read. The embedded
  broker keeps nothing across its own restart; Faust would skip every new message until the offsets pass
  the old ones. The worker counts what it had not yet read (``wirewatch_broker_lost_messages_total``),
  says so (``broker_reset``), creates the topics again and rejoins, so it reads the new messages from 0.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import Counter

from services.runtime.logs import get_logger

__all__ = ["BROKER_LOST", "BROKER_RESETS", "REJOINS", "Watchdog", "request_rejoin", "forget_offsets", "last_fetched"]

log = get_logger("wirewatch.recovery")

REJOINS = Counter("wirewatch_consumer_rejoins_total",
                  "Times a worker asked its group to rebalance on its own, by reason (stalled_paused, stalled, never_fed, "
                  "idle_with_backlog, broker_reset).", ["reason"])
BROKER_RESETS = Counter("wirewatch_broker_resets_total",
                        "Times a worker saw the broker lose a partition's messages (its high-water mark went back).")
BROKER_LOST = Counter("wirewatch_broker_lost_messages_total",
                      "Messages a worker had not yet read when the broker lost them (as last measured, per topic).", ["topic"])


@dataclass
class Watchdog:
    """Decides, from plain facts, when a worker should rejoin its group; at most once per ``stall_after_s``."""

    stall_after_s: float
    last_rejoin: float = float("-inf")
    backlog_since: float | None = None  # when an idle worker first saw a backlog nobody moved
    backlog_offsets: dict[Any, int] = field(default_factory=dict)
    highwater: dict[Any, int] = field(default_factory=dict)  # last high-water mark per partition
    lag: dict[Any, int] = field(default_factory=dict)  # last lag per partition
    activity: float = -1.0
    activity_since: float = 0.0
    first_fetch_after_s: float = 30.0
    assigned_at: float | None = None  # wall time when the latest assignment was recovered and its streams resumed

    def never_fed(self, now: float, fetched_at: float | None) -> bool:
        """True when a partition of the latest assignment, neither paused nor a changelog, has had no fetch answered
        since the assignment was recovered, ``first_fetch_after_s`` ago (``now``, ``fetched_at``: wall seconds). The
        fetcher long-polls every assigned partition every second or two, data or not: this one it never asked for."""
        if self.assigned_at is None or now - self.assigned_at < self.first_fetch_after_s:
            return False
        return fetched_at is None or fetched_at < self.assigned_at

    def broker_reset(self, tp: Any, highwater: int, read: int | None) -> int | None:
        """The messages lost when ``tp``'s high-water mark went back below what was read, else None."""
        before, lag_before = self.highwater.get(tp), self.lag.get(tp, 0)
        self.highwater[tp] = highwater
        # Below the offset read (Faust's read offset is the last handed over, or after a seek the next to read),
        # or below the last high-water mark: either way the broker no longer has what it had.
        went_back = (read is not None and highwater < read) or (before is not None and highwater < before)
        return lag_before if went_back else None

    def note_lag(self, tp: Any, lag: int) -> None:
        self.lag[tp] = lag

    def idle_backlog(self, now: float, backlog: dict[Any, int]) -> bool:
        """``backlog``: committed offset of each partition that is behind, while this worker owns none.
        True once the same backlog has not moved for ``stall_after_s``."""
        if not backlog or backlog != self.backlog_offsets:
            self.backlog_offsets = dict(backlog)
            self.backlog_since = now if backlog else None
            return False
        return self.backlog_since is not None and now - self.backlog_since >= self.stall_after_s

    def worker_idle(self, now: float, activity: float) -> bool:
        """True once ``activity`` (messages the worker's stages finished) has not changed for ``stall_after_s``."""
        if activity != self.activity:
            self.activity, self.activity_since = activity, now
        return now - self.activity_since >= self.stall_after_s

    def may_rejoin(self, now: float) -> bool:
        if now - self.last_rejoin < self.stall_after_s:
            return False
        self.last_rejoin = now
        return True


def _aiokafka_consumer(app: Any) -> Any:
    return app.consumer._thread._ensure_consumer()  # noqa: SLF001 - the one handle on the group coordinator


def request_rejoin(app: Any, reason: str, **why: Any) -> None:
    """Ask the group coordinator for a rebalance (from the consumer's own thread), and say why."""
    REJOINS.labels(reason).inc()
    log.warning("consumer_rejoin", reason=reason, **why)
    thread = app.consumer._thread  # noqa: SLF001
    coordinator = _aiokafka_consumer(app)._coordinator  # noqa: SLF001
    thread.thread_loop.call_soon_threadsafe(coordinator.request_rejoin)


def last_fetched(app: Any, tp: Any) -> float | None:
    """When the consumer last had an answer to a fetch for ``tp`` (wall seconds), None if never since assigned."""
    state = _partition_state(_assignment(app), tp)
    return state.timestamp / 1000 if state is not None and state.timestamp else None


def _assignment(app: Any) -> Any:
    """aiokafka's current assignment (None between assignments)."""
    return _aiokafka_consumer(app)._subscription.subscription.assignment  # noqa: SLF001


def _partition_state(assignment: Any, tp: Any) -> Any:
    """aiokafka's fetch state of ``tp`` (a Faust or aiokafka partition), None when not assigned."""
    from aiokafka.structs import TopicPartition

    return assignment.state_value(TopicPartition(tp.topic, tp.partition)) if assignment is not None else None


def consumer_state(app: Any, tps: list[Any]) -> dict[str, Any]:
    """What Faust and aiokafka know of ``tps`` and of the flow, for a log line when a worker waits with work
    undone: which of the many gates (rebalance, recovery, flow control, a pause, a position awaiting reset, a fetch
    never answered) holds it."""
    consumer = app.consumer
    wall = time.time()
    out: dict[str, Any] = {
        "rebalancing": bool(app.rebalancing), "in_recovery": bool(getattr(app, "in_recovery", False)),
        "flow_active": bool(getattr(consumer, "flow_active", True)), "flow_control": bool(app.flow_control.is_active()),
        "held": sorted(f"{tp.topic}[{tp.partition}]" for tp in (getattr(consumer, "_held", None) or ())),
        "seeked": getattr(consumer, "_seeked", None),
    }
    try:
        assignment = _assignment(app)
    except Exception as exc:  # noqa: BLE001 - between assignments: say so
        assignment, out["aiokafka"] = None, f"{type(exc).__name__}: {exc}"[:200]
    paused = consumer._paused_partitions  # noqa: SLF001
    parts = {}
    for tp in tps:
        state = _partition_state(assignment, tp)
        fact: dict[str, Any] = {"highwater": consumer.highwater(tp), "read": consumer._read_offset.get(tp),  # noqa: SLF001
                                "committed": consumer._committed_offset.get(tp), "faust_paused": tp in paused}  # noqa: SLF001
        if state is None:
            fact["aiokafka"] = "not assigned"
        else:
            fact.update(paused=state.paused, valid_position=state.has_valid_position, awaiting_reset=state.awaiting_reset,
                        fetched_s_ago=round(wall - state.timestamp / 1000, 1) if state.timestamp else None)
            if state.has_valid_position:
                fact["position"] = state.position
        parts[f"{tp.topic}[{tp.partition}]"] = fact
    out["partitions"] = parts
    return out


def forget_offsets(app: Any, tps: list[Any]) -> None:
    """Forget what Faust read, acknowledged and committed on ``tps``: the broker's offsets started again."""
    consumer = app.consumer
    for tp in tps:
        consumer._read_offset[tp] = None  # noqa: SLF001 - else Faust drops every message below the old offset
        consumer._committed_offset[tp] = None  # noqa: SLF001
        consumer._acked[tp] = []  # noqa: SLF001
        consumer._acked_index[tp] = set()  # noqa: SLF001
        consumer._gap.pop(tp, None)  # noqa: SLF001


async def group_backlog(app: Any, topics: set[str]) -> dict[Any, int]:
    """Committed offset of every partition of ``topics`` that is behind its high-water mark (for the group)."""
    from faust.types import TP

    consumer = app.consumer
    tps = [TP(t, p) for t in sorted(topics) for p in range(consumer.topic_partitions(t) or 0)]
    if not tps:
        return {}
    ends = await consumer.highwaters(*tps)
    aio = _aiokafka_consumer(app)
    backlog = {}
    for tp in tps:
        committed = await asyncio.wait_for(consumer._thread.call_thread(aio.committed, tp), 10)  # noqa: SLF001
        if (ends.get(tp) or 0) > (committed or 0):
            backlog[tp] = committed or 0
    return backlog
