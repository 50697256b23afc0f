"""A JSON API with its own field names, polled as the feeds file maps them (`items:` and `fields:`), against a real
aiohttp server on loopback: its articles come through, a wrong map is said where the user looks."""

import asyncio

import pytest

from services.ingest.feeds import FeedConfig, FeedDefaults, FeedsFile
from services.ingest.fetcher import Fetcher
from services.ingest.poller import Poller
from services.ingest.polling import is_due
from services.ingest.settings import IngestSettings
from tests.support.pagedserver import PagedServer

ALLOW = {"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'}
MAP = "{title: webTitle, url: webUrl, published_at: webPublicationDate, body: fields.bodyText}"


def _result(n):
    return {"id": f"world/{n}", "webTitle": f"Harbour report {n}", "webUrl": f"https://www.theguardian.com/world/{n}",
            "webPublicationDate": f"2024-03-0{n}T10:00:00Z", "sectionName": "World news",
            "fields": {"bodyText": f"The harbour's report number {n}, in full."}}


@pytest.fixture
async def guardian():
    server = await PagedServer().start()
    server.pages["/search?show-fields=bodyText"] = (
        {"response": {"status": "ok", "total": 2, "results": [_result(1), _result(2)]}}, {"ETag": '"p1"'})
    server.pages["/search?q=quay"] = ({"response": {"status": "ok", "total": 1, "results": [_result(3)]}}, {})
    yield server
    await server.stop()


async def _check(path, text):
    from click.testing import CliRunner

    from services.ingest.commands import feeds

    path.write_text(text)
    return await asyncio.to_thread(CliRunner().invoke, feeds, ["check", str(path)], env=ALLOW)


async def test_feeds_check_reads_an_api_by_the_items_and_fields_the_feeds_file_maps(guardian, tmp_path):
    url = guardian.url("/search?show-fields=bodyText")
    mapped = await _check(tmp_path / "feeds.yaml", f"feeds:\n  - id: guardian\n    url: {url}\n"
                                                   f"    items: response.results\n    fields: {MAP}\n")
    assert (mapped.exit_code, mapped.stdout.splitlines()[1:]) == (0, ["guardian\t200\tjson-api\t2 entries"]), mapped.output
    one = await _check(tmp_path / "one.yaml", f"feeds:\n  - id: quay\n    url: {guardian.url('/search?q=quay')}\n"
                                              f"    items: response.results\n    fields: {MAP}\n")
    assert one.stdout.splitlines()[1:] == ["quay\t200\tjson-api\t1 entry"], one.output

    unmapped = await _check(tmp_path / "plain.yaml", f"feeds:\n  - id: guardian\n    url: {url}\n")
    assert unmapped.exit_code == 1
    assert unmapped.stdout.splitlines()[1:] == [
        "guardian\t200\tunknown\t0 entries", "  0 articles: not a feed: JSON of another shape (an object with response)"]

    misspelt = await _check(tmp_path / "typo.yaml", f"feeds:\n  - id: guardian\n    url: {url}\n    items: response.results\n"
                                                    f"    fields: {MAP.replace('webTitle', 'webtitle')}\n")
    assert misspelt.exit_code == 0, misspelt.output  # the bodies still make articles
    assert ("  problem: fields: title is read from 'webtitle', which none of the 2 entries has (their fields: fields, id, "
            "sectionName, webPublicationDate, webTitle, webUrl)") in misspelt.stdout.splitlines(), misspelt.output


async def test_feeds_check_refuses_a_bad_map_before_fetching_anything(guardian, tmp_path):
    bad = await _check(tmp_path / "feeds.yaml", f"feeds:\n  - id: guardian\n    url: {guardian.url('/search')}\n"
                                                "    fields: {headline: webTitle}\n")
    assert bad.exit_code == 2 and bad.stdout == "" and guardian.asked == []
    assert bad.stderr.splitlines() == [
        f"invalid {tmp_path / 'feeds.yaml'}:2: feed \"guardian\": fields: 'headline' is not an article field; "
        "a map goes from the article field to the feed's name: title: headline (they are: id, guid, title, body, url, "
        "source, published_at, language, content_type, fetched_at)"]


async def test_a_mended_map_is_read_at_once_and_afresh_not_answered_by_a_304(guardian):
    """A map that read nothing, mended in the file: the next poll is now, and unconditional, so the entries the server
    has not changed since are read the new way instead of being 'not modified'."""
    results = []

    async def sink(result):
        results.append(result)

    def feeds(title_path):
        return FeedsFile(defaults=FeedDefaults(), feeds=(FeedConfig(
            id="guardian", url=guardian.url("/search?show-fields=bodyText"), items="response.results",
            fields={"title": title_path, "body": "fields.body"}),))  # body wrongly mapped: only the title can make it

    poller = Poller(IngestSettings(allow_hosts=["127.0.0.1"]), sink)
    poller.configure(feeds("webTitel"))
    async with Fetcher(poller.settings) as fetcher:
        await poller._poll(poller.feeds.feeds[0], fetcher)
        assert results[-1].status == 200 and results[-1].nothing.reason == "invalid_entries"
        assert poller.states["guardian"].etag == '"p1"'
        poller.configure(feeds("webTitle"))
        assert is_due(poller.states["guardian"], poller.clock()) and poller.states["guardian"].etag is None
        await poller._poll(poller.feeds.feeds[0], fetcher)
    assert results[-1].status == 200, "asked afresh, not If-None-Match"
    assert [r.article.title for r in results[-1].records] == ["Harbour report 1", "Harbour report 2"]


def _feeds_file(tmp_path, guardian, **extra):
    path = tmp_path / "feeds.yaml"
    more = "".join(f"    {key}: {value}\n" for key, value in extra.items())
    path.write_text(f"feeds:\n  - id: guardian\n    url: {guardian.url('/search?show-fields=bodyText')}\n"
                    f"    items: response.results\n    fields: {MAP}\n    tags: [uk]\n{more}")
    return path


async def _read(urls, feeds_file, **kwargs):
    """What `wirewatch process` and `wirewatch ingest` read from URLs, with a feeds file set."""
    from datetime import datetime, timezone

    from services.ingest.inputs import read_inputs

    settings = IngestSettings(allow_hosts=["127.0.0.1"], feeds_file=feeds_file)
    return await read_inputs(urls, source=None, settings=settings, now=datetime.now(timezone.utc), **kwargs)


async def test_the_command_line_reads_a_configured_apis_url_as_the_poller_does(guardian, tmp_path):
    """`process URL` / `ingest URL` of a feed the feeds file maps: the map, the headers and the feed's id as source,
    so the articles are the poller's own (same ids: the seen-state drops the ones polled already)."""
    path = _feeds_file(tmp_path, guardian, headers="{X-Api-Key: s3cr3t}")
    url = guardian.url("/search?show-fields=bodyText")
    records = await _read([url], path)
    articles = [r for r in records if hasattr(r, "title")]
    assert [(a.title, a.source, a.tags, a.published_at.day) for a in articles] == [
        ("Harbour report 1", "guardian", ["uk"], 1), ("Harbour report 2", "guardian", ["uk"], 2)]
    assert articles[0].body == "The harbour's report number 1, in full."
    assert [str(r) for r in records if not hasattr(r, "title")] == [
        f'{url}: read as feed "guardian" of {path}, as the poller reads it (its fields, items, headers, language and tags)']
    assert guardian.asked[-1][2].get("X-Api-Key") == "s3cr3t"

    from services.ingest.feeds import load_feeds
    from services.ingest.poller import poll_once, policy_for
    from services.ingest.polling import FeedState

    feeds = load_feeds(path)
    [feed] = feeds.feeds
    async with Fetcher(IngestSettings(allow_hosts=["127.0.0.1"])) as fetcher:
        polled = await poll_once(feed, FeedState(feed_id=feed.id, url=feed.url), fetcher, now=0.0,
                                 policy=policy_for(feed, feeds, IngestSettings()))
    assert [r.article.id for r in polled.records] == [a.id for a in articles]


async def test_the_command_line_reads_another_url_of_an_api_by_the_feed_it_names(guardian, tmp_path):
    path = _feeds_file(tmp_path, guardian)
    quay = guardian.url("/search?q=quay")
    unmapped = await _read([quay], path)
    assert [r.title for r in unmapped if hasattr(r, "title")] == []  # another query of the API: not the feed's URL

    records = await _read([quay], path, feed="guardian")
    assert [(r.title, r.source) for r in records if hasattr(r, "title")] == [("Harbour report 3", "guardian")]


async def test_a_disabled_feed_is_still_read_by_its_map_and_said_to_be_disabled(guardian, tmp_path):
    """`enabled: false` stops the poller, not the map: `process URL` of the feed still reads its articles, and says
    the feed is not polled (so nobody takes a manual read for the feed being back)."""
    path = _feeds_file(tmp_path, guardian, enabled="false")
    url = guardian.url("/search?show-fields=bodyText")
    for feed in (None, "guardian"):
        records = await _read([url], path, feed=feed)
        assert [(r.title, r.source) for r in records if hasattr(r, "title")] == [
            ("Harbour report 1", "guardian"), ("Harbour report 2", "guardian")]
        assert [str(r) for r in records if not hasattr(r, "title")] == [
            f'{url}: read as feed "guardian" of {path}, as the poller reads it (its fields, items, headers, language '
            "and tags); the feed is disabled (enabled: false): the poller does not poll it"]


async def test_a_feed_the_command_line_cannot_find_is_said_before_anything_is_fetched(guardian, tmp_path):
    from services.ingest.inputs import InputError

    path = _feeds_file(tmp_path, guardian)
    quay = guardian.url("/search?q=quay")
    with pytest.raises(InputError, match=r"^--feed guardain: no such feed in .*feeds.yaml \(its feeds: guardian\)$"):
        await _read([quay], path, feed="guardain")
    with pytest.raises(InputError, match=r"^--feed guardian: no feeds file to find it in "
                                         r"\(WIREWATCH_INGEST__FEEDS_FILE is unset\)$"):
        await _read([quay], None, feed="guardian")
    with pytest.raises(InputError, match=r"^--feed guardian: a feed is read from its URL, and saved.json is none$"):
        await _read([quay, "saved.json"], path, feed="guardian")
    broken = tmp_path / "broken.yaml"
    broken.write_text("feeds:\n  - id: guardian\n    url: ftp://example.com/\n")
    with pytest.raises(InputError, match=r"^--feed guardian: the feeds file .*broken.yaml \(WIREWATCH_INGEST__FEEDS_FILE\) "
                                         r"cannot be read: .*broken.yaml:2: .*not an http\(s\) URL"):
        await _read([quay], broken, feed="guardian")
    with pytest.raises(InputError, match=r"^--feed guardian: the feeds file .*missing.yaml \(WIREWATCH_INGEST__FEEDS_FILE\) "
                                         r"cannot be read: no such file or directory$"):
        await _read([quay], tmp_path / "missing.yaml", feed="guardian")
    assert guardian.asked == []
    # Without --feed, a broken feeds file is not looked in: the URL is read as any other.
    unmapped = await _read([quay], broken)
    assert [type(r).__name__ for r in unmapped] == ["RecordError", "Nothing"]
    assert str(unmapped[1]) == f"{quay}: 0 articles: not a feed: JSON of another shape (an object with response)"


@pytest.mark.integration
async def test_process_and_its_feed_option_read_an_api_by_the_feeds_files_map(guardian, tmp_path):
    import orjson

    from tests.integration.test_cli import wirewatch

    path = _feeds_file(tmp_path, guardian)
    env = {**ALLOW, "WIREWATCH_INGEST__FEEDS_FILE": str(path)}
    result = await asyncio.to_thread(wirewatch, "process", "--until", "raw", "--feed", "guardian",
                                     guardian.url("/search?q=quay"), env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert [orjson.loads(line)["title"] for line in result.stdout.splitlines()] == ["Harbour report 3"]

    unknown = await asyncio.to_thread(wirewatch, "process", "--until", "raw", "--feed", "nope",
                                      guardian.url("/search?q=quay"), env=env)
    assert unknown.returncode == 1 and unknown.stdout == b""
    assert unknown.stderr.decode().splitlines() == [
        f"Error: --feed nope: no such feed in {path} (its feeds: guardian)"]


@pytest.mark.integration
async def test_rules_test_reads_another_url_of_an_api_by_the_feed_it_names(guardian, tmp_path):
    """`rules test --feed ID URL` reads the URL as `process --feed` does: the feed's map, its id as the source."""
    from tests.integration.test_cli import wirewatch

    path = _feeds_file(tmp_path, guardian)
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: guardian-uk, when: {source: guardian, tag: uk}}\n")
    env = {**ALLOW, "WIREWATCH_INGEST__FEEDS_FILE": str(path)}
    quay = guardian.url("/search?q=quay")
    result = await asyncio.to_thread(wirewatch, "rules", "test", "--feed", "guardian", str(rules), quay, env=env)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "'Harbour report 3'" in out and "guardian-uk: 1 of 1 articles" in out, out
    assert f'{quay}: read as feed "guardian"' in result.stderr.decode()

    # Without it the API's answer is JSON of another shape: no article, exit 1.
    unmapped = await asyncio.to_thread(wirewatch, "rules", "test", str(rules), quay, env=env)
    assert unmapped.returncode == 1 and "no article in the inputs" in unmapped.stderr.decode()
    asked = len(guardian.asked)
    unknown = await asyncio.to_thread(wirewatch, "rules", "test", "--feed", "nope", str(rules), quay, env=env)
    assert unknown.returncode == 1 and unknown.stderr.decode().splitlines() == [
        f"Error: --feed nope: no such feed in {path} (its feeds: guardian)"]
    assert len(guardian.asked) == asked  # refused before anything was fetched
