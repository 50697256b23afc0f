"""An English headline over a report in another language (an aggregator's) is left as it is, not translated as if
it were in the body's language."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import RawArticle
from services.normalize.core import Normalizer

FETCHED = datetime(2024, 11, 4, 9, 30, tzinfo=timezone.utc)
BODY = ("El secretario general de la OTAN, Jens Stoltenberg, llegó este jueves a Kiev en una visita no anunciada "
        "para reunirse con el presidente ucraniano, Volodímir Zelenski, y reiterar el apoyo de la alianza.")


def _raw(title: str) -> RawArticle:
    return RawArticle(id="https://news.example/a/1", source="test-feed", title=title, body=BODY, fetched_at=FETCHED)


async def test_an_english_headline_over_a_spanish_body_is_kept_and_the_body_translated(normalizer: Normalizer):
    title = "NATO chief makes surprise visit to Kyiv to meet Zelensky"
    article = await normalizer.normalize(_raw(title))
    assert article.language == "es"
    assert article.title == title and article.original_title == title
    assert "general secretary" in article.body and "secretario" not in article.body
    kept = [c for c in article.changes if c.rule == "title-already-english"]
    assert [(c.field, c.reason) for c in kept] == [("title", "the title is English (the body is es): left as it is")]
    assert [c.field for c in article.changes if c.kind == "translation" and c.rule == "apertium"] == ["body"]


@pytest.mark.parametrize("title", [
    "El jefe de la OTAN visita Kiev por sorpresa",
    "Stoltenberg en Kiev",  # too short to be sure of: translated with the body
])
async def test_a_headline_in_the_bodys_language_is_translated_with_it(normalizer: Normalizer, title: str):
    article = await normalizer.normalize(_raw(title))
    assert not any(c.rule == "title-already-english" for c in article.changes)
    assert [c.field for c in article.changes if c.kind == "translation" and c.rule == "apertium"] == ["title", "body"]
    assert article.original_title == title
