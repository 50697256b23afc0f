"""JSON values that are no text, read from real servers on loopback: a JSON Feed or news API polled or fetched by URL."""

from datetime import UTC, datetime

import orjson
import pytest

from schemas import DeadLetter, RawArticle
from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher
from services.ingest.poller import poll_once
from services.ingest.polling import FeedState, PollPolicy
from services.ingest.publish import publish
from services.ingest.readers import RecordError
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
    where = f'feed "port" entry'
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
