"""Entity names in rules resolve through the gazetteer's aliases to the key the tagger links mentions to."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, TaggedArticle
from services.alerter.errors import RuleError
from services.alerter.names import EntityNames, default_names
from services.alerter.rules import load_rulebook
from services.tagger.gazetteer import Gazetteer, GazetteerEntry

GAZETTEER = Gazetteer([
    GazetteerEntry(id="Q7747", name="Vladimir Putin", type="PERSON", aliases=("Putin", "Путин")),
    GazetteerEntry(id="Q212", name="Ukraine", type="GPE", aliases=("Ucrania",)),
    GazetteerEntry(id="Q7184", name="NATO", type="ORG", aliases=("OTAN", "North Atlantic Treaty Organization")),
    GazetteerEntry(id="geonames:709717", name="Donetsk", type="GPE", country="Q212", aliases=("Donezk",)),
    GazetteerEntry(id="Q1428", name="Georgia (U.S. state)", type="GPE", aliases=("Peach State", "Georgia")),
    GazetteerEntry(id="Q230", name="Georgia (country)", type="GPE", aliases=("Sakartvelo", "Georgia")),
])
NAMES = EntityNames(GAZETTEER)


def article(*entities: Entity, title: str = "Putin visits Donetsk") -> TaggedArticle:
    return TaggedArticle(id="a1", source="wire", url="https://news.example.org/a/1",
                         fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en", language_confidence=0.9,
                         original_title=title, original_body="", title=title, body="", entities=list(entities), story_id="st")


PUTIN = Entity(text="Putin", type="PERSON", field="title", start=0, end=5, canonical_id="Q7747", canonical_name="Vladimir Putin")
DONETSK = Entity(text="Donetsk", type="GPE", field="title", start=13, end=20, canonical_id="geonames:709717",
                 canonical_name="Donetsk")
OKAFOR = Entity(text="Jane Okafor", type="PERSON", field="title", start=0, end=11)


def matches(condition: str, *entities: Entity) -> bool:
    book = load_rulebook(f"rules:\n  - {{id: r, {condition}}}\n", env={}, names=NAMES)
    return bool(book.evaluate(article(*entities)))


@pytest.mark.parametrize("condition", [
    "when: {entity: Putin}",
    "when: {entity: putin}",
    "when: {entity: Путин}",
    "when: {entity: {name: Putin, in: title}}",
    "query: 'entity:Putin'",
    "query: 'entity.title:Путин AND NOT entity:OTAN'",
])
def test_a_name_that_is_an_alias_matches_the_entity_it_links_to(condition: str) -> None:
    assert matches(condition, PUTIN)


def test_a_resolved_name_is_shown_with_its_key_and_canonical_name() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: Putin}}\n", env={}, names=NAMES)
    assert book.rules[0].when.resolved() == "Q7747 Vladimir Putin"
    assert book.rules[0].when.describe() == "entity:Putin"
    assert book.warnings == ()


def test_an_unknown_name_warns_with_did_you_mean_and_still_matches_unlinked_text() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {any: [{entity: Ukriane}, {entity: Jane Okafor}]}}\n", env={}, names=NAMES)
    assert len(book.warnings) == 2
    assert "<rules>:2: rule 'r': entity 'Ukriane' is not in the gazetteer" in book.warnings[0]
    assert "did you mean 'Ukraine' (Q212)?" in book.warnings[0]
    assert "did you mean" not in book.warnings[1]
    assert book.evaluate(article(OKAFOR, title="Jane Okafor speaks"))


def test_an_ambiguous_name_says_which_entities_share_it() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: Georgia}}\n", env={}, names=NAMES)
    assert len(book.warnings) == 1
    assert "ambiguous" in book.warnings[0] and "Q1428" in book.warnings[0] and "Q230" in book.warnings[0]


@pytest.mark.parametrize("condition", [
    "when: {entity: {id: 'geonames:709717'}}",
    "when: {entity: 'geonames:709717'}",
    "when: {entity: 'GeoNames:709717'}",
    "when: {entity: Donetsk}",
    "when: {entity: Donezk}",
    "query: 'entity:geonames:709717'",
])
def test_a_place_linked_by_its_geonames_id_can_be_targeted(condition: str) -> None:
    assert matches(condition, DONETSK)
    assert not matches(condition, PUTIN)


def test_an_id_the_gazetteer_does_not_know_warns_that_it_matches_nothing() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: Q2768}}\n", env={}, names=NAMES)
    assert "Q2768 is not in the gazetteer" in book.warnings[0]


def test_an_entity_id_that_is_neither_a_qid_nor_a_geonames_id_is_refused() -> None:
    with pytest.raises(RuleError, match="not a Wikidata QID like Q7184 or a GeoNames id"):
        load_rulebook("rules:\n  - {id: r, when: {entity: {id: 'osm:123'}}}\n", env={}, names=NAMES)


def test_a_burst_on_an_entity_name_counts_the_mentions_of_the_entity_it_resolves_to() -> None:
    from services.alerter.simulate import mentions

    book = load_rulebook("rules:\n  - {id: r, when: {entity: Q7747}, burst: {entity: Putin}}\n", env={}, names=NAMES)
    burst = book.rules[0].policy.burst
    assert burst.entity == "Putin"
    assert mentions(article(PUTIN), burst.entity_match)
    # One baseline per entity, however the rule names it: the alias, the id, the canonical name.
    same = load_rulebook("rules:\n  - {id: r, when: {entity: Q7747}, burst: {entity: Q7747}}\n"
                         "  - {id: s, when: {entity: Q7747}, burst: {entity: Vladimir Putin}}\n", env={}, names=NAMES)
    assert burst.key == same.rules[0].policy.burst.key == same.rules[1].policy.burst.key == "Q7747"


@pytest.mark.parametrize("name, key", [("Putin", "Q7747"), ("Zelensky", "Q3874799"), ("Kiev", "Q1899"), ("OTAN", "Q7184"),
                                       ("U.S.", "Q30"), ("Donetsk", "geonames:709717")])
def test_the_bundled_gazetteer_resolves_the_names_users_write(name: str, key: str) -> None:
    assert default_names(()).resolve(name).id == key
