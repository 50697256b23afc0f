"""What the command line reads: files, directories, stdin (``-``) and URLs of feeds or article pages."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from schemas import RawArticle
from services.ingest.ids import article_id
from services.ingest.readers import RecordError, feed_records, read_bytes, read_path
from services.ingest.settings import IngestSettings

__all__ = ["InputError", "read_inputs"]

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class InputError(Exception):
    """An input the user named that does not exist."""


async def read_inputs(
    paths: Sequence[str], *, source: str | None, settings: IngestSettings, now: datetime
) -> list[RawArticle | RecordError]:
    """Every article in the inputs, in order; an input that cannot be read raises InputError."""
    records: list[RawArticle | RecordError] = []
    for path in paths:
        if path == "-":
            records.extend(read_bytes(sys.stdin.buffer.read(), name="stdin", source=source or "stdin", now=now))
        elif urlsplit(path).scheme in ("http", "https"):
            records.extend(await _read_url(path, source=source, settings=settings, now=now))
        else:
            p = Path(path)
            if not p.exists():
                raise InputError(f"{path}: no such file or directory")
            records.extend(read_path(p, now=now, source=source))
    return records


async def _read_url(url: str, *, source: str | None, settings: IngestSettings, now: datetime) -> list[RawArticle | RecordError]:
    from services.ingest.fetcher import Fetcher, FetchError
    from services.ingest.parser import sniff_feed

    try:
        async with Fetcher(settings) as fetcher:
            fetched = await fetcher.get(url, label=url)
    except FetchError as exc:
        return [RecordError(url, exc.error_class, f"{url}: {exc.reason}", b"")]
    if fetched.status != 200:
        return [RecordError(url, "HTTPError", f"{url}: HTTP {fetched.status}", fetched.body[:2000])]
    host = urlsplit(fetched.url).hostname or "web"
    if sniff_feed(fetched.body):
        return list(feed_records(fetched.body, name=url, source=source or host, now=now,
                                 http_content_type=fetched.content_type, url=fetched.url))
    # An article page: the normalizer extracts its main text.
    title = _TITLE.search(fetched.body[:200_000])
    text = fetched.body.decode("utf-8", errors="replace")
    return [RawArticle(
        id=article_id(url=fetched.url), source=source or host, url=fetched.url,
        title=html.unescape(title.group(1).decode("utf-8", "replace")).strip() if title else "",
        body=text, content_type="text/html", fetched_at=now,
    )]
