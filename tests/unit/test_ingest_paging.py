"""Where a JSON feed's or news API's next page is: the body's next URL or the Link header's rel="next"; the page
WordPress serves after a feed's without naming it."""

from datetime import UTC, datetime

import pytest

from services.ingest.paging import next_in_body, next_in_link_header, next_page, page_key, wordpress_next

BASE = "https://api.example.com/v2/news?page=1"


@pytest.mark.parametrize("doc, expected", [
    ({"next_url": "https://api.example.com/feed?before=99"}, "https://api.example.com/feed?before=99"),  # JSON Feed 1.1
    ({"next": "https://api.example.com/v2/news?page=2"}, "https://api.example.com/v2/news?page=2"),
    ({"links": {"self": "/v2/news?page=1", "next": "/v2/news?page=2"}}, "/v2/news?page=2"),
    ({"links": {"next": {"href": "?page=2", "meta": {}}}}, "?page=2"),  # JSON:API link object
    ({"pagination": {"next": "https://api.example.com/p/2"}}, "https://api.example.com/p/2"),
    ({"paging": {"next": "https://graph.example.com/x?after=QVFI"}}, "https://graph.example.com/x?after=QVFI"),
    ({"next": None, "links": {"next": "/v2/news?page=2"}}, "/v2/news?page=2"),  # the last page in one style
    ({"next": "QVFIUmx1"}, None),  # a cursor to send back, not a place to go
    ({"next": 2, "pagination": {"next": True}}, None),
    ({"next": "javascript:alert(1)"}, None),
    ({"next": "ftp://api.example.com/p/2"}, None),
    ({"articles": [], "links": "next"}, None),
    ([{"next": "https://api.example.com/p/2"}], None),  # a list of records has no next page
])
def test_the_next_page_a_body_names(doc, expected):
    assert next_in_body(doc) == expected


@pytest.mark.parametrize("header, expected", [
    ('<https://api.example.com/r?page=2>; rel="next", <https://api.example.com/r?page=9>; rel="last"',
     "https://api.example.com/r?page=2"),
    ('<https://api.example.com/r?page=1>; rel="prev first", <https://api.example.com/r?page=3>; rel="next"',
     "https://api.example.com/r?page=3"),
    ("</r?page=2>; rel=next", "/r?page=2"),
    ('<https://api.example.com/r?ids=1,2,3&page=2>; title="more, later"; REL="Next"',
     "https://api.example.com/r?ids=1,2,3&page=2"),
    ('<https://api.example.com/r?page=1>; rel="prev"', None),
    ('<https://api.example.com/hub>; rel="hub"', None),
    ("", None),
    (None, None),
    ("not a link header at all", None),
])
def test_the_next_page_a_link_header_names(header, expected):
    assert next_in_link_header(header) == expected


def test_the_body_wins_over_the_header_and_relative_pages_resolve_against_the_page_read():
    assert next_page("?page=3", "</other?page=9>; rel=next", base=BASE) == "https://api.example.com/v2/news?page=3"
    assert next_page(None, "</other?page=9>; rel=next", base=BASE) == "https://api.example.com/other?page=9"
    assert next_page("../v1/news?page=2", None, base=BASE) == "https://api.example.com/v1/news?page=2"
    assert next_page(None, None, base=BASE) is None


def test_a_page_is_the_same_page_whatever_its_fragment_or_the_case_of_its_host():
    assert page_key("HTTPS://API.example.com/v2/news?page=1#top") == page_key(BASE)
    assert page_key("https://api.example.com/v2/news?page=2") != page_key(BASE)
    assert page_key("https://api.example.com") == page_key("https://api.example.com/")


# RFC 5005 §4's archived feed: a subscription document (or an archive) names the archive before it.
_FH = 'xmlns:fh="http://purl.org/syndication/history/1.0"'
_RSS_ARCHIVE = (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" {_FH}><channel>'
                '<title>Port</title><link>https://port.example.com/</link>{history}'
                '<atom:link rel="next-archive" href="https://port.example.com/archive/2024-04"/>'
                '<atom:link rel="prev-archive" href="{prev}"/>'
                '<item><title>Harbour reopens</title><link>https://port.example.com/1</link></item></channel></rss>')
_ATOM_ARCHIVE = (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" {_FH}><title>Port</title>'
                 '<id>tag:port</id><updated>2024-03-01T10:00:00Z</updated>{history}'
                 '<link rel="next-archive" href="https://port.example.com/archive/2024-04"/>'
                 '<link rel="prev-archive" href="{prev}"/>'
                 '<entry><id>tag:port,2024:1</id><title>Harbour reopens</title><link href="https://port.example.com/1"/>'
                 '<updated>2024-03-01T10:00:00Z</updated><content type="text">In full.</content></entry></feed>')


NOW = datetime(2024, 3, 5, tzinfo=UTC)


def _archive_doc(template: str, prev: str, history: str = "<fh:archive/>") -> bytes:
    return template.replace("{history}", history).replace("{prev}", prev).encode()


@pytest.mark.parametrize("template", [_RSS_ARCHIVE, _ATOM_ARCHIVE], ids=["rss-atom-link", "atom"])
def test_the_archive_before_a_feed_document_is_found_in_rss_and_atom(template):
    from services.ingest.parser import parse_feed

    parsed = parse_feed(_archive_doc(template, "https://port.example.com/archive/2024-02"), feed_id="port",
                        url="https://port.example.com/archive/2024-03", now=NOW)
    assert parsed.prev_archive == "https://port.example.com/archive/2024-02"
    assert parsed.next_url is None  # next-archive points at newer documents: never read back to
    relative = parse_feed(_archive_doc(template, "2024-02", history=""), feed_id="port",
                          url="https://port.example.com/archive/2024-03", now=NOW)
    assert next_page(relative.prev_archive, None, base="https://port.example.com/archive/2024-03",
                     rel="prev-archive") == "https://port.example.com/archive/2024-02"


@pytest.mark.parametrize("template", [_RSS_ARCHIVE, _ATOM_ARCHIVE], ids=["rss-atom-link", "atom"])
def test_a_complete_feed_names_no_archive(template):
    from services.ingest.parser import parse_feed

    parsed = parse_feed(_archive_doc(template, "https://port.example.com/archive/2024-02", history="<fh:complete/>"),
                        feed_id="port", url="https://port.example.com/feed", now=NOW)
    assert parsed.prev_archive is None


def test_the_archive_before_a_page_named_by_a_link_header():
    header = '<https://port.example.com/archive/2024-04>; rel="next-archive", </archive/2024-02>; rel="prev-archive"'
    assert next_in_link_header(header, "prev-archive") == "/archive/2024-02"
    assert next_in_link_header(header) is None
    assert next_page(None, header, base="https://port.example.com/feed",
                     rel="prev-archive") == "https://port.example.com/archive/2024-02"


@pytest.mark.parametrize("url, expected", [
    ("https://port.example.org/feed/", "https://port.example.org/feed/?paged=2"),
    ("https://port.example.org/feed/?paged=2", "https://port.example.org/feed/?paged=3"),
    ("https://port.example.org/category/docks/feed/atom/?s=crane&paged=9#top",
     "https://port.example.org/category/docks/feed/atom/?s=crane&paged=10"),  # other parameters kept as written
    ("https://port.example.org/?feed=rss2", "https://port.example.org/?feed=rss2&paged=2"),  # plain permalinks
    ("https://port.example.org/feed?unpaged=3", "https://port.example.org/feed?unpaged=3&paged=2"),
    ("https://port.example.org", "https://port.example.org/?paged=2"),
    ("https://port.example.org/feed/?paged=last", None),
])
def test_the_page_wordpress_serves_after_a_feeds_page(url, expected):
    assert wordpress_next(url) == expected
