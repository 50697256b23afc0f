"""Which of a poll's rejected entries were rejected at the feed's last poll already, so that they are not dead-lettered
again at every poll while the feed lists them.

A feed repeats its entries at every poll that is not a 304; a good one is dropped as a repeat by its id and
fingerprint (``identity.py``), a rejected one has no id. It is known by what was rejected instead: the error class,
the reason without the entry's position (a new entry above it moves it down) and the original, hashed. The same key
is the same entry saying the same thing: no new letter. A changed entry has another key: a new letter if it is still
bad, an article if it was mended. Pure: the keys travel in the feed's poll state (``FeedState.rejected``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from services.ingest.readers import RecordError

__all__ = ["MAX_KEPT", "Rejections", "rejection_key", "sort_rejections"]

# Keys kept per feed (25 bytes each in the poll state's JSON): a feed's answer holds up to 5,000 entries, a paged one
# up to 10 pages of them, and a poll state is one Kafka message. What is rejected past this is lettered at every poll.
MAX_KEPT = 5000


def rejection_key(record: RecordError) -> str:
    """What a rejected record is and says, its place in the feed aside (``feed "x" entry 3: ...``)."""
    reason = record.reason.removeprefix(f"{record.where}: ")
    material = b"\x1f".join((record.error_class.encode(), reason.encode("utf-8", "replace"), record.original))
    return hashlib.blake2b(material, digest_size=12).hexdigest()


@dataclass(frozen=True)
class Rejections:
    fresh: list[RecordError]  # not rejected at the last poll: each is dead-lettered
    repeats: list[RecordError]  # rejected at the last poll as they are now: no new letter
    keys: tuple[str, ...]  # every record rejected now, the state for the next poll (forgets what the feed dropped)


def sort_rejections(records: Iterable[RecordError], before: Iterable[str]) -> Rejections:
    """Split a poll's rejected records by whether the feed's previous poll rejected them as they are (``before``)."""
    known = set(before)
    fresh: list[RecordError] = []
    repeats: list[RecordError] = []
    keys: dict[str, None] = {}
    for record in records:
        key = rejection_key(record)
        (repeats if key in known or key in keys else fresh).append(record)
        if len(keys) < MAX_KEPT:
            keys[key] = None
    return Rejections(fresh, repeats, tuple(keys))
