"""Live updates for open pages: the agent publishes what changed, each Server-Sent Events client gets it.

Events are numbered; a reconnecting browser sends ``Last-Event-ID`` and gets what it missed from a short
backlog. A page carries the number of the last event before it was rendered and connects from there, so a
write that lands between the render and the connection still reaches it. A client whose gap is longer than
the backlog gets one ``resync`` event (refetch everything). A client that cannot keep up is dropped (its
browser reconnects) rather than slowing the agent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass

import orjson

__all__ = ["LiveEvent", "LiveHub"]


@dataclass(frozen=True)
class LiveEvent:
    id: int
    kind: str
    data: dict

    def encode(self) -> bytes:
        # data is JSON on one line, so no field of it can start a new SSE line.
        return f"id: {self.id}\nevent: {self.kind}\ndata: ".encode() + orjson.dumps(self.data) + b"\n\n"


class LiveHub:
    def __init__(self, *, backlog: int = 512, queue_size: int = 256) -> None:
        self._seq = 0
        self._recent: deque[LiveEvent] = deque(maxlen=backlog)
        self._queues: set[asyncio.Queue] = set()
        self._queue_size = queue_size

    @property
    def clients(self) -> int:
        return len(self._queues)

    @property
    def last_id(self) -> int:
        """The number of the latest event published; a page rendered now has seen everything up to it."""
        return self._seq

    def publish(self, kind: str, data: dict) -> LiveEvent:
        self._seq += 1
        event = LiveEvent(self._seq, kind, data)
        self._recent.append(event)
        for queue in list(self._queues):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._queues.discard(queue)
        return event

    async def subscribe(self, last_id: int | None = None, *, keepalive_s: float = 15.0) -> AsyncIterator[LiveEvent | None]:
        """Events after ``last_id`` then live ones; None every ``keepalive_s`` of quiet (send a comment)."""
        queue: asyncio.Queue = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            if last_id is not None:
                missed = [event for event in self._recent if event.id > last_id]
                if last_id > self._seq or (missed and missed[0].id > last_id + 1):
                    # Numbered by an earlier run of the server, or older than the backlog: what was missed is
                    # unknown, so the page refetches all of it.
                    yield LiveEvent(missed[0].id - 1 if missed else self._seq, "resync", {})
                for event in missed:
                    yield event
            while queue in self._queues:
                try:
                    yield await asyncio.wait_for(queue.get(), keepalive_s)
                except asyncio.TimeoutError:
                    yield None
        finally:
            self._queues.discard(queue)
