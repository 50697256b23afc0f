"""Live updates for open pages: the agent publishes what changed, each Server-Sent Events client gets it.

Events are numbered; a reconnecting browser sends ``Last-Event-ID`` and gets what it missed from a short
backlog. A client that cannot keep up is dropped (its browser reconnects) rather than slowing the agent.
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
                for event in list(self._recent):
                    if event.id > last_id:
                        yield event
            while queue in self._queues:
                try:
                    yield await asyncio.wait_for(queue.get(), keepalive_s)
                except asyncio.TimeoutError:
                    yield None
        finally:
            self._queues.discard(queue)
