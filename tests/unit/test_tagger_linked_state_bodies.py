"""A national state body the gazetteer links ("State Department", "Pentagon") is of its country as one named by its
people's word is ("American Foreign Ministry"): a rule on the country with ``people: true`` counts it; a party the
gazetteer gives a country (for its acronym's sake: the CDU) is no state body and stays out. So is one the organisations
file types without a link ("Kremlin", ``state_body_of`` in organisations.yaml); its companies and agencies are none.
Unlinked, a body of either file is one by its name exactly, typed a place or an organisation, or after an article of
the report's language ("La Duma"); a word the gazetteer links only with evidence and declined ("Fed up") is none."""

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


def tag_untranslated(gazetteer: Gazetteer, language: str, title: str, body: str) -> TaggedArticle:
    """A report no backend translated, tagged by its language's own spaCy model."""
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm", language_models={language: f"{language}_core_news_sm"}),
                    nlp=load_pipeline("en_core_web_sm"), gazetteer=gazetteer)
    return tagger.tag(NormalizedArticle(
        id=f"sb-{language}", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language=language,
        language_confidence=0.97, original_title="", original_body="", title=title, body=body))


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
    tagged = tag_untranslated(gazetteer, "fr", "Rencontre au Kremlin",
                              "Le Kremlin a déclaré lundi que les discussions continueraient.")
    kremlins = [e for e in tagged.entities if e.text == "Kremlin"]
    assert kremlins and {e.type for e in kremlins} <= {"GPE", "LOC", "FAC"}  # the French model's place, not ORG
    assert {(e.key, e.country_id) for e in kremlins} == {("name:kremlin", "Q159")}
    assert people_rows(tagged) == []
    assert matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged) == [
        "entity:Q159 (Russia) by its state body: 'Kremlin' in title and body"]


def test_an_unlinked_organisation_named_exactly_as_a_gazetteer_state_body_is_of_its_country(gazetteer: Gazetteer) -> None:
    # The gazetteer's bodies, not only the organisations file's: typed ORG as typed a place, keyed as before.
    table = Demonyms.load(gazetteer)
    mentions = [unlinked("White House", "ORG"), unlinked("Maison Blanche", "ORG"), unlinked("FBI", "ORG"),
                unlinked("Kremlin", "ORG")]
    related = table.relate(mentions)
    assert [(e.text, e.country_id) for e in related] == [
        ("White House", "Q30"), ("Maison Blanche", "Q30"), ("FBI", "Q30"), ("Kremlin", "Q159")]
    assert [e.key for e in related] == [e.key for e in mentions]
    assert all(table.is_state_body(e) for e in related)
    others = [unlinked("Parliament", "ORG"), unlinked("White House Correspondents' Association", "ORG")]
    assert [e.country_id for e in table.relate(others)] == [None, None]


def test_fed_up_with_is_no_federal_reserve(tagger: Tagger, gazetteer: Gazetteer) -> None:
    # galaxy_dev's one unlinked "Fed": the gazetteer links the word only with evidence (name_evidence.py), and NER's ORG
    # is none. A report that names the Fed links it ("the Fed said"): unlinked, the word names no country either.
    tagged = tag(tagger, "Wounded Mayor Is Both Colorful and Powerful",
                 "KHARKIV, Ukraine — Fed up with the lifeless and unflattering photographs taken of him by press "
                 "photographers, the mayor hired his own.")
    assert [(e.canonical_id, e.country_id) for e in tagged.entities if e.text == "Fed"] in ([], [(None, None)])
    assert [r for r in matched(gazetteer, "when: {entity: {id: Q30, people: true}}", tagged) if "by its" in r] == []
    table = Demonyms.load(gazetteer)
    assert table.relate([unlinked("Fed", "ORG")])[0].country_id is None
    assert table.relate([unlinked("Fed", "ORG")], language="en")[0].country_id is None
    # Outside English the evidence rules do not apply: the gazetteer links "Fed" there, and "la Fed" is it too.
    (fed,) = table.relate([unlinked("la Fed", "ORG")], language="fr")
    assert (fed.canonical_id, fed.key, fed.country_id) == ("Q53536", "Q53536", "Q30")


def test_a_state_body_after_an_article_of_the_reports_language_is_its_name_alone(gazetteer: Gazetteer) -> None:
    table = Demonyms.load(gazetteer)

    def related(text: str, type_: str, language: str) -> tuple:
        (e,) = table.relate([unlinked(text, type_)], language=language)
        return e.type, e.canonical_id, e.canonical_name, e.key, e.country_id

    # Keyed as the name alone is ("Kremlin": name:kremlin, unlinked; "Maison Blanche": the White House, linked),
    # so one entity with the bare mentions; a person to NER is the organisation.
    assert related("el Kremlin", "PERSON", "es") == ("ORG", None, "Kremlin", "name:kremlin", "Q159")
    assert related("El Kremlin", "ORG", "es") == ("ORG", None, "Kremlin", "name:kremlin", "Q159")
    assert related("le Kremlin", "GPE", "fr") == ("GPE", None, "Kremlin", "name:kremlin", "Q159")
    assert related("la Maison Blanche", "GPE", "fr") == ("ORG", "Q35525", "White House", "Q35525", "Q30")
    assert related("la Casa Blanca", "PERSON", "es") == ("ORG", "Q35525", "White House", "Q35525", "Q30")
    assert related("der Bundestag", "ORG", "de") == ("ORG", None, "Bundestag", "name:bundestag", "Q183")
    assert related("a Casa Branca", "GPE", "pt") == ("ORG", "Q35525", "White House", "Q35525", "Q30")
    # Only an article of the report's language, only before a body's name exactly; a person without one stays a person.
    untouched = [("el Kremlin", "PERSON", "en"), ("el Kremlin", "PERSON", "fr"), ("Kremlin", "PERSON", "es"),
                 ("Según el Kremlin", "PERSON", "es"), ("Los Angeles", "GPE", "es"), ("la Duma aprobó", "ORG", "es"),
                 ("le Kremlin", "NORP", "fr"), ("el Kremlin", "PERSON", "und")]
    for text, type_, language in untouched:
        assert related(text, type_, language) == (type_, None, None, name_key(text), None), text


def test_an_untranslated_french_report_names_the_pentagon_after_its_article(gazetteer: Gazetteer) -> None:
    # The French model keeps the article in the span ("le Pentagone", LOC); the gazetteer's match inside it is the body.
    tagged = tag_untranslated(gazetteer, "fr", "Sanctions", "Washington et le Pentagone ont démenti lundi.")
    (pentagon,) = [e for e in tagged.entities if "Pentagone" in e.text]
    assert (pentagon.type, pentagon.canonical_id, pentagon.key, pentagon.country_id) == ("ORG", "Q11209", "Q11209", "Q30")
    assert matched(gazetteer, "when: {entity: {id: Q30, people: true}}", tagged) == [
        f"entity:Q30 (United States) by its state body: {pentagon.text!r} in body"]


def test_an_untranslated_spanish_headline_names_russia_by_the_duma_after_its_article(gazetteer: Gazetteer) -> None:
    # The Spanish model keeps the article in the span and calls the body a place: "La Duma" (LOC), keyed as "Duma" is.
    tagged = tag_untranslated(gazetteer, "es", "Ucrania: La Duma negó el acuerdo", "")
    (duma,) = [e for e in tagged.entities if "Duma" in e.text]
    assert (duma.text, duma.canonical_id, duma.canonical_name, duma.key, duma.country_id) == (
        "La Duma", None, "Duma", "name:duma", "Q159")
    assert people_rows(tagged) == []
    assert matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged) == [
        "entity:Q159 (Russia) by its state body: 'La Duma' in title"]


def test_an_untranslated_french_report_names_russia_by_la_douma_and_not_by_the_syrian_town(gazetteer: Gazetteer) -> None:
    # French writes the Duma "la Douma"; the French model spans "Douma" without its article, and calls the town near
    # Damascus of the same name an organisation too. Only after the article is it Russia's parliament, keyed as "Duma".
    tagged = tag_untranslated(gazetteer, "fr", "Russie : la Douma adopte une loi",
                              "Les députés de la Douma d'État ont approuvé le texte mardi.")
    dumas = sorted((e.text, e.canonical_name, e.key, e.country_id) for e in tagged.entities if "Douma" in e.text)
    assert dumas == [("Douma", "Duma", "name:duma", "Q159"), ("Douma d'État", "Duma", "name:duma", "Q159")]
    assert matched(gazetteer, "when: {entity: {id: Q159, people: true}}", tagged)[1:] == [
        "entity:Q159 (Russia) by its state bodies: \"Douma d'État\", 'Douma' in title and body"]
    town = tag_untranslated(gazetteer, "fr", "Syrie : des frappes sur Douma",
                            "Des frappes ont touché Douma, dans la Ghouta orientale. L'attaque de Douma a tué dix civils.")
    assert [(e.key, e.country_id) for e in town.entities if e.text == "Douma"] == [("name:douma", None)] * 3


def test_douma_after_an_english_article_is_the_syrian_town(gazetteer: Gazetteer) -> None:
    # "Douma" is the Duma's name only in French: "the Douma attack" in English names no parliament.
    table = Demonyms.load(gazetteer)
    text = "Inspectors reached the Douma site."
    start = text.index("Douma")
    douma = Entity(text="Douma", type="ORG", field="body", start=start, end=start + 5, key="name:douma")
    (related,) = table.relate([douma], {"title": "", "body": text}, language="en")
    assert (related.key, related.country_id) == ("name:douma", None)


def test_the_russian_duma_has_one_key_whatever_the_language_or_its_name(tagger: Tagger, gazetteer: Gazetteer) -> None:
    # Before, English "State Duma" was name:state duma and French "la Douma"/"Douma d'État" name:duma: two entities.
    english = tag(tagger, "State Duma votes", "The State Duma voted on Monday. The Duma passed the bill.")
    french = tag_untranslated(gazetteer, "fr", "Russie : la Douma adopte une loi",
                              "Les députés de la Douma d'État ont approuvé le texte mardi.")
    dumas = {(e.text, e.key, e.country_id) for t in (english, french) for e in t.entities if "Du" in e.text or "Dou" in e.text}
    assert dumas == {("State Duma", "name:duma", "Q159"), ("Duma", "name:duma", "Q159"),
                     ("Douma", "name:duma", "Q159"), ("Douma d'État", "name:duma", "Q159")}
    # The newsroom makes the same key again from the name it stores.
    assert Demonyms.load(gazetteer).key_of("State Duma", "ORG") == "name:duma"
