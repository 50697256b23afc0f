"""A name a country or capital shares with a region elsewhere ("Georgia", "Washington", "Niger") is the region where the
article's other places are the region's side and none the country's: an Atlanta report's "Georgia" is the US state, a
Tbilisi report's the country, and a report naming both sides keeps the country."""

from __future__ import annotations

from schemas import TaggedArticle
from services.alerter.names import EntityNames
from services.alerter.rules import load_rulebook
from services.tagger.core import Tagger
from services.tagger.gazetteer import Gazetteer
from services.tagger.shared_places import shared_names
from tests.unit.test_tagger_linked_state_bodies import gazetteer, tag, tagger  # noqa: F401  (the fixtures, en_core_web_sm)

GEORGIA, WASHINGTON_DC, NIGER = "Q230", "Q61", "Q1032"


def links(tagged: TaggedArticle, text: str) -> set[tuple[str | None, str | None]]:
    """The (canonical id, canonical name) of every mention written ``text``."""
    found = {(e.canonical_id, e.canonical_name) for e in tagged.entities if e.text == text}
    assert found, f"no mention {text!r} in {[e.text for e in tagged.entities]}"
    return found


def region(gazetteer: Gazetteer, longer_name: str) -> tuple[str, str]:
    entry = gazetteer.lookup(longer_name)
    assert entry is not None
    return entry.id, entry.name


ATLANTA = ("Atlanta mayor clashes with Georgia governor over police funding",
           "ATLANTA (Reuters) - Atlanta Mayor Andre Dickens said on Tuesday that Georgia's governor had no authority to cut "
           "the city's police budget. The dispute has spilled into the race for Georgia's Senate seat, where both candidates "
           "campaigned in Atlanta and its suburbs over the weekend.")


def test_georgia_in_an_atlanta_report_is_the_us_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, *ATLANTA)
    assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia")}
    assert all(e.canonical_id != GEORGIA for e in tagged.entities)


def test_a_rule_on_the_country_georgia_does_not_fire_on_an_atlanta_report(tagger: Tagger, gazetteer: Gazetteer) -> None:
    book = load_rulebook("rules:\n  - {id: georgia, when: {entity: Q230}}\n", env={}, names=EntityNames(gazetteer))
    assert book.evaluate(tag(tagger, *ATLANTA).model_copy(update={"story_id": "st"})) == []


def test_a_body_named_by_the_state_is_no_body_of_the_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Court upholds voting law",
                 "ATLANTA (AP) - Georgia's Supreme Court upheld the state's voting law on Monday, the court said in Atlanta.")
    assert [e.country_id for e in tagged.entities if e.text == "Supreme Court"] == [None]


def test_georgia_in_a_tbilisi_report_stays_the_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Georgia protesters rally against foreign agents law",
                 "TBILISI (Reuters) - Tens of thousands of protesters gathered outside parliament in Tbilisi on Sunday as "
                 "Georgia's ruling party pushed ahead with a bill critics call Russian-style. Georgian President Salome "
                 "Zourabichvili said she would veto the law.")
    assert links(tagged, "Georgia") == {(GEORGIA, "Georgia")}


def test_georgia_stays_the_country_where_the_article_names_its_neighbourhood_too(tagger: Tagger) -> None:
    # New York is the US state's side, Russia the country's: both sides named, the default stays.
    tagged = tag(tagger, "Georgia's prime minister accuses Russia at UN",
                 "Speaking in New York on Thursday, Georgia's prime minister accused Russia of occupying a fifth of the "
                 "country's territory and urged the General Assembly to act.")
    assert links(tagged, "Georgia") == {(GEORGIA, "Georgia")}


def test_georgia_beside_the_united_states_alone_stays_the_country(tagger: Tagger) -> None:
    # The country and its capital are the country's affairs, not places inside the state.
    tagged = tag(tagger, "U.S. warns Georgia over foreign agents bill",
                 "The United States warned Georgia on Wednesday that the bill threatened its path to Europe, the State "
                 "Department said in Washington.")
    assert links(tagged, "Georgia") == {(GEORGIA, "Georgia")}


def test_washington_in_a_seattle_report_is_the_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Wildfire forces evacuations east of Seattle",
                 "SEATTLE (AP) - A wildfire east of Seattle forced hundreds of families from their homes on Monday, "
                 "Washington's governor said, as crews battled flames driven by dry winds.")
    assert links(tagged, "Washington") == {region(gazetteer, "State of Washington")}


def test_washington_beside_a_foreign_country_stays_the_capital(tagger: Tagger) -> None:
    tagged = tag(tagger, "Boeing caught in trade dispute",
                 "Boeing, which builds its jets near Seattle, said on Tuesday that Washington's new tariffs on China "
                 "would hurt its sales there.")
    assert links(tagged, "Washington") == {(WASHINGTON_DC, "Washington, D.C.")}


def test_niger_in_a_report_from_a_nigerian_state_is_the_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Gunmen kidnap pupils in central Nigeria",
                 "KADUNA, Nigeria (Reuters) - Gunmen abducted dozens of pupils from a boarding school in Niger on "
                 "Wednesday, police said, days after a similar attack in neighbouring Kaduna.")
    assert links(tagged, "Niger") == {region(gazetteer, "Niger State")}


def test_niger_in_a_niamey_report_stays_the_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Niger junta reopens border",
                 "NIAMEY (Reuters) - Niger's military rulers said on Wednesday they would reopen the border with Nigeria "
                 "and Benin, a year after the coup in Niamey.")
    assert links(tagged, "Niger") == {(NIGER, "Niger")}


def test_the_shared_names_are_the_countries_and_capitals_names_of_regions_elsewhere(gazetteer: Gazetteer) -> None:
    found = {s.name: (s.default.id, [r.name for r in s.regions]) for s in shared_names(gazetteer)}
    assert found["Georgia"] == (GEORGIA, ["Georgia State"])
    assert found["Washington"] == (WASHINGTON_DC, ["Washington State"])
    assert found["Niger"] == (NIGER, ["Niger State"])
    # A region named for the capital it holds, or for its own country, shares nothing: "Tehran" is the city.
    assert not {"Tehran", "Kyiv", "Moscow", "Mexico", "Buenos Aires", "Homs"} & set(found)


def test_washington_beside_the_federal_government_stays_the_capital(tagger: Tagger) -> None:
    # Seattle speaks for the state, the White House for the capital: both sides named, the default stays.
    tagged = tag(tagger, "Amazon faces new scrutiny",
                 "Amazon, which is based in Seattle, faces new scrutiny in Washington after the White House said on "
                 "Thursday it would back an antitrust bill.")
    assert links(tagged, "Washington") == {(WASHINGTON_DC, "Washington, D.C.")}


SAVANNAH_GHANA = "geonames:12105074"  # Ghana's Savannah Region, regions.yaml


def test_a_bare_region_of_a_far_country_is_unlinked_in_a_us_report(tagger: Tagger) -> None:
    tagged = tag(tagger, "Storm", "A storm hit Savannah on Sunday. Officials in Atlanta said roads were closed across Georgia.")
    assert links(tagged, "Savannah") == {(None, None)}


def test_a_bare_region_of_a_country_on_the_same_continent_stays_linked(tagger: Tagger) -> None:
    tagged = tag(tagger, "Qualifier", "CHISINAU, Moldova - England face Moldova in a World Cup qualifier on Sunday.")
    assert {canonical_id for canonical_id, _ in links(tagged, "England")} == {"geonames:6269131"}


def test_a_bare_region_stays_linked_where_its_country_is_named(tagger: Tagger) -> None:
    tagged = tag(tagger, "Floods", "Floods in Savannah displaced thousands of people, officials in Accra said.")
    assert {canonical_id for canonical_id, _ in links(tagged, "Savannah")} == {SAVANNAH_GHANA}
    tagged = tag(tagger, "Storm", "A storm hit Savannah on Sunday, the Ghanaian government said.")
    assert {canonical_id for canonical_id, _ in links(tagged, "Savannah")} == {SAVANNAH_GHANA}


CALIFORNIA, BAVARIA, TEXAS = "geonames:5332921", "geonames:2951839", "geonames:4736286"


def test_a_populous_region_of_a_far_country_stays_linked(tagger: Tagger) -> None:
    tagged = tag(tagger, "Wildfires", "SYDNEY (Reuters) - Firefighters from California arrived in Sydney on Monday to help "
                 "fight the blazes near Melbourne.")
    assert {canonical_id for canonical_id, _ in links(tagged, "California")} == {CALIFORNIA}
    tagged = tag(tagger, "Beer festival", "Brewers from Bavaria poured beer in Milwaukee on Saturday, and the festival "
                 "moves to Chicago next week.")
    assert {canonical_id for canonical_id, _ in links(tagged, "Bavaria")} == {BAVARIA}
    tagged = tag(tagger, "Oil", "Oil traders in London said on Monday that output in Texas had fallen, and Manchester "
                 "refiners were buying more.")
    assert {canonical_id for canonical_id, _ in links(tagged, "Texas")} == {TEXAS}
