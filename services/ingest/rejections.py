"""Which of a poll's rejected entries were rejected at the feed's earlier polls already, so that they are not
dead-lettered again at every poll while the feed lists them.

A feed repeats its entries at every poll that is not a 304; a good one is dropped as a repeat by its id and
fingerprint (``identity.py``), a rejected one has no id. It is known by what was rejected instead: the error class,
the reason without the entry's position (a new entry above it moves it down) and the original, hashed. The same key
is the same entry saying the same thing: no new letter. A changed entry has another key: a new letter if it is still
bad, an article if it was mended. A key is forgotten once a poll read the whole feed and did not find it (a paged
feed's poll often reads its first pages only). Pure: the keys travel in the feed's poll state (``FeedState.rejected``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from services.ingest.readers import RecordError

__all__ = ["MAX_KEPT", "Rejections", "letter_key", "rejection_key", "sort_rejections"]

# Keys kept per feed (25 bytes each in the poll state's JSON): a feed's answer holds up to 5,000 entries, a paged one
# up to 10 pages of them, and a poll state is one Kafka message. What one answer rejects past this is lettered at every
# poll; what a paged feed rejected on pages the polls no longer read goes first, lettered again if read again.
MAX_KEPT = 5000


def rejection_key(record: RecordError) -> str:
    """What a rejected record is and says, its place in the feed aside (``feed "x" entry 3: ...``)."""
    reason = record.reason.removeprefix(f"{record.where}: ")
    material = b"\x1f".join((record.error_class.encode(), reason.encode("utf-8", "replace"), record.original))
    return hashlib.blake2b(material, digest_size=12).hexdigest()


def letter_key(feed_id: str, record: RecordError) -> bytes:
    """The key of the dead letter of a feed's rejected record, ``feed:<id>:<rejection key>``: one revision of one bad
    entry of one feed. A crash between a poll's letters and its state letters them again at the next poll (the state
    is sent last so that none is lost): a reader tells such a repeat by its key, as it tells a resent article by its id."""
    return f"feed:{feed_id}:{rejection_key(record)}".encode()


@dataclass(frozen=True)
class Rejections:
    fresh: list[RecordError]  # not rejected as they are at an earlier poll: each is dead-lettered
    repeats: list[RecordError]  # rejected at an earlier poll as they are now (and kept since): no new letter
    keys: tuple[str, ...]  # the state for the next poll: what is rejected now, then what is kept of the feed's past
    held: int  # how many records rejected now, told apart by their keys


def sort_rejections(records: Iterable[RecordError], before: Iterable[str], *, whole: bool = True) -> Rejections:
    """Split a poll's rejected records by whether the feed's previous polls rejected them as they are (``before``).

    A poll that read the ``whole`` feed (every page it names) forgets what it did not find: the feed dropped it. One that
    did not (a paged feed read to the page holding what was passed on, the page cap, a page that failed) keeps it
    after what it found, as it may sit on a page not read; past ``MAX_KEPT``, what was found the longest ago goes."""
    kept = tuple(before)
    known = set(kept)
    fresh: list[RecordError] = []
    repeats: list[RecordError] = []
    now: dict[str, None] = {}
    for record in records:
        key = rejection_key(record)
        (repeats if key in known or key in now else fresh).append(record)
        now[key] = None
    keys = [*now, *(k for k in kept if k not in now)] if not whole else list(now)
    return Rejections(fresh, repeats, tuple(keys[:MAX_KEPT]), len(now))
