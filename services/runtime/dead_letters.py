"""What ``wirewatch dead-letters`` reads and says: every dead letter on the ``<topic>.dlq`` topics, in words.

A stage that cannot decode, validate, process or deliver a message writes a ``DeadLetter`` (the stage, the
error's class, the reason, the original bytes and key) to the dead-letter topic of the topic it read, and goes
on. This reads those topics from their start to their end offsets as they are when it starts (it does not
wait for more), so a user can see what failed and why without decoding base64 by hand.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from schemas import DeadLetter
from services.runtime.codec import describe_validation_error

__all__ = ["Letter", "NoSuchTopic", "Tally", "in_time_order", "read_dead_letters", "dead_letter_topics", "describe", "since",
           "chosen", "place", "key_said", "counts_said"]

_SHOWN_BYTES = 120
_NEVER = datetime.min.replace(tzinfo=timezone.utc)  # the time of a record with none


@dataclass(frozen=True)
class Letter:
    """One record of a dead-letter topic: the letter, or why the record is not one (written by something else)."""

    topic: str
    partition: int
    offset: int
    letter: DeadLetter | None
    unreadable: str | None = None
    written_at: datetime | None = None  # the record's broker timestamp: the time of a record that is no letter

    @property
    def at(self) -> datetime | None:
        """When it failed (the letter's own time), else when the record was written."""
        return self.letter.failed_at if self.letter is not None else self.written_at


def dead_letter_topics(existing: Iterable[str], wanted: Sequence[str] = ()) -> list[str]:
    """The dead-letter topics to read: ``wanted`` when given, else every topic of the broker named ``*.dlq``."""
    existing = set(existing)
    if wanted:
        return list(dict.fromkeys(wanted))
    return sorted(t for t in existing if t.endswith(".dlq"))


def _time_order(item: Letter) -> tuple[datetime, str, int, int]:
    return item.at or _NEVER, item.topic, item.partition, item.offset


async def in_time_order(partitions: Sequence[AsyncIterator[Letter]]) -> AsyncIterator[Letter]:
    """The letters of every partition merged oldest first (one time's in topic, partition and offset order).

    Each partition is in time order already (its letters were written as they failed), so this holds one letter
    per partition and asks a partition for its next only when its last is handed on."""
    heads: list[tuple[tuple[datetime, str, int, int], int, Letter]] = []
    for i, partition in enumerate(partitions):
        if (first := await anext(partition, None)) is not None:
            heads.append((_time_order(first), i, first))
    heapq.heapify(heads)
    while heads:
        _, i, item = heads[0]
        yield item
        if (following := await anext(partitions[i], None)) is None:
            heapq.heappop(heads)
        else:
            heapq.heapreplace(heads, (_time_order(following), i, following))


class NoSuchTopic(Exception):
    """A dead-letter topic asked for that is neither on the broker nor one the pipeline would write (a typo)."""

    def __init__(self, topic: str, existing: set[str]) -> None:
        super().__init__(topic)
        self.topic, self.existing = topic, existing


async def read_dead_letters(options: dict[str, Any], topics: Sequence[str], each: Callable[[Letter], None],
                            known: Collection[str] = ()) -> list[str]:
    """Hand ``each`` every record of the dead-letter topics, oldest first across topics and partitions, up to the
    end offsets at the start; the topics read. ``options`` as ``aiokafka_options`` gives them.

    Nothing is held but the consumer's fetches and the next letter of each partition: a letter is handed on as soon
    as no partition can have an older one. A topic in ``topics`` that the broker does not have is read as empty
    (nothing failed there yet) when it is in ``known`` (the pipeline's dead-letter topics), else :class:`NoSuchTopic`.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False, group_id=None, auto_offset_reset="earliest")
    try:
        await consumer.start()
        existing = await consumer.topics()
        chosen = dead_letter_topics(existing, topics)
        if known:
            for topic in chosen:
                if topic not in existing and topic not in known:
                    raise NoSuchTopic(topic, existing)
        partitions = [TopicPartition(t, p) for t in chosen if t in existing for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return chosen
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        async for item in in_time_order([_partition_letters(consumer, tp, ends[tp]) for tp in partitions if ends[tp] > 0]):
            each(item)
        return chosen
    finally:
        await consumer.stop()


async def _partition_letters(consumer: Any, tp: Any, end: int) -> AsyncIterator[Letter]:
    """One partition's records up to ``end``, as fetched."""
    while await consumer.position(tp) < end:
        batch = await consumer.getmany(tp, timeout_ms=1000)
        for record in batch.get(tp, ()):
            if record.offset < end:
                yield _letter(record)


def _letter(record: Any) -> Letter:
    written = datetime.fromtimestamp(record.timestamp / 1000, tz=timezone.utc) if record.timestamp is not None else None
    try:
        letter = DeadLetter.model_validate_json(record.value or b"")
    except ValidationError as exc:
        # Which field is wrong is said (an ``original`` that is no base64 cannot be resent, and the user is told why).
        return Letter(record.topic, record.partition, record.offset, None, f"not a dead letter ({describe_validation_error(exc, limit=2)})",
                      written)
    return Letter(record.topic, record.partition, record.offset, letter, written_at=written)


def _shown(data: bytes | None) -> str:
    if data is None:
        return "none"
    text = data[:_SHOWN_BYTES].decode("utf-8", "replace")
    more = "…" if len(data) > _SHOWN_BYTES else ""
    return f"{len(data)} bytes: {text!r}{more}"


def place(item: Letter) -> str:
    """Where a letter is: ``articles.raw.dlq[0]@3``."""
    return f"{item.topic}[{item.partition}]@{item.offset}"


def key_said(key: bytes | None) -> str:
    return f"key {key.decode('utf-8', 'replace')!r}" if key else "no key"


def counts_said(counts: dict[str, Counter[str]]) -> tuple[int, str]:
    """How many in all, and per topic and error class in words: ``articles.raw 3 (SchemaViolation 2, InvalidJSON 1)``."""
    total = sum(sum(c.values()) for c in counts.values())
    return total, "; ".join(f"{topic} {sum(c.values())} ({', '.join(f'{k} {n}' for k, n in c.most_common())})"
                            for topic, c in counts.items())


def describe(item: Letter, inputs: Callable[[DeadLetter], str | None] = lambda letter: None) -> str:
    """Two lines in words: when, where, which stage, what failed and why; then the key and the start of the original.
    ``inputs`` says what a letter names that is an input, not a topic (ingest's rejects: ``what it read of feed "x"``)."""
    where = place(item)
    if item.letter is None:
        return f"{where}  {item.unreadable}"
    d = item.letter
    when = d.failed_at.strftime("%Y-%m-%d %H:%M:%SZ")
    key = key_said(d.key)
    rejected = inputs(d)
    what = f"rejected {rejected}" if rejected else f"could not handle a message of {d.source_topic}"
    return (f"{when}  {where}  {d.service} {what}: {d.error_class}: {d.reason}\n"
            f"    {key}; original {_shown(d.original)}")


class Tally:
    """The letters counted per topic and error class, for the closing line."""

    def __init__(self) -> None:
        self.by_topic: dict[str, Counter[str]] = {}
        self.left_out: dict[str, Counter[str]] = {}  # by stage: the letters the options did not choose

    def add(self, item: Letter) -> None:
        self.by_topic.setdefault(item.topic, Counter())[item.letter.error_class if item.letter else "unreadable"] += 1

    def leave_out(self, item: Letter) -> None:
        if item.letter is not None:
            self.left_out.setdefault(item.letter.service, Counter())[item.letter.error_class] += 1

    def summary(self, topics: Sequence[str]) -> str:
        """One line: how many dead letters, per topic and error class; when none was chosen, the ones left out, by stage
        and error class (a --service or --error-class that names none: ``normalize`` for ``normalise``)."""
        total, counts = counts_said(self.by_topic)
        if not total:
            others, said = counts_said(self.left_out)
            left = f"; {others} left out by the options: {said}" if others else ""
            return f"no dead letters in {', '.join(topics) or 'any topic (the broker has no *.dlq topic yet)'}{left}"
        return f"{total} dead letter{'s' if total != 1 else ''}: {counts}"


def since(item: Letter, at: datetime | None) -> bool:
    """Whether the letter failed at or after ``at`` (every one when None); a record that is no letter, whether it was
    written then (one without a time always is): the ``--since`` a resend ends with leaves out what it said."""
    return at is None or item.at is None or item.at >= at


def chosen(item: Letter, error_classes: Collection[str] = (), services: Collection[str] = ()) -> bool:
    """Whether the letter is of one of ``error_classes`` and ``services`` (any when empty; an unreadable record always is:
    what it would be is unknown)."""
    if item.letter is None:
        return True
    return ((not error_classes or item.letter.error_class in error_classes)
            and (not services or item.letter.service in services))
