"""One event that opened as two stories alerts once per rule, on the real broker.

Story X alerts; then X is merged into story Y, and Y's reports name X among their story's aliases
(``story_evidence.aliases``). Their matches visit ``rule:X`` first, on its own partition: X fired, so a report
of Y follows up on X's alert, naming X, instead of firing again under Y. Sent right behind the merging article,
with no wait between. A story that no merge touched still fires: the worker is not simply muted.

A count window that X's key was filling when X was merged is handed on with the match to ``rule:Y``: two
reports under X and one of Y make the three the rule asks for.
"""

from __future__ import annotations

import os

import pytest

from schemas.models import StoryEvidence
from services.alerter.dedupe import alert_id, dedupe_key
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.integration.test_alerter_worker import FAST, Receiver, article, hooked_rules, wait_for
from tests.support.kafka import send
from tests.support.metrics import metric, wait_until

pytestmark = pytest.mark.integration


def reported(source: str, n: int, story: str, merged=(), aliases=(), matching: bool = True):
    """Article ``m/n`` of ``story`` from ``source`` (or from one no rule watches), with the story stage's merge evidence."""
    evidence = StoryEvidence(decision="joined", score=0.7, threshold=0.3, merged=list(merged), aliases=list(aliases))
    return article(n, story).model_copy(update={
        "id": f"m/{n}", "source": source if matching else "elsewhere", "story_evidence": evidence})


async def test_a_merged_story_s_alert_is_followed_up_not_fired_again(broker, start_service, tmp_path) -> None:
    receiver = await Receiver().start()
    try:
        # A source of its own: articles other tests left unconsumed in the shared group cannot match.
        source = f"wire-{os.urandom(3).hex()}"
        rules = hooked_rules(tmp_path, receiver, f"  - id: nato-merged\n    query: entity:Q7184 AND source:{source}\n"
                             "    follow_up: true\n    cooldown: 1s\n    webhooks: [hook]\n")
        worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules), **FAST)
        x, y, z = (f"st-{os.urandom(4).hex()}" for _ in range(3))

        def report(n: int, story: str, merged: list[str] = (), aliases: list[str] = (), matching: bool = True):
            return reported(source, n, story, merged, aliases, matching)

        await send(broker.bootstrap, "articles.tagged", [(b"m/1", encode(report(1, x)))])
        await wait_for(lambda: len(receiver.delivered) >= 1, 120, lambda: f"X's alert; log:\n{worker.log()[-2000:]}")
        assert receiver.delivered[0] == alert_id(dedupe_key("nato-merged", x))
        # The article that merged X into Y (from a source the rule does not watch), and right behind it a report
        # of Y that matches: it follows up on X's alert once X's cooldown (1 s) has passed.
        await send(broker.bootstrap, "articles.tagged", [(b"m/2", encode(report(2, y, merged=[x], aliases=[x], matching=False))),
                                                         (b"m/3", encode(report(3, y, aliases=[x])))])
        await wait_for(lambda: len(receiver.delivered) >= 2, 60, lambda: f"Y's follow-up; log:\n{worker.log()[-3000:]}")
        follow_up = receiver.bodies[receiver.delivered[1]]
        assert follow_up["type"] == "alert.follow_up"
        assert (follow_up["data"]["story_id"], follow_up["data"]["dedupe_key"], follow_up["data"]["article_ids"],
                follow_up["data"]["continues"]) == (y, f"nato-merged:{x}", ["m/3"], [x])
        assert metric(worker.web_port, "wirewatch_alerter_routed_total", rule="nato-merged") == 1
        # A story no merge touched fires as ever.
        await send(broker.bootstrap, "articles.tagged", [(b"m/4", encode(report(4, z)))])
        await wait_for(lambda: len(receiver.delivered) >= 3, 60, lambda: f"Z's alert; log:\n{worker.log()[-3000:]}")
        assert receiver.delivered[2] == alert_id(dedupe_key("nato-merged", z))
        assert alert_id(dedupe_key("nato-merged", y)) not in receiver.delivered  # Y never fired: the event had
        assert metric(worker.web_port, "wirewatch_alerter_alerts_total", rule="nato-merged", kind="fired") == 2
        assert worker.alive()
    finally:
        await receiver.stop()


async def test_a_window_x_was_filling_counts_for_the_story_x_was_merged_into(broker, start_service, tmp_path) -> None:
    receiver = await Receiver().start()
    try:
        source = f"wire-{os.urandom(3).hex()}"
        rules = hooked_rules(tmp_path, receiver, f"  - id: nato-window\n    query: entity:Q7184 AND source:{source}\n"
                             "    window: {count: 3, within: 1h}\n    webhooks: [hook]\n")
        worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules), **FAST)
        wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
        x, y = (f"st-{os.urandom(4).hex()}" for _ in range(2))
        await send(broker.bootstrap, "articles.tagged", [(b"m/1", encode(reported(source, 1, x))),
                                                         (b"m/2", encode(reported(source, 2, x)))])
        # Both counted under X (window 1/3, 2/3), nothing sent.
        await wait_until(lambda: metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule="nato-window") == 2,
                         90, "X's two reports counted")
        # X merged into Y, then one report of Y: the third of the window.
        await send(broker.bootstrap, "articles.tagged", [
            (b"m/3", encode(reported(source, 3, y, merged=[x], aliases=[x], matching=False))),
            (b"m/4", encode(reported(source, 4, y, aliases=[x])))])
        await wait_for(lambda: len(receiver.delivered) >= 1, 60, lambda: f"Y's alert; log:\n{worker.log()[-3000:]}")
        fired = receiver.bodies[receiver.delivered[0]]
        assert receiver.delivered[0] == alert_id(dedupe_key("nato-window", y))
        assert (fired["type"], sorted(fired["data"]["article_ids"]), fired["data"]["window"]["articles"]) == (
            "alert.fired", ["m/1", "m/2", "m/4"], 3)
        assert worker.alive()
    finally:
        await receiver.stop()
