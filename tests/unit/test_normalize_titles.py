"""An article without a headline gets its first sentence as title, cut at a word break with an ellipsis, never mid-word."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import RawArticle
from services.ingest.readers import text_article
from services.normalize.core import Normalizer
from services.normalize.settings import NormalizeSettings
from services.normalize.titles import title_from_text

NOW = datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)

LONG = ("Ukrainian forces said on Tuesday they had pushed Russian troops back from several villages near the southern "
        "city of Zaporizhzhia in its counteroffensive and took dozens of prisoners, officials in Kyiv said")


def test_short_first_sentence_is_the_title():
    body = "Floods closed the Danube ports on Monday. River traffic stopped. More rain is due."
    assert title_from_text(body) == "Floods closed the Danube ports on Monday."


def test_abbreviations_and_initials_do_not_end_the_sentence():
    body = "Mr. Smith met Gen. J. Doe in St. Louis on Monday. They talked."
    assert title_from_text(body) == "Mr. Smith met Gen. J. Doe in St. Louis on Monday."


def test_only_the_first_paragraph_is_used():
    assert title_from_text("\n\nPort strike ends\n\nDockers voted on Sunday.") == "Port strike ends"


@pytest.mark.parametrize("limit", [40, 57, 80, 120, 160])
def test_long_sentence_is_cut_at_a_word_break_with_an_ellipsis(limit):
    title = title_from_text(LONG + ". Second sentence.", limit=limit)
    assert len(title) <= limit
    assert title.endswith("\u2026")
    kept = title[:-1]
    assert LONG.startswith(kept)
    # The character after the kept text in the original is a space or punctuation: no word was cut.
    assert not LONG[len(kept)].isalnum(), (kept, LONG[len(kept):len(kept) + 10])
    assert not kept.endswith((" ", ","))


def test_lower_case_after_a_full_stop_is_not_a_sentence_start():
    # Machine translation writes "counteroffensive. and then": one long sentence, cut at a word, not "and t".
    body = "Ukraine's army said it had advanced in the south in its counteroffensive. and then it said " + "more " * 40
    title = title_from_text(body, limit=100)
    assert title.endswith("\u2026") and len(title) <= 100
    last_word = title[:-1].split()[-1]
    assert last_word in body.split()


def test_a_single_overlong_word_is_cut_with_an_ellipsis():
    assert title_from_text("x" * 300, limit=50) == "x" * 49 + "\u2026"


def test_wire_text_without_headline_leaves_the_title_to_the_normalizer():
    article = text_article(" date 2024-03-04 " + LONG + ". Second sentence.", name="x.txt", source="file", now=NOW)
    assert article.title == ""
    assert article.body.startswith("Ukrainian forces said")


async def test_normalizer_titles_an_article_without_headline_and_keeps_the_body_whole():
    normalizer = Normalizer(NormalizeSettings(repair=False))
    try:
        body = "Dockers in Rotterdam voted to end their strike on Sunday. Work resumes on Monday.\n\nThe union said so."
        out = await normalizer.normalize(RawArticle(id="a1", source="test", title="", body=body, fetched_at=NOW))
    finally:
        await normalizer.aclose()
    assert out.title == "Dockers in Rotterdam voted to end their strike on Sunday."
    assert out.body == body, "the lede stays in the body (it is not taken for a repeated headline)"
    assert any(c.rule == "title:first-sentence" for c in out.changes)
