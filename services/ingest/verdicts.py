"""Why an input yielded no article: every file, URL, POST body and polled feed that gives nothing gets a reason.

A reason has a short code (the ``reason`` label of ``wirewatch_inputs_without_articles_total``) and words for
a person. Only ``no_entries`` (a valid feed, or JSON array, with nothing in it) is not an error: the input
was read and it was empty. Every other reason means the input was rejected (and dead-lettered where a
broker is involved).

| code | meaning |
| --- | --- |
| ``no_entries`` | a valid feed (or JSON array) with no entries, or a directory with no file of a kind read |
| ``empty`` | empty input (no bytes, or only white space) |
| ``no_text`` | entries, but none with a title or text |
| ``invalid_entries`` | entries, every one rejected for another reason (no id, bad date, unknown fields...) |
| ``not_a_feed`` | not a feed, nor articles: says what it looks like (HTML page, JSON of another shape, binary...) |
| ``encoding`` | text in an encoding that could not be read |
| ``too_large`` | over the size limit |
| ``unreachable`` | a URL that could not be fetched (network error, HTTP error status) |
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin

import orjson

from schemas import RawArticle
from services.ingest.json_fields import Ignored
from services.ingest.readers import Note, RecordError

__all__ = ["REASONS", "Nothing", "binary_kind", "describe_bytes", "explain", "looks_like_html_page", "zero_articles", "page_article",
           "said_apart", "utf16_without_bom"]

REASONS = ("no_entries", "empty", "no_text", "invalid_entries", "not_a_feed", "encoding", "too_large", "unreachable")

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"), (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"), (b"ID3", "an MP3 file"), (b"\x00\x00\x01\x00", "an icon"),
    (b"\x7fELF", "an executable"), (b"OggS", "an Ogg media file"), (b"wOFF", "a web font"), (b"wOF2", "a web font"),
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_FEED_LINK = re.compile(
    rb"<link\b[^>]*\btype\s*=\s*[\"']application/(?:rss|atom|feed)\+(?:xml|json)[\"'][^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"\bhref\s*=\s*[\"']([^\"']{1,500})[\"']", re.IGNORECASE)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]{0,60})")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html\b|head\b|body\b)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Nothing:
    """One input that yielded no article, and why."""

    where: str
    reason: str  # one of REASONS
    detail: str  # words for a person, without the input's name

    @property
    def is_error(self) -> bool:
        return self.reason != "no_entries"

    def __str__(self) -> str:
        return f"{self.where}: 0 articles: {self.detail}"

    def as_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason, "detail": self.detail}


def zero_articles(nothing: Sequence[Nothing]) -> str:
    """The summary line when no input gave an article: "0 articles" and the reasons counted."""
    if len(nothing) == 1:
        return f"0 articles: {nothing[0].detail}"
    counts = Counter(n.reason for n in nothing)
    return "0 articles" + (" (" + ", ".join(f"{k}: {v}" for k, v in counts.most_common()) + ")" if counts else "")


def binary_kind(data: bytes) -> str | None:
    """What binary data is ("a PNG image", "binary data"), or None when the bytes look like text (UTF-16 included)."""
    head = data[:4096]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "an MP4/QuickTime media file"
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}[head[8:12]]
    if _utf16_order(head) or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return "binary data" if head and controls / len(head) > 0.05 else None


def _utf16_order(head: bytes) -> str | None:
    """'le' or 'be' when the bytes look like UTF-16 text without a byte-order mark (every other byte NUL)."""
    even, odd = head[0:200:2], head[1:200:2]
    if len(head) < 8:
        return None
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "be"
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes that carry no byte-order mark, else None."""
    order = _utf16_order(data[:4096])
    return data.decode(f"utf-16-{order}", errors="replace") if order else None


def looks_like_html_page(data: bytes) -> bool:
    """True for an HTML document (a doctype, or an <html>, <head> or <body> element first)."""
    return bool(_HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")))


def page_article(data: bytes, *, id: str, source: str, url: str | None, now: datetime) -> RawArticle:
    """An article page as it was read: the HTML as the body (the normalizer extracts the text), the headline and the
    publication date as the page's metadata gives them (trafilatura: og:title, the article's h1, <title> without the
    site's name; article:published_time, JSON-LD, a dated byline), else the <title> as it is and no date."""
    from services.ingest.encoding import decode_document

    text = decode_document(data).text
    title = _TITLE.search(data[:200_000])
    headline = " ".join(html.unescape(title.group(1).decode("utf-8", "replace")).split()) if title else ""
    published = None
    meta = _metadata(text, url)
    if meta is not None:
        headline = " ".join((meta.title or "").split()) or headline
        published = _page_date(meta.date)
    return RawArticle(id=id, source=source, url=url, content_type="text/html", fetched_at=now, title=headline,
                      body=text, published_at=published)


def _metadata(text: str, url: str | None):  # noqa: ANN202 - trafilatura's Document
    try:
        from trafilatura.metadata import extract_metadata

        return extract_metadata(text, default_url=url, date_config=_DATES)
    except Exception:  # noqa: BLE001 - a page trafilatura cannot read keeps its <title>
        return None


# htmldate, as trafilatura calls it: the first publication (not a later update), with its time where the page says one.
_DATES = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True, "extensive_search": False}


def _page_date(value: str | None) -> datetime | None:
    """A page's date: with its time and zone where it says them; a day alone (midnight, no zone) is taken at noon
    UTC, as a dateline's day is."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(hour=12) if (at.hour, at.minute, at.second) == (0, 0, 0) else at
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc)


def describe_bytes(data: bytes, url: str | None = None) -> str:
    """What a document looks like, in a few words: "an HTML page titled ...", "JSON of another shape (...)"...

    ``url`` is where the document was read from: a feed an HTML page names is given as an absolute URL resolved
    against it, so it can be polled as it is."""
    if not data:
        return "an empty file"
    if not data.strip():
        return "only white space"
    kind = binary_kind(data)
    if kind:
        return kind
    text16 = utf16_without_bom(data)
    if text16 is not None:
        return "UTF-16 text without a byte-order mark"
    head = data[:200_000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if _HTML_START.match(head):
        title = _TITLE.search(head)
        words = "an HTML page"
        if title:
            text = " ".join(html.unescape(title.group(1).decode("utf-8", "replace")).split())[:80]
            words += f' titled "{text}"' if text else ""
        link = _FEED_LINK.search(head)
        href = _HREF.search(link.group(0)) if link else None
        if href:
            named = html.unescape(href.group(1).decode("utf-8", "replace")).strip()
            words += f"; it names a feed at {urljoin(url, named) if url else named}"
        return words
    if head.startswith(b"<"):
        root = None
        for match in _ROOT.finditer(head[:4096]):
            name = match.group(1).decode("ascii", "replace")
            if not name.lower().startswith(("xml", "!")):
                root = name
                break
        return f"XML whose root element is <{root}>, not <rss>, <rdf:RDF> or <feed>" if root else "XML without a root element"
    if head.startswith((b"{", b"[")):
        try:
            doc = orjson.loads(head if len(data) <= 200_000 else data)
        except orjson.JSONDecodeError:
            return "text that starts like JSON but is not valid JSON"
        if isinstance(doc, dict):
            keys = ", ".join(list(map(str, doc))[:6]) or "no keys"
            return f"JSON of another shape (an object with {keys})"
        if isinstance(doc, list):
            return f"a JSON array of {len(doc)} item{'s' if len(doc) != 1 else ''}"
    first = data[:200].decode("utf-8", "replace").strip().split("\n", 1)[0][:60]
    return f'plain text starting "{first}"'


_UNREACHABLE = {"HTTPError", "Timeout", "ConnectError", "BlockedURL", "BlockedAddress", "TooManyRedirects"}
_NOT_A_FEED = {"NotAFeed", "MalformedFeed", "InvalidJSON", "NotText"}
_ENCODING_TROUBLE = ("encoding unknown", "guessed", "do not decode", "unknown declared encoding")


def explain(where: str, data: bytes, records: Sequence[object], *, problems: Sequence[str] = (),
            kind: str = "feed", url: str | None = None) -> Nothing | None:
    """None when ``records`` hold at least one article, else why there is none.

    ``records`` are what one input gave (articles or feed entries, and :class:`RecordError`);
    ``problems`` what the decoder and parser noticed on the way; ``kind`` names what an empty but valid
    input was ("feed", "JSON array", "body"); ``url`` where it was fetched from, if it was.
    """
    # A note about fields or pages is neither article nor error.
    records = [r for r in records if not isinstance(r, (Ignored, Note))]
    errors = [r for r in records if isinstance(r, RecordError)]
    if len(errors) < len(records):
        return None
    classes = Counter(e.error_class for e in errors)
    if "TooLarge" in classes:
        return Nothing(where, "too_large", _after_name(next(e for e in errors if e.error_class == "TooLarge")))
    if set(classes) & _UNREACHABLE:
        return Nothing(where, "unreachable", _after_name(errors[0]))
    if not data.strip():
        return Nothing(where, "empty", "empty input" if not data else "only white space")
    if not errors:
        return Nothing(where, "no_entries", f"{kind} has no entries")
    # one object of unknown fields is JSON of another shape; one whose field is an article field misspelt is an article
    other_json = len(errors) == 1 and ("not an article" in errors[0].reason or "unknown field" in errors[0].reason) \
        and "did you mean" not in errors[0].reason and data.lstrip()[:1] == b"{"
    if set(classes) & _NOT_A_FEED or other_json or binary_kind(data):
        looks = describe_bytes(data, url)
        if binary_kind(data):
            return Nothing(where, "not_a_feed", f"not a feed: {looks}")
        trouble = [p for p in problems if any(t in p for t in _ENCODING_TROUBLE)]
        if looks.startswith("UTF-16") or (trouble and not looks.startswith(("an HTML page", "JSON", "XML", "a JSON"))):
            return Nothing(where, "encoding", f"unreadable encoding: {'; '.join(trouble) or looks}"[:500])
        if looks.startswith(("text that starts like JSON", "plain text")) and errors[0].error_class == "MalformedFeed" \
                or looks.startswith("text that starts like JSON") and errors[0].error_class == "InvalidJSON":
            # the parser's or the JSON reader's own words, which say where the document breaks off
            return Nothing(where, "not_a_feed", _after_name(errors[0])[:500])
        return Nothing(where, "not_a_feed", f"not a feed: {looks}"[:500])
    n = len(errors)
    entries = f"{n} entr{'ies' if n != 1 else 'y'}"
    if all("neither title nor" in e.reason for e in errors):
        return Nothing(where, "no_text", f"{entries}, none with a title or text")
    if n == 1:
        return Nothing(where, "invalid_entries", f"1 entry, rejected: {_after_name(errors[0])}"[:500])
    return Nothing(where, "invalid_entries", f"{entries}, every one rejected (first: {_after_name(errors[0])})"[:500])


def said_apart(rejected: Sequence[RecordError], nothing: Sequence[Nothing]) -> list[RecordError]:
    """The rejected records that need a line of their own besides the inputs' ``0 articles`` lines: not the one rejected
    record of an input that gave no article (the input rejected whole, or its one entry), which its line says."""
    def of(error: RecordError, where: str) -> bool:  # the input itself, or a record in it ("x.json[2]", "x.rss entry 3")
        return error.where == where or error.where.startswith(where) and error.where[len(where)] in " [:."

    alone = set()
    for empty in nothing:
        mine = [e for e in rejected if of(e, empty.where)]
        if len(mine) == 1:
            alone.add(id(mine[0]))
    return [e for e in rejected if id(e) not in alone]


def _after_name(error: RecordError) -> str:
    """A RecordError's reason without the input's name it starts with."""
    reason = error.reason
    for prefix in (f"{error.where}: ", f"{error.where} "):
        if reason.startswith(prefix):
            return reason[len(prefix):]
    return reason
