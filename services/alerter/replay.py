"""What ``wirewatch alerts replay`` re-sends: the failed deliveries among the dead letters of ``alerts.dlq``.

A delivery dead letter is written by the ``alerter-delivery`` stage with ``error_class``
``WebhookUndeliverable`` (the last attempt failed) or ``EndpointDisabled`` (an HTTP 410, now or
before); its ``original`` is the alert's bytes as they were on ``alerts`` and its ``key`` is
the name of the endpoint it failed on (the alert's own key is its ``dedupe_key``, inside it).
``reason`` is for humans only. Other dead letters of ``alerts.dlq`` (an alert that did not
decode, a rule that went away) are not deliveries and are not replayed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from schemas import Alert, DeadLetter
from services.alerter.webhooks import DeliveryResult
from services.runtime.options import shown_time

__all__ = ["DELIVERY_STAGE", "UNDELIVERABLE", "ENDPOINT_DISABLED", "Replay", "is_delivery", "failed_delivery", "select_replays",
           "replays_before", "since_in_the_future", "replay_reason", "replay_summary"]

DELIVERY_STAGE = "alerter-delivery"
UNDELIVERABLE = "WebhookUndeliverable"
ENDPOINT_DISABLED = "EndpointDisabled"
_DELIVERY_ERRORS = (UNDELIVERABLE, ENDPOINT_DISABLED)


@dataclass(frozen=True)
class Replay:
    """One alert to re-send to one endpoint, and when its delivery last failed."""

    alert: Alert
    endpoint: str
    failed_at: datetime


def is_delivery(letter: DeadLetter, alerts_topic: str = "alerts") -> bool:
    """Whether a dead letter is a failed delivery (keyed by its endpoint, not by the alert's own key)."""
    return letter.source_topic == alerts_topic and letter.service == DELIVERY_STAGE and letter.error_class in _DELIVERY_ERRORS


def failed_delivery(letter: DeadLetter, alerts_topic: str = "alerts") -> Replay | None:
    """The alert and endpoint of a delivery dead letter; None for any other dead letter."""
    if not is_delivery(letter, alerts_topic) or not letter.key:
        return None
    try:
        alert = Alert.model_validate_json(letter.original)
        endpoint = letter.key.decode("utf-8")
    except (ValidationError, UnicodeDecodeError):
        return None
    return Replay(alert, endpoint, letter.failed_at)


def select_replays(
    letters: Iterable[DeadLetter], *, alerts_topic: str = "alerts", since: datetime | None = None, endpoint: str | None = None
) -> list[Replay]:
    """One re-send per alert and endpoint (the latest failure wins), failed at or after ``since``, to ``endpoint`` only if given.

    An alert that failed several times on one endpoint is sent once: same ``webhook-id``, one delivery.
    """
    chosen: dict[tuple[str, str], Replay] = {}
    for letter in letters:
        replay = failed_delivery(letter, alerts_topic)
        if replay is None:
            continue
        if since is not None and replay.failed_at < since:
            continue
        if endpoint is not None and replay.endpoint != endpoint:
            continue
        chosen[(replay.alert.id, replay.endpoint)] = replay
    return list(chosen.values())


def replays_before(
    letters: list[DeadLetter], since: datetime, *, alerts_topic: str = "alerts", endpoint: str | None = None
) -> int:
    """How many deliveries ``since`` left out: the alerts and endpoints whose every failure was before it."""
    def pairs(chosen: list[Replay]) -> set[tuple[str, str]]:
        return {(replay.alert.id, replay.endpoint) for replay in chosen}

    kept = pairs(select_replays(letters, alerts_topic=alerts_topic, since=since, endpoint=endpoint))
    return len(pairs(select_replays(letters, alerts_topic=alerts_topic, endpoint=endpoint)) - kept)


def since_in_the_future(since: datetime, now: datetime) -> str | None:
    """A warning when ``--since`` is later than ``now``: no delivery can have failed after it yet."""
    if since <= now:
        return None
    return (f"warning: --since {shown_time(since)} (UTC) is in the future (now {now:%Y-%m-%dT%H:%M:%S}): "
            f"no delivery has failed since then")


def replay_reason(result: DeliveryResult) -> str:
    """Why a re-send went as it did, in replay's words: a 410 says the receiver is gone; replay disables nothing."""
    if result.endpoint_disabled:
        return (f"HTTP 410 Gone: the receiver says endpoint {result.endpoint!r} is gone for good (replay disables "
                f"nothing; fix its url in the rules file)")
    return result.reason


def replay_summary(total: int, *, sent: int, failed: int, skipped: int, dry_run: bool, since: datetime | None = None,
                   earlier: int = 0) -> str:
    """The last line of a replay: how many deliveries it found, and what became of each (``sent``: delivered, or in a
    dry run would be re-sent; ``skipped``: the endpoint is not in the rules file, so nothing was tried).

    ``earlier``: deliveries that failed only before ``since``; said, so that a late ``--since`` does not read as an
    empty dead-letter topic.
    """
    parts = [f"{sent} would be re-sent"] if dry_run else [f"{sent} delivered", f"{failed} not delivered"]
    if skipped:
        parts.append(f"{skipped} skipped (endpoint not in the rules file)")
    found = total + earlier
    noun = "dead-lettered delivery" if found == 1 else "dead-lettered deliveries"
    if not earlier or since is None:
        return f"{total} {noun}{' (dry run)' if dry_run else ''}: {', '.join(parts)}"
    return (f"{total} of {found} {noun} since {shown_time(since)}{' (dry run)' if dry_run else ''}: "
            f"{', '.join(parts)}; {earlier} earlier (use an earlier --since)")
