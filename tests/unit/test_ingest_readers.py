"""Files, stdin and pushed JSON become RawArticles with stable ids; bad records become errors, not crashes."""

from datetime import datetime, timezone

import orjson
import pytest

from schemas import RawArticle
from services.ingest.ids import article_id, canonical_url
from services.ingest.readers import Ignored, RecordError, json_records, parse_datetime, read_bytes, read_path, text_article

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
    [article] = list(json_records(data, where="push", fallback="http", now=NOW))
    assert isinstance(article, RawArticle)
    assert (article.id, article.language_hint, article.source) == ("wire-42", "es", "agency")


def test_bad_ndjson_line_is_an_error_and_the_rest_goes_on():
    data = b'{"title": "one", "body": "x"}\n{not json\n{"titel": "three", "body": "y"}\n{"title": "four"}\n'
    records = list(json_records(data, where="push", fallback="http", now=NOW))
    kinds = [type(r).__name__ if isinstance(r, RawArticle) else r.error_class for r in records]
    assert kinds == ["RawArticle", "InvalidJSON", "SchemaViolation", "RawArticle"]
    assert "push:2" in records[1].reason
    assert records[2].reason == "push:3: unknown field 'titel': did you mean 'title'?"


def test_other_fields_are_left_out_and_named_once():
    data = (b'{"title": "one", "body": "x", "event": "e-1", "event_title": "floods"}\n'
            b'{"title": "two", "body": "y", "authors": ["A. Writer"]}\n{"title": "three", "body": "z"}\n')
    *articles, ignored = json_records(data, where="dataset.jsonl", now=NOW)
    assert [a.title for a in articles] == ["one", "two", "three"]
    assert isinstance(ignored, Ignored)
    assert (ignored.fields, ignored.records) == (("authors", "event", "event_title"), 2)
    assert str(ignored) == ("dataset.jsonl: ignored field(s) not read as article fields, in 2 records: "
                            "authors, event, event_title")


@pytest.mark.parametrize("named, fallback, expected", [
    (None, "file", ["theguardian.com", "file", "Reuters"]),  # read from a file: the site the article is on
    (None, "http", ["theguardian.com", "http", "Reuters"]),  # pushed to POST /ingest
    ("my-archive", "file", ["my-archive", "my-archive", "Reuters"]),  # a source the user named wins over the URL
    ("file", "file", ["file", "file", "Reuters"]),  # ... whatever the name: `--source file` means the source "file"
    ("stdin", "file", ["stdin", "stdin", "Reuters"]),
])
def test_a_record_without_a_source_is_from_its_urls_site(named: str | None, fallback: str, expected: list[str]):
    data = (b'{"title": "one", "body": "x", "url": "http://www.theguardian.com/world/2014/apr/28/egypt"}\n'
            b'{"title": "two", "body": "y"}\n'
            b'{"title": "three", "body": "z", "url": "https://www.reuters.com/a", "source": "Reuters"}\n')
    assert [a.source for a in json_records(data, where="galaxy.jsonl", source=named, fallback=fallback, now=NOW)] == expected


def test_news_tools_field_names_are_read():
    newsapi = (b'{"source": {"id": "bbc-news", "name": "BBC News"}, "author": "BBC", "title": "Floods close ports",'
               b' "description": "Short.", "url": "https://bbc.example/a", "urlToImage": "https://bbc.example/a.jpg",'
               b' "publishedAt": "2024-03-04T10:00:00Z", "content": "River traffic stopped on Monday... [+2113 chars]"}')
    [article, ignored] = json_records(newsapi, where="newsapi.json", now=NOW)
    assert (article.source, article.url, article.body) == ("BBC News", "https://bbc.example/a", "River traffic stopped on Monday")
    assert article.published_at == datetime(2024, 3, 4, 10, tzinfo=timezone.utc)
    assert ignored.fields == ("author", "urlToImage")
    news_please = (b'{"title": "Flut", "maintext": "Der Verkehr stand still.", "date_publish": "2024-03-04 08:00:00",'
                   b' "date_download": "2024-03-05 09:00:00", "source_domain": "dw.example", "language": "de",'
                   b' "url": "https://dw.example/b"}')
    [article] = json_records(news_please, where="np.json", now=NOW)
    assert (article.title, article.body, article.source, article.language_hint) == ("Flut", "Der Verkehr stand still.", "dw.example", "de")
    assert (article.published_at, article.fetched_at) == (datetime(2024, 3, 4, 8, tzinfo=timezone.utc),
                                                          datetime(2024, 3, 5, 9, tzinfo=timezone.utc))
    schema_org = b'{"@type": "NewsArticle", "headline": "H", "articleBody": "B", "datePublished": "2024-03-04", "inLanguage": "es"}'
    [article, ignored] = json_records(schema_org, where="ld.json", now=NOW)
    assert (article.title, article.body, article.language_hint) == ("H", "B", "es")
    assert ignored.fields == ("@type",)


def test_our_own_names_win_over_other_tools_names():
    data = b'{"title": "T", "body": "full text", "description": "teaser", "published_at": "2024-03-04", "date": "2020-01-01"}'
    [article] = json_records(data, where="x.json", now=NOW)
    assert (article.body, article.published_at.year) == ("full text", 2024)


def test_a_json_object_that_is_no_article_says_so():
    [error] = json_records(b'{"status": "ok", "totalResults": 0}', where="api.json", now=NOW)
    assert isinstance(error, RecordError)
    assert error.reason == ("api.json[0]: not an article: no title or body under any name this reader knows "
                            "(README, 'Inputs'); its fields: status, totalResults")


def test_a_pretty_printed_object_is_one_record():
    data = b'{\n  "title": "Harbour reopens",\n  "body": "The harbour reopened."\n}\n'
    [article] = json_records(data, where="pretty.json", now=NOW)
    assert (article.title, article.body) == ("Harbour reopens", "The harbour reopened.")


def test_an_api_answer_gives_the_articles_it_holds():
    newsapi = orjson.dumps({"status": "ok", "totalResults": 2, "articles": [
        {"source": {"id": None, "name": "Reuters"}, "title": "Harbour reopens", "url": "https://r.example/a",
         "publishedAt": "2024-03-04T10:00:00Z", "content": "The harbour reopened on Monday… [+1200 chars]"},
        {"source": {"id": "bbc-news", "name": "BBC News"}, "title": "Quay approved", "url": "https://b.example/b",
         "content": None, "description": "The council approved the quay."},
        {"source": {"name": "Nowhere"}, "url": "https://n.example/c"},
    ]}, option=orjson.OPT_INDENT_2)
    first, second, bad = json_records(newsapi, where="answer.json", now=NOW)
    assert (first.source, first.body, second.source, second.body) == (
        "Reuters", "The harbour reopened on Monday", "BBC News", "The council approved the quay.")
    assert isinstance(bad, RecordError) and bad.where == "answer.json:articles[2]" and "no title or body" in bad.reason
    event_registry = orjson.dumps({"articles": {"results": [
        {"uri": "8012", "lang": "eng", "dateTimePub": "2024-03-04T10:00:00Z", "url": "https://x.example/1",
         "title": "Storm hits coast", "body": "A storm hit the coast.", "source": {"uri": "x.example", "title": "X News"}}],
        "totalResults": 1, "page": 1}})
    [article] = json_records(event_registry, where="er.json", now=NOW)
    assert (article.source, article.language_hint, article.published_at) == (
        "X News", "eng", datetime(2024, 3, 4, 10, tzinfo=timezone.utc))


def test_an_api_answer_without_articles_is_an_empty_input_not_an_error():
    records = list(read_bytes(b'{"status": "ok", "totalResults": 0, "articles": []}', name="answer.json", now=NOW))
    [nothing] = records
    assert (nothing.reason, nothing.detail, nothing.is_error) == ("no_entries", "JSON array has no entries", False)


def test_json_array_and_bad_dates():
    data = b'[{"title": "a", "body": "b", "published_at": "Thu, 28 Sep 2023 10:00:00 +0200"}, {"title": "c", "published_at": "yesterday"}]'
    ok, bad = list(json_records(data, where="f.json", now=NOW))
    assert ok.published_at == datetime(2023, 9, 28, 8, tzinfo=timezone.utc)
    assert isinstance(bad, RecordError) and "yesterday" in bad.reason


def test_latin1_text_file_is_read_not_rejected():
    data = "Señal débil en Málaga\nEl servicio volvió a las ocho.".encode("latin-1")
    [article] = list(read_bytes(data, name="malaga.txt", now=NOW))
    assert article.title == "Señal débil en Málaga"


@pytest.mark.parametrize("encoding, title, body", [
    ("cp1251", "Прохладный прием в Москве", "Президент встретился в среду в Кремле с министром иностранных дел Германии."),
    ("gbk", "北京今天召开会议", "国务院今天上午召开常务会议，讨论经济形势。"),
    ("cp932", "東京都が新計画", "東京都は本日、新しい計画を発表しました。"),
    ("cp949", "서울시 새 계획", "서울시는 오늘 새로운 계획을 발표했다."),
    ("cp1253", "Νέα μέτρα", "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα."),
    ("cp1252", "Café", "Ça va très bien."),  # short Western text is no coin toss between encodings
    ("cp1252", "Þjóðverjar ræddu málið í gær", "Íslendingar og Þjóðverjar."),
])
def test_a_text_file_in_a_legacy_encoding_reads_as_written(encoding, title, body):
    """Was Windows-1252 for any non-UTF-8 file: a Russian file in Windows-1251 came out as "Ïðîõëàäíûé ïðèåì"."""
    [article] = list(read_bytes(f"{title}\n\n{body}\n".encode(encoding), name="story.txt", now=NOW))
    assert (article.title, article.body) == (title, body)


def test_html_body_is_marked_as_html():
    data = b'{"title": "t", "body": "<html><body><p>Hello</p></body></html>"}'
    [article] = list(json_records(data, where="x", source="s", now=NOW))
    assert article.content_type == "text/html"


def test_parse_datetime_treats_naive_as_utc():
    assert parse_datetime("2024-01-02T03:04:05") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_an_ndjson_dump_over_the_size_limit_is_read_record_by_record(tmp_path):
    """The limit guards one document (a feed, a page, a JSON array); a dump of many articles, one a line, is read
    whole, and only a line over the limit is rejected."""
    lines = [orjson.dumps({"title": f"Report {i}", "body": "x" * 300}) for i in range(40)]
    lines.insert(7, orjson.dumps({"title": "Huge", "body": "y" * 5000}))
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(b"\n".join(lines) + b"\n")
    records = list(read_path(dump, now=NOW, max_bytes=4096))
    assert [r.title for r in records if isinstance(r, RawArticle)] == [f"Report {i}" for i in range(40)]
    [error] = [r for r in records if isinstance(r, RecordError)]
    assert error.error_class == "TooLarge" and error.where == f"{dump}:8" and "exceeds the limit of 4096 bytes" in error.reason
    # Unnamed, NDJSON is known by its first line; one JSON array of the same size is one document, over the limit.
    assert len([r for r in read_bytes(b"\n".join(lines), name="stdin", fallback="stdin", now=NOW, max_bytes=4096)
                if isinstance(r, RawArticle)]) == 40
    whole = b"[" + b",".join(lines) + b"]"
    *_, nothing = read_bytes(whole, name="stdin", fallback="stdin", now=NOW, max_bytes=4096)
    assert nothing.reason == "too_large" and nothing.detail.startswith(f"{len(whole)} bytes exceeds the limit of 4096 bytes")


PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{headline} | Diario Ejemplo</title>{meta}</head><body>
<nav><a href="/">Portada</a> <a href="/mundo">Mundo</a></nav>
<article><h1>{headline}</h1><p class="byline">{byline}</p>
<p>El sábado había sonrisas y un cielo azul durante el desayuno de los líderes de Turquía y Alemania en Berlín.</p>
<p>Es el último día de la controvertida visita del presidente a Alemania, con el objetivo de restablecer relaciones.</p>
</article><footer>© Diario Ejemplo</footer></body></html>"""


@pytest.mark.parametrize("meta, byline, published", [
    ('<meta property="article:published_time" content="2018-09-29T08:15:00+02:00">', "Por Redacción",
     datetime(2018, 9, 29, 6, 15, tzinfo=timezone.utc)),
    ("", "Por Redacción · 29/09/2018", datetime(2018, 9, 29, 12, 0, tzinfo=timezone.utc)),  # a dated byline: that day
    ("", "Por Redacción", None),  # no date anywhere: none, not the time it was read
    ("", "© 2023 Diario Ejemplo", None),  # a copyright year is no publication date (it was 2023-01-01)
])
def test_a_saved_page_gives_its_headline_without_the_site_name_and_its_date(meta, byline, published):
    """A page saved from a site: <title> says "headline | site"; the headline and the date are the page's own."""
    headline = "Erdogan recibe una acogida ambigua en Colonia"
    data = PAGE.format(lang="es", headline=headline, meta=meta, byline=byline).encode()
    [article] = list(read_bytes(data, name="colonia.html", now=NOW))
    assert article.title == headline and article.content_type == "text/html"
    assert article.published_at == published


def test_a_record_with_a_body_alone_is_rejected_saying_what_would_give_it_an_id():
    data = b'{"body": "The harbour reopened on Monday."}\n{"body": "The quay is approved.", "guid": "q-1"}\n'
    rejected, article = list(json_records(data, where="push", fallback="http", now=NOW))
    assert rejected.reason == ("push:1: no url, guid, id or title to make its id from "
                               "(never its text, which an edit changes)")
    assert isinstance(article, RawArticle) and article.id == article_id(source="http", guid="q-1")
