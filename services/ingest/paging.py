"""Where the next page of a paged feed or news API answer is, as pure decisions on what a page said.

A page names the next one in its body (an RSS or Atom feed's ``<link rel="next">``, RFC 5005's paged feed, read by
the parser; JSON Feed 1.1's ``next_url``; an API's ``next``, ``links.next``,
``pagination.next`` or ``paging.next``, a URL or a ``{"href": URL}`` link object) or in an HTTP ``Link`` header
with ``rel="next"`` (RFC 8288). An archived feed (RFC 5005 §4) names the archive before a document by
``rel="prev-archive"``, in its body or Link header, read the same way. A value that is no URL (an opaque cursor such as ``"next": "c2Vj"``) is not a page.
A WordPress feed names no next page, yet WordPress serves the entries before a feed's at ``?paged=2``, ``3`` ...:
``wordpress_next`` is that guess, which the page reader makes in the command line's backfill only.
The page reader (``pages.py``) decides when to stop: the page cap, a page already read, an entry already passed on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import orjson

__all__ = ["NEXT_FIELDS", "next_in_body", "next_in_json", "next_in_link_header", "next_page", "page_key",
           "paged", "wordpress_next"]

# Where a page's body names the next page, first found wins.
NEXT_FIELDS: tuple[tuple[str, ...], ...] = (
    ("next_url",), ("next",), ("links", "next"), ("pagination", "next"), ("paging", "next"),
)

# One link of a Link header: <URI> and its parameters, up to the next link's <.
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_PAGED = re.compile(r"(^|&)paged=([^&]*)")
_REL = re.compile(r";\s*rel\s*=\s*(?:\"([^\"]*)\"|([^\s;,]+))", re.IGNORECASE)


def _as_url(value: Any) -> str | None:
    """A next-page value as a URL text: a string, or a JSON:API link object's ``href``; None for anything else."""
    if isinstance(value, Mapping):
        value = value.get("href")
    if not isinstance(value, str):
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname:
        return value
    # Relative only when written as a path or a query; "c2Vj" or "2" is a cursor or a page number, not a place.
    return value if not parts.scheme and value.startswith(("/", "./", "../", "?")) else None


def next_in_body(doc: Any) -> str | None:
    """The next page a JSON document names (as written: maybe relative), or None."""
    if not isinstance(doc, Mapping):
        return None
    for path in NEXT_FIELDS:
        value: Any = doc
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        url = _as_url(value)
        if url:
            return url
    return None


def next_in_json(data: bytes) -> str | None:
    """The next page a JSON answer's bytes name, or None (no JSON object: an array, NDJSON, not JSON at all)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        return None
    try:
        return next_in_body(orjson.loads(data.lstrip(b"\xef\xbb\xbf")))
    except orjson.JSONDecodeError:
        return None


def next_in_link_header(value: str | None, rel: str = "next") -> str | None:
    """The target of the ``rel="next"`` link (or another ``rel``, such as RFC 5005's ``prev-archive``) of an HTTP
    Link header (``<https://...?page=2>; rel="next"``), or None."""
    for match in _LINK.finditer(value or ""):
        for found in _REL.finditer(match.group(2)):
            if rel in (found.group(1) or found.group(2) or "").lower().split():
                return _as_url(match.group(1))
    return None


def next_page(doc_next: str | None, link_header: str | None, *, base: str, rel: str = "next") -> str | None:
    """The absolute URL of the next page after the page read from ``base``: the body's, else the Link header's
    (``rel="prev-archive"``: the archive before it, RFC 5005 §4)."""
    found = doc_next or next_in_link_header(link_header, rel)
    if not found:
        return None
    url = urljoin(base, found)
    return url if urlsplit(url).scheme in ("http", "https") else None


def page_key(url: str) -> str:
    """A page's URL as compared to tell a page already read: without its fragment, scheme and host in lower case."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def paged(url: str) -> str | None:
    """The ``paged`` query parameter of a WordPress page's URL as written, None without one."""
    found = _PAGED.search(urlsplit(url).query)
    return found.group(2) if found else None


def wordpress_next(url: str) -> str | None:
    """The page after a WordPress feed's page at ``url``: its ``paged`` query parameter one up (``/feed/`` ->
    ``/feed/?paged=2``, ``?paged=2`` -> ``?paged=3``, other parameters kept as written); None when ``paged`` is no
    page number."""
    parts = urlsplit(url)
    found = _PAGED.search(parts.query)
    if found is None:
        query = f"{parts.query}&paged=2" if parts.query else "paged=2"
    elif found.group(2).isdigit():
        query = f"{parts.query[:found.start(2)]}{int(found.group(2)) + 1}{parts.query[found.end(2):]}"
    else:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))
