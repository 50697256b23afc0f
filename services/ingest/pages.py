"""Reading a paginated feed or API answer on from its first page, an archived feed back through its archives, and in
the command line's backfill a WordPress feed through the pages it does not name: the one loop the poller and the
one-shot commands (``wirewatch ingest`` and ``process`` given a URL) share, so both read as far, stop for the same
reasons and send a feed's own headers to the same places.

Where the next page is comes from ``paging.py``; what a page holds, from the caller's ``read`` (the poller's feed
parser, or the command line's reader of feeds and JSON).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from services.ingest.fetcher import Fetched, Fetcher, FetchError, same_origin, shown_url
from services.ingest.paging import next_page, page_key, paged, wordpress_next
from services.ingest.parser import FeedEntry, ParsedFeed
from services.ingest.readers import RecordError
from services.ingest.rejections import rejection_key
from services.ingest.verdicts import Nothing

__all__ = ["Page", "PagesRead", "feed_page", "leads_on", "names_more", "read_on", "rejected_entry"]

R = TypeVar("R")

_NO_FEED = ("NotAFeed", "MalformedFeed")  # what rejects a whole answer, not one of its entries
# What rejects one entry of a feed or one record of a JSON answer; the other classes reject a whole answer (not valid
# JSON, too large ...), whose page names no page worth reading.
_ENTRY_ERRORS = ("InvalidEntry", "SchemaViolation")


@dataclass
class Page(Generic[R]):
    """What one page gave: its records in order (articles and what is no article), the next page its body names (as
    written), the archive before it (RFC 5005 §4's prev-archive, as written), whether WordPress made it (and serves
    the page after it at ?paged=N unnamed), what its parser noticed, and why it gave no article when it gave none."""

    records: list[R]
    next_url: str | None = None
    prev_archive: str | None = None
    problems: list[str] = field(default_factory=list)
    nothing: Nothing | None = None
    wordpress: bool = False


@dataclass
class PagesRead(Generic[R]):
    """What the pages after the first gave: their new articles and their records that are no article, the problems
    met on the way (a page that failed, the cap), how many pages were read in all, the first included, and whether
    they are the whole feed: every page they name was read (none failed, none left past the cap, after a page holding
    what was passed on, or after a page holding nothing new), so what they do not hold, the feed no longer lists; and
    whether they went as ``deep`` as a reading may: the whole feed, or every page up to the cap, none failed or left
    (what they do not hold, the feed no longer lists within the pages ingest reads)."""

    records: list[R] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    pages: int = 1
    bytes: int = 0
    whole: bool = False
    deep: bool = False


def feed_page(parsed: ParsedFeed, *, later: bool = False) -> Page[FeedEntry | RecordError]:
    """A parsed feed document as a page. A page after the first that is no feed at all is a problem of the reading
    (said by its ``nothing``), not a dead letter; an entry on it that is no article is one, as on the first page."""
    records = parsed.records if not later else [
        r for r in parsed.records if not (isinstance(r, RecordError) and r.error_class in _NO_FEED)]
    return Page(records, next_url=parsed.next_url, prev_archive=parsed.prev_archive, problems=parsed.problems,
                nothing=parsed.nothing, wordpress=parsed.wordpress)


def rejected_entry(record: object) -> str | None:
    """The rejection key (``rejections.py``) of a record that is an entry (of a feed, or a record of a JSON answer)
    ingest rejected; None for an article, and for a whole answer rejected (no feed at all, not valid JSON ...)."""
    if isinstance(record, RecordError) and record.error_class in _ENTRY_ERRORS:
        return rejection_key(record)
    return None


def leads_on(first: Page[R], article_id: Callable[[R], str | None],
             rejected: Callable[[R], str | None] = rejected_entry) -> bool:
    """Whether the pages a first page names are worth reading: it holds an entry (an article, or one ingest rejected:
    the page after a page of bad entries may hold good ones), or it is a feed or an API answer with no entry (yet: an
    archived feed's subscription document, an empty first page naming the next); not a page that is no feed at all."""
    return any(article_id(r) is not None or rejected(r) is not None for r in first.records) or (
        first.nothing is not None and first.nothing.reason == "no_entries")


def names_more(page: Page[R], resp: Fetched, done: Collection[str] = ()) -> bool:
    """Whether a page (answered by ``resp``) names a page not in ``done`` (``page_key``s): a next page or an archive, in
    its body or its Link header; the page itself is never one."""
    link = resp.headers.get("link")
    done = {*done, page_key(resp.url)}
    return any(_unread(next_page(named, link, base=resp.url, rel=rel), done) is not None
               for named, rel in ((page.next_url, "next"), (page.prev_archive, "prev-archive")))


async def read_on(first: Page[R], resp: Fetched, fetcher: Fetcher, *, home: str, label: str, max_pages: int,
                  read: Callable[[Fetched, str], Page[R]], article_id: Callable[[R], str | None],
                  private: Mapping[str, str] | None = None, seen: Callable[[str], bool] = lambda article_id: False,
                  fetched: Callable[[str, int], None] = lambda status, size: None,
                  archives: bool = False, wordpress_pages: bool = False,
                  rejected: Callable[[R], str | None] = rejected_entry,
                  rejected_before: Callable[[str], bool] = lambda key: False) -> PagesRead[R]:
    """Read the pages after ``first`` (answered by ``resp``, for ``home``, the feed's URL) as far as they go and it is
    worth going: up to ``max_pages`` pages in all, never a page twice, no further than a page holding an article
    ``seen`` says was passed on already (everything after it is older), or whose every entry ``rejected_before`` says
    an earlier poll rejected as it is (a page of entries passed on or lettered before, alike), nor than what a page
    with nothing new names (a rejected entry not met on an earlier page of this reading is new, as an article is).
    The first page's links are followed even when it holds no entry (an archived feed's subscription document before
    its first entry, a paged feed whose first page is empty).

    ``read`` turns a page's response into its records (named by ``where``: "page 2 (URL)"); ``article_id`` tells an
    article's id, None for a record that is no article; ``rejected``, a rejected entry's key (``rejected_entry``), None
    for a record that is none; ``archives``: the archives the pages name (RFC 5005 §4's
    ``prev-archive``) are read too, newest first, once the ``rel="next"`` pages (RFC 5005 §3: more of the same
    document) are read: an archive is older than every page of the document naming it; ``wordpress_pages``: a
    WordPress page naming no next page is followed by the one WordPress serves after it (``?paged=N``), a 404 being
    the end, not a problem; ``private`` (the feed's own headers, an API key) go to ``home``'s origin only, as on a
    redirect; ``fetched`` counts each fetch (its status or error class, and bytes)."""
    out: PagesRead[R] = PagesRead()
    done = {page_key(resp.url), page_key(home)}
    ids = {i for i in map(article_id, first.records) if i is not None}
    bad = {k for k in map(rejected, first.records) if k is not None}  # rejected entries met, by key
    older: list[str] = []  # archives named on the way, read when the next pages end
    page: Page[R] | None = first
    left = False  # a page was named and not read: what it holds is not known to be gone
    while True:
        after = None
        if page is not None:
            link = resp.headers.get("link")
            after = _unread(next_page(page.next_url, link, base=resp.url), done)
            guessed = after is None and wordpress_pages and page.wordpress
            if guessed:
                after = _unread(wordpress_next(resp.url), done)
            archive = _unread(next_page(page.prev_archive, link, base=resp.url, rel="prev-archive"), done)
            if archive is not None and not archives:
                left = True  # read by a poller's first poll only
            elif archive is not None and page_key(archive) not in map(page_key, older):
                older.append(archive)
            if any(seen(i) for i in map(article_id, page.records) if i is not None) or \
                    _rejected_before_only(page.records, article_id, rejected, rejected_before):
                # This page holds what was passed on (or lettered) before: what comes after it is older still, not read.
                out.whole = out.deep = not left and after is None and not older
                return out
        is_archive = after is None
        if is_archive:
            if not older:
                out.whole = out.deep = not left
                return out  # the last page, or one that names itself or an earlier one
            after, guessed = older.pop(0), False
        if out.pages >= max_pages:
            what = "older archives (prev-archive)" if is_archive else \
                f"older pages (WordPress's ?paged={paged(after)} and on)" if guessed else "more pages"
            what += " and older archives (prev-archive)" if older and not is_archive else ""
            out.problems.append(f"{what} after page {out.pages}, not read (WIREWATCH_INGEST__MAX_PAGES={max_pages})")
            out.deep = not left
            return out
        done.add(page_key(after))
        page = None  # a page that fails or holds nothing new names nothing worth reading; the archives still are
        where = f"page {out.pages + 1} ({shown_url(after)})"
        try:
            answer = await fetcher.get(after, label=label, private=private if same_origin(after, home) else None)
        except FetchError as exc:
            fetched(exc.error_class, 0)
            out.problems.append(f"{where}: {exc.reason.removeprefix(label + ': ')}; the pages after it not read")
            left = True
            continue
        fetched(str(answer.status), len(answer.body))
        out.bytes += len(answer.body)
        if answer.status != 200:
            if not (guessed and answer.status == 404):  # WordPress's answer past its last page
                out.problems.append(f"{where}: HTTP {answer.status}; the pages after it not read")
                left = True
            continue
        out.pages += 1
        resp, read_page = answer, read(answer, where)
        out.problems.extend(f"{where}: {p}" for p in read_page.problems)
        new = [r for r in read_page.records if (i := article_id(r)) is not None and i not in ids]
        out.records.extend(new + [r for r in read_page.records if article_id(r) is None])
        new_bad = {k for k in map(rejected, read_page.records) if k is not None} - bad
        bad |= new_bad
        if not new and not new_bad:
            unread = read_page.nothing is not None and read_page.nothing.is_error
            if unread:
                out.problems.append(f"{where}: {read_page.nothing.detail}")
            left = left or unread or names_more(read_page, answer, done)
            continue  # an empty page, or one repeating entries already read: the end of its pages
        ids.update(i for i in map(article_id, new) if i is not None)
        page = read_page


def _rejected_before_only(records: list[R], article_id: Callable[[R], str | None],
                          rejected: Callable[[R], str | None], rejected_before: Callable[[str], bool]) -> bool:
    """Whether a page's entries are all entries an earlier poll rejected as they are (at least one, no article)."""
    if any(article_id(r) is not None for r in records):
        return False
    found = [k for k in map(rejected, records) if k is not None]
    return bool(found) and all(map(rejected_before, found))


def _unread(url: str | None, done: set[str]) -> str | None:
    return url if url is not None and page_key(url) not in done else None
