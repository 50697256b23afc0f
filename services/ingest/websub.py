"""WebSub subscriber, pure parts: verification of intent and the ``X-Hub-Signature`` check (W3C WebSub §5.3, §8)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from services.ingest.feeds import FeedConfig

__all__ = ["verify_intent", "signature_ok"]

_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def verify_intent(params: Mapping[str, str], feed: FeedConfig | None, *, topics: set[str]) -> tuple[int, str]:
    """(status, body) answering a hub's GET: echo ``hub.challenge`` only for a feed we poll and a topic we know."""
    mode = params.get("hub.mode")
    if mode == "denied":
        return 200, ""
    challenge = params.get("hub.challenge")
    if mode not in ("subscribe", "unsubscribe") or not challenge:
        return 400, "hub.mode and hub.challenge are required"
    if feed is None:
        return 404, "unknown feed"
    if mode == "subscribe" and not feed.enabled:
        return 404, "feed is disabled"
    if params.get("hub.topic") not in topics:
        return 404, f"hub.topic {params.get('hub.topic')!r} is not this feed"
    return 200, challenge


def signature_ok(secret: str | None, body: bytes, header: str | None) -> bool:
    """True when there is no secret to check, or ``X-Hub-Signature: method=hex`` is the HMAC of the body."""
    if not secret:
        return True
    if not header or "=" not in header:
        return False
    method, _, given = header.partition("=")
    algorithm = _ALGORITHMS.get(method.strip().lower())
    if algorithm is None:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())
