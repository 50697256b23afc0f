"""A paginated JSON API or JSON Feed polled against a real aiohttp server on loopback: every page is read, up to the
cap, no further than what was passed on before, never a page twice, and the feed's headers stay with its origin."""

import asyncio

import orjson

import pytest

from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher
from services.ingest.poller import poll_once
from services.ingest.polling import FeedState, PollPolicy
from services.ingest.settings import IngestSettings
from tests.support.feedserver import wait_polls
from tests.support.pagedserver import PagedServer, api_page

NOW = 1_709_600_000.0


@pytest.fixture
async def api():
    server = await PagedServer().start()
    yield server
    await server.stop()


async def _poll(api, path, *, max_pages=10, seen=lambda article_id: False, headers=None, state=None):
    feed = FeedConfig(id="port-api", url=api.url(path), headers=headers or {})
    policy = PollPolicy(min_interval_s=60, max_interval_s=600, max_pages=max_pages)
    async with Fetcher(IngestSettings(allow_hosts=["127.0.0.1", "localhost"])) as fetcher:
        return await poll_once(feed, state or FeedState(feed_id=feed.id, url=feed.url), fetcher, policy=policy, now=NOW,
                               seen=seen)


def _titles(result):
    return [r.article.title for r in result.records]


def _json_feed_page(n, next_url=None):
    return {"version": "https://jsonfeed.org/version/1.1", "title": "Port", **({"next_url": next_url} if next_url else {}),
            "items": [{"id": f"{n}.{i}", "url": f"https://port.example.com/{n}/{i}", "title": f"Report {n}.{i}",
                       "content_text": "In full."} for i in (1, 2)]}


@pytest.mark.parametrize("style", ["next", "links.next", "link-header", "json-feed-next_url", "pagination.next-href"])
async def test_every_page_of_a_paginated_api_is_read_in_one_poll(api, style):
    for n in (1, 2, 3):
        target = f"/news?page={n + 1}" if n < 3 else None
        headers = {}
        if style == "next":
            body = api_page(n, **({"next": api.url(target)} if target else {}))
        elif style == "links.next":
            body = api_page(n, links={"next": target, "self": f"/news?page={n}"})  # relative to the page
        elif style == "pagination.next-href":
            body = api_page(n, pagination={"next": {"href": api.url(target)} if target else None})
        elif style == "link-header":
            body = api_page(n)
            if target:
                headers = {"Link": f'<{api.url("/news?page=1")}>; rel="first", <{api.url(target)}>; rel="next"'}
        else:
            body = _json_feed_page(n, api.url(target) if target else None)
        api.pages["/news" if n == 1 else f"/news?page={n}"] = (body, headers)
    result = await _poll(api, "/news")
    assert result.error is None and result.problems == []
    assert _titles(result) == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    assert result.pages == 3 and api.hits == {"/news": 1, "/news?page=2": 1, "/news?page=3": 1}
    assert result.state.entries == 6 and result.state.consecutive_failures == 0


async def test_pages_stop_at_the_cap_and_the_poll_says_so(api):
    for n in range(1, 30):  # an API that pages on and on
        api.pages[f"/news?page={n}"] = (api_page(n, next=f"/news?page={n + 1}"), {})
    result = await _poll(api, "/news?page=1", max_pages=4)
    assert result.pages == 4 and len(api.asked) == 4 and len(result.records) == 8
    assert result.problems == ["more pages after page 4, not read (WIREWATCH_INGEST__MAX_PAGES=4)"]
    assert result.error is None


async def test_a_page_naming_itself_or_an_earlier_page_is_not_read_again(api):
    api.pages["/itself"] = (api_page(1, next=api.url("/itself")), {})
    itself = await _poll(api, "/itself")
    assert (itself.pages, api.hits, len(itself.records)) == (1, {"/itself": 1}, 2)

    api.pages["/a"] = (api_page(1, next="/b"), {})
    api.pages["/b"] = (api_page(2, next="/a#again"), {})  # back to the first page, told apart by a fragment only
    cycle = await _poll(api, "/a")
    assert cycle.pages == 2 and api.hits["/a"] == 1 and api.hits["/b"] == 1 and len(cycle.records) == 4

    # A server that ignores the page number: page 2 repeats page 1's entries, so it is the end, not a new page.
    api.pages["/same"] = (api_page(1, next="/same?page=2"), {})
    api.pages["/same?page=2"] = (api_page(1, next="/same?page=3"), {})
    same = await _poll(api, "/same")
    assert _titles(same) == ["Report 1.1", "Report 1.2"] and "/same?page=3" not in api.hits


async def test_reading_stops_at_the_page_holding_an_entry_already_passed_on(api):
    for n in (1, 2, 3, 4):
        api.pages[f"/news?page={n}"] = (api_page(n, **({"next": f"/news?page={n + 1}"} if n < 4 else {})), {})
    first = await _poll(api, "/news?page=1")
    passed_on = {r.article.id for r in first.records if r.article.title.startswith(("Report 2.", "Report 3."))}
    assert first.pages == 4 and len(passed_on) == 4

    # Later, page 1 holds new entries and page 2 the ones passed on before: page 3 and on are not asked for again.
    again = await _poll(api, "/news?page=1", seen=lambda article_id: article_id in passed_on)
    assert again.pages == 2 and api.hits == {"/news?page=1": 2, "/news?page=2": 2, "/news?page=3": 1, "/news?page=4": 1}
    # Nothing new at all: only the first page is read.
    passed_on |= {r.article.id for r in first.records}
    await _poll(api, "/news?page=1", seen=lambda article_id: article_id in passed_on)
    assert api.hits["/news?page=1"] == 3 and api.hits["/news?page=2"] == 2


async def test_a_next_page_on_another_origin_does_not_get_the_feeds_headers(api):
    api.pages["/news"] = (api_page(1, next=api.url("/news?page=2")), {})
    api.pages["/news?page=2"] = (api_page(2, next=api.url("/news?page=3", host="localhost")), {})
    api.pages["/news?page=3"] = (api_page(3), {})
    result = await _poll(api, "/news", headers={"X-Api-Key": "s3cr3t-k3y"})
    assert result.pages == 3
    keys = [(host.split(":")[0], path, headers.get("X-Api-Key")) for host, path, headers in api.asked]
    assert keys == [("127.0.0.1", "/news", "s3cr3t-k3y"), ("127.0.0.1", "/news?page=2", "s3cr3t-k3y"),
                    ("localhost", "/news?page=3", None)]


async def test_a_next_page_that_fails_keeps_the_pages_read_and_says_why(api):
    api.pages["/news"] = (api_page(1, next="/news?page=2"), {})
    api.statuses["/news?page=2"] = 500
    result = await _poll(api, "/news")
    assert _titles(result) == ["Report 1.1", "Report 1.2"] and result.error is None
    assert result.problems == [f"page 2 ({api.url('/news?page=2')}): HTTP 500; the pages after it not read"]
    assert result.state.consecutive_failures == 0  # the feed answered: its first page is its state

    api.pages["/broken"] = (api_page(1, next="/broken?page=2"), {})
    api.pages["/broken?page=2"] = (b"<html><title>Oops</title></html>", {"Content-Type": "text/html"})
    broken = await _poll(api, "/broken")
    assert len(broken.records) == 2 and broken.error is None
    assert any(p.startswith(f"page 2 ({api.url('/broken?page=2')}): ") for p in broken.problems), broken.problems


async def test_an_unchanged_first_page_reads_no_further(api):
    api.pages["/news"] = (api_page(1, next="/news?page=2"), {"ETag": '"v1"'})
    api.pages["/news?page=2"] = (api_page(2), {})
    first = await _poll(api, "/news")
    assert first.pages == 2 and first.state.etag == '"v1"'
    again = await _poll(api, "/news", state=first.state)
    assert (again.status, again.records, again.pages) == (304, [], 0) and api.hits == {"/news": 2, "/news?page=2": 1}


async def feeds_check(tmp_path, feed_id, url, **env):
    """`wirewatch feeds check` of a feeds file listing one feed, allowed to ask loopback."""
    from click.testing import CliRunner

    from services.ingest.commands import feeds

    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - id: {feed_id}\n    url: {url}\n")
    return await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(path)],
                                   env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]', **env})


async def test_feeds_check_reads_every_page_and_says_how_many(api, tmp_path):
    for n in (1, 2, 3):
        api.pages[f"/news?page={n}"] = (api_page(n, **({"next": f"/news?page={n + 1}"} if n < 3 else {})), {})
    result = await feeds_check(tmp_path, "port-api", api.url('/news?page=1'))
    assert result.exit_code == 0, result.output
    assert "port-api\t200\tjson-api\t6 entries from 3 pages" in result.stdout.splitlines(), result.output
    capped = await feeds_check(tmp_path, "port-api", api.url('/news?page=1'), WIREWATCH_INGEST__MAX_PAGES="2")
    assert capped.exit_code == 0, capped.output
    assert capped.stdout.splitlines()[1:] == [
        "port-api\t200\tjson-api\t4 entries from 2 pages",
        "  problem: more pages after page 2, not read (WIREWATCH_INGEST__MAX_PAGES=2)"]


@pytest.mark.integration
async def test_a_worker_reads_every_page_once_then_only_the_new_ones(broker, start_service, api, tmp_path):
    """The worker's own memory of what it passed on stops the reading: a later poll reads the first page, and the pages
    before the one holding an entry already sent; every article reaches articles.raw once."""
    from schemas import RawArticle
    from tests.conftest import wait_http
    from tests.support.kafka import collect

    def serve(pages):
        for n, body in enumerate(pages, start=1):
            api.pages[f"/news?page={n}"] = ({**body, **({"next": f"/news?page={n + 1}"} if n < len(pages) else {})}, {})

    serve([api_page(1), api_page(2), api_page(3)])
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"defaults: {{min_interval_s: 1, max_interval_s: 2}}\nfeeds:\n  - id: port-api\n"
                     f"    url: {api.url('/news?page=1')}\n")
    worker = start_service("worker", "ingest", WIREWATCH_INGEST__FEEDS_FILE=str(feeds),
                           WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]', WIREWATCH_PARTITIONS="1")
    wait_http(worker.web_port, proc=worker)

    def titles(seen):
        return [RawArticle.model_validate(m["value"]).title for m in seen["articles.raw"] if m["value"]]

    seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(titles(s)) >= 6)
    assert sorted(titles(seen)) == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    await wait_polls(api, "/news?page=1", 2)  # polled again with nothing new: the first page only
    assert (api.hits["/news?page=2"], api.hits["/news?page=3"]) == (1, 1)

    # Two new reports push the others one page down: the new first page is read, and the second (what page 1 was).
    serve([api_page(4), api_page(1), api_page(2), api_page(3)])
    seen = await collect(broker.bootstrap, ["articles.raw"], until=lambda s: len(titles(s)) >= 8)
    await wait_polls(api, "/news?page=1", 2)
    assert sorted(titles(seen)) == sorted([f"Report {n}.{i}" for n in (1, 2, 3, 4) for i in (1, 2)])
    assert (api.hits["/news?page=2"], api.hits["/news?page=3"], api.hits.get("/news?page=4", 0)) == (2, 1, 0)


async def test_entries_of_a_next_page_that_are_no_articles_are_rejected_as_on_the_first(api):
    api.pages["/news"] = (api_page(1, next="/news?page=2"), {})
    api.pages["/news?page=2"] = ({"articles": [{"title": "Report 2.1", "url": "https://port.example.com/2/1"},
                                               {"url": "https://port.example.com/2/2", "author": "nobody"}]}, {})
    result = await _poll(api, "/news")
    assert [getattr(r, "article", None) and r.article.title for r in result.records] == ["Report 1.1", "Report 1.2",
                                                                                         "Report 2.1", None]
    assert "not an article" in result.records[3].reason and result.pages == 2


async def _read_url(url, **settings):
    """What `wirewatch process` and `wirewatch ingest` read from a URL (both go through read_inputs)."""
    from datetime import datetime, timezone

    from services.ingest.inputs import read_inputs

    return await read_inputs([url], source=None, settings=IngestSettings(allow_hosts=["127.0.0.1", "localhost"], **settings),
                             now=datetime.fromtimestamp(NOW, tz=timezone.utc))


@pytest.mark.parametrize("style", ["next", "link-header", "json-feed-next_url"])
async def test_the_command_line_reads_every_page_of_a_url_as_the_poller_does(api, style):
    for n in (1, 2, 3):
        target = f"/news?page={n + 1}" if n < 3 else None
        headers = {"Link": f'<{api.url(target)}>; rel="next"'} if style == "link-header" and target else {}
        body = (_json_feed_page(n, target) if style == "json-feed-next_url" else
                api_page(n, **({"next": target} if target and style == "next" else {})))
        api.pages["/news" if n == 1 else f"/news?page={n}"] = (body, headers)
    records = await _read_url(api.url("/news"))
    assert [r.title for r in records if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    assert api.hits == {"/news": 1, "/news?page=2": 1, "/news?page=3": 1}
    assert [str(r) for r in records if not hasattr(r, "title")] == []


async def test_the_command_line_stops_at_the_page_cap_and_says_so(api):
    for n in range(1, 30):
        page = api_page(n, next=f"/news?page={n + 1}")
        page["articles"][0]["author"] = "A. Writer"
        api.pages[f"/news?page={n}"] = (page, {})
    url = api.url("/news?page=1")
    records = await _read_url(url, max_pages=3)
    assert [r.title for r in records if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    assert len(api.asked) == 3
    # What is not read is said, once; what a page's records held beyond articles is said once for all pages.
    assert [str(r) for r in records if not hasattr(r, "title")] == [
        f"{url}: ignored field(s) not read as article fields, in 3 records: author",
        f"{url}: more pages after page 3, not read (WIREWATCH_INGEST__MAX_PAGES=3)"]


async def test_the_command_line_keeps_the_pages_read_when_a_later_one_fails(api):
    api.pages["/news"] = (api_page(1, next="/news?page=2"), {})
    api.pages["/news?page=2"] = (api_page(2, next="/news?page=3"), {})
    api.pages["/news?page=3"] = (b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>",
                                 {"Content-Type": "text/html"})
    records = await _read_url(api.url("/news"))
    assert [r.title for r in records if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2) for i in (1, 2)]
    [note] = [r for r in records if not hasattr(r, "title")]
    assert str(note).startswith(f"{api.url('/news')}: page 3 ({api.url('/news?page=3')}): ") and "HTML" in str(note), note


@pytest.mark.integration
async def test_process_prints_every_page_of_a_url_and_what_it_did_not_read(api):
    from tests.integration.test_cli import wirewatch

    for n in (1, 2, 3):
        api.pages[f"/news?page={n}"] = (api_page(n, **({"next": f"/news?page={n + 1}"} if n < 3 else {})), {})
    result = await asyncio.to_thread(wirewatch, "process", "--until", "raw", api.url("/news?page=1"),
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]', "WIREWATCH_INGEST__MAX_PAGES": "2"})
    assert result.returncode == 0, result.stderr.decode()
    titles = [orjson.loads(line)["title"] for line in result.stdout.splitlines()]
    assert titles == ["Report 1.1", "Report 1.2", "Report 2.1", "Report 2.2"]
    assert (f"{api.url('/news?page=1')}: more pages after page 2, not read (WIREWATCH_INGEST__MAX_PAGES=2)"
            in result.stderr.decode().splitlines()), result.stderr.decode()


def _rss_page(n, next_url=None, *, complete=False, entries=(1, 2)):
    """Page ``n`` of a WordPress-like RSS feed, naming the next page by an atom:link rel="next" (RFC 5005)."""
    items = "".join(f"<item><title>Report {n}.{i}</title><link>https://port.example.com/{n}/{i}</link>"
                    f"<guid>https://port.example.com/{n}/{i}</guid><description>In full.</description></item>" for i in entries)
    link = f'<atom:link rel="next" href="{next_url}"/>' if next_url else ""
    history = '<fh:complete/>' if complete else ""
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
            f'xmlns:fh="http://purl.org/syndication/history/1.0"><channel><title>Port</title>'
            f'<link>https://port.example.com/</link>{history}{link}{items}</channel></rss>').encode()


def _atom_page(n, next_url=None):
    entries = "".join(f'<entry><id>tag:port.example.com,2024:{n}.{i}</id><title>Report {n}.{i}</title>'
                      f'<link href="https://port.example.com/{n}/{i}"/><updated>2024-03-0{n}T10:00:00Z</updated>'
                      f'<content type="text">In full.</content></entry>' for i in (1, 2))
    link = f'<link rel="next" href="{next_url}"/>' if next_url else ""
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Port</title><id>tag:port</id>'
            f'<updated>2024-03-01T10:00:00Z</updated>{link}{entries}</feed>').encode()


_XML = {"Content-Type": "application/rss+xml"}


@pytest.mark.parametrize("kind", ["rss-atom-link", "atom"])
async def test_every_page_of_a_paged_rss_or_atom_feed_is_read_in_one_poll(api, kind):
    for n in (1, 2, 3):
        target = f"/feed/?paged={n + 1}" if n < 3 else None  # relative: resolved against the page it is on
        body = _rss_page(n, target) if kind == "rss-atom-link" else _atom_page(n, target)
        api.pages["/feed/" if n == 1 else f"/feed/?paged={n}"] = (body, _XML)
    result = await _poll(api, "/feed/")
    assert result.error is None and result.problems == []
    assert _titles(result) == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    assert result.pages == 3 and api.hits == {"/feed/": 1, "/feed/?paged=2": 1, "/feed/?paged=3": 1}


async def test_a_paged_rss_feed_stops_at_the_cap_at_a_loop_and_at_what_was_sent(api):
    for n in range(1, 30):
        api.pages[f"/feed/?paged={n}"] = (_rss_page(n, f"/feed/?paged={n + 1}"), _XML)
    capped = await _poll(api, "/feed/?paged=1", max_pages=3)
    assert capped.pages == 3 and len(api.asked) == 3 and len(capped.records) == 6
    assert capped.problems == ["more pages after page 3, not read (WIREWATCH_INGEST__MAX_PAGES=3)"]

    # Later, page 2 holds what was passed on: page 3 is not asked for again.
    sent = {r.article.id for r in capped.records if r.article.title.startswith("Report 2.")}
    again = await _poll(api, "/feed/?paged=1", max_pages=3, seen=lambda article_id: article_id in sent)
    assert again.pages == 2 and api.hits["/feed/?paged=3"] == 1

    # A server that ignores ?paged=: page 2 repeats page 1, so it is the end.
    api.pages["/same/"] = (_rss_page(1, "/same/?paged=2"), _XML)
    api.pages["/same/?paged=2"] = (_rss_page(1, "/same/?paged=3"), _XML)
    same = await _poll(api, "/same/")
    assert _titles(same) == ["Report 1.1", "Report 1.2"] and "/same/?paged=3" not in api.hits

    api.pages["/loop/"] = (_rss_page(1, "/loop/?paged=2"), _XML)
    api.pages["/loop/?paged=2"] = (_rss_page(2, "/loop/"), _XML)
    loop = await _poll(api, "/loop/")
    assert loop.pages == 2 and api.hits["/loop/"] == 1 and len(loop.records) == 4


async def test_an_empty_first_page_naming_the_next_is_read_on(api):
    """A first page with no entry (its entries moved on, a sticky post filtered out) still leads to the next."""
    api.pages["/feed/"] = (_rss_page(1, "/feed/?paged=2", entries=()), _XML)
    api.pages["/feed/?paged=2"] = (_rss_page(2, "/feed/?paged=3"), _XML)
    api.pages["/feed/?paged=3"] = (_rss_page(3), _XML)
    result = await _poll(api, "/feed/")
    assert _titles(result) == [f"Report {n}.{i}" for n in (2, 3) for i in (1, 2)]
    assert (result.pages, result.nothing, result.problems, result.state.entries) == (3, None, [], 4)

    capped = await _poll(api, "/feed/", max_pages=1)
    assert capped.records == [] and capped.nothing.reason == "no_entries"
    assert capped.problems == ["more pages after page 1, not read (WIREWATCH_INGEST__MAX_PAGES=1)"]

    # A first page that is no feed at all leads nowhere, whatever its Link header says.
    api.pages["/html"] = (b"<html><title>Maintenance</title></html>",
                          {"Content-Type": "text/html", "Link": '</feed/?paged=2>; rel="next"'})
    html = await _poll(api, "/html")
    assert html.pages == 1 and html.error_class == "NotAFeed" and api.hits["/feed/?paged=2"] == 1


async def test_the_command_line_reads_on_from_an_empty_first_page_of_an_api(api):
    api.pages["/news"] = ({"status": "ok", "articles": [], "next": "/news?page=2"}, {})
    api.pages["/news?page=2"] = (api_page(2), {})
    records = await _read_url(api.url("/news"))
    assert [r.title for r in records if hasattr(r, "title")] == ["Report 2.1", "Report 2.2"]
    assert [str(r) for r in records if not hasattr(r, "title")] == []


async def test_a_complete_feed_is_not_paged(api):
    """RFC 5005's fh:complete: the document holds the whole feed; a next link on it is not followed."""
    api.pages["/feed/"] = (_rss_page(1, "/feed/?paged=2", complete=True), _XML)
    api.pages["/feed/?paged=2"] = (_rss_page(2), _XML)
    result = await _poll(api, "/feed/")
    assert result.pages == 1 and "/feed/?paged=2" not in api.hits and len(result.records) == 2


async def test_the_command_line_reads_every_page_of_a_paged_atom_feed(api):
    for n in (1, 2):
        api.pages["/atom" if n == 1 else "/atom?page=2"] = (_atom_page(n, "/atom?page=2" if n == 1 else None),
                                                            {"Content-Type": "application/atom+xml"})
    records = await _read_url(api.url("/atom"))
    assert [r.title for r in records] == ["Report 1.1", "Report 1.2", "Report 2.1", "Report 2.2"]


@pytest.mark.integration
async def test_ingest_sends_every_page_of_a_url_and_says_what_it_did_not_read(broker, api):
    from tests.integration.test_cli import wirewatch
    from tests.support.kafka import collect

    for n in (1, 2, 3):
        api.pages[f"/wire?page={n}"] = (api_page(n, **({"next": f"/wire?page={n + 1}"} if n < 3 else {})), {})
    result = await asyncio.to_thread(wirewatch, "ingest", "--broker", broker.bootstrap, api.url("/wire?page=1"),
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]', "WIREWATCH_INGEST__MAX_PAGES": "2"})
    assert result.returncode == 0, result.stderr.decode()
    accepted = [line.split()[1] for line in result.stdout.decode().splitlines() if line.startswith("accepted ")]
    assert len(accepted) == 4 and "/wire?page=3" not in api.hits
    assert (f"{api.url('/wire?page=1')}: more pages after page 2, not read (WIREWATCH_INGEST__MAX_PAGES=2)"
            in result.stderr.decode().splitlines()), result.stderr.decode()
    seen = await collect(broker.bootstrap, ["articles.raw"],
                         until=lambda s: {m["key"] for m in s["articles.raw"]} >= {a.encode() for a in accepted})
    titles = {m["value"]["title"] for m in seen["articles.raw"]
              if m["key"] in {a.encode() for a in accepted}}
    assert titles == {f"Report {n}.{i}" for n in (1, 2) for i in (1, 2)}


_WORDPRESS_RSS = "<generator>https://wordpress.org/?v=6.4.2</generator>"
_WORDPRESS_ATOM = '<generator uri="https://wordpress.org/" version="6.4.2">WordPress</generator>'


def _wordpress(api, pages, *, generator=_WORDPRESS_RSS, base="/feed/"):
    """A WordPress feed (as its <generator> says) of ``pages`` pages at ``base``, ``?paged=2`` ..., none naming the
    next: WordPress serves them all the same, and answers 404 past the last (any other path of the server is 404)."""
    for n in range(1, pages + 1):
        body = _rss_page(n).replace(b"<title>Port</title>", b"<title>Port</title>" + generator.encode())
        api.pages[base if n == 1 else f"{base}?paged={n}"] = (body, _XML)


async def test_the_command_line_backfills_a_wordpress_feed_by_its_unnamed_pages(api):
    _wordpress(api, 3)
    records = await _read_url(api.url("/feed/"))
    assert [r.title for r in records if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2, 3) for i in (1, 2)]
    assert api.hits == {"/feed/": 1, "/feed/?paged=2": 1, "/feed/?paged=3": 1, "/feed/?paged=4": 1}
    assert [str(r) for r in records if not hasattr(r, "title")] == []  # the 404 past the last page is the end

    capped = await _read_url(api.url("/feed/"), max_pages=2)
    assert [r.title for r in capped if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2) for i in (1, 2)]
    assert [str(r) for r in capped if not hasattr(r, "title")] == [
        f"{api.url('/feed/')}: older pages (WordPress's ?paged=3 and on) after page 2, not read "
        "(WIREWATCH_INGEST__MAX_PAGES=2)"]
    assert api.hits["/feed/?paged=3"] == 1


async def test_an_atom_feed_of_wordpress_is_backfilled_the_same_way_and_a_page_repeating_the_last_ends_it(api):
    _wordpress(api, 2, generator=_WORDPRESS_ATOM, base="/category/port/feed/atom/")
    records = await _read_url(api.url("/category/port/feed/atom/"))
    assert [r.title for r in records if hasattr(r, "title")] == [f"Report {n}.{i}" for n in (1, 2) for i in (1, 2)]

    # A cache that ignores ?paged= serves the first page again: nothing new, so nothing after it is asked for.
    _wordpress(api, 1, base="/cached/")
    api.pages["/cached/?paged=2"] = api.pages["/cached/"]
    cached = await _read_url(api.url("/cached/"))
    assert len([r for r in cached if hasattr(r, "title")]) == 2 and "/cached/?paged=3" not in api.hits


async def test_unnamed_pages_are_guessed_for_wordpress_only_and_never_by_the_poller(api):
    _wordpress(api, 2, generator="<generator>Ghost 5.0</generator>", base="/ghost/")
    await _read_url(api.url("/ghost/"))
    assert "/ghost/?paged=2" not in api.hits

    # A live poller (its first poll included, which reads an archived feed's past) reads what the feed names only.
    _wordpress(api, 2)
    feed = FeedConfig(id="port", url=api.url("/feed/"))
    async with Fetcher(IngestSettings(allow_hosts=["127.0.0.1"])) as fetcher:
        polled = await poll_once(feed, FeedState(feed_id=feed.id, url=feed.url), fetcher, now=NOW, archives=True,
                                 policy=PollPolicy(max_pages=10))
    assert polled.pages == 1 and "/feed/?paged=2" not in api.hits
