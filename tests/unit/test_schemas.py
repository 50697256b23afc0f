"""The message contracts: strict, versioned, round-tripping through orjson, with current JSON Schema on disk."""

from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from schemas import DeadLetter, RawArticle, TaggedArticle
from schemas.export import render_schemas
from services.runtime.codec import dead_letter, decode, encode
from services.runtime.errors import DecodeError

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)


def raw(**overrides) -> RawArticle:
    fields = dict(id="u-1", source="wire", url="https://example.org/a", title="Title", body="Body text.", fetched_at=NOW)
    fields.update(overrides)
    return RawArticle(**fields)


def test_json_schema_files_are_current():
    on_disk = {p.name: p.read_bytes() for p in (ROOT / "schemas" / "json").glob("*.json")}
    stale = [name for name, content in render_schemas().items() if on_disk.get(name) != content]
    assert not stale, f"schemas/json is stale for {stale}: run `wirewatch schemas export`"


def test_raw_article_round_trips_through_orjson():
    article = raw(published_at=datetime(2024, 3, 4, tzinfo=timezone.utc), language_hint="es")
    assert decode(encode(article), RawArticle) == article


def test_unknown_field_is_a_schema_violation():
    data = encode(raw()).replace(b'"title"', b'"headline"')
    with pytest.raises(DecodeError) as err:
        decode(data, RawArticle)
    assert err.value.error_class == "SchemaViolation"
    assert "headline" in err.value.reason


def test_invalid_json_says_so():
    with pytest.raises(DecodeError) as err:
        decode(b'{"id": "x", ', RawArticle)
    assert err.value.error_class == "InvalidJSON"


def test_naive_timestamp_is_rejected():
    data = encode(raw()).replace(b'Z"', b'"')
    with pytest.raises(DecodeError, match="fetched_at"):
        decode(data, RawArticle)


def test_future_schema_version_is_rejected():
    data = encode(raw()).replace(b'"schema_version":1', b'"schema_version":2')
    with pytest.raises(DecodeError, match="schema_version"):
        decode(data, RawArticle)


def test_dead_letter_keeps_non_utf8_bytes():
    original = b"\xff\xfe not utf-8 \x00"
    letter = dead_letter(source_topic="articles.raw", service="normalize", error_class="InvalidJSON",
                         reason="bad", original=original, key=b"k", now=NOW)
    back = decode(encode(letter), DeadLetter)
    assert back.original == original and back.key == b"k"


def test_tagged_article_requires_a_story_id():
    with pytest.raises(DecodeError, match="story_id"):
        decode(b'{"id":"a","source":"s","fetched_at":"2024-01-01T00:00:00Z","language":"en","language_confidence":1,'
               b'"original_title":"","original_body":"","title":"","body":""}', TaggedArticle)


def test_an_alert_from_before_title_language_still_reads_and_a_new_one_keeps_it():
    from schemas import Alert

    new = Alert(id="alrt_1", rule_id="nato", story_id="st_1", article_ids=["ert/1"], dedupe_key="nato:st_1", fired_at=NOW,
                summary="nato", matched=["entity:Q7184"], title="Ο ΝΑΤΟ στο Κίεβο", title_language="el")
    assert decode(encode(new), Alert).title_language == "el"
    old = orjson.loads(encode(new))
    del old["title_language"]  # as an alerter of the release before the field wrote it
    read = decode(orjson.dumps(old), Alert)
    assert (read.title, read.title_language) == ("Ο ΝΑΤΟ στο Κίεβο", None)
