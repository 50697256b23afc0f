"""The fetcher and one poll against a real aiohttp server on loopback: polite, bounded, and safe."""

import asyncio

import pytest

from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher, FetchError
from services.ingest.fulltext import with_full_text
from services.ingest.poller import poll_once
from services.ingest.polling import FeedState, PollPolicy, is_due
from services.ingest.settings import IngestSettings
from tests.support.feedserver import FeedServer

POLICY = PollPolicy(min_interval_s=60, max_interval_s=600, backoff_base_s=60, backoff_cap_s=3600, failing_after=3)
NOW = 1_709_600_000.0
# Only a guard that turns a hang into a failure, never a speed target.
HANG_GUARD_S = 120


@pytest.fixture
async def server():
    s = await FeedServer().start()
    yield s
    await s.stop()


def _settings(**kw):
    return IngestSettings(allow_hosts=["127.0.0.1"], **kw)


async def _poll(server, path, state=None, settings=None, now=NOW):
    feed = FeedConfig(id="gazette", url=server.url(path))
    async with Fetcher(settings or _settings()) as fetcher:
        return await poll_once(feed, state or FeedState(feed_id="gazette", url=feed.url), fetcher, policy=POLICY, now=now)


async def test_second_poll_sends_etag_and_a_304_yields_nothing(server):
    first = await _poll(server, "/feed/rss20-utf8.xml")
    assert first.status == 200 and len(first.records) == 3 and first.format == "rss20"
    second = await _poll(server, "/feed/rss20-utf8.xml", state=first.state, now=first.state.next_poll_at)
    assert second.status == 304 and second.records == [] and second.error is None
    assert server.conditional[-1]["If-None-Match"] == first.state.etag
    assert server.conditional[-1]["If-Modified-Since"] == "Mon, 04 Mar 2024 07:00:00 GMT"


async def test_301_moves_the_feed_and_302_does_not(server):
    moved = await _poll(server, "/moved")
    assert moved.status == 200 and moved.state.url == server.url("/feed/rss20-utf8.xml")
    temp = await _poll(server, "/temp")
    assert temp.status == 200 and temp.state.url == server.url("/temp")


async def test_410_disables_the_feed(server):
    result = await _poll(server, "/gone")
    assert result.state.disabled and not is_due(result.state, NOW + 10**7)
    assert result.error == 'feed "gazette": HTTP 410'


async def test_429_waits_as_long_as_the_server_asks(server):
    result = await _poll(server, "/busy")
    assert result.state.next_poll_at == NOW + 120 and "retry after 120" in result.error


async def test_slow_server_times_out_with_a_clear_error(server):
    # The server answers after 3 s; the poll must give up at its 0.5 s read timeout, and say so.
    result = await asyncio.wait_for(_poll(server, "/slow", settings=_settings(read_timeout_s=0.5)), HANG_GUARD_S)
    assert result.error_class == "Timeout" and result.error.startswith('feed "gazette":')
    assert "read timeout (0.5 s)" in result.error
    assert result.state.consecutive_failures == 1 and result.state.next_poll_at >= NOW + 60


@pytest.mark.parametrize("path", ["/endless", "/huge"])
async def test_endless_or_100mb_response_is_cut_at_the_limit(server, path):
    result = await asyncio.wait_for(_poll(server, path, settings=_settings(max_feed_bytes=1_000_000)), HANG_GUARD_S)
    assert result.error_class == "TooLarge" and "1000000 bytes" in result.error and 'feed "gazette"' in result.error


async def test_redirect_loop_is_an_error_not_a_hang(server):
    result = await _poll(server, "/loop")
    assert result.error_class == "TooManyRedirects" and "more than 5 redirects" in result.error


async def test_loopback_is_refused_unless_allowed(server):
    result = await _poll(server, "/feed/rss20-utf8.xml", settings=IngestSettings())
    assert result.error_class == "BlockedAddress" and "127.0.0.1 is not a public address" in result.error
    assert server.hits == {}, "nothing may reach a refused address"


async def test_redirect_to_a_private_name_is_refused_after_dns(server):
    # 127.0.0.1 is allowed, "localhost" is not: the redirect hop is checked again.
    result = await _poll(server, "/to-localhost")
    assert result.error_class == "BlockedAddress" and "localhost" in result.error
    assert "/feed/rss20-utf8.xml" not in server.hits


@pytest.mark.parametrize(("path", "target", "why"), [
    ("/to-ftp", "ftp://127.0.0.1:{port}/feed.xml", "is not an http(s) URL"),
    ("/to-file", "file:///etc/passwd", "is not an http(s) URL"),
    ("/to-no-host", "https:///feed/rss20-utf8.xml", "has no host name"),
])
async def test_a_redirect_to_no_http_url_is_said_as_a_redirect_and_not_followed(server, path, target, why):
    """The user gave an http URL: the line says its server sent us elsewhere, and where, not that the user's URL is
    no http(s) URL."""
    target = target.format(port=server.port)
    result = await _poll(server, path)
    assert result.error_class == "BlockedURL"
    assert result.error == f'feed "gazette": redirected to {target}, which {why}: not followed'
    assert result.state.last_error == result.error  # what `wirewatch feeds status` shows
    assert list(server.hits) == [path]


async def test_feeds_check_says_a_redirect_to_a_file_url_under_its_feed(server, tmp_path):
    from click.testing import CliRunner

    from services.ingest.commands import feeds

    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - id: sneaky\n    url: {server.url('/to-file')}\n")
    result = await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(path)],
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[1:] == [
        "sneaky\tBlockedURL\t-\t0 entries",
        '  0 articles: redirected to file:///etc/passwd, which is not an http(s) URL: not followed']


@pytest.mark.parametrize("address", ["169.254.169.254", "10.0.0.8", "192.168.1.1", "[::1]", "[fd00:ec2::254]", "0.0.0.0"])
async def test_metadata_and_private_addresses_are_never_fetched(address):
    async with Fetcher(IngestSettings()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(f"http://{address}/latest/meta-data/", label='feed "x"')
    assert caught.value.error_class == "BlockedAddress"


async def test_wrong_http_charset_still_reads_cyrillic(server):
    result = await _poll(server, "/wrong-charset")
    assert result.records[0].article.title.startswith("Паромное сообщение")


async def test_ill_formed_feed_over_http_yields_entries_and_records_the_problem(server):
    result = await _poll(server, "/feed/rss20-illformed.xml")
    assert len(result.records) == 2 and result.error is None
    assert any("ill-formed" in p for p in result.problems)


async def test_html_page_instead_of_feed_counts_as_a_failure(server):
    result = await _poll(server, "/feed/not-a-feed.html")
    assert result.error_class == "NotAFeed" and result.state.consecutive_failures == 1


async def test_an_html_page_polled_as_a_feed_is_said_as_feeds_check_says_it(server):
    """The poll's error (the worker's log, `feeds status`) is the verdict `feeds check` gives, not the XML parser's
    complaint, and the feed the page names is a URL that can be polled."""
    server.docs["welcome"] = (b'<!DOCTYPE html>\n<html><head><title>Welcome to My Site</title>'
                              b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Hi</body></html>',
                              "text/html; charset=utf-8")
    result = await _poll(server, "/feed/welcome")
    verdict = f'not a feed: an HTML page titled "Welcome to My Site"; it names a feed at {server.url("/rss.xml")}'
    assert result.nothing.detail == verdict
    assert result.error == f'feed "gazette": {verdict}' == result.state.last_error
    assert result.error_class == result.state.last_error_class == "NotAFeed"


async def test_per_host_limit_caps_concurrent_requests(server):
    async with Fetcher(_settings(per_host_concurrency=2, concurrency=10)) as fetcher:
        await asyncio.gather(*(fetcher.get(server.url(f"/hold/{i}"), label="x") for i in range(6)))
    assert server.max_in_flight == 2


async def test_global_limit_caps_concurrent_requests(server):
    async with Fetcher(_settings(per_host_concurrency=10, concurrency=3)) as fetcher:
        await asyncio.gather(*(fetcher.get(server.url(f"/hold/{i}"), label="x") for i in range(7)))
    assert server.max_in_flight == 3


async def test_summary_only_entry_gets_the_page_text_and_keeps_the_summary_when_the_page_fails(server):
    result = await _poll(server, "/feed/rss20-utf8.xml")
    quay = result.records[1]
    assert quay.summary_only
    async with Fetcher(_settings()) as fetcher:
        article = quay.article.model_copy(update={"url": server.url("/news/quay-approved")})
        full, why = await with_full_text(article, fetcher, label='feed "gazette"', max_bytes=1_000_000)
        assert why is None and "built in 1908" in full.body and "All rights reserved" not in full.body
        assert full.fingerprint == article.fingerprint, "the fingerprint stays the feed's, so page churn is no edit"
        broken = article.model_copy(update={"url": server.url("/gone")})
        kept, why = await with_full_text(broken, fetcher, label='feed "gazette"', max_bytes=1_000_000)
        assert kept.body == "The vote passed by nine to four." and "410" in why


async def test_feeds_check_fetches_each_feed_once_and_reports_status_format_and_errors(server, tmp_path):
    from click.testing import CliRunner

    from services.ingest.commands import feeds

    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - id: gazette\n    url: {server.url('/feed/rss20-utf8.xml')}\n"
                    f"  - id: broken\n    url: {server.url('/feed/rss20-illformed.xml')}\n"
                    f"  - id: gone\n    url: {server.url('/gone')}\n  - id: moved\n    url: {server.url('/moved')}\n"
                    f"  - id: page\n    url: {server.url('/feed/not-a-feed.html')}\n")
    result = await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(path)],
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    out = result.output
    assert result.exit_code == 1, out  # one feed failed
    assert "gazette\t200\trss20\t3 entries" in out
    assert "broken\t200\trss20\t2 entries" in out and "problem: ill-formed feed" in out
    assert "gone\t410\t-\t0 entries\n  0 articles: HTTP 410\n" in out
    assert f"moved to {server.url('/feed/rss20-utf8.xml')}" in out
    # A page that is no feed is said once, as what it is, without the XML parser's complaints about it.
    page = out.split("\npage\t", 1)[1].split("\n")
    assert page[0].endswith("0 entries") and page[1].startswith("  0 articles: not a feed: an HTML page")
    assert not any(line.startswith(("  problem:", "  rejected:")) for line in page[1:3])


async def test_feeds_check_says_each_failed_feeds_reason_once_on_stdout_and_exits_1(server, tmp_path):
    """A script reads the result from stdout and the exit status; a person reads each reason once, under its feed."""
    from click.testing import CliRunner

    from services.ingest.commands import feeds

    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - id: gazette\n    url: {server.url('/feed/rss20-utf8.xml')}\n"
                    f"  - id: gone\n    url: {server.url('/gone')}\n  - id: busy\n    url: {server.url('/busy')}\n"
                    f"  - id: page\n    url: {server.url('/feed/not-a-feed.html')}\n")
    result = await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(path)],
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    assert result.exit_code == 1 and result.stderr == "", result.output
    blocks = result.stdout.split("\n", 1)[1].replace("\n  ", " | ").splitlines()
    assert blocks == [
        "gazette\t200\trss20\t3 entries",
        "gone\t410\t-\t0 entries | 0 articles: HTTP 410",
        "busy\t429\t-\t0 entries | 0 articles: HTTP 429, retry after 120",
        'page\t200\tunknown\t0 entries | 0 articles: not a feed: an HTML page titled "Harbour Gazette"',
    ]
    fine = path.with_name("fine.yaml")
    fine.write_text(f"feeds:\n  - id: gazette\n    url: {server.url('/feed/rss20-utf8.xml')}\n")
    result = await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(fine)],
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    assert (result.exit_code, result.stderr) == (0, ""), result.output


async def test_a_key_in_a_feed_url_is_never_shown(server):
    """A news API's key in the URL: the error, the poll state and the status page show *** instead."""
    from services.ingest.fetcher import shown_url

    result = await asyncio.wait_for(_poll(server, "/slow?country=us&apiKey=s3cr3t-k3y",
                                          settings=_settings(read_timeout_s=0.5)), HANG_GUARD_S)
    assert result.error_class == "Timeout" and "apiKey=***" in result.error and "s3cr3t" not in result.error
    assert "s3cr3t" not in (result.state.last_error or "")
    assert shown_url(result.state.url) == server.url("/slow?country=us&apiKey=***")


async def test_a_feeds_headers_reach_its_api_and_no_other_origin(server):
    """A news API's key as a header (feeds file: `headers: {X-Api-Key: ...}`): sent with the poll, so the answer's
    articles come in; a redirect to another origin does not carry it, and the error says why the key was not sent."""
    key = {"X-Api-Key": server.api_key, "User-Agent": "desk-monitor/2.0"}
    settings = IngestSettings(allow_hosts=["127.0.0.1", "localhost"])

    async def poll(path, headers):
        feed = FeedConfig(id="headlines", url=server.url(path), headers=headers)
        async with Fetcher(settings) as fetcher:
            return await poll_once(feed, FeedState(feed_id="headlines", url=feed.url), fetcher, policy=POLICY, now=NOW)

    without = await poll("/api/top", {})
    assert without.status == 401 and without.error == 'feed "headlines": HTTP 401'
    with_key = await poll("/api/top", key)
    assert with_key.status == 200 and with_key.error is None
    assert [r.article.title for r in with_key.records] == ["Harbour quay approved"]
    host, sent = server.api_headers[-1]
    assert sent["X-Api-Key"] == server.api_key and sent["User-Agent"] == "desk-monitor/2.0"

    moved = await poll("/api/elsewhere", key)
    (first_host, first), (second_host, second) = server.api_headers[-2:]
    assert first["X-Api-Key"] == server.api_key and first_host.startswith("127.0.0.1")
    assert second_host.startswith("localhost") and "X-Api-Key" not in second
    assert second["User-Agent"] != "desk-monitor/2.0", "every header of the feed's own stays with its origin"
    assert moved.status == 401 and "headers go to its own origin only" in moved.error
    assert server.api_key not in repr(moved)
