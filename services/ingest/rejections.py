"""Which of a poll's rejected entries were rejected at the feed's earlier polls already, so that they are not
dead-lettered again at every poll while the feed lists them.

A feed repeats its entries at every poll that is not a 304; a good one is dropped as a repeat by its id and
fingerprint (``identity.py``), a rejected one has no id. It is known by what was rejected instead: the error class,
the reason without the entry's position (a new entry above it moves it down) and the original, hashed. The same key
is the same entry saying the same thing: no new letter. A changed entry has another key: a new letter if it is still
bad, an article if it was mended. Pure: the keys travel in the feed's poll state (``FeedState.rejected``), each with
when a poll last found it (``FeedState.rejected_at``).

When a key is forgotten is what keeps a bad entry the feed still lists from being lettered again:

- a poll that read the whole feed and did not find it forgets it at once: the feed dropped it (or mended it);
- a poll that read as deep as ingest reads a feed (every page up to ``WIREWATCH_INGEST__MAX_PAGES``, none failed,
  none left after a page holding what was passed on) and did not find it forgets it once it was last found longer
  ago than the retention (``WIREWATCH_INGEST__REJECTED_RETENTION_S``): the entry is gone, or pushed past the pages
  ingest reads, where no poll reads it again. The retention spares an entry a poll with a lower cap, for a while,
  did not reach;
- a poll that read less (a paged feed's usual poll, to the page holding what was passed on, or only entries
  rejected before; a failed page; an archive a later poll does not read) forgets nothing: what it did not find may
  sit on a page it did not read, and the next poll reading that far (a restarted worker's first) would letter it again.

So a bad entry is lettered again only when the feed lists it again after dropping it, or after it sat past the pages
ingest reads for longer than the retention (the cap raised since). Ingest reads a paged feed that deep at its first
poll and, as its polls read the first pages only, again when ``deep_read_due`` (when it last did is kept in the feed's
poll state, ``FeedState.read_deep_at``, across restarts and rebalances): a key kept was last found longer
ago than the retention, and no deep read was made for a retention (so a feed is read to its cap once a week at most by
default, at a poll due anyway, and a page failing then is not asked again at every poll). A key is so let go about a
retention after it was last found, two at most while no page fails then; ``MAX_KEPT`` bounds the keys meanwhile, what
was found the longest ago out first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.ingest.readers import RecordError
from services.ingest.settings import REJECTED_RETENTION_S

__all__ = ["MAX_KEPT", "Rejections", "deep_read_due", "letter_key", "rejection_key", "sort_rejections"]

# Keys kept per feed (37 bytes each in the poll state's JSON, with when each was last found): a feed's answer holds up
# to 5,000 entries, a paged one up to 10 pages of them, and a poll state is one Kafka message. What one answer rejects
# past this is lettered at every poll; what a paged feed rejected on pages the polls no longer read goes first,
# lettered again if read again.
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
    found_at: tuple[int, ...] = ()  # when each of ``keys`` was last found (epoch seconds): ``now`` if found now


def sort_rejections(records: Iterable[RecordError], before: Iterable[str], *, whole: bool = True, deep: bool = False,
                    before_at: Sequence[float] = (), now: float = 0.0,
                    retention_s: float = REJECTED_RETENTION_S) -> Rejections:
    """Split a poll's rejected records (at ``now``) by whether the feed's previous polls rejected them as they are
    (``before``, last found at ``before_at``; a key stored without its time counts as found ``now``).

    What the poll did not find is forgotten at once when it read the ``whole`` feed (every page it names); when it read
    as ``deep`` as ingest reads (to the page cap, no page failed or left), once it was last found more than
    ``retention_s`` ago; otherwise it is kept after what was found, as it may sit on a page not read (the module's
    docstring says why). Past ``MAX_KEPT``, what was found the longest ago goes."""
    kept = tuple(before)
    at = tuple(int(t) for t in before_at[:len(kept)]) + (int(now),) * max(0, len(kept) - len(before_at))
    known = set(kept)
    fresh: list[RecordError] = []
    repeats: list[RecordError] = []
    found: dict[str, int] = {}
    for record in records:
        key = rejection_key(record)
        (repeats if key in known or key in found else fresh).append(record)
        found[key] = int(now)
    held = len(found)
    if not whole:
        found.update((k, t) for k, t in zip(kept, at, strict=True)
                     if k not in found and not (deep and now - t > retention_s))
    return Rejections(fresh, repeats, tuple(found)[:MAX_KEPT], held, tuple(found.values())[:MAX_KEPT])


def deep_read_due(found_at: Iterable[float], now: float, *, read_deep_at: float,
                  retention_s: float = REJECTED_RETENTION_S) -> bool:
    """Whether a paged feed last read deep at ``read_deep_at`` (every page up to the cap, whatever was
    passed on or rejected before) is read deep again at ``now``: when a rejection the feed's state keeps was last
    found (``found_at``) longer than ``retention_s`` ago, which only such a poll lets go, and once a retention at
    most, so that a feed is read to its cap seldom (and a page failing then keeps the keys until the next)."""
    return now - read_deep_at >= retention_s and any(now - t > retention_s for t in found_at)
