"""A normalize worker on the real broker: valid articles come out normalized, bad bytes go to the DLQ, the worker goes on."""

import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone

import pytest

from schemas import DeadLetter, NormalizedArticle, RawArticle
from services.runtime.codec import encode
from tests.support.kafka import collect, send
from tests.support.metrics import metric, scrape

pytestmark = pytest.mark.integration


def raw(article_id: str, title: str, body: str) -> RawArticle:
    return RawArticle(id=article_id, source="test", title=title, body=body, fetched_at=datetime.now(timezone.utc))


async def test_bad_messages_are_dead_lettered_and_the_worker_keeps_going(broker, start_service):
    worker = start_service("worker", "normalize")
    before = raw("nw-1", "Storm closes schools", "Schools across the coast stayed shut on Tuesday.\n\nSource link")
    after = raw("nw-2", "La tormenta cierra las escuelas", "Las escuelas de la costa permanecieron cerradas el martes.")
    await send(broker.bootstrap, "articles.raw", [
        (b"nw-1", encode(before)),
        (b"nw-bad-json", b"{not json at all"),
        (b"nw-bad-schema", b'{"id": "x", "source": "s", "fetched_at": "2024-01-01T00:00:00Z", "colour": "red"}'),
        (b"nw-2", encode(after)),
    ])
    seen = await collect(
        broker.bootstrap, ["articles.normalized", "articles.raw.dlq"],
        until=lambda s: {b"nw-1", b"nw-2"} <= {m["key"] for m in s["articles.normalized"]}
        and {b"nw-bad-json", b"nw-bad-schema"} <= {m["key"] for m in s["articles.raw.dlq"]},
    )
    # The broker is shared by the session: read only this test's messages.
    out = {m["key"]: NormalizedArticle.model_validate(m["value"])
           for m in seen["articles.normalized"] if m["key"] in (b"nw-1", b"nw-2")}
    assert "Source link" not in out[b"nw-1"].body
    assert any(c.kind == "boilerplate" for c in out[b"nw-1"].changes)
    assert out[b"nw-2"].language == "es"
    assert out[b"nw-2"].translation is not None and out[b"nw-2"].translation.engine == "apertium"
    assert "schools" in out[b"nw-2"].body.lower()

    letters = {m["key"]: DeadLetter.model_validate(m["value"])
               for m in seen["articles.raw.dlq"] if m["key"] in (b"nw-bad-json", b"nw-bad-schema")}
    assert letters[b"nw-bad-json"].error_class == "InvalidJSON"
    assert letters[b"nw-bad-json"].original == b"{not json at all"
    assert letters[b"nw-bad-schema"].error_class == "SchemaViolation"
    assert "colour" in letters[b"nw-bad-schema"].reason
    assert worker.alive()

    samples = scrape(worker.web_port)
    letters_counted = {ls["error_class"]: v for n, ls, v in samples
                       if n == "wirewatch_dead_letters_total" and ls.get("topic") == "articles.raw.dlq"}
    assert letters_counted == {"InvalidJSON": 1, "SchemaViolation": 1}

    # And in words, from the command line: which stage, what failed and why, and the original's start.
    said = subprocess.run([sys.executable, "-m", "services.cli", "dead-letters", "--broker", broker.bootstrap,
                           "--topic", "articles.raw.dlq"], capture_output=True, text=True, timeout=60)
    assert said.returncode == 0, said.stderr
    [bad_json] = [block for block in said.stdout.split("\n20") if "key 'nw-bad-json'" in block]
    assert "normalize could not handle a message of articles.raw: InvalidJSON: RawArticle: not valid JSON" in bad_json
    assert "original 16 bytes: '{not json at all'" in bad_json
    [bad_schema] = [block for block in said.stdout.split("\n20") if "key 'nw-bad-schema'" in block]
    assert "SchemaViolation" in bad_schema and "colour" in bad_schema
    assert "InvalidJSON" in said.stderr and said.stderr.startswith(tuple("123456789"))  # "N dead letters: articles.raw.dlq N (…)"
    assert metric(worker.web_port, "wirewatch_messages_processed_total", stage="normalize") == 2
    assert any(n.startswith("faust_") for n, _, _ in samples), "Faust's own sensor metrics are exported beside ours"


async def test_spanish_article_comes_out_in_repaired_english_with_its_amounts_and_dates(broker, start_service):
    worker = start_service("worker", "normalize")
    published = datetime(2023, 9, 28, 12, 0, tzinfo=timezone.utc)
    article = RawArticle(
        id="nw-es-amounts", source="test", title="La OTAN en Kiev", published_at=published, fetched_at=published,
        body="El secretario general de la OTAN aseguró este jueves en Kiev que la ayuda militar ya suma "
        "100.000 millones de euros y que las fuerzas recuperaron 110 kilómetros cuadrados.",
    )
    await send(broker.bootstrap, "articles.raw", [(b"nw-es-amounts", encode(article))])
    seen = await collect(broker.bootstrap, ["articles.normalized"], until=lambda s: b"nw-es-amounts" in {m["key"] for m in s["articles.normalized"]})
    out = next(NormalizedArticle.model_validate(m["value"]) for m in seen["articles.normalized"] if m["key"] == b"nw-es-amounts")
    assert out.translation is not None and out.translation.engine == "apertium"
    # Apertium writes "Kiev"; the name table makes it the canonical spelling, and the audit trail says so.
    assert "Kyiv" in out.title and "Kyiv" in out.body and "Kiev" not in out.body
    assert any(c.rule == "names:variant" and c.before == "Kiev" and c.field == "body" for c in out.changes)
    money = [a for a in out.amounts if a.kind == "money"]
    assert [(a.value, a.currency) for a in money] == [(100e9, "EUR")]
    assert any(a.kind == "quantity" and a.value == 110 and a.unit == "square kilometer" for a in out.amounts)
    assert {d.date for d in out.dates if d.text.lower() == "this thursday"} == {"2023-09-28"}
    # Every edit is counted by kind and rule, so an operator sees how often each repair fires.
    for (kind, rule), n in Counter((c.kind, c.rule) for c in out.changes).items():
        assert metric(worker.web_port, "wirewatch_normalize_changes_total", kind=kind, rule=rule) >= n, (kind, rule)
    assert metric(worker.web_port, "wirewatch_normalize_changes_total", kind="translation", rule="apertium") >= 1
    # A repair that has not fired is exported at 0, so the first firing shows as an increase.
    assert ("wirewatch_normalize_changes_total", {"kind": "repair", "rule": "article:before-country"}, 0.0) in scrape(worker.web_port)


async def test_french_article_comes_out_in_english_through_spanish_with_both_hops(broker, start_service):
    start_service("worker", "normalize")
    article = raw("nw-fr-pivot", "Le président rencontre le secrétaire général de l'OTAN",
                  "Le président a rencontré mardi à Paris le secrétaire général de l'OTAN pour parler de la guerre en Ukraine.")
    await send(broker.bootstrap, "articles.raw", [(b"nw-fr-pivot", encode(article))])
    seen = await collect(broker.bootstrap, ["articles.normalized"], until=lambda s: b"nw-fr-pivot" in {m["key"] for m in s["articles.normalized"]})
    out = next(NormalizedArticle.model_validate(m["value"]) for m in seen["articles.normalized"] if m["key"] == b"nw-fr-pivot")
    assert out.language == "fr" and out.translation is not None
    assert "Tuesday" in out.body and "president" in out.body.lower() and "mardi" not in out.body
    hops = [(h.engine, h.model, h.source_language, h.target_language) for h in out.translation.hops]
    assert hops == [("apertium", "fr-es", "fr", "es"), ("apertium", "spa-eng", "es", "en")]
    assert all(h.version for h in out.translation.hops)
    assert out.translation.model == "fr-es+spa-eng"


async def test_an_article_dated_in_2030_comes_out_placed_at_its_receipt_and_says_why(broker, start_service):
    worker = start_service("worker", "normalize")
    received = datetime.now(timezone.utc)
    article = RawArticle(id="nw-future", source="test", feed_id="clockwork", title="Harbour reopens after the storm",
                         body="The harbour reopened on Tuesday, the port authority said.",
                         published_at=datetime(2030, 1, 1, tzinfo=timezone.utc), fetched_at=received)
    await send(broker.bootstrap, "articles.raw", [(b"nw-future", encode(article))])
    seen = await collect(broker.bootstrap, ["articles.normalized"], until=lambda s: b"nw-future" in {m["key"] for m in s["articles.normalized"]})
    out = next(NormalizedArticle.model_validate(m["value"]) for m in seen["articles.normalized"] if m["key"] == b"nw-future")
    assert out.published_at == received
    [change] = [c for c in out.changes if c.field == "published_at"]
    assert change.rule == "published_at:future" and change.before.startswith("2030-01-01")
    assert "after the article was received" in change.reason
    assert metric(worker.web_port, "wirewatch_future_publications_total", feed="clockwork") == 1
