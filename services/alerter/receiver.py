"""A webhook receiver that verifies Standard Webhooks signatures: the demo's, and a tool for checking an endpoint setup.

It is a real aiohttp server; it can be told to fail the first attempts of each
message so retries can be watched.
"""

from __future__ import annotations

import hmac
import time
from collections import Counter
from dataclasses import dataclass, field

import orjson
from aiohttp import web

from services.alerter.webhooks import sign

__all__ = ["Received", "WebhookReceiver", "verify_signature"]

TOLERANCE_S = 5 * 60


def verify_signature(secret: str, headers: dict[str, str], body: bytes, *, now: float | None = None) -> str | None:
    """None when the signature is valid and fresh, else what is wrong (per the Standard Webhooks spec)."""
    msg_id = headers.get("webhook-id")
    ts = headers.get("webhook-timestamp")
    sigs = headers.get("webhook-signature")
    if not (msg_id and ts and sigs):
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    try:
        timestamp = int(ts)
    except ValueError:
        return f"webhook-timestamp {ts!r} is not an integer"
    if abs((now or time.time()) - timestamp) > TOLERANCE_S:
        return "webhook-timestamp outside the 5-minute tolerance"
    expected = sign(secret, msg_id, timestamp, body)
    for candidate in sigs.split(" "):
        if hmac.compare_digest(candidate, expected):
            return None
    return "no signature matches the secret"


@dataclass
class Received:
    webhook_id: str
    attempt: int
    status: int
    valid: bool
    problem: str | None
    event: dict


@dataclass
class WebhookReceiver:
    secret: str
    fail_first: int = 0
    path: str = "/hooks/wirewatch"
    received: list[Received] = field(default_factory=list)
    _attempts: Counter = field(default_factory=Counter)
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def delivered_ids(self) -> set[str]:
        return {r.webhook_id for r in self.received if r.status < 300 and r.valid}

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        problem = verify_signature(self.secret, headers, body)
        msg_id = headers.get("webhook-id", "")
        self._attempts[msg_id] += 1
        attempt = self._attempts[msg_id]
        try:
            event = orjson.loads(body)
        except orjson.JSONDecodeError:
            event = {}
        if problem:
            status = 401
        elif attempt <= self.fail_first:
            status = 503
        else:
            status = 204
        self.received.append(Received(msg_id, attempt, status, problem is None, problem, event))
        return web.Response(status=status)

    async def start(self, port: int = 0) -> "WebhookReceiver":
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
