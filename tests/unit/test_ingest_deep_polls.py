"""A worker that runs on lets go of the rejections of a paged feed's pages it no longer reads: its polls read the first
page only, so once a rejection kept was last found longer ago than the retention, one poll (once a retention at most)
reads every page up to the cap, whatever it passed on or rejected before, and forgets what it did not find; what is
still listed is never lettered again. A page of entries all rejected is paged as a page of articles is: read past
when they are new, a stop when every one was rejected before, like a page of entries passed on.

Polled by a real ``Poller`` from a real aiohttp server on loopback, with the clock injected (days pass in no time)."""

import asyncio
from datetime import UTC, datetime

import orjson
import pytest

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.fetcher import Fetcher
from services.ingest.inputs import read_inputs
from services.ingest.parser import FeedEntry
from services.ingest.poller import Poller
from services.ingest.pollstate import StoredPollState, restored, to_stored
from services.ingest.readers import RecordError
from services.ingest.settings import IngestSettings
from tests.support.pagedserver import PagedServer, api_page

T0 = 1_709_600_000.0
DAY = 24 * 3600.0
_RSS = {"Content-Type": "application/rss+xml"}
BUOY = "<item><link>https://port.example.com/buoy</link></item>"  # neither title nor text: rejected
TIDE = BUOY.replace("buoy", "tide")
REEF = BUOY.replace("buoy", "reef")


def _item(n, i):
    return (f"<item><title>Report {n}.{i}</title><link>https://port.example.com/{n}/{i}</link>"
            f"<guid>https://port.example.com/{n}/{i}</guid><description>In full.</description></item>")


def _page(n, next_url=None, *, bad=(), reports=2):
    links = f'<atom:link rel="next" href="{next_url}"/>' if next_url else ""
    items = "".join(_item(n, i) for i in range(1, reports + 1)) + "".join(bad)
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f'<title>Port</title><link>https://port.example.com/</link>{links}{items}</channel></rss>').encode()


def _serve(server, pages, bad=None, reports=None):
    """``pages`` pages at /feed, /feed?page=2 ...; ``bad[n]``: the bad entries on page n; ``reports[n]``: how many
    reports page n lists (2 unless said)."""
    for n in range(1, pages + 1):
        server.pages["/feed" if n == 1 else f"/feed?page={n}"] = (
            _page(n, f"/feed?page={n + 1}" if n < pages else None, bad=(bad or {}).get(n, ()),
                  reports=(reports or {}).get(n, 2)), _RSS)


class Worker:
    """An ingest worker's poller as the service runs it: what it passed on is remembered (and lost on a restart), each
    fresh rejection is lettered, the feed's state goes to ``ingest-feeds`` and is restored from it after a restart."""

    def __init__(self, url: str, *, max_pages: int = 3) -> None:
        self.feed = FeedConfig(id="port", url=url)
        self.settings = IngestSettings(allow_hosts=["127.0.0.1"], max_pages=max_pages)
        self.now = T0
        self.letters: list[str] = []  # what was lettered, by its reason
        self.stored = None
        self.polls = 0
        self.restart()

    def restart(self) -> None:
        sent: set[str] = set()

        async def sink(result):
            self.letters += [r.reason for r in result.records if isinstance(r, RecordError) and r not in result.repeats]
            sent.update(r.article.id for r in result.records if isinstance(r, FeedEntry))
            self.stored = to_stored(result.state, self.feed.url).model_dump_json()
            self.last = result
            self.polls += 1

        def restore(feed):
            return restored(StoredPollState.model_validate_json(self.stored), feed.url) if self.stored else None

        self.poller = Poller(self.settings, sink, clock=lambda: self.now, restore=restore, seen=sent.__contains__)
        self.poller.configure(FeedsFile(defaults=FeedDefaults(), feeds=[self.feed]))

    async def poll(self, day: float):
        self.now, polls = T0 + day * DAY, self.polls
        async with Fetcher(self.settings) as fetcher:
            await self.poller.tick(fetcher)
            await asyncio.gather(*self.poller._in_flight.values())
        assert self.polls == polls + 1 and self.last.error is None, self.last.error
        return self.last

    @property
    def rejected(self) -> int:
        return len(self.poller.states["port"].rejected)


@pytest.fixture
async def server():
    s = await PagedServer().start()
    yield s
    await s.stop()


async def test_a_worker_running_on_reads_deep_once_a_rejection_is_older_than_the_retention_and_lets_it_go(server):
    """MAX_PAGES=3 of a feed of 5 pages: no poll reads it whole, and the polls of a worker that runs on read its first
    page only (it holds what was passed on); the buoy, pushed past page 3, used to be kept until a restart."""
    _serve(server, 5, bad={2: [TIDE], 3: [BUOY]})
    worker = Worker(server.url("/feed"))
    assert (await worker.poll(0)).pages == 3 and len(worker.letters) == 2

    _serve(server, 5, bad={2: [TIDE], 5: [BUOY]})  # new reports pushed the buoy past page 3; the tide stays
    for day in (1, 3, 7):
        assert (await worker.poll(day)).pages == 1
    assert worker.rejected == 2, "the first page only: nothing forgotten"

    deep = await worker.poll(7.5)  # the buoy last found 7.5 days ago: past the retention
    assert deep.pages == 3 and worker.rejected == 1, "every page up to the cap read, the buoy let go"
    assert len(worker.letters) == 2, "the tide, found again: no letter"
    assert server.hits["/feed?page=3"] == 2 and "/feed?page=4" not in server.hits, "never past the cap"

    for day in (8, 10, 14):
        assert (await worker.poll(day)).pages == 1, "once a retention at most: the tide was found at day 7.5"
    assert (await worker.poll(15)).pages == 3 and worker.rejected == 1
    assert len(worker.letters) == 2


async def test_a_deep_read_cut_short_by_a_failed_page_keeps_the_keys_and_is_not_tried_again_before_a_retention(
        server):
    _serve(server, 5, bad={3: [BUOY]})
    worker = Worker(server.url("/feed"))
    await worker.poll(0)
    _serve(server, 5, bad={5: [BUOY]})
    server.statuses["/feed?page=3"] = 503
    cut = await worker.poll(8)
    assert cut.pages == 2 and worker.rejected == 1, "page 3 not read: the buoy is not known gone"
    for day in (9, 12):
        assert (await worker.poll(day)).pages == 1
    assert server.hits["/feed?page=3"] == 2, "the failing page is not asked at every poll"

    del server.statuses["/feed?page=3"]
    assert (await worker.poll(15)).pages == 3 and worker.rejected == 0
    assert len(worker.letters) == 1


async def test_a_deep_poll_answered_304_reads_nothing_and_the_next_poll_with_a_body_reads_deep(server):
    _serve(server, 5, bad={3: [BUOY]})
    server.pages["/feed"] = (server.pages["/feed"][0], {**_RSS, "ETag": '"v1"'})
    worker = Worker(server.url("/feed"))
    await worker.poll(0)
    for day in (1, 8):
        assert (await worker.poll(day)).status == 304
    assert server.hits["/feed?page=2"] == 1 and worker.rejected == 1

    _serve(server, 5, bad={5: [BUOY]}, reports={1: 3})  # a new report on top: a new ETag
    server.pages["/feed"] = (server.pages["/feed"][0], {**_RSS, "ETag": '"v2"'})
    assert (await worker.poll(8.5)).pages == 3 and worker.rejected == 0
    assert (await worker.poll(9)).status == 304 and server.hits["/feed?page=2"] == 2


async def test_the_page_after_a_first_page_of_entries_all_rejected_is_read(server):
    """A first page listing only bad entries (a run of broken posts) used to end the poll there: the reports on page 2
    were never read, and no poll read the feed deep, so nothing it rejected was ever let go."""
    _serve(server, 2, bad={1: [BUOY, TIDE]}, reports={1: 0})
    worker = Worker(server.url("/feed"))
    first = await worker.poll(0)
    assert [r.article.title for r in first.records if isinstance(r, FeedEntry)] == ["Report 2.1", "Report 2.2"]
    assert len(worker.letters) == 2 and worker.rejected == 2

    assert (await worker.poll(1)).pages == 1, "every entry of page 1 rejected before: nothing new past it, as a " \
                                              "page of entries passed on"
    _serve(server, 2, bad={1: [REEF, BUOY, TIDE]}, reports={1: 0})
    assert (await worker.poll(2)).pages == 2, "a new bad entry on top: the page holds something new, read on"
    assert len(worker.letters) == 3 and worker.rejected == 3


async def test_a_restarted_worker_reads_deep_past_a_first_page_of_entries_rejected_before_and_forgets_what_is_gone(
        server):
    _serve(server, 3, bad={1: [BUOY], 3: [TIDE]}, reports={1: 0})
    worker = Worker(server.url("/feed"))
    await worker.poll(0)
    assert len(worker.letters) == 2 and worker.rejected == 2

    _serve(server, 4, bad={1: [BUOY], 4: [TIDE]}, reports={1: 0})  # the tide pushed past the cap
    assert (await worker.poll(1)).pages == 1
    worker.restart()
    again = await worker.poll(9)  # page 1 rejected before: read past all the same, every page up to the cap
    assert again.pages == 3 and worker.rejected == 1, "the tide, not found for 9 days, let go; the buoy kept"
    assert len(worker.letters) == 2


async def test_a_restarted_worker_or_the_next_holder_of_the_feed_reads_deep_only_when_it_is_due(server):
    """When the feed was last read deep goes with its poll state: a restart (or the feed's partition moving to another
    worker, which resumes it from the same table) used to read every page up to the cap again at once."""
    _serve(server, 4, bad={1: [BUOY], 3: [TIDE]}, reports={1: 0})
    worker = Worker(server.url("/feed"))
    assert (await worker.poll(0)).pages == 3 and len(worker.letters) == 2

    _serve(server, 4, bad={1: [BUOY], 4: [TIDE]}, reports={1: 0})  # the tide pushed past the cap
    for day in (1, 5):
        worker.restart()
        assert (await worker.poll(day)).pages == 1, "page 1 rejected before, and the feed read deep at day 0"
    assert worker.rejected == 2 and server.hits["/feed?page=2"] == 1

    worker.restart()
    deep = await worker.poll(7.5)  # a retention since the deep read, and the tide last found at day 0
    assert deep.pages == 3 and worker.rejected == 1 and len(worker.letters) == 2
    worker.restart()
    assert (await worker.poll(8)).pages == 1


async def test_a_poll_state_stored_by_the_older_release_reads_as_never_read_deep(server):
    _serve(server, 3, bad={1: [BUOY]}, reports={1: 0})
    worker = Worker(server.url("/feed"))
    await worker.poll(0)
    older = orjson.loads(worker.stored)
    assert older.pop("read_deep_at") == T0
    worker.stored = orjson.dumps(older).decode()  # as the release before wrote it: no such field

    worker.restart()
    assert (await worker.poll(1)).pages == 3, "read deep at the first poll, as the older release did after a restart"
    assert orjson.loads(worker.stored)["read_deep_at"] == T0 + DAY and len(worker.letters) == 1


@pytest.mark.parametrize("kind", ["rss", "news-api"])
async def test_the_command_line_reads_past_a_first_page_of_entries_all_rejected(server, kind):
    if kind == "rss":
        _serve(server, 2, bad={1: [BUOY]}, reports={1: 0})
    else:  # a record with a body alone: nothing to give it an id
        server.pages["/feed"] = ({"status": "ok", "articles": [{"content": "Buoy."}], "next": "/feed?page=2"}, {})
        server.pages["/feed?page=2"] = (api_page(2), {})
    records = await read_inputs([server.url("/feed")], source=None, settings=IngestSettings(allow_hosts=["127.0.0.1"]),
                                now=datetime.fromtimestamp(T0, tz=UTC))
    assert [r.title for r in records if hasattr(r, "title")] == ["Report 2.1", "Report 2.2"]
    assert [r.error_class for r in records if isinstance(r, RecordError)] == [
        "InvalidEntry" if kind == "rss" else "SchemaViolation"]


async def test_a_later_page_of_entries_all_rejected_does_not_end_the_reading(server):
    _serve(server, 3, bad={2: [BUOY, TIDE]}, reports={2: 0})
    worker = Worker(server.url("/feed"))
    first = await worker.poll(0)
    assert first.pages == 3 and len(worker.letters) == 2
    assert [r.article.title for r in first.records if isinstance(r, FeedEntry)][-2:] == ["Report 3.1", "Report 3.2"]
