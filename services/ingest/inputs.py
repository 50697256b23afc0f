"""What the command line reads: files, directories, stdin (``-``) and URLs of feeds or article pages."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from schemas import RawArticle
from services.ingest.ids import article_id
from services.ingest.paging import next_in_json
from services.ingest.parser import FeedEntry
from services.ingest.readers import (INPUT_SUFFIXES, Ignored, Note, RecordError, read_bytes, read_path, said_by,
                                     text_article)
from services.ingest.settings import IngestSettings
from services.ingest.verdicts import Nothing

if TYPE_CHECKING:
    from services.ingest.feeds import FeedConfig, FeedsFile
    from services.ingest.fetcher import Fetched
    from services.ingest.pages import Page

__all__ = ["InputError", "read_inputs"]


class InputError(Exception):
    """An input the user named that does not exist."""


async def read_inputs(
    paths: Sequence[str], *, source: str | None, settings: IngestSettings, now: datetime, feed: str | None = None,
) -> list[RawArticle | RecordError | Nothing | Ignored | Note]:
    """Every article in the inputs, in order; an input that cannot be read raises InputError.

    ``source`` is the source the user named for the articles that name none (any name, "file" and "stdin" too);
    None: their URL's site, else the feed's site, else "file" or "stdin".

    A URL is read as the feeds file (``WIREWATCH_INGEST__FEEDS_FILE``) says a feed is polled (its JSON ``fields`` and
    ``items``, its headers, language and tags, its id as source) when it is that feed's URL, or when ``feed`` names
    the feed: a news API's answer with names of its own gives the articles the poller would make of it."""
    records: list[RawArticle | RecordError | Nothing | Ignored | Note] = []
    urls = [path for path in paths if _is_url(path)]
    if feed is not None and len(urls) < len(paths):
        other = next(path for path in paths if not _is_url(path))
        raise InputError(f"--feed {feed}: a feed is read from its URL, and {other} is none")
    feeds = _feeds_file(settings, named=feed) if urls else None
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()  # NDJSON of many articles has no limit as a whole; read_bytes checks the rest
            records.extend(read_bytes(data, name="stdin", source=source, fallback="stdin", now=now,
                                      max_bytes=settings.max_feed_bytes,
                                      future_fetched_at_tolerance_s=settings.future_fetched_at_tolerance_s))
        elif _is_url(path):
            as_feed = feeds.by_id()[feed] if feeds is not None and feed is not None else _feed_at(path, feeds)
            if as_feed is not None:
                # A disabled feed keeps its map (the user paused its polling, not its shape): read by it, and said.
                paused = "" if as_feed.enabled else "; the feed is disabled (enabled: false): the poller does not poll it"
                records.append(Note(path, f'read as feed "{as_feed.id}" of {settings.feeds_file}, as the poller reads '
                                          f"it (its fields, items, headers, language and tags){paused}"))
                if source is not None:
                    as_feed = as_feed.model_copy(update={"id": source})
            records.extend(await _read_url(path, source=source, settings=settings, now=now, feed=as_feed))
        else:
            p = Path(path)
            if not p.exists():
                raise InputError(_not_found(path))
            records.extend(read_path(p, now=now, source=source, max_bytes=settings.max_feed_bytes,
                                     future_fetched_at_tolerance_s=settings.future_fetched_at_tolerance_s))
    return records


def _is_url(path: str) -> bool:
    return urlsplit(path).scheme in ("http", "https")


def _not_found(path: str) -> str:
    """Why an input that is no http(s) URL was not read, no file having its name: a URL of another scheme is said as
    that, and one that looks like a web address without its scheme is told how to give it."""
    scheme = urlsplit(path).scheme
    if "://" in path and len(scheme) > 1:  # not a Windows drive letter
        return f"{path}: only http(s) URLs are fetched, and no file has that name"
    host = path.split("/", 1)[0].split(":", 1)[0]
    top = host.rsplit(".", 1)[-1].lower()
    if "/" in path and "." in host and top.isalpha() and f".{top}" not in INPUT_SUFFIXES:
        return f"{path}: no such file or directory (a web address needs its scheme: https://{path})"
    return f"{path}: no such file or directory"


def _feeds_file(settings: IngestSettings, *, named: str | None) -> FeedsFile | None:
    """The feeds file a URL is looked up in: None when there is none, or (a feed not named) when it is invalid, as a
    URL of no feed is read; an InputError when the feed ``named`` cannot be found in it."""
    from services.ingest.feeds import FeedsConfigError, load_feeds
    from services.runtime.error_words import os_error_in_words

    path = settings.feeds_file
    if path is None:
        if named is not None:
            raise InputError(f"--feed {named}: no feeds file to find it in (WIREWATCH_INGEST__FEEDS_FILE is unset)")
        return None
    try:
        feeds = load_feeds(path)
    except (FeedsConfigError, OSError) as exc:
        if named is None:
            return None
        why = os_error_in_words(exc) if isinstance(exc, OSError) else "; ".join(exc.problems)
        raise InputError(f"--feed {named}: the feeds file {path} (WIREWATCH_INGEST__FEEDS_FILE) cannot be read: {why}") \
            from None
    if named is not None and named not in feeds.by_id():
        raise InputError(f"--feed {named}: no such feed in {path} (its feeds: {', '.join(sorted(feeds.by_id()))})")
    return feeds


def _feed_at(url: str, feeds: FeedsFile | None) -> FeedConfig | None:
    """The feed of the feeds file whose URL ``url`` is, if any."""
    from services.ingest.paging import page_key

    return next((f for f in feeds.feeds if page_key(f.url) == page_key(url)), None) if feeds is not None else None


async def _read_url(url: str, *, source: str | None, settings: IngestSettings, now: datetime,
                    feed: FeedConfig | None = None) -> list[RawArticle | RecordError | Nothing | Ignored | Note]:
    """The articles at a URL: a feed's or a news API's, every page of them as the poller reads them (``pages.py``), and
    an archived feed's archives (a backfill: the poller reads those on its first poll only), or an article page's.
    ``feed``: a feed of the feeds file, whose headers go to its origin and whose JSON is read by its map."""
    from services.ingest.encoding import decode_document
    from services.ingest.fetcher import Fetcher, FetchError
    from services.ingest.pages import leads_on, read_on
    from services.ingest.verdicts import binary_kind, describe_bytes, explain, looks_like_html_page, page_article

    async with Fetcher(settings) as fetcher:
        try:
            fetched = await fetcher.get(url, label=url, private=feed.headers if feed is not None else None)
        except FetchError as exc:
            error = RecordError(url, exc.error_class, exc.reason, b"")  # the fetcher's reason names the URL (its label)
            return [error, explain(url, b"", [error])]
        if fetched.status != 200:
            error = RecordError(url, "HTTPError", f"{url}: HTTP {fetched.status}", fetched.body[:2000])
            return [error, explain(url, fetched.body, [error])]
        host = urlsplit(fetched.url).hostname or "web"

        def read(page: Fetched, where: str) -> Page[Read]:
            return _page(page, name=where, source=source, host=host, now=now, settings=settings, later=True, feed=feed)

        first = _page(fetched, name=url, source=source, host=host, now=now, settings=settings, feed=feed)
        if first is None:
            body, html = fetched.body, "html" in (fetched.content_type or "").lower()
            if binary_kind(body) is None and (html or looks_like_html_page(body)):
                # An article page: the normalizer extracts its main text.
                return [page_article(body, id=article_id(url=fetched.url), source=source or host, url=fetched.url,
                                     now=now)]
            looks = describe_bytes(body, fetched.url)
            if binary_kind(body) is None and looks.startswith("plain text"):
                # A text story, read as the same bytes in a .txt file are (title line, optional date line, body).
                return [text_article(decode_document(body).text, name=fetched.url, source=source or host, now=now,
                                     url=fetched.url)]
            # An image, a sitemap: no article page, said as the same bytes in a file are.
            error = RecordError(url, "NotAFeed", f"{url}: not a feed, a news API's answer nor an article page: "
                                                 f"{looks}", body[:2000])
            return [error, explain(url, body, [error], url=fetched.url)]
        records = list(first.records)
        # What the parser noticed on the first page (ill-formed XML, an entry's bad date) is said as the later pages'
        # problems are; a page that is no feed at all is said once, as what it is, by its ``nothing``.
        notes = [] if said_by(first.nothing) else [Note(url, problem) for problem in first.problems]
        nothing = first.nothing
        if leads_on(first, _article_id):
            more = await read_on(first, fetched, fetcher, home=url, label=url, max_pages=settings.max_pages, read=read,
                                 article_id=_article_id, archives=True, wordpress_pages=True,
                                 private=feed.headers if feed is not None else None)
            records += more.records
            notes += [Note(url, problem) for problem in more.problems]
            if any(_article_id(r) is not None for r in more.records):
                nothing = None  # an empty first page whose next pages or archives gave articles
    articles = [r.article if isinstance(r, FeedEntry) else r for r in records if not isinstance(r, Ignored)]
    return articles + _ignored(url, records) + ([nothing] if nothing else []) + notes


# What a page of a URL gives: a feed's entries, a JSON answer's articles, and the records that are neither.
Read = FeedEntry | RawArticle | RecordError | Ignored


def _page(fetched: Fetched, *, name: str, source: str | None, host: str, now: datetime, settings: IngestSettings,
          later: bool = False, feed: FeedConfig | None = None) -> Page[Read] | None:
    """One page of a URL: a feed document, a news API's answer (or our own JSON), else (None) an article page; a page
    after the first is never read as an article page: a next page that is no feed nor JSON is a problem. A page of a
    configured ``feed`` is read as the poller reads it."""
    from services.ingest.pages import Page, feed_page
    from services.ingest.parser import parse_configured, parse_feed, sniff_feed

    body = fetched.body
    is_json = "json" in (fetched.content_type or "").lower() or body.lstrip()[:1] in (b"{", b"[")
    if feed is not None and (sniff_feed(body) or is_json or later):
        # JSON by its body or any JSON media type (application/vnd.api+json) is read as JSON, as below.
        kind = "application/json" if is_json and sniff_feed(body) != "xml" else fetched.content_type
        return feed_page(parse_configured(feed, body, url=fetched.url, http_content_type=kind, now=now, name=name),
                         later=later)
    if sniff_feed(body) or (later and not is_json):
        parsed = parse_feed(body, feed_id=source or host, url=fetched.url, http_content_type=fetched.content_type,
                            now=now, name=name)
        return feed_page(parsed, later=later)
    if not is_json:
        return None
    records = list(read_bytes(body, name=name, source=source, fallback=host, now=now,
                              future_fetched_at_tolerance_s=settings.future_fetched_at_tolerance_s))
    nothing = next((r for r in records if isinstance(r, Nothing)), None)
    return Page([r for r in records if not isinstance(r, Nothing)], next_url=next_in_json(body), nothing=nothing)


def _article_id(record: Read) -> str | None:
    if isinstance(record, FeedEntry):
        return record.article.id
    return record.id if isinstance(record, RawArticle) else None


def _ignored(url: str, records: list[Read]) -> list[Ignored]:
    """The fields left out of a URL's JSON records, named once for all its pages."""
    ignored = [r for r in records if isinstance(r, Ignored)]
    if len(ignored) < 2:
        return ignored
    fields = tuple(sorted({name for i in ignored for name in i.fields}))
    return [Ignored(ignored[0].where, fields, sum(i.records for i in ignored))]
