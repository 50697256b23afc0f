"""Mutated feeds never crash the parser: every failure is a RecordError with a reason, i.e. a dead letter,
and a document that gives no entry says why (services/ingest/verdicts.py)."""

from datetime import datetime, timezone
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ingest.parser import FeedEntry, parse_feed
from services.ingest.readers import Ignored, Note, RecordError, json_records, read_bytes
from services.ingest.verdicts import REASONS, Nothing

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SEEDS = [p.read_bytes() for p in sorted(FIXTURES.iterdir()) if p.suffix in (".xml", ".json")]
NOW = datetime(2024, 3, 5, tzinfo=timezone.utc)


@st.composite
def mutated_feed(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at: at + draw(st.integers(1, 200))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from([b"<", b"&", b"]]>", b"\x00", b"\xff\xfe", b"<!ENTITY x 'y'>", b"&#xD800;",
                                                b"<item>", b"</channel>", b'{"items": 7}', b"\xe2\x82", "é".encode("latin-1")]))
        else:
            end = min(len(data), at + draw(st.integers(1, 300)))
            data[at:at] = data[at:end]
    return bytes(data)


def _check(records):
    for record in records:
        assert isinstance(record, (FeedEntry, RecordError))
        if isinstance(record, RecordError):
            assert record.reason and record.error_class and 'feed "fuzz"' in record.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_feed())
def test_mutated_feeds_never_raise_and_failures_carry_reasons(data):
    parsed = parse_feed(data, feed_id="fuzz", now=NOW)
    _check(parsed.records)
    # Either some entry came through or the feed says why none did, never both, never neither.
    assert bool(parsed.entries) != (parsed.nothing is not None)
    if parsed.nothing is not None:
        assert parsed.nothing.reason in REASONS and parsed.nothing.detail


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["fuzz.xml", "fuzz.txt", "fuzz.json", "fuzz"]))
def test_random_bytes_read_as_a_file_never_raise_and_say_why_when_empty(data, name):
    records = list(read_bytes(data, name=name, now=NOW))
    articles = [r for r in records if hasattr(r, "id")]
    nothing = [r for r in records if isinstance(r, Nothing)]
    for record in records:
        assert (hasattr(record, "id") or (isinstance(record, RecordError) and record.reason) or isinstance(record, Nothing)
                or (isinstance(record, Ignored) and record.fields) or (isinstance(record, Note) and record.text))
    if not articles and not data.strip():
        assert not [r for r in records if isinstance(r, Note)], "an empty file is said to be empty, once"
    assert len(nothing) == (0 if articles else 1)
    if nothing:
        assert nothing[0].reason in REASONS and nothing[0].where == name and nothing[0].detail


_KEYS = st.sampled_from(["title", "body", "text", "headline", "url", "link", "source", "publishedAt", "date", "id",
                         "article_id", "guid", "language", "Title", "titel", "other", "@type", "articles", "results",
                         "content", "description", "fetched_at", "content_type"])
_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True), st.text(max_size=30),
                  st.sampled_from(["2024-03-04", "yesterday", "https://x.example/a", "javascript:alert(1)"]))
_VALUE = st.recursive(_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
                      max_leaves=8)
_RECORD = st.dictionaries(_KEYS, _VALUE, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_RECORD, st.lists(_RECORD, max_size=3)))
def test_any_json_record_is_an_article_or_an_error_with_a_reason_never_a_crash(doc):
    """Whatever types a JSON record's fields hold (a url that is true, a title that is a list, a date past year 9999),
    it reads as an article or is refused saying why: as a file, as NDJSON, and polled as a feed."""
    data = orjson.dumps(doc)
    for stream in (data, data.replace(b",", b",\n")):
        for record in json_records(stream, where="f.json", now=NOW):
            assert hasattr(record, "id") or (isinstance(record, RecordError) and record.reason) or isinstance(record, Ignored)
    parsed = parse_feed(data, feed_id="fuzz", http_content_type="application/json", now=NOW)
    _check(parsed.records)
