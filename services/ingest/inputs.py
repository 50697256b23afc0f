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
from services.ingest.readers import Ignored, Note, RecordError, read_bytes, read_path, said_by, text_article
from services.ingest.settings import IngestSettings
from services.ingest.verdicts import Nothing

if TYPE_CHECKING:
    from services.ingest.fetcher import Fetched
    from services.ingest.pages import Page

__all__ = ["InputError", "read_inputs"]


class InputError(Exception):
    """An input the user named that does not exist."""


async def read_inputs(
    paths: Sequence[str], *, source: str | None, settings: IngestSettings, now: datetime
) -> list[RawArticle | RecordError | Nothing | Ignored | Note]:
    """Every article in the inputs, in order; an input that cannot be read raises InputError.

    ``source`` is the source the user named for the articles that name none (any name, "file" and "stdin" too);
    None: their URL's site, else the feed's site, else "file" or "stdin"."""
    records: list[RawArticle | RecordError | Nothing | Ignored | Note] = []
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()  # NDJSON of many articles has no limit as a whole; read_bytes checks the rest
            records.extend(read_bytes(data, name="stdin", source=source, fallback="stdin", now=now,
                                      max_bytes=settings.max_feed_bytes,
                                      future_fetched_at_tolerance_s=settings.future_fetched_at_tolerance_s))
        elif urlsplit(path).scheme in ("http", "https"):
            records.extend(await _read_url(path, source=source, settings=settings, now=now))
        else:
            p = Path(path)
            if not p.exists():
                raise InputError(f"{path}: no such file or directory")
            records.extend(read_path(p, now=now, source=source, max_bytes=settings.max_feed_bytes,
                                     future_fetched_at_tolerance_s=settings.future_fetched_at_tolerance_s))
    return records


async def _read_url(url: str, *, source: str | None, settings: IngestSettings,
                    now: datetime) -> list[RawArticle | RecordError | Nothing | Ignored | Note]:
    """The articles at a URL: a feed's or a news API's, every page of them as the poller reads them (``pages.py``), and
    an archived feed's archives (a backfill: the poller reads those on its first poll only), or an article page's."""
    from services.ingest.encoding import decode_document
    from services.ingest.fetcher import Fetcher, FetchError
    from services.ingest.pages import leads_on, read_on
    from services.ingest.verdicts import binary_kind, describe_bytes, explain, looks_like_html_page, page_article

    async with Fetcher(settings) as fetcher:
        try:
            fetched = await fetcher.get(url, label=url)
        except FetchError as exc:
            error = RecordError(url, exc.error_class, f"{url}: {exc.reason}", b"")
            return [error, explain(url, b"", [error])]
        if fetched.status != 200:
            error = RecordError(url, "HTTPError", f"{url}: HTTP {fetched.status}", fetched.body[:2000])
            return [error, explain(url, fetched.body, [error])]
        host = urlsplit(fetched.url).hostname or "web"

        def read(page: Fetched, where: str) -> Page[Read]:
            return _page(page, name=where, source=source, host=host, now=now, settings=settings, later=True)

        first = _page(fetched, name=url, source=source, host=host, now=now, settings=settings)
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
                                 article_id=_article_id, archives=True)
            records += more.records
            notes += [Note(url, problem) for problem in more.problems]
            if any(_article_id(r) is not None for r in more.records):
                nothing = None  # an empty first page whose next pages or archives gave articles
    articles = [r.article if isinstance(r, FeedEntry) else r for r in records if not isinstance(r, Ignored)]
    return articles + _ignored(url, records) + ([nothing] if nothing else []) + notes


# What a page of a URL gives: a feed's entries, a JSON answer's articles, and the records that are neither.
Read = FeedEntry | RawArticle | RecordError | Ignored


def _page(fetched: Fetched, *, name: str, source: str | None, host: str, now: datetime, settings: IngestSettings,
          later: bool = False) -> Page[Read] | None:
    """One page of a URL: a feed document, a news API's answer (or our own JSON), else (None) an article page; a page
    after the first is never read as an article page: a next page that is no feed nor JSON is a problem."""
    from services.ingest.pages import Page, feed_page
    from services.ingest.parser import parse_feed, sniff_feed

    body = fetched.body
    is_json = "json" in (fetched.content_type or "").lower() or body.lstrip()[:1] in (b"{", b"[")
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
