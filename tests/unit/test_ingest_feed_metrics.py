"""The per-feed failure metrics a worker exports are those of the feeds it holds, as `feeds status` says them: shown from
the stored poll state as soon as it takes a feed (a feed disabled by a 410 is never polled again, yet must keep
WirewatchFeedFailing firing after a restart), and gone once the feed left the file or its partition moved to another
worker (whose own value then says how the feed is: a value left here would keep `max by (feed)` firing). So are the
counters and histograms of its polls: a dashboard's sum by feed adds the new holder's alone, and the feeds the worker
still holds keep counting.

Polled by a real ``Poller`` from a real aiohttp server on loopback, with the clock injected."""

import asyncio
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.fetcher import Fetcher
from services.ingest import metrics
from services.ingest.metrics import FEED_ITEMS, FEED_REJECTED_REPEATS, WEBSUB_PUSHES
from services.ingest.poller import Poller
from services.ingest.pollstate import StoredPollState, restored, to_stored
from services.ingest.settings import IngestSettings
from tests.support.pagedserver import PagedServer

T0 = 1_709_600_000.0
HOUR = 3600.0
FEED = "harbour-metrics"  # feed ids no other test uses: the registry is the process's
KEPT = "harbour-metrics-kept"
_RSS = {"Content-Type": "application/rss+xml"}
# One report, and one entry with neither title nor text: rejected, then a repeat at every poll.
NEWS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title><link>https://harbour.example.com/</link>'
        b'<item><title>Tide</title><link>https://harbour.example.com/tide</link><description>High at noon.</description>'
        b'</item><item><link>https://harbour.example.com/buoy</link></item></channel></rss>')


class Worker:
    """An ingest worker's poller as the service runs it: each poll's state goes to ``ingest-feeds`` (``store``), from
    which the worker resumes a feed when it takes it; ``holds`` says whether it holds the feed's partition."""

    def __init__(self, url: str, store: dict, *, failing_after: int = 2) -> None:
        self.settings = IngestSettings(allow_hosts=["127.0.0.1"], failing_after=failing_after)
        self.feed = FeedConfig(id=FEED, url=url)
        self.store = store
        self.now = T0
        self.holds = True
        self.let_go: set[str] = set()  # feeds whose partition another worker holds now

        self.during_sink = lambda: None

        async def sink(result):
            self.during_sink()
            # Counted as the service's sink counts (services/ingest/agent.py), the dedupe agent's outcomes included.
            if result.status == 200:
                FEED_REJECTED_REPEATS.labels(result.feed.id).inc(len(result.repeats))
            for record in result.records:
                FEED_ITEMS.labels(result.feed.id, "new" if hasattr(record, "article") else "invalid").inc()
            self.store[result.feed.id] = to_stored(result.state, self.feed.url).model_dump_json()

        def restore(feed):
            stored = self.store.get(feed.id)
            return restored(StoredPollState.model_validate_json(stored), feed.url) if stored else None

        self.poller = Poller(self.settings, sink, clock=lambda: self.now, owns=lambda feed_id: self.holds and feed_id not in self.let_go, restore=restore)
        self.configure(self.feed)

    def configure(self, *feeds: FeedConfig) -> None:
        self.poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=list(feeds)))

    async def tick(self, hours: float = 0.0) -> None:
        self.now = T0 + hours * HOUR
        async with Fetcher(self.settings) as fetcher:
            await self.poller.tick(fetcher)
            await asyncio.gather(*self.poller._in_flight.values())


def shown(name: str = "wirewatch_feed_failing") -> float | None:
    return REGISTRY.get_sample_value(name, {"feed": FEED})


def series(feed: str) -> dict[tuple[str, tuple], float]:
    """Every sample the registry serves of a feed, as a worker serves them (no ``_created``, which the service turns
    off): (sample name, its other labels) → value."""
    return {(s.name, tuple(sorted((k, v) for k, v in s.labels.items() if k != "feed"))): s.value
            for metric in REGISTRY.collect() for s in metric.samples
            if s.labels.get("feed") == feed and not s.name.endswith("_created")}


def names(feed: str) -> set[str]:
    return {name for name, _ in series(feed)}


@pytest.fixture
async def server():
    s = await PagedServer().start()
    yield s
    await s.stop()


def new_process() -> None:
    """What a worker's restart leaves of the feeds' series in its registry: none."""
    for name in metrics.__all__:
        if name.startswith(("FEED_", "WEBSUB_")):
            for feed in (FEED, KEPT):
                getattr(metrics, name).remove_by_labels({"feed": feed})


@pytest.fixture(autouse=True)
def fresh_process():
    new_process()


async def test_a_feed_disabled_by_a_410_still_shows_failing_after_the_worker_restarts(server):
    server.statuses["/gone"] = 410
    store: dict = {}
    worker = Worker(server.url("/gone"), store, failing_after=5)
    await worker.tick()
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (1, 1)

    new_process()
    restarted = Worker(server.url("/gone"), store, failing_after=5)
    await restarted.tick(hours=48)
    assert server.hits["/gone"] == 1, "a disabled feed is never polled again"
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (1, 1)
    assert restarted.poller.status()[0]["failing"] and restarted.poller.status()[0]["disabled"]


async def test_a_feed_failing_when_the_worker_restarts_shows_failing_before_its_next_poll(server):
    server.statuses["/busy"] = 503
    store: dict = {}
    worker = Worker(server.url("/busy"), store, failing_after=2)
    await worker.tick()
    await worker.tick(hours=1)  # past the first backoff
    assert server.hits["/busy"] == 2 and shown() == 1

    new_process()
    restarted = Worker(server.url("/busy"), store, failing_after=2)
    await restarted.tick(hours=1)
    assert server.hits["/busy"] == 2, "backing off: not due yet"
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (1, 2)


async def test_a_feed_whose_partition_moves_to_another_worker_leaves_no_series_here_until_it_comes_back(server):
    server.statuses["/busy"] = 503
    store: dict = {}
    worker = Worker(server.url("/busy"), store, failing_after=1)
    await worker.tick()
    assert shown() == 1

    worker.holds = False  # rebalanced: another worker polls the feed now, and says how it is
    await worker.tick(hours=0.01)
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (None, None)

    worker.holds = True  # and back, still backing off: shown from the stored state before any poll
    await worker.tick(hours=0.02)
    assert server.hits["/busy"] == 1 and shown() == 1


async def test_a_feed_removed_from_the_feeds_file_leaves_no_series_behind(server):
    server.statuses["/busy"] = 503
    worker = Worker(server.url("/busy"), {}, failing_after=1)
    await worker.tick()
    assert shown() == 1
    worker.configure(FeedConfig(id="another", url=server.url("/other")))
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (None, None)


async def test_a_mended_entry_in_the_feeds_file_shows_the_feed_not_failing_at_once(server):
    """`feeds status` says not failing once the file gives the feed a new key; so does the metric, before the poll."""
    server.statuses["/busy"] = 503
    worker = Worker(server.url("/busy"), {}, failing_after=1)
    await worker.tick()
    assert shown() == 1
    worker.configure(FeedConfig(id=FEED, url=server.url("/busy"), headers={"X-Api-Key": "k2"}))
    assert not worker.poller.status()[0]["failing"]
    assert (shown(), shown("wirewatch_feed_consecutive_failures")) == (0, 0)


async def test_a_feed_let_go_leaves_none_of_its_polls_series_and_a_feed_still_held_keeps_counting(server):
    server.pages["/news"] = server.pages["/kept"] = (NEWS, _RSS)
    worker = Worker(server.url("/news"), {})
    worker.configure(worker.feed, FeedConfig(id=KEPT, url=server.url("/kept")))
    await worker.tick()
    await worker.tick(hours=1)
    polled = {"wirewatch_feed_fetches_total", "wirewatch_feed_bytes_total", "wirewatch_feed_fetch_seconds_count",
              "wirewatch_feed_rejected_repeats_total", "wirewatch_feed_last_success_timestamp_seconds",
              "wirewatch_feed_consecutive_failures", "wirewatch_feed_failing", "wirewatch_feed_items_total"}
    assert polled <= names(FEED) and polled <= names(KEPT)
    assert series(KEPT)[("wirewatch_feed_fetches_total", (("status", "200"),))] == 2
    kept = series(KEPT)

    worker.let_go = {FEED}  # rebalanced: another worker holds the feed's partition, polls it and counts its polls
    await worker.tick(hours=1.01)
    assert server.hits == {"/news": 2, "/kept": 2}
    assert names(FEED) == {"wirewatch_feed_items_total"}, \
        "an entry's outcome is counted by the worker deduplicating it, which may be this one whoever polls the feed"
    assert series(KEPT) == kept, "the feed still held keeps its counts"

    await worker.tick(hours=2)
    assert series(KEPT)[("wirewatch_feed_fetches_total", (("status", "200"),))] == 3


async def test_a_feed_removed_from_the_feeds_file_leaves_none_of_its_series(server):
    server.pages["/news"] = (NEWS, _RSS)
    worker = Worker(server.url("/news"), {})
    await worker.tick()
    WEBSUB_PUSHES.labels(FEED, "accepted").inc()  # a push, which any worker may answer
    assert {"wirewatch_feed_fetches_total", "wirewatch_feed_items_total", "wirewatch_websub_pushes_total"} <= names(FEED)
    worker.configure(FeedConfig(id=KEPT, url=server.url("/kept")))
    assert series(FEED) == {}


async def test_a_feed_removed_from_the_feeds_file_during_its_poll_leaves_none_of_its_series(server):
    """The file is re-read while a feed's poll is in flight: what the poll counts after it must not stay behind."""
    server.pages["/news"] = (NEWS, _RSS)
    worker = Worker(server.url("/news"), {})
    worker.during_sink = lambda: worker.configure(FeedConfig(id=KEPT, url=server.url("/kept")))
    await worker.tick()
    assert server.hits == {"/news": 1} and series(FEED) == {}


async def test_a_rebalance_that_leaves_the_feed_here_keeps_it_failing_and_its_counts_going_on(server):
    """While a rebalance runs (or tables recover) no worker knows which feeds it holds: none polls, and the holder keeps
    saying what it said, instead of dropping its series until it takes the feed again (which restarted the alert's
    `for:` and reset the feed's counters at every rebalance)."""
    server.statuses["/busy"] = 503
    worker = Worker(server.url("/busy"), {}, failing_after=1)
    await worker.tick()
    before = series(FEED)
    assert before[("wirewatch_feed_fetches_total", (("status", "503"),))] == 1 and shown() == 1

    worker.holds = None  # rebalancing
    await worker.tick(hours=1)
    assert server.hits["/busy"] == 1 and series(FEED) == before

    worker.holds = True  # and the feed's partition is this worker's again
    await worker.tick(hours=1)
    assert server.hits["/busy"] == 2 and shown() == 1
    assert series(FEED)[("wirewatch_feed_fetches_total", (("status", "503"),))] == 2


async def test_a_feed_kept_through_a_rebalance_resumes_from_what_another_worker_stored_meanwhile(server):
    server.statuses["/busy"] = 503
    store: dict = {}
    worker = Worker(server.url("/busy"), store, failing_after=5)
    await worker.tick()
    worker.holds = None
    await worker.tick(hours=0.5)
    # Meanwhile the feed was polled elsewhere (held by another worker between two rebalances), and failed twice more.
    elsewhere = restored(StoredPollState.model_validate_json(store[FEED]), worker.feed.url)
    store[FEED] = to_stored(replace(elsewhere, consecutive_failures=3, last_attempt_at=T0 + HOUR,
                                    next_poll_at=T0 + 3 * HOUR), worker.feed.url).model_dump_json()

    worker.holds = True
    await worker.tick(hours=1.5)
    assert server.hits["/busy"] == 1, "backing off as the other worker left it"
    assert worker.poller.status()[0]["consecutive_failures"] == 3 and shown("wirewatch_feed_consecutive_failures") == 3
