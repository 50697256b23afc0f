"""Turn files, stdin, pushed JSON and saved feed documents into RawArticle records.

Text files have the shape of a wire story: a title line, an optional
``date YYYY-MM-DD`` line, then the body. JSON inputs are an object, an array of
objects, or NDJSON, with ``title``, ``body``, ``url``, ``source``,
``published_at``, ``language`` and optionally ``id``, or the names other news
tools give them (``json_fields``).
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
from pydantic import ValidationError

from schemas import RawArticle
from services.ingest.ids import article_id
from services.ingest.json_fields import Ignored, article_fields, as_text, uncut, unwrapped
from services.ingest.settings import FUTURE_FETCHED_AT_TOLERANCE_S
from services.runtime.codec import describe_validation_error
from services.runtime.text import kind_of

if TYPE_CHECKING:
    from services.ingest.verdicts import Nothing

__all__ = [
    "INPUT_SUFFIXES",
    "RecordError",
    "Ignored",
    "Note",
    "parse_datetime",
    "looks_like_html",
    "said_by",
    "text_article",
    "json_records",
    "read_path",
    "read_bytes",
    "feed_records",
    "too_large",
]

_DATE_LINE = re.compile(r"^\s*date[:\s]\s*(\d{4}-\d{2}-\d{2})\s*(.*)$", re.IGNORECASE | re.DOTALL)
_HTML = re.compile(r"<\s*(p|div|html|body|article|br|span|h[1-6])\b", re.IGNORECASE)


@dataclass(frozen=True)
class RecordError:
    """One input record that is not an article, and why."""

    where: str
    error_class: str
    reason: str
    original: bytes


@dataclass(frozen=True)
class Note:
    """What of an input was not read, or read otherwise than it says, and why: neither article nor rejected record."""

    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


def parse_datetime(value: Any) -> datetime | None:
    """ISO 8601 date or datetime, or RFC 2822; naive times are taken as UTC."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, (int, float)):
        try:
            parsed = datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError) as exc:
            raise ValueError(f"not a date: {value!r}") from exc
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = datetime.combine(date.fromisoformat(text), time(), tzinfo=timezone.utc)
            except ValueError:
                try:
                    parsed = email.utils.parsedate_to_datetime(text)
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"not a date: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def looks_like_html(body: str) -> bool:
    return bool(_HTML.search(body[:5000]))


def text_article(text: str, *, name: str, source: str, now: datetime, url: str | None = None) -> RawArticle:
    """A wire-story text: title line, optional ``date YYYY-MM-DD`` line, body.

    The id comes from ``source`` and ``name`` (the file name), so ingesting the
    same file again is recognised as the same article.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines.pop(0).strip() if lines else ""
    published_at = None
    match = _DATE_LINE.match(title)
    if match:
        # The title line is itself a date line: no title, the body starts after the date.
        published_at = parse_datetime(match.group(1))
        lines.insert(0, match.group(2))
        title = ""
    else:
        for i, line in enumerate(lines[:3]):
            match = _DATE_LINE.match(line)
            if match and not match.group(2).strip():
                published_at = parse_datetime(match.group(1))
                del lines[i]
                break
    body = "\n".join(lines).strip()
    # No headline: the title stays empty and the normalizer derives one from the body (services/normalize/titles.py).
    return RawArticle(
        id=article_id(url=url, source=source, guid=name),
        source=source,
        url=url,
        title=title,
        body=body,
        content_type="text/html" if looks_like_html(body) else "text/plain",
        language_hint=None,
        published_at=published_at,
        fetched_at=now,
    )


def _publisher(url: Any, source: str | None, fallback: str) -> str:
    """A record without a source: the source the user named, whatever it is ("file" too), else its URL's site
    ("theguardian.com"), else ``fallback``: where the record was read from ("file", "stdin", "http")."""
    if source:
        return source
    host = (urlsplit(url).hostname or "").removeprefix("www.") if isinstance(url, str) else ""
    return host or fallback


def _json_article(obj: Any, *, source: str | None, fallback: str, now: datetime) -> tuple[RawArticle, list[str]]:
    """The article of one JSON record, and the record's fields that are not article fields (json_fields)."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {kind_of(obj)}")
    parts, ignored = article_fields(obj)
    title = as_text(parts.get("title"))
    body, _ = uncut(as_text(parts.get("body")))
    url = parts.get("url") or None
    source = str(parts.get("source") or _publisher(url, source, fallback))
    given_id = parts.get("id")
    guid = parts.get("guid") or (title if not url else None)
    if not (given_id or guid or (isinstance(url, str) and url)):
        # Never an id from the text: an edited article would become another one.
        raise ValueError("no url, guid, id or title to make its id from (never its text, which an edit changes)")
    article = RawArticle(
        id=str(given_id) if given_id else article_id(url=url, source=source, guid=guid),
        source=source,
        url=url,
        title=title,
        body=body,
        content_type=parts.get("content_type") or ("text/html" if looks_like_html(body) else "text/plain"),
        language_hint=parts.get("language") or None,
        published_at=parse_datetime(parts.get("published_at")),
        fetched_at=parse_datetime(parts.get("fetched_at")) or now,
    )
    return article, ignored


def json_records(data: bytes, *, where: str, now: datetime, source: str | None = None, fallback: str = "file",
                 max_record_bytes: int | None = None, future_fetched_at_tolerance_s: float = FUTURE_FETCHED_AT_TOLERANCE_S,
                 ) -> Iterator[RawArticle | RecordError | Ignored | Note]:
    """Articles from a JSON object, a JSON array or NDJSON; a bad record becomes a RecordError, the rest go on.
    A record that names no source gets ``source`` (the user's name for the input), else its URL's site, else
    ``fallback`` (where it was read from).
    Fields that are not article fields are left out and named at the end, once (:class:`Ignored`). An NDJSON line
    longer than ``max_record_bytes`` is rejected as too large (a dump of many articles has no limit as a whole).
    A record's fetched_at more than ``future_fetched_at_tolerance_s`` after ``now`` (its receipt) becomes ``now``, and
    a :class:`Note` at the end says so: the normalizer judges publication times against it, and a claimed 2031 would
    make a publication in 2031 look trusted."""
    ignored: set[str] = set()
    with_ignored = 0
    latest = now + timedelta(seconds=future_fetched_at_tolerance_s)
    ahead: list[datetime] = []
    for record in _json_items(data, where=where, source=source, fallback=fallback, now=now,
                              max_record_bytes=max_record_bytes):
        if isinstance(record, tuple):
            article, extra = record
            ignored.update(extra)
            with_ignored += bool(extra)
            if article.fetched_at > latest:
                ahead.append(article.fetched_at)
                article = article.model_copy(update={"fetched_at": now})
            yield article
        else:
            yield record
    if ignored:
        yield Ignored(where, tuple(sorted(ignored)), with_ignored)
    if ahead:
        s = "" if len(ahead) == 1 else "s"
        yield Note(where, f"fetched_at later than its receipt in {len(ahead)} record{s} (up to {max(ahead).isoformat()}, "
                          f"received {now.isoformat()}; WIREWATCH_INGEST__FUTURE_FETCHED_AT_TOLERANCE_S="
                          f"{future_fetched_at_tolerance_s:g}): taken as fetched when received")


def is_ndjson(name: str, data: bytes) -> bool:
    """Whether an input is NDJSON (one JSON article a line): by its name, or a first line that is a whole object
    with more lines after it. A dump of many articles is read record by record, each within the size limit."""
    if name.lower().endswith((".ndjson", ".jsonl")):
        return True
    first, _, rest = data.lstrip().partition(b"\n")
    if not (first.rstrip().startswith(b"{") and first.rstrip().endswith(b"}") and rest.strip()):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def _json_items(data: bytes, *, where: str, source: str | None, fallback: str, now: datetime,
                max_record_bytes: int | None = None) -> Iterator[tuple[RawArticle, list[str]] | RecordError]:
    stripped = data.strip()
    doc: Any = None
    if stripped.startswith(b"{") and b"\n" in stripped:
        # One object written over several lines (pretty-printed), or NDJSON: only the first parses whole.
        try:
            doc = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            doc = None
    if stripped.startswith(b"[") or (stripped.startswith(b"{") and b"\n" not in stripped) or isinstance(doc, dict):
        if doc is None:
            try:
                doc = orjson.loads(stripped)
            except orjson.JSONDecodeError as exc:
                yield RecordError(where, "InvalidJSON", f"{where}: not valid JSON: {exc}", data)
                return
        items, at = (doc, where) if isinstance(doc, list) else unwrapped(doc, where)
        for i, item in enumerate(items):
            yield _one(item, f"{at}[{i}]", orjson.dumps(item), source, fallback, now)
        return
    for lineno, line in enumerate(stripped.split(b"\n"), start=1):
        if not line.strip():
            continue
        if max_record_bytes is not None and len(line) > max_record_bytes:
            yield RecordError(f"{where}:{lineno}", "TooLarge", f"{where}:{lineno}: a record of {len(line)} bytes exceeds "
                              f"the limit of {max_record_bytes} bytes (WIREWATCH_INGEST__MAX_FEED_BYTES)", line[:100_000])
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield RecordError(f"{where}:{lineno}", "InvalidJSON", f"{where}:{lineno}: not valid JSON: {exc}", line)
            continue
        yield _one(obj, f"{where}:{lineno}", line, source, fallback, now)


def _one(obj: Any, where: str, original: bytes, source: str | None, fallback: str,
         now: datetime) -> tuple[RawArticle, list[str]] | RecordError:
    try:
        return _json_article(obj, source=source, fallback=fallback, now=now)
    except ValidationError as exc:
        return RecordError(where, "SchemaViolation", f"{where}: {describe_validation_error(exc)}", original)
    except ValueError as exc:
        return RecordError(where, "SchemaViolation", f"{where}: {exc}", original)


def _decode_text(data: bytes) -> str:
    """A text file's bytes as text: a byte-order mark, else UTF-8, else what the bytes look like (Windows-1251 Russian,
    GBK, Shift-JIS...), as a feed's bytes are read; Windows-1252 when nothing fits. Never an exception."""
    from services.ingest.encoding import decode_document

    return decode_document(data).text


def read_bytes(data: bytes, *, name: str, now: datetime, source: str | None = None, fallback: str = "file",
               max_bytes: int | None = None, future_fetched_at_tolerance_s: float = FUTURE_FETCHED_AT_TOLERANCE_S,
               ) -> Iterator[RawArticle | RecordError | Nothing | Ignored | Note]:
    """Articles from one input's bytes: a feed document (RSS, RDF, Atom, JSON Feed: one article per entry),
    JSON/NDJSON when it looks like JSON or is named so, an HTML page (an article page), else a text story.

    ``source`` is the name the user gave the input's source (any name, "file" too), None when they gave none:
    then a feed entry is named for its publisher or its feed's site ("feed" for a saved file), a JSON record for
    its own source or its URL's site, and a text or page for ``fallback``, where it was read from ("file", "stdin").

    An input that yields no article ends with a :class:`~services.ingest.verdicts.Nothing` saying why."""
    from services.ingest.parser import sniff_feed
    from services.ingest.verdicts import explain

    ndjson = is_ndjson(name, data)
    if max_bytes is not None and len(data) > max_bytes and not ndjson:
        yield from too_large(data, name=name, size=len(data), max_bytes=max_bytes)
        return
    lowered = name.lower()
    if sniff_feed(data) or lowered.endswith((".rss", ".atom", ".xml")):
        yield from feed_records(data, name=name, source=source, now=now)
        return
    head = data.lstrip()[:1]
    is_json = lowered.endswith((".json", ".ndjson", ".jsonl")) or head in (b"{", b"[")
    records = list(json_records(data, where=name, source=source, fallback=fallback, now=now,
                                max_record_bytes=max_bytes if ndjson else None,
                                future_fetched_at_tolerance_s=future_fetched_at_tolerance_s) if is_json
                   else _other_records(data, name=name, source=source or fallback, now=now))
    yield from records
    nothing = explain(name, data, records, kind="JSON array" if is_json else "input")
    if nothing is not None:
        yield nothing


def too_large(data: bytes, *, name: str, size: int, max_bytes: int) -> Iterator[RecordError | Nothing]:
    """A dead letter (with the input's head) and the reason, for an input over the size limit."""
    from services.ingest.verdicts import explain

    error = RecordError(name, "TooLarge", f"{name}: {size} bytes exceeds the limit of {max_bytes} bytes "
                        "(WIREWATCH_INGEST__MAX_FEED_BYTES)", data[:100_000])
    yield error
    yield explain(name, data, [error])


def _other_records(data: bytes, *, name: str, source: str, now: datetime) -> Iterator[RawArticle | RecordError]:
    from services.ingest.verdicts import binary_kind, looks_like_html_page, page_article, utf16_without_bom

    kind = binary_kind(data)
    if kind:
        yield RecordError(name, "NotText", f"{name}: not text nor a feed: {kind}", data[:100_000])
        return
    if looks_like_html_page(data):
        yield page_article(data, id=article_id(source=source, guid=Path(name).name), source=source, url=None, now=now)
        return
    text = utf16_without_bom(data)
    if text is None:
        text = _decode_text(data)
    if not text.strip():
        yield RecordError(name, "EmptyInput", f"{name}: empty input", data)
        return
    try:
        yield text_article(text, name=Path(name).name, source=source, now=now)
    except (ValidationError, ValueError) as exc:
        yield RecordError(name, "SchemaViolation", f"{name}: {exc}", data)


def feed_records(data: bytes, *, name: str, source: str | None, now: datetime,
                 http_content_type: str | None = None,
                 url: str | None = None) -> Iterator[RawArticle | RecordError | Nothing | Note]:
    """One RawArticle per entry of a saved feed document; the feed's problems (ill-formed XML, a guessed
    encoding) do not stop the entries that could be read, and end it as a :class:`Note` each, as a URL's first page's
    do (``inputs.py``). A feed that yields no article ends with why; a document that is no feed at all is said once,
    as what it is, by that ``Nothing``."""
    from services.ingest.parser import parse_feed

    parsed = parse_feed(data, feed_id=source or None, url=url, http_content_type=http_content_type, now=now, name=name)
    for record in parsed.records:
        yield record.article if not isinstance(record, RecordError) else record
    if parsed.nothing is not None:
        yield parsed.nothing
    if not said_by(parsed.nothing):
        yield from (Note(name, problem) for problem in parsed.problems)


def said_by(nothing: Nothing | None) -> bool:
    """Whether a document's ``Nothing`` already says all there is to say of it (bytes that are no feed at all, or
    no bytes): the parser's problems with it ("no element found") would only repeat it."""
    return nothing is not None and nothing.reason in ("not_a_feed", "empty")


INPUT_SUFFIXES = (".txt", ".json", ".ndjson", ".jsonl", ".xml", ".rss", ".atom", ".html", ".htm")


def read_path(path: Path, *, now: datetime, source: str | None = None, max_bytes: int | None = None,
              future_fetched_at_tolerance_s: float = FUTURE_FETCHED_AT_TOLERANCE_S,
              ) -> Iterator[RawArticle | RecordError | Nothing | Ignored | Note]:
    """Every article in a file, or in every .txt/.json/.ndjson/.xml/.rss/.atom/.html file under a directory."""
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file()]
        files = sorted(p for p in found if p.suffix.lower() in INPUT_SUFFIXES)
        if not files:  # said, as for an empty feed: a directory of nothing to read is no error (a watched inbox)
            from services.ingest.verdicts import Nothing

            others = f" ({len(found)} other file{'s' if len(found) != 1 else ''} not read)" if found else ""
            yield Nothing(str(path), "no_entries",
                          f"directory has no {', '.join(INPUT_SUFFIXES[:-1])} or {INPUT_SUFFIXES[-1]} file{others}")
    else:
        files = [path]
    for file in files:
        size = file.stat().st_size
        if max_bytes is not None and size > max_bytes:
            with file.open("rb") as fh:
                head = fh.read(100_000)
            if is_ndjson(str(file), head):
                # Many articles, one a line: read record by record, each within the limit.
                yield from read_bytes(file.read_bytes(), name=str(file), source=source, now=now, max_bytes=max_bytes,
                                      future_fetched_at_tolerance_s=future_fetched_at_tolerance_s)
            else:
                yield from too_large(head, name=str(file), size=size, max_bytes=max_bytes)
            continue
        yield from read_bytes(file.read_bytes(), name=str(file), source=source, now=now,
                              future_fetched_at_tolerance_s=future_fetched_at_tolerance_s)
