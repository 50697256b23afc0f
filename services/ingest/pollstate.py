"""A feed's poll state as it travels on ``ingest.polls`` and rests in the ``ingest-feeds`` table, so that
ETag, Last-Modified, a moved URL, failure counts and a 410 survive a worker restart or a partition move.

Pure: conversion between :class:`FeedState` and the stored record, and what to do with a stored record when
the feeds file may have changed since it was written.
"""

from __future__ import annotations

import zlib
from dataclasses import MISSING, Field, asdict, fields
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model

from services.ingest.polling import FeedState

__all__ = ["StoredPollState", "feed_partition", "is_newer", "restored", "to_stored"]

_STATE_FIELDS = tuple(f.name for f in fields(FeedState))


class _StoredHeader(BaseModel):
    # Written and read only by ingest workers: a field added by a later release is left out, not a reason to drop the
    # feed's whole state (its ETag, failures, 410, rejections) when a worker of an earlier release reads it.
    model_config = ConfigDict(extra="ignore", frozen=True)

    schema_version: int = 1
    config_url: str  # the URL the feeds file gave when this state was made: an edit of it starts the feed afresh


def _default(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not MISSING else ...


# One poll's resulting state of one feed, keyed by feed id, on partition feed_partition(): the header above plus
# every FeedState field, flat, derived from the dataclass so the two cannot drift apart.
_hints = get_type_hints(FeedState)
StoredPollState = create_model(
    "StoredPollState",
    __base__=_StoredHeader,
    __module__=__name__,
    **{f.name: (_hints[f.name], _default(f)) for f in fields(FeedState)},
)


def feed_partition(feed_id: str, partitions: int) -> int:
    """The partition of ``ingest.polls`` (and so of the table) a feed's state lives on; its holder polls the feed."""
    return zlib.crc32(feed_id.encode()) % partitions


def to_stored(state: FeedState, config_url: str) -> BaseModel:
    return StoredPollState(config_url=config_url, **asdict(state))


def restored(stored: Any, config_url: str) -> FeedState | None:
    """The state to resume from, or None (start afresh) when nothing is stored or the feeds file now names another URL."""
    if stored is None or stored.config_url != config_url:
        return None
    return FeedState(**{name: getattr(stored, name) for name in _STATE_FIELDS})


def is_newer(candidate: FeedState, current: FeedState | None) -> bool:
    """True when ``candidate`` comes from a later poll than ``current`` (so a late echo never rolls state back)."""
    if current is None:
        return True
    return (candidate.last_attempt_at or 0.0) > (current.last_attempt_at or 0.0)
