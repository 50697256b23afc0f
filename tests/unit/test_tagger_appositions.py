"""A place named with the region or country it lies in ("Savannah, Georgia", "Paris, Texas", "London, Ontario") is the
place inside that region or country, and the region or country is the one holding it: news's own word on which
Georgia, which London. A US state abbreviated after a city ("Athens, Ga.", "Springfield, MO") is that state there
only. Lists of places ("London, Paris and Berlin") are no such pairs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from schemas import TaggedArticle
from services.tagger.appositions import STATE_ABBREVIATIONS
from services.tagger.core import Tagger
from services.tagger.gazetteer import Gazetteer
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings
from tests.unit.test_tagger_linked_state_bodies import gazetteer, tag, tagger  # noqa: F401  (the fixtures, en_core_web_sm)
from tests.unit.test_tagger_shared_places import links, region

GEORGIA, PARIS, LONDON, MOSCOW, RUSSIA, BERLIN = "Q230", "Q90", "Q84", "Q649", "Q159", "Q64"
# Towns the gazetteer lacks, from the towns table (towns.py): GeoNames ids.
SAVANNAH_GEORGIA, ATHENS_GEORGIA, COLUMBUS_GEORGIA = "geonames:4221552", "geonames:4180386", "geonames:4188985"
PARIS_TEXAS, PORTLAND_MAINE, COLUMBIA_MISSOURI = "geonames:4717560", "geonames:4975802", "geonames:4381982"


def linked(tagged: TaggedArticle, text: str) -> set[str | None]:
    return {canonical_id for canonical_id, _ in links(tagged, text)}


def test_savannah_georgia_is_no_ghanaian_region_and_georgia_is_the_us_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Three wounded in shooting near Savannah",
                 "Three people were wounded in a shooting near Savannah, Georgia, on Sunday night, police said. The "
                 "gunman fled in a pickup truck and was arrested hours later.")
    assert linked(tagged, "Savannah") == {SAVANNAH_GEORGIA}  # the towns table's, not Ghana's Savannah Region
    assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia")}


def test_the_state_holding_a_known_city_wins_even_beside_a_foreign_place(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Airline adds flights",
                 "Delta will add daily flights from Atlanta, Georgia, to Istanbul from March, the airline said.")
    assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia")}
    assert linked(tagged, "Istanbul") != {None}  # Turkey, beside the country Georgia, would have kept the country


def test_a_georgian_city_keeps_georgia_the_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Protest in Batumi",
                 "Hundreds rallied in Batumi, Georgia, on Saturday as Russia warned against the protests in Tbilisi.")
    assert linked(tagged, "Georgia") == {GEORGIA}


def test_paris_texas_is_not_the_french_capital(tagger: Tagger) -> None:
    tagged = tag(tagger, "Tornado damages homes",
                 "A tornado tore through Paris, Texas, late on Tuesday, damaging dozens of homes, the National Weather "
                 "Service said.")
    assert linked(tagged, "Paris") == {PARIS_TEXAS}  # the towns table's Paris, of Texas
    assert linked(tagged, "Texas") != {None}


def test_london_ontario_is_the_canadian_city(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Truck attack trial",
                 "The trial of a man accused of killing a Muslim family with his truck in London, Ontario, opened on "
                 "Monday.")
    (london,) = linked(tagged, "London")
    entry = gazetteer.get(london or "")
    assert entry is not None and entry.country == "Q16"  # Canada


def test_portland_maine_is_not_portland_oregon(tagger: Tagger) -> None:
    tagged = tag(tagger, "Ferry service resumes",
                 "The ferry between Portland, Maine, and Yarmouth, Nova Scotia, resumed on Friday after a storm.")
    assert linked(tagged, "Portland") == {PORTLAND_MAINE}  # the towns table's; the gazetteer has only Oregon's


def test_a_city_in_its_country_stays_linked(tagger: Tagger) -> None:
    tagged = tag(tagger, "Church attacked", "Gunmen attacked a church in Kaduna, Nigeria, on Sunday. Officials in "
                 "Moscow, Russia, condemned the attack.")
    assert linked(tagged, "Moscow") == {MOSCOW} and linked(tagged, "Russia") == {RUSSIA}
    assert linked(tagged, "Kaduna") != {None}


def test_a_list_of_cities_is_no_apposition(tagger: Tagger) -> None:
    tagged = tag(tagger, "Summit", "Leaders from London, Paris and Berlin met in Washington, D.C., on Monday.")
    assert linked(tagged, "London") == {LONDON} and linked(tagged, "Paris") == {PARIS} and linked(tagged, "Berlin") == {BERLIN}
    assert linked(tagged, "Washington, D.C.") == {"Q61"}


def test_a_list_of_countries_keeps_georgia_the_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Security talks", "Ministers from Ukraine, Georgia and Moldova met in Brussels on Monday.")
    assert linked(tagged, "Georgia") == {GEORGIA}


def test_a_clause_after_an_opening_place_is_no_apposition(tagger: Tagger) -> None:
    tagged = tag(tagger, "Talks in Washington",
                 "In Washington, Georgia's prime minister met US officials on Tuesday to discuss the visa ban.")
    assert linked(tagged, "Washington") == {"Q61"}
    assert linked(tagged, "Georgia") == {GEORGIA}


def test_two_georgias_in_one_report_are_each_their_own(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Flight route",
                 "The new route links Atlanta, Georgia, with Tbilisi, Georgia, the airline said on Monday.")
    assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia"), (GEORGIA, "Georgia")}


MISSOURI, INDIANA = "geonames:4398678", "geonames:4921868"  # regions.yaml


def test_athens_ga_is_no_greek_capital_and_ga_is_the_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Three wounded in shooting",
                 "Three people were wounded in a shooting near Athens, Ga., on Sunday night, police said.")
    assert linked(tagged, "Athens") == {ATHENS_GEORGIA}
    assert links(tagged, "Ga") == {region(gazetteer, "State of Georgia")}


def test_a_postal_code_after_a_city_is_the_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Suspect arrested", "Police in Springfield, MO said on Monday the suspect was arrested.")
    assert linked(tagged, "MO") == {MISSOURI}


def test_an_abbreviated_state_decides_a_city_named_like_a_country(tagger: Tagger) -> None:
    tagged = tag(tagger, "Storms", "Storms hit Springfield, MO, and Columbia, Mo., on Monday.")
    assert linked(tagged, "Columbia") == {COLUMBIA_MISSOURI}  # not Colombia
    assert linked(tagged, "Mo") == {MISSOURI}


def test_a_postal_code_nlp_missed_still_unlinks_a_foreign_namesake(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Storm damage", "The storm hit Savannah, GA on Sunday. Georgia officials said roads were closed.")
    assert linked(tagged, "Savannah") == {SAVANNAH_GEORGIA}  # not Ghana's Savannah Region
    assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia")}


def test_a_state_abbreviation_alone_is_no_place(tagger: Tagger) -> None:
    tagged = tag(tagger, "Vote", "Officials in Tbilisi said Ga. voters would decide.")
    assert linked(tagged, "Ga") == {None}


def test_a_capital_word_after_a_dateline_is_no_postal_code(tagger: Tagger) -> None:
    tagged = tag(tagger, "Senate votes", "WASHINGTON, IN A MOVE that surprised many, the Senate voted on Monday.")
    assert linked(tagged, "WASHINGTON") == {"Q61"}
    assert all(e.canonical_id != INDIANA for e in tagged.entities)


def test_a_trailing_country_holding_the_state_keeps_the_apposition(tagger: Tagger, gazetteer: Gazetteer) -> None:
    for country in ("USA", "United States"):
        tagged = tag(tagger, "Airline adds flights", f"Delta flies from Atlanta, Georgia, {country} to Istanbul from March.")
        assert links(tagged, "Georgia") == {region(gazetteer, "State of Georgia")}, country


def test_a_list_ending_in_a_country_stays_a_list(tagger: Tagger) -> None:
    tagged = tag(tagger, "Security talks", "Ministers from Ukraine, Georgia, Moldova and Armenia met in Brussels on Monday.")
    assert linked(tagged, "Georgia") == {GEORGIA}


def test_every_state_abbreviation_names_a_us_state_of_the_gazetteer(gazetteer: Gazetteer) -> None:
    rows = yaml.safe_load(STATE_ABBREVIATIONS.read_text(encoding="utf-8"))["states"]
    states = [gazetteer.get(row["id"]) for row in rows]
    assert len(rows) == 50 and all(state is not None and state.country == "Q30" for state in states)


FLORIDA, TEXAS, PENNSYLVANIA, ARIZONA, CALIFORNIA = ("geonames:4155751", "geonames:4736286", "geonames:6254927",
                                                      "geonames:5551752", "geonames:5332921")
GEORGIA_STATE, WASHINGTON_STATE, MASSACHUSETTS, KANSAS = ("geonames:4197000", "geonames:5815135", "geonames:6254926",
                                                          "geonames:4273857")


def test_a_state_abbreviated_without_its_full_stop_is_the_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Suspect arrested", "Police in Tallahassee, Fla said the man was arrested on Sunday. Police in "
                 "Fresno, Calif said a second man was held.")
    assert linked(tagged, "Fla") == {FLORIDA} and linked(tagged, "Calif") == {CALIFORNIA}


def test_older_state_abbreviations_are_the_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Plant to close", "The shooting happened in Austin, Tex., on Monday night. Officials in "
                 "Pittsburgh, Penn., said the plant would close.")
    assert linked(tagged, "Tex") == {TEXAS} and linked(tagged, "Penn") == {PENNSYLVANIA}


def test_a_state_abbreviation_nlp_missed_is_a_mention_of_the_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Plant to close", "The plant in Phoenix, Ariz, will close.")
    assert linked(tagged, "Ariz") == {ARIZONA}


def test_an_abbreviation_that_is_a_word_is_the_state_only_where_the_apposition_closes(tagger: Tagger) -> None:
    tagged = tag(tagger, "Plant to close", "The plant in Spokane, Wash, will close, officials said.")
    assert linked(tagged, "Wash") == {WASHINGTON_STATE}
    tagged = tag(tagger, "Memorial", "In Boston, Mass was said at noon for the victims. In Tokyo, Kan said the plant "
                 "would be shut.")
    assert all(e.canonical_id not in (MASSACHUSETTS, KANSAS) for e in tagged.entities)


def test_a_state_abbreviation_nlp_took_into_the_next_name_is_the_state(tagger: Tagger, gazetteer: Gazetteer) -> None:
    tagged = tag(tagger, "Three wounded", "Three people were wounded near Athens, Ga. Police said the gunman fled.")
    assert linked(tagged, "Ga.") == {GEORGIA_STATE} and linked(tagged, "Athens") == {ATHENS_GEORGIA}
    assert [e.text for e in tagged.entities if e.text.startswith("Ga")] == ["Ga."]


def test_a_city_and_its_state_before_an_and_is_no_list(tagger: Tagger) -> None:
    tagged = tag(tagger, "Tornado", "A tornado tore through Paris, Texas, and Dallas on Tuesday.")
    assert linked(tagged, "Paris") == {PARIS_TEXAS} and linked(tagged, "Texas") == {TEXAS}


def test_a_city_and_two_states_stay_a_list(tagger: Tagger) -> None:
    tagged = tag(tagger, "Floods", "Floods hit Houston, Louisiana and Mississippi on Sunday. Police in Houston, Louisiana, "
                 "and Mississippi said roads were closed.")
    assert linked(tagged, "Houston") == {"geonames:4699066"}  # Houston, Texas: no city of Louisiana


MISSOURI, ILLINOIS, OREGON = "geonames:4398678", "geonames:4896861", "geonames:5744337"
COLUMBUS_OHIO, PORTLAND_OREGON, ATHENS_GREECE = "geonames:4509177", "geonames:5746545", "Q1524"


def test_an_all_capital_dateline_state_without_its_full_stop_is_the_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Florida braces for storm", "TALLAHASSEE, FLA (Reuters) - Florida's governor declared a state of "
                 "emergency on Monday as the storm strengthened over the Gulf.")
    assert linked(tagged, "FLA") == {FLORIDA}
    assert {e.type for e in tagged.entities if e.text == "TALLAHASSEE"} == {"GPE"}  # a dateline's place, not an organisation


def test_a_state_in_capitals_after_springfield_decides_which_state(tagger: Tagger) -> None:
    tagged = tag(tagger, "Crash", "SPRINGFIELD, MO. - Three people were hurt in a crash on Interstate 44 on Monday, police "
                 "said.")
    assert linked(tagged, "MO") == {MISSOURI}
    tagged = tag(tagger, "Budget", "SPRINGFIELD, ILL. (AP) - Lawmakers passed the budget on Monday after a long night.")
    assert linked(tagged, "ILL") == {ILLINOIS}
    tagged = tag(tagger, "Jobs", "The company, based in Springfield, MO., said on Monday it would cut 300 jobs.")
    assert linked(tagged, "MO") == {MISSOURI}


def test_a_state_in_capitals_says_which_city_the_dateline_is(tagger: Tagger) -> None:
    tagged = tag(tagger, "Soldier killed", "COLUMBUS, GA. (AP) - A soldier was killed in a training accident at Fort "
                 "Benning on Monday, the Army said.")
    assert linked(tagged, "COLUMBUS") == {COLUMBUS_GEORGIA}  # not the Ohio city the gazetteer has
    assert linked(tagged, "GA") == {GEORGIA_STATE}
    tagged = tag(tagger, "Stadium", "ATHENS, GA. (AP) - The University of Georgia said on Monday it would build a new "
                 "stadium.")
    assert linked(tagged, "ATHENS") == {ATHENS_GEORGIA}  # not Athens, Greece
    tagged = tag(tagger, "Protest", "PORTLAND, ORE. (AP) - Protesters gathered downtown on Monday night, police said.")
    assert linked(tagged, "PORTLAND") == {PORTLAND_OREGON} and linked(tagged, "ORE") == {OREGON}


def test_a_word_in_capitals_after_a_city_is_no_state_where_a_headline_goes_on(tagger: Tagger) -> None:
    tagged = tag(tagger, "BOSTON, MASS PROTESTS ERUPT AS COURT RULES", "Thousands marched on Monday.")
    assert all(e.canonical_id != MASSACHUSETTS for e in tagged.entities)


@pytest.fixture(scope="module")
def whole_span_tagger(gazetteer: Gazetteer) -> Iterator[Tagger]:
    """A tagger whose NER takes a city and its state as one name, as some models do ("Athens, Ga." one GPE). The
    pipeline is the process's shared one (load_pipeline caches it): the ruler is taken out again afterwards, or every
    later test's tagger would read those names as one span too."""
    nlp = load_pipeline("en_core_web_sm")
    ruler = nlp.add_pipe("entity_ruler", name="whole_span_ruler", before="ner")
    ruler.add_patterns([{"label": "GPE", "pattern": name} for name in
                        ("Athens, Ga.", "Portland, Ore.", "Springfield, Missouri", "Washington, D.C.")])
    try:
        yield Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=nlp, gazetteer=gazetteer)
    finally:
        nlp.remove_pipe("whole_span_ruler")


def test_a_city_and_state_nlp_took_as_one_name_are_the_city_in_that_state(whole_span_tagger: Tagger) -> None:
    tagged = tag(whole_span_tagger, "Arrest", "Police in Athens, Ga., said a man was arrested after the game on Saturday.")
    assert linked(tagged, "Athens") == {ATHENS_GEORGIA} and linked(tagged, "Ga.") == {GEORGIA_STATE}  # no Greek capital
    tagged = tag(whole_span_tagger, "Move", "The company moved its headquarters to Portland, Ore., last year.")
    assert linked(tagged, "Portland") == {PORTLAND_OREGON} and linked(tagged, "Ore.") == {OREGON}
    tagged = tag(whole_span_tagger, "Plant", "The plant in Springfield, Missouri, will close in March.")
    assert linked(tagged, "Missouri") == {MISSOURI}
    tagged = tag(whole_span_tagger, "Trip", "He flew to Washington, D.C., on Monday.")
    assert linked(tagged, "Washington, D.C.") == {"Q61"}  # one name the gazetteer knows stays whole
