"""What ``wirewatch dead-letters --resend`` sends back: each chosen letter's original bytes and key, to the topic it
failed on, with headers saying it is a resend, from which letter, and for which stage. The service that wrote a letter
has its word (``route``): a letter to leave (a feed's poll state, a webhook delivery), or one whose original came from
another topic than the letter names.

A topic may be read by several stages (``articles.tagged`` by the alerter and the newsroom, ``alerts`` by delivery and
the newsroom): a resent message is read only by the stage that failed it (``wirewatch-resent-for``), so the others
do not take it twice. Nothing remembers what was resent: resending the same letters again sends them again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from schemas import DeadLetter
from services.runtime.dead_letters import Letter, counts_said, key_said, place

__all__ = ["RESENT_FROM_HEADER", "RESENT_FOR_HEADER", "UNREADABLE_STATUS", "Resend", "Skip", "NotResent", "Rerouted", "Route",
           "plan", "resent_from", "meant_for", "resend_headers", "said", "ResendTally", "next_since", "resend"]

# On a resent message: the dead letter it came from, "<dlq topic>[<partition>]@<offset>" (UTF-8).
RESENT_FROM_HEADER = "wirewatch-resent-from"
# On a resent message: the stage that failed it and is the only one to read it again (UTF-8).
RESENT_FOR_HEADER = "wirewatch-resent-for"
# The exit status of a resend that sent every letter it could and left records that are no dead letter, said, where
# they are: not 0, as a record in a dead-letter topic that nothing can read may be a message lost; not 1, which says
# a letter that could go back did not (the resend is not done).
UNREADABLE_STATUS = 3


@dataclass(frozen=True)
class Resend:
    """A letter to send back: its original to its source topic, or to ``rerouted``, the topic it truly came from when
    the letter names another (``why`` says how that is known)."""

    item: Letter
    rerouted: str | None = None
    why: str | None = None

    @property
    def letter(self) -> DeadLetter:
        assert self.item.letter is not None
        return self.item.letter

    @property
    def topic(self) -> str:
        """Where the original goes."""
        return self.rerouted or self.letter.source_topic


@dataclass(frozen=True)
class Skip:
    """A letter not sent back, and why; ``problem`` when that is a failure (exit 1) rather than a pointer elsewhere or
    a record that is no dead letter (``unreadable``: nothing any command can send)."""

    item: Letter
    why: str
    problem: bool = True

    @property
    def unreadable(self) -> bool:
        return self.item.letter is None


@dataclass(frozen=True)
class NotResent:
    """What a service knows of one of its letters: it is not to go back, and why (``problem``: that is a failure)."""

    why: str
    problem: bool = False


@dataclass(frozen=True)
class Rerouted:
    """What a service knows of one of its letters: its original came from ``topic``, not the source topic it names."""

    topic: str
    why: str


# A service's word on a letter (None: resend it to its source topic, as any other).
Route = Callable[[DeadLetter], NotResent | Rerouted | None]


def plan(item: Letter, *, resendable: Collection[str], kept_headers: Collection[str], existing: Collection[str],
         route: Route = lambda _: None) -> Resend | Skip:
    """Whether a letter can go back: it must be a letter, of a pipeline topic whose messages carry no headers of their
    own (a dead letter keeps none), on the broker. ``route`` gives the word of the service that wrote it: another
    command for some (alert deliveries), nothing to resend for others (a feed's poll state), the topic it truly came
    from for a letter that names another. An input that ingest rejected was never on a topic and is pointed back to
    ingest, and an empty message (a tombstone) has nothing to resend: none of these is a failure."""
    d = item.letter
    if d is None:
        return Skip(item, f"{item.unreadable}: nothing to resend, left where it is", problem=False)
    word = route(d)
    if isinstance(word, NotResent):
        return Skip(item, word.why, problem=word.problem)
    rerouted = word if isinstance(word, Rerouted) else None
    topic = rerouted.topic if rerouted else d.source_topic
    if d.error_class == "EmptyMessage":  # its original is b"": sent back it would be a message, and fail as no JSON
        return Skip(item, "an empty message (a tombstone): nothing to resend", problem=False)
    if ":" in topic:  # no topic name has one: ``publish`` names the input ("cli:stdin", "http:…")
        return Skip(item, f"an input ingest rejected ({topic}), never on a topic: fix it and ingest it again",
                    problem=False)
    if topic in kept_headers:
        return Skip(item, f"its source topic {topic} carries the alerter's headers, which a dead letter does not "
                          f"keep: resent without them it would mean something else")
    if topic not in resendable:
        return Skip(item, f"its source topic {topic} is not one of the pipeline's")
    if topic not in existing:
        return Skip(item, f"its source topic {topic} is not on the broker")
    return Resend(item, rerouted.topic, rerouted.why) if rerouted else Resend(item)


def resend_headers(item: Letter) -> list[tuple[str, bytes]]:
    """The headers of a resent message: the letter it came from and the stage it is for."""
    assert item.letter is not None
    return [(RESENT_FROM_HEADER, place(item).encode()), (RESENT_FOR_HEADER, item.letter.service.encode())]


def resent_from(headers: dict | None) -> str | None:
    """The dead letter a message was resent from (its ``wirewatch-resent-from`` header), or None: not a resend."""
    raw = (headers or {}).get(RESENT_FROM_HEADER)
    return bytes(raw).decode("utf-8", "replace") if raw else None


def meant_for(headers: dict | None, stage: str) -> bool:
    """Whether ``stage`` reads a message: every stage reads one that is no resend, only the stage that failed a resend."""
    raw = (headers or {}).get(RESENT_FOR_HEADER)
    return not raw or bytes(raw).decode("utf-8", "replace") == stage


def said(outcome: Resend | Skip, *, dry_run: bool) -> str:
    """One line: what became (or in a dry run would become) of a letter."""
    if isinstance(outcome, Skip):
        return f"skip {place(outcome.item)}: {outcome.why}"
    d = outcome.letter
    why = f"; {outcome.why}" if outcome.why else ""
    return (f"{'would resend' if dry_run else 'resent'} {place(outcome.item)} -> {outcome.topic} ({key_said(d.key)}, "
            f"{len(d.original)} bytes; {d.service}: {d.error_class}{why})")


class ResendTally:
    """The letters resent per topic sent to and error class, and those skipped, for the closing line and exit status."""

    def __init__(self) -> None:
        self.sent: dict[str, Counter[str]] = {}
        self.skipped = self.problems = self.unreadable = 0
        self.newest: datetime | None = None  # the newest letter resent

    def add(self, outcome: Resend | Skip) -> None:
        if isinstance(outcome, Skip):
            self.skipped += 1
            self.problems += outcome.problem
            self.unreadable += outcome.unreadable
            return
        self.sent.setdefault(outcome.topic, Counter())[outcome.letter.error_class] += 1
        self.newest = max(self.newest or outcome.letter.failed_at, outcome.letter.failed_at)

    def summary(self, *, dry_run: bool) -> str:
        total, counts = counts_said(self.sent)
        verb = "would resend" if dry_run else "resent"
        line = f"{verb} {total} dead letter{'s' if total != 1 else ''}" + (f": {counts}" if total else "")
        if self.skipped:
            line += f"; skipped {self.skipped}"
            if self.unreadable:
                line += f" ({self.unreadable} unreadable, no dead letter{'s' if self.unreadable != 1 else ''})"
        return line + (" (dry run: nothing sent)" if dry_run else "")

    @property
    def status(self) -> int:
        """The exit status: 1 when a letter that could go back did not, else :data:`UNREADABLE_STATUS` when a record
        was no dead letter, else 0 (a letter pointed to another command, or a tombstone, is no failure)."""
        return 1 if self.problems else UNREADABLE_STATUS if self.unreadable else 0


def next_since(started: datetime, newest: datetime | None) -> str:
    """The ``--since`` that leaves out every letter this run resent: after the newest of them, and no earlier than the
    run's start (a letter written since, after the topics were read, was not resent and is kept in)."""
    after = max(started, newest + timedelta(microseconds=1)) if newest is not None else started
    return f"{after.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%S.%f}"


async def resend(options: dict[str, Any], items: list[Letter], *, resendable: Collection[str],
                 kept_headers: Collection[str], route: Route, dry_run: bool,
                 say: Callable[[str], None]) -> ResendTally:
    """Send each letter that can go back (see :func:`plan`) to its source topic (or the one ``route`` says it truly
    came from), original bytes and key, with the resend headers, each acknowledged before the next (one key's messages
    keep their order); ``say`` one line per letter as it is done, so that a send that fails midway leaves said what
    went. In a dry run nothing is sent."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(**options, acks="all")
    await producer.start()
    try:
        # Every topic's metadata: asking for one topic's by name would create it on a broker that auto-creates.
        existing = set((await producer.client.fetch_all_metadata()).topics())
        tally = ResendTally()
        for item in items:
            outcome = plan(item, resendable=resendable, kept_headers=kept_headers, existing=existing, route=route)
            if isinstance(outcome, Resend) and not dry_run:
                d = outcome.letter
                await producer.send_and_wait(outcome.topic, d.original, key=d.key, headers=resend_headers(item))
            say(said(outcome, dry_run=dry_run))
            tally.add(outcome)
        return tally
    finally:
        await producer.stop()
