"""POST /ingest on a real ingest worker: good records reach articles.raw, bad ones the dead-letter topic."""

import aiohttp
import orjson
import pytest

from schemas import DeadLetter, RawArticle
from tests.conftest import wait_http
from tests.support.kafka import collect

pytestmark = pytest.mark.integration


async def test_ndjson_push_publishes_good_records_and_dead_letters_bad_ones(broker, start_service):
    ingest = start_service("worker", "ingest", WIREWATCH_INGEST__TOKEN="s3cret")
    wait_http(ingest.web_port, proc=ingest)
    url = f"http://127.0.0.1:{ingest.web_port}/ingest"
    body = b"\n".join([
        orjson.dumps({"id": "push-good-1", "title": "Port strike ends", "body": "Dockers returned to work.", "language": "en"}),
        b'{"title": "half a record',
        orjson.dumps({"url": "https://example.net/a?utm_source=x", "title": "Second", "body": "Text.", "event": "e-7"}),
    ])
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body) as resp:
            assert resp.status == 401, "a push without the bearer token must be refused"
        async with session.post(url, data=body, headers={"Authorization": "Bearer s3cret"}) as resp:
            assert resp.status == 202
            answer = await resp.json()
    assert len(answer["accepted"]) == 2 and answer["accepted"][0] == "push-good-1"
    assert answer["rejected"][0]["error"] == "InvalidJSON" and ":2" in answer["rejected"][0]["where"]
    # A field that is no article field is left out, and the answer names it.
    assert answer["ignored"] == {"where": "POST /ingest", "fields": ["event"], "records": 1}

    seen = await collect(
        broker.bootstrap, ["articles.raw", "articles.raw.dlq"],
        until=lambda s: {m["key"] for m in s["articles.raw"]} >= {a.encode() for a in answer["accepted"]}
        and any(m["value"]["source_topic"].startswith("http:") for m in s["articles.raw.dlq"]),
    )
    raw = [RawArticle.model_validate(m["value"]) for m in seen["articles.raw"] if m["key"] == b"push-good-1"]
    assert raw[0].language_hint == "en" and raw[0].title == "Port strike ends"
    letter = next(DeadLetter.model_validate(m["value"]) for m in seen["articles.raw.dlq"]
                  if m["value"]["source_topic"].startswith("http:"))
    assert letter.service == "ingest" and letter.original == b'{"title": "half a record'
    assert ingest.alive()


def _ndjson(n: int, size: int) -> bytes:
    body = "Dockers returned to work on Monday. " * (size // 36)
    return b"\n".join(orjson.dumps({"id": f"big-{i}", "title": f"Port strike ends {i}", "body": body}) for i in range(n))


async def test_a_body_past_a_mebibyte_is_accepted_up_to_the_configured_limit(broker, start_service):
    ingest = start_service("worker", "ingest", WIREWATCH_INGEST__MAX_BODY_BYTES=str(3 * 1024 * 1024))
    wait_http(ingest.web_port, proc=ingest)
    url = f"http://127.0.0.1:{ingest.web_port}/ingest"
    within, past = _ndjson(60, 30_000), _ndjson(110, 30_000)  # about 1.8 and 3.3 MB
    assert 1024 * 1024 < len(within) < 3 * 1024 * 1024 < len(past)

    async def chunks(data: bytes):  # no Content-Length: the limit is found while reading
        for i in range(0, len(data), 256 * 1024):
            yield data[i : i + 256 * 1024]

    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=within) as resp:
            assert resp.status == 202, await resp.text()
            assert len((await resp.json())["accepted"]) == 60
        for data in (past, chunks(past)):
            async with session.post(url, data=data) as resp:
                assert resp.status == 413
                assert "exceeds" in (await resp.json())["error"]
    assert ingest.alive()


async def test_a_push_while_the_broker_is_down_is_answered_503_not_held(broker, start_service):
    ingest = start_service("worker", "ingest", WIREWATCH_INGEST__ACK_TIMEOUT_S="3")
    wait_http(ingest.web_port, proc=ingest)
    url = f"http://127.0.0.1:{ingest.web_port}/ingest"
    broker.stop()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            async with session.post(url, data=_ndjson(1, 100)) as resp:
                assert resp.status == 503
                assert resp.headers["Retry-After"] == "5"
                assert "did not acknowledge within 3 s" in (await resp.json())["error"]
    finally:
        broker.start()
    assert ingest.alive()
