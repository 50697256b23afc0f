"""Atom feeds (RFC 4287) of alerts and of stories, so readers' own feed readers can follow a query.

Built with ElementTree, which escapes all text and attributes; characters XML 1.0 forbids are removed.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

from services.newsroom.languages import language_name

__all__ = ["alerts_feed", "stories_feed", "ATOM_TYPE", "NEVER_UPDATED"]

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# An empty feed's `updated`: a fixed instant, not the time of the request, so the same empty feed is the same bytes and
# keeps its ETag (a feed reader's conditional GET is answered 304 until an entry arrives).
NEVER_UPDATED = "1970-01-01T00:00:00Z"

ET.register_namespace("", ATOM)


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text or ""))


def _tag_uri(kind: str, value: str) -> str:
    return f"tag:wirewatch.newsroom,2026:{kind}:{quote(value, safe='')}"


def _sub(parent: ET.Element, name: str, text: object | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{name}", {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _clean(text)
    return el


def _feed(title: str, feed_id: str, self_url: str, html_url: str, updated: str) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", title)
    _sub(feed, "id", feed_id)
    _sub(feed, "updated", updated)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = _sub(feed, "author")
    _sub(author, "name", "wirewatch newsroom")
    _sub(feed, "generator", "wirewatch")
    return feed


def _lang(item: dict) -> dict[str, str]:
    """xml:lang for a title in the language of the report it came from, when that is known."""
    return {XML_LANG: item["title_language"]} if item.get("title") and item.get("title_language") else {}


def _done(feed: ET.Element) -> bytes:
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def alerts_feed(alerts: list[dict], *, base: str, self_url: str, rule: str | None = None) -> bytes:
    """All alerts, or one rule's: a feed of its own (its id, title and page: the alerts page of that rule), not another
    copy of all alerts' id."""
    updated = alerts[0]["fired_at"] if alerts else NEVER_UPDATED
    if rule:
        feed = _feed(f"wirewatch alerts of rule {rule}", _tag_uri("feed", f"alerts?rule={rule}"), self_url,
                     f"{base}/alerts?rule={quote(rule, safe='')}", updated)
    else:
        feed = _feed("wirewatch alerts", _tag_uri("feed", "alerts"), self_url, f"{base}/alerts", updated)
    for a in alerts:
        entry = _sub(feed, "entry")
        _sub(entry, "id", _tag_uri("alert", a["id"]))
        _sub(entry, "title", f"[{a['rule_id']}] {a['title'] or a['summary']}", type="text", **_lang(a))
        _sub(entry, "updated", a["fired_at"])
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}/stories/{quote(a['story_id'], safe='')}")
        _sub(entry, "category", term=a["rule_id"])
        lines = [a["summary"], *("matched: " + m for m in a["matched"])]
        if a.get("entities"):
            lines.append("entities: " + ", ".join(a["entities"]))
        _sub(entry, "summary", "\n".join(lines), type="text")
    return _done(feed)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _dated(story: dict) -> tuple[str, str]:
    """A story's entry dates (published, updated): as its reports date themselves, by publication time, or by when
    received for a report without one (a 2014 backlog fetched today is dated 2014, as on its page)."""
    span = story.get("published")
    return (span["first_at"], span["last_at"]) if span else (story["first_at"], story["last_at"])


def stories_feed(stories: list[dict], *, title: str, feed_key: str, base: str, self_url: str, html_url: str) -> bytes:
    dated = [(s, *_dated(s)) for s in stories]
    # Newest first by the entries' own updated, as a feed reader lists them (the query picked which stories).
    dated.sort(key=lambda d: (-_instant(d[2]).timestamp(), d[0]["id"]))
    # The feed changed when a report was last received, or as late as an entry says it was updated.
    updated = max((*(s["last_at"] for s in stories), *(d[2] for d in dated)), key=_instant, default=NEVER_UPDATED)
    feed = _feed(title, _tag_uri("feed", feed_key), self_url, html_url, updated)
    for s, published, last in dated:
        entry = _sub(feed, "entry")
        _sub(entry, "id", _tag_uri("story", s["id"]))
        _sub(entry, "title", s["title"], type="text", **_lang(s))
        _sub(entry, "updated", last)
        _sub(entry, "published", published)
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}/stories/{quote(s['id'], safe='')}")
        names = ", ".join(e["name"] for e in s.get("entities", []))
        reports = f"{s['article_count']} report{'s' if s['article_count'] != 1 else ''}"
        summary = (f"{reports} in {', '.join(map(language_name, s['languages']))} from {', '.join(s['sources'][:8])}"
                   + (f"; about {names}" if names else ""))
        _sub(entry, "summary", summary, type="text")
    return _done(feed)
