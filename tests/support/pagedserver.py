"""A real aiohttp server on loopback serving a paginated JSON API: each page at its own path and query, with the
body and headers a test gives it; it records which pages were asked for, how often, and with which headers."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from tests.support.feedserver import serve


class PagedServer:
    """``pages[path_and_query] = (body, headers)``: a body that is not bytes is sent as JSON; a page with an ``ETag``
    header answers 304 to a request that has it. Any other path is 404; a path in ``statuses`` answers that status."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[Any, dict[str, str]]] = {}
        self.statuses: dict[str, int] = {}
        self.hits: dict[str, int] = {}
        self.asked: list[tuple[str, str, dict[str, str]]] = []  # (host asked, path and query, headers) of each request
        self.port = 0
        self._runner: web.AppRunner | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    async def page(self, request: web.Request) -> web.StreamResponse:
        key = request.path_qs
        self.hits[key] = self.hits.get(key, 0) + 1
        self.asked.append((request.host, key, dict(request.headers)))
        if key in self.statuses:
            return web.Response(status=self.statuses[key])
        if key not in self.pages:
            return web.Response(status=404)
        body, headers = self.pages[key]
        if "ETag" in headers and request.headers.get("If-None-Match") == headers["ETag"]:
            return web.Response(status=304, headers={"ETag": headers["ETag"]})
        data = body if isinstance(body, bytes) else orjson.dumps(body)
        return web.Response(body=data, headers={"Content-Type": "application/json", **headers})

    async def start(self) -> PagedServer:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self.page)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def api_page(n: int, per_page: int = 2, **extra: Any) -> dict[str, Any]:
    """Page ``n`` of a NewsAPI-like answer: ``per_page`` articles titled "Report <n>.<i>", each with its own URL."""
    articles = [{"title": f"Report {n}.{i}", "url": f"https://port.example.com/{n}/{i}", "source": {"name": "Port"},
                 "content": f"The harbour's report {n}.{i}, in full."} for i in range(1, per_page + 1)]
    return {"status": "ok", "articles": articles, **extra}
