"""The whole pipeline on the real broker, all four services in one process (``wirewatch run``).

An English wire story, a machine-translated story and a Spanish agency story (EFE,
which Apertium translates on the way) about the same event go in; all come out
tagged with the same canonical entities, the Spanish one with its translation's
provenance and in its English twin's story, the rule fires, a real receiver on
loopback gets a webhook whose signature the standardwebhooks library accepts, and
a broken message lands in a dead-letter topic while the worker goes on.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from schemas import Alert, DeadLetter, TaggedArticle
from services.ingest.readers import read_path
from services.runtime.codec import encode
from tests.conftest import ROOT, wait_http
from tests.support.kafka import collect, send

pytestmark = pytest.mark.e2e

MAIN_ACTORS = {"Q7184", "Q212", "Q1899"}  # NATO, Ukraine, Kyiv


class Receiver:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.requests: list[tuple[dict[str, str], bytes]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(({k.lower(): v for k, v in request.headers.items()}, await request.read()))
        return web.Response(status=204)


@pytest.fixture
async def receiver():
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    recv = Receiver(secret)
    app = web.Application()
    app.router.add_post("/hook", recv.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    recv.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/hook"
    yield recv
    await runner.cleanup()


def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "webhooks:\n"
        "  desk:\n"
        "    url: ${TEST_WEBHOOK_URL}\n"
        "    secret: ${TEST_WEBHOOK_SECRET}\n"
        "rules:\n"
        "  - id: nato-ukraine\n"
        "    when:\n"
        "      all:\n"
        "        - entity: NATO\n"
        "        - entity: Q212\n"
        "    webhooks: [desk]\n"
    )
    return path


async def test_english_and_translated_story_are_tagged_alike_and_alert_is_signed(broker, start_service, receiver, tmp_path):
    worker = start_service(
        "run", "--broker", broker.bootstrap,
        WIREWATCH_ALERTER__RULES=str(rules_file(tmp_path)),
        TEST_WEBHOOK_URL=receiver.url, TEST_WEBHOOK_SECRET=receiver.secret,
    )
    now = datetime.now(timezone.utc)
    wire, translated, spanish = [
        next(read_path(ROOT / "examples" / "articles" / name, now=now))
        for name in ("nato-kyiv-wire.txt", "nato-kyiv-mt.txt", "otan-kiev-efe.txt")
    ]
    # A broken message first on every partition's path: the worker must survive it and process what follows.
    await send(broker.bootstrap, "articles.normalized", [(b"e2e-broken", b'{"id": "e2e-broken", "title": 7}')])
    await send(broker.bootstrap, "articles.raw", [(a.id.encode(), encode(a)) for a in (wire, translated, spanish)])
    wait_http(worker.web_port, proc=worker)

    ids = {wire.id.encode(), translated.id.encode(), spanish.id.encode()}
    seen = await collect(
        broker.bootstrap, ["articles.tagged", "alerts", "articles.normalized.dlq"],
        until=lambda s: ids <= {m["key"] for m in s["articles.tagged"]}
        and any(m["key"] == b"e2e-broken" for m in s["articles.normalized.dlq"])
        and len(receiver.requests) >= 1,
        timeout_s=120,
    )
    tagged = {m["key"]: TaggedArticle.model_validate(m["value"]) for m in seen["articles.tagged"] if m["key"] in ids}
    linked = {key: {e.canonical_id for e in art.entities if e.canonical_id} for key, art in tagged.items()}
    assert MAIN_ACTORS <= linked[wire.id.encode()], linked
    assert MAIN_ACTORS <= linked[translated.id.encode()], linked
    assert tagged[translated.id.encode()].language == "en"
    # The Spanish story was translated by Apertium, es -> en, on the way; it reads as English and joins its twin.
    es = tagged[spanish.id.encode()]
    assert es.language == "es" and es.translation is not None, (es.language, es.translation)
    assert (es.translation.engine, es.translation.source_language, es.translation.target_language) == ("apertium", "es", "en")
    assert es.original_title.startswith("Stoltenberg promete a Zelenski") and es.title.startswith("Stoltenberg promises")
    assert MAIN_ACTORS <= linked[spanish.id.encode()], linked
    assert es.story_id == tagged[wire.id.encode()].story_id, {k: t.story_id for k, t in tagged.items()}

    letter = next(DeadLetter.model_validate(m["value"]) for m in seen["articles.normalized.dlq"] if m["key"] == b"e2e-broken")
    assert letter.service == "tagger" and letter.error_class == "SchemaViolation"
    assert letter.original == b'{"id": "e2e-broken", "title": 7}'
    assert worker.alive()

    alerts = [Alert.model_validate(m["value"]) for m in seen["alerts"] if m["value"]["rule_id"] == "nato-ukraine"]
    assert alerts and {a.story_id for a in alerts} <= {t.story_id for t in tagged.values()}
    headers, body = receiver.requests[0]
    event = Webhook(receiver.secret).verify(body, headers)  # raises on a bad signature
    assert event["type"] == "alert.fired"
    assert headers["webhook-id"] == event["data"]["id"]
    assert event["data"]["id"] in {a.id for a in alerts}
    assert "NATO" in event["data"]["entities"]
    assert orjson.loads(body)["data"]["rule_id"] == "nato-ukraine"
