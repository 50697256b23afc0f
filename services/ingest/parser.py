"""Feed documents to articles: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser, JSON Feed 1.0/1.1 directly.

Never raises on input: a document that is not a feed, or an entry that is not an
article, becomes a :class:`RecordError` with the feed and the reason; an
ill-formed feed (feedparser's ``bozo``) yields what could be read and records the problem.
"""

from __future__ import annotations

import calendar
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import orjson

from schemas import RawArticle
from services.ingest.encoding import decode_document
from services.ingest.feeds import FeedConfig
from services.ingest.identity import fingerprint
from services.ingest.ids import article_id, canonical_url
from services.ingest.json_fields import FieldMap, article_fields, as_text, is_summary, not_text, uncut, unmatched, unwrapped, value_at
from services.ingest.paging import next_in_body
from services.ingest.readers import RecordError, looks_like_html, parse_datetime
from services.ingest.verdicts import Nothing, explain
from services.runtime.text import kind_of

__all__ = ["FeedEntry", "ParsedFeed", "parse_configured", "parse_feed", "sniff_feed"]

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(rss|feed|RDF|channel)\b")
_MAX_ENTRIES = 5000
# A JSON Feed item's fields that are text, and whether a number may stand for it (a title "1984", an id 42).
_JSON_FEED_TEXTS = (("id", True), ("title", True), ("summary", True), ("content_html", True), ("content_text", True),
                    ("url", False), ("external_url", False))


@dataclass(frozen=True)
class FeedEntry:
    article: RawArticle
    summary_only: bool  # the feed carried a summary, not the article: worth fetching the page


@dataclass
class ParsedFeed:
    feed_id: str
    format: str  # feedparser's version (rss20, atom10, rss10, rss091u, atom03, ...) or json11 / json10
    title: str = ""
    encoding: str | None = None
    problems: list[str] = field(default_factory=list)
    records: list[FeedEntry | RecordError] = field(default_factory=list)
    hub: str | None = None  # WebSub hub the feed advertises
    self_url: str | None = None
    nothing: Nothing | None = None  # why the document gave no entry, when it gave none
    next_url: str | None = None  # the next page the document names (paging.py; an Atom or RSS feed's rel="next")
    prev_archive: str | None = None  # the newest older archive it names (RFC 5005 §4's rel="prev-archive")
    wordpress: bool = False  # made by WordPress (its <generator> names wordpress.org), which pages it by ?paged=N

    @property
    def entries(self) -> list[FeedEntry]:
        return [r for r in self.records if isinstance(r, FeedEntry)]

    @property
    def errors(self) -> list[RecordError]:
        return [r for r in self.records if isinstance(r, RecordError)]


def sniff_feed(data: bytes) -> str | None:
    """"xml" or "json" when the bytes look like a feed document, else None (cheap: looks at the head only)."""
    head = data[:4096]
    if head[:4].count(0) >= 1:  # UTF-16/32: decode the head to look
        wide = ("utf-32-le",) if head[1:4] == b"\0\0\0" else ("utf-32-be",) if head[0:3] == b"\0\0\0" else ()
        for enc in (*wide, "utf-16", "utf-16-le", "utf-16-be"):
            try:
                head = head.decode(enc, errors="ignore").encode("utf-8")
                if b"<" in head or b"{" in head:
                    break
            except UnicodeError:
                continue
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and b"jsonfeed.org/version" in head:
        return "json"
    if stripped.startswith(b"<") and _FEED_ROOT.search(head):
        return "xml"
    return None


def _text(value: Any) -> str:
    return str(value or "").strip()


def _plain(value: str) -> str:
    return html.unescape(_TAGS.sub("", value)).strip()


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def _source(feed_id: str | None, url: str | None) -> str:
    return feed_id or (urlsplit(url).hostname if url else None) or "feed"


class _Builder:
    """Turns (link, guid, title, body, ...) of one entry into a FeedEntry or a RecordError."""

    def __init__(self, feed_id: str | None, base_url: str | None, language: str | None, tags: tuple[str, ...], now: datetime,
                 name: str) -> None:
        self.feed_id = feed_id
        self.source = _source(feed_id, base_url)
        self.base_url = base_url
        self.language = language
        self.tags = list(tags)
        self.now = now
        self.name = name
        self.shared_links: set[str] = set()

    def note_links(self, links: list[tuple[str | None, str | None]]) -> None:
        # A feed whose entries all link to its home page: the link cannot tell them apart, the GUID can.
        counts = Counter(canonical_url(link) for link, guid in links if link and guid)
        self.shared_links = {link for link, n in counts.items() if n > 1}

    def build(self, i: int, *, link: str | None, guid: str | None, title: str, content: str | None, summary: str,
              published: datetime | None, language: str | None, original: bytes, source: str | None = None) -> FeedEntry | RecordError:
        where = f"{self.name} entry {i + 1}"
        try:
            if link:
                link = urljoin(self.base_url or "", link.strip()) if self.base_url else link.strip()
                if urlsplit(link).scheme not in ("http", "https"):
                    link = None
            body = content if content and content.strip() else summary
            if not title.strip() and not (body or "").strip():
                return RecordError(where, "InvalidEntry", f"{where}: entry has neither title nor text", original)
            if link and not (guid and canonical_url(link) in self.shared_links):
                ident = article_id(url=link)
            elif guid:
                ident = article_id(source=self.source, guid=guid)
            elif title.strip():
                # No link and no GUID: the title is all that tells this entry apart (an edited title is a new article).
                ident = article_id(source=self.source, guid="title:" + title.strip())
            else:
                return RecordError(where, "InvalidEntry", f"{where}: entry has no link, GUID or title to identify it", original)
            article = RawArticle(
                id=ident,
                source=source or self.source,
                url=canonical_url(link) if link else None,
                title=title.strip(),
                body=(body or "").strip(),
                content_type="text/html" if looks_like_html(body or "") else "text/plain",
                language_hint=self.language or language or None,
                published_at=published,
                fetched_at=self.now,
                fingerprint=fingerprint(title, body or "", link),
                feed_id=self.feed_id,
                tags=self.tags,
            )
            return FeedEntry(article, summary_only=not (content and content.strip()) and bool(link))
        except (ValueError, TypeError) as exc:
            return RecordError(where, "InvalidEntry", f"{where}: {exc}", original)


def _api_answer_entries(items: list[Any], result: ParsedFeed, *, label: str, url: str | None, feed_id: str | None,
                        language: str | None, tags: tuple[str, ...], now: datetime, fields: FieldMap | None = None) -> None:
    """A news API's answer polled as a feed (NewsAPI, GDELT, Event Registry: json_fields): its articles are the
    entries, their fields read by ``fields`` where the feeds file maps them. A text the API cut
    ("... [+1200 chars]") is a summary, so a feed with full_text fetches the page."""
    result.format = "json-api"
    builder = _Builder(feed_id, url, language, tags, now, label)
    if fields:
        result.problems.extend(unmatched(items[:_MAX_ENTRIES], fields))
    for i, item in enumerate(items[:_MAX_ENTRIES]):
        original = orjson.dumps(item, default=str)
        if not isinstance(item, dict):
            result.records.append(RecordError(f"{label} entry {i + 1}", "InvalidEntry",
                                              f"{label} entry {i + 1}: expected an object, got {kind_of(item)}", original))
            continue
        try:
            parts, _ = article_fields(item, fields)
            published = parse_datetime(parts.get("published_at"))
        except ValueError as exc:
            result.records.append(RecordError(f"{label} entry {i + 1}", "InvalidEntry", f"{label} entry {i + 1}: {exc}", original))
            continue
        text, _ = uncut(as_text(parts.get("body")))
        link, guid = parts.get("url"), parts.get("guid") or parts.get("id")
        # An aggregator's entry names its publisher (NewsAPI's source.name): rules on `source` see it.
        publisher = parts.get("source") if isinstance(parts.get("source"), str) else None
        result.records.append(builder.build(
            i, link=link if isinstance(link, str) else None, guid=str(guid) if guid not in (None, "") else None,
            title=as_text(parts.get("title")).strip(), content=None if is_summary(item, fields) else text, summary=text,
            published=published, language=_text(parts.get("language")).split("-")[0].lower() or None, original=original,
            source=publisher,
        ))


def _label(feed_id: str | None, name: str) -> str:
    return f'feed "{feed_id}"' if feed_id else name


def parse_feed(
    data: bytes,
    *,
    feed_id: str | None = None,
    url: str | None = None,
    http_content_type: str | None = None,
    language: str | None = None,
    tags: tuple[str, ...] = (),
    now: datetime,
    name: str | None = None,
    fields: FieldMap | None = None,
    items: str | None = None,
) -> ParsedFeed:
    """Every entry of a feed document; never raises on bad input.

    ``fields`` and ``items`` are a JSON API feed's own names (feeds file): where each article part is in an entry,
    and where the answer keeps its list of entries ("response.results")."""
    # The input's own name when the caller gives one (a file, a URL on the command line): a user reads what they
    # named, not the source the articles are given; a polled feed is named by its id.
    label = name or _label(feed_id, url or "feed")
    result = ParsedFeed(feed_id=feed_id or "", format="unknown")
    try:
        if sniff_feed(data) == "json" or (http_content_type or "").split(";")[0].strip() in ("application/feed+json", "application/json"):
            _parse_json_feed(data, result, label=label, url=url, feed_id=feed_id, language=language, tags=tags, now=now,
                             fields=fields, items_path=items)
        else:
            _parse_xml_feed(data, result, label=label, url=url, feed_id=feed_id, language=language, tags=tags, now=now,
                            http_content_type=http_content_type)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the feed: the document is dead-lettered with the reason
        result.records = [RecordError(label, "MalformedFeed", f"{label}: could not parse: {type(exc).__name__}: {exc}", data[:100_000])]
    result.nothing = explain(label, data, result.records, problems=result.problems, url=url)
    return result


def parse_configured(feed: FeedConfig, data: bytes, *, url: str | None, http_content_type: str | None, now: datetime,
                     name: str | None = None) -> ParsedFeed:
    """A polled or pushed document of a configured feed, read as its feeds-file entry says (language, tags, the JSON
    fields and items of an API)."""
    parsed = parse_feed(data, feed_id=feed.id, url=url, http_content_type=http_content_type, language=feed.language,
                        tags=feed.tags, now=now, name=name, fields=feed.fields, items=feed.items)
    if (feed.fields or feed.items) and parsed.entries and parsed.format != "json-api":
        parsed.problems.append(f"fields and items read a JSON API's entries; this feed is {parsed.format}: not used")
    return parsed


def _parse_xml_feed(data: bytes, result: ParsedFeed, *, label: str, url: str | None, feed_id: str | None,
                    language: str | None, tags: tuple[str, ...], now: datetime, http_content_type: str | None) -> None:
    decoded = decode_document(data, http_content_type=http_content_type)
    result.encoding = decoded.encoding
    result.problems.extend(decoded.problems)
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', decoded.text.lstrip("\ufeff"), count=1)
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url or ""},
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    result.format = parsed.get("version") or "unknown"
    feed = parsed.get("feed", {})
    result.title = _plain(_text(feed.get("title")))
    for link in feed.get("links", []) or []:
        if link.get("rel") == "hub":
            result.hub = link.get("href")
        elif link.get("rel") == "self":
            result.self_url = link.get("href")
        elif link.get("rel") == "next" and "fh_complete" not in feed and not result.next_url:
            # RFC 5005's paged feed (atom:link in RSS too); a complete feed (fh:complete) has no other pages.
            result.next_url = link.get("href") or None
        elif link.get("rel") == "prev-archive" and "fh_complete" not in feed and not result.prev_archive:
            # RFC 5005's archived feed: the subscription document, and each archive, names the archive before it.
            result.prev_archive = link.get("href") or None
    made_by = feed.get("generator_detail") or {}
    made_by = " ".join(str(v) for v in (feed.get("generator"), made_by.get("href"), made_by.get("name")) if v)
    # WordPress serves a feed's older entries at ?paged=2, 3 ... without naming them (a complete feed has none).
    result.wordpress = "wordpress.org" in made_by.lower() and "fh_complete" not in feed
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = getattr(exc, "getLineNumber", lambda: None)() if hasattr(exc, "getLineNumber") else None
        where = f" at line {line}" if line else ""
        result.problems.append(f"ill-formed feed{where}: {type(exc).__name__}: {exc}"[:500])
    entries = parsed.get("entries", []) or []
    if not entries and (not parsed.get("version") or not data.strip()):
        why = "; ".join(result.problems) or "no RSS, RDF or Atom root element"
        result.records.append(RecordError(label, "NotAFeed", f"{label}: not a feed: {why}"[:1000], data[:100_000]))
        return
    if len(entries) > _MAX_ENTRIES:
        result.problems.append(f"{len(entries)} entries; kept the first {_MAX_ENTRIES}")
        entries = entries[:_MAX_ENTRIES]
    base = url or _text(feed.get("link")) or None
    builder = _Builder(feed_id, base, language, tags, now, label)
    feed_language = _text(feed.get("language")).split("-")[0].lower() or None
    builder.note_links([(e.get("link"), e.get("id")) for e in entries])
    for i, entry in enumerate(entries):
        contents = entry.get("content") or []
        content = next((c.get("value") for c in contents if "html" in (c.get("type") or "")), None) \
            or (contents[0].get("value") if contents else None)
        summary = _text(entry.get("summary"))
        title = _plain(_text(entry.get("title")))
        published = _when(dict.get(entry, "published_parsed")) or _when(dict.get(entry, "updated_parsed"))
        # What the entry said, text included: a letter shows it, and an edit of a bad entry is a new one (rejections.py).
        original = orjson.dumps({"link": entry.get("link"), "id": entry.get("id"), "title": entry.get("title"),
                                 "summary": summary or None, "content": content or None}, default=str)
        result.records.append(builder.build(
            i, link=entry.get("link"), guid=_text(entry.get("id")) or None, title=title, content=content, summary=summary,
            published=published, language=feed_language, original=original,
        ))


def _parse_json_feed(data: bytes, result: ParsedFeed, *, label: str, url: str | None, feed_id: str | None,
                     language: str | None, tags: tuple[str, ...], now: datetime, fields: FieldMap | None = None,
                     items_path: str | None = None) -> None:
    decoded = decode_document(data)
    result.encoding = decoded.encoding
    result.problems.extend(decoded.problems)
    try:
        doc = orjson.loads(decoded.text.lstrip("\ufeff"))
    except orjson.JSONDecodeError as exc:
        result.format = "json"
        result.records.append(RecordError(label, "MalformedFeed", f"{label}: JSON Feed is not valid JSON: {exc}", data[:100_000]))
        return
    version = str(doc.get("version", "")) if isinstance(doc, dict) else ""
    result.next_url = next_in_body(doc)
    if items_path is not None:
        listed = value_at(doc, items_path)
        if not isinstance(listed, list):
            found = "nothing" if listed is None else f"a {type(listed).__name__}"
            result.records.append(RecordError(label, "NotAFeed", f"{label}: no list of entries at {items_path!r} (the feed's "
                                              f"items), {found} there", data[:100_000]))
            return
        _api_answer_entries(listed, result, label=label, url=url, feed_id=feed_id, language=language, tags=tags, now=now,
                            fields=fields)
        return
    if not version.startswith("https://jsonfeed.org/version/"):
        # A bare array of records is the API's list of entries, as the answer's "articles" would be.
        records = isinstance(doc, list) and all(isinstance(item, dict) for item in doc)
        items, at = (doc, label + "[]") if records else unwrapped(doc, label)
        if at == label:
            result.records.append(RecordError(label, "NotAFeed", f"{label}: not a JSON Feed (no jsonfeed.org version)", data[:100_000]))
            return
        _api_answer_entries(items, result, label=label, url=url, feed_id=feed_id, language=language, tags=tags, now=now,
                            fields=fields)
        return
    result.format = "json" + version.rsplit("/", 1)[-1].replace(".", "")
    result.title = _text(doc.get("title"))
    result.self_url = doc.get("feed_url") if isinstance(doc.get("feed_url"), str) else None
    hubs = doc.get("hubs") if isinstance(doc.get("hubs"), list) else []
    result.hub = next((h.get("url") for h in hubs if isinstance(h, dict) and h.get("type", "").lower() == "websub"), None)
    items = doc.get("items")
    if not isinstance(items, list):
        result.records.append(RecordError(label, "MalformedFeed", f"{label}: JSON Feed has no 'items' list", data[:100_000]))
        return
    base = url or (doc.get("home_page_url") if isinstance(doc.get("home_page_url"), str) else None)
    builder = _Builder(feed_id, base, language, tags, now, label)
    feed_language = _text(doc.get("language")).split("-")[0].lower() or None
    builder.note_links([(it.get("url"), str(it.get("id"))) for it in items if isinstance(it, dict)])
    for i, item in enumerate(items[:_MAX_ENTRIES]):
        original = orjson.dumps(item, default=str)
        if not isinstance(item, dict):
            result.records.append(RecordError(f"{label} entry {i + 1}", "InvalidEntry",
                                              f"{label} entry {i + 1}: expected an object, got {kind_of(item)}", original))
            continue
        # JSON Feed's texts and links are strings; a number is its text as written ("1984"), anything else a bad entry.
        wrong = [why for key, numbers in _JSON_FEED_TEXTS
                 if item.get(key) is not None and (why := not_text(key, item.get(key), numbers=numbers))]
        if wrong:
            result.records.append(RecordError(f"{label} entry {i + 1}", "InvalidEntry",
                                              f"{label} entry {i + 1}: {'; '.join(wrong)}", original))
            continue
        content = as_text(item.get("content_html")) or as_text(item.get("content_text")) or None
        published = None
        for key in ("date_published", "date_modified"):
            try:
                published = parse_datetime(item.get(key))
            except ValueError:
                result.problems.append(f"entry {i + 1}: bad {key} {item.get(key)!r}")
            if published:
                break
        link = item.get("url") or item.get("external_url")
        guid = as_text(item.get("id"))
        result.records.append(builder.build(
            i, link=link, guid=guid or None, title=as_text(item.get("title")).strip(), content=content,
            summary=as_text(item.get("summary")).strip(), published=published,
            language=_text(item.get("language")).split("-")[0].lower() or feed_language, original=original,
        ))
