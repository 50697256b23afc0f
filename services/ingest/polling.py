"""Polite polling as pure decisions: what to ask a feed's server, and when to ask again.

No clock and no network here: every function takes ``now`` (epoch seconds) and
the outcome of a fetch, and returns the feed's next :class:`FeedState`.
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from services.ingest.settings import REJECTED_RETENTION_S

__all__ = ["PollPolicy", "FetchOutcome", "FeedState", "conditional_headers", "retry_after_seconds", "backoff_delay",
           "adaptive_interval", "on_outcome", "is_due", "is_failing"]

WEEK_S = 7 * 24 * 3600.0


@dataclass(frozen=True)
class PollPolicy:
    min_interval_s: float = 300.0
    max_interval_s: float = 3600.0
    backoff_base_s: float = 60.0
    backoff_cap_s: float = 6 * 3600.0
    failing_after: int = 3  # consecutive failures before a feed is reported as failing
    max_retry_after_s: float = 24 * 3600.0  # a Retry-After beyond this is taken as this
    max_pages: int = 1  # pages of a paged feed or API read per poll, the first included
    rejected_retention_s: float = REJECTED_RETENTION_S  # see rejections.py


@dataclass(frozen=True)
class FetchOutcome:
    """What one fetch of a feed gave: an HTTP status (None when there was no response) and what came with it."""

    status: int | None
    error: str | None = None  # why it failed, for logs and ``feeds status``
    error_class: str | None = None  # Timeout, ConnectError, HTTP503, NotAFeed ...
    etag: str | None = None
    last_modified: str | None = None
    retry_after: str | None = None
    permanent_url: str | None = None  # where every redirect on the way was permanent (301/308)
    published: tuple[float, ...] = ()  # publication times of the entries, epoch seconds
    entries: int = 0
    parsed_ok: bool = True  # False when the body was not a feed at all


@dataclass(frozen=True)
class FeedState:
    feed_id: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    interval_s: float | None = None
    next_poll_at: float = 0.0
    consecutive_failures: int = 0
    disabled: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_error_class: str | None = None
    last_error_at: float | None = None
    last_attempt_at: float | None = None
    last_success_at: float | None = None
    entries: int = 0
    published: tuple[float, ...] = field(default=())  # recent publication times, to estimate how often the feed publishes
    # What the feed lists that ingest rejected (rejections.py keys: what its answers held, kept until a poll reading the
    # whole feed, or as deep as ingest reads it past the retention, no longer finds it): not dead-lettered again.
    rejected: tuple[str, ...] = field(default=())
    rejected_at: tuple[int, ...] = field(default=())  # when a poll last found each of ``rejected``, epoch seconds
    # Records the last answer with a body (the pages read) held that ingest rejected; None in a state stored before it
    # was recorded, whose ``rejected`` is then exactly what that answer held (nothing was kept from earlier answers).
    rejected_held: int | None = None
    # When a poll last read the feed deep, every page up to the cap whatever it passed on or rejected before
    # (rejections.deep_read_due): kept with the state, so neither a restart nor the next holder of the feed reads it deep
    # again before that is due. None: never, as in a state stored before it was recorded.
    read_deep_at: float | None = None


def conditional_headers(state: FeedState) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the server said last time, so an unchanged feed costs a 304."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


def _jitter(feed_id: str) -> float:
    # Deterministic per feed, so hundreds of feeds failing together do not retry in lock-step.
    return int.from_bytes(hashlib.blake2b(feed_id.encode(), digest_size=2).digest(), "big") / 65535.0


def backoff_delay(failures: int, policy: PollPolicy, feed_id: str = "") -> float:
    """Exponential: base, 2×base, 4×base ... up to the cap, with up to 10 % jitter per feed; never below the minimum interval."""
    if failures <= 0:
        return policy.min_interval_s
    delay = min(policy.backoff_cap_s, policy.backoff_base_s * 2 ** min(failures - 1, 30))
    delay = min(policy.backoff_cap_s, delay * (1 + 0.1 * _jitter(feed_id)))
    return max(policy.min_interval_s, delay)


def adaptive_interval(published: Iterable[float], now: float, policy: PollPolicy) -> float:
    """The mean time between entries over the last week (time since the oldest one seen, over their count),
    within the bounds: busy feeds are polled often, quiet ones rarely, a feed that went quiet slows down."""
    recent = [t for t in published if now - WEEK_S <= t <= now + 300]
    if not recent:
        return policy.max_interval_s
    mean_gap = max(0.0, now - min(recent)) / len(recent)
    return min(policy.max_interval_s, max(policy.min_interval_s, mean_gap))


def _recent(old: tuple[float, ...], new: tuple[float, ...], now: float) -> tuple[float, ...]:
    merged = sorted({t for t in (*old, *new) if now - WEEK_S <= t <= now + 300})
    return tuple(merged[-500:])


def on_outcome(state: FeedState, outcome: FetchOutcome, now: float, policy: PollPolicy) -> FeedState:
    """The feed's state after a fetch: stored validators, new URL, next poll time, failure count, disabled."""
    state = replace(state, last_status=outcome.status, last_attempt_at=now)
    status = outcome.status
    if status == 410:
        return replace(state, disabled="410 Gone: the publisher removed the feed", last_error=outcome.error or "410 Gone",
                       last_error_class="HTTP410", last_error_at=now, consecutive_failures=state.consecutive_failures + 1)
    if status in (200, 304) and outcome.parsed_ok and outcome.error is None:  # a 200 cut off as too large is no success
        published = _recent(state.published, outcome.published, now) if status == 200 else state.published
        interval = adaptive_interval(published, now, policy)
        return replace(
            state,
            url=outcome.permanent_url or state.url,
            etag=outcome.etag if status == 200 else (outcome.etag or state.etag),
            last_modified=outcome.last_modified if status == 200 else (outcome.last_modified or state.last_modified),
            interval_s=interval,
            next_poll_at=now + interval,
            consecutive_failures=0,
            last_error=None,
            last_error_class=None,
            last_success_at=now,
            entries=outcome.entries if status == 200 else state.entries,
            published=published,
        )
    failures = state.consecutive_failures + 1
    delay = backoff_delay(failures, policy, state.feed_id)
    wait = retry_after_seconds(outcome.retry_after, now)
    if wait is not None and status in (429, 503):
        delay = max(policy.min_interval_s, min(wait, policy.max_retry_after_s))
    error = outcome.error or (f"HTTP {status}" if status else "fetch failed")
    error_class = outcome.error_class or (f"HTTP{status}" if status else "FetchError")
    return replace(state, consecutive_failures=failures, last_error=error, last_error_class=error_class, last_error_at=now,
                   next_poll_at=now + delay, url=outcome.permanent_url or state.url)


def is_due(state: FeedState, now: float) -> bool:
    return state.disabled is None and now >= state.next_poll_at


def is_failing(state: FeedState, policy: PollPolicy) -> bool:
    return state.disabled is not None or state.consecutive_failures >= policy.failing_after
