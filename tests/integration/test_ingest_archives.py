"""An archived feed (RFC 5005 §4) served by a real aiohttp server on loopback: the command line's backfill reads the
subscription document and then its archives, newest first, under the page cap and the paging stops; a poller reads
them on its first poll only."""

import asyncio

import pytest

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.fetcher import Fetcher
from services.ingest.poller import Poller
from services.ingest.settings import IngestSettings
from tests.integration.test_ingest_paging import _read_url, feeds_check
from tests.support.pagedserver import PagedServer

_FH = 'xmlns:fh="http://purl.org/syndication/history/1.0"'
_RSS = {"Content-Type": "application/rss+xml"}
_ATOM = {"Content-Type": "application/atom+xml"}


@pytest.fixture
async def archive():
    server = await PagedServer().start()
    yield server
    await server.stop()


def _rss(n, prev=None, *, archived=True, entries=(1, 2), next_url=None):
    """Document ``n`` of an archived RSS feed: an archive (fh:archive) or the subscription document, naming the
    archive before it by an atom:link rel="prev-archive" (and the newer one by next-archive, never read back to), and
    maybe the next page of the same document by rel="next" (RFC 5005 §3)."""
    items = "".join(f"<item><title>Report {n}.{i}</title><link>https://port.example.com/{n}/{i}</link>"
                    f"<guid>https://port.example.com/{n}/{i}</guid><description>In full.</description></item>"
                    for i in entries)
    links = (f'<atom:link rel="prev-archive" href="{prev}"/>' if prev else "") + \
        (f'<atom:link rel="next" href="{next_url}"/>' if next_url else "") + \
        ('<fh:archive/><atom:link rel="next-archive" href="/feed"/>' if archived else "")
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" {_FH}><channel>'
            f'<title>Port</title><link>https://port.example.com/</link>{links}{items}</channel></rss>').encode()


def _atom(n, prev=None, *, archived=True, entries=(1, 2)):
    entries = "".join(f'<entry><id>tag:port.example.com,2024:{n}.{i}</id><title>Report {n}.{i}</title>'
                      f'<link href="https://port.example.com/{n}/{i}"/><updated>2024-03-0{n}T10:00:00Z</updated>'
                      f'<content type="text">In full.</content></entry>' for i in entries)
    links = (f'<link rel="prev-archive" href="{prev}"/>' if prev else "") + ("<fh:archive/>" if archived else "")
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" {_FH}><title>Port</title>'
            f'<id>tag:port</id><updated>2024-03-0{n}T10:00:00Z</updated>{links}{entries}</feed>').encode()


def _serve(archive, kind="rss", *, oldest_prev=None, current=(1, 2)):
    """The subscription document (/feed, entries 3.x: ``current``) names the newest archive (/archive/2), which names
    the oldest (/archive/1, which names ``oldest_prev``: none, or a loop back)."""
    doc, headers = (_rss, _RSS) if kind == "rss" else (_atom, _ATOM)
    archive.pages["/feed"] = (doc(3, "/archive/2", archived=False, entries=current), headers)
    archive.pages["/archive/2"] = (doc(2, archive.url("/archive/1")), headers)
    archive.pages["/archive/1"] = (doc(1, oldest_prev), headers)


def _titles(records):
    return [r.title for r in records if hasattr(r, "title")]


def _notes(records):
    return [str(r) for r in records if not hasattr(r, "title")]


async def _polls(archive, *, times=2, between=lambda: None):
    """What a poller's first ``times`` polls of the feed at /feed gave (``between`` changes the feed after the first)."""
    results = []

    async def sink(result):
        results.append(result)

    poller = Poller(IngestSettings(allow_hosts=["127.0.0.1"]), sink)
    poller.configure(FeedsFile(feeds=(FeedConfig(id="port", url=archive.url("/feed")),), defaults=FeedDefaults()))
    async with Fetcher(poller.settings) as fetcher:
        for n in range(times):
            if n == 1:
                between()
            await poller._poll(poller.feeds.feeds[0], fetcher)
    return results


@pytest.mark.parametrize("kind", ["rss", "atom"])
async def test_the_command_line_reads_every_archive_of_an_archived_feed_newest_first(archive, kind):
    _serve(archive, kind)
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (3, 2, 1) for i in (1, 2)]
    assert archive.hits == {"/feed": 1, "/archive/2": 1, "/archive/1": 1}
    assert _notes(records) == []


async def test_the_archive_a_link_header_names_is_read_too(archive):
    archive.pages["/feed"] = (_rss(3, archived=False), {**_RSS, "Link": '</archive/2>; rel="prev-archive"'})
    archive.pages["/archive/2"] = (_rss(2), _RSS)
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (3, 2) for i in (1, 2)]


async def test_a_loop_between_archives_stops_with_every_archive_read_once(archive):
    _serve(archive, oldest_prev="/archive/2")  # the oldest names the newer one as the one before it
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (3, 2, 1) for i in (1, 2)]
    assert archive.hits == {"/feed": 1, "/archive/2": 1, "/archive/1": 1}

    # An archive repeating the entries already read is the end too: what it names is not asked for.
    archive.pages["/same"] = (_rss(3, "/same/2", archived=False), _RSS)
    archive.pages["/same/2"] = (_rss(3, "/same/1"), _RSS)
    archive.pages["/same/1"] = (_rss(1), _RSS)
    again = await _read_url(archive.url("/same"))
    assert _titles(again) == ["Report 3.1", "Report 3.2"] and "/same/1" not in archive.hits


async def test_the_command_line_says_once_which_archives_it_did_not_read_past_the_cap(archive):
    _serve(archive)
    url = archive.url("/feed")
    records = await _read_url(url, max_pages=2)
    assert _titles(records) == [f"Report {n}.{i}" for n in (3, 2) for i in (1, 2)]
    assert "/archive/1" not in archive.hits
    assert _notes(records) == [
        f"{url}: older archives (prev-archive) after page 2, not read (WIREWATCH_INGEST__MAX_PAGES=2)"]


@pytest.mark.integration
async def test_process_prints_the_archived_entries_and_says_what_it_did_not_read(archive):
    import orjson

    from tests.integration.test_cli import wirewatch

    _serve(archive)
    url = archive.url("/feed")
    result = await asyncio.to_thread(wirewatch, "process", "--until", "raw", url,
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]',
                                          "WIREWATCH_INGEST__MAX_PAGES": "2"})
    assert result.returncode == 0, result.stderr.decode()
    titles = [orjson.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles == [f"Report {n}.{i}" for n in (3, 2) for i in (1, 2)]
    said = [line for line in result.stderr.decode().splitlines() if "not read" in line]
    assert said == [f"{url}: older archives (prev-archive) after page 2, not read (WIREWATCH_INGEST__MAX_PAGES=2)"]


async def test_a_poller_reads_the_archives_on_its_first_poll_only(archive):
    """A live poller does not walk the archive at every poll: once, on its first, under the same cap; later polls
    read the subscription document (and its rel=next pages, as ever)."""
    _serve(archive)
    def new_archive():
        archive.pages["/feed"] = (_rss(4, "/archive/3", archived=False), _RSS)  # a new entry, a new archive
        archive.pages["/archive/3"] = (_rss(3, "/archive/2"), _RSS)

    first, later = await _polls(archive, between=new_archive)
    assert [r.article.title for r in first.records] == [f"Report {n}.{i}" for n in (3, 2, 1) for i in (1, 2)]
    assert first.pages == 3 and first.problems == []
    assert [r.article.title for r in later.records] == ["Report 4.1", "Report 4.2"] and later.pages == 1
    assert "/archive/3" not in archive.hits and archive.hits["/archive/1"] == 1


async def test_feeds_check_reads_the_archives_a_first_poll_would(archive, tmp_path):
    _serve(archive)
    result = await feeds_check(tmp_path, "port", archive.url("/feed"))
    assert result.exit_code == 0, result.output
    assert "port\t200\trss20\t6 entries from 3 pages" in result.stdout.splitlines(), result.output


@pytest.mark.parametrize("kind", ["rss", "atom"])
async def test_an_archived_feed_with_no_entry_yet_is_backfilled_from_its_archives(archive, kind):
    """A subscription document holding no entry (the archive was just rolled over) still names the archives."""
    _serve(archive, kind, current=())
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (2, 1) for i in (1, 2)]
    assert archive.hits == {"/feed": 1, "/archive/2": 1, "/archive/1": 1}
    assert _notes(records) == []  # no "feed has no entries": the feed gave entries

    capped = await _read_url(archive.url("/feed"), max_pages=2)
    assert _titles(capped) == ["Report 2.1", "Report 2.2"]
    assert _notes(capped) == [f"{archive.url('/feed')}: older archives (prev-archive) after page 2, not read "
                              "(WIREWATCH_INGEST__MAX_PAGES=2)"]


async def test_a_first_poll_of_an_archived_feed_with_no_entry_yet_reads_its_archives(archive):
    _serve(archive, current=())
    [first] = await _polls(archive, times=1)
    assert [r.article.title for r in first.records] == [f"Report {n}.{i}" for n in (2, 1) for i in (1, 2)]
    assert (first.pages, first.nothing, first.problems, first.state.entries) == (3, None, [], 4)


def _paged_and_archived(archive, *, both_name_the_archive=False):
    """A subscription document in two pages (/feed, then /feed?page=2 by rel="next": the newest entries, 4.x and 3.x),
    the first (or both) naming the newest archive (/archive/2, then /archive/1: older entries)."""
    archive.pages["/feed"] = (_rss(4, "/archive/2", archived=False, next_url="/feed?page=2"), _RSS)
    archive.pages["/feed?page=2"] = (_rss(3, "/archive/2" if both_name_the_archive else None, archived=False), _RSS)
    archive.pages["/archive/2"] = (_rss(2, "/archive/1"), _RSS)
    archive.pages["/archive/1"] = (_rss(1), _RSS)


@pytest.mark.parametrize("both_name_the_archive", [False, True])
async def test_a_document_naming_its_next_page_and_an_archive_is_read_through_both_next_pages_first(
        archive, both_name_the_archive):
    """RFC 5005: rel="next" is more of the same document (§3), prev-archive what came before it (§4): the next pages
    are read first, then the archives, each once however many pages name it."""
    _paged_and_archived(archive, both_name_the_archive=both_name_the_archive)
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (4, 3, 2, 1) for i in (1, 2)]
    assert [path for _, path, _ in archive.asked] == ["/feed", "/feed?page=2", "/archive/2", "/archive/1"]
    assert _notes(records) == []

    archive.asked.clear()
    capped = await _read_url(archive.url("/feed"), max_pages=1)
    assert _titles(capped) == ["Report 4.1", "Report 4.2"]
    assert _notes(capped) == [f"{archive.url('/feed')}: more pages and older archives (prev-archive) after page 1, "
                              "not read (WIREWATCH_INGEST__MAX_PAGES=1)"]


async def test_a_next_page_that_fails_leaves_the_archives_to_read(archive):
    _paged_and_archived(archive)
    archive.statuses["/feed?page=2"] = 503
    records = await _read_url(archive.url("/feed"))
    assert _titles(records) == [f"Report {n}.{i}" for n in (4, 2, 1) for i in (1, 2)]
    assert _notes(records) == [f"{archive.url('/feed')}: page 2 ({archive.url('/feed?page=2')}): HTTP 503; "
                               "the pages after it not read"]


async def test_a_poller_reads_next_pages_and_archives_on_its_first_poll_and_next_pages_only_later(archive):
    _paged_and_archived(archive)
    first, later = await _polls(archive)
    assert [r.article.title for r in first.records] == [f"Report {n}.{i}" for n in (4, 3, 2, 1) for i in (1, 2)]
    assert first.pages == 4 and first.problems == []
    assert [r.article.title for r in later.records] == [f"Report {n}.{i}" for n in (4, 3) for i in (1, 2)]
    assert archive.hits == {"/feed": 2, "/feed?page=2": 2, "/archive/2": 1, "/archive/1": 1}
