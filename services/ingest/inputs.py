"""What the command line reads: files, directories, stdin (``-``) and URLs of feeds or article pages."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from schemas import RawArticle
from services.ingest.ids import article_id
from services.ingest.readers import RecordError, feed_records, read_bytes, read_path
from services.ingest.settings import IngestSettings
from services.ingest.verdicts import Nothing

__all__ = ["InputError", "read_inputs"]


class InputError(Exception):
    """An input the user named that does not exist."""


async def read_inputs(
    paths: Sequence[str], *, source: str | None, settings: IngestSettings, now: datetime
) -> list[RawArticle | RecordError | Nothing]:
    """Every article in the inputs, in order; an input that cannot be read raises InputError.

    ``source`` is the source the user named for the articles that name none (any name, "file" and "stdin" too);
    None: their URL's site, else the feed's site, else "file" or "stdin"."""
    records: list[RawArticle | RecordError] = []
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()  # NDJSON of many articles has no limit as a whole; read_bytes checks the rest
            records.extend(read_bytes(data, name="stdin", source=source, fallback="stdin", now=now,
                                      max_bytes=settings.max_feed_bytes))
        elif urlsplit(path).scheme in ("http", "https"):
            records.extend(await _read_url(path, source=source, settings=settings, now=now))
        else:
            p = Path(path)
            if not p.exists():
                raise InputError(f"{path}: no such file or directory")
            records.extend(read_path(p, now=now, source=source, max_bytes=settings.max_feed_bytes))
    return records


async def _read_url(url: str, *, source: str | None, settings: IngestSettings, now: datetime) -> list[RawArticle | RecordError | Nothing]:
    from services.ingest.fetcher import Fetcher, FetchError
    from services.ingest.parser import sniff_feed
    from services.ingest.verdicts import explain, page_article

    try:
        async with Fetcher(settings) as fetcher:
            fetched = await fetcher.get(url, label=url)
    except FetchError as exc:
        error = RecordError(url, exc.error_class, f"{url}: {exc.reason}", b"")
        return [error, explain(url, b"", [error])]
    if fetched.status != 200:
        error = RecordError(url, "HTTPError", f"{url}: HTTP {fetched.status}", fetched.body[:2000])
        return [error, explain(url, fetched.body, [error])]
    host = urlsplit(fetched.url).hostname or "web"
    if sniff_feed(fetched.body):
        return list(feed_records(fetched.body, name=url, source=source or host, now=now,
                                 http_content_type=fetched.content_type, url=fetched.url))
    if "json" in (fetched.content_type or "").lower() or fetched.body.lstrip()[:1] in (b"{", b"["):
        # A news API's answer (or our own JSON): its articles, as from a file.
        return list(read_bytes(fetched.body, name=url, source=source, fallback=host, now=now))
    # An article page: the normalizer extracts its main text.
    return [page_article(fetched.body, id=article_id(url=fetched.url), source=source or host, url=fetched.url, now=now)]
