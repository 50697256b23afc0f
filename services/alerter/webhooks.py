"""Signed webhook delivery of alerts, following the Standard Webhooks spec to the letter.

Signing is ``v1,<base64 HMAC-SHA256(key, f"{id}.{timestamp}.{payload}")>`` with the key
the base64 part of a ``whsec_`` secret. ``deliver`` retries what may succeed later and
never raises for a failed delivery: it returns a ``DeliveryResult`` saying why.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import importlib.metadata
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp
import orjson

from schemas import Alert

__all__ = [
    "EVENT_TYPE",
    "SECRET_PREFIX",
    "WebhookEndpoint",
    "DeliveryResult",
    "parse_secret",
    "sign",
    "signature_header",
    "envelope",
    "slack_message",
    "teams_message",
    "render_body",
    "build_delivery",
    "backoff_delay",
    "parse_retry_after",
    "deliver",
]

EVENT_TYPE = "alert.fired"
EVENT_TYPES = {"fired": EVENT_TYPE, "follow-up": "alert.follow_up", "repeat": "alert.repeat"}
SECRET_PREFIX = "whsec_"
# The spec recommends secrets of 24 to 64 random bytes.
SECRET_MIN_BYTES = 24
SECRET_MAX_BYTES = 64
_REASON_BODY_CHARS = 200

try:
    _VERSION = importlib.metadata.version("wirewatch")
except importlib.metadata.PackageNotFoundError:  # running from a checkout that is not installed
    _VERSION = "0+unknown"
USER_AGENT = f"wirewatch/{_VERSION}"


def parse_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret; ValueError saying what is wrong otherwise."""
    if not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"secret must look like '{SECRET_PREFIX}<base64>'")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        # Tolerate missing padding, as the reference libraries do.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"secret after '{SECRET_PREFIX}' is not valid base64 ({exc})") from exc
    if not SECRET_MIN_BYTES <= len(key) <= SECRET_MAX_BYTES:
        raise ValueError(
            f"secret key is {len(key)} bytes; Standard Webhooks asks for {SECRET_MIN_BYTES} to {SECRET_MAX_BYTES} random bytes"
        )
    return key


@dataclass(frozen=True)
class WebhookEndpoint:
    """Where to send alerts, and the secrets to sign them with (the first is the current one)."""

    name: str
    url: str
    secrets: tuple[str, ...] = field(repr=False)
    timeout_s: float | None = None
    format: str = "standard"  # standard | slack | teams
    concurrency: int = 4  # deliveries in flight at once to this endpoint

    @property
    def shown_url(self) -> str:
        """The URL as dead letters, logs and ``alerts replay`` show it: a password or a credential-named query
        parameter (``sig=``) as ***, as feed URLs are shown, and the path of a Slack or Teams incoming webhook too,
        since that path is the credential (``https://hooks.slack.com/***``)."""
        from services.ingest.fetcher import shown_url

        parts = urlsplit(shown_url(self.url))
        path = "/***" if self.format in ("slack", "teams") and parts.path.strip("/") else parts.path
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


@dataclass(frozen=True)
class DeliveryResult:
    """What became of one alert sent to one endpoint."""

    endpoint: str
    webhook_id: str
    delivered: bool
    attempts: int
    status: int | None
    reason: str
    endpoint_disabled: bool = False
    elapsed_s: float = 0.0


def sign(secret: str, msg_id: str, timestamp: int, payload: bytes) -> str:
    """The ``v1,<base64>`` signature of one message under one ``whsec_`` secret."""
    key = parse_secret(secret)
    signed = f"{msg_id}.{int(timestamp)}.".encode() + payload
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(secrets: str | Sequence[str], msg_id: str, timestamp: int, payload: bytes) -> str:
    """The ``webhook-signature`` value: one signature per secret, space-separated, so keys can rotate."""
    if isinstance(secrets, str):
        secrets = [secrets]
    if not secrets:
        raise ValueError("at least one secret is needed to sign a webhook")
    return " ".join(sign(secret, msg_id, timestamp, payload) for secret in secrets)


def envelope(alert: Alert) -> dict:
    """The Standard Webhooks event object; its timestamp is when the alert fired, not when it is sent."""
    fired = alert.fired_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    return {"type": EVENT_TYPES.get(alert.kind, EVENT_TYPE), "timestamp": fired, "data": alert.model_dump(mode="json")}


_KIND_TITLE = {"fired": "Alert", "follow-up": "Follow-up", "repeat": "Still matching"}


def _facts(alert: Alert) -> list[tuple[str, str]]:
    facts = [("Rule", alert.rule_id), ("Story", alert.story_id), ("Articles", str(len(alert.article_ids)))]
    if alert.continues:
        facts.append(("Continues", ", ".join(alert.continues[:5])))
    if alert.sources:
        facts.append(("Sources", ", ".join(alert.sources[:10])))
    if alert.entities:
        facts.append(("Entities", ", ".join(alert.entities[:10])))
    if alert.matched:
        facts.append(("Matched", "; ".join(alert.matched[:5])))
    return facts


def slack_message(alert: Alert) -> dict:
    """A Slack incoming-webhook message: ``text`` for notifications, Block Kit ``blocks`` for the layout."""
    title = alert.title or alert.summary
    link = f"<{alert.url}|{title}>" if alert.url else title
    head = f"{_KIND_TITLE.get(alert.kind, 'Alert')}: {alert.rule_id}"
    return {
        "text": f"{head}: {title}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": head[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": link[:3000]}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"[:2000]} for k, v in _facts(alert)[:10]]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"wirewatch {alert.id} · {alert.fired_at.isoformat()}"}]},
        ],
    }


def teams_message(alert: Alert) -> dict:
    """A Microsoft Teams message with one Adaptive Card (what Teams incoming webhooks and Workflows accept)."""
    title = alert.title or alert.summary
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": f"{_KIND_TITLE.get(alert.kind, 'Alert')}: {alert.rule_id}"},
            {"type": "TextBlock", "text": title, "wrap": True},
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in _facts(alert)]},
        ],
    }
    if alert.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open article", "url": alert.url}]
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                                                "content": card}]}


def render_body(endpoint: WebhookEndpoint, alert: Alert) -> bytes:
    """The request body in the endpoint's ``format``: the Standard Webhooks event, Slack or Teams."""
    if endpoint.format == "slack":
        return orjson.dumps(slack_message(alert))
    if endpoint.format == "teams":
        return orjson.dumps(teams_message(alert))
    return orjson.dumps(envelope(alert))


def build_delivery(endpoint: WebhookEndpoint, alert: Alert, now: float) -> tuple[dict[str, str], bytes]:
    """Headers and body of one delivery attempt at ``now`` (seconds since the epoch)."""
    body = render_body(endpoint, alert)
    timestamp = int(now)
    headers = {
        "webhook-id": alert.id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(endpoint.secrets, alert.id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
    return headers, body


def backoff_delay(attempt: int, base_s: float, max_s: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff before retry number ``attempt`` (1 = first retry)."""
    ceiling = min(max_s, base_s * (2 ** (attempt - 1)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date); None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


_RETRYABLE_STATUS = {408, 429}
_RETRY_AFTER_STATUS = {429, 503}


async def deliver(
    session: aiohttp.ClientSession,
    endpoint: WebhookEndpoint,
    alert: Alert,
    *,
    attempts: int,
    backoff_s: float,
    backoff_max_s: float,
    timeout_s: float,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    now: Callable[[], float] = time.time,
    rng: random.Random | None = None,
) -> DeliveryResult:
    """POST ``alert`` to ``endpoint``, retrying connection errors, timeouts, 408, 429 and 5xx.

    Every attempt carries the same ``webhook-id`` (receivers de-duplicate on it) and a fresh
    timestamp and signature. 410 Gone disables the endpoint; other 4xx fail at once.
    ``endpoint.timeout_s``, when set, overrides ``timeout_s``.
    """
    rng = rng or random.Random()
    attempts = max(1, attempts)
    timeout = aiohttp.ClientTimeout(total=endpoint.timeout_s or timeout_s)
    started = now()
    status: int | None = None
    reason = ""
    attempt = 0

    def result(delivered: bool, *, disabled: bool = False) -> DeliveryResult:
        return DeliveryResult(
            endpoint=endpoint.name,
            webhook_id=alert.id,
            delivered=delivered,
            attempts=attempt,
            status=status,
            reason=reason,
            endpoint_disabled=disabled,
            elapsed_s=max(0.0, now() - started),
        )

    while attempt < attempts:
        attempt += 1
        retry_after: float | None = None
        headers, body = build_delivery(endpoint, alert, now())
        try:
            async with session.post(
                endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                status = response.status
                # Only the start of the body, for the reason: a receiver must not make us buffer megabytes.
                text = (await response.content.read(_REASON_BODY_CHARS)).decode("utf-8", "replace").strip()
                if 200 <= status < 300:
                    reason = f"HTTP {status}"
                    return result(True)
                reason = f"HTTP {status}" + (f": {text}" if text else "")
                if status == 410:
                    reason = f"HTTP 410 Gone: endpoint {endpoint.name!r} disabled"
                    return result(False, disabled=True)
                if 300 <= status < 400 and (location := response.headers.get("Location")):
                    # A signed POST is never sent on to another URL; the fix is in the rules file, so say where it points.
                    reason = (f"HTTP {status}: redirect to {urljoin(endpoint.url, location)} not followed "
                              f"(set the endpoint's url to it)")
                if status not in _RETRYABLE_STATUS and status < 500:
                    return result(False)
                if status in _RETRY_AFTER_STATUS:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"), now())
        except (TimeoutError, asyncio.TimeoutError):
            status = None
            reason = f"timed out after {timeout.total}s"
        except (aiohttp.ClientError, OSError) as exc:
            status = None
            reason = f"connection failed: {type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a delivery failure must never crash the worker
            status = None
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            return result(False)

        if attempt < attempts:
            if retry_after is not None:
                delay = min(retry_after, backoff_max_s)
            else:
                delay = backoff_delay(attempt, backoff_s, backoff_max_s, rng)
            await sleep(delay)

    reason = f"{reason} (gave up after {attempt} attempts)"
    return result(False)
