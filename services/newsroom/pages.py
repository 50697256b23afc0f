"""The web page: server-rendered HTML (Jinja2, every value escaped), refreshed live by static/newsroom.js."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape

from services.newsroom.languages import language_name
from services.newsroom.query import FILTERS, QueryError, page_of, people_of, with_params
from services.newsroom.timeline import timeline_chart

__all__ = ["add_routes", "render"]

# The time filter is by when reports were received (fetched): what a reader watching the wire means by "last
# hour", and what newest-first orders by; a backlog published years ago but received now is new to them.
SPANS = [("", "any time"), ("1h", "in the last hour"), ("24h", "in the last 24 hours"), ("7d", "in the last 7 days"),
         ("30d", "in the last 30 days")]


def _when(value: str | None) -> str:
    if not value:
        return "unknown"
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _safe_url(value: str | None) -> str | None:
    """Only http(s) links are links: a javascript: or data: URL from a feed is shown as text, never followed."""
    if not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def _local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this site, else "/" (never an open redirect).

    A browser takes "//host" and "/" + backslash + "host" for another site, and drops tabs and newlines from a URL
    (so "/", tab, "/host" is "//host"): the path must start with one "/" followed by neither "/" nor a backslash,
    and hold no control character.
    """
    if not target or target[0] != "/" or target[1:2] in ("/", "\\") or any(c < " " or c == "\x7f" for c in target):
        return "/"
    return target


# The rules that join across languages below the threshold, by a clear margin over every other story.
_ACROSS = {
    "cross-language-nearest": "In another language: its meaning is clearly nearer this story than any other",
    "cross-language-names": "In a language nothing here reads: its names, in any script, clearly meet this story's more than any other's",
    "cross-language-words": "In a language nothing here reads: its words and names clearly meet this story's more than any other's",
}


def _explain(ev: dict) -> list[str]:
    """The story stage's StoryEvidence in words."""
    parts = [f"{name} {ev[key]:.2f}" for name, key in (("entities", "entity_score"), ("words", "text_score"),
                                                        ("meaning", "embedding_similarity")) if isinstance(ev.get(key), (int, float))]
    verb = {"joined": "Joined", "created": "Opened the story", "duplicate": "A re-sent copy"}.get(ev.get("decision"), "Placed")
    score = ev.get("score")
    if ev.get("decision") == "created" and not ev.get("compared"):
        lines = ["Opened the story: no live story was close"]
    elif isinstance(score, (int, float)):
        against = "the closest live story scored" if ev.get("decision") == "created" else "score"
        lines = [f"{verb}: {against} {score:.2f} against the threshold {ev.get('threshold', 0):.2f}"
                 + (f" ({', '.join(parts)})" if parts else "")]
    else:
        lines = [verb]
    if ev.get("decision") == "joined" and ev.get("rule") in _ACROSS:
        lines.append(_ACROSS[ev["rule"]])
    if ev.get("copy_of"):
        lines = [f"A copy of {ev['copy_of']}: the same text republished, so it joined that report's story"]
    if ev.get("shared_entities"):
        lines.append("Shares " + ", ".join(map(str, ev["shared_entities"][:8])))
    if ev.get("shared_names"):
        lines.append("Shared names: " + ", ".join(map(str, ev["shared_names"][:10])))
    if ev.get("shared_words"):
        lines.append("Shared words: " + ", ".join(map(str, ev["shared_words"][:10])))
    if ev.get("undated"):
        lines.append("Its time is unknown (no publication date).")
    return lines


def _why(evidence: object) -> list[str]:
    """Why a report is in its story, from whatever evidence its message carried (nothing: no lines)."""
    if not evidence:
        return []
    if isinstance(evidence, dict):
        inner = evidence.get("story_evidence") or evidence.get("evidence")
        if isinstance(inner, dict) and "score" in inner:
            return _explain(inner)
        if inner is not None:
            return _why(inner)
        return [f"{str(k).replace('_', ' ')}: {v}" for k, v in evidence.items()]
    if isinstance(evidence, (list, tuple)):
        return [str(e) if not isinstance(e, dict) else "; ".join(f"{k}: {v}" for k, v in e.items()) for e in evidence]
    return [str(evidence)]


def _entity_keys(entities: Iterable[dict]) -> list[str]:
    """The keys of entities as a story lists them, with those of the words for a country's people folded into each."""
    return [key for e in entities for key in (e["key"], *(p["key"] for p in e.get("people", ())))]


ENV = Environment(loader=PackageLoader("services.newsroom", "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(when=_when, safe_url=_safe_url, q=lambda v: quote(str(v), safe=""), why=_why,
                   language=language_name, entity_keys=_entity_keys)


def render(template: str, **context: object) -> str:
    return ENV.get_template(template).render(**context)


def add_routes(app: web.Application, room) -> None:  # room: services.newsroom.server.Newsroom
    cfg = room.cfg

    def html(request: web.Request, text: str, status: int = 200) -> web.Response:
        return room.cached(request, text.encode(), "text/html; charset=utf-8", status)

    async def list_context(request: web.Request) -> dict:
        query, entity = await room.story_query(request.query, default_limit=cfg.page_size)
        result = await room.read(room.store.stories, query)
        page = query.offset // query.limit + 1
        params = dict(request.query)
        return {"stories": result["items"], "page": page, "params": params, "entity": entity,
                "next": with_params(params, page=page + 1) if result["more"] else None,
                "prev": with_params(params, page=page - 1) if page > 1 else None,
                "first": with_params(params, page=None),
                "fragment": "/fragments/stories?" + with_params(params),
                "without_entity": with_params(params, entity=None, people=None, page=None),
                "feed": "/feeds/stories.atom?" + with_params(params, page=None, limit=None)}

    async def index(request: web.Request) -> web.Response:
        since = room.hub.last_id  # read before the store: a write after this is replayed to the page
        context = await list_context(request)
        facets = await room.facets()
        filtered = any(request.query.get(k) for k in FILTERS if k != "order")
        return html(request, render("index.html", facets=facets, spans=SPANS, filtered=filtered, live_since=since,
                                    **context))

    async def stories_fragment(request: web.Request) -> web.Response:
        return html(request, render("_stories.html", **(await list_context(request))))

    async def story_context(request: web.Request) -> dict | None:
        story = await room.read(room.store.story, request.match_info["story_id"])
        if story is None:
            return None
        return {"story": story, "chart": timeline_chart(story["timeline"])}

    async def story(request: web.Request) -> web.Response:
        since = room.hub.last_id  # read before the store: a write after this is replayed to the page
        context = await story_context(request)
        if context is None:
            # An alert can be stored before its story's reports (the alerter is quicker): its link is not a dead end,
            # but a page that says so, shows the alerts, and fills in live when the reports arrive.
            story_id = request.match_info["story_id"]
            alerted = await room.read(room.store.alerts, story=story_id, limit=50)
            if alerted["items"]:
                return html(request, render("story_pending.html", live_since=since, story_id=story_id,
                                            alerts=alerted["items"]))
            return html(request, render("error.html", message="No such story (it may have expired)."), 404)
        return html(request, render("story.html", live_since=since, **context))

    async def story_fragment(request: web.Request) -> web.Response:
        context = await story_context(request)
        if context is None:
            return html(request, "", 404)
        return html(request, render("_story.html", **context))

    async def entity(request: web.Request) -> web.Response:
        key = request.match_info["key"]
        found = await room.read(room.store.entity, key, limit=cfg.page_size, people=people_of(request.query))
        if found is None:
            # A name (/entities/NATO) or an id in another spelling goes to the entity's page, as the filter takes it.
            try:
                _, named = await room.story_query({"entity": key}, default_limit=1)
            except QueryError as exc:  # not a name the gazetteer knows, or ambiguous: says which, and the nearest names
                return html(request, render("error.html", message=f"No such entity: {str(exc).removeprefix('entity: ')}"), 404)
            if named["key"] != key:
                raise web.HTTPSeeOther(f"/entities/{quote(named['key'], safe='')}")
            said = f"No stored report names {named['name']} ({key})." if named.get("name") else "No such entity."
            return html(request, render("error.html", message=said), 404)
        return html(request, render("entity.html", entity=found))

    async def article(request: web.Request) -> web.Response:
        found = await room.read(room.store.article, request.match_info["article_id"])
        if found is None:
            return html(request, render("error.html", message="No such article (it may have expired)."), 404)
        return html(request, render("article.html", article=found))

    async def alerts_context(request: web.Request) -> dict:
        page, limit = page_of(request.query, 50)
        rule = request.query.get("rule") or None
        result = await room.read(room.store.alerts, rule=rule, limit=limit, offset=(page - 1) * limit)
        params = {k: v for k, v in request.query.items() if k in ("rule", "limit")}
        return {"alerts": result["items"], "page": page, "rule": rule,
                "next": with_params(params, page=page + 1) if result["more"] else None,
                "prev": with_params(params, page=page - 1) if page > 1 else None,
                "fragment": "/fragments/alerts?" + with_params(params)}

    async def alerts(request: web.Request) -> web.Response:
        since = room.hub.last_id  # read before the store: a write after this is replayed to the page
        return html(request, render("alerts.html", live_since=since, **(await alerts_context(request))))

    async def alerts_fragment(request: web.Request) -> web.Response:
        return html(request, render("_alerts.html", **(await alerts_context(request))))

    async def login_form(request: web.Request) -> web.Response:
        return web.Response(text=render("login.html", next=_local_path(request.query.get("next")), failed=False),
                            content_type="text/html")

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        target = _local_path(str(form.get("next") or "/"))
        given = form.get("token")
        # In constant time: how long a wrong token takes to refuse says nothing of how much of it was right.
        if not room.token or not isinstance(given, str) or not hmac.compare_digest(given.encode(), room.token.encode()):
            return web.Response(text=render("login.html", next=target, failed=True), content_type="text/html", status=401)
        from services.newsroom.server import COOKIE

        response = web.Response(status=303, headers={"Location": target})
        response.set_cookie(COOKIE, room.session_value(), httponly=True, samesite="Strict", path="/",
                            secure=request.secure, max_age=30 * 86400)
        return response

    app.router.add_get("/", index)
    app.router.add_get("/fragments/stories", stories_fragment)
    app.router.add_get("/stories/{story_id:.+}", story)
    app.router.add_get("/fragments/story/{story_id:.+}", story_fragment)
    app.router.add_get("/entities/{key:.+}", entity)
    app.router.add_get("/articles/{article_id:.+}", article)
    app.router.add_get("/alerts", alerts)
    app.router.add_get("/fragments/alerts", alerts_fragment)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
