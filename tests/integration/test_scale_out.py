"""Two tagger workers share the partitions; one is killed mid-stream; every article still comes out tagged."""

from __future__ import annotations

import signal
from datetime import datetime, timezone

import pytest

from schemas import NormalizedArticle
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration

COUNT = 400


def article(i: int) -> NormalizedArticle:
    body = (f"Officials in Lisbon said on Monday that shipment {i} had cleared customs. "
            f"The port authority of Portugal expects more traffic from Brazil this year.")
    return NormalizedArticle(
        id=f"scale-{i}", source="scale-test", fetched_at=datetime.now(timezone.utc), language="en",
        language_confidence=0.99, original_title=f"Shipment {i} clears customs", original_body=body,
        title=f"Shipment {i} clears customs", body=body,
    )


async def test_killing_one_of_two_tagger_workers_loses_no_article(broker, start_service):
    workers = [start_service("worker", "tagger") for _ in range(2)]
    for worker in workers:
        wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)

    await send(broker.bootstrap, "articles.normalized", [(f"scale-{i}".encode(), encode(article(i))) for i in range(COUNT)])
    wanted = {f"scale-{i}".encode() for i in range(COUNT)}
    # Let both workers get going, then kill one without warning.
    await collect(broker.bootstrap, ["articles.tagged"], timeout_s=90,
                  until=lambda s: len(wanted & {m["key"] for m in s["articles.tagged"]}) >= 20)
    victim = workers[0]
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(timeout=10)

    seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=150,
                         until=lambda s: wanted <= {m["key"] for m in s["articles.tagged"]})
    tagged = [m for m in seen["articles.tagged"] if m["key"] in wanted]
    assert {m["key"] for m in tagged} == wanted
    assert workers[1].alive()
    print(f"{COUNT} articles, {len(tagged)} tagged messages ({len(tagged) - COUNT} re-processed after the kill)")
