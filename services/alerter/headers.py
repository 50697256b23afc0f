"""The Kafka headers the alerter's agents put on ``alerter.bursts`` and ``alerter.matches`` messages: their names, how
each is written, and how each is read back, a malformed one refused with a ValueError (the agent dead-letters it)."""

from __future__ import annotations

import orjson

__all__ = ["TICK_HEADER", "ALIASES_HEADER", "CARRIED_HEADER", "COPY_OF_HEADER", "NO_BURST_HEADER",
           "header_tick", "header_aliases", "header_carried", "header_copy_of", "header_no_burst",
           "tick_headers", "aliases_headers", "carried_headers", "copy_headers", "no_burst_headers"]

# Marks a match re-sent by the follow-up flush, so a tick that finds nothing to send is not counted as suppressed.
TICK_HEADER = "wirewatch-tick"
# On a match keyed by an earlier id of its story: that id and the ones still to visit (JSON list), before its own key.
ALIASES_HEADER = "wirewatch-aliases"
# On a match sent on past earlier ids that never fired: what their keys counted, [[story id, {window, burst}], ...].
CARRIED_HEADER = "wirewatch-carried"
# On the match of a copy: the id of the article it repeats (UTF-8), so the dedupe agent can tell it brings nothing new.
COPY_OF_HEADER = "wirewatch-copy-of"
# On a match of an entity-burst rule with follow-ups whose entity did not burst: why not (a JSON string). It may follow
# up on a key that fired; it fires none. A match without it burst (or is not an entity-burst rule's).
NO_BURST_HEADER = "wirewatch-no-burst"


def _header_json(headers: dict | None, name: str) -> object:
    """A JSON header's value (None without one); ValueError when it is no JSON."""
    raw = (headers or {}).get(name)
    if not raw:
        return None
    try:
        return orjson.loads(bytes(raw))
    except (orjson.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"header {name}: not JSON ({exc})") from None


def header_tick(headers: dict | None) -> bool:
    """Whether a match is a follow-up tick (the ``wirewatch-tick`` header), not an article's."""
    return bool((headers or {}).get(TICK_HEADER))


def header_aliases(headers: dict | None) -> list[str]:
    """The story ids in a message's ``wirewatch-aliases`` header ([] without one); ValueError when it is no JSON list."""
    value = _header_json(headers, ALIASES_HEADER)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise ValueError(f"header {ALIASES_HEADER}: not a list of story ids")
    return value


def header_carried(headers: dict | None) -> list:
    """The earlier keys' counts in a message's ``wirewatch-carried`` header ([] without one); ValueError when malformed."""
    value = _header_json(headers, CARRIED_HEADER)
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(c, list) and len(c) == 2 and isinstance(c[0], str) and isinstance(c[1], dict) for c in value
    ):
        raise ValueError(f"header {CARRIED_HEADER}: not a list of [story id, counts] pairs")
    return [(c[0], c[1]) for c in value]


def header_copy_of(headers: dict | None) -> str | None:
    """The article a match's ``wirewatch-copy-of`` header names, or None (not a copy, or from an earlier release)."""
    raw = (headers or {}).get(COPY_OF_HEADER)
    return bytes(raw).decode("utf-8", "replace") if raw else None


def header_no_burst(headers: dict | None) -> str | None:
    """Why a match's entity did not burst, from its ``wirewatch-no-burst`` header (None without one); ValueError when
    it is not a JSON string."""
    value = _header_json(headers, NO_BURST_HEADER)
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"header {NO_BURST_HEADER}: not a reason (a non-empty JSON string)")
    return value


def tick_headers() -> dict:
    """The ``wirewatch-tick`` header of a match the follow-up flush re-sends."""
    return {TICK_HEADER: b"1"}


def aliases_headers(aliases: list[str]) -> dict:
    """The ``wirewatch-aliases`` header for the story ids still to visit (none when there are none)."""
    return {ALIASES_HEADER: orjson.dumps(aliases)} if aliases else {}


def carried_headers(carried: list) -> dict:
    """The ``wirewatch-carried`` header for what earlier keys counted (none when they counted nothing)."""
    return {CARRIED_HEADER: orjson.dumps(carried)} if carried else {}


def copy_headers(original: str | None) -> dict:
    """The ``wirewatch-copy-of`` header naming the article a copy repeats (none for an article that is no copy)."""
    return {COPY_OF_HEADER: original.encode()} if original else {}


def no_burst_headers(reason: str | None) -> dict:
    """The ``wirewatch-no-burst`` header saying why an entity did not burst (none for a match that burst)."""
    return {NO_BURST_HEADER: orjson.dumps(reason)} if reason else {}
