"""Which JSON field is which part of an article: our names, other tools' names, any case; misspellings refused, other
fields left out and named."""

import pytest

from services.ingest.json_fields import NotAnArticle, article_fields, unwrapped


@pytest.mark.parametrize("record, parts, ignored", [
    ({"title": "T", "body": "B"}, {"title": "T", "body": "B"}, []),
    # NewsAPI
    ({"source": {"id": None, "name": "Reuters"}, "author": "A", "title": "T", "description": "D", "content": "C",
      "publishedAt": "2024-03-04T10:00:00Z", "urlToImage": "i"},
     {"source": "Reuters", "title": "T", "body": "C", "published_at": "2024-03-04T10:00:00Z"}, ["author", "urlToImage"]),
    # news-please
    ({"title": "T", "maintext": "B", "date_publish": "2024-03-04", "date_download": "2024-03-05", "source_domain": "d.example",
      "authors": [], "language": "de"},
     {"title": "T", "body": "B", "published_at": "2024-03-04", "fetched_at": "2024-03-05", "source": "d.example",
      "language": "de"}, ["authors"]),
    # schema.org NewsArticle (JSON-LD keywords are no misspellings)
    ({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "H", "articleBody": "B",
      "datePublished": "2024-03-04", "inLanguage": "es"},
     {"title": "H", "body": "B", "published_at": "2024-03-04", "language": "es"}, ["@context", "@type"]),
    # any case; a dataset's own id and date names
    ({"Title": "T", "Body": "B", "PublishedAt": "2024-03-04", "Label": 3},
     {"title": "T", "body": "B", "published_at": "2024-03-04"}, ["Label"]),
    ({"article_id": "a1", "title": "T", "pub_date": "2024-03-04", "links": ["x"]},
     {"id": "a1", "title": "T", "published_at": "2024-03-04"}, ["links"]),
    # ours win over another tool's name for the same part
    ({"title": "T", "body": "full", "description": "teaser", "published_at": "2024", "date": "2020"},
     {"title": "T", "body": "full", "published_at": "2024"}, []),
])
def test_fields_are_read_by_any_of_their_names(record, parts, ignored):
    assert article_fields(record) == (parts, ignored)


@pytest.mark.parametrize("record, says", [
    ({"titel": "T", "body": "B"}, "unknown field 'titel': did you mean 'title'?"),
    ({"title": "T", "publised_at": "2024-03-04"}, "unknown field 'publised_at': did you mean 'published_at'?"),
    ({"title": "T", "langauge": "es"}, "unknown field 'langauge': did you mean 'language'?"),
    ({"status": "ok", "totalResults": 0}, "not an article: no title or body under any name this reader knows (README, "
                                           "'Inputs'); its fields: status, totalResults"),
    ({"title": " ", "body": ""}, "not an article"),
])
def test_a_misspelt_field_or_no_text_is_refused_saying_why(record, says):
    with pytest.raises(NotAnArticle) as err:
        article_fields(record)
    assert str(err.value).startswith(says)


@pytest.mark.parametrize("doc, records, where", [
    ({"status": "ok", "articles": [{"title": "a"}, {"title": "b"}]}, [{"title": "a"}, {"title": "b"}], "x.json:articles"),
    ({"articles": {"results": [{"title": "a"}], "page": 1}}, [{"title": "a"}], "x.json:articles:results"),
    ({"status": "ok", "articles": []}, [], "x.json:articles"),
    ({"title": "an article", "data": [{"title": "not unwrapped"}]}, [{"title": "an article", "data": [{"title": "not unwrapped"}]}], "x.json"),
    ({"status": "ok", "forecast": [{"day": "Mon"}]}, [{"status": "ok", "forecast": [{"day": "Mon"}]}], "x.json"),
])
def test_an_api_answer_is_unwrapped_to_its_articles(doc, records, where):
    assert unwrapped(doc, "x.json") == (records, where)


def test_every_bad_field_of_a_record_is_said_in_one_reason():
    """One fix of the input is enough: the reason names every field that is wrong, not the first."""
    from datetime import datetime, timezone

    from services.ingest.readers import RecordError, json_records

    record = b'{"title": 123, "body": ["a"], "url": true, "langauge": "es"}'
    [rejected] = [r for r in json_records(record, where="x.json", now=datetime.now(timezone.utc))
                  if isinstance(r, RecordError)]
    assert rejected.reason.endswith(
        "unknown field 'langauge': did you mean 'language'?; field 'body' must be text, got an array: [\"a\"]; "
        "field 'url' must be text, got a boolean: true"), rejected.reason


# A feed's own field names (feeds file: `fields:`), as the Guardian's Content API writes them.
GUARDIAN = {"id": "world/2024/mar/04/harbour", "webTitle": "Harbour reopens", "webUrl": "https://www.theguardian.com/a",
            "webPublicationDate": "2024-03-04T10:00:00Z", "sectionName": "World news",
            "fields": {"bodyText": "The harbour reopened on Monday.", "byline": "A. Writer"},
            "tags": [{"webTitle": "Ports"}]}
GUARDIAN_MAP = {"title": "webTitle", "url": "webUrl", "published_at": "webPublicationDate", "body": "fields.bodyText",
                "source": "tags.0.webTitle"}


def test_a_feeds_field_map_reads_its_own_names_down_paths_and_into_lists():
    parts, ignored = article_fields(GUARDIAN, GUARDIAN_MAP)
    assert parts == {"id": "world/2024/mar/04/harbour", "title": "Harbour reopens", "url": "https://www.theguardian.com/a",
                     "published_at": "2024-03-04T10:00:00Z", "body": "The harbour reopened on Monday.", "source": "Ports"}
    assert ignored == ["sectionName"]  # the mapped fields are read, not ignored
    with pytest.raises(NotAnArticle, match="not an article"):
        article_fields(GUARDIAN)  # without the map, no title or body under any name


def test_a_mapped_part_is_read_from_its_path_only_and_what_it_names_is_no_misspelling():
    record = {"title": "Section front", "headline": "Harbour reopens", "titel": "kept as it is", "text": "Body."}
    parts, ignored = article_fields(record, {"title": "headline"})
    assert (parts["title"], parts["body"]) == ("Harbour reopens", "Body.")
    assert article_fields({"titel": "Harbour reopens", "text": "Body."}, {"title": "titel"})[0]["title"] == "Harbour reopens"
    # A path to an object, not text, is refused naming the path.
    with pytest.raises(NotAnArticle, match="field 'fields' must be text, got an object"):
        article_fields(GUARDIAN, {**GUARDIAN_MAP, "body": "fields"})
    # A record the map finds nothing in says where the map looked.
    with pytest.raises(NotAnArticle, match="nor where the feed's fields say \\(title from 'headline'\\)"):
        article_fields({"teaser": "x"}, {"title": "headline"})


@pytest.mark.parametrize("fields, says", [
    ("{titel: webTitle}", "'titel' is not an article field; did you mean 'title'? (they are: id, guid, title, body,"),
    ("{webTitle: title}", "'webTitle' is not an article field; a map goes from the article field to the feed's name: "
                          "title: webTitle (they are"),
    ("{kicker: subtitle}", "'kicker' is not an article field (they are"),
    ("{headline: title}", "a map goes from the article field to the feed's name: title: headline"),
    ("{title: ''}", "title: the feed's field name must be text like 'headline' or 'content.text', got ''"),
    ("{body: fields..bodyText}", "body: 'fields..bodyText' is no field path: a dot goes one level down"),
    ("{body: [fields, bodyText]}", "body: the feed's field name must be text"),
    ("[title, body]", "fields: must map article fields to the feed's names"),
])
def test_a_bad_field_map_in_the_feeds_file_is_refused_naming_the_feed_and_line(fields, says):
    from services.ingest.feeds import FeedsConfigError, parse_feeds

    with pytest.raises(FeedsConfigError) as caught:
        parse_feeds(f"feeds:\n  - id: ok\n    url: https://a.example/rss\n  - id: guardian\n"
                    f"    url: https://content.guardianapis.com/search\n    fields: {fields}\n")
    [problem] = caught.value.problems
    assert problem.startswith('feeds.yaml:4: feed "guardian": fields: ') and says in problem, problem


def test_a_bad_items_path_is_refused():
    from services.ingest.feeds import FeedsConfigError, parse_feeds

    with pytest.raises(FeedsConfigError, match="items: must be a field path like 'response.results'"):
        parse_feeds("feeds:\n  - id: g\n    url: https://content.guardianapis.com/search\n    items: response.\n")


def test_a_guardian_answer_is_read_as_a_feed_with_its_items_and_fields():
    from datetime import datetime, timezone

    import orjson

    from services.ingest.parser import parse_feed

    answer = orjson.dumps({"response": {"status": "ok", "results": [GUARDIAN, {**GUARDIAN, "id": "b", "webTitle": "Quay"}]}})
    now = datetime(2024, 3, 5, tzinfo=timezone.utc)
    parsed = parse_feed(answer, feed_id="guardian", url="https://content.guardianapis.com/search",
                        http_content_type="application/json", now=now, items="response.results", fields=GUARDIAN_MAP)
    assert parsed.format == "json-api" and parsed.problems == [] and parsed.nothing is None
    assert [(e.article.title, e.article.source, e.article.body) for e in parsed.entries] == [
        ("Harbour reopens", "Ports", "The harbour reopened on Monday."), ("Quay", "Ports", "The harbour reopened on Monday.")]
    unread = parse_feed(answer, feed_id="guardian", http_content_type="application/json", now=now)
    assert unread.entries == [] and unread.nothing.reason == "not_a_feed"  # without them: JSON of another shape

    wrong = parse_feed(answer, feed_id="guardian", http_content_type="application/json", now=now, items="response.result")
    assert wrong.entries == [] and "no list of entries at 'response.result' (the feed's items), nothing there" in \
        wrong.errors[0].reason
    misspelt = parse_feed(answer, feed_id="guardian", http_content_type="application/json", now=now,
                          items="response.results", fields={**GUARDIAN_MAP, "body": "fields.body_text"})
    assert misspelt.problems == ["fields: body is read from 'fields.body_text', which none of the 2 entries has "
                                 "(their fields: fields, id, sectionName, tags, webPublicationDate, webTitle, webUrl)"]
    assert len(misspelt.entries) == 2 and all(e.article.body == "" for e in misspelt.entries)  # titles still come


def test_an_api_answering_a_bare_array_of_records_is_read_as_a_feed():
    from datetime import datetime, timezone

    from services.ingest.parser import parse_feed

    now = datetime(2024, 3, 5, tzinfo=timezone.utc)
    records = parse_feed(b'[{"headline": "Harbour reopens", "url": "https://p.example/a"}, {"title": "Quay", "text": "Approved."}]',
                         feed_id="api", http_content_type="application/json", now=now)
    assert records.format == "json-api" and [e.article.title for e in records.entries] == ["Harbour reopens", "Quay"]
    numbers = parse_feed(b"[1, 2, 3]", feed_id="api", http_content_type="application/json", now=now)
    assert numbers.entries == [] and numbers.nothing.detail == "not a feed: a JSON array of 3 items"


def test_a_field_map_on_a_feed_that_is_no_json_api_is_said_to_be_unused():
    from datetime import datetime, timezone
    from pathlib import Path

    from services.ingest.feeds import FeedConfig
    from services.ingest.parser import parse_configured

    rss = (Path(__file__).parent / "fixtures" / "feeds" / "rss20-utf8.xml").read_bytes()
    feed = FeedConfig(id="gazette", url="https://gazette.example.com/rss", fields={"title": "headline"})
    parsed = parse_configured(feed, rss, url=feed.url, http_content_type="application/rss+xml",
                              now=datetime(2024, 3, 5, tzinfo=timezone.utc))
    assert len(parsed.entries) == 3
    assert parsed.problems == ["fields and items read a JSON API's entries; this feed is rss20: not used"]
