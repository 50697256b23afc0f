"""Stable article ids: from the canonical URL, or source + GUID; never from the body, so edits keep the id."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["canonical_url", "article_id", "TRACKING_PARAMS"]

# Parameters that say who shared a link, not which article it is.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src",
    "cmpid", "ncid", "ocid", "smid", "cid", "__twitter_impression", "taid", "mbid", "sr_share",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def _digest(identity: str) -> str:
    return hashlib.blake2b(identity.encode("utf-8"), digest_size=12).hexdigest()


def article_id(*, url: str | None = None, source: str | None = None, guid: str | None = None) -> str:
    """``u-<hash>`` of the canonical URL, else ``g-<hash>`` of source and GUID."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return "u-" + _digest(canonical_url(url))
    if guid:
        return "g-" + _digest(f"{source or ''}\x00{guid}")
    raise ValueError("an article needs a URL or a GUID to have a stable id")
