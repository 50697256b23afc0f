"""Two tagger workers share the partitions; one is killed mid-stream; every article still comes out tagged,
counted stage by stage (tagger: articles.normalized -> tagger.stories, tagger-stories: -> articles.tagged).

Each worker's own log says which partitions it was given (Faust's assignment table) and which articles
it tagged, so the test can tell a real failover (the killed worker owned partitions and had articles
left on them, which the survivor then tagged) from a run where the kill changed nothing.
"""

from __future__ import annotations

import re
import signal
import urllib.error
import urllib.request
from collections import Counter
from datetime import datetime, timezone

import pytest

from schemas import NormalizedArticle
from services.runtime.codec import encode
from tests.conftest import ServiceProcess, wait_http
from tests.support.accounting import account, dead_letter_ids, ids_by_key, ids_by_value
from tests.support.kafka import collect, send, snapshot
from tests.support.metrics import metric

pytestmark = pytest.mark.integration

COUNT = 400
TOPIC = "articles.normalized"
# A dead member is noticed sooner, and the embedded broker waits about half the rebalance timeout as a group forms.
FAST_GROUPS = dict(WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6",
                   # A survivor whose consumption stalls after the failover rejoins on its own within the test's wait
                   # (services/runtime/recovery.py); the test prints whether it had to.
                   WIREWATCH_STALL_AFTER_S="30")


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

    try:
        await collect(broker.bootstrap, ["articles.tagged"], timeout_s=150,
                      until=lambda s: wanted <= {m["key"] for m in s["articles.tagged"]})
    except AssertionError:
        pass  # the accounting below says at which stage what is missing went missing
    # Every record counted, stage by stage: in = out + dead letters (+ duplicates, counted).
    seen = await snapshot(broker.bootstrap, ["tagger.stories", "articles.tagged", f"{TOPIC}.dlq", "tagger.stories.dlq"])
    ours = {k.decode() for k in wanted}

    def only_ours(found: Counter) -> Counter:
        return Counter({k: n for k, n in found.items() if k in ours})

    stories = only_ours(ids_by_value((m["key"], m["raw"]) for m in seen["tagger.stories"]))
    tagged_ids = only_ours(ids_by_key((m["key"], m["raw"]) for m in seen["articles.tagged"]))
    stages = [
        account("tagger", Counter(ours), stories,
                only_ours(dead_letter_ids(((m["key"], m["raw"]) for m in seen[f"{TOPIC}.dlq"]), TOPIC))),
        account("tagger-stories", stories, tagged_ids,
                only_ours(dead_letter_ids(((m["key"], m["raw"]) for m in seen["tagger.stories.dlq"]), "tagger.stories"))),
    ]
    books = "\n".join(str(a) for a in stages)
    assert all(a.balanced for a in stages), (
        f"{books}\nmissing e.g. {[sorted(a.missing)[:8] for a in stages]}\nsurvivor: {readyz(survivor)}\n"
        f"{survivor.log()[-4000:]}")
    assert all(a.dead == 0 for a in stages), books  # nothing here is bad input
    assert set(tagged_ids) == ours
    assert survivor.alive()
    # What the victim had not done, the survivor did, once the victim's partitions were its own.
    assert owned <= assigned(survivor, TOPIC)
    assert left <= tagged_by(survivor), sorted(left - tagged_by(survivor))[:10]
    print(f"\nvictim owned {TOPIC} {sorted(owned)}, tagged {len(done_by_victim)} and left {len(left)} when killed "
          f"({len(before['articles.tagged'])} in articles.tagged by then); survivor tagged them; {COUNT} articles; "
          f"survivor rejoined on its own {metric(survivor.web_port, 'wirewatch_consumer_rejoins_total'):.0f} times\n{books}")


def readyz(worker: ServiceProcess) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{worker.web_port}/readyz", timeout=5) as resp:
            return resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()
    except OSError as exc:
        return f"no answer: {exc}"
