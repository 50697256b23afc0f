"""What ``wirewatch dead-letters`` reads and says: every dead letter on the ``<topic>.dlq`` topics, in words.

A stage that cannot decode, validate, process or deliver a message writes a ``DeadLetter`` (the stage, the
error's class, the reason, the original bytes and key) to the dead-letter topic of the topic it read, and goes
on. This reads those topics from their start to their end offsets as they are when it starts (it does not
wait for more), so a user can see what failed and why without decoding base64 by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from schemas import DeadLetter

__all__ = ["Letter", "read_dead_letters", "dead_letter_topics", "describe", "summary", "since"]

_SHOWN_BYTES = 120


@dataclass(frozen=True)
class Letter:
    """One record of a dead-letter topic: the letter, or why the record is not one (written by something else)."""

    topic: str
    partition: int
    offset: int
    letter: DeadLetter | None
    unreadable: str | None = None


def dead_letter_topics(existing: Iterable[str], wanted: Sequence[str] = ()) -> list[str]:
    """The dead-letter topics to read: ``wanted`` when given, else every topic of the broker named ``*.dlq``."""
    existing = set(existing)
    if wanted:
        return list(dict.fromkeys(wanted))
    return sorted(t for t in existing if t.endswith(".dlq"))


async def read_dead_letters(options: dict[str, Any], topics: Sequence[str] = ()) -> tuple[list[str], list[Letter]]:
    """The topics read and their records, oldest first per partition; ``options`` as ``aiokafka_options`` gives them.

    A topic in ``topics`` that the broker does not have is read as empty (nothing failed there yet).
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False, group_id=None, auto_offset_reset="earliest")
    try:
        await consumer.start()
        existing = await consumer.topics()
        chosen = dead_letter_topics(existing, topics)
        partitions = [TopicPartition(t, p) for t in chosen if t in existing for p in sorted(consumer.partitions_for_topic(t) or ())]
        if not partitions:
            return chosen, []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        left = {tp for tp in partitions if ends[tp] > 0}
        letters: list[Letter] = []
        while left:
            batch = await consumer.getmany(*left, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        letters.append(_letter(record))
            for tp in list(left):
                if await consumer.position(tp) >= ends[tp]:
                    left.discard(tp)
        return chosen, letters
    finally:
        await consumer.stop()


def _letter(record: Any) -> Letter:
    try:
        return Letter(record.topic, record.partition, record.offset, DeadLetter.model_validate_json(record.value or b""))
    except ValidationError as exc:
        return Letter(record.topic, record.partition, record.offset, None, f"not a dead letter ({exc.error_count()} errors)")


def _shown(data: bytes | None) -> str:
    if data is None:
        return "none"
    text = data[:_SHOWN_BYTES].decode("utf-8", "replace")
    more = "…" if len(data) > _SHOWN_BYTES else ""
    return f"{len(data)} bytes: {text!r}{more}"


def describe(item: Letter) -> str:
    """Two lines in words: when, where, which stage, what failed and why; then the key and the start of the original."""
    where = f"{item.topic}[{item.partition}]@{item.offset}"
    if item.letter is None:
        return f"{where}  {item.unreadable}"
    d = item.letter
    when = d.failed_at.strftime("%Y-%m-%d %H:%M:%SZ")
    key = d.key.decode("utf-8", "replace") if d.key else "none"
    return (f"{when}  {where}  {d.service} could not handle a message of {d.source_topic}: {d.error_class}: {d.reason}\n"
            f"    key {key!r}; original {_shown(d.original)}")


def summary(topics: Sequence[str], letters: Sequence[Letter]) -> str:
    """One line: how many dead letters, per topic and error class."""
    if not letters:
        return f"no dead letters in {', '.join(topics) or 'any topic (the broker has no *.dlq topic yet)'}"
    by_topic: dict[str, Counter[str]] = {}
    for item in letters:
        by_topic.setdefault(item.topic, Counter())[item.letter.error_class if item.letter else "unreadable"] += 1
    parts = [f"{topic} {sum(c.values())} ({', '.join(f'{k} {n}' for k, n in c.most_common())})" for topic, c in by_topic.items()]
    return f"{len(letters)} dead letter{'s' if len(letters) != 1 else ''}: " + "; ".join(parts)


def since(letters: Iterable[Letter], at: datetime | None) -> list[Letter]:
    """The letters that failed at or after ``at`` (all when None; an unreadable record is always shown)."""
    return [x for x in letters if at is None or x.letter is None or x.letter.failed_at >= at]
