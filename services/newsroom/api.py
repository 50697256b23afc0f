"""The JSON API and the Atom feeds; what they accept and answer is described in ``openapi.py``."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, quote

from aiohttp import web

from services.newsroom.feeds import ATOM_TYPE, alerts_feed, stories_feed
from services.newsroom.languages import language_name
from services.newsroom.openapi import openapi_document
from services.newsroom.query import QueryError, feed_params, page_of, parse_time, people_of, with_params

__all__ = ["add_routes"]


# A stories feed's title names its filters as the page's form does, values as a reader knows them (Spanish, not es).
_LABELS = {"entity": "entity", "language": "language", "source": "source", "tag": "feed tag", "rule": "alerted by rule",
           "q": "search"}


def _shown(name: str, value: str, entity: dict | None) -> str:
    if name == "entity":
        return (entity or {}).get("name") or value
    return language_name(value) if name == "language" else value


def add_routes(app: web.Application, room) -> None:  # room: services.newsroom.server.Newsroom
    cfg = room.cfg

    def paged(request: web.Request, result: dict, page: int) -> dict:
        nxt = f"{request.path}?{with_params(request.query, page=page + 1)}" if result["more"] else None
        return {"items": result["items"], "page": page, "next": nxt}

    async def stories(request: web.Request) -> web.Response:
        query, entity = await room.story_query(request.query, default_limit=cfg.page_size)
        result = await room.read(room.store.stories, query)
        answer = paged(request, result, query.offset // query.limit + 1)
        if entity is not None:
            answer["entity"] = entity  # what the entity filter was taken to mean
        return room.json(request, answer)

    async def story(request: web.Request) -> web.Response:
        found = await room.read(room.store.story, request.match_info["story_id"])
        if found is None:
            return web.json_response({"error": "no such story"}, status=404)
        return room.json(request, found)

    async def article(request: web.Request) -> web.Response:
        found = await room.read(room.store.article, request.match_info["article_id"])
        if found is None:
            return web.json_response({"error": "no such article"}, status=404)
        return room.json(request, found)

    async def entity(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        found = await room.read(room.store.entity, key, limit=cfg.page_size, people=people_of(request.query))
        if found is None:
            # A name (/api/entities/NATO) goes to the entity's key, as its page and its feed take names.
            try:
                _, named = await room.story_query({"entity": key}, default_limit=1)
            except QueryError as exc:  # not a name the gazetteer knows, or ambiguous: which, and the nearest names
                return web.json_response({"error": f"no such entity: {str(exc).removeprefix('entity: ')}", **exc.details},
                                         status=404)
            if named["key"] != key:
                query = f"?{request.query_string}" if request.query_string else ""
                raise web.HTTPSeeOther(f"/api/entities/{quote(named['key'], safe='')}{query}")
            said = f"no stored report names {named['name']} ({key})" if named.get("name") else "no such entity"
            return web.json_response({"error": said}, status=404)
        return room.json(request, found)

    async def alerts(request: web.Request) -> web.Response:
        page, limit = page_of(request.query, cfg.page_size)
        result = await room.read(room.store.alerts, rule=request.query.get("rule") or None,
                                 story=request.query.get("story") or None,
                                 since=parse_time("since", request.query.get("since"), time.time()),
                                 limit=limit, offset=(page - 1) * limit)
        return room.json(request, paged(request, result, page))

    async def facets(request: web.Request) -> web.Response:
        return room.json(request, await room.facets())

    async def openapi(request: web.Request) -> web.Response:
        return room.json(request, openapi_document(room.base_url(request)))

    async def alerts_atom(request: web.Request) -> web.Response:
        rule = request.query.get("rule") or None
        result = await room.read(room.store.alerts, rule=rule, limit=50)
        base = room.base_url(request)
        # Its own address as one spelling of it: the same feed asked for in any way is the same bytes (and ETag).
        self_url = f"{base}{request.path}" + (f"?rule={quote(rule, safe='')}" if rule else "")
        body = alerts_feed(result["items"], base=base, self_url=self_url, rule=rule)
        return room.cached(request, body, ATOM_TYPE)

    async def stories_atom(request: web.Request) -> web.Response:
        params = dict(request.query)
        key = request.match_info.get("key")
        if key:
            params["entity"] = key
        query, entity = await room.story_query(params, default_limit=50)
        result = await room.read(room.store.stories, query)
        base = room.base_url(request)
        # The feed's id, title and links do not follow the order (or spelling) of the query: one feed, one id, one ETag.
        named = feed_params(params, entity=query.entity)
        if key:  # by the key the path's id or name resolved to, and its name as stored, else as the gazetteer gives it
            found = await room.read(room.store.entity, query.entity, limit=1)
            title = f"wirewatch: stories about {(found or {}).get('name') or (entity or {}).get('name') or key}"
            title += " or its people" if query.people else ""
            html = f"{base}/entities/{quote(query.entity, safe='')}"
        else:
            described = ", ".join(f"{_LABELS[k]} {_shown(k, v, entity)}" for k, v in parse_qsl(named) if k in _LABELS)
            title = "wirewatch stories" + (f" ({described})" if described else "")
            html = f"{base}/?{named}"
        asked = {k: v for k, v in request.query.items() if not (key and k == "entity")}  # the entity's path names it
        own = feed_params(asked, entity=None if key else query.entity, paging=True)
        self_url = f"{base}{request.path}" + (f"?{own}" if own else "")
        body = stories_feed(result["items"], title=title, feed_key=f"stories?{named}", base=base, self_url=self_url,
                            html_url=html)
        return room.cached(request, body, ATOM_TYPE)

    app.router.add_get("/api/stories", stories)
    app.router.add_get("/api/stories/{story_id:.+}", story)
    app.router.add_get("/api/articles/{article_id:.+}", article)
    app.router.add_get("/api/entities/{key:.+}", entity)
    app.router.add_get("/api/alerts", alerts)
    app.router.add_get("/api/facets", facets)
    app.router.add_get("/api/openapi.json", openapi)
    app.router.add_get("/feeds/alerts.atom", alerts_atom)
    app.router.add_get("/feeds/stories.atom", stories_atom)
    app.router.add_get("/feeds/entities/{key:.+}.atom", stories_atom)
