"""Every input gets an answer: `process`, `ingest`, `feeds check`, POST /ingest and a polled feed say why an input
gave no article, with the exit code / status the README documents."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson
import pytest

from tests.conftest import wait_http
from tests.integration.test_cli import wirewatch
from tests.support.feedserver import FeedServer
from tests.support.metrics import metric, wait_until
from tests.unit.test_ingest_verdicts import EXPECTED, INPUTS

pytestmark = pytest.mark.integration

SMALL_LIMIT = {"WIREWATCH_INGEST__MAX_FEED_BYTES": "4096"}
WITHOUT = "wirewatch_inputs_without_articles_total"


def test_process_until_raw_answers_every_input():
    names = sorted(EXPECTED)
    result = wirewatch("process", "--until", "raw", *(str(INPUTS / n) for n in names), env=SMALL_LIMIT)
    err = result.stderr.decode()
    assert result.returncode == 0, err  # some inputs gave articles
    assert "Traceback" not in err
    lines = err.splitlines()
    for name in names:
        said = [ln for ln in lines if ln.startswith(f"{INPUTS / name}: 0 articles: ")]
        if EXPECTED[name] is None:
            assert not said, f"{name} gives articles yet was reported empty: {said}"
        else:
            assert len(said) == 1 and EXPECTED[name][1] in said[0], f"{name}: {said}\n{err}"
    out = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert sorted(a["title"] for a in out) == ["Harbour reopens", "Harbour reopens", "Quay approved"]


def test_a_dump_of_many_articles_on_stdin_is_not_cut_by_the_size_limit():
    dump = b"\n".join(orjson.dumps({"title": f"Report {i}", "body": "The harbour reopened. " * 20}) for i in range(50))
    assert len(dump) > 4 * 4096
    result = wirewatch("process", "--until", "raw", "-", stdin=dump, env=SMALL_LIMIT)
    assert result.returncode == 0, result.stderr.decode()
    assert [orjson.loads(line)["title"] for line in result.stdout.splitlines()] == [f"Report {i}" for i in range(50)]


def test_process_exit_code_tells_an_empty_feed_from_a_rejected_input():
    empty = wirewatch("process", "--until", "raw", str(INPUTS / "empty-channel.rss"))
    assert empty.returncode == 0 and empty.stdout == b""
    assert f"{INPUTS / 'empty-channel.rss'}: 0 articles: feed has no entries" in empty.stderr.decode()
    png = wirewatch("process", "--until", "tagged", str(INPUTS / "logo.png"))
    assert png.returncode == 1 and png.stdout == b""
    assert "0 articles: not a feed: a PNG image" in png.stderr.decode()
    both = wirewatch("process", "--until", "raw", str(INPUTS / "empty-channel.rss"), str(INPUTS / "sitemap.xml"))
    assert both.returncode == 1
    assert both.stderr.decode().splitlines()[-1] == "0 articles (no_entries: 1, not_a_feed: 1)"


def test_process_reads_other_tools_json_and_names_the_fields_it_leaves_out(tmp_path):
    dump = tmp_path / "news-please.jsonl"
    dump.write_bytes(b"\n".join(orjson.dumps(r) for r in [
        {"title": "Harbour reopens", "maintext": "The harbour reopened on Monday after the storm.", "date_publish":
         "2024-03-04 08:00:00", "source_domain": "port.example", "url": "https://port.example/a", "authors": ["A. Writer"]},
        {"titel": "Quay approved", "maintext": "The council approved the new quay.", "url": "https://port.example/b"},
    ]))
    result = wirewatch("process", "--until", "raw", str(dump))
    err = result.stderr.decode()
    assert result.returncode == 0, err
    [article] = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert (article["title"], article["source"], article["published_at"]) == ("Harbour reopens", "port.example", "2024-03-04T08:00:00Z")
    assert article["body"] == "The harbour reopened on Monday after the storm."
    assert f"rejected {dump}:2: unknown field 'titel': did you mean 'title'?" in err.splitlines()
    assert f"{dump}: ignored field(s) not read as article fields, in 1 record: authors" in err.splitlines()


def test_ingest_says_why_and_an_empty_feed_is_not_an_error(broker):
    empty = wirewatch("ingest", "--broker", broker.bootstrap, str(INPUTS / "atom-no-entries.atom"))
    assert empty.returncode == 0, empty.stderr.decode()
    assert "0 articles: feed has no entries" in empty.stderr.decode()
    page = wirewatch("ingest", "--broker", broker.bootstrap, str(INPUTS / "homepage-saved-as-feed.xml"))
    assert page.returncode == 1
    assert "0 articles: not a feed: an HTML page" in page.stderr.decode()
    tailed = wirewatch("tail", "articles.raw.dlq", "--broker", broker.bootstrap, "--timeout", "3")
    letters = [orjson.loads(line)["value"] for line in tailed.stdout.splitlines()]
    assert any("homepage-saved-as-feed.xml" in letter["source_topic"] for letter in letters)


@pytest.fixture
async def feed_server():
    server = await FeedServer().start()
    for name in ("empty-channel.rss", "homepage-saved-as-feed.xml", "entries-without-text.rss"):
        server.docs[name] = ((INPUTS / name).read_bytes(), "text/html" if "homepage" in name else "application/rss+xml")
    yield server
    await server.stop()


async def test_feeds_check_says_why_a_feed_gives_nothing(feed_server, tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n" + "".join(
        f"  - id: {fid}\n    url: {feed_server.url('/feed/' + name)}\n"
        for fid, name in (("quiet", "empty-channel.rss"), ("homepage", "homepage-saved-as-feed.xml"),
                          ("hollow", "entries-without-text.rss"))))
    result = await asyncio.to_thread(wirewatch, "feeds", "check", str(path),
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    out = result.stdout.decode()
    assert result.returncode == 1, out
    blocks = {block.split("\t", 1)[0]: block for block in out.split("\n", 1)[1].replace("\n  ", " | ").splitlines()}
    assert "0 articles: feed has no entries" in blocks["quiet"]
    assert '0 articles: not a feed: an HTML page titled "Example News & Views"' in blocks["homepage"]
    assert "0 articles: 2 entries, none with a title or text" in blocks["hollow"]


async def test_feeds_check_reads_a_news_api_answer_as_a_feed(feed_server, tmp_path):
    feed_server.docs["headlines"] = (orjson.dumps({"status": "ok", "totalResults": 2, "articles": [
        {"source": {"id": None, "name": "Reuters"}, "title": "Harbour reopens", "url": "https://r.example/a",
         "publishedAt": "2024-03-04T10:00:00Z", "content": "The harbour reopened on Monday... [+1200 chars]"},
        {"source": {"name": "BBC News"}, "title": "Quay approved", "url": "https://b.example/b", "content": "All of it."},
    ]}), "application/json")
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - id: headlines\n    url: {feed_server.url('/feed/headlines')}\n")
    result = await asyncio.to_thread(wirewatch, "feeds", "check", str(path),
                                     env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "headlines\t200\tjson-api\t2 entries" in out.splitlines(), out


async def test_worker_answers_posts_and_counts_polled_feeds_that_give_nothing(broker, start_service, feed_server, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("defaults: {min_interval_s: 1, max_interval_s: 2}\nfeeds:\n"
                     f"  - id: quiet\n    url: {feed_server.url('/feed/empty-channel.rss')}\n"
                     f"  - id: homepage\n    url: {feed_server.url('/feed/homepage-saved-as-feed.xml')}\n")
    worker = start_service("worker", "ingest", WIREWATCH_INGEST__FEEDS_FILE=str(feeds),
                           WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]')
    wait_http(worker.web_port, proc=worker)
    url = f"http://127.0.0.1:{worker.web_port}"
    # Only the POSTs below touch channel="http": each answered input must add exactly one to its reason.
    http_before = {reason: metric(worker.web_port, WITHOUT, channel="http", reason=reason)
                   for reason in ("no_entries", "not_a_feed", "empty")}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/ingest", data=b"[]") as resp:
            assert resp.status == 202
            assert (await resp.json())["nothing"] == {"where": "POST /ingest", "reason": "no_entries",
                                                      "detail": "body has no entries"}
        async with session.post(f"{url}/ingest", data=b'{"status": "ok", "city": "Oslo", "forecast": []}') as resp:
            assert resp.status == 400
            answer = await resp.json()
            assert answer["nothing"]["reason"] == "not_a_feed" and "JSON of another shape" in answer["nothing"]["detail"]
        async with session.post(f"{url}/ingest", data=b"") as resp:
            assert resp.status == 400 and (await resp.json())["nothing"]["reason"] == "empty"
    http_after = {reason: metric(worker.web_port, WITHOUT, channel="http", reason=reason) for reason in http_before}
    assert http_after == {reason: n + 1 for reason, n in http_before.items()}, (http_before, http_after)

    # Polled feeds: each document that gives nothing counts once. The empty feed is fetched once (200) and then
    # answers 304 Not Modified, which is no new input; the HTML page is no feed, so every fetch of it counts.
    quiet, homepage = "/feed/empty-channel.rss", "/feed/homepage-saved-as-feed.xml"
    await wait_until(lambda: feed_server.hits.get(quiet, 0) >= 3, 90, "three polls of the empty feed")
    await wait_until(lambda: metric(worker.web_port, WITHOUT, channel="feed", reason="no_entries") >= 1, 30,
                     "the empty feed counted")
    assert metric(worker.web_port, WITHOUT, channel="feed", reason="no_entries") == 1
    await wait_until(lambda: metric(worker.web_port, WITHOUT, channel="feed", reason="not_a_feed")
                     == feed_server.hits.get(homepage, 0) >= 1, 30, "every fetch of the HTML page counted once")
    log = worker.log()
    assert "feed_without_articles" in log and "an HTML page" in log
