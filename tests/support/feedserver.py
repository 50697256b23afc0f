"""A real aiohttp server on loopback serving the fixture feeds with the behaviours publishers show."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "unit" / "fixtures" / "feeds"


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    """``app`` served on a free loopback port: its runner (to clean up) and the port."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


async def wait_polls(server: FeedServer | Any, path: str, more: int, timeout_s: float = 60.0) -> None:
    """Until ``path`` of a loopback server (its ``hits``) was asked for ``more`` more times; a guard against a hang."""
    target = server.hits.get(path, 0) + more
    for _ in range(int(timeout_s * 10)):
        if server.hits.get(path, 0) >= target:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} was not polled {more} more times in {timeout_s}s (hits {server.hits})")


class FeedServer:
    """Routes: /feed/<fixture> (ETag + 304), /moved (301), /temp (302), /gone (410), /busy (429), /slow, /endless,
    /huge, /loop, /to-localhost, /to-ftp, /to-file, /to-no-host (redirects to no http(s) URL), /page, /wrong-charset,
    /hold (counts concurrent requests), /garbage (200 with random bytes), /reset (closes the connection without
    answering), /stall (answers after ``stall_s``), /unavailable (503), POST /hub (a WebSub hub: records subscription
    requests), /api/top (a news API asking for X-Api-Key), /api/elsewhere (a redirect to it on another origin).
    ``docs`` overrides bodies, ``bare`` names the feeds served without ETag or Last-Modified; ``times`` records when
    each path was requested (monotonic)."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.conditional: list[dict[str, str]] = []
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.bare: set[str] = set()  # names of /feed/<name> served without ETag and Last-Modified
        self.in_flight = 0
        self.times: dict[str, list[float]] = {}
        self.stall_s = 30.0
        self.hub_requests: list[dict[str, str]] = []
        self.api_key = "s3cr3t-k3y"
        self.api_headers: list[tuple[str, dict[str, str]]] = []  # (host asked, headers) of each /api request
        self.max_in_flight = 0
        self.port = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _count(self, request: web.Request) -> None:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.times.setdefault(request.path, []).append(asyncio.get_running_loop().time())

    async def feed(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        name = request.match_info["name"]
        if name in self.docs:
            body, ctype = self.docs[name]
        else:
            path = FIXTURES / name
            if not path.is_file():
                return web.Response(status=404)
            body = path.read_bytes()
            ctype = "application/feed+json" if name.endswith(".json") else "application/rss+xml"
        self.conditional.append({k: v for k, v in request.headers.items() if k.lower().startswith("if-")})
        if name in self.bare:  # as many publishers serve a feed: no validators, so every poll reads it afresh
            return web.Response(body=body, headers={"Content-Type": ctype})
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"Content-Type": ctype, "ETag": etag,
                                                 "Last-Modified": "Mon, 04 Mar 2024 07:00:00 GMT"})

    async def redirect(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        target = {"/moved": ("/feed/rss20-utf8.xml", 301), "/temp": ("/feed/rss20-utf8.xml", 302),
                  "/loop": ("/loop", 302), "/to-localhost": (f"http://localhost:{self.port}/feed/rss20-utf8.xml", 301),
                  "/to-ftp": (f"ftp://127.0.0.1:{self.port}/feed.xml", 301), "/to-file": ("file:///etc/passwd", 302),
                  "/to-no-host": ("https:///feed/rss20-utf8.xml", 302)}
        location, status = target[request.path]
        return web.Response(status=status, headers={"Location": location})

    async def status(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        if request.path == "/gone":
            return web.Response(status=410)
        return web.Response(status=429, headers={"Retry-After": "120"})

    async def slow(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        await asyncio.sleep(3)
        return web.Response(text="late")

    async def endless(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await resp.prepare(request)
        await resp.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>')
        try:
            while True:
                await resp.write(b"A" * 65536)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return resp

    async def huge(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml", "Content-Length": str(100 * 1024 * 1024)})
        await resp.prepare(request)
        try:
            await resp.write(b"<rss>" + b" " * 65536)
        except ConnectionResetError:
            pass
        return resp

    async def page(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        return web.Response(body=(FIXTURES / "article-page.html").read_bytes(), content_type="text/html", charset="utf-8")

    async def wrong_charset(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        return web.Response(body=(FIXTURES / "rss20-windows1251.xml").read_bytes(),
                            headers={"Content-Type": "text/xml; charset=utf-8"})

    async def hold(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.3)
        finally:
            self.in_flight -= 1
        return web.Response(body=(FIXTURES / "rss20-utf8.xml").read_bytes(), content_type="application/rss+xml")

    async def garbage(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        return web.Response(body=bytes(range(256)) * 16 + b"\x00<rss", headers={"Content-Type": "application/rss+xml"})

    async def reset(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        request.transport.close()  # no status line at all: the client sees the connection dropped
        return web.Response(status=500)

    async def stall(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        await asyncio.sleep(self.stall_s)
        return web.Response(body=(FIXTURES / "rss20-utf8.xml").read_bytes(), content_type="application/rss+xml")

    async def unavailable(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        return web.Response(status=503, text="down for maintenance")

    async def hub(self, request: web.Request) -> web.StreamResponse:
        self._count(request)
        self.hub_requests.append(dict(await request.post()))
        return web.Response(status=202)

    async def api(self, request: web.Request) -> web.StreamResponse:
        """A news API: 401 without the key in X-Api-Key; /api/elsewhere redirects to the same path on another origin
        (localhost instead of 127.0.0.1)."""
        self._count(request)
        self.api_headers.append((request.host, dict(request.headers)))
        if request.path == "/api/elsewhere":
            return web.Response(status=302, headers={"Location": f"http://localhost:{self.port}/api/top"})
        if request.headers.get("X-Api-Key") != self.api_key:
            return web.json_response({"status": "error", "code": "apiKeyMissing"}, status=401)
        return web.json_response({"status": "ok", "totalResults": 1, "articles": [{
            "source": {"id": None, "name": "Harbour Gazette"}, "title": "Harbour quay approved",
            "url": "https://gazette.example.com/quay", "publishedAt": "2024-03-04T07:00:00Z",
            "content": "The council approved the new quay by nine votes to four on Monday evening."}]})

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_get("/feed/{name}", self.feed)
        for path in ("/moved", "/temp", "/loop", "/to-localhost", "/to-ftp", "/to-file", "/to-no-host"):
            app.router.add_get(path, self.redirect)
        app.router.add_get("/gone", self.status)
        app.router.add_get("/busy", self.status)
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/endless", self.endless)
        app.router.add_get("/huge", self.huge)
        app.router.add_get("/news/{slug}", self.page)
        app.router.add_get("/wrong-charset", self.wrong_charset)
        app.router.add_get("/hold/{n}", self.hold)
        app.router.add_get("/garbage", self.garbage)
        app.router.add_get("/reset", self.reset)
        app.router.add_get("/stall", self.stall)
        app.router.add_get("/unavailable", self.unavailable)
        app.router.add_post("/hub", self.hub)
        app.router.add_get("/api/{name}", self.api)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
