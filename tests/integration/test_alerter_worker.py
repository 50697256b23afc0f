"""The alerter worker on the real broker with real receivers: retries, 429, 410, and a restart mid-retry."""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from schemas import Entity, TaggedArticle
from services.alerter.dedupe import alert_id, dedupe_key
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.support.kafka import collect, send
from tests.support.metrics import metric, wait_until

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")
# One partition per topic and one alert delivered at a time: messages are handled in the order they were sent,
# so a sentinel sent after the messages under test comes out after everything they caused.
IN_ORDER = dict(WIREWATCH_PARTITIONS="1", WIREWATCH_ALERTER__DELIVERY_CONCURRENCY="1")
FIRED_CHANGELOG = "wirewatch-alerter-alerter-fired-changelog"
FAST = dict(
    WIREWATCH_ALERTER__DELIVERY_BACKOFF_S="0.2", WIREWATCH_ALERTER__DELIVERY_BACKOFF_MAX_S="1.0",
    WIREWATCH_ALERTER__DELIVERY_TIMEOUT_S="10", WIREWATCH_SESSION_TIMEOUT_S="6", WIREWATCH_REBALANCE_TIMEOUT_S="6",
)


class Receiver:
    """Answers per webhook-id: ``fail`` first attempts with ``status`` (and headers), then 204; records verified ids."""

    def __init__(self, status: int = 503, fail: int = 0, headers: dict | None = None) -> None:
        self.status, self.fail, self.headers = status, fail, headers or {}
        self.attempts: dict[str, int] = {}
        self.delivered: list[str] = []  # webhook-ids answered 2xx, duplicates included
        self.requests = 0
        self.events: list[dict] = []  # every request's body (the webhook event), in arrival order
        self.bodies: dict[str, dict] = {}  # webhook-id → the body of its latest request
        self.arrived: dict[str, float] = {}  # webhook-id → when its first request arrived (time.monotonic())
        self.failing = True  # stop_failing() to answer 204 from then on
        self.stopped_at: int | None = None  # when stop_failing() was called, in webhook-timestamp seconds
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        Webhook(SECRET).verify(body, dict(request.headers))  # raises (500) on a bad signature: the test would see it
        msg_id = request.headers["webhook-id"]
        self.arrived.setdefault(msg_id, time.monotonic())
        self.events.append(orjson.loads(body))
        self.bodies[msg_id] = self.events[-1]
        signed_before_stop = self.stopped_at is not None and int(request.headers["webhook-timestamp"]) <= self.stopped_at
        self.requests += 1
        self.attempts[msg_id] = self.attempts.get(msg_id, 0) + 1
        if (self.failing or signed_before_stop) and self.attempts[msg_id] <= self.fail:
            return web.Response(status=self.status, headers=self.headers)
        self.delivered.append(msg_id)
        return web.Response(status=204)

    def stop_failing(self) -> None:
        """Answer 204 from now on to requests signed from the next second on: a request of a killed sender that was
        still on its way (signed before) is answered as before, not counted as a delivery (its sender never learnt
        of it). A worker started now takes seconds to sign its first request. (Not told by the client's address: a
        new connection may get the port of a killed one.)"""
        self.stopped_at = int(time.time())
        self.failing = False

    async def start(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def article(n: int, story: str) -> TaggedArticle:
    title = f"NATO envoy {n} visits Kyiv"
    return TaggedArticle(
        id=f"wire/{n}", source="wire", fetched_at=datetime.now(timezone.utc), language="en", language_confidence=0.9,
        original_title=title, original_body="Talks.", title=title, body="Talks.", story_id=story,
        entities=[Entity(text="NATO", type="ORG", field="title", start=0, end=4, canonical_id="Q7184", canonical_name="NATO")],
    )


def hooked_rules(tmp_path: Path, receiver: Receiver, rules: str) -> Path:
    """A rules file whose rules (YAML, the list items under ``rules:``) alert ``receiver``'s webhook ``hook``."""
    path = tmp_path / "rules.yaml"
    path.write_text(f"webhooks:\n  hook:\n    url: {receiver.url}\n    secret: {SECRET}\nrules:\n{rules}")
    return path


def rules_file(tmp_path: Path, hooks: dict[str, Receiver], extra: dict[str, str] | None = None) -> Path:
    lines = ["webhooks:"]
    for name, r in hooks.items():
        lines += [f"  {name}:", f"    url: {r.url}", f"    secret: {SECRET}", f"    {(extra or {}).get(name, 'timeout_s: 10')}"]
    lines += ["rules:", "  - id: nato", "    query: entity:Q7184", f"    webhooks: [{', '.join(hooks)}]"]
    path = tmp_path / "rules.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


async def wait_for(cond, timeout_s: float, what) -> None:
    """Until ``cond()`` holds; ``what`` says what was awaited (a callable is asked only on timeout: a log then)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        await asyncio.sleep(0.2)


def sentinel() -> tuple[TaggedArticle, str]:
    """An article of a story of its own, sent after the ones under test, and the webhook-id its alert will carry."""
    story = f"sentinel-{os.urandom(4).hex()}"
    return article(99, story), alert_id(dedupe_key("nato", story))


async def test_every_alert_reaches_each_receiver_once_despite_failures_429_and_410(broker, start_service, tmp_path) -> None:
    flaky = await Receiver(status=503, fail=2).start()
    limited = await Receiver(status=429, fail=1, headers={"Retry-After": "1"}).start()
    gone = await Receiver(status=410, fail=10**6).start()
    try:
        rules = rules_file(tmp_path, {"flaky": flaky, "limited": limited, "gone": gone}, {"gone": "concurrency: 1"})
        worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules), **FAST, **IN_ORDER)
        wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
        stories = [f"st-{os.urandom(4).hex()}" for _ in range(3)]
        articles = [article(i, s) for i, s in enumerate(stories)] + [article(9, stories[0])]  # a second article of story 0
        last, last_id = sentinel()
        await send(broker.bootstrap, "articles.tagged", [(a.id.encode(), encode(a)) for a in articles + [last]])
        # One partition and one delivery at a time: once the sentinel's alert is through, so is everything before it.
        await wait_for(lambda: last_id in flaky.delivered and last_id in limited.delivered, 120,
                       lambda: f"deliveries; worker log:\n{worker.log()[-2000:]}")
        seen = await collect(broker.bootstrap, ["alerts", "alerts.dlq"], until=lambda s: sum(
            1 for m in s["alerts.dlq"] if m["value"] and "'gone'" in m["value"]["reason"]) >= 4, timeout_s=60)
        ours = {m["value"]["id"] for m in seen["alerts"] if m["value"]["story_id"] in stories}
        assert len(ours) == 3  # one alert per story: the second article of story 0 made none
        assert metric(worker.web_port, "wirewatch_alerts_suppressed_total", rule="nato") == 1  # it was seen, and suppressed
        once = dict.fromkeys(ours | {last_id}, 1)
        assert Counter(flaky.delivered) == once and Counter(limited.delivered) == once
        assert all(n == 3 for n in flaky.attempts.values())  # two 503s, then the retry that worked
        assert gone.requests == 1  # the 410 disabled the endpoint; the others went straight to the dead letters
        reasons = sorted(m["value"]["reason"] for m in seen["alerts.dlq"] if m["value"] and "'gone'" in m["value"]["reason"])
        disabled = [r for r in reasons if ": endpoint disabled (" in r]
        assert len(disabled) == 3 and [r for r in reasons if r not in disabled][0].count("HTTP 410 Gone") == 1
        assert metric(worker.web_port, "wirewatch_webhook_deliveries_total", endpoint="gone", outcome="disabled") == 4
        # Every stage counts what it finished (the dead-letter share that pages divides by it): 5 articles matched,
        # 5 candidates decided (one suppressed), 4 alerts delivered.
        assert metric(worker.web_port, "wirewatch_messages_processed_total", stage="alerter") >= 5
        assert metric(worker.web_port, "wirewatch_messages_processed_total", stage="alerter-dedupe") >= 5
        assert metric(worker.web_port, "wirewatch_messages_processed_total", stage="alerter-delivery") >= 4
    finally:
        for r in (flaky, limited, gone):
            await r.stop()


async def alerter_fired_for(broker, start_service, tmp_path, receiver: Receiver, stories: list[str]):
    """A one-partition alerter delivering to ``receiver`` (retrying for ever), once it fired one alert per story, in
    order (at offsets 0, 1, ... of ``alerts``); the worker and its environment, to start another like it."""
    rules = rules_file(tmp_path, {"hook": receiver})
    env = dict(FAST, WIREWATCH_ALERTER__RULES=str(rules), WIREWATCH_ALERTER__DELIVERY_ATTEMPTS="1000",
               WIREWATCH_PARTITIONS="1")
    first = start_service("worker", "alerter", **env)
    wait_http(first.web_port, "/readyz", proc=first, timeout_s=90)
    for i, story in enumerate(stories):
        # One at a time, until the alert is remembered as fired in the table's changelog, where the restarted
        # worker will find it. (Not both at once: the embedded broker answers ListOffsets with the base offset
        # of the last batch + 1, so a worker recovering a changelog whose last batch holds two records stops
        # after the first and would fire the other story's alert again.)
        await send(broker.bootstrap, "articles.tagged", [(f"wire/{i}{story}".encode(), encode(article(i, story)))])
        await collect(broker.bootstrap, [FIRED_CHANGELOG], timeout_s=30, until=lambda s, story=story: any(
            story.encode() in (m["key"] or b"") for m in s[FIRED_CHANGELOG]))
    return first, env


async def test_alerter_killed_mid_retry_neither_loses_nor_doubles_an_alert(broker, start_service, tmp_path) -> None:
    receiver = await Receiver(status=503, fail=10**6).start()
    try:
        stories = [f"st-{os.urandom(4).hex()}" for _ in range(2)]
        first, env = await alerter_fired_for(broker, start_service, tmp_path, receiver, stories)
        await wait_for(lambda: len(receiver.attempts) >= 2 and min(receiver.attempts.values()) >= 2, 120,
                       lambda: f"retries; log:\n{first.log()[-2000:]}")
        expected = set(receiver.attempts)
        first.proc.kill()  # no goodbye: offsets of the alerts in retry were never committed
        first.proc.wait()
        receiver.stop_failing()
        second = start_service("worker", "alerter", **env)
        # Generous: a worker held up past the drain guard (docs/accounting.md) is rejoined by its stall watchdog
        # after WIREWATCH_STALL_AFTER_S (120 s), and this test is about losing nothing, not about speed.
        await wait_for(lambda: set(receiver.delivered) >= expected, 240, lambda: (
            f"re-delivery (attempts {receiver.attempts}, delivered {receiver.delivered}); log:\n{second.log()[-2000:]}"))
        # A sentinel sent now reaches `alerts` after anything the restart re-processed (one partition, in order):
        # once it is there, `alerts` holds every alert there will be.
        last, last_id = sentinel()
        await send(broker.bootstrap, "articles.tagged", [(last.id.encode(), encode(last))])
        seen = await collect(broker.bootstrap, ["alerts"], timeout_s=60, until=lambda s: any(
            m["value"] and m["value"]["id"] == last_id for m in s["alerts"]))
        fired = Counter(m["value"]["id"] for m in seen["alerts"] if m["value"] and m["value"]["story_id"] in stories)
        assert fired == dict.fromkeys(expected, 1)  # nothing fired again
        # The restarted worker had the two alerts in retry and the sentinel to deliver: once it counts three final
        # outcomes, every delivery it will make is made.
        await wait_until(lambda: metric(second.web_port, "wirewatch_webhook_deliveries_total", endpoint="hook") >= 3, 60,
                         "three deliveries done by the restarted worker")
        # Same webhook-ids, each delivered once: nothing lost, nothing sent twice.
        assert Counter(receiver.delivered) == dict.fromkeys(expected | {last_id}, 1)
        assert metric(second.web_port, "wirewatch_webhook_deliveries_total", endpoint="hook", outcome="delivered") == 3
    finally:
        await receiver.stop()


class PickyReceiver(Receiver):
    """A 503 receiver for the ids in ``refuse`` (until stop_failing(), as Receiver), 204 at once for every other id."""

    def __init__(self) -> None:
        super().__init__(status=503, fail=10**6)
        self.refuse: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("webhook-id") in self.refuse:
            return await super().handle(request)
        Webhook(SECRET).verify(await request.read(), dict(request.headers))
        msg_id = request.headers["webhook-id"]
        self.attempts[msg_id] = self.attempts.get(msg_id, 0) + 1
        self.delivered.append(msg_id)
        return web.Response(status=204)


async def committed(bootstrap: str, group: str, topic: str) -> int | None:
    """The group's committed offset on partition 0 of ``topic`` (None: nothing committed)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def test_alerter_killed_while_an_earlier_alert_retries_after_a_later_one_was_delivered_loses_neither(
        broker, start_service, tmp_path) -> None:
    receiver = await PickyReceiver().start()
    try:
        stories = [f"st-{os.urandom(4).hex()}" for _ in range(2)]
        ids = [alert_id(dedupe_key("nato", s)) for s in stories]
        receiver.refuse = {ids[0]}  # the first alert (offset 0 of `alerts`) keeps failing, the second goes through
        first, env = await alerter_fired_for(broker, start_service, tmp_path, receiver, stories)
        await wait_for(lambda: ids[1] in receiver.delivered and receiver.attempts.get(ids[0], 0) >= 2, 120,
                       lambda: f"one delivered, one in retry; log:\n{first.log()[-2000:]}")
        # An article no rule matches, sent after the second alert was delivered: once its offset is committed, a commit
        # round ran after that delivery was acknowledged, and `alerts` holds whatever the worker would commit there.
        quiet = article(5, "quiet").model_copy(update={"entities": [], "title": "Weather", "original_title": "Weather"})
        await send(broker.bootstrap, "articles.tagged", [(b"quiet", encode(quiet))])
        for _ in range(300):
            if (await committed(broker.bootstrap, "wirewatch-alerter", "articles.tagged") or 0) >= 3:
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"articles.tagged never committed to 3; log:\n{first.log()[-2000:]}")
        # Nothing past the alert in retry is committed (Faust's own rule committed 2, past it).
        on_alerts = await committed(broker.bootstrap, "wirewatch-alerter", "alerts")
        assert on_alerts is None, f"committed {on_alerts} on alerts while its offset 0 was still in retry"
        first.proc.kill()
        first.proc.wait()
        receiver.stop_failing()
        second = start_service("worker", "alerter", **env)
        await wait_for(lambda: ids[0] in receiver.delivered, 120, lambda: (
            f"re-delivery of the alert in retry (attempts {receiver.attempts}, delivered {receiver.delivered}); "
            f"log:\n{second.log()[-2000:]}"))
        # The restarted worker reads `alerts` from the start: both alerts again. Once it counts two final outcomes,
        # every delivery it will make is made; the second alert's copy carries the same webhook-id, for the receiver
        # to drop (it was delivered once before the kill, and its offset was not committed either).
        await wait_until(lambda: metric(second.web_port, "wirewatch_webhook_deliveries_total", endpoint="hook") >= 2, 60,
                         "two deliveries done by the restarted worker")
        assert Counter(receiver.delivered) == {ids[0]: 1, ids[1]: 2}
    finally:
        await receiver.stop()


async def test_a_slack_endpoint_that_fails_is_dead_lettered_without_its_secret_url(broker, start_service, tmp_path) -> None:
    """The dead letter's reason (read by anyone with `wirewatch dead-letters`) and the log held the Slack webhook URL,
    whose path is the credential that lets anyone post to the channel."""
    async def failing(request: web.Request) -> web.Response:
        return web.Response(status=500)

    app = web.Application()
    app.router.add_post("/services/{team}/{bot}/{token}", failing)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        rules = tmp_path / "rules.yaml"
        rules.write_text(f"webhooks:\n  team-chat:\n    url: http://{host}:{port}/services/T0123/B0456/s3cr3tT0k3n\n"
                         f"    secret: {SECRET}\n    format: slack\n"
                         "rules:\n  - {id: nato, query: 'entity:Q7184', webhooks: [team-chat]}\n")
        worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(rules), WIREWATCH_ALERTER__DELIVERY_ATTEMPTS="1",
                               **FAST, **IN_ORDER)
        wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
        story = f"st-{os.urandom(4).hex()}"
        await send(broker.bootstrap, "articles.tagged", [(b"wire/1", encode(article(1, story)))])
        ours = f"alert {alert_id(dedupe_key('nato', story))} "
        seen = await collect(broker.bootstrap, ["alerts.dlq"], timeout_s=60, until=lambda s: any(
            m["value"] and ours in m["value"]["reason"] for m in s["alerts.dlq"]))
        [letter] = [m["value"] for m in seen["alerts.dlq"] if m["value"] and ours in m["value"]["reason"]]
        assert letter["reason"] == f"{ours}to endpoint 'team-chat' (http://{host}:{port}/***): HTTP 500 (gave up after 1 attempts)"
        assert "s3cr3tT0k3n" not in worker.log()
    finally:
        await runner.cleanup()
