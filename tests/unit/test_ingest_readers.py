"""Files, stdin and pushed JSON become RawArticles with stable ids; bad records become errors, not crashes."""

from datetime import datetime, timezone

import pytest

from schemas import RawArticle
from services.ingest.ids import article_id, canonical_url
from services.ingest.readers import RecordError, json_records, parse_datetime, read_bytes, text_article

NOW = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def test_wire_story_text_has_title_date_and_body():
    text = "Floods close Danube ports\ndate 2024-03-04\n\nRiver traffic stopped on Monday.\n\nMore rain is due."
    article = text_article(text, name="floods.txt", source="file", now=NOW)
    assert article.title == "Floods close Danube ports"
    assert article.published_at == datetime(2024, 3, 4, tzinfo=timezone.utc)
    assert article.body == "River traffic stopped on Monday.\n\nMore rain is due."
    assert article.content_type == "text/plain"


def test_date_line_glued_to_the_body_is_split_off():
    article = text_article(" date 2024-03-04 The minister said on Monday that...\n\nSecond paragraph.",
                           name="x.txt", source="file", now=NOW)
    assert article.published_at == datetime(2024, 3, 4, tzinfo=timezone.utc)
    assert article.body.startswith("The minister said on Monday")


def test_same_file_ingested_twice_keeps_its_id():
    a = text_article("Title\nBody one.", name="story.txt", source="file", now=NOW)
    b = text_article("Title, edited\nBody two, corrected.", name="story.txt", source="file", now=NOW)
    assert a.id == b.id


@pytest.mark.parametrize(
    "url,canonical",
    [
        ("HTTPS://News.Example.COM:443/a/b?utm_source=rss&id=7#top", "https://news.example.com/a/b?id=7"),
        ("http://example.com/x?fbclid=abc", "http://example.com/x"),
        ("http://example.com:8080/x?b=2&a=1", "http://example.com:8080/x?b=2&a=1"),
    ],
)
def test_canonical_url_drops_tracking_and_case(url, canonical):
    assert canonical_url(url) == canonical


def test_tracking_parameters_do_not_change_the_id():
    assert article_id(url="https://e.com/a?utm_campaign=x") == article_id(url="https://e.com/a")
    assert article_id(url="https://e.com/a") != article_id(url="https://e.com/b")


def test_ndjson_keeps_given_id_and_language_hint():
    data = b'{"id": "wire-42", "title": "T", "body": "B", "language": "es", "source": "agency"}\n'
    [article] = list(json_records(data, where="push", source="http", now=NOW))
    assert isinstance(article, RawArticle)
    assert (article.id, article.language_hint, article.source) == ("wire-42", "es", "agency")


def test_bad_ndjson_line_is_an_error_and_the_rest_goes_on():
    data = b'{"title": "one", "body": "x"}\n{not json\n{"title": "three", "body": "y", "colour": "red"}\n{"title": "four"}\n'
    records = list(json_records(data, where="push", source="http", now=NOW))
    kinds = [type(r).__name__ if isinstance(r, RawArticle) else r.error_class for r in records]
    assert kinds == ["RawArticle", "InvalidJSON", "SchemaViolation", "RawArticle"]
    assert "push:2" in records[1].reason and "colour" in records[2].reason


def test_json_array_and_bad_dates():
    data = b'[{"title": "a", "body": "b", "published_at": "Thu, 28 Sep 2023 10:00:00 +0200"}, {"title": "c", "published_at": "yesterday"}]'
    ok, bad = list(json_records(data, where="f.json", source="file", now=NOW))
    assert ok.published_at == datetime(2023, 9, 28, 8, tzinfo=timezone.utc)
    assert isinstance(bad, RecordError) and "yesterday" in bad.reason


def test_latin1_text_file_is_read_not_rejected():
    data = "Señal débil en Málaga\nEl servicio volvió a las ocho.".encode("latin-1")
    [article] = list(read_bytes(data, name="malaga.txt", source="file", now=NOW))
    assert article.title == "Señal débil en Málaga"


def test_html_body_is_marked_as_html():
    data = b'{"title": "t", "body": "<html><body><p>Hello</p></body></html>"}'
    [article] = list(json_records(data, where="x", source="s", now=NOW))
    assert article.content_type == "text/html"


def test_parse_datetime_treats_naive_as_utc():
    assert parse_datetime("2024-01-02T03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
