"""The poll loop's shell: fetch a feed once (politely), parse it, and schedule every configured feed.

``poll_once`` is what both the service and ``wirewatch feeds check`` run; the
decisions inside it are the pure functions of ``polling.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from services.ingest.feeds import (
    FeedConfig,
    FeedDefaults,
    FeedsConfigError,
    FeedsFile,
    load_feeds,
)
from services.ingest.fetcher import Fetched, Fetcher, FetchError, shown_url
from services.ingest.metrics import (
    FEED_BYTES,
    FEED_FAILING,
    FEED_FAILURES,
    FEED_FETCH_SECONDS,
    FEED_FETCHES,
    FEED_LAST_SUCCESS,
    forget_feed,
)
from services.ingest.pages import Page, feed_page, leads_on, names_more, read_on
from services.ingest.parser import FeedEntry, parse_configured
from services.ingest.polling import (
    FeedState,
    FetchOutcome,
    PollPolicy,
    conditional_headers,
    is_due,
    is_failing,
    on_outcome,
)
from services.ingest.pollstate import is_newer
from services.ingest.readers import RecordError
from services.ingest.rejections import deep_read_due, sort_rejections
from services.ingest.verdicts import Nothing, explain
from services.ingest.settings import IngestSettings
from services.runtime.logs import get_logger

__all__ = ["PollResult", "Poller", "policy_for", "poll_once"]

log = get_logger("wirewatch.ingest.poller")


@dataclass
class PollResult:
    feed: FeedConfig
    state: FeedState
    status: int | None
    format: str | None = None
    records: list[FeedEntry | RecordError] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    error_class: str | None = None
    nothing: Nothing | None = None  # why the feed gave no entry, when it gave none (also for a fetch that failed)
    bytes: int = 0
    seconds: float = 0.0
    pages: int = 0  # pages read: more than one for a paged feed or news API
    # Rejected records the feed's previous answer held as they are now: dead-lettered then, not again.
    repeats: list[RecordError] = field(default_factory=list)


def policy_for(feed: FeedConfig, feeds: FeedsFile | None, settings: IngestSettings) -> PollPolicy:
    low, high = feed.bounds(feeds.defaults if feeds else FeedDefaults())
    return PollPolicy(min_interval_s=low, max_interval_s=high, backoff_base_s=settings.backoff_base_s,
                      backoff_cap_s=settings.backoff_cap_s, failing_after=settings.failing_after,
                      max_pages=settings.max_pages, rejected_retention_s=settings.rejected_retention_s)


async def poll_once(feed: FeedConfig, state: FeedState, fetcher: Fetcher, *, policy: PollPolicy, now: float,
                    conditional: bool = True, seen: Callable[[str], bool] = lambda article_id: False,
                    archives: bool = False, deep: bool = False) -> PollResult:
    """Fetch and parse one feed; the returned state says when to poll next (and, after a ``deep`` read, when that
    was). Never raises for a feed's fault.

    A feed or API answer that names a next page is read on, up to ``policy.max_pages`` pages, and no further
    than a page holding an entry ``seen`` says was passed on already, or one whose every entry the feed's earlier
    polls rejected as it is (``state.rejected``): the pages after it are older. ``deep``: every page up to the cap is
    read all the same, so that the rejections kept of pages a poll no longer reads can be let go
    (``rejections.py``). With ``archives`` (a first poll), an archived feed's prev-archive links are read back the
    same way (RFC 5005 §4)."""
    label = f'feed "{feed.id}"'
    fetched_at = datetime.fromtimestamp(now, tz=UTC)
    try:
        resp = await fetcher.get(state.url, label=label, headers=conditional_headers(state) if conditional else None,
                                 private=feed.headers)
    except FetchError as exc:
        FEED_FETCHES.labels(feed.id, exc.error_class).inc()
        new_state = on_outcome(state, FetchOutcome(exc.status, error=exc.reason, error_class=exc.error_class), now, policy)
        error = RecordError(label, exc.error_class, exc.reason, b"")
        return PollResult(feed, new_state, exc.status, error=exc.reason, error_class=exc.error_class,
                          nothing=explain(label, b"", [error]))
    FEED_FETCHES.labels(feed.id, str(resp.status)).inc()
    FEED_FETCH_SECONDS.labels(feed.id).observe(resp.seconds)
    FEED_BYTES.labels(feed.id).inc(len(resp.body))
    result = PollResult(feed, state, resp.status, bytes=len(resp.body), seconds=resp.seconds)
    outcome = FetchOutcome(resp.status, etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                           retry_after=resp.headers.get("retry-after"), permanent_url=resp.permanent_url)
    if resp.status == 200:
        parsed = parse_configured(feed, resp.body, url=resp.url, http_content_type=resp.content_type, now=fetched_at)
        result.format, result.records, result.problems = parsed.format, parsed.records, parsed.problems
        result.nothing, result.pages = parsed.nothing, 1
        first = feed_page(parsed)
        # One page is the whole feed: what it rejected before and not now, it dropped.
        whole = read_deep = not names_more(first, resp)
        if leads_on(first, _entry_id):
            def read(page: Fetched, where: str) -> Page[FeedEntry | RecordError]:
                return feed_page(parse_configured(feed, page.body, url=page.url, http_content_type=page.content_type,
                                              now=fetched_at, name=where), later=True)

            def fetched(status: str, size: int) -> None:
                FEED_FETCHES.labels(feed.id, status).inc()
                FEED_BYTES.labels(feed.id).inc(size)

            before = frozenset(state.rejected)
            more = await read_on(first, resp, fetcher, home=state.url, label=label, max_pages=policy.max_pages,
                                 read=read, article_id=_entry_id, private=feed.headers, fetched=fetched,
                                 archives=archives, seen=_never if deep else seen,
                                 rejected_before=_never if deep else before.__contains__)
            result.records += more.records
            result.problems += more.problems
            result.pages, result.bytes, whole, read_deep = more.pages, result.bytes + more.bytes, more.whole, more.deep
            if any(isinstance(r, FeedEntry) for r in more.records):
                result.nothing = None  # an empty subscription document whose archives gave entries
        entries = [r for r in result.records if isinstance(r, FeedEntry)]
        published = tuple(e.article.published_at.timestamp() for e in entries if e.article.published_at)
        if not entries and parsed.errors and parsed.errors[0].error_class in ("NotAFeed", "MalformedFeed"):
            # The verdict ("an HTML page titled ...; it names a feed at ...") rather than the XML parser's complaint.
            why = f"{label}: {parsed.nothing.detail}" if parsed.nothing is not None else parsed.errors[0].reason
            result.error, result.error_class = why, parsed.errors[0].error_class
            outcome = replace(outcome, parsed_ok=False, error=result.error, error_class=result.error_class)
        else:
            outcome = replace(outcome, published=published, entries=len(entries))
    elif resp.status != 304:
        reason = resp.headers.get("retry-after")
        result.error = f"{label}: HTTP {resp.status}" + (f" after {resp.redirects} redirects" if resp.redirects else "") + \
            (f", retry after {reason}" if reason else "") + \
            (f" (the feed's headers go to its own origin only, and {shown_url(resp.url)} is another)" if resp.withheld else "")
        result.error_class = f"HTTP{resp.status}"
        result.nothing = Nothing(label, "unreachable", result.error[len(label) + 2:])
        outcome = replace(outcome, error=result.error, error_class=result.error_class)
    result.state = on_outcome(state, outcome, now, policy)
    if resp.status == 200:
        rejections = sort_rejections((r for r in result.records if isinstance(r, RecordError)), state.rejected,
                                     whole=whole, deep=read_deep, before_at=state.rejected_at, now=now,
                                     retention_s=policy.rejected_retention_s)
        result.repeats = rejections.repeats
        result.state = replace(result.state, rejected=rejections.keys, rejected_at=rejections.found_at,
                               rejected_held=rejections.held, read_deep_at=now if deep else state.read_deep_at)
    return result


def _rejected(state: FeedState) -> int:
    """What the feed's last answer held that ingest rejected: in a state stored before that was recorded, its keys
    (then exactly that answer's rejections)."""
    return len(state.rejected) if state.rejected_held is None else state.rejected_held


def _never(key: str) -> bool:
    return False


def _entry_id(record: FeedEntry | RecordError) -> str | None:
    return record.article.id if isinstance(record, FeedEntry) else None


def _show_state(feed_id: str, state: FeedState, policy: PollPolicy) -> None:
    FEED_FAILURES.labels(feed_id).set(state.consecutive_failures)
    FEED_FAILING.labels(feed_id).set(int(is_failing(state, policy)))
    if state.last_success_at is not None:
        FEED_LAST_SUCCESS.labels(feed_id).set(state.last_success_at)


def _asked_or_read(feed: FeedConfig) -> tuple[object, ...]:
    """What of a feed's entry changes how it is asked for or read, the URL aside: its headers and its JSON map."""
    return feed.headers, feed.fields, feed.items


Sink = Callable[[PollResult], Awaitable[None]]


class Poller:
    """Polls every configured feed when it is due, at most ``concurrency`` at once; re-reads the feeds file when it changes."""

    def __init__(self, settings: IngestSettings, sink: Sink, *, clock: Callable[[], float] = time.time,
                 owns: Callable[[str], bool | None] = lambda feed_id: True,
                 restore: Callable[[FeedConfig], FeedState | None] = lambda feed: None,
                 seen: Callable[[str], bool] = lambda article_id: False) -> None:
        self.settings = settings
        # Whether an article was passed on already: a paginated feed is read no further than the page holding one.
        self.seen = seen
        self.sink = sink
        self.clock = clock
        # Whether this worker holds a feed, None while that is not known (a rebalance, tables recovering).
        self.owns = owns
        # Where a feed's state was left (by this worker before a restart, or by another before a partition moved).
        self.restore = restore
        self.feeds: FeedsFile | None = None
        self.states: dict[str, FeedState] = {}
        # Feeds owned since their stored state was last read: the feeds this worker holds, and whose failure metrics it
        # exports (from that state at once, so a feed disabled by a 410, never polled again, still shows after a restart).
        self._resumed: set[str] = set()
        # Feeds held before a rebalance, whose state is read again if the worker keeps them: another may have polled them.
        self._reread: set[str] = set()
        # The feeds (id, URL) this worker has read an answer of: its first reads an archived feed's archives, to catch
        # up with what was archived while no worker polled the feed (a later poll would walk the whole past again for
        # nothing). When a feed was last read deep is in its state (FeedState.read_deep_at).
        self._read_here: set[tuple[str, str]] = set()
        self._mtime: float | None = None
        self._in_flight: dict[str, asyncio.Task] = {}
        self._last_check = 0.0

    def configure(self, feeds: FeedsFile) -> None:
        """Adopt a new feeds list: new feeds start due now, removed feeds stop, a changed URL starts afresh."""
        wanted = {f.id: f for f in feeds.feeds if f.enabled}
        for feed_id in list(self.states):
            if feed_id not in wanted:
                del self.states[feed_id]
                self._resumed.discard(feed_id)
                self._reread.discard(feed_id)
                forget_feed(feed_id, configured=False)
        before = self.feeds.by_id() if self.feeds else {}
        for feed_id, feed in wanted.items():
            # A 301 moves the stored URL; only an edit of the URL in the file starts the feed afresh.
            if feed_id not in self.states or (feed_id in before and before[feed_id].url != feed.url):
                self.states[feed_id] = FeedState(feed_id=feed_id, url=feed.url)
            elif feed_id in before and _asked_or_read(before[feed_id]) != _asked_or_read(feed):
                # New headers (a key mended after a 401) or a new field map are tried now, not after the failures'
                # backoff; the state keeps its last attempt, so an echo of that attempt from ingest.polls does not count
                # as newer. A new map asks afresh too: a 304 would leave the entries the old map rejected unread.
                reread = (before[feed_id].fields, before[feed_id].items) != (feed.fields, feed.items)
                # Read with another map, an entry rejected before is rejected (or taken) anew: said once more if still bad.
                afresh = {"etag": None, "last_modified": None, "rejected": (), "rejected_at": (), "rejected_held": 0} \
                    if reread else {}
                self.states[feed_id] = replace(self.states[feed_id], next_poll_at=0.0, consecutive_failures=0, disabled=None,
                                               **afresh)
        self.feeds = feeds
        for feed_id in self._resumed:  # a new URL or a mended entry starts the feed afresh: no longer failing
            self._show(feed_id)

    def reload_if_changed(self, path: Path) -> bool:
        try:
            mtime = path.stat().st_mtime
        except OSError as exc:
            log.warning("feeds_file_unreadable", path=str(path), error=str(exc))
            return False
        if mtime == self._mtime:
            return False
        self._mtime = mtime
        try:
            feeds = load_feeds(path)
        except (FeedsConfigError, OSError) as exc:
            # A broken edit keeps the last good list running, and says what is wrong.
            log.error("feeds_file_invalid", path=str(path), problems=getattr(exc, "problems", [str(exc)]))
            return False
        self.configure(feeds)
        log.info("feeds_loaded", path=str(path), feeds=len(feeds.feeds))
        return True

    def observe(self, state: FeedState, config_url: str) -> None:
        """Adopt a feed's state recorded elsewhere (``ingest.polls``) when it is newer than what this worker holds."""
        feed = self.feeds.by_id().get(state.feed_id) if self.feeds else None
        current = self.states.get(state.feed_id)
        if feed is None or feed.url != config_url or current is None or state.feed_id in self._in_flight:
            return
        if is_newer(state, current):
            self.states[state.feed_id] = state
            if state.feed_id in self._resumed:
                self._show(state.feed_id)

    def _resume(self, feed: FeedConfig) -> None:
        try:
            state = self.restore(feed)
        except Exception as exc:
            log.exception("feed_state_unreadable", feed=feed.id, error=str(exc))
            return
        if state is not None and is_newer(state, self.states.get(feed.id)):
            self.states[feed.id] = state
            log.info("feed_state_restored", feed=feed.id, url=shown_url(state.url), etag=state.etag is not None,
                     consecutive_failures=state.consecutive_failures, disabled=state.disabled)

    def _policy(self, feed_id: str) -> PollPolicy:
        feed = self.feeds.by_id().get(feed_id) if self.feeds else None
        return policy_for(feed, self.feeds, self.settings) if feed else PollPolicy()

    def _show(self, feed_id: str) -> None:
        """Export how a feed this worker holds is, as ``status`` says it."""
        _show_state(feed_id, self.states[feed_id], self._policy(feed_id))

    def status(self) -> list[dict]:
        now = self.clock()
        out = []
        for feed_id, state in sorted(self.states.items()):
            policy = self._policy(feed_id)
            out.append({
                "feed": feed_id, "url": shown_url(state.url), "polled_here": feed_id in self._resumed,
                "failing": is_failing(state, policy), "disabled": state.disabled,
                "consecutive_failures": state.consecutive_failures, "failing_after": policy.failing_after,
                "last_status": state.last_status, "last_error": state.last_error, "last_error_class": state.last_error_class,
                "last_error_at": state.last_error_at, "last_attempt_at": state.last_attempt_at,
                "last_success_at": state.last_success_at, "entries": state.entries, "rejected": _rejected(state),
                "interval_s": state.interval_s,
                "next_poll_in_s": None if state.disabled else round(max(0.0, state.next_poll_at - now), 1),
            })
        return out

    async def _poll(self, feed: FeedConfig, fetcher: Fetcher) -> None:
        policy = policy_for(feed, self.feeds, self.settings)
        state = self.states[feed.id]
        deep = False
        try:
            now = self.clock()
            # Deep at the feed's first poll, then at most once a retention while its state keeps a rejection no poll
            # found for that long (rejections.py), which the polls reading the first page only never let go.
            deep = state.read_deep_at is None or deep_read_due(state.rejected_at, now, read_deep_at=state.read_deep_at,
                                                               retention_s=policy.rejected_retention_s)
            result = await poll_once(feed, state, fetcher, policy=policy, now=now, seen=self.seen,
                                     archives=(feed.id, feed.url) not in self._read_here, deep=deep)
            if result.status == 200:  # a 304 or a failure read nothing: the next poll tries again
                self._read_here.add((feed.id, feed.url))
        except Exception as exc:
            log.exception("feed_poll_crashed", feed=feed.id, error=str(exc))
            result = PollResult(feed, on_outcome(state, FetchOutcome(None, error=f'feed "{feed.id}": {exc}', error_class=type(exc).__name__), self.clock(), policy), None,
                                error=str(exc), error_class=type(exc).__name__)
        if feed.id in self.states:  # else the feed left the file while it was polled: nothing to say of it
            self.states[feed.id] = result.state
            self._show(feed.id)
        if result.error:
            failing = is_failing(result.state, policy)
            (log.error if failing else log.warning)(
                "feed_failing" if failing else "feed_fetch_failed", feed=feed.id, error=result.error,
                consecutive_failures=result.state.consecutive_failures, disabled=result.state.disabled,
            )
        else:
            log.info("feed_polled", feed=feed.id, status=result.status, entries=len(result.records), bytes=result.bytes,
                     pages=result.pages, deep=deep, problems=result.problems[:3], rejected_again=len(result.repeats))
        try:
            await self.sink(result)
        except Exception as exc:
            log.exception("feed_sink_failed", feed=feed.id, error=str(exc))
        if feed.id not in self.states:  # the feed left the file during the poll, whose counts made its series again
            forget_feed(feed.id, configured=False)

    def due(self) -> list[FeedConfig]:
        if self.feeds is None:
            return []
        now = self.clock()
        by_id = self.feeds.by_id()
        due = []
        for feed_id in list(self.states):
            if feed_id in self._in_flight:
                continue
            held = self.owns(feed_id)
            if held is None:
                # Who holds the feed is not known yet: not polled, and still shown as it was (the alert's `for:` goes on,
                # the counts are not reset by a rebalance that leaves the feed here) until the worker knows.
                if feed_id in self._resumed:
                    self._reread.add(feed_id)
                continue
            if not held:
                if feed_id in self._resumed:  # the partition moved to another worker, which now says how the feed is
                    # A value left here would keep `max by (feed) (wirewatch_feed_failing)` firing for a feed that is
                    # fine, and a dashboard's sum by feed would add this worker's last counts to the new holder's.
                    self._resumed.discard(feed_id)
                    self._reread.discard(feed_id)
                    forget_feed(feed_id, configured=True)
                continue
            if feed_id not in self._resumed or feed_id in self._reread:
                self._resumed.add(feed_id)
                self._reread.discard(feed_id)
                self._resume(by_id[feed_id])
                self._show(feed_id)
            if is_due(self.states[feed_id], now):
                due.append(by_id[feed_id])
        return due

    async def tick(self, fetcher: Fetcher) -> None:
        for feed in self.due():
            task = asyncio.ensure_future(self._poll(feed, fetcher))
            self._in_flight[feed.id] = task
            task.add_done_callback(lambda _t, fid=feed.id: self._in_flight.pop(fid, None))

    async def run(self, path: Path | None, *, stop: asyncio.Event | None = None) -> None:
        async with Fetcher(self.settings) as fetcher:
            try:
                while stop is None or not stop.is_set():
                    if path is not None and self.clock() - self._last_check >= self.settings.reload_interval_s:
                        self._last_check = self.clock()
                        self.reload_if_changed(path)
                    await self.tick(fetcher)
                    await asyncio.sleep(0.5)
            finally:
                for task in list(self._in_flight.values()):
                    task.cancel()
