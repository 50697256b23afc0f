"""Every feed format and every encoding publishers send becomes readable articles; broken feeds yield what they can."""

from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import RawArticle
from services.ingest.parser import parse_feed, sniff_feed
from services.ingest.readers import RecordError, read_bytes, read_path

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
NOW = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def _parse(name, **kw):
    return parse_feed((FIXTURES / name).read_bytes(), feed_id="test-feed", now=NOW, **kw)


@pytest.mark.parametrize(
    "name,fmt,title,first_title",
    [
        ("rss20-utf8.xml", "rss20", "Harbour Gazette", "Ferry services resume after storm"),
        ("rss091-latin1-declared.xml", "rss091n", "La Dépêche du Port", "Grève des dockers à Marseille : accord trouvé"),
        ("rss092-latin1-undeclared.xml", "rss092", "Diario de la Costa", "Señal débil en Málaga tras la avería"),
        ("rss10-rdf.xml", "rss10", "Nordwire", "Hafen Hamburg meldet Rekordumschlag"),
        ("rss20-windows1251.xml", "rss20", "Вести Побережья", "Паромное сообщение восстановлено после шторма"),
        ("rss20-windows1251-undeclared.xml", "rss20", "Вести Побережья", "Паромное сообщение восстановлено после шторма"),
        ("rss20-gb2312.xml", "rss20", "海港日报", "港口货运量创新高"),
        ("atom10-utf16-bom.xml", "atom10", "Jornal do Porto", "Navio encalhado no Tejo é rebocado"),
        ("atom03-utf16le-nobom.xml", "atom03", "Gazzetta del Molo", "Traghetti in ritardo per la nebbia"),
        ("jsonfeed11.json", "json11", "Quayside Notes", "New tide tables published"),
    ],
)
def test_each_format_and_encoding_reads_to_clean_text(name, fmt, title, first_title):
    feed = _parse(name)
    assert (feed.format, feed.title) == (fmt, title)
    first = feed.entries[0].article
    assert first.title == first_title
    assert "\ufffd" not in first.title + first.body and first.body
    assert first.feed_id == "test-feed" and first.source == "test-feed" and first.fingerprint


def test_gbk_characters_beyond_gb2312_survive():
    # 镕 is in GBK but not in GB2312: publishers label GBK text as gb2312 all the time.
    assert "朱镕基" in _parse("rss20-gb2312.xml").entries[0].article.body


def test_wrong_http_charset_loses_to_the_bytes():
    feed = _parse("rss20-windows1251.xml", http_content_type="text/xml; charset=utf-8")
    assert feed.entries[0].article.title.startswith("Паромное")
    assert any("HTTP header says utf-8" in p for p in feed.problems)
    latin = _parse("rss091-latin1-declared.xml", http_content_type="application/rss+xml; charset=UTF-8")
    assert latin.entries[0].article.title.startswith("Grève")


def test_undeclared_encoding_is_guessed_and_the_guess_recorded():
    feed = _parse("rss20-windows1251-undeclared.xml")
    assert feed.encoding == "cp1251" and any("guessed" in p for p in feed.problems)


def test_ill_formed_feed_yields_what_can_be_read_and_records_the_problem():
    feed = _parse("rss20-illformed.xml")
    titles = [e.article.title for e in feed.entries]
    assert titles == ["Fish & chips shop wins award", "Second story survives the damage"]
    assert any("ill-formed feed" in p and "line 7" in p for p in feed.problems)


def test_entity_expansion_bomb_is_harmless():
    feed = _parse("billion-laughs.xml")
    article = feed.entries[0].article
    assert len(article.title) < 100 and "lollollol" not in article.title
    assert "root:" not in article.body  # the external entity was not read


def test_ids_use_canonical_links_then_feed_and_guid():
    feed = _parse("rss20-utf8.xml")
    ferries, quay, lighthouse = (e.article for e in feed.entries)
    assert ferries.url == "https://gazette.example.com/news/ferries-resume"  # tracking parameters gone
    assert quay.url == "https://gazette.example.com/news/quay-approved"  # relative link resolved
    assert ferries.id.startswith("u-") and lighthouse.id.startswith("g-") and lighthouse.url is None
    # the same GUID in another feed is another article
    other = parse_feed((FIXTURES / "rss20-utf8.xml").read_bytes(), feed_id="other", now=NOW).entries[2].article
    assert other.id != lighthouse.id


def test_entries_sharing_one_link_are_told_apart_by_guid():
    items = "".join(f"<item><title>Bulletin {i}</title><link>https://e.com/</link><guid>b-{i}</guid></item>" for i in range(3))
    feed = parse_feed(f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode(), feed_id="f", now=NOW)
    assert len({e.article.id for e in feed.entries}) == 3


def test_summary_only_entries_are_marked_for_full_text():
    feed = _parse("rss20-utf8.xml")
    assert [e.summary_only for e in feed.entries] == [False, True, False]
    json_feed = _parse("jsonfeed11.json")
    assert [e.summary_only for e in json_feed.entries] == [False, False, True]


def test_dates_and_language_hints_come_from_the_feed():
    ferries = _parse("rss20-utf8.xml").entries[0].article
    assert ferries.published_at == datetime(2024, 3, 4, 7, 15, tzinfo=timezone.utc) and ferries.language_hint == "en"
    configured = _parse("rss10-rdf.xml", language="nl").entries[0].article
    assert configured.language_hint == "nl"  # the operator's hint beats the feed's


@pytest.mark.parametrize("name", ["not-a-feed.html", "article-page.html"])
def test_a_page_that_is_not_a_feed_is_one_error_saying_so(name):
    feed = _parse(name)
    [error] = feed.records
    assert isinstance(error, RecordError) and error.error_class == "NotAFeed"
    assert error.reason.startswith('feed "test-feed": not a feed')


def test_json_feed_entry_without_text_is_an_error_and_others_go_on():
    doc = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}, {"id": "2", "title": "ok"}, 7]}'
    records = parse_feed(doc, feed_id="j", now=NOW).records
    assert [type(r).__name__ for r in records] == ["RecordError", "FeedEntry", "RecordError"]
    assert "neither title nor text" in records[0].reason and 'feed "j" entry 1' in records[0].reason


def test_saved_feed_files_are_read_by_ingest_one_article_per_entry(tmp_path):
    assert sniff_feed((FIXTURES / "atom03-utf16le-nobom.xml").read_bytes()) == "xml"
    records = list(read_bytes((FIXTURES / "jsonfeed11.json").read_bytes(), name="feed.json", now=NOW))
    assert len(records) == 3 and all(isinstance(r, RawArticle) for r in records)
    (tmp_path / "a.xml").write_bytes((FIXTURES / "rss10-rdf.xml").read_bytes())
    (tmp_path / "b.txt").write_text("Title\nBody.")
    assert len(list(read_path(tmp_path, now=NOW))) == 3


def test_a_news_api_answer_polled_as_a_feed_gives_its_articles():
    import orjson

    answer = orjson.dumps({"status": "ok", "totalResults": 3, "articles": [
        {"source": {"id": None, "name": "Reuters"}, "title": "Harbour reopens", "url": "https://r.example/a",
         "publishedAt": "2024-03-04T10:00:00Z", "content": "The harbour reopened on Monday… [+1200 chars]"},
        {"source": {"id": "bbc-news", "name": "BBC News"}, "title": "Quay approved", "url": "https://b.example/b",
         "content": None, "description": "The council approved the quay."},
        {"source": {"name": "Wire"}, "title": "Full text", "url": "https://w.example/c", "content": "All of it."},
        {"source": {"name": "Nowhere"}, "url": "https://n.example/d"},
    ]})
    parsed = parse_feed(answer, feed_id="headlines", url="https://newsapi.example/v2/top-headlines",
                        http_content_type="application/json; charset=utf-8", now=NOW)
    assert parsed.format == "json-api" and parsed.nothing is None
    cut, teaser, whole, bad = parsed.records
    assert (cut.article.source, cut.article.body, cut.summary_only) == ("Reuters", "The harbour reopened on Monday", True)
    assert cut.article.published_at == datetime(2024, 3, 4, 10, tzinfo=timezone.utc) and cut.article.feed_id == "headlines"
    assert (teaser.article.source, teaser.summary_only) == ("BBC News", True)  # a description: the page has the article
    assert (whole.article.body, whole.summary_only) == ("All of it.", False)
    assert isinstance(bad, RecordError) and "no title or body" in bad.reason


def test_json_of_another_shape_polled_as_a_feed_is_still_no_feed():
    parsed = parse_feed(b'{"status": "ok", "forecast": [{"day": "Mon"}]}', feed_id="weather", http_content_type="application/json", now=NOW)
    [error] = parsed.records
    assert isinstance(error, RecordError) and "not a JSON Feed" in error.reason and parsed.nothing.reason == "not_a_feed"
