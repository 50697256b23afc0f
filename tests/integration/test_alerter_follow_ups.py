"""A follow-up that waits for its cooldown goes out on time with no new article, copies of the alerted report
send none, and a burst rule follows up on its story once the entity no longer bursts, on the real broker."""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from collections import Counter

import pytest

from schemas.models import StoryEvidence
from services.runtime.codec import encode
from tests.integration.test_alerter_worker import FAST, Receiver, article, hooked_rules, wait_for
from tests.support.buckets import bucket_with_room
from tests.support.kafka import collect, send
from tests.support.metrics import metric, wait_until

pytestmark = pytest.mark.integration

COOLDOWN_S = 4
FOLLOW_UPS_CHANGELOG = "wirewatch-alerter-alerter-follow-ups-changelog"
GREEK = "Απεσταλμένος του ΝΑΤΟ στο Κίεβο"


async def first_alert(broker, start_service, tmp_path, receiver: Receiver, rule: str, policy: str = "",
                      cooldown_s: float = COOLDOWN_S):
    """An alerter whose rule ``rule`` follows up after ``cooldown_s`` (with ``policy``'s lines added to the rule), and
    the first alert of a story of its own: the worker, the story's article ``n`` and the story's id."""
    # A source of its own: articles other tests left unconsumed in the shared group cannot match.
    source = f"wire-{os.urandom(3).hex()}"
    rules = hooked_rules(tmp_path, receiver, f"  - id: {rule}\n    query: entity:Q7184 AND source:{source}\n"
                         f"    follow_up: true\n    cooldown: {cooldown_s:g}s\n    webhooks: [hook]\n{policy}")
    worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules), **FAST)
    story = f"st-{os.urandom(4).hex()}"

    def story_article(n: int):
        return article(n, story).model_copy(update={"source": source})

    await send(broker.bootstrap, "articles.tagged", [(f"{rule}/1".encode(), encode(story_article(1)))])
    await wait_for(lambda: len(receiver.delivered) >= 1, 120, lambda: f"the first alert; log:\n{worker.log()[-2000:]}")
    return worker, story_article, story


async def test_pending_follow_up_is_sent_after_its_cooldown_without_a_new_article(broker, start_service, tmp_path) -> None:
    receiver = await Receiver().start()
    try:
        worker, story_article, story = await first_alert(broker, start_service, tmp_path, receiver, "nato-follow")
        fired_at = receiver.arrived[receiver.delivered[0]]
        # Two more articles of the story within the cooldown, then nothing: they wait to be grouped.
        # The later one in Greek, which no translator reads: its title heads the follow-up, untranslated.
        greek = story_article(3).model_copy(update={"language": "el", "title": GREEK, "original_title": GREEK})
        await send(broker.bootstrap, "articles.tagged", [(b"f/2", encode(story_article(2))), (b"f/3", encode(greek))])
        await wait_for(lambda: len(receiver.delivered) >= 2, COOLDOWN_S + 30,
                       lambda: f"the follow-up without a new article; log:\n{worker.log()[-3000:]}")
        follow_up_id = receiver.delivered[1]
        late = receiver.arrived[follow_up_id] - fired_at
        event = receiver.bodies[follow_up_id]
        assert event["type"] == "alert.follow_up" and event["data"]["article_ids"] == ["wire/2", "wire/3"]
        # The signed bodies say which language each title is in.
        first = receiver.bodies[receiver.delivered[0]]["data"]
        assert (first["title_language"], event["data"]["title"], event["data"]["title_language"]) == ("en", GREEK, "el")
        assert COOLDOWN_S - 0.5 <= late <= COOLDOWN_S + 6, f"follow-up {late:.1f}s after the alert"
        # Once nothing waits for the key any more (its entry in alerter-follow-ups deleted), no tick can send
        # another follow-up: the worker counts by then every alert it wrote for the rule.
        key = f"nato-follow:{story}".encode()
        await collect(broker.bootstrap, [FOLLOW_UPS_CHANGELOG], timeout_s=30, until=lambda s: any(
            key in (m["key"] or b"") and m["raw"] is None for m in s[FOLLOW_UPS_CHANGELOG]))
        assert metric(worker.web_port, "wirewatch_alerter_alerts_total", rule="nato-follow", kind="fired") == 1
        assert metric(worker.web_port, "wirewatch_alerter_alerts_total", rule="nato-follow") == 2  # and one follow-up
        assert Counter(receiver.delivered) == {receiver.delivered[0]: 1, follow_up_id: 1}
        # Articles 2 and 3 were held back; the tick that flushed them is not a suppressed match.
        assert metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule="nato-follow") == 2
    finally:
        await receiver.stop()


# A cooldown to wait out, not to send within: no longer than it needs to be.
COPIES_COOLDOWN_S = 1

# The same through an entity burst's detour (alerter.bursts, where a burst that fires on the first match of every second
# sends it on to dedupe): the copy's header must survive the detour.
EVERY_MATCH_BURSTS = "    burst: {entity: Q7184, bucket: 1s, warmup: 0, min_count: 1, ratio: 0, z: 0}\n"


@pytest.mark.parametrize("policy", ["", EVERY_MATCH_BURSTS], ids=["plain", "burst-detour"])
async def test_copies_of_the_alerted_report_send_no_follow_up_and_go_with_the_next_new_report(
        broker, start_service, tmp_path, policy) -> None:
    receiver = await Receiver().start()
    try:
        worker, story_article, _ = await first_alert(broker, start_service, tmp_path, receiver, "nato-copies", policy,
                                                     COPIES_COOLDOWN_S)
        # Past the cooldown, where a new article's follow-up goes out on arrival: the wire story republished
        # word for word (the story stage's near-duplicate join) brings nothing new, and is only counted.
        await asyncio.sleep(COPIES_COOLDOWN_S + 0.5)
        republished = story_article(2).model_copy(update={"story_evidence": StoryEvidence(
            decision="joined", score=1.0, threshold=0.95, rule="near-duplicate", copy_of="wire/1")})
        await send(broker.bootstrap, "articles.tagged", [(b"c/2", encode(republished))])
        await wait_until(lambda: metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule="nato-copies") == 1,
                         60, "the copy held back as a suppressed match")
        # A new report: its follow-up goes out at once, headed by it, with the copy since the last alert. (Through the
        # burst, a second on: in its next bucket, where it bursts again.)
        if policy:
            await asyncio.sleep(1.1)
        news = story_article(3).model_copy(update={"title": "NATO envoy 3 meets Zelensky in Kyiv"})
        await send(broker.bootstrap, "articles.tagged", [(b"c/3", encode(news))])
        await wait_for(lambda: len(receiver.delivered) >= 2, 60, lambda: f"the follow-up; log:\n{worker.log()[-3000:]}")
        event = receiver.bodies[receiver.delivered[1]]
        assert event["type"] == "alert.follow_up" and event["data"]["article_ids"] == ["wire/2", "wire/3"]
        assert event["data"]["title"] == "NATO envoy 3 meets Zelensky in Kyiv"
        assert metric(worker.web_port, "wirewatch_alerter_alerts_total", rule="nato-copies") == 2
        assert len(set(receiver.delivered)) == 2
    finally:
        await receiver.stop()


def first_match_bursts(bucket_s: int) -> str:
    """A burst that fires on the entity's first match of each bucket: the story's later reports in it do not burst."""
    return f"    burst: {{entity: Q7184, bucket: {bucket_s}s, warmup: 0, min_count: 1, ratio: 0, z: 0}}\n"


async def test_a_burst_rule_follows_up_on_its_story_while_the_entity_no_longer_bursts(broker, start_service, tmp_path) -> None:
    # An hour or so, with room for the whole test (every wait's timeout) left in the bucket it starts in.
    hourly = first_match_bursts(bucket_with_room(300, shortest_s=3600))
    receiver = await Receiver().start()
    try:
        rule = f"nato-surge-{os.urandom(3).hex()}"  # an entity key of its own, with no baseline to warm up from
        worker, story_article, story = await first_alert(broker, start_service, tmp_path, receiver, rule, hourly)
        fired = receiver.bodies[receiver.delivered[0]]
        assert fired["type"] == "alert.fired" and fired["data"]["burst"]["key"] == "entity:Q7184"
        # The first report of another story: the entity already burst in this bucket, so it makes no alert, and is
        # counted once as suppressed.
        other = article(5, f"st-{os.urandom(4).hex()}").model_copy(update={"source": story_article(1).source})
        await send(broker.bootstrap, "articles.tagged", [(b"b/5", encode(other))])
        await wait_until(lambda: metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule=rule) == 1, 60,
                         "the other story's match suppressed")
        assert f"{rule}:{other.story_id}" in worker.log() and "no burst of Q7184" in worker.log()
        # A later report of the alerted story does not burst either, yet is its follow-up, sent once the cooldown since
        # the alert has passed (by the flush's tick if it came within it).
        await send(broker.bootstrap, "articles.tagged", [(b"b/2", encode(story_article(2)))])
        await wait_for(lambda: len(receiver.delivered) >= 2, COOLDOWN_S + 60,
                       lambda: f"the follow-up of the alerted story; log:\n{worker.log()[-3000:]}")
        event = receiver.bodies[receiver.delivered[1]]
        assert event["type"] == "alert.follow_up" and event["data"]["story_id"] == story
        assert event["data"]["article_ids"] == ["wire/2"] and event["data"]["burst"] is None
        sent_after = datetime.fromisoformat(event["data"]["fired_at"]) - datetime.fromisoformat(fired["data"]["fired_at"])
        assert sent_after.total_seconds() >= COOLDOWN_S
        assert metric(worker.web_port, "wirewatch_alerter_alerts_total", rule=rule, kind="fired") == 1
        assert len(set(receiver.delivered)) == 2
    finally:
        await receiver.stop()
