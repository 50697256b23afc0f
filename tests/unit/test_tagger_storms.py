"""A named storm ("Hurricane Florence", "el huracán Florence", "la tempête Ciara") is one event, unlinked, keyed as
English keys it in every language; its name alone in the same article is the storm, not the city of that name."""

from __future__ import annotations

import pytest

from schemas import Entity
from services.tagger.gazetteer import Gazetteer, GazetteerEntry, fold
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions, Mention
from services.tagger.opening_words import trim_opening_words
from tests.unit.test_tagger_linking import gazetteer, span  # noqa: F401  (the fixture and the span helper)


def link(gazetteer: Gazetteer, body: str, mentions: list[Mention], language: str = "en") -> list[Entity]:
    return link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)],
                        language=language, own_ner=language != "en")


def test_the_city_florence_still_links_where_no_storm_is_named(gazetteer: Gazetteer) -> None:
    body = "The museum in Florence reopened on Friday."
    entities = link(gazetteer, body, [span(body, "Florence", "GPE")])
    assert [(e.text, e.canonical_name) for e in entities if e.text == "Florence"] == [("Florence", "Florence")]


def test_an_english_storm_and_its_name_alone_are_one_unlinked_event(gazetteer: Gazetteer) -> None:
    body = ("Hurricane Florence made landfall in North Carolina on Friday. Florence brought record rain. "
            "Tropical Storm Isaac moved toward Haiti.")
    mentions = [span(body, "Hurricane Florence", "EVENT"), span(body, "North Carolina", "GPE"),
                span(body, "Florence", "GPE", 1), span(body, "Storm Isaac", "PERSON"), span(body, "Haiti", "GPE")]
    storms = [(e.text, e.type, e.key, e.canonical_id) for e in link(gazetteer, body, mentions) if e.type == "EVENT"]
    assert storms == [("Hurricane Florence", "EVENT", "name:hurricane florence", None),
                      ("Florence", "EVENT", "name:hurricane florence", None),
                      ("Tropical Storm Isaac", "EVENT", "name:tropical storm isaac", None)]


@pytest.mark.parametrize(("language", "body", "storm", "key"), [
    ("es", "El huracán Florence tocó tierra en Carolina del Norte.", "huracán Florence", "name:hurricane florence"),
    ("es", "La tormenta tropical Isaac se acerca a Haití.", "tormenta tropical Isaac", "name:tropical storm isaac"),
    ("es", "El tifón Mangkhut golpeó Filipinas.", "tifón Mangkhut", "name:typhoon mangkhut"),
    ("fr", "L'ouragan Florence a touché terre en Caroline du Nord.", "ouragan Florence", "name:hurricane florence"),
    ("fr", "La tempête Ciara a frappé la France.", "tempête Ciara", "name:storm ciara"),
    ("fr", "Le cyclone Idai a ravagé le Mozambique.", "cyclone Idai", "name:cyclone idai"),
    ("it", "L'uragano Florence ha colpito la Carolina del Nord.", "uragano Florence", "name:hurricane florence"),
    ("pt", "O furacão Florence atingiu a Carolina do Norte.", "furacão Florence", "name:hurricane florence"),
])
def test_a_storm_word_and_a_name_untranslated_are_the_storm_keyed_as_english_keys_it(
        gazetteer: Gazetteer, language: str, body: str, storm: str, key: str) -> None:
    # The small models often tag nothing there, and the gazetteer knows Florence the city: neither makes it the city.
    entities = link(gazetteer, body, [], language)
    assert [(e.text, e.type, e.key, e.canonical_id) for e in entities if storm.split()[-1] in e.text] == [(storm, "EVENT", key, None)]


_FLORENCE = GazetteerEntry(id="Q2044", name="Florence", type="GPE", aliases=("Florence",))


@pytest.mark.parametrize(("language", "text", "span_text", "storm"), [
    ("es", "La tormenta tropical Isaac se acerca a Haití.", "tormenta tropical Isaac", "tormenta tropical Isaac"),
    ("es", "La tormenta tropical Isaac se acerca a Haití.", "La tormenta tropical Isaac", "tormenta tropical Isaac"),  # the article goes, as English "the"
    ("es", "Ayer el huracán Florence tocó tierra.", "Florence", "huracán Florence"),  # NER spans the name alone
    ("fr", "Hier, la tempête Ciara a frappé la France.", "tempête Ciara", "tempête Ciara"),
])
def test_a_storm_word_is_not_cut_off_the_storms_name(language: str, text: str, span_text: str, storm: str) -> None:
    found = trim_opening_words(language, text, [span(text, span_text, "GPE")],
                               known=lambda name: _FLORENCE if fold(name) == "florence" else None, pos=lambda at: None)
    assert [(text[m.start:m.end], m.label) for m in found] == [(storm, "EVENT")]


@pytest.mark.parametrize("body", [
    "The storm Friday flooded roads in Florence.",  # a day, after an English storm word in lower case
    "Kyiv asked for more Storm Shadow missiles.",
    "The National Hurricane Center said Florence would stay dry.",
])
def test_words_that_only_look_like_a_storms_name_name_no_storm(gazetteer: Gazetteer, body: str) -> None:
    assert [e.text for e in link(gazetteer, body, []) if e.type == "EVENT"] == []
