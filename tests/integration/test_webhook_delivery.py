"""Webhook delivery against real aiohttp receivers on loopback: success, retries, 429, 410, hangs, refusals."""

from __future__ import annotations

import asyncio
import base64
import os
import random
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import aiohttp
import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook

from schemas import Alert
from services.alerter.webhooks import WebhookEndpoint, backoff_delay, deliver

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode("ascii")
FAST = dict(backoff_s=0.01, backoff_max_s=0.05, timeout_s=2.0)
# Only a guard that turns a hang into a failure; how fast delivery is, bench/bench_alerter.py prints.
HANG_GUARD_S = 120


@dataclass
class Seen:
    headers: dict[str, str]
    body: bytes
    verified: bool
    error: str = ""


Reply = Callable[[int], Awaitable[web.StreamResponse]]  # attempt number (1-based) -> response


@dataclass
class Receiver:
    url: str
    reply: Reply
    seen: list[Seen] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = dict(request.headers)
        try:
            Webhook(SECRET).verify(body, headers)
            self.seen.append(Seen(headers, body, verified=True))
        except Exception as exc:  # record, so the test can say which attempt failed to verify
            self.seen.append(Seen(headers, body, verified=False, error=repr(exc)))
        return await self.reply(len(self.seen))

    @property
    def webhook_ids(self) -> list[str]:
        return [s.headers.get("webhook-id", "") for s in self.seen]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Reply], Awaitable[Receiver]]]:
    runners: list[web.AppRunner] = []
    receivers: list[Receiver] = []

    async def start(reply: Reply) -> Receiver:
        receiver = Receiver(url="", reply=reply)
        app = web.Application()
        app.router.add_post("/hooks/wirewatch", receiver.handle)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        receiver.url = f"http://{host}:{port}/hooks/wirewatch"
        runners.append(runner)
        receivers.append(receiver)
        return receiver

    yield start
    for receiver in receivers:
        receiver.release.set()  # let hanging handlers finish so the server shuts down quickly
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def reply(status: int, *, headers: dict[str, str] | None = None, text: str = "") -> Callable[[], web.Response]:
    return lambda: web.Response(status=status, headers=headers, text=text)


def script(*steps: Callable[[], web.Response]) -> Reply:
    """Answer attempt n with steps[n-1]; the last step repeats."""

    async def answer(attempt: int) -> web.StreamResponse:
        return steps[min(attempt, len(steps)) - 1]()

    return answer


def make_alert() -> Alert:
    return Alert(
        id="alrt_" + base64.b32encode(os.urandom(10)).decode().lower(),
        rule_id="nato-in-ukraine",
        story_id="st_7",
        article_ids=["wire-en/3"],
        dedupe_key="nato-in-ukraine:st_7",
        fired_at=datetime.now(timezone.utc),
        summary='nato-in-ukraine: "NATO head arrives in Kyiv" (wire-en, en)',
        matched=["entity:Q7184 (NATO) in title", "entity:Q212 (Ukraine) in body"],
        title="NATO head arrives in Kyiv",
        url="https://news.example.org/a/3",
        entities=["Kyiv", "NATO", "Ukraine"],
    )


def endpoint(url: str, *, timeout_s: float | None = None) -> WebhookEndpoint:
    return WebhookEndpoint(name="newsroom", url=url, secrets=(SECRET,), timeout_s=timeout_s)


class Sleeps:
    """Records the delays deliver asks for, and waits only a moment."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


async def test_delivered_on_first_attempt_with_a_verifiable_signature(serve, session) -> None:
    receiver = await serve(script(reply(204)))
    alert = make_alert()
    result = await deliver(session, endpoint(receiver.url), alert, attempts=3, **FAST)
    assert result.delivered and result.status == 204 and result.attempts == 1
    assert not result.endpoint_disabled
    assert result.webhook_id == alert.id
    [seen] = receiver.seen
    assert seen.verified, seen.error
    assert seen.headers["webhook-id"] == alert.id
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["User-Agent"].startswith("wirewatch/")
    event = Webhook(SECRET).verify(seen.body, seen.headers)
    assert event["type"] == "alert.fired"
    assert Alert.model_validate(event["data"]) == alert


async def test_500_twice_then_success_is_retried_with_the_same_webhook_id(serve, session) -> None:
    receiver = await serve(script(reply(500, text="db down"), reply(500, text="db down"), reply(200)))
    alert = make_alert()
    base = time.time()
    ticks = iter(range(1000))
    # A clock that moves 5 s per reading: each attempt gets its own timestamp, still within the receiver's tolerance.
    result = await deliver(session, endpoint(receiver.url), alert, attempts=5, now=lambda: base + 5 * next(ticks), **FAST)
    assert result.delivered and result.status == 200 and result.attempts == 3
    assert receiver.webhook_ids == [alert.id] * 3
    assert all(s.verified for s in receiver.seen), [s.error for s in receiver.seen]
    timestamps = [s.headers["webhook-timestamp"] for s in receiver.seen]
    signatures = [s.headers["webhook-signature"] for s in receiver.seen]
    assert len(set(timestamps)) == 3 and len(set(signatures)) == 3
    assert len({s.body for s in receiver.seen}) == 1


async def test_500_on_every_attempt_gives_up_after_the_attempt_budget(serve, session) -> None:
    receiver = await serve(script(reply(503, text="overloaded")))
    sleeps = Sleeps()
    result = await deliver(session, endpoint(receiver.url), make_alert(), attempts=4, sleep=sleeps, rng=random.Random(7), **FAST)
    assert not result.delivered and result.status == 503 and result.attempts == 4
    assert len(receiver.seen) == 4 and all(s.verified for s in receiver.seen)
    assert "overloaded" in result.reason and "gave up after 4 attempts" in result.reason
    expected_rng = random.Random(7)
    assert sleeps.delays == [backoff_delay(n, FAST["backoff_s"], FAST["backoff_max_s"], expected_rng) for n in (1, 2, 3)]


@pytest.mark.parametrize("status", [408, 429, 502, 504])
async def test_transient_statuses_are_retried(serve, session, status: int) -> None:
    receiver = await serve(script(reply(status), reply(200)))
    result = await deliver(session, endpoint(receiver.url), make_alert(), attempts=3, **FAST)
    assert result.delivered and result.attempts == 2
    assert len(receiver.seen) == 2


async def test_429_retry_after_is_honoured(serve, session) -> None:
    receiver = await serve(script(reply(429, headers={"Retry-After": "1"}), reply(200)))
    sleeps = Sleeps()
    result = await deliver(
        session, endpoint(receiver.url), make_alert(), attempts=3, sleep=sleeps, backoff_s=0.01, backoff_max_s=5.0, timeout_s=2.0
    )
    assert result.delivered and result.attempts == 2
    assert sleeps.delays == [1.0]


async def test_503_retry_after_as_http_date_is_honoured(serve, session) -> None:
    base = time.time()
    when = format_datetime(datetime.fromtimestamp(int(base), tz=timezone.utc) + timedelta(seconds=3), usegmt=True)
    receiver = await serve(script(reply(503, headers={"Retry-After": when}), reply(200)))
    sleeps = Sleeps()
    result = await deliver(
        session, endpoint(receiver.url), make_alert(), attempts=3, sleep=sleeps, now=lambda: base, backoff_s=0.01, backoff_max_s=5.0, timeout_s=2.0
    )
    assert result.delivered
    assert len(sleeps.delays) == 1 and 2.0 <= sleeps.delays[0] <= 3.0


async def test_retry_after_is_capped_by_the_maximum_backoff(serve, session) -> None:
    receiver = await serve(script(reply(429, headers={"Retry-After": "3600"}), reply(200)))
    sleeps = Sleeps()
    result = await deliver(
        session, endpoint(receiver.url), make_alert(), attempts=3, sleep=sleeps, backoff_s=0.01, backoff_max_s=0.2, timeout_s=2.0
    )
    assert result.delivered and sleeps.delays == [0.2]


async def test_410_gone_disables_the_endpoint_without_retrying(serve, session) -> None:
    receiver = await serve(script(reply(410), reply(200)))
    result = await deliver(session, endpoint(receiver.url), make_alert(), attempts=5, **FAST)
    assert not result.delivered and result.endpoint_disabled
    assert result.status == 410 and result.attempts == 1
    assert len(receiver.seen) == 1
    assert "410" in result.reason


@pytest.mark.parametrize("status", [400, 401, 404, 422])
async def test_other_4xx_is_a_permanent_failure_without_retry(serve, session, status: int) -> None:
    receiver = await serve(script(reply(status, text="bad signature?"), reply(200)))
    result = await deliver(session, endpoint(receiver.url), make_alert(), attempts=5, **FAST)
    assert not result.delivered and not result.endpoint_disabled
    assert result.status == status and result.attempts == 1
    assert len(receiver.seen) == 1
    assert f"HTTP {status}" in result.reason


@pytest.mark.parametrize(("location", "said"), [("https://hooks.example.net/in", "https://hooks.example.net/in"),
                                                ("/hooks/v2", "/hooks/v2")])
async def test_a_redirect_is_not_followed_and_the_reason_says_where_it_points(serve, session, location: str, said: str) -> None:
    """The dead letter of an endpoint moved to https said only "HTTP 301": the fix (the new url) was nowhere to be read."""
    receiver = await serve(script(reply(301, headers={"Location": location}), reply(200)))
    result = await deliver(session, endpoint(receiver.url), make_alert(), attempts=5, **FAST)
    assert not result.delivered and result.attempts == 1 and len(receiver.seen) == 1
    target = said if said.startswith("https:") else receiver.url.rsplit("/hooks/", 1)[0] + said
    assert result.reason == f"HTTP 301: redirect to {target} not followed (set the endpoint's url to it)"


async def test_hanging_receiver_times_out_and_the_next_attempt_succeeds(serve, session) -> None:
    async def answer(attempt: int) -> web.StreamResponse:
        if attempt == 1:
            await receiver.release.wait()
        return web.Response(status=200)

    receiver = await serve(answer)
    sleeps = Sleeps()
    # The first handler waits for `release`, which only the fixture's teardown sets: delivery can finish only by
    # abandoning that attempt at its timeout. The guard turns a hang into a failure; it is not the assertion.
    result = await asyncio.wait_for(
        deliver(session, endpoint(receiver.url), make_alert(), attempts=3, sleep=sleeps, backoff_s=0.01, backoff_max_s=0.05,
                timeout_s=0.3),
        timeout=HANG_GUARD_S,
    )
    assert result.delivered and result.attempts == 2 and result.status == 200
    assert not receiver.release.is_set()  # the first attempt was abandoned, not answered
    assert len(sleeps.delays) == 1  # one backoff, after the timed-out attempt
    assert len(set(receiver.webhook_ids)) == 1 and len(receiver.seen) == 2
    assert all(s.verified for s in receiver.seen), [s.error for s in receiver.seen]


async def test_receiver_that_always_hangs_is_reported_as_a_timeout(serve, session) -> None:
    async def answer(attempt: int) -> web.StreamResponse:
        await receiver.release.wait()
        return web.Response(status=200)

    receiver = await serve(answer)
    # The endpoint's own timeout (0.2 s) wins over the default (30 s): the reason names the one that applied.
    result = await asyncio.wait_for(
        deliver(session, endpoint(receiver.url, timeout_s=0.2), make_alert(), attempts=2, backoff_s=0.01, backoff_max_s=0.05,
                timeout_s=30),
        timeout=HANG_GUARD_S,
    )
    assert not result.delivered and result.status is None and result.attempts == 2
    assert "timed out after 0.2s" in result.reason and "gave up after 2 attempts" in result.reason
    assert len(receiver.seen) == 2
    assert not receiver.release.is_set()


async def test_refused_connection_is_retried_then_reported_without_raising(session) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now: every connection is refused.
    sleeps = Sleeps()
    result = await deliver(
        session, endpoint(f"http://127.0.0.1:{port}/hooks/wirewatch"), make_alert(), attempts=3, sleep=sleeps, rng=random.Random(3), **FAST
    )
    assert not result.delivered and result.status is None and result.attempts == 3
    assert "connection failed" in result.reason
    assert len(sleeps.delays) == 2 and all(0 <= d <= FAST["backoff_max_s"] for d in sleeps.delays)


async def test_redelivering_an_alert_lets_the_receiver_deduplicate_on_webhook_id(serve, session) -> None:
    receiver = await serve(script(reply(200)))
    alert = make_alert()
    for _ in range(2):
        assert (await deliver(session, endpoint(receiver.url), alert, attempts=1, **FAST)).delivered
    other = await deliver(session, endpoint(receiver.url), make_alert(), attempts=1, **FAST)
    assert other.delivered
    assert receiver.webhook_ids[0] == receiver.webhook_ids[1] != receiver.webhook_ids[2]
