"""A place's name right after a personal title names a person ("Mr. Jordan", "la reina Sofía", "dijo el señor
Jordan"), found by NER or by the gazetteer alone; an office named with its country ("President of Georgia", "King of
Jordan", "presidente de Francia") and a place whose own name opens with a title stay the place."""

from __future__ import annotations

import pytest

from schemas import Entity
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions, Mention


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def linked(gazetteer: Gazetteer, body: str, spans: list[tuple[str, str]] = (), language: str | None = None) -> list[Entity]:
    mentions = [Mention(body.index(s), body.index(s) + len(s), label) for s, label in spans]
    return link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)], language=language)


def seen(entities: list[Entity]) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.text, e.type, e.canonical_id, e.key) for e in entities]


@pytest.mark.parametrize(("language", "body", "spans", "name"), [
    ("es", "La reina Sofía visitó el hospital el lunes.", [], "Sofía"),  # no NER span: the gazetteer's Sofia
    ("es", "Esto es importante, dijo el señor Jordan a la prensa.", [], "Jordan"),
    ("es", "Esto es importante, dijo el señor Jordan a la prensa.", [("Jordan", "LOC")], "Jordan"),
    ("fr", "M. Jordan a parlé aux journalistes.", [("Jordan", "PER")], "Jordan"),
    ("fr", "Le projet est important, a déclaré Mme Florence au journal.", [("Florence", "PER")], "Florence"),
    ("en", "Mr. Jordan said the talks went well.", [("Jordan", "GPE")], "Jordan"),
    ("en", "Mr. Jordan said the talks went well.", [("Mr. Jordan", "PERSON")], "Jordan"),
    ("en", "Queen Sofia arrived later.", [("Queen Sofia", "GPE")], "Sofia"),
    ("en", "Queen Sofia arrived later.", [], "Sofia"),
    ("en", "The award went to Mrs. Georgia, who thanked her staff.", [], "Georgia"),
])
def test_a_place_named_right_after_a_personal_title_is_a_person_keyed_by_the_name(
        gazetteer: Gazetteer, language: str, body: str, spans: list[tuple[str, str]], name: str) -> None:
    people = [e for e in linked(gazetteer, body, [(s, "PERSON" if label == "PER" else label) for s, label in spans], language)
              if e.text == name]
    assert seen(people) == [(name, "PERSON", None, "name:" + name.casefold().replace("í", "i"))]
    assert body[people[0].start : people[0].end] == name


@pytest.mark.parametrize("body", [
    "Ayer visitamos el museo Reina Sofía con los niños.",
    "Ayer visitamos el Reina Sofía con los niños.",  # Madrid's museum: a masculine article before a queen's title
])
def test_a_place_named_after_a_monarch_names_neither_the_monarch_nor_the_city(gazetteer: Gazetteer, body: str) -> None:
    assert seen(linked(gazetteer, body, language="es")) == []
    museum = linked(gazetteer, body, [("Reina Sofía", "ORG")], language="es")
    assert seen(museum) == [("Reina Sofía", "ORG", None, "name:reina sofia")]


@pytest.mark.parametrize(("language", "body", "place", "qid"), [
    ("en", "The President of Georgia met reporters.", "Georgia", "Q230"),
    ("en", "He was received by the King of Jordan.", "Jordan", "Q810"),
    ("es", "El presidente de Francia llegó el lunes.", "Francia", "Q142"),
    ("en", "Officials in Jordan said the talks went well.", "Jordan", "Q810"),
    ("en", "The MS Estonia sank in 1994.", "Estonia", "Q191"),  # a ship's prefix, not Ms
    ("en", "Adams is injured and will miss England's opening qualifier.", "England", "geonames:6269131"),  # a verb
])
def test_an_office_of_a_country_and_a_place_with_no_title_before_it_stay_the_place(
        gazetteer: Gazetteer, language: str, body: str, place: str, qid: str) -> None:
    assert [(e.text, e.canonical_id) for e in linked(gazetteer, body, language=language) if e.text == place] == [(place, qid)]


def test_a_titled_place_name_is_the_person_the_article_names_in_full(gazetteer: Gazetteer) -> None:
    body = "Michael Jordan signed the deal. Mr. Jordan said he was proud."
    entities = linked(gazetteer, body, [("Michael Jordan", "PERSON")], "en")
    assert [(e.text, e.type, e.canonical_name) for e in entities] == [
        ("Michael Jordan", "PERSON", "Michael Jordan"), ("Jordan", "PERSON", "Michael Jordan")]
