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
        "unknown field 'langauge': did you mean 'language'?; field 'body' must be text, got list: \"['a']\"; "
        "field 'url' must be text, got bool: 'True'"), rejected.reason
