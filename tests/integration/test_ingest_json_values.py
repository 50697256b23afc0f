"""JSON values that are no text, and a record's own fetched_at in the future, read from real servers on loopback: a
JSON Feed or news API polled or fetched by URL, and POST /ingest on a real ingest worker."""

from datetime import UTC, datetime

import aiohttp
import orjson
import pytest

from schemas import DeadLetter, RawArticle
from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher
from services.ingest.poller import poll_once
from services.ingest.polling import FeedState, PollPolicy
from services.ingest.publish import publish
from services.ingest.readers import Note, RecordError
from services.ingest.settings import IngestSettings
from services.runtime.metrics import DEAD_LETTERS
from services.runtime.settings import Settings
from tests.support.pagedserver import PagedServer

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
ALLOW = IngestSettings(allow_hosts=["127.0.0.1"])


@pytest.fixture
async def server():
    s = await PagedServer().start()
    yield s
    await s.stop()


def _item(n, **fields):
    return {"id": f"{n}", "url": f"https://port.example.com/{n}", "content_text": "The harbour reopened.", **fields}


JSON_FEED = {"version": "https://jsonfeed.org/version/1.1", "title": "Port", "items": [
    _item(1, title=1984), _item(2, title=["Harbour reopens"]), _item(3, title="Cranes", content_text=True),
    _item(4, title={"rendered": "Harbour"}, summary=[1]), _item(5, title=0)]}


async def _poll(server, path):
    feed = FeedConfig(id="port", url=server.url(path))
    async with Fetcher(ALLOW) as fetcher:
        return await poll_once(feed, FeedState(feed_id=feed.id, url=feed.url), fetcher,
                               policy=PollPolicy(min_interval_s=60, max_interval_s=600), now=NOW.timestamp())


async def test_a_polled_json_feed_takes_a_number_as_text_and_dead_letters_a_list_an_object_or_a_boolean(server):
    server.pages["/feed.json"] = (JSON_FEED, {"Content-Type": "application/feed+json"})
    result = await _poll(server, "/feed.json")
    assert [r.article.title for r in result.records if hasattr(r, "article")] == ["1984", "0"]
    where = 'feed "port" entry'
    assert [r.reason for r in result.records if isinstance(r, RecordError)] == [
        f"{where} 2: field 'title' must be text, got an array: [\"Harbour reopens\"]",
        f"{where} 3: field 'content_text' must be text, got a boolean: true",
        f"{where} 4: field 'title' must be text, got an object: {{\"rendered\":\"Harbour\"}}; "
        "field 'summary' must be text, got an array: [1]"]

    # Each goes where every rejected record goes: the dead-letter topic, with its original, counted.
    sent = []

    async def send(topic, key, value):
        sent.append((topic, value))

    before = DEAD_LETTERS.labels("ingest", "articles.raw.dlq", "InvalidEntry")._value.get()
    report = await publish(send, Settings(), [r for r in result.records if isinstance(r, RecordError)], channel="feed:port")
    letters = [DeadLetter.model_validate_json(v) for t, v in sent if t == "articles.raw.dlq"]
    assert len(report.rejected) == len(letters) == 3
    assert orjson.loads(letters[0].original)["title"] == ["Harbour reopens"] and "got an array" in letters[0].reason
    assert DEAD_LETTERS.labels("ingest", "articles.raw.dlq", "InvalidEntry")._value.get() == before + 3


async def test_a_news_api_answer_fetched_by_url_holds_to_the_same_rule(server):
    from services.ingest.inputs import read_inputs

    server.pages["/news"] = ({"status": "ok", "articles": [
        {"title": 2024, "url": "https://port.example.com/a", "content": "Figures for the year."},
        {"title": False, "url": "https://port.example.com/b", "content": "No title."},
        {"title": "Cranes", "url": "https://port.example.com/c", "content": {"text": "Nested."}}]}, {})
    records = await read_inputs([server.url("/news")], source=None, settings=ALLOW, now=NOW)
    assert [r.title for r in records if isinstance(r, RawArticle)] == ["2024"]
    assert [r.reason.split(": ", 1)[1] for r in records if isinstance(r, RecordError)] == [
        "field 'title' must be text, got a boolean: false",
        "field 'content' must be text, got an object: {\"text\":\"Nested.\"}"]


async def test_a_records_own_fetched_at_in_the_future_is_taken_as_its_receipt_and_said(server):
    from services.ingest.inputs import read_inputs

    server.pages["/dump"] = ([
        {"title": "Harbour reopens", "url": "https://port.example.com/a", "fetched_at": "2031-01-01T00:00:00Z",
         "published_at": "2031-01-01T00:00:00Z"},
        {"title": "Cranes stop", "url": "https://port.example.com/b", "fetched_at": "2024-03-05T12:10:00Z"},
        {"title": "Dockers vote", "url": "https://port.example.com/c", "fetched_at": "2024-03-04T08:00:00Z"}], {})
    records = await read_inputs([server.url("/dump")], source=None, settings=ALLOW, now=NOW)
    articles = {r.title: r for r in records if isinstance(r, RawArticle)}
    assert articles["Harbour reopens"].fetched_at == NOW  # 2031: not trusted
    assert articles["Harbour reopens"].published_at.year == 2031  # the normalizer now judges it against its receipt
    assert articles["Cranes stop"].fetched_at == datetime(2024, 3, 5, 12, 10, tzinfo=UTC)  # 10 minutes: clocks apart
    assert articles["Dockers vote"].fetched_at == datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
    [note] = [r for r in records if isinstance(r, Note)]
    assert str(note) == (f"{server.url('/dump')}: fetched_at later than its receipt in 1 record (up to "
                         "2031-01-01T00:00:00+00:00, received 2024-03-05T12:00:00+00:00; "
                         "WIREWATCH_INGEST__FUTURE_FETCHED_AT_TOLERANCE_S=900): taken as fetched when received")

    strict = await read_inputs([server.url("/dump")], source=None, now=NOW,
                               settings=IngestSettings(allow_hosts=["127.0.0.1"], future_fetched_at_tolerance_s=0))
    assert sorted(r.fetched_at for r in strict if isinstance(r, RawArticle))[-1] == NOW


@pytest.mark.integration
async def test_post_ingest_dead_letters_a_list_title_and_caps_a_future_fetched_at(broker, start_service):
    from tests.conftest import wait_http
    from tests.support.kafka import collect

    ingest = start_service("worker", "ingest")
    wait_http(ingest.web_port, proc=ingest)
    body = b"\n".join(orjson.dumps(r) for r in [
        {"id": "values-1984", "title": 1984, "body": "Orwell's novel, reissued."},
        {"id": "values-list", "title": ["Harbour reopens"], "body": "The harbour reopened."},
        {"id": "values-2031", "title": "Cranes stop", "body": "Cranes stopped.", "fetched_at": "2031-01-01T00:00:00Z"}])
    async with aiohttp.ClientSession() as session:
        async with session.post(f"http://127.0.0.1:{ingest.web_port}/ingest", data=body) as resp:
            assert resp.status == 202
            answer = await resp.json()
    answered = datetime.now(UTC)
    assert answer["accepted"] == ["values-1984", "values-2031"]
    assert answer["rejected"] == [{"where": "POST /ingest:2", "error": "SchemaViolation", "reason":
                                   "POST /ingest:2: field 'title' must be text, got an array: [\"Harbour reopens\"]"}]
    assert len(answer["notes"]) == 1 and answer["notes"][0].startswith("fetched_at later than its receipt in 1 record")

    seen = await collect(broker.bootstrap, ["articles.raw", "articles.raw.dlq"],
                         until=lambda s: {m["key"] for m in s["articles.raw"]} >= {b"values-1984", b"values-2031"}
                         and any(b"Harbour reopens" in orjson.dumps(m["value"]) for m in s["articles.raw.dlq"]))
    raw = {m["key"]: RawArticle.model_validate(m["value"]) for m in seen["articles.raw"] if m["key"].startswith(b"values-")}
    assert raw[b"values-1984"].title == "1984"
    assert raw[b"values-2031"].fetched_at <= answered  # its receipt, not 2031
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{ingest.web_port}/metrics") as resp:
            metrics = await resp.text()
    assert 'wirewatch_dead_letters_total{error_class="SchemaViolation",stage="ingest",topic="articles.raw.dlq"} 1.0' \
        in metrics, [line for line in metrics.splitlines() if "dead_letters" in line]
