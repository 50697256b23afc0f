"""A bad entry on a later page of a paged feed is dead-lettered once, not once more after every restart: a poll reads
a paged feed only to the page holding an entry passed on before, and what it rejected on the pages it did not read
is kept, not forgotten; it is forgotten once a poll read every page the feed names and did not find it, or read every
page up to the cap and did not find it for longer than the retention. Polled from a
real aiohttp server on loopback, as a worker polls (the worker's memory of what it passed on is lost on a restart;
the poll state, rejections included, is not)."""

import asyncio
import socket
import time
from contextlib import asynccontextmanager
from functools import partial

import pytest
from prometheus_client import REGISTRY

from schemas import DeadLetter
from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher
from services.ingest.parser import FeedEntry
from services.ingest.poller import poll_once, policy_for
from services.ingest.polling import FeedState
from services.ingest.publish import publish
from services.ingest.readers import RecordError
from services.ingest.rejections import letter_key
from services.ingest.settings import IngestSettings
from services.runtime.settings import Settings
from tests.support.pagedserver import PagedServer

NOW = 1_709_600_000.0
_RSS = {"Content-Type": "application/rss+xml"}
BAD = "<item><link>https://port.example.com/buoy</link></item>"  # neither title nor text: rejected


def _item(n, i):
    return (f"<item><title>Report {n}.{i}</title><link>https://port.example.com/{n}/{i}</link>"
            f"<guid>https://port.example.com/{n}/{i}</guid><description>In full.</description></item>")


def _page(n, next_url=None, *, bad=False, prev_archive=None):
    """Page ``n`` of a paged RSS feed (RFC 5005's atom:link rel="next"): two reports, and the bad entry if ``bad``
    (another bad entry if ``bad`` is one)."""
    links = (f'<atom:link rel="next" href="{next_url}"/>' if next_url else "") + \
        (f'<atom:link rel="prev-archive" href="{prev_archive}"/>' if prev_archive else "")
    items = _item(n, 1) + _item(n, 2) + (bad if isinstance(bad, str) else BAD if bad else "")
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f'<title>Port</title><link>https://port.example.com/</link>{links}{items}</channel></rss>').encode()


class Worker:
    """What an ingest worker does with a poll: letters each rejection the poll calls fresh, passes the articles on
    (and remembers them: the next poll reads no further than the page holding one), and keeps the feed's state. A
    restart forgets what was passed on, not the state (restored from the ``ingest-feeds`` table)."""

    def __init__(self, url: str) -> None:
        self.feed = FeedConfig(id="port", url=url)
        self.state = FeedState(feed_id="port", url=url)
        self.sent: set[str] = set()
        self.letters: list[DeadLetter] = []
        self.pages: list[int] = []

    async def poll(self, *, max_pages=10, archives=False, crash=False, days=None):
        """One poll (``days`` after the first, else a second after the last); ``crash``: the worker stops once the
        poll's letters are sent, before its state is."""
        now = NOW + len(self.pages) if days is None else NOW + days * 24 * 3600
        settings = IngestSettings(allow_hosts=["127.0.0.1"], max_pages=max_pages)
        async with Fetcher(settings) as fetcher:
            result = await poll_once(self.feed, self.state, fetcher, policy=policy_for(self.feed, None, settings),
                                     now=now, seen=self.sent.__contains__, archives=archives)
        assert result.status == 200 and result.error is None, result.error

        async def send(topic, key, value):
            if topic == "articles.raw.dlq":
                self.letters.append(DeadLetter.model_validate_json(value))

        fresh = [r for r in result.records if isinstance(r, RecordError) and r not in result.repeats]
        await publish(send, Settings(), fresh, channel="feed:port", letter_key=partial(letter_key, "port"))
        self.sent |= {r.article.id for r in result.records if isinstance(r, FeedEntry)}
        self.state = self.state if crash else result.state
        self.pages.append(result.pages)
        return result

    def restart(self) -> None:
        self.sent = set()


@pytest.fixture
async def server():
    s = await PagedServer().start()
    yield s
    await s.stop()


def _serve(server, *, bad_on=2, pages=3, also=None):
    """The feed's ``pages``, the bad entry on page ``bad_on``, and, given ``also`` (page, entry), another there."""
    for n in range(1, pages + 1):
        server.pages["/feed" if n == 1 else f"/feed?page={n}"] = (
            _page(n, f"/feed?page={n + 1}" if n < pages else None,
                  bad=also[1] if also and n == also[0] else n == bad_on), _RSS)


async def test_a_bad_entry_on_a_page_later_polls_do_not_read_is_lettered_once_across_restarts(server):
    _serve(server)
    worker = Worker(server.url("/feed"))
    await worker.poll()
    [letter] = worker.letters
    assert "neither title nor text" in letter.reason and worker.pages == [3]

    await worker.poll()
    await worker.poll()
    assert worker.pages[1:] == [1, 1], "nothing new: the first page only"
    assert worker.state.rejected_held == 0  # what the last answer's pages held: feeds status says "0 rejected"

    for _ in range(2):
        worker.restart()
        again = await worker.poll()  # reads every page again: nothing passed on is remembered
        assert again.pages == 3
        assert worker.letters == [letter], [r.reason for r in worker.letters]
    assert worker.state.rejected_held == 1


async def test_a_bad_entry_is_forgotten_once_a_poll_reads_every_page_without_it(server):
    _serve(server)
    worker = Worker(server.url("/feed"))
    await worker.poll()
    _serve(server, bad_on=None)  # the publisher took it down
    worker.restart()
    await worker.poll()
    assert worker.state.rejected == () and worker.state.rejected_held == 0
    _serve(server, bad_on=3)  # and put it back, on another page: known gone, so said again
    worker.restart()
    await worker.poll()
    assert len(worker.letters) == 2


async def test_what_a_poll_could_not_read_is_not_forgotten_a_failed_page_the_cap_or_an_archive_not_asked_for(server):
    _serve(server)
    worker = Worker(server.url("/feed"))
    await worker.poll()
    server.statuses["/feed?page=2"] = 503
    worker.restart()
    await worker.poll()  # page 2 failed: its bad entry was not read, not found gone
    del server.statuses["/feed?page=2"]
    worker.restart()
    await worker.poll()
    assert len(worker.letters) == 1, [r.reason for r in worker.letters]

    _serve(server, bad_on=3, pages=4)  # a new page pushed everything down, the bad entry to page 3
    worker.restart()
    await worker.poll(max_pages=2)  # restarted with WIREWATCH_INGEST__MAX_PAGES=2: page 3 is past the cap
    worker.restart()
    await worker.poll()
    assert len(worker.letters) == 1, [r.reason for r in worker.letters]

    # An archived feed (RFC 5005 §4): the first poll reads its archive, the later polls do not.
    server.pages["/feed"] = (_page(1, prev_archive="/archive/1"), _RSS)
    server.pages["/archive/1"] = (_page(0, bad=True), _RSS)
    worker.restart()
    await worker.poll(archives=True)
    await worker.poll()
    worker.restart()
    await worker.poll(archives=True)
    assert len(worker.letters) == 1, [r.reason for r in worker.letters]


async def test_a_bad_entry_pushed_past_the_pages_ingest_reads_is_forgotten_after_the_retention_one_within_them_never(
        server):
    """WIREWATCH_INGEST__MAX_PAGES=3 of a feed of 5 pages: no poll reads it whole. A poll that read every page up to the
    cap and did not find a bad entry forgets it once it was last found longer ago than the retention (7 days); one
    that stopped at the page holding what was passed on forgets nothing, as a restarted worker reads further."""
    tide = BAD.replace("buoy", "tide")
    _serve(server, bad_on=3, pages=5, also=(2, tide))
    worker = Worker(server.url("/feed"))
    await worker.poll(max_pages=3)
    assert len(worker.letters) == 2 and worker.pages == [3]

    _serve(server, bad_on=5, pages=5, also=(2, tide))  # new reports pushed the buoy past page 3; the tide stays
    for day in (1, 30, 60):
        await worker.poll(max_pages=3, days=day)  # the first page only: it holds what was passed on
    assert worker.pages[1:] == [1, 1, 1] and len(worker.state.rejected) == 2, "fewer pages read: nothing forgotten"

    worker.restart()
    await worker.poll(max_pages=3, days=61)  # every page up to the cap: the tide found, the buoy not for 61 days
    assert len(worker.state.rejected) == 1 and worker.state.rejected_held == 1
    for day in (62, 120):
        worker.restart()
        await worker.poll(max_pages=3, days=day)
    assert len(worker.letters) == 2, "the tide, still listed within the pages read, is never lettered again"

    worker.restart()
    await worker.poll(max_pages=5, days=121)  # the cap raised: the buoy, forgotten, is read again
    [again] = worker.letters[2:]
    assert again.reason.startswith("page 5 (") and b"/buoy" in again.original


@asynccontextmanager
async def _dead_page(how):
    """A page URL on loopback whose server ``refuses`` the connection (a port just closed: nothing listens) or
    ``drops`` it (reads the request and closes the socket without a word)."""
    if how == "refuses":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        yield f"http://127.0.0.1:{port}/feed?page=2"
        return

    async def hang_up(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    dropper = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{dropper.sockets[0].getsockname()[1]}/feed?page=2"
    finally:
        dropper.close()
        await dropper.wait_closed()


@pytest.mark.parametrize(("how", "error_class", "words"), [
    ("refuses", "ConnectError", "cannot connect to http://127.0.0.1:"),
    ("drops", "HTTPError", "ServerDisconnectedError"),
])
async def test_a_page_whose_server_refuses_or_drops_the_connection_leaves_the_poll_partial_and_keeps_what_it_held(
        server, how, error_class, words):
    _serve(server, bad_on=3)
    worker = Worker(server.url("/feed"))
    await worker.poll()
    [letter] = worker.letters

    def fetches():
        return REGISTRY.get_sample_value("wirewatch_feed_fetches_total", {"feed": "port", "status": error_class}) or 0

    before = fetches()
    async with _dead_page(how) as dead:
        server.pages["/feed"] = (_page(1, dead), _RSS)
        worker.restart()
        partial_poll = await worker.poll(days=30)  # a poll with a body: no failed poll, a problem of it
    assert partial_poll.pages == 1 and partial_poll.state.consecutive_failures == 0
    [problem] = partial_poll.problems
    assert problem.startswith(f"page 2 ({dead}): ") and words in problem, problem
    assert problem.endswith("; the pages after it not read")
    assert fetches() == before + 1
    assert worker.state.rejected == (letter.key.decode().removeprefix("feed:port:"),), "not read: not known gone"

    _serve(server, bad_on=3)
    worker.restart()
    assert (await worker.poll(days=31)).pages == 3 and worker.letters == [letter]


async def test_a_feed_of_one_page_still_forgets_a_dropped_entry_at_once(server):
    server.pages["/feed"] = (_page(1, bad=True), _RSS)
    worker = Worker(server.url("/feed"))
    await worker.poll()
    server.pages["/feed"] = (_page(1), _RSS)
    await worker.poll()  # a poll that holds an entry passed on before, and names no other page: the whole feed
    assert worker.state.rejected == ()
    server.pages["/feed"] = (_page(1, bad=True), _RSS)
    await worker.poll()
    assert len(worker.letters) == 2


async def test_a_crash_before_the_poll_state_is_stored_letters_again_under_the_same_key(server):
    """At least once: the state is sent after the letters, so a crash in between letters the poll's rejections again
    at the next poll rather than lose them; the letter's key (the feed and what was rejected) tells the repeat."""
    _serve(server)
    worker = Worker(server.url("/feed"))
    await worker.poll(crash=True)
    worker.restart()
    await worker.poll()
    await worker.poll()
    first, again = worker.letters
    assert first.key == again.key and first.key.startswith(b"feed:port:")
    assert (first.source_topic, first.reason, first.original) == (again.source_topic, again.reason, again.original)

    # Another bad entry, or the same one edited and still bad, is another key.
    server.pages["/feed"] = (_page(1, "/feed?page=2").replace(b"</channel>", BAD.replace("buoy", "tide").encode()
                                                             + b"</channel>"), _RSS)
    worker.restart()
    await worker.poll()
    assert len(worker.letters) == 3 and worker.letters[2].key not in (first.key, None)


@pytest.mark.integration
async def test_a_restarted_worker_does_not_letter_again_a_bad_entry_on_a_later_page(broker, start_service, server,
                                                                                   tmp_path):
    from tests.integration.test_ingest_rejected_entries import _letters, _polled, reef_worker
    from tests.support.feedserver import wait_polls

    _serve(server)
    start = reef_worker(start_service, tmp_path, server.url("/feed"))
    worker = start()
    seen = await _polled(broker.bootstrap, 0.0, polls=3)
    [letter] = _letters(seen)
    assert letter.key.startswith(b"feed:reef:") and server.hits["/feed?page=3"] == 1
    await wait_polls(server, "/feed", 1)
    assert server.hits["/feed?page=2"] == 1, "later polls read the first page only"

    worker.stop()
    since = time.time()
    start()
    seen = await _polled(broker.bootstrap, since, polls=2)
    assert server.hits["/feed?page=2"] == 2, "the restarted worker read the pages again"
    assert len(_letters(seen)) == 1, [x.reason for x in _letters(seen)]
