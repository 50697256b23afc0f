"""Per-feed Prometheus metrics; the one label beyond the outcome is the configured feed id (bounded by the feeds file)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = ["FEED_FETCHES", "FEED_ITEMS", "FEED_BYTES", "FEED_FETCH_SECONDS", "FEED_LAST_SUCCESS", "FEED_FAILURES", "FEED_FAILING",
           "WEBSUB_PUSHES", "INPUTS_WITHOUT_ARTICLES", "INGEST_REFUSED", "FEED_REJECTED_REPEATS", "forget_feed"]

FEED_FETCHES = Counter(
    "wirewatch_feed_fetches_total", "Feed fetches by feed and outcome (HTTP status, or the error class when there was no response).",
    ["feed", "status"],
)
FEED_ITEMS = Counter(
    "wirewatch_feed_items_total", "Feed entries by feed and outcome: new, updated, duplicate or invalid.", ["feed", "outcome"]
)
FEED_REJECTED_REPEATS = Counter(
    "wirewatch_feed_rejected_repeats_total",
    "Rejected feed entries not dead-lettered again: the feed's previous answer held them as they are (one letter per "
    "revision of a bad entry, not one per poll).",
    ["feed"],
)
FEED_BYTES = Counter("wirewatch_feed_bytes_total", "Bytes of feed responses read, by feed.", ["feed"])
FEED_FETCH_SECONDS = Histogram(
    "wirewatch_feed_fetch_seconds", "Time of one feed fetch, redirects included.", ["feed"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
FEED_LAST_SUCCESS = Gauge(
    "wirewatch_feed_last_success_timestamp_seconds", "When a feed was last fetched and parsed successfully (Unix time).", ["feed"]
)
FEED_FAILURES = Gauge(
    "wirewatch_feed_consecutive_failures", "Failed polls of a feed in a row; 0 after a success.", ["feed"]
)
FEED_FAILING = Gauge(
    "wirewatch_feed_failing",
    "1 while a feed is failing (WIREWATCH_INGEST__FAILING_AFTER failed polls in a row, or disabled by a 410), as "
    "`feeds status` says FAILING; else 0. Alert on this, not on a copy of the setting.",
    ["feed"],
)
WEBSUB_PUSHES = Counter(
    "wirewatch_websub_pushes_total", "WebSub content pushes by feed and outcome: accepted, bad_signature, too_large.",
    ["feed", "outcome"],
)
INPUTS_WITHOUT_ARTICLES = Counter(
    "wirewatch_inputs_without_articles_total",
    "Inputs that gave no article, by channel (cli, http, feed, websub) and reason (no_entries, empty, no_text, "
    "invalid_entries, not_a_feed, encoding, too_large, unreachable; see services/ingest/verdicts.py).",
    ["channel", "reason"],
)
INGEST_REFUSED = Counter(
    "wirewatch_ingest_refused_total",
    "POST /ingest requests refused for overload: busy (429, too many in flight) or not_delivered (503, the broker "
    "did not acknowledge); both carry Retry-After.",
    ["reason"],
)

# The series of a feed written by the worker holding it (its polls), and so by one worker at a time.
_HELD = (FEED_FETCHES, FEED_BYTES, FEED_FETCH_SECONDS, FEED_REJECTED_REPEATS, FEED_LAST_SUCCESS, FEED_FAILURES, FEED_FAILING)
# Written by whichever worker does the work, holder or not: the dedupe agent counts an entry's outcome on the worker
# holding the entry's partition of ingest.entries (keyed by article id), and any worker answers a WebSub push.
_SHARED = (FEED_ITEMS, WEBSUB_PUSHES)


def forget_feed(feed_id: str, *, configured: bool) -> None:
    """Stop exporting a feed's series: those written by its holder when the worker lets go of the feed, every one once
    the feed left the feeds file (``configured`` False). The next holder's series then alone say how the feed does;
    a counter removed here is a series ended, which ``rate()`` over the next holder's series does not miss."""
    for metric in _HELD if configured else _HELD + _SHARED:
        metric.remove_by_labels({"feed": feed_id})
