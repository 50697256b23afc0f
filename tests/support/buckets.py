"""Burst buckets for tests on the real alerter: a bucket length picked so the test's matches share one bucket."""

from __future__ import annotations

import time

from services.alerter.window import bucket_start


def bucket_with_room(room_s: float, *, shortest_s: int, now: float | None = None) -> int:
    """A burst bucket length in whole seconds, ``shortest_s`` or a little longer, whose bucket at ``now`` (default: the
    clock's) has at least ``room_s`` seconds left.

    Buckets are cut from the epoch on, so a fixed length ends at a fixed time of day: a test whose matches must share a
    bucket names this length in its rule instead of sleeping past the end of a bucket. Needs ``room_s`` well under
    ``shortest_s``."""
    at = time.time() if now is None else now
    for length in range(shortest_s, 2 * shortest_s):
        if bucket_start(at, length) + length - at >= room_s:
            return length
    raise ValueError(f"no bucket of {shortest_s}s to {2 * shortest_s}s has {room_s:g}s left at {at}")
