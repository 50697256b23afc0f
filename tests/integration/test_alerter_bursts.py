"""Entity bursts on the real broker: a quiet baseline, a restart that keeps it, then a jump that alerts once."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from datetime import datetime, timezone

import orjson
import pytest

from schemas import Alert
from services.alerter.dedupe import alert_id, dedupe_key
from services.alerter.window import bucket_start
from services.runtime.codec import encode
from tests.integration.test_alerter_worker import FAST, IN_ORDER, Receiver, article, hooked_rules, wait_for
from tests.support.buckets import bucket_with_room
from tests.support.kafka import collect, send
from tests.support.metrics import metric

pytestmark = pytest.mark.integration

RULE = "nato-surge"
SENTINEL = "sentinel"
# The bucket of a test's rules: from the baseline's last bucket to the jump's alert, the test stays in one (a restart and
# every wait's timeout fit in the room), so the jump is counted together, whatever the time of day the test runs.
ROOM_S = 600
SHORTEST_BUCKET_S = 1200
CHANGELOG = "wirewatch-alerter-alerter-bursts-changelog"


def earlier_match(n: int, at: float) -> Alert:
    """A match of the burst rule as the match agent sends it to alerter.bursts, stamped ``at`` (seconds): the baseline's past."""
    story = f"quiet-{n}-{os.urandom(3).hex()}"
    key = dedupe_key(RULE, story)
    return Alert(id=alert_id(key), rule_id=RULE, story_id=story, article_ids=[f"quiet/{story}"], dedupe_key=key,
                 fired_at=datetime.fromtimestamp(at, timezone.utc), summary=f"{RULE}: quiet {n}", matched=["entity:Q7184"],
                 sources=["wire"])


def burst_states(seen: dict[str, list[dict]], key: bytes) -> list[dict]:
    states = []
    for m in seen[CHANGELOG]:
        value = m["value"]
        if m["key"] is not None and key.decode() in m["key"].decode() and value:
            states.append(orjson.loads(value) if isinstance(value, str) else value)
    return states


async def ready(worker, what: str, timeout_s: float = 90) -> None:
    """Until the worker's /readyz says it has its partitions (the table recovered), so articles are stamped now."""
    import aiohttp

    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"http://127.0.0.1:{worker.web_port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def burst_rules(tmp_path, receiver: Receiver, rule: str, entity: str, source: str, bucket_s: int):
    """Rule ``rule``: a burst of ``entity`` in matches of ``source`` over buckets of ``bucket_s``, after a warm-up of three
    buckets; and the sentinel's rule, a burst rule too (the same path through alerter.bursts), firing on its first
    article."""
    return hooked_rules(
        tmp_path, receiver,
        f"  - id: {rule}\n    query: entity:Q7184 AND source:{source}\n"
        f"    burst: {{entity: {entity}, bucket: {bucket_s}s, warmup: 3, min_count: 3, ratio: 3, z: 3}}\n"
        "    webhooks: [hook]\n"
        f"  - id: {SENTINEL}\n    query: source:{source}-sentinel\n"
        f"    burst: {{entity: Q7184, bucket: {bucket_s}s, warmup: 0, min_count: 1, ratio: 0, z: 0}}\n"
        "    webhooks: [hook]\n"
    )


def quiet_baseline(rule: str, bucket_s: int) -> list[Alert]:
    """A quiet baseline: one match in each of the five buckets before this one."""
    current = bucket_start(time.time(), bucket_s)
    return [earlier_match(n, current - (5 - n) * bucket_s + 1).model_copy(update={"rule_id": rule}) for n in range(5)]


async def jump_then_sentinel(broker, worker, receiver, source: str, *, first: int) -> tuple[list[str], list, str]:
    """Six matching articles of ``source``, in the bucket after the quiet baseline's (ROOM_S), then the sentinel's; back
    once the sentinel alerted.

    One partition, one delivery at a time: the sentinel's alert comes after any the jump caused. Gives the jump's
    stories, its articles and the sentinel alert's id."""
    stories = [f"st-{os.urandom(4).hex()}" for _ in range(6)]
    jump = [article(first + i, s).model_copy(update={"source": source}) for i, s in enumerate(stories)]
    sentinel = article(first + 100, f"st-{os.urandom(4).hex()}").model_copy(update={"source": f"{source}-sentinel"})
    sentinel_id = alert_id(dedupe_key(SENTINEL, sentinel.story_id))
    await send(broker.bootstrap, "articles.tagged", [(a.id.encode(), encode(a)) for a in jump + [sentinel]])
    await wait_for(lambda: sentinel_id in receiver.delivered, 120, lambda: f"the sentinel's alert; log:\n{worker.log()[-3000:]}")
    return stories, jump, sentinel_id


async def test_entity_burst_alerts_once_after_a_quiet_baseline_that_survives_a_restart(broker, start_service, tmp_path) -> None:
    receiver = await Receiver().start()
    try:
        # A source of its own: articles other tests left unconsumed in the shared group cannot match.
        source = f"wire-{os.urandom(3).hex()}"
        bucket_s = bucket_with_room(ROOM_S, shortest_s=SHORTEST_BUCKET_S)
        rules = burst_rules(tmp_path, receiver, RULE, "Q7184", source, bucket_s)
        env = dict(FAST, WIREWATCH_ALERTER__RULES=str(rules), **IN_ORDER)
        first = start_service("worker", "alerter", **env)
        # Ready first: the worker creates alerter.bursts with one partition (IN_ORDER). Sent to before that, the
        # broker would auto-create it with its own default of four, and the sentinel's key (another rule) could land
        # on another partition than the surge's and be handled first (seen in CI under load).
        await ready(first, f"the first worker; log:\n{first.log()[-2000:]}")
        quiet = quiet_baseline(RULE, bucket_s)
        key = f"{RULE}:Q7184".encode()
        await send(broker.bootstrap, "alerter.bursts", [(key, encode(m)) for m in quiet])
        last_id = quiet[-1].article_ids[0]
        seen = await collect(broker.bootstrap, [CHANGELOG], timeout_s=120, until=lambda s: any(
            last_id in st.get("ids", []) for st in burst_states(s, key)))
        baseline = [st for st in burst_states(seen, key) if last_id in st.get("ids", [])][-1]
        assert baseline["closed"] == 4 and baseline["mean"] > 0 and not receiver.requests  # quiet: nothing fired

        first.proc.kill()  # the baseline now lives only in the table's changelog
        first.proc.wait()
        second = start_service("worker", "alerter", **env)
        await ready(second, f"the restarted worker; log:\n{second.log()[-2000:]}")
        stories, jump, sentinel_id = await jump_then_sentinel(broker, second, receiver, source, first=100)
        surge = [e for e in receiver.events if e["data"]["rule_id"] == RULE]
        assert len(surge) == 1, [e["data"]["story_id"] for e in surge]
        assert Counter(receiver.delivered) == {surge[0]["data"]["id"]: 1, sentinel_id: 1}

        [event] = surge
        burst = event["data"]["burst"]
        assert event["type"] == "alert.fired" and event["data"]["rule_id"] == RULE
        assert event["data"]["story_id"] in stories
        assert burst["key"] == "entity:Q7184" and burst["bucket_s"] == bucket_s
        # Without the recovered baseline the new worker would still be warming up and stay silent.
        assert burst["count"] >= 3 and 0 < burst["baseline"] < 1 and burst["zscore"] >= 3
        assert any(m.startswith("burst:Q7184 ") for m in event["data"]["matched"])
        # Every other match of the jump made no alert, and is counted as a window not met is (it was not counted at
        # all). At least: the quiet matches the killed worker had not committed are consumed again, and count too.
        assert metric(second.web_port, "wirewatch_alerts_suppressed_total", rule=RULE) >= len(jump) - 1
    finally:
        await receiver.stop()


@pytest.mark.parametrize("written, stored", [
    # The rule names NATO by another alias than before: the baseline is the entity's (Q7184), not the name's.
    ("OTAN", "Q7184"),
    # A baseline stored before bursts were keyed by the entity (under the name as written) is still read.
    ("NATO", "NATO"),
])
async def test_an_entity_burst_keeps_its_baseline_whatever_name_the_rule_gives_the_entity(
        broker, start_service, tmp_path, written: str, stored: str) -> None:
    receiver = await Receiver().start()
    try:
        rule = f"named-{os.urandom(3).hex()}"
        source = f"wire-{os.urandom(3).hex()}"
        bucket_s = bucket_with_room(ROOM_S, shortest_s=SHORTEST_BUCKET_S)
        rules = burst_rules(tmp_path, receiver, rule, written, source, bucket_s)
        worker = start_service("worker", "alerter", **dict(FAST, WIREWATCH_ALERTER__RULES=str(rules), **IN_ORDER))
        await ready(worker, f"the worker; log:\n{worker.log()[-2000:]}")
        quiet = quiet_baseline(rule, bucket_s)
        key = f"{rule}:{stored}".encode()
        await send(broker.bootstrap, "alerter.bursts", [(key, encode(m)) for m in quiet])
        last_id = quiet[-1].article_ids[0]
        await collect(broker.bootstrap, [CHANGELOG], timeout_s=120, until=lambda s: any(
            last_id in st.get("ids", []) for st in burst_states(s, key)))
        await jump_then_sentinel(broker, worker, receiver, source, first=300)
        # Had the jump been counted under a key of its own, it would still be warming up and stay silent.
        surge = [e for e in receiver.events if e["data"]["rule_id"] == rule]
        assert len(surge) == 1, worker.log()[-3000:]
        burst = surge[0]["data"]["burst"]
        assert burst["key"] == "entity:Q7184" and 0 < burst["baseline"] < 1
        assert any(m.startswith("burst:Q7184 ") for m in surge[0]["data"]["matched"])
    finally:
        await receiver.stop()
