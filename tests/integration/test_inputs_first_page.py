"""A URL's first page that gives trouble, read by `process` and `ingest` from a real aiohttp server on loopback: what
is wrong with it is said on stderr, in a line naming the URL, as a later page's trouble is; bytes that are no feed are
rejected as the same bytes in a file are; a feed file's trouble is said as a URL's."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from tests.integration.test_cli import wirewatch
from tests.support.pagedserver import PagedServer

pytestmark = pytest.mark.integration

ALLOW = {"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://port.example.com/a</loc></url></urlset>")
# An entity XML does not define (HTML's &nbsp;): the lenient parser still reads every entry, and says the feed is ill-formed.
ILL_FORMED_RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title>'
                  b"<item><title>Harbour reopens</title><link>https://port.example.com/1</link>"
                  b"<description>The harbour reopened on Monday.</description></item>"
                  b"<item><title>Quay approved</title><link>https://port.example.com/2</link>"
                  b"<description>The council approved the quay.</description></item>"
                  b"<item><title>Cranes &nbsp; idle</title><link>https://port.example.com/3</link></item></channel></rss>")

STORY = "Harbour reopens after storm\n\nThe harbour of Port Talbot reopened on Monday after a week of storms.\n".encode()


@pytest.fixture
async def site():
    server = await PagedServer().start()
    server.pages["/logo.png"] = (PNG, {"Content-Type": "image/png"})
    server.pages["/sitemap.xml"] = (SITEMAP, {"Content-Type": "application/xml"})
    server.pages["/feed.rss"] = (ILL_FORMED_RSS, {"Content-Type": "application/rss+xml"})
    server.pages["/story.txt"] = (STORY, {"Content-Type": "text/plain; charset=utf-8"})
    server.statuses["/down"] = 503
    server.pages["/empty.rss"] = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Port</title></channel></rss>',
                                  {"Content-Type": "application/rss+xml"})
    yield server
    await server.stop()


async def _process(*urls: str):
    return await asyncio.to_thread(wirewatch, "process", "--until", "raw", *urls, env=ALLOW)


@pytest.mark.parametrize(("path", "looks"), [
    ("/logo.png", "a PNG image"),
    ("/sitemap.xml", "XML whose root element is <urlset>, not <rss>, <rdf:RDF> or <feed>"),
])
async def test_a_url_that_is_no_feed_api_answer_or_html_page_is_rejected_and_says_what_it_is(site, path, looks):
    url = site.url(path)
    result = await _process(url)
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert result.stdout == b"", "no article is made of an image or a sitemap"
    assert [line for line in err.splitlines() if url in line] == [f"{url}: 0 articles: not a feed: {looks}"], err
    assert "parsed tree length" not in err, "trafilatura is not asked to read it as a page"


async def test_a_plain_text_url_is_a_text_story_as_the_same_bytes_in_a_txt_file_are(site, tmp_path):
    url = site.url("/story.txt")
    result = await _process(url)
    assert result.returncode == 0, result.stderr.decode()
    (article,) = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert (article["title"], article["url"]) == ("Harbour reopens after storm", url)
    assert article["body"] == "The harbour of Port Talbot reopened on Monday after a week of storms."
    (tmp_path / "story.txt").write_bytes(STORY)
    local = await asyncio.to_thread(wirewatch, "process", "--until", "raw", str(tmp_path / "story.txt"), env=ALLOW)
    (same,) = [orjson.loads(line) for line in local.stdout.splitlines()]
    assert (same["title"], same["body"], same["content_type"]) == (article["title"], article["body"], article["content_type"])


async def test_an_ill_formed_first_page_is_read_and_said_to_be_ill_formed(site):
    url = site.url("/feed.rss")
    result = await _process(url)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert [orjson.loads(line)["title"] for line in result.stdout.splitlines()] == [
        "Harbour reopens", "Quay approved", "Cranes \xa0 idle"]
    [said] = [line for line in err.splitlines() if line.startswith(f"{url}: ")]
    assert said.startswith(f"{url}: ill-formed feed at line 1: ") and "undefined entity" in said, err


async def test_a_first_page_with_an_error_status_says_it(site):
    url = site.url("/down")
    result = await _process(url)
    err = result.stderr.decode()
    assert result.returncode == 1 and result.stdout == b""
    assert f"{url}: 0 articles: HTTP 503" in err.splitlines(), err


async def test_ingest_says_what_is_wrong_with_each_urls_first_page(broker, site):
    png, rss = site.url("/logo.png"), site.url("/feed.rss")
    result = await asyncio.to_thread(wirewatch, "ingest", "--broker", broker.bootstrap, png, rss, env=ALLOW)
    err = result.stderr.decode()
    assert result.returncode == 0, err  # the feed's entries went through
    assert len([line for line in result.stdout.decode().splitlines() if line.startswith("accepted ")]) == 3
    # one line for the image: its rejection (dead-lettered) is not said again besides
    assert [line for line in err.splitlines() if png in line] == [f"{png}: 0 articles: not a feed: a PNG image"], err
    assert any(line.startswith(f"{rss}: ill-formed feed at line 1: ") for line in err.splitlines()), err


async def test_ingest_says_what_is_wrong_with_a_feed_file_as_with_the_same_bytes_at_a_url(broker, tmp_path):
    feed = tmp_path / "port.rss"
    feed.write_bytes(ILL_FORMED_RSS)
    result = await asyncio.to_thread(wirewatch, "ingest", "--broker", broker.bootstrap, str(feed))
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert len([line for line in result.stdout.decode().splitlines() if line.startswith("accepted ")]) == 3
    [said] = [line for line in err.splitlines() if line.startswith(f"{feed}: ")]
    assert said.startswith(f"{feed}: ill-formed feed at line 1: ") and "undefined entity" in said, err


async def test_an_empty_feed_at_a_url_is_said_under_the_url_not_its_host(site):
    url = site.url("/empty.rss")
    result = await _process(url)
    assert result.returncode == 0, result.stderr.decode()  # a valid feed with no entries is no error
    assert result.stderr.decode().splitlines() == [f"{url}: 0 articles: feed has no entries"]
