"""Stories outlive their worker: after a restart, the next report of an event joins the story opened before it, also
when the memory-only broker restarted (and lost the stories' changelog) while the worker was down."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from schemas import TaggedArticle
from services.runtime.broker import free_port
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.integration.test_alerter_worker import Receiver, rules_file, wait_for
from tests.integration.test_broker_restart_tables import FAST_REJOIN, story_of
from tests.e2e.test_stories import BRUSSELS_EN, WARSAW_EN, WARSAW_MT, normalized
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration


async def test_a_restarted_tagger_keeps_its_stories(broker, start_service):
    now = datetime.now(timezone.utc)
    run = uuid.uuid4().hex[:6]
    first = normalized(f"restart-{run}-en", *WARSAW_EN, translated=False, now=now)
    later = normalized(f"restart-{run}-mt", *WARSAW_MT, translated=True, now=now)
    other = normalized(f"restart-{run}-bru", *BRUSSELS_EN, translated=False, now=now)

    worker = start_service("worker", "tagger")
    await send(broker.bootstrap, "articles.normalized", [(first.id.encode(), encode(first))])
    seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=90,
                         until=lambda s: any(m["key"] == first.id.encode() for m in s["articles.tagged"]))
    story = next(m["value"]["story_id"] for m in seen["articles.tagged"] if m["key"] == first.id.encode())
    wait_http(worker.web_port, "/readyz", proc=worker)  # committed and settled before it goes
    worker.stop()

    again = start_service("worker", "tagger")
    await send(broker.bootstrap, "articles.normalized", [(a.id.encode(), encode(a)) for a in (later, other)])
    # Generous: a worker held up past the drain guard (docs/accounting.md) is rejoined by its watchdog, after 30 s
    # when no fetch of a partition was answered (never_fed), after WIREWATCH_STALL_AFTER_S (120 s) when a fetched
    # partition does not move.
    seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=240,
                         until=lambda s: {later.id.encode(), other.id.encode()} <= {m["key"] for m in s["articles.tagged"]})
    stories = {m["key"]: m["value"]["story_id"] for m in seen["articles.tagged"]}
    assert stories[later.id.encode()] == story, "the translated report joins the story the first worker opened"
    joined = next(TaggedArticle.model_validate(m["value"]) for m in seen["articles.tagged"] if m["key"] == later.id.encode())
    # The story's embeddings came back with the table: the comparison after the restart still had them.
    assert joined.story_evidence.embedding_similarity is not None and joined.story_size == 2
    assert stories[other.id.encode()] != story, "another event with the same actors is another story"
    assert again.alive()



async def test_a_broker_restart_while_the_workers_are_down_neither_splits_a_story_nor_alerts_again(
        broker, start_service, tmp_path):
    now = datetime.now(timezone.utc)
    run = uuid.uuid4().hex[:6]
    first = normalized(f"down-{run}-en", *WARSAW_EN, translated=False, now=now)
    later = normalized(f"down-{run}-mt", *WARSAW_MT, translated=True, now=now)
    other = normalized(f"down-{run}-bru", *BRUSSELS_EN, translated=False, now=now)
    receiver = await Receiver().start()
    # One partition everywhere and one delivery at a time: alerts arrive in the order their reports were sent.
    env = dict(FAST_REJOIN, WIREWATCH_PARTITIONS="1", WIREWATCH_ALERTER__DELIVERY_CONCURRENCY="1",
               WIREWATCH_ALERTER__RULES=str(rules_file(tmp_path, {"hook": receiver})))

    # Each worker comes back as itself: with its web port, hence its table directory (WIREWATCH_TABLE_DIR).
    tagger_env, alerter_env = dict(env, WIREWATCH_WEB_PORT=str(free_port())), dict(env, WIREWATCH_WEB_PORT=str(free_port()))

    def alerted(story: str) -> list[dict]:
        return [e for e in receiver.events if e["data"]["story_id"] == story]

    try:
        tagger, alerter = start_service("worker", "tagger", **tagger_env), start_service("worker", "alerter", **alerter_env)
        await send(broker.bootstrap, "articles.normalized", [(first.id.encode(), encode(first))])
        story = await story_of(broker.bootstrap, first.id, tagger)
        await wait_for(lambda: alerted(story), 120, lambda: f"the first alert; alerter log:\n{alerter.log()[-2000:]}")
        for worker in (tagger, alerter):
            wait_http(worker.web_port, "/readyz", proc=worker)
            worker.stop()
        # The broker keeps nothing across its restart: the tables' changelogs, the topics and the groups' offsets are
        # gone, and the only copy of the stories and of the alerts fired is what the workers left on disk.
        broker.stop()
        broker.start()

        tagger, alerter = start_service("worker", "tagger", **tagger_env), start_service("worker", "alerter", **alerter_env)
        for worker in (tagger, alerter):
            wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=120)
        await send(broker.bootstrap, "articles.normalized", [(a.id.encode(), encode(a)) for a in (later, other)])
        assert await story_of(broker.bootstrap, later.id, tagger, timeout_s=180) == story, \
            "the report after the broker restart joins the story opened before it, not a new one"
        new_story = await story_of(broker.bootstrap, other.id, tagger)
        assert new_story != story, "another event is still another story"
        # The other event's alert comes after anything the joined report could have caused.
        await wait_for(lambda: alerted(new_story), 120, lambda: f"the other alert; alerter log:\n{alerter.log()[-2000:]}")
        assert len(alerted(story)) == 1, "the story alerted before the broker restart does not alert again"
        for worker in (tagger, alerter):
            log = worker.log()
            assert "ConsistencyError" not in log and "We experienced a crash" not in log
            assert worker.alive(), log[-3000:]
    finally:
        await receiver.stop()
