"""Words Apertium leaves in Cyrillic come out of translation in Latin letters, by the language's own system."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import RawArticle
from services.normalize.core import Normalizer
from services.normalize.romanize import ROMANIZE_RULE, romanize, romanize_untranslated
from services.normalize.settings import NormalizeSettings


@pytest.mark.parametrize("word, language, latin", [
    ("Танева", "bg", "Taneva"),
    ("Щерев", "bg", "Shterev"),
    ("Ъгълът", "bg", "Agalat"),
    ("София", "bg", "Sofia"),  # "-ия" at the end is "-ia"
    ("ЖЕКОВ", "bg", "ZHEKOV"),
    ("Ѓорѓе", "mk", "Gjorgje"),
    ("Скопје", "mk", "Skopje"),
    ("Џафери", "mk", "Dzhaferi"),
    ("Αθήνα", "el", "Athina"),
])
def test_a_word_is_romanized_by_its_languages_system(word: str, language: str, latin: str):
    assert romanize(word, language) == latin


def test_only_untranslated_words_not_in_latin_letters_change_and_their_spans_follow():
    text = "Minister Танева met Petrov in неделя, in Plovdiv."
    spans = [(9, 15), (20, 26), (30, 36)]  # Танева, Petrov (already Latin), неделя
    out, moved, changes = romanize_untranslated(text, spans, "bg", "body", max_changes=20)
    assert out == "Minister Taneva met Petrov in nedelya, in Plovdiv."
    assert [out[a:b] for a, b in moved] == ["Taneva", "Petrov", "nedelya"]
    assert [(c.rule, c.span, c.before, c.after) for c in changes] == [
        (ROMANIZE_RULE, (9, 15), "Танева", "Taneva"), (ROMANIZE_RULE, (30, 36), "неделя", "nedelya")]


async def test_a_bulgarian_report_has_no_cyrillic_left_in_its_english():
    normalizer = Normalizer(NormalizeSettings())
    raw = RawArticle(id="https://news.example/bg/1", source="test-feed", title="Протест в Пловдив",
                     body="Хиляди протестиращи се събраха в Пловдив в неделя срещу новия закон, предложен от министър "
                          "Десислава Танева.", fetched_at=datetime(2024, 11, 4, tzinfo=timezone.utc))
    try:
        article = await normalizer.normalize(raw)
    finally:
        await normalizer.aclose()
    assert article.language == "bg" and article.translation is not None
    assert "Taneva" in article.body and not any("CYRILLIC" in __import__("unicodedata").name(c, "") for c in article.body)
    assert ("Танева", "Taneva") in [(c.before, c.after) for c in article.changes if c.rule == ROMANIZE_RULE]


def test_a_name_the_gazetteer_knows_comes_out_as_its_english_name_not_romanized():
    known = {"Трамп": "Trump"}
    out, _, changes = romanize_untranslated("President Трамп in недела", [(10, 15), (19, 25)], "mk", "body", max_changes=20,
                                            english_name=known.get)
    assert out == "President Trump in nedela"
    assert [(c.before, c.after) for c in changes] == [("Трамп", "Trump"), ("недела", "nedela")]


async def test_a_macedonian_report_names_trump_as_english_does():
    normalizer = Normalizer(NormalizeSettings())
    raw = RawArticle(id="https://news.example/mk/1", source="test-feed", title="",
                     body="Министерот Никола Димитров рече дека Трамп е добредојден во Скопје.",
                     fetched_at=datetime(2024, 11, 4, tzinfo=timezone.utc))
    try:
        article = await normalizer.normalize(raw)
    finally:
        await normalizer.aclose()
    assert "Trump" in article.body and "Tramp" not in article.body and "Skopje" in article.body
