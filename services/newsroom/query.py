"""Reading the filters of a request (API, page or feed alike) into a :class:`StoryQuery`, with clear errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import urlencode

from services.newsroom.store import StoryQuery

__all__ = ["QueryError", "story_query", "parse_time", "page_of", "people_of", "with_params", "feed_params", "FILTERS"]

FILTERS = ("order", "entity", "people", "language", "source", "tag", "rule", "since", "until", "q")
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)([mhd])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}


class QueryError(ValueError):
    """A filter the request got wrong; the message names it, ``details`` add what the API answers besides."""

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.details = details


def parse_time(name: str, value: str | None, now: float) -> float | None:
    """ISO 8601 (``2026-11-30T09:00:00Z``) or a span back from now (``90m``, ``24h``, ``7d``)."""
    if not value:
        return None
    match = _RELATIVE.match(value.strip())
    if match:
        return now - float(match.group(1)) * _UNITS[match.group(2)]
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise QueryError(f"{name}: {value!r} is neither ISO 8601 nor a span like 24h or 7d") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def page_of(params: Mapping[str, str], default_limit: int) -> tuple[int, int]:
    """(page from 1, items per page) from ``page`` and ``limit``."""
    try:
        page = int(params.get("page") or 1)
        limit = int(params.get("limit") or default_limit)
    except ValueError as exc:
        raise QueryError("page and limit must be whole numbers") from exc
    if page < 1 or page > 10_000:
        raise QueryError("page must be between 1 and 10000")
    if limit < 1 or limit > 200:
        raise QueryError("limit must be between 1 and 200")
    return page, limit


def people_of(params: Mapping[str, str]) -> bool:
    """``people=1``: a country's stories include those naming only its people ("Ukrainian troops")."""
    value = (params.get("people") or "").strip().lower()
    if value not in ("", "0", "1", "true", "false"):
        raise QueryError(f"people: {value!r} is not 1 or 0")
    return value in ("1", "true")


def story_query(params: Mapping[str, str], *, now: float, default_limit: int) -> StoryQuery:
    order = params.get("order") or "newest"
    if order not in ("newest", "active"):
        raise QueryError("order must be newest or active")
    page, limit = page_of(params, default_limit)
    text = {k: (params.get(k) or "").strip()[:200] or None for k in ("entity", "language", "source", "tag", "rule", "q")}
    people = people_of(params)
    if people and not text["entity"]:
        raise QueryError("people: names a country's people, so it needs an entity filter: ?entity=Ukraine&people=1")
    return StoryQuery(order=order, people=people, since=parse_time("since", params.get("since"), now),  # type: ignore[arg-type]
                      until=parse_time("until", params.get("until"), now), limit=limit, offset=(page - 1) * limit, **text)


def with_params(params: Mapping[str, str], **changes: object) -> str:
    """The query string of ``params`` with ``changes`` (None removes), for links to other pages of a listing.

    In one order (by name) whatever order the request gave them in: ``?a=1&b=2`` and ``?b=2&a=1`` link alike.
    """
    merged = {k: v for k, v in params.items() if k in (*FILTERS, "page", "limit") and v}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return urlencode(sorted(merged.items()))


def feed_params(params: Mapping[str, str], *, entity: str | None = None, paging: bool = False) -> str:
    """The filters that name a stories feed, as one query string whatever order or spelling the request used: by name,
    values trimmed, empty ones and the default order dropped, an entity by the key it resolved to (``entity``).
    How many entries and which page are not part of what the feed is; ``paging`` keeps them (for the feed's own link)."""
    named = {k: (params.get(k) or "").strip()[:200] for k in (*FILTERS, *(("page", "limit") if paging else ()))}
    if named["order"] == "newest":
        named["order"] = ""
    if entity:
        named["entity"] = entity
    return urlencode(sorted((k, v) for k, v in named.items() if v))
