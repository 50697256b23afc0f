"""The newsroom's HTTP server (aiohttp): security headers, optional bearer-token access, ETags, live events.

The JSON API and feeds are in ``api.py``, the HTML pages in ``pages.py``; both read the store in a
thread pool so a slow query never stalls the event loop (or, in ``wirewatch run``, the other stages).
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from aiohttp import web

from services.alerter.names import EntityNames, default_names
from services.newsroom.entities import resolve_entity
from services.newsroom.live import LiveHub
from services.newsroom.metrics import HTTP_SECONDS, SSE_CLIENTS
from services.newsroom.query import QueryError, story_query
from services.newsroom.store import Store, StoryQuery
from services.runtime.logs import get_logger
from services.tagger.spellings import load_tables as load_spellings

__all__ = ["Newsroom", "CSP", "COOKIE"]

log = get_logger("wirewatch.newsroom")

STATIC = Path(__file__).parent / "static"
COOKIE = "wirewatch_newsroom"
# No inline script or style anywhere: everything the page runs comes from /static.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class Newsroom:
    """Everything a request handler needs: the store, the live hub, the settings."""

    def __init__(self, store: Store, hub: LiveHub, settings: Any, *, token: str | None, readers: int = 4,
                 names: EntityNames | None = None) -> None:
        self.store = store
        self.names = names  # the gazetteer's names, loaded when a filter first names an entity
        self.hub = hub
        self.cfg = settings
        self.token = token
        self.pool = ThreadPoolExecutor(readers, thread_name_prefix="newsroom-read")
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self.loaded: Future | None = None  # the search's spellings, made as the server starts (:meth:`start`)

    # ------------------------------------------------------------------ helpers for handlers

    async def read(self, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.pool, partial(fn, *args, **kwargs))

    async def story_query(self, params: Mapping[str, str], *, default_limit: int) -> tuple[StoryQuery, dict | None]:
        """The filters of a request, with an entity named in any way resolved to its key (and what it resolved to)."""
        query = story_query(params, now=time.time(), default_limit=default_limit)
        if not query.entity:
            return query, None
        if self.names is None:
            self.names = await self.read(default_names)
        entity = await self.read(resolve_entity, query.entity, self.names, self.store.has_entity,
                                 self.store.named_by_last_word)
        return dataclasses.replace(query, entity=entity["key"]), entity

    async def facets(self) -> dict:
        return await self.read(self.store.facets)

    def base_url(self, request: web.Request) -> str:
        if self.cfg.public_url:
            return self.cfg.public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    @staticmethod
    def cached(request: web.Request, body: bytes, content_type: str, status: int = 200) -> web.Response:
        """A response with a strong ETag over its body; 304 when the client has it already."""
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        headers = {"ETag": etag, "Cache-Control": "no-cache"}
        wanted = request.headers.get("If-None-Match", "")
        if status == 200 and (etag in [t.strip() for t in wanted.split(",")] or wanted.strip() == "*"):
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, status=status, headers={**headers, "Content-Type": content_type})

    def json(self, request: web.Request, data: Any, status: int = 200) -> web.Response:
        return self.cached(request, orjson.dumps(data), "application/json", status)

    # ------------------------------------------------------------------ access

    def session_value(self) -> str:
        assert self.token
        return hmac.new(self.token.encode(), b"wirewatch-newsroom-session", hashlib.sha256).hexdigest()

    def allowed(self, request: web.Request) -> bool:
        if not (self.cfg.require_token and self.token):
            return True
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            return True
        return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), self.session_value().encode())

    # ------------------------------------------------------------------ the app

    def app(self) -> web.Application:
        from services.newsroom import api, pages

        app = web.Application(middlewares=[self._errors, self._guard], client_max_size=64 * 1024)
        api.add_routes(app, self)
        pages.add_routes(app, self)
        app.router.add_get("/events", self.events)
        app.router.add_static("/static/", STATIC, append_version=False)
        app.on_response_prepare.append(self._headers)
        return app

    async def start(self, host: str, port: int, *, any_port_if_taken: bool = False) -> int:
        """Listen on ``host:port`` and return the port. With ``any_port_if_taken``, a port another process holds
        (or one below 1024 as non-root) gives way to any free one, found by the bind itself: a port checked free
        beforehand may be taken by the time the server binds it."""
        # The index of English spellings every text search reads (0.4 s of CPU): made in a reader thread now, while the
        # server starts listening, not in the first search a reader makes.
        self.loaded = self.pool.submit(load_spellings)
        self.runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            if not (any_port_if_taken and port and exc.errno in (errno.EADDRINUSE, errno.EACCES)):
                raise
            await site.stop()
            log.warning("newsroom_port_taken", port=port, error=exc.strerror or str(exc))
            site = web.TCPSite(self.runner, host, 0)
            await site.start()
        self.port = self.runner.addresses[0][1]
        log.info("newsroom_listening", url=f"http://{host}:{self.port}/")
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        self.pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")

    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if request.path.startswith(("/static/", "/login")) or self.allowed(request):
            return await handler(request)
        if request.path.startswith(("/api/", "/feeds/", "/events")):
            return web.json_response({"error": "missing or wrong bearer token"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="wirewatch"'})
        raise web.HTTPSeeOther(f"/login?{urlencode({'next': request.path_qs})}")

    @web.middleware
    async def _errors(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        started = asyncio.get_running_loop().time()
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
        try:
            response = await handler(request)
        except QueryError as exc:
            response = self._problem(request, 400, str(exc), **exc.details)
        except web.HTTPNotFound:  # no route: said as the newsroom says it, not as aiohttp's bare "404: Not Found"
            response = self._problem(request, 404, "No such path." if request.path.startswith(("/api/", "/feeds/")) else "No such page.")
        HTTP_SECONDS.labels(route).observe(asyncio.get_running_loop().time() - started)
        return response

    def _problem(self, request: web.Request, status: int, message: str, **details: object) -> web.Response:
        if request.path.startswith(("/api/", "/feeds/")):
            return web.json_response({"error": message, **details}, status=status)
        from services.newsroom.pages import render

        return web.Response(text=render("error.html", status=status, message=message), status=status,
                            content_type="text/html")

    # ------------------------------------------------------------------ live events

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: ``story`` (a story got a report or changed) and ``alert``, each with the story id."""
        try:
            last = int(request.headers.get("Last-Event-ID") or request.query.get("last") or "")
        except ValueError:
            last = None
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        await response.write(b"retry: 2000\n: connected\n\n")
        SSE_CLIENTS.inc()
        try:
            async for event in self.hub.subscribe(last):
                await response.write(b": keepalive\n\n" if event is None else event.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            SSE_CLIENTS.dec()
        return response
