"""Faust's aiokafka transport with the consumer's fetch wait made a setting, and offsets that skip nothing.

faust-streaming hard-codes ``fetch_max_wait_ms=1500`` for worker consumers. Every hop
from ``articles.raw`` to a webhook is a consumer, and on a quiet topic each one can
wait that long for more data before it hands over what it has: a fresh article paid
it at every stage. ``WIREWATCH_FETCH_MAX_WAIT_MS`` sets it instead.

Three changes keep a crash or a rebalance from skipping a message (seen: an alert in webhook retry when its
worker was killed never delivered by the next one; tests/integration/test_alerter_worker.py):

- **commit**: Faust commits the first run of consecutive acknowledged offsets, and lets it start one past
  the committed offset (or anywhere before the first commit). With several alerts delivered at once, a later
  one delivered committed past an earlier one still in retry. :func:`committable_acks`: never past a message
  an agent still holds.
- **resume after the seek**: after a rebalance Faust resumes the stream partitions, then seeks them to their
  committed offsets, then lets the flow go on. A record fetched in between reached a stream while the flow was
  stopped, which skips it and acknowledges it. The consumer holds those partitions until both are done.
- **drain only what a stream will take**: Faust hands aiokafka its live set of active partitions, shared with the
  main thread, and aiokafka drains *every* partition when that set is empty, as it is between the end of table
  recovery (changelogs paused) and the streams' resume. Records of a stream partition drained then are dropped by
  Faust (not active) after aiokafka's position moved past them, and after the seek that was to bring them back: a
  restarted alerter never delivered the alerts it had in retry, a tagger skipped articles (seen in CI under load;
  the worker's fetch position past records its agents never got). :func:`drain_targets` takes a copy of the set
  and drains nothing when it is empty; records of a partition that left the set while they were drained are put
  back (aiokafka's position sought back to them) by :func:`undrained`.
- **seek where nothing was committed**: records of a paused partition can be taken from the fetcher and dropped
  during table recovery (aiokafka reads an empty set of partitions as "all of them"); the seek brings them back,
  except where the group has no committed offset, which aiokafka's ``seek_to_committed`` skips. :func:`rewind_targets`
  names those partitions and the consumer seeks them to where ``auto_offset_reset`` starts a new group.

The producer creates a topic the broker lost before it sends to it (:mod:`services.runtime.produce_guard`): the
embedded broker acknowledges records for a topic it does not have and never shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import faust
from faust.transport.drivers import aiokafka as driver

from services.runtime.logs import get_logger
from services.runtime.produce_guard import guard_topics
from services.runtime.web import Listening, ListeningWeb

__all__ = ["WirewatchApp", "committable_acks", "drain_targets", "rewind_targets", "undrained"]

log = get_logger("wirewatch.transport")


def rewind_targets(committed: Mapping[Any, int | None], read: Mapping[Any, int | None],
                   internal: Callable[[Any], bool]) -> list[Any]:
    """The partitions to seek to the reset position after a seek to committed offsets: those with no committed
    offset (None or 0, which aiokafka does not seek to) of which no record reached an agent yet (``read``: Faust's
    last offset handed over per partition in this assignment). Table changelogs (``internal``) are Faust's own."""
    return sorted((tp for tp, offset in committed.items() if not offset and read.get(tp) is None and not internal(tp)),
                  key=lambda tp: (tp.topic, tp.partition))


def drain_targets(active: set | None) -> set | None:
    """The partitions to drain fetched records from: a copy of Faust's live ``active`` set (None: client-only, all
    of them); an empty set when none is active, which the caller must not hand to aiokafka (it reads empty as all)."""
    return None if active is None else set(active)


def undrained(drained: Mapping[Any, list], live: set | None) -> tuple[dict[Any, list], dict[Any, int]]:
    """Split drained records into those Faust will hand to streams (their partition is still in the ``live`` active
    set) and, for every other partition, the offset to seek back to so that they are fetched again."""
    if live is None:
        return dict(drained), {}
    keep = {tp: records for tp, records in drained.items() if tp in live}
    back = {tp: records[0].offset for tp, records in drained.items() if tp not in live and records}
    return keep, back


def committable_acks(acked: list[int], in_flight: int | None) -> tuple[list[int], list[int]]:
    """Split a partition's acknowledged offsets into those a commit may cover and those it must wait for: none past
    ``in_flight``, the lowest offset handed to an agent and not yet acknowledged.

    Faust commits the first run of consecutive acknowledged offsets and lets that run start one past its committed
    offset (or anywhere, before its first commit): with several deliveries at once, a delivered alert at offset 1
    committed 2 while the alert at offset 0 was still in webhook retry, and a worker killed then lost that alert.
    """
    if in_flight is None:
        return acked, []
    return [o for o in acked if o < in_flight], [o for o in acked if o > in_flight]


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: driver.Transport) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # aiokafka hands this to its fetcher at start(), which has not happened yet.
        consumer._fetch_max_wait_ms = self.app.fetch_max_wait_ms  # noqa: SLF001
        return consumer

    async def seek_to_committed(self) -> Mapping[Any, int]:
        return await self.call_thread(self._seek_to_committed_or_reset)

    async def _fetch_records(self, consumer: Any, active_partitions: set | None, timeout: float | None = None,
                             max_records: int | None = None) -> Any:
        # See the module's "drain only what a stream will take".
        targets = drain_targets(active_partitions)
        if targets is not None and not targets:
            return {}
        drained = await super()._fetch_records(consumer, targets, timeout=timeout, max_records=max_records)
        keep, back = undrained(drained, active_partitions)
        for tp, offset in list(back.items()):
            try:
                consumer.seek(tp, offset)
            except Exception:  # noqa: BLE001 - no longer assigned: its next owner reads from the committed offset
                back.pop(tp)
        if back:
            log.info("records_put_back", partitions={f"{tp.topic}[{tp.partition}]": o for tp, o in back.items()},
                     meaning="drained for a partition no longer active: fetched again when it is")
        return keep

    async def _seek_to_committed_or_reset(self) -> Mapping[Any, int]:
        consumer = self._ensure_consumer()
        committed = await consumer.seek_to_committed()
        rewind = rewind_targets(committed, self.consumer._read_offset, self.consumer._is_changelog_tp)  # noqa: SLF001
        reset = self.app.conf.consumer_auto_offset_reset
        if rewind and reset in ("earliest", "latest"):
            log.info("seek_uncommitted_partitions", to=reset, partitions=[f"{tp.topic}[{tp.partition}]" for tp in rewind],
                     meaning="no committed offset: read from where a new group starts, not from where the fetcher got to")
            await (consumer.seek_to_beginning if reset == "earliest" else consumer.seek_to_end)(*rewind)
        return committed


class _Consumer(driver.Consumer):
    # Stream partitions whose resume waits, after an assignment, for the seek to committed offsets and for the app's
    # flow control (None: not holding); see the module's "resume after the seek".
    _held: set | None = None
    _seeked: bool = False

    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def on_partitions_assigned(self, assigned: set, generation_id: int = 0) -> None:
        self._held, self._seeked = set(), False
        await super().on_partitions_assigned(assigned, generation_id)

    def resume_partitions(self, tps: Any) -> None:
        tps = set(tps)
        if self._held is None:
            return super().resume_partitions(tps)
        streams = {tp for tp in tps if not self._is_changelog_tp(tp)}
        if streams:
            self._held |= streams
            self._seeked = False
        super().resume_partitions(tps - streams)

    async def perform_seek(self) -> None:
        await super().perform_seek()
        self._seeked = True

    def resume_flow(self) -> None:
        super().resume_flow()
        if self._held and self._seeked and self.app.flow_control.is_active():
            held, self._held = self._held, None
            log.debug("stream_partitions_resumed", partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in held))
            super().resume_partitions(held)
        elif self._held:
            log.debug("stream_partitions_held", seeked=self._seeked, flow=self.app.flow_control.is_active(),
                      partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in self._held))

    def _new_offset(self, tp: Any) -> int | None:
        # Never past a message an agent still holds (see committable_acks).
        in_flight = [m.offset for m in list(self._unacked_messages) if m.tp == tp and not m.acked]
        acked = self._acked[tp]
        keep, later = committable_acks(acked, min(in_flight) if in_flight else None)
        if not later:
            return super()._new_offset(tp)
        acked[:] = keep
        try:
            return super()._new_offset(tp)
        finally:
            acked.extend(later)
            acked.sort()


class _Producer(driver.Producer):
    def _new_producer(self, transactional_id: str | None = None) -> Any:
        producer = super()._new_producer(transactional_id)
        # See services/runtime/produce_guard.py: the embedded broker acknowledges records for a topic it lost.
        guard_topics(producer.client, replication=self.app.conf.topic_replication_factor,
                     default_partitions=self.app.conf.topic_partitions,
                     config_for=lambda topic: {"cleanup.policy": "compact"} if self._changelog(topic) else {},
                     on_recreated=self._recreated)
        return producer

    def _changelog(self, topic: str) -> bool:
        return topic in getattr(self.app.tables, "_changelogs", {})

    def _recreated(self, topic: str) -> None:
        # A table's changelog the broker lost: the next recovery writes the table into the new one.
        if self._changelog(topic) and hasattr(self.app.tables, "changelogs_lost"):
            self.app.tables.changelogs_lost()


class _Transport(driver.Transport):
    Consumer = _Consumer
    Producer = _Producer


class WirewatchApp(faust.App):
    """faust.App whose Kafka consumers use ``fetch_max_wait_ms`` and the offset handling above, and whose web server
    serves the sockets the command bound (``listening``, services/runtime/web.py), when given."""

    def __init__(self, *args: Any, fetch_max_wait_ms: int = 100, listening: Listening | None = None, **kwargs: Any) -> None:
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.listening = listening
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> driver.Transport:
        return _Transport(self.conf.broker_consumer, self)

    def _new_web(self) -> ListeningWeb:
        web = ListeningWeb(self)
        web.listening = self.listening
        return web
