"""A publication time in the future is not trusted: the article is placed at its receipt time, and the change recorded."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from schemas import RawArticle, TaggedArticle
from services.normalize.core import Normalizer
from services.newsroom.pages import render
from services.normalize.published import FUTURE_RULE, trusted_publication
from tests.unit.test_newsroom_store import open_store  # noqa: F401 - both store backends

RECEIVED = datetime(2026, 3, 9, 8, 0, tzinfo=timezone.utc)
TOLERANCE = timedelta(minutes=15)


@pytest.mark.parametrize("published", [
    None,                                                             # unknown stays unknown, not the receipt time
    RECEIVED - timedelta(days=3),                                     # an ordinary past date
    RECEIVED,
    RECEIVED + TOLERANCE,                                             # a publisher's clock a little ahead
    datetime(2026, 3, 9, 10, 14, tzinfo=timezone(timedelta(hours=2))),  # 08:14 UTC written in its own zone
])
def test_a_time_not_past_the_tolerance_stands_as_claimed(published):
    assert trusted_publication(published, RECEIVED, tolerance=TOLERANCE) == (published, None)


@pytest.mark.parametrize("published, ahead", [
    (datetime(2030, 1, 1, tzinfo=timezone.utc), "1393 days"),            # a feed claiming 2030
    (RECEIVED + TOLERANCE + timedelta(seconds=1), "15 minutes"),
    (datetime(2026, 3, 9, 8, 0, tzinfo=timezone(timedelta(hours=-5))), "5 hours"),  # local time labelled with the wrong zone
])
def test_a_time_past_the_tolerance_becomes_the_receipt_time_and_says_why(published, ahead):
    placed, change = trusted_publication(published, RECEIVED, tolerance=TOLERANCE)
    assert placed == RECEIVED
    assert (change.kind, change.rule, change.field, change.span) == ("date", FUTURE_RULE, "published_at", None)
    assert datetime.fromisoformat(change.before) == published and datetime.fromisoformat(change.after) == RECEIVED
    assert f"{ahead} after the article was received" in change.reason and "15 minutes allowed" in change.reason


async def test_the_normalized_article_is_placed_at_receipt_and_its_dates_read_from_there(normalizer: Normalizer):
    raw = RawArticle(id="https://news.example/future", source="test-feed", title="Port reopens",
                     body="The port reopened yesterday after the storm, officials said.",
                     published_at=datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc), fetched_at=RECEIVED)
    article = await normalizer.normalize(raw)
    assert article.published_at == RECEIVED and article.fetched_at == RECEIVED
    [change] = [c for c in article.changes if c.rule == FUTURE_RULE]
    assert change.before.startswith("2030-06-01T12:00")
    [yesterday] = [d for d in article.dates if d.text == "yesterday"]
    assert (yesterday.date, yesterday.reference) == ("2026-03-08", "2026-03-09")


async def test_a_present_publication_time_is_kept_and_no_change_recorded(normalizer: Normalizer):
    published = RECEIVED - timedelta(hours=1)
    raw = RawArticle(id="https://news.example/now", source="test-feed", title="Port reopens",
                     body="The port reopened after the storm, officials said.", published_at=published, fetched_at=RECEIVED)
    article = await normalizer.normalize(raw)
    assert article.published_at == published
    assert not [c for c in article.changes if c.field == "published_at"]


async def test_the_newsroom_charts_a_2030_report_at_its_receipt_hour_and_shows_why(normalizer: Normalizer, open_store):  # noqa: F811
    """Normalize → (story given) → newsroom store: the story's hourly chart and dates end at receipt, not in 2030."""
    raw = RawArticle(id="https://news.example/clockwork", source="clockwork", title="Port reopens",
                     body="The port reopened after the storm, officials said.",
                     published_at=datetime(2030, 1, 1, tzinfo=timezone.utc), fetched_at=RECEIVED)
    normalized = await normalizer.normalize(raw)
    store = open_store()
    store.write_article(TaggedArticle(**normalized.model_dump(), story_id="port"), now=RECEIVED.timestamp())
    story = store.story("port")
    assert [t["hour"] for t in story["timeline"]] == ["2026-03-09T08:00:00Z"]
    assert story["published"] == {"first_at": "2026-03-09T08:00:00Z", "last_at": "2026-03-09T08:00:00Z", "unknown": 0}
    shown = store.article("https://news.example/clockwork")
    assert [c["rule"] for c in shown["changes"] if c["field"] == "published_at"] == [FUTURE_RULE]
    page = " ".join(re.sub(r"<[^>]+>", " ", render("article.html", article=shown)).split())
    assert "2026-03-09 08:00 UTC (received then; its publisher dated it 2030-01-01 00:00 UTC, in the future" in page
