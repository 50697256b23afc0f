"""A storm's article that names a town of the storm's name with the region or country it lies in ("Florence, S.C.",
"in Florence, Italy") has the town, not the storm, there; the storm's name alone elsewhere is the storm, even where NER
tagged nothing there; a numbered storm ("Typhoon No. 21") is spanned with its number, and a named one ("Typhoon Jebi",
"el tifón Jebi", "le typhon Jebi") is one storm in every language."""

from __future__ import annotations

import pytest

from schemas import Entity
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions, Mention
from services.tagger.storms import numbered_storm
from tests.unit.test_tagger_linking import gazetteer, span  # noqa: F401  (the fixture and the span helper)


def link(gazetteer: Gazetteer, body: str, mentions: list[Mention], language: str = "en") -> list[Entity]:  # noqa: F811
    return link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)],
                        language=language, own_ner=language != "en")


def florences(entities: list[Entity], body: str) -> list[tuple[str, str]]:
    """Each "Florence" of ``body``: what it is, by the words after it, and its type."""
    return [(body[e.end:e.end + 8], e.type) for e in entities if e.text == "Florence"]


def test_a_town_named_with_its_region_in_a_storms_article_is_the_town(gazetteer: Gazetteer) -> None:  # noqa: F811
    body = ("Hurricane Florence made landfall on Friday. Florence brought record rain. In Florence, S.C., streets "
            "flooded. Tourists in Florence, Italy, watched the news.")
    mentions = [span(body, "Hurricane Florence", "EVENT"), span(body, "Florence", "GPE", 2), span(body, "S.C.", "GPE"),
                span(body, "Florence", "GPE", 3), span(body, "Italy", "GPE")]
    assert florences(link(gazetteer, body, mentions), body) == [
        (" brought", "EVENT"), (", S.C., ", "GPE"), (", Italy,", "GPE")]


@pytest.mark.parametrize(("language", "body"), [
    ("es", "El huracán Florence tocó tierra. Turistas en Florence, Italia, lo vieron."),
    ("fr", "L'ouragan Florence a touché terre. Des touristes à Florence, en Italie, l'ont vu."),
])
def test_a_town_named_with_its_country_in_an_untranslated_storms_article_is_the_town(
        gazetteer: Gazetteer, language: str, body: str) -> None:  # noqa: F811
    entities = link(gazetteer, body, [span(body, "Italia" if language == "es" else "Italie", "GPE")], language)
    assert [(e.type, e.canonical_name) for e in entities if e.text == "Florence"] == [("GPE", "Florence")]


def test_the_storms_name_alone_ner_missed_is_the_storm(gazetteer: Gazetteer) -> None:  # noqa: F811
    body = "Hurricane Florence made landfall on Friday. Florence brought record rain."
    entities = link(gazetteer, body, [span(body, "Hurricane Florence", "EVENT")])
    assert [(e.text, e.key) for e in entities] == [("Hurricane Florence", "name:hurricane florence"),
                                                   ("Florence", "name:hurricane florence")]


def test_a_numbered_typhoon_is_spanned_with_its_number(gazetteer: Gazetteer) -> None:  # noqa: F811
    body = "Typhoon Jebi, known in Japan as Typhoon No. 21, hit Osaka."
    # en_core_web_sm's spans: "Typhoon No" an EVENT, "21" a DATE
    mentions = [span(body, "Typhoon Jebi", "EVENT"), span(body, "Typhoon No", "EVENT"), span(body, "21", "DATE")]
    assert [(e.text, e.type, e.key) for e in link(gazetteer, body, mentions) if e.type in ("EVENT", "DATE")] == [
        ("Typhoon Jebi", "EVENT", "name:typhoon jebi"), ("Typhoon No. 21", "EVENT", "name:typhoon no 21")]


@pytest.mark.parametrize(("text", "part", "storm"), [
    ("Tropical Storm 21W formed on Monday.", "Tropical Storm", "Tropical Storm 21W"),
    ("El tifón número 21 dejó diez muertos.", "tifón número", "tifón número 21"),
    ("Le typhon n° 21 a fait dix morts.", "typhon n°", "typhon n° 21"),
])
def test_a_numbered_or_coded_storm_is_one_span_with_its_number(text: str, part: str, storm: str) -> None:
    start = text.index(part)
    found = numbered_storm(text, start, start + len(part))
    assert found is not None and text[found[0]:found[1]] == storm


@pytest.mark.parametrize(("language", "body", "storm"), [
    ("en", "Typhoon Jebi hit Osaka on Tuesday.", "Typhoon Jebi"),
    ("es", "El tifón Jebi tocó tierra en Osaka.", "tifón Jebi"),
    ("fr", "Le typhon Jebi a touché terre à Osaka.", "typhon Jebi"),
    ("it", "Il tifone Jebi ha colpito Osaka.", "tifone Jebi"),
    ("pt", "O tufão Jebi atingiu Osaka.", "tufão Jebi"),
])
def test_a_named_typhoon_is_one_storm_in_every_language(gazetteer: Gazetteer, language: str, body: str, storm: str) -> None:  # noqa: F811
    mentions = [span(body, storm, "EVENT")] if language == "en" else []
    assert [(e.text, e.key) for e in link(gazetteer, body, mentions, language) if e.type == "EVENT"] == [(storm, "name:typhoon jebi")]
