"""The newsroom's HTTP API, Atom feeds and pages on a real aiohttp server over a real SQLite store."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from urllib.parse import quote

import aiohttp
import feedparser
import pytest

from services.newsroom.live import LiveHub
from services.newsroom.server import CSP, Newsroom
from services.newsroom.settings import NewsroomSettings
from services.newsroom.sqlite import SQLiteStore
from tests.unit.test_newsroom_store import NOW, alert, article, dated, open_store  # noqa: F401 - open_store: both backends

STORY = "https://wire.example/2026/11/30/nato-kyiv?ref=rss"  # story ids are article ids: slashes, colons, queries
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> & "quotes" \x0b'


@pytest.fixture
async def newsroom(tmp_path):
    rooms = []

    async def start(**settings):
        store = SQLiteStore(tmp_path / "newsroom.sqlite3")
        store.write_article(article(1, STORY, keys=("Q7184", "Q1899")), now=NOW)
        store.write_article(article(2, STORY, language="es", source="efe", keys=("Q7184", "Q3595028")), now=NOW)
        store.write_article(article(3, "other", title=HOSTILE, source="evil"), now=NOW)
        store.write_alert(alert(STORY), now=NOW)
        store.write_alert(alert("other", rule=HOSTILE), now=NOW)
        room = Newsroom(store, LiveHub(), NewsroomSettings(**settings), token="s3cret")
        port = await room.start("127.0.0.1", 0)
        rooms.append(room)
        return f"http://127.0.0.1:{port}"

    yield start
    for room in rooms:
        await room.stop()
        room.store.close()


async def get(url: str, **headers: str) -> tuple[int, dict, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers, allow_redirects=False) as r:
        return r.status, r.headers.copy(), await r.read()


async def test_story_list_filters_and_pages(newsroom):
    base = await newsroom()
    status, headers, body = await get(f"{base}/api/stories?language=es")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    import orjson

    page = orjson.loads(body)
    assert [s["id"] for s in page["items"]] == [STORY] and page["next"] is None
    assert page["items"][0]["entities"][0]["name"] == "NATO"
    page = orjson.loads((await get(f"{base}/api/stories?limit=1"))[2])
    assert len(page["items"]) == 1 and page["next"] == "/api/stories?limit=1&page=2"
    status, _, body = await get(f"{base}/api/stories?order=loudest")
    assert status == 400 and b"order" in body


async def test_one_story_with_reports_timeline_and_alerts_by_its_url_encoded_id(newsroom):
    import orjson

    base = await newsroom()
    status, _, body = await get(f"{base}/api/stories/{quote(STORY, safe='')}")
    story = orjson.loads(body)
    assert status == 200 and story["id"] == STORY
    assert [a["language"] for a in story["articles"]] == ["en", "es"]
    assert story["alerts"][0]["rule_id"] == "nato"
    assert sum(t["articles"] for t in story["timeline"]) == 2
    article_ = orjson.loads((await get(f"{base}/api/articles/{quote('efe/2', safe='')}"))[2])
    assert article_["original_title"].startswith("El jefe") and "changes" in article_
    entity = orjson.loads((await get(f"{base}/api/entities/Q7184"))[2])
    assert entity["name"] == "NATO" and {s["id"] for s in entity["stories"]} == {STORY, "other"}
    assert (await get(f"{base}/api/stories/nope"))[0] == 404


async def test_an_unchanged_answer_is_a_304_by_etag(newsroom):
    base = await newsroom()
    status, headers, _ = await get(f"{base}/api/stories")
    again = await get(f"{base}/api/stories", **{"If-None-Match": headers["ETag"]})
    assert again[0] == 304 and again[2] == b""
    other = await get(f"{base}/api/stories?language=es", **{"If-None-Match": headers["ETag"]})
    assert other[0] == 200


async def test_an_empty_feed_keeps_its_etag_so_a_feed_reader_is_answered_304(open_store):
    store = open_store()
    room, base = await serve(store)
    feeds = ("/feeds/alerts.atom", "/feeds/alerts.atom?rule=nato", "/feeds/stories.atom", "/feeds/entities/Q7184.atom")
    try:
        first = {path: await get(base + path) for path in feeds}
        again = {path: await get(base + path, **{"If-None-Match": first[path][1]["ETag"]}) for path in feeds}
        store.write_article(article(1, STORY), now=NOW)
        store.write_alert(alert(STORY), now=NOW)
        after = {path: await get(base + path, **{"If-None-Match": first[path][1]["ETag"]}) for path in feeds}
    finally:
        await room.stop()
    for path in feeds:
        feed = feedparser.parse(first[path][2])
        assert first[path][0] == 200 and not feed.bozo and not feed.entries, path
        assert feed.feed.updated == "1970-01-01T00:00:00Z", "nothing was ever updated: a fixed instant, not the request's"
        assert (again[path][0], again[path][2]) == (304, b""), path
        # The first entry changes the feed, and the reader gets it.
        assert after[path][0] == 200 and len(feedparser.parse(after[path][2]).entries) == 1, path


async def test_atom_feeds_are_valid_and_escape_hostile_text(newsroom):
    base = await newsroom()
    for path in ("/feeds/alerts.atom", "/feeds/entities/Q7184.atom", "/feeds/stories.atom?language=es"):
        status, headers, body = await get(base + path)
        assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
        feed = feedparser.parse(body)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10" and feed.entries
    alerts = feedparser.parse((await get(base + "/feeds/alerts.atom"))[2])
    hostile = next(e for e in alerts.entries if "other" in e.link)
    assert "<script>" in hostile.title, "the text arrives as text, escaped in the XML"
    assert b"<script>" not in (await get(base + "/feeds/alerts.atom"))[2]
    every = feedparser.parse((await get(base + "/feeds/alerts.atom"))[2])
    nato = feedparser.parse((await get(base + "/feeds/alerts.atom?rule=nato"))[2])  # one rule's feed is a feed of its own
    assert every.feed.id != nato.feed.id and [e.link for e in nato.entries] == [f"{base}/stories/{quote(STORY, safe='')}"]
    assert (every.feed.title, nato.feed.title) == ("wirewatch alerts", "wirewatch alerts of rule nato")
    assert (every.feed.link, nato.feed.link) == (f"{base}/alerts", f"{base}/alerts?rule=nato")  # the same alerts as a page
    spanish = feedparser.parse((await get(base + "/feeds/stories.atom?language=es"))[2])
    assert spanish.entries[0].summary.startswith("2 reports in English, Spanish from efe, wire")  # languages by name


async def test_a_feed_is_one_feed_whatever_the_order_or_spelling_of_its_query(newsroom):
    base = await newsroom()
    spellings = ("/feeds/stories.atom?language=es&source=efe", "/feeds/stories.atom?source=efe&language=es",
                 "/feeds/stories.atom?source=+efe&order=newest&q=&language=es")
    first, *others = [await get(base + path) for path in spellings]
    feed = feedparser.parse(first[2])
    assert feed.entries and feed.feed.id == "tag:wirewatch.newsroom,2026:feed:stories%3Flanguage%3Des%26source%3Defe"
    assert feed.feed.title == "wirewatch stories (language Spanish, source efe)"
    assert [link.href for link in feed.feed.links] == [f"{base}/feeds/stories.atom?language=es&source=efe",
                                                        f"{base}/?language=es&source=efe"]
    for path, answer in zip(spellings[1:], others):
        assert answer[2] == first[2] and answer[1]["ETag"] == first[1]["ETag"], path
        # A feed reader that fetched it by one spelling is answered 304 by another.
        assert (await get(base + path, **{"If-None-Match": first[1]["ETag"]}))[0] == 304, path
    # An entity by any of its names is the feed of its key; another filter, another order or another entity is another feed.
    ids = {path: feedparser.parse((await get(base + path))[2]).feed.id
           for path in ("/feeds/stories.atom?entity=NATO", "/feeds/stories.atom?entity=Q7184", "/feeds/entities/Q7184.atom",
                        "/feeds/stories.atom?language=es", "/feeds/stories.atom?order=active&language=es&source=efe",
                        "/feeds/stories.atom?entity=Q1899")}
    assert len(set(ids.values())) == 4 and feed.feed.id not in ids.values()
    assert ids["/feeds/stories.atom?entity=NATO"] == ids["/feeds/stories.atom?entity=Q7184"] == ids["/feeds/entities/Q7184.atom"]
    # An entity's feed by a name in its path is that entity's, linked to its page; one no story names yet is named all the same.
    named = feedparser.parse((await get(base + "/feeds/entities/NATO.atom"))[2]).feed
    assert (named.id, named.title, named.link) == (ids["/feeds/entities/Q7184.atom"], "wirewatch: stories about NATO",
                                                   f"{base}/entities/Q7184")
    assert feedparser.parse((await get(base + "/feeds/entities/Q79.atom"))[2]).feed.title == "wirewatch: stories about Egypt"
    by_name = feedparser.parse((await get(base + "/feeds/stories.atom?language=en&entity=nato"))[2]).feed
    assert by_name.title == "wirewatch stories (entity NATO, language English)"
    searched = feedparser.parse((await get(base + "/feeds/stories.atom?rule=nato&q=kyiv"))[2]).feed
    assert searched.title == "wirewatch stories (search kyiv, alerted by rule nato)"
    # The alerts feed too: its link to itself is one spelling, whatever else the query held.
    alerts = [await get(base + path) for path in ("/feeds/alerts.atom?rule=nato", "/feeds/alerts.atom?utm_source=x&rule=nato")]
    assert alerts[0][2] == alerts[1][2] and alerts[0][1]["ETag"] == alerts[1][1]["ETag"]
    assert f'href="{base}/feeds/alerts.atom?rule=nato"'.encode() in alerts[0][2]


async def test_openapi_document_lists_every_api_path(newsroom):
    import orjson

    base = await newsroom()
    doc = orjson.loads((await get(f"{base}/api/openapi.json"))[2])
    assert doc["openapi"].startswith("3.1")
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/entities/{key}", "/api/alerts",
            "/feeds/alerts.atom", "/feeds/entities/{key}.atom"} <= set(doc["paths"])


async def test_openapi_document_describes_every_field_of_a_storys_reports_and_their_languages(newsroom):
    import orjson

    base = await newsroom()
    schemas = orjson.loads((await get(f"{base}/api/openapi.json"))[2])["components"]["schemas"]
    story = orjson.loads((await get(f"{base}/api/stories/{quote(STORY, safe='')}"))[2])
    documented = schemas["StoryArticle"]["properties"]
    assert {key for a in story["articles"] for key in a} <= set(documented)
    article_ = orjson.loads((await get(f"{base}/api/articles/{quote('efe/2', safe='')}"))[2])
    for schema, answer in ((documented, story["articles"][1]), (schemas["Article"]["properties"], article_)):
        assert answer["title_language"] == answer["body_language"] == "en"  # translated from Spanish
        assert "title" in schema["title_language"]["description"] and "body" in schema["body_language"]["description"]


async def test_pages_escape_hostile_text_and_send_a_strict_csp(newsroom):
    base = await newsroom()
    status, headers, body = await get(f"{base}/stories/other")
    assert status == 200 and headers["Content-Security-Policy"] == CSP and "script-src 'self'" in CSP
    assert b"<script>alert" not in body and b"<img src=x" not in body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
    status, headers, body = await get(f"{base}/")
    assert b"<script>alert" not in body and headers["X-Content-Type-Options"] == "nosniff"


async def test_the_story_header_dates_the_story_as_its_report_rows_do(tmp_path):
    import re

    fetched = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    store = SQLiteStore(tmp_path / "dates.sqlite3")
    store.write_article(dated(1, "backlog", published=datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc), fetched=fetched), now=NOW)
    store.write_article(dated(2, "backlog", published=datetime(2026, 11, 29, 18, 30, tzinfo=timezone.utc), fetched=fetched,
                              source="efe", language="es"), now=NOW)
    store.write_article(dated(3, "unknown", published=None, fetched=fetched), now=NOW)
    store.write_article(dated(4, "mixed", published=datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc), fetched=fetched), now=NOW)
    store.write_article(dated(5, "mixed", published=None, fetched=fetched, source="bbc"), now=NOW)
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token="s3cret")
    base = f"http://127.0.0.1:{await room.start('127.0.0.1', 0)}"
    try:
        pages = {story: (await get(f"{base}/stories/{story}"))[2].decode() for story in ("backlog", "unknown", "mixed")}
    finally:
        await room.stop()
        store.close()

    def header(page: str) -> str:
        return re.search(r'<p class="meta">(.*?)</p>', page, re.S).group(1)

    def rows(page: str) -> list[str]:
        return re.findall(r'<div class="report-head">.*?<time datetime="([^"]+)"', page, re.S)

    head = header(pages["backlog"])
    assert re.findall(r'<time datetime="([^"]+)"', head)[:2] == rows(pages["backlog"]) == ["2026-11-28T06:00:00Z", "2026-11-29T18:30:00Z"]
    assert "published 2026-11-28 06:00 UTC" in " ".join(re.sub(r"<[^>]+>", "", head).split())
    assert "published 2026-11-28 06:00 UTC – 2026-11-29 18:30 UTC" in " ".join(re.sub(r"<[^>]+>", "", head).split())
    # the fetch time is not the story's date; it is shown as when the reports were received
    # (both received in the same minute: one time, not a range from it to itself)
    assert " ".join(re.sub(r"<[^>]+>", "", head).split()).endswith("received 2026-12-01 09:00 UTC")
    head = " ".join(re.sub(r"<[^>]+>", "", header(pages["unknown"])).split())
    assert "received 2026-12-01 09:00 UTC" in head and "(publication time unknown)" in head
    head = " ".join(re.sub(r"<[^>]+>", "", header(pages["mixed"])).split())
    assert "published 2026-11-30 07:00 UTC – 2026-12-01 09:00 UTC" in head
    assert "(1 of 2 reports without a publication time, dated by when received)" in head


async def test_the_alerts_page_pages_back_through_every_alert_and_by_rule(newsroom):
    base = await newsroom()
    first = (await get(f"{base}/alerts?limit=1"))[2].decode()
    assert first.count('<li data-alert=') == 1 and '<a rel="next" href="/alerts?limit=1&amp;page=2">Older page</a>' in first
    second = (await get(f"{base}/alerts?limit=1&page=2"))[2].decode()
    assert second.count('<li data-alert=') == 1 and '<a rel="prev" href="/alerts?limit=1&amp;page=1">Newer page</a>' in second
    assert 'rel="next"' not in second
    story_links = [f'href="/stories/{quote(STORY, safe="")}"', 'href="/stories/other"']
    assert sorted(sum(link in page for link in story_links) for page in (first, second)) == [1, 1], "each alert on one page"
    assert any(story_links[0] in page for page in (first, second)) and any(story_links[1] in page for page in (first, second))
    nato = (await get(f"{base}/alerts?rule=nato"))[2].decode()
    assert "Alerts of rule nato" in text_of(nato) and nato.count('<li data-alert=') == 1
    assert '<a class="badge" href="/alerts?rule=nato">nato</a>' in first + second
    assert '<a href="/feeds/alerts.atom?rule=nato">Atom feed of these alerts</a>' in nato
    # What the live page fetches again when an alert arrives: the same list, of the same rule, without the page around it.
    assert 'data-live="alerts"' in nato and 'data-fragment="/fragments/alerts?rule=nato"' in nato
    fragment = (await get(f"{base}/fragments/alerts?rule=nato"))[2].decode()
    assert fragment.count('<li data-alert=') == 1 and "<h1" not in fragment and fragment.strip() in nato
    assert "<script>alert" not in first + second  # the hostile rule id is text
    beyond = (await get(f"{base}/alerts?limit=1&page=3"))[2].decode()
    assert "No older alerts." in beyond and '<a rel="prev" href="/alerts?limit=1&amp;page=2">Newer page</a>' in beyond
    status, _, body = await get(f"{base}/alerts?page=0")
    assert status == 400 and "page must be between 1 and 10000" in body.decode()


async def test_an_unknown_address_is_answered_as_the_newsroom_answers_not_found(newsroom):
    import orjson

    base = await newsroom()
    status, headers, body = await get(f"{base}/storys/nato")  # a mistyped page: the site's page, with its way back
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert "<title>Not found · wirewatch newsroom</title>" in body.decode() and '<a href="/">Back to the stories</a>' in body.decode()
    status, headers, body = await get(f"{base}/api/storys")  # the API answers in JSON, as its other errors are
    assert status == 404 and orjson.loads(body) == {"error": "No such path."}
    status, _, body = await get(f"{base}/?since=yesterday-ish")  # a bad filter is no "not found"
    assert status == 400 and "<title>Cannot show that · wirewatch newsroom</title>" in body.decode()


async def test_reads_can_require_the_ingest_token(newsroom):
    base = await newsroom(require_token=True)
    assert (await get(f"{base}/api/stories"))[0] == 401
    assert (await get(f"{base}/api/stories", Authorization="Bearer wrong"))[0] == 401
    assert (await get(f"{base}/api/stories", Authorization="Bearer s3cret"))[0] == 200
    status, headers, _ = await get(f"{base}/")
    assert status == 303 and headers["Location"].startswith("/login")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # unsafe: cookies for an IP host
        async with session.post(f"{base}/login", data={"token": "s3cret", "next": "/alerts"}, allow_redirects=False) as r:
            assert r.status == 303 and r.headers["Location"] == "/alerts"
            cookie = r.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "s3cret" not in cookie
        async with session.get(f"{base}/alerts", allow_redirects=False) as r:
            assert r.status == 200
        async with session.post(f"{base}/login", data={"token": "nope", "next": "//evil.example"}, allow_redirects=False) as r:
            assert r.status == 401
        for elsewhere in ("//evil.example", "/\\evil.example"):  # the right token does not send the browser off-site
            async with session.post(f"{base}/login", data={"token": "s3cret", "next": elsewhere}, allow_redirects=False) as r:
                assert r.status == 303 and r.headers["Location"] == "/", elsewhere


async def test_a_write_between_rendering_a_page_and_its_live_connection_still_reaches_the_page(tmp_path):
    """The page carries the number of the last event before it was rendered; connecting from there replays what
    landed in between (here: a new report of the story written and announced before the page connects)."""
    import re

    import orjson

    store = SQLiteStore(tmp_path / "live.sqlite3")
    store.write_article(article(1, STORY), now=NOW)
    hub = LiveHub()
    hub.publish("story", {"story_id": STORY, "article_id": "a1"})
    room = Newsroom(store, hub, NewsroomSettings(), token="s3cret")
    base = f"http://127.0.0.1:{await room.start('127.0.0.1', 0)}"

    async def events(since: str, n: int) -> list[tuple[str, dict]]:
        heard, kind = [], None
        async with aiohttp.ClientSession() as session, session.get(f"{base}/events?last={since}") as r:
            async for line in r.content:
                if line.startswith(b"event: "):
                    kind = line[7:].strip().decode()
                elif line.startswith(b"data: "):
                    heard.append((kind, orjson.loads(line[6:])))
                    if len(heard) == n:
                        return heard
        return heard

    try:
        for path in ("/", "/stories/" + quote(STORY, safe="")):
            page = (await get(base + path))[2].decode()
            since = re.search(r'data-live-since="(\d+)"', page).group(1)
            late = article(len(path) + 10, STORY, language="es", source="efe")
            store.write_article(late, now=NOW)  # the agent's write and announcement, before the page connects
            hub.publish("story", {"story_id": STORY, "article_id": late.id})
            assert await asyncio.wait_for(events(since, 1), 10) == [("story", {"story_id": STORY, "article_id": late.id})]
        # A browser back from a restarted server (its last id is ahead of this run's numbering) is told to refetch.
        assert (await asyncio.wait_for(events("9999", 1), 10)) == [("resync", {})]
    finally:
        await room.stop()
        store.close()


async def serve(store) -> tuple[Newsroom, str]:
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token="s3cret")
    return room, f"http://127.0.0.1:{await room.start('127.0.0.1', 0)}"


async def read_pages(store, *paths: str) -> list[tuple[int, str]]:
    """(status, text) of each path, on a newsroom served over ``store`` for as long as it takes; the store is closed after."""
    room, base = await serve(store)
    try:
        return [(status, body.decode()) for status, _, body in [await get(base + path) for path in paths]]
    finally:
        await room.stop()
        store.close()


def text_of(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_untranslated_text_is_labelled_as_such_and_marked_up_in_its_own_language(tmp_path):
    import re

    from tests.unit.test_newsroom_store import untranslated

    store = SQLiteStore(tmp_path / "languages.sqlite3")
    store.write_article(untranslated(1, "s1", "ar", "الأمين العام للناتو يزور كييف", source="ntrex-arb"), now=NOW)
    store.write_article(untranslated(2, "s2", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    store.write_article(article(3, "s2", language="es", source="efe"), now=NOW)
    room, base = await serve(store)
    try:
        story = (await get(f"{base}/stories/s1"))[2].decode()
        mixed = (await get(f"{base}/stories/s2"))[2].decode()
        listing = (await get(f"{base}/"))[2].decode()
        body = (await get(f"{base}/articles/ntrex-arb/1"))[2].decode()
    finally:
        await room.stop()
        store.close()
    # The Arabic report: its title is Arabic, said so, and marked up as Arabic text that may run right to left.
    assert '<h3 lang="ar" dir="auto"><a href="/articles/ntrex-arb%2F1">الأمين العام للناتو يزور كييف</a></h3>' in story
    # Its title is labelled as not translated, naming its language, right above the title marked up in it; nothing is
    # labelled English (the label a translated report carries, as the Spanish one does in the story below).
    assert re.search(r'<span class="label">Not translated \(Arabic\)</span>\s*<h3 lang="ar" dir="auto">', story)
    assert '<span class="label">English</span>' not in story
    assert '<span class="lang">Arabic</span>' in story  # the English word "Arabic" is not tagged as Arabic
    assert "Not translated. Original at ntrex-arb" in text_of(story)
    assert '<h1 id="story-title" lang="ar" dir="auto">' in story
    # The Greek report in a story titled by its translated Spanish report.
    assert '<h1 id="story-title" lang="en">NATO chief visits Kyiv, report 3</h1>' in mixed
    assert '<h3 lang="el" dir="auto"><a href="/articles/ert%2F2">' in mixed and "Not translated (Greek)" in text_of(mixed)
    assert '<h3 lang="en"><a href="/articles/efe%2F3">' in mixed and "Original (Spanish)" in text_of(mixed)
    assert re.search(r'<span class="label">English</span>\s*<h3 lang="en"><a href="/articles/efe%2F3">', mixed)
    # The list: every title carries its language; an untranslated one says so.
    assert '<h3 lang="ar" dir="auto"><a href="/stories/s1">' in listing and '<h3 lang="en"><a href="/stories/s2">' in listing
    assert "not translated (Arabic)" in text_of(listing) and "Greek" in text_of(listing)
    # The article page: the untranslated body is not headed English.
    assert '<h2 id="en-heading">Not translated (Arabic)</h2>' in body and '<div class="body" lang="ar" dir="auto">' in body


async def test_the_stories_feed_dates_each_story_by_its_reports_publication_times(tmp_path):
    from datetime import timedelta

    from tests.unit.test_newsroom_store import untranslated

    received = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
    store = SQLiteStore(tmp_path / "feeds.sqlite3")
    # A backlog published in 2014 and received today, one report without a publication time, one published this morning.
    store.write_article(dated(1, "backlog", published=datetime(2014, 3, 2, 10, 0, tzinfo=timezone.utc), fetched=received), now=NOW)
    store.write_article(dated(2, "backlog", published=datetime(2014, 3, 3, 12, 0, tzinfo=timezone.utc),
                              fetched=received + timedelta(hours=1), source="efe"), now=NOW)
    store.write_article(dated(3, "undated", published=None, fetched=received - timedelta(hours=1)), now=NOW)
    store.write_article(dated(4, "recent", published=received - timedelta(hours=2), fetched=received - timedelta(hours=1, minutes=30)),
                        now=NOW)
    store.write_article(untranslated(5, "greek", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert",
                                     at=datetime(2026, 12, 4, 0, 0, tzinfo=timezone.utc)), now=NOW)
    room, base = await serve(store)
    try:
        body = (await get(f"{base}/feeds/stories.atom"))[2]
        # A report of the backlog that says nothing new of its dates changes neither its entry's id nor its dates.
        store.write_article(dated(6, "backlog", published=datetime(2014, 3, 2, 11, 0, tzinfo=timezone.utc),
                                  fetched=received + timedelta(hours=2), source="bbc"), now=NOW)
        again = feedparser.parse((await get(f"{base}/feeds/stories.atom"))[2])
    finally:
        await room.stop()
        store.close()
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.get("bozo_exception")
    dates = {e.id.rsplit(":", 1)[1]: (e.published, e.updated) for e in feed.entries}
    assert dates == {"backlog": ("2014-03-02T10:00:00Z", "2014-03-03T12:00:00Z"),
                     "undated": ("2026-12-05T07:00:00Z", "2026-12-05T07:00:00Z"),  # received: no publication time
                     "recent": ("2026-12-05T06:00:00Z", "2026-12-05T06:00:00Z"),
                     "greek": ("2026-12-04T00:05:00Z", "2026-12-04T00:05:00Z")}
    assert [e.id.rsplit(":", 1)[1] for e in feed.entries] == ["undated", "recent", "greek", "backlog"]  # newest first
    assert feed.feed.updated == "2026-12-05T09:00:00Z"  # the feed changed when a report was last received
    assert {e.id: (e.published, e.updated) for e in again.entries} == {e.id: (e.published, e.updated) for e in feed.entries}
    assert again.feed.updated == "2026-12-05T10:00:00Z"
    assert b'<title type="text" xml:lang="el">' in body and b'<title type="text" xml:lang="en">' in body


async def test_an_alerts_title_is_marked_up_in_the_language_of_the_report_it_came_from(tmp_path):
    import orjson

    from tests.unit.test_newsroom_store import untranslated

    arabic = "الأمين العام للناتو يزور كييف"
    store = SQLiteStore(tmp_path / "alerts.sqlite3")
    store.write_article(untranslated(1, "s1", "ar", arabic, source="ntrex-arb"), now=NOW)
    store.write_article(article(2, "s2", language="es", source="efe"), now=NOW)  # translated: its title is English
    store.write_alert(alert("s1", rule="ar").model_copy(update={  # the summary as the alerter writes it: the title again
        "title": arabic, "article_ids": ["ntrex-arb/1"], "summary": f'ar: "{arabic}" (ntrex-arb, ar)'}), now=NOW)
    store.write_alert(alert("s2", rule="es").model_copy(update={"title": "NATO chief visits Kyiv, report 2",
                                                                "article_ids": ["efe/2"]}), now=NOW)
    # Its report not stored (yet, or any more): the title's language is not known, and not claimed.
    store.write_alert(alert("s3", rule="unknown").model_copy(update={"title": "Ο ΝΑΤΟ στο Κίεβο", "article_ids": ["ert/9"]}), now=NOW)
    room, base = await serve(store)
    try:
        page = (await get(f"{base}/alerts"))[2].decode()
        story = (await get(f"{base}/stories/s1"))[2].decode()
        feed = (await get(f"{base}/feeds/alerts.atom"))[2].decode()
        api = orjson.loads((await get(f"{base}/api/alerts"))[2])
    finally:
        await room.stop()
        store.close()
    assert f'<a href="/stories/s1" lang="ar" dir="auto">{arabic}</a>' in page
    assert f"{arabic} not translated (Arabic)" in text_of(page)
    assert '<a href="/stories/s2" lang="en">NATO chief visits Kyiv, report 2</a>' in page
    assert '<a href="/stories/s3" lang="" dir="auto">Ο ΝΑΤΟ στο Κίεβο</a>' in page
    assert text_of(page).count("not translated") == 1
    # The title is shown once, marked up; the summary, which repeats it unmarked, is shown in its parts.
    assert page.count(arabic) == 1 and "(ntrex-arb, ar)" not in page and "fired · matched: entity:Q7184" in text_of(page)
    assert f'<q lang="ar" dir="auto">{arabic}</q> <span class="untranslated">not translated (Arabic)</span>' in story
    assert story.count(arabic) == 4  # the window title, the heading, the alert and the report, each once
    assert {a["rule_id"]: a["title_language"] for a in api["items"]} == {"ar": "ar", "es": "en", "unknown": None}
    assert f'<title type="text" xml:lang="ar">[ar] {arabic}</title>' in feed  # and in the alerts feed
    assert '<title type="text">[unknown] Ο ΝΑΤΟ στο Κίεβο</title>' in feed


async def test_an_alert_whose_report_never_arrives_is_marked_up_in_the_language_the_alerter_gave(open_store):  # noqa: F811
    import orjson

    greek = "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο"
    store = open_store()
    store.write_alert(alert("s3", rule="greek").model_copy(update={
        "title": greek, "title_language": "el", "article_ids": ["ert/9"], "summary": f'greek: "{greek}" (ert, el)'}), now=NOW)
    store.write_alert(alert("s4", rule="wire").model_copy(update={
        "title": "NATO chief in Kyiv", "title_language": "en", "article_ids": ["wire/9"]}), now=NOW)
    (_, page), (_, story), (_, feed), (_, api) = await read_pages(store, "/alerts", "/stories/s3", "/feeds/alerts.atom",
                                                                  "/api/alerts")
    assert f'<a href="/stories/s3" lang="el" dir="auto">{greek}</a>' in page
    assert f"{greek} not translated (Greek)" in text_of(page) and text_of(page).count("not translated") == 1
    assert '<a href="/stories/s4" lang="en">NATO chief in Kyiv</a>' in page
    assert "data-awaits-report" not in page  # its language is known: nothing to wait for
    assert f'<q lang="el" dir="auto">{greek}</q> <span class="untranslated">not translated (Greek)</span>' in story
    assert {a["rule_id"]: a["title_language"] for a in orjson.loads(api)["items"]} == {"greek": "el", "wire": "en"}
    assert f'<title type="text" xml:lang="el">[greek] {greek}</title>' in feed
    assert '<title type="text" xml:lang="en">[wire] NATO chief in Kyiv</title>' in feed


async def test_the_entity_filter_takes_names_as_alert_rules_do_and_says_why_a_name_finds_nothing(newsroom):
    import orjson

    base = await newsroom()

    async def stories(entity: str) -> tuple[int, dict]:
        status, _, body = await get(f"{base}/api/stories?entity={quote(entity)}")
        return status, orjson.loads(body)

    by_id = await stories("Q7184")
    for name in ("NATO", "nato", "North Atlantic Treaty Organization", "OTAN"):
        status, page = await stories(name)
        assert status == 200 and [s["id"] for s in page["items"]] == [s["id"] for s in by_id[1]["items"]], name
        assert page["entity"] == {"key": "Q7184", "name": "NATO", "as_written": name}
    status, page = await stories("Egypt")  # a place the gazetteer knows that no stored story names: empty, and why
    assert status == 200 and page["items"] == [] and page["entity"]["key"] == "Q79"
    status, page = await stories("Egpyt")
    assert status == 400 and "'Egpyt' is not a name the gazetteer knows" in page["error"] and "did you mean 'Egypt' (Q79)" in page["error"]
    assert page["suggestions"][0] == {"key": "Q79", "name": "Egypt", "alias": "Egypt"}
    status, page = await stories("Q79")  # an id is taken as it is
    assert status == 200 and page["entity"] == {"key": "Q79", "name": "Egypt", "as_written": "Q79"}
    status, _, body = await get(f"{base}/?entity=Egpyt")  # the page says it too
    assert status == 400 and "did you mean" in body.decode()
    status, _, body = await get(f"{base}/?entity=nato")
    assert status == 200 and 'Stories about <a href="/entities/Q7184">NATO</a>' in body.decode()


async def test_a_backlog_is_listed_by_its_publication_time_with_its_receipt_time_labelled(tmp_path):
    received = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
    store = SQLiteStore(tmp_path / "times.sqlite3")
    store.write_article(dated(1, "backlog", published=datetime(2014, 3, 2, 10, 0, tzinfo=timezone.utc), fetched=received), now=NOW)
    store.write_article(dated(2, "undated", published=None, fetched=received), now=NOW)
    room, base = await serve(store)
    try:
        listing = text_of((await get(f"{base}/"))[2].decode())
        day = text_of((await get(f"{base}/?since=2026-12-05T00:00:00Z"))[2].decode())
        entity = text_of((await get(f"{base}/entities/Q7184"))[2].decode())
    finally:
        await room.stop()
        store.close()
    assert "latest published 2014-03-02 10:00 UTC last received 2026-12-05 08:00 UTC" in listing
    assert "publication time unknown last received 2026-12-05 08:00 UTC" in listing
    assert "latest 2026" not in listing
    assert "Received" in listing and "in the last 24 hours" in listing  # the time filter says what it filters on
    assert "last received 2026-12-05 08:00 UTC" in entity and "latest published 2014-03-02 10:00 UTC" in entity
    assert "latest published 2014-03-02" in day  # the time filter is by receipt: a 2014 report received today is in it


async def test_an_english_report_the_normalizer_repaired_is_shown_beside_its_text_before_repair_not_as_an_english_original(tmp_path):
    import re

    from schemas import Change

    repaired = article(1, "s1").model_copy(update={
        "original_title": "Stoltenberg promises Zelenski more air defence in kyiv",
        "title": "Stoltenberg promises Zelensky more air defence in Kyiv",
        "original_body": "Stoltenberg met Zelenskiduring a visit.", "body": "Stoltenberg met Zelensky during a visit.",
        "changes": [Change(kind="repair", rule="names:variant", field="title", before="Zelenski", after="Zelensky",
                           reason="name variant replaced by the canonical spelling")]})
    untouched = article(2, "s1").model_copy(update={"original_body": "NATO chief visits Kyiv, report 2 Body text."})
    store = SQLiteStore(tmp_path / "repaired.sqlite3")
    for report in (repaired, untouched, article(3, "s1", language="es", source="efe")):
        store.write_article(report, now=NOW)
    (_, story), (_, fixed), (_, plain), (_, spanish) = await read_pages(
        store, "/stories/s1", "/articles/wire%2F1", "/articles/wire%2F2", "/articles/efe%2F3")
    story = text_of(story)
    # On the story: the repaired title, and what it was before, said so; nothing calls English text an "original".
    assert ("English Stoltenberg promises Zelensky more air defence in Kyiv Before repair "
            "Stoltenberg promises Zelenski more air defence in kyiv") in story
    assert "Original (English)" not in story and "Original (Spanish) El jefe de la OTAN visita Kiev, nota 3" in story
    # Its page: the repaired text beside the text before repair.
    assert '<h2 id="en-heading">English, repaired</h2><div class="body" lang="en">Stoltenberg met Zelensky during a visit.</div>' in fixed
    assert re.search(r'<h2 id="orig-heading">Before repair</h2>\s*<h3 lang="en">Stoltenberg promises Zelenski more air defence in kyiv</h3>'
                     r'\s*<div class="body" lang="en">Stoltenberg met Zelenskiduring a visit.</div>', fixed)
    # A report the normalizer left as it was is shown once, under one heading; a translated one beside its original.
    assert '<h2 id="en-heading">English</h2>' in plain and "orig-heading" not in plain and plain.count("report 2 Body text.") == 1
    assert '<h2 id="orig-heading">Original (Spanish)</h2>' in spanish and "Before repair" not in spanish
    # The link to the publisher's page says whose it is, as on the story page, not a bare "Original" beside "Original (Spanish)".
    assert 'target="_blank">Original at efe</a>' in spanish and 'target="_blank">Original at wire</a>' in fixed
    # Which version of the report this is, in words: not "revision 0".
    assert "as first received" in text_of(plain) and "revision" not in text_of(plain)


async def test_a_report_that_came_without_a_headline_says_so_instead_of_showing_an_empty_original(tmp_path):
    first_sentence = "The Secretary General of the NATO, Mark Rutte, assured this Tuesday in Vilnius that the…"
    store = SQLiteStore(tmp_path / "headless.sqlite3")
    store.write_article(article(1, "s1", title=first_sentence).model_copy(update={
        "original_title": "", "original_body": first_sentence + " Body text."}), now=NOW)  # not repaired
    store.write_article(article(2, "s1", language="es", source="efe").model_copy(update={"original_title": ""}), now=NOW)
    (_, story), (_, english), (_, spanish) = await read_pages(store, "/stories/s1", "/articles/wire%2F1", "/articles/efe%2F2")
    story = text_of(story)
    said = "No headline It came without one: the title above is its text's first sentence."
    assert f"English {first_sentence} {said}" in story and story.count(said) == 2
    assert "Before repair" not in story and "Original (" not in story
    for page in (english, spanish):
        assert "It came without a headline: its title is its text's first sentence." in page and "<h3" not in page
    assert "orig-heading" not in english and '<h2 id="orig-heading">Original (Spanish)</h2>' in spanish


async def test_the_story_chart_says_how_many_reports_came_before_the_hours_it_shows(tmp_path):
    received = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
    store = SQLiteStore(tmp_path / "chart.sqlite3")
    # A 2014 backlog and a report without a publication time received today: 72 hours of the chart hold only today's.
    store.write_article(dated(1, "s1", published=datetime(2014, 3, 2, 10, 0, tzinfo=timezone.utc), fetched=received), now=NOW)
    store.write_article(dated(2, "s1", published=datetime(2014, 3, 2, 11, 0, tzinfo=timezone.utc), fetched=received,
                              source="efe"), now=NOW)
    store.write_article(dated(3, "s1", published=None, fetched=received, source="bbc"), now=NOW)
    store.write_article(dated(4, "s2", published=None, fetched=received), now=NOW)
    story, recent = [text_of(page) for _, page in await read_pages(store, "/stories/s1", "/stories/s2")]
    assert "The last 72 hours: 2 earlier reports, from 2014-03-02 10:00 UTC, are in the table." in story
    assert "earlier report" not in recent


async def test_a_page_past_the_last_says_so_and_leads_back_to_the_first(newsroom):
    base = await newsroom()
    page = (await get(f"{base}/?language=en&page=9"))[2].decode()
    assert "No more stories: page 9 is past the last." in text_of(page) and '<a href="/?language=en">First page</a>' in page
    assert "No stories match." in text_of((await get(f"{base}/?language=xx"))[2].decode())


async def test_the_time_filter_shows_a_time_the_menu_does_not_offer_as_chosen(newsroom):
    base = await newsroom()
    page = (await get(f"{base}/?since=2h"))[2].decode()
    assert '<option value="2h" selected>since 2h</option>' in page and '<option value="" selected>' not in page
    page = (await get(f"{base}/?since=24h"))[2].decode()
    assert '<option value="24h" selected>in the last 24 hours</option>' in page and "since 24h" not in page


async def test_the_story_of_an_alert_whose_reports_are_not_stored_is_a_page_that_says_so_not_a_dead_end(tmp_path):
    store = SQLiteStore(tmp_path / "pending.sqlite3")
    store.write_alert(alert("s9", rule="nato").model_copy(update={"title": "NATO chief visits Kyiv", "article_ids": ["wire/9"]}),
                      now=NOW)
    (status, page), missing = await read_pages(store, "/stories/s9", "/stories/s8")
    assert status == 200 and "This story's reports are not stored" in page and 'data-live="story"' in page
    assert '<span class="badge">nato</span>' in page and "NATO chief visits Kyiv" in page
    assert missing[0] == 404 and "No such story" in missing[1]


async def test_an_entity_page_asked_for_by_name_goes_to_the_entitys_page(newsroom):
    base = await newsroom()
    status, headers, _ = await get(f"{base}/entities/NATO")
    assert status == 303 and headers["Location"] == "/entities/Q7184"
    status, _, body = await get(f"{base}/entities/Q79")  # known to the gazetteer, named by no stored report
    assert status == 404 and "No stored report names Egypt (Q79)." in body.decode()
    status, _, body = await get(f"{base}/entities/Egpyt")
    assert status == 404 and "No such entity: &#39;Egpyt&#39; is not a name the gazetteer knows" in body.decode()
    assert "did you mean &#39;Egypt&#39; (Q79)" in body.decode()


async def test_the_api_asked_for_an_entity_by_name_goes_to_its_key_as_the_page_does(newsroom):
    """`/entities/NATO` went to NATO's page, `/api/entities/NATO` answered a bare {"error": "no such entity"}."""
    import orjson

    base = await newsroom()
    status, headers, _ = await get(f"{base}/api/entities/NATO?people=1")
    assert status == 303 and headers["Location"] == "/api/entities/Q7184?people=1"
    status, _, body = await get(f"{base}/api/entities/Q79")  # known to the gazetteer, named by no stored report
    assert status == 404 and orjson.loads(body) == {"error": "no stored report names Egypt (Q79)"}
    status, _, body = await get(f"{base}/api/entities/Egpyt")
    answer = orjson.loads(body)
    assert status == 404 and answer["error"].startswith("no such entity: 'Egpyt' is not a name the gazetteer knows")
    assert {"key": "Q79", "name": "Egypt", "alias": "Egypt"} in answer["suggestions"]


async def test_an_article_page_says_how_often_its_publisher_updated_the_report(tmp_path):
    store = SQLiteStore(tmp_path / "revisions.sqlite3")
    for n, revision in ((1, 0), (2, 1), (3, 3)):
        store.write_article(article(n, "s1", revision=revision), now=NOW)
    first, once, thrice = [text_of(page) for _, page in await read_pages(store, *(f"/articles/wire%2F{n}" for n in (1, 2, 3)))]
    assert "as first received" in first and "updated by its publisher" not in first
    assert "updated by its publisher once since first received" in once
    assert "updated by its publisher 3 times since first received" in thrice
