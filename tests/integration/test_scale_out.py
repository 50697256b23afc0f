"""Two tagger workers share the partitions; one is killed mid-stream; every article still comes out tagged.

Each worker's own log says which partitions it was given (Faust's assignment table) and which articles
it tagged, so the test can tell a real failover (the killed worker owned partitions and had articles
left on them, which the survivor then tagged) from a run where the kill changed nothing.
"""

from __future__ import annotations

import re
import signal
from datetime import datetime, timezone

import pytest

from schemas import NormalizedArticle
from services.runtime.codec import encode
from tests.conftest import ServiceProcess, wait_http
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration

COUNT = 400
TOPIC = "articles.normalized"
# A dead member is noticed sooner, and the embedded broker waits about half the rebalance timeout as a group forms.
FAST_GROUPS = dict(WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6")


def article(i: int) -> NormalizedArticle:
    body = (f"Officials in Lisbon said on Monday that shipment {i} had cleared customs. "
            f"The port authority of Portugal expects more traffic from Brazil this year.")
    return NormalizedArticle(
        id=f"scale-{i}", source="scale-test", fetched_at=datetime.now(timezone.utc), language="en",
        language_confidence=0.99, original_title=f"Shipment {i} clears customs", original_body=body,
        title=f"Shipment {i} clears customs", body=body,
    )


def assigned(worker: ServiceProcess, topic: str) -> set[int]:
    """The partitions of ``topic`` in the last assignment the worker logged (Faust's "newly assigned" table)."""
    tables = worker.log().split("Setting newly assigned partitions")
    if len(tables) < 2:
        return set()
    table = tables[-1].split("for group")[0]
    row = re.search(rf"^\|\s*{re.escape(topic)}\s*\|\s*\{{([^}}]*)\}}", table, re.MULTILINE)
    partitions: set[int] = set()
    for part in (row.group(1).split(",") if row else []):
        low, _, high = part.strip().partition("-")
        partitions.update(range(int(low), int(high or low) + 1))
    return partitions


def tagged_by(worker: ServiceProcess) -> set[str]:
    """The articles the worker says it tagged."""
    return set(re.findall(r"\btagged\s+article_id=(\S+)", worker.log()))


async def test_killing_one_of_two_tagger_workers_loses_no_article(broker, start_service):
    # The survivor first, then the victim: the victim only gets work by taking partitions over in a rebalance.
    survivor = start_service("worker", "tagger", **FAST_GROUPS)
    wait_http(survivor.web_port, "/readyz", proc=survivor, timeout_s=90)
    victim = start_service("worker", "tagger", **FAST_GROUPS)
    wait_http(victim.web_port, "/readyz", proc=victim, timeout_s=90)
    assert assigned(victim, TOPIC), f"the victim owns no partition of {TOPIC}:\n{victim.log()[-3000:]}"

    await send(broker.bootstrap, TOPIC, [(f"scale-{i}".encode(), encode(article(i))) for i in range(COUNT)])
    wanted = {f"scale-{i}".encode() for i in range(COUNT)}
    normalized = await collect(broker.bootstrap, [TOPIC], timeout_s=30, until=lambda s: len(s[TOPIC]) >= COUNT)
    partition_of = {m["key"].decode(): m["partition"] for m in normalized[TOPIC]}
    # Let the victim get going on its partitions, then kill it without warning.
    before = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=90,
                           until=lambda s: len(wanted & {m["key"] for m in s["articles.tagged"]}) >= 20
                           and len(tagged_by(victim)) >= 5)
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(timeout=10)
    owned = assigned(victim, TOPIC)  # what it held when it died (a slow machine may have rebalanced since it joined)
    assert owned, f"the victim owned no partition of {TOPIC} when it was killed:\n{victim.log()[-3000:]}"
    done_by_victim = tagged_by(victim)
    left = {a for a, p in partition_of.items() if p in owned} - done_by_victim
    assert done_by_victim and left, f"victim tagged {len(done_by_victim)} articles and had {len(left)} left when killed"

    seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=150,
                         until=lambda s: wanted <= {m["key"] for m in s["articles.tagged"]})
    tagged = [m for m in seen["articles.tagged"] if m["key"] in wanted]
    assert {m["key"] for m in tagged} == wanted
    assert survivor.alive()
    # What the victim had not done, the survivor did, once the victim's partitions were its own.
    assert owned <= assigned(survivor, TOPIC)
    assert left <= tagged_by(survivor), sorted(left - tagged_by(survivor))[:10]
    print(f"\nvictim owned {TOPIC} {sorted(owned)}, tagged {len(done_by_victim)} and left {len(left)} when killed "
          f"({len(before['articles.tagged'])} in articles.tagged by then); survivor tagged them; {COUNT} articles, "
          f"{len(tagged)} tagged messages ({len(tagged) - COUNT} re-processed after the kill)")
