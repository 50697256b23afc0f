"""HTTP fetches of feeds and article pages: timeouts, size limit, concurrency limits, no SSRF.

Addresses are checked after DNS resolution (by the resolver the connection then
uses, so a name cannot resolve one way for the check and another for the
connect) and again on every redirect hop, which is followed here, not by aiohttp.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from multidict import CIMultiDict

from services.ingest.settings import IngestSettings
from services.runtime.error_words import os_error_in_words

__all__ = ["Fetched", "FetchError", "Fetcher", "is_public_address", "same_origin", "shown_url"]

# Query parameters that carry a credential (a news API's key in a feed URL): never written where the URL is shown.
_SECRET_PARAMS = ("key", "token", "secret", "password", "passwd", "auth", "sig", "signature", "credential")


# A query parameter (name, then value) and a URL's password, wherever a URL stands in a text.
_QUERY_PARAM = re.compile(r"([?&;]([^=&#\s]+)=)([^&#\s'\"]*)")
_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^/\s@]+@")


def shown_url(text: str) -> str:
    """A URL, or a text holding URLs, as logs, errors and status pages show it: the value of a query parameter named
    like a credential, and a URL's password, replaced by ***."""
    text = _PASSWORD.sub(r"\1***@", text)
    return _QUERY_PARAM.sub(lambda m: m.group(1) + "***" if _secret(m.group(2)) else m.group(0), text)


def _secret(name: str) -> bool:
    lowered = name.lower().replace("-", "").replace("_", "")
    return any(lowered.endswith(word) for word in _SECRET_PARAMS)


_PERMANENT = (301, 308)
_REDIRECT = (301, 302, 303, 307, 308)


class FetchError(Exception):
    """A fetch that gave no usable response; ``reason`` names the feed and says why."""

    def __init__(self, error_class: str, reason: str, status: int | None = None) -> None:
        reason = shown_url(reason)  # a key in the feed's URL never reaches a log, a poll state or a dead letter
        super().__init__(reason)
        self.error_class = error_class
        self.reason = reason
        self.status = status


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").rstrip("."), port


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs share scheme, host and port: where a feed's own headers may go."""
    return _origin(a) == _origin(b)


class BlockedAddress(OSError):
    pass


def _other(url: str, label: str, before: str = "") -> str:
    """`` URL`` where the fetch named ``label`` went elsewhere (a feed's id, a redirect), else nothing: a URL given on
    the command line is its own label, and its lines start with it already."""
    return "" if url == label else f"{before} {url}"


@dataclass
class Fetched:
    status: int
    url: str  # after redirects
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    permanent_url: str | None = None  # set when every redirect on the way was permanent
    redirects: int = 0
    seconds: float = 0.0
    withheld: bool = False  # private headers were given and not sent, the answer coming from another origin

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def is_public_address(address: str) -> bool:
    """Only globally routable unicast addresses: no loopback, private, link-local (cloud metadata), CGNAT, multicast."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class _SafeResolver(AbstractResolver):
    def __init__(self, allow: frozenset[str]) -> None:
        self._inner = DefaultResolver()
        self._allow = allow

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if host.lower().rstrip(".") in self._allow:
            return results
        blocked = [r["host"] for r in results if not is_public_address(r["host"]) and r["host"] not in self._allow]
        if blocked:
            raise BlockedAddress(f"{host} resolves to {', '.join(sorted(set(blocked)))}, a non-public address")
        return results

    async def close(self) -> None:
        await self._inner.close()


class Fetcher:
    """One aiohttp session for all fetches; use as ``async with Fetcher(settings) as fetcher``."""

    def __init__(self, settings: IngestSettings) -> None:
        self.settings = settings
        self._allow = frozenset(h.lower().strip() for h in settings.allow_hosts)
        self._session: aiohttp.ClientSession | None = None
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        connector = aiohttp.TCPConnector(
            resolver=_SafeResolver(self._allow), limit=self.settings.concurrency,
            limit_per_host=self.settings.per_host_concurrency, ttl_dns_cache=60,
        )
        timeout = aiohttp.ClientTimeout(
            total=None, connect=self.settings.connect_timeout_s, sock_connect=self.settings.connect_timeout_s,
            sock_read=self.settings.read_timeout_s,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, headers={"User-Agent": self.settings.user_agent}, auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _check_url(self, url: str, label: str, redirected: bool = False) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            if redirected:  # the user gave an http(s) URL: the URL refused is the one its server sent us to
                what = "has no host name" if parts.scheme in ("http", "https") else "is not an http(s) URL"
                raise FetchError("BlockedURL", f"{label}: redirected to {url}, which {what}: not followed")
            raise FetchError("BlockedURL", f"{label}: refusing to fetch{_other(url, label)}: only http(s) URLs")
        host = parts.hostname.lower().rstrip(".")
        if host in self._allow:
            return host
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            if host == "localhost" or host.endswith(".localhost"):
                raise FetchError("BlockedAddress", f"{label}: refusing to fetch{_other(url, label)}: {host} is loopback "
                                                   "(allow it with WIREWATCH_INGEST__ALLOW_HOSTS)") from None
            return host  # a name: the resolver checks what it resolves to
        if not is_public_address(host):
            raise FetchError("BlockedAddress", f"{label}: refusing to fetch{_other(url, label)}: {host} is not a public address "
                                               f"(allow it with WIREWATCH_INGEST__ALLOW_HOSTS)")
        return host

    async def get(self, url: str, *, label: str, headers: dict[str, str] | None = None, max_bytes: int | None = None,
                  accept: str = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8",
                  private: Mapping[str, str] | None = None) -> Fetched:
        """GET with redirects followed and checked; any status is returned, transport failures raise FetchError.

        ``private`` headers (a feed's own: an API key, an Authorization) go to the URL's origin only: a redirect to
        another scheme, host or port does not carry them, as curl and browsers do with credentials."""
        assert self._session is not None, "use Fetcher as an async context manager"
        limit = max_bytes or self.settings.max_feed_bytes
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.settings.total_timeout_s), self._global:
                return await self._follow(url, label=label, headers=headers or {}, private=private or {}, limit=limit,
                                          accept=accept, started=started)
        except TimeoutError:
            raise FetchError("Timeout", f"{label}: no complete response within {self.settings.total_timeout_s:g} s") from None

    async def _follow(self, url: str, *, label: str, headers: dict[str, str], private: Mapping[str, str], limit: int,
                      accept: str, started: float) -> Fetched:
        assert self._session is not None
        permanent = True
        current = url
        origin = _origin(url)
        for hop in range(self.settings.max_redirects + 1):
            host = self._check_url(current, label, redirected=hop > 0)
            sem = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host_concurrency))
            withheld = bool(private) and _origin(current) != origin
            sent = CIMultiDict(Accept=accept)  # a feed's own Accept or User-Agent replaces ours, whatever its case
            sent.update({} if withheld else private)
            sent.update(headers)
            async with sem:
                try:
                    async with self._session.get(current, headers=sent, allow_redirects=False) as resp:
                        if resp.status in _REDIRECT and resp.headers.get("Location"):
                            permanent = permanent and resp.status in _PERMANENT
                            current = urljoin(current, resp.headers["Location"])
                            continue
                        body = await self._read(resp, limit, label) if resp.status == 200 else await self._read(resp, 65536, label, cut=True)
                        return Fetched(
                            status=resp.status, url=current, headers={k.lower(): v for k, v in resp.headers.items()}, body=body,
                            permanent_url=current if hop and permanent else None, redirects=hop,
                            seconds=time.perf_counter() - started, withheld=withheld,
                        )
                except aiohttp.ClientConnectorError as exc:
                    if isinstance(exc.os_error, BlockedAddress):
                        raise FetchError("BlockedAddress", f"{label}: refusing to fetch{_other(current, label)}: {exc.os_error} "
                                                           f"(allow it with WIREWATCH_INGEST__ALLOW_HOSTS)") from None
                    raise FetchError("ConnectError", f"{label}: cannot connect{_other(current, label, ' to')}: "
                                                     f"{os_error_in_words(exc.os_error) if exc.os_error else exc}") from None
                except (aiohttp.ServerTimeoutError, asyncio.TimeoutError):
                    raise FetchError("Timeout", f"{label}{_other(current, label, ':')}: no answer within the read "
                                                f"timeout ({self.settings.read_timeout_s:g} s)") from None
                except aiohttp.ClientError as exc:
                    raise FetchError("HTTPError", f"{label}{_other(current, label, ':')}: {type(exc).__name__}: {exc}") from None
        raise FetchError("TooManyRedirects", f"{label}: more than {self.settings.max_redirects} redirects, last to {current}")

    @staticmethod
    async def _read(resp: aiohttp.ClientResponse, limit: int, label: str, cut: bool = False) -> bytes:
        declared = resp.content_length
        if declared is not None and declared > limit and not cut:
            raise FetchError("TooLarge", f"{label}: response of {declared} bytes exceeds the limit of {limit} bytes", resp.status)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                if cut:
                    chunks.append(chunk[: limit - (size - len(chunk))])
                    break
                raise FetchError("TooLarge", f"{label}: response cut at the limit of {limit} bytes (it was longer)", resp.status)
            chunks.append(chunk)
        return b"".join(chunks)
