"""Every input that gives no article says why: fixtures of the kinds users and feed readers meet."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.ingest.readers import RecordError, json_records, read_path
from services.ingest.verdicts import REASONS, Nothing, describe_bytes, explain

INPUTS = Path(__file__).parent / "fixtures" / "inputs"
NOW = datetime(2026, 3, 5, tzinfo=timezone.utc)

# file -> (reason, words the reason must contain); None: the file gives at least one article.
EXPECTED = {
    "empty-channel.rss": ("no_entries", "feed has no entries"),
    "atom-no-entries.atom": ("no_entries", "feed has no entries"),
    "rdf-no-items.xml": ("no_entries", "feed has no entries"),
    "jsonfeed-no-items.json": ("no_entries", "feed has no entries"),
    "empty-array.json": ("no_entries", "JSON array has no entries"),
    "entries-without-text.rss": ("no_text", "2 entries, none with a title or text"),
    "atom-entries-without-text.atom": ("no_text", "1 entry, none with a title or text"),
    "homepage-saved-as-feed.xml": ("not_a_feed", 'an HTML page titled "Example News & Views"; it names a feed at https://news.example/rss.xml'),
    # A news API's answer is read (services/ingest/json_fields.py): this one holds no article.
    "api-answer.json": ("no_entries", "JSON array has no entries"),
    "weather-answer.json": ("not_a_feed", "JSON of another shape (an object with status, city, forecast)"),
    "sitemap.xml": ("not_a_feed", "root element is <urlset>"),
    "logo.png": ("not_a_feed", "a PNG image"),
    "logo-named-as-feed.rss": ("not_a_feed", "a PNG image"),
    "feed.rss.gz": ("not_a_feed", "gzip-compressed data"),
    "not-json.json": ("not_a_feed", "not valid JSON"),
    "empty.txt": ("empty", "empty input"),
    "blank.xml": ("empty", "only white space"),
    "undecodable.xml": ("encoding", "unreadable encoding"),
    "over-the-limit.rss": ("too_large", "exceeds the limit of 4096 bytes"),
    "utf16le-nobom-feed.xml": None,
    "utf16be-nobom-story.txt": None,
    "article-page.html": None,
}


def test_the_fixture_set_is_the_table():
    assert sorted(p.name for p in INPUTS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_input_gives_articles_or_one_reason(name):
    records = list(read_path(INPUTS / name, now=NOW, max_bytes=4096))
    articles = [r for r in records if hasattr(r, "fetched_at")]
    nothing = [r for r in records if isinstance(r, Nothing)]
    expected = EXPECTED[name]
    if expected is None:
        assert articles and not nothing
        return
    assert not articles and len(nothing) == 1
    reason, words = expected
    assert (nothing[0].reason, nothing[0].where) == (reason, str(INPUTS / name))
    assert words in nothing[0].detail
    assert nothing[0].is_error == (reason != "no_entries")
    if reason != "no_entries":
        # A rejected input is also a dead letter with the reason (what `ingest` sends to articles.raw.dlq).
        assert any(isinstance(r, RecordError) and r.reason for r in records)


def test_utf16_without_a_byte_order_mark_is_read_not_rejected():
    [article] = [r for r in read_path(INPUTS / "utf16be-nobom-story.txt", now=NOW) if hasattr(r, "title")]
    assert article.title == "Harbour reopens" and "repairs" in article.body
    [entry] = [r for r in read_path(INPUTS / "utf16le-nobom-feed.xml", now=NOW) if hasattr(r, "title")]
    assert entry.title == "Quay approved"


def test_an_html_file_is_an_article_page_with_its_title():
    [page] = list(read_path(INPUTS / "article-page.html", now=NOW))
    assert page.title == "Harbour reopens" and page.content_type == "text/html" and "<article>" in page.body


def test_a_post_body_that_is_an_empty_array_or_nothing():
    assert explain("POST /ingest", b"[]", list(json_records(b"[]", where="POST /ingest", fallback="http", now=NOW)),
                   kind="body").reason == "no_entries"
    empty = explain("POST /ingest", b"", [], kind="body")
    assert empty.reason == "empty" and empty.is_error


WELCOME = (b'<!DOCTYPE html>\n<html><head><title>Welcome to My Site</title>'
           b'<link rel="alternate" type="application/rss+xml" href="/rss.xml?lang=en&amp;n=20"></head><body>Hi</body></html>')


def test_the_feed_an_html_page_names_is_given_as_an_absolute_url_against_the_page_url():
    assert describe_bytes(WELCOME, "https://site.example/news/index.html") == (
        'an HTML page titled "Welcome to My Site"; it names a feed at https://site.example/rss.xml?lang=en&n=20')
    assert describe_bytes(WELCOME).endswith("it names a feed at /rss.xml?lang=en&n=20")  # a file: no URL to resolve against


def test_a_fetch_that_failed_is_unreachable():
    error = RecordError("https://x.example/feed", "ConnectError", "https://x.example/feed: cannot connect", b"")
    nothing = explain("https://x.example/feed", b"", [error])
    assert (nothing.reason, nothing.detail) == ("unreachable", "cannot connect")


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=600), st.text(max_size=600).map(lambda t: t.encode("utf-8")),
                 st.dictionaries(st.text(max_size=8), st.integers(), max_size=4).map(lambda d: repr(d).encode())))
def test_anything_is_described_in_a_few_words(data):
    words = describe_bytes(data)
    assert words and len(words) < 400


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["<item>", "</item>", "<title>", "</title>", "x", "<entry>", "<rss version=\"2.0\">",
                                 "<channel>", "</channel>", "</rss>", "<description>", "</description>", "&amp;", " "]),
                max_size=30))
def test_feed_shaped_noise_gives_articles_or_a_reason(parts):
    records = list(read_path_bytes("".join(parts).encode()))
    articles = [r for r in records if hasattr(r, "fetched_at")]
    nothing = [r for r in records if isinstance(r, Nothing)]
    assert len(nothing) == (0 if articles else 1)
    assert all(n.reason in REASONS for n in nothing)


def read_path_bytes(data: bytes):
    from services.ingest.readers import read_bytes

    return read_bytes(data, name="noise.xml", now=NOW)


def test_one_article_with_a_misspelt_field_is_a_rejected_entry_not_json_of_another_shape(tmp_path):
    # the record's own rejection says "did you mean 'title'?"; the input's verdict must not say "not a feed"
    path = tmp_path / "typo.json"
    path.write_text('{"titel": "Dock strike ends", "body": "Workers return on Monday."}')
    [nothing] = [r for r in read_path(path, now=NOW, max_bytes=4096) if isinstance(r, Nothing)]
    assert nothing.reason == "invalid_entries", nothing
    assert nothing.detail == "1 entry, rejected: unknown field 'titel': did you mean 'title'?"
