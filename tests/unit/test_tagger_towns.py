"""A town too small for the gazetteer is linked where the writer names its state or region right beside it
("Springfield, Mo.", "SAVANNAH, GA (AP)", "Athens, Georgia", "Florence, South Carolina"), and nowhere else: a bare
"Springfield" could be any of dozens, and a wrong link is worse than none."""

from __future__ import annotations

import pytest

from services.tagger.core import Tagger
from services.tagger.gazetteer import Gazetteer
from services.tagger.towns import BUNDLED_TOWNS, Towns, town_key
from tests.unit.test_tagger_appositions import linked
from tests.unit.test_tagger_linked_state_bodies import gazetteer, tag, tagger  # noqa: F401  (the fixtures, en_core_web_sm)

# GeoNames ids (geonames.org/<id>) of the towns, and regions.yaml's ids of their states.
SPRINGFIELD_MISSOURI, SPRINGFIELD_ILLINOIS = "geonames:4409896", "geonames:4250542"
ATHENS_GEORGIA, SAVANNAH_GEORGIA, COLUMBUS_GEORGIA = "geonames:4180386", "geonames:4221552", "geonames:4188985"
FLORENCE_SOUTH_CAROLINA, SAINT_CLOUD_MINNESOTA = "geonames:4578737", "geonames:5044407"
MISSOURI, ILLINOIS, GEORGIA_STATE = "geonames:4398678", "geonames:4896861", "geonames:4197000"
SOUTH_CAROLINA, MINNESOTA, TEXAS = "geonames:4597040", "geonames:5037779", "geonames:4736286"
ATHENS_GREECE, FLORENCE_ITALY = "Q1524", "geonames:3176959"
KANSAS_CITY_KANSAS = "geonames:4273837"


@pytest.mark.parametrize(("body", "town", "state", "where"), [
    ("SPRINGFIELD, MO. - Three people were hurt in a crash on Interstate 44 on Monday, police said.",
     "SPRINGFIELD", "MO", (SPRINGFIELD_MISSOURI, MISSOURI)),
    ("SPRINGFIELD, ILL. (AP) - Lawmakers passed the budget on Monday after a long night.",
     "SPRINGFIELD", "ILL", (SPRINGFIELD_ILLINOIS, ILLINOIS)),
    ("The plant in Springfield, Missouri, will close in March, the company said.",
     "Springfield", "Missouri", (SPRINGFIELD_MISSOURI, MISSOURI)),
    ("Three people were wounded in a shooting near Athens, Ga., on Sunday night, police said.",
     "Athens", "Ga", (ATHENS_GEORGIA, GEORGIA_STATE)),
    ("SAVANNAH, GA (AP) - The port reopened on Monday after the storm, officials said.",
     "SAVANNAH", "GA", (SAVANNAH_GEORGIA, GEORGIA_STATE)),
    ("Three people were wounded in a shooting near Savannah, Georgia, on Sunday night, police said.",
     "Savannah", "Georgia", (SAVANNAH_GEORGIA, GEORGIA_STATE)),
    ("A police officer was killed in Florence, South Carolina, on Wednesday, the sheriff said.",
     "Florence", "South Carolina", (FLORENCE_SOUTH_CAROLINA, SOUTH_CAROLINA)),
    ("COLUMBUS, GA. (AP) - A soldier was killed in a training accident at Fort Benning on Monday, the Army said.",
     "COLUMBUS", "GA", (COLUMBUS_GEORGIA, GEORGIA_STATE)),
    ("The company, based in St. Cloud, Minn., said on Monday it would cut 300 jobs.",
     "St. Cloud", "Minn", (SAINT_CLOUD_MINNESOTA, MINNESOTA)),
])
def test_a_town_named_with_its_state_is_that_town_in_that_state(tagger: Tagger, body: str, town: str, state: str,  # noqa: F811
                                                                 where: tuple[str, str]) -> None:
    tagged = tag(tagger, "News", body)
    assert (linked(tagged, town), linked(tagged, state)) == ({where[0]}, {where[1]})
    (entity,) = {e for e in tagged.entities if e.text == town}
    assert entity.type == "GPE" and entity.key == where[0]


def test_a_town_is_named_with_its_state_and_is_in_the_states_country(tagger: Tagger) -> None:  # noqa: F811
    tagged = tag(tagger, "Crash", "SPRINGFIELD, MO. - Three people were hurt in a crash, Springfield police said.")
    assert {(e.canonical_id, e.canonical_name) for e in tagged.entities if e.text.casefold() == "springfield"} == {
        (SPRINGFIELD_MISSOURI, "Springfield, Missouri")}  # the dateline speaks for the article's other Springfield


def test_a_bare_town_name_stays_unlinked(tagger: Tagger) -> None:  # noqa: F811
    tagged = tag(tagger, "Council vote", "The council in Springfield voted on Monday to raise parking fees, the mayor said.")
    assert linked(tagged, "Springfield") == {None}
    tagged = tag(tagger, "Museum", "The museum in Florence reopened on Monday after the flood, the mayor said.")
    assert linked(tagged, "Florence") == {FLORENCE_ITALY}


def test_a_town_beside_a_state_that_has_none_of_that_name_stays_unlinked(tagger: Tagger) -> None:  # noqa: F811
    tagged = tag(tagger, "Storm", "A tornado touched down near Springfield, Texas, on Monday, the weather service said.")
    assert linked(tagged, "Springfield") == {None} and linked(tagged, "Texas") == {TEXAS}
    tagged = tag(tagger, "Storm", "Three people were wounded in a shooting near Athens, Tex., on Sunday, police said.")
    assert ATHENS_GREECE not in linked(tagged, "Athens") and ATHENS_GEORGIA not in linked(tagged, "Athens")


def test_the_table_finds_a_town_by_its_region_only(gazetteer: Gazetteer) -> None:  # noqa: F811
    towns = Towns(BUNDLED_TOWNS)
    missouri, texas = gazetteer.get(MISSOURI), gazetteer.get(TEXAS)
    assert missouri is not None and texas is not None
    town = towns.get("SPRINGFIELD", missouri)
    assert town is not None and (town.id, town.name, town.type, town.country) == (SPRINGFIELD_MISSOURI, "Springfield, Missouri", "GPE", "Q30")
    assert town.coordinates is not None and abs(town.coordinates[0] - 37.2) < 0.1 and abs(town.coordinates[1] + 93.3) < 0.1
    assert towns.get("Springfield", texas) is None


def test_a_towns_name_is_compared_as_news_shortens_it() -> None:
    assert town_key("St. Cloud") == town_key("Saint Cloud") == "st cloud"
    assert town_key("Mt. Pleasant") == town_key("Mount Pleasant") and town_key("Ft. Myers") == town_key("Fort Myers")
    assert town_key("The Woodlands") == town_key("Woodlands") and town_key("Cañon City") == town_key("Canon City")


def test_every_town_of_the_table_lies_in_a_region_of_the_gazetteer(gazetteer: Gazetteer) -> None:  # noqa: F811
    regions = {line.split('"region":"', 1)[1].split('"', 1)[0] for line in BUNDLED_TOWNS.read_text(encoding="utf-8").splitlines()
               if line.startswith("- {")}
    assert regions and all(gazetteer.get(r) is not None and gazetteer.get(r).country is not None for r in regions)  # type: ignore[union-attr]
    assert len(Towns(BUNDLED_TOWNS)) > 10_000


def test_the_region_geonames_gives_a_town_beats_the_distance_to_a_region(tagger: Tagger) -> None:  # noqa: F811
    tagged = tag(tagger, "Stadium", "The team will play its home games in Kansas City, Kansas, from next season, the owners said.")
    assert linked(tagged, "Kansas City") == {KANSAS_CITY_KANSAS}  # not Missouri's, near enough Kansas's label point


def test_a_town_too_small_for_the_table_stays_unlinked_beside_its_state(tagger: Tagger) -> None:  # noqa: F811
    tagged = tag(tagger, "Tornado", "A tornado tore through Paris, Tennessee, late on Tuesday, the weather service said.")
    assert linked(tagged, "Paris") == {None}  # 10,000 people: neither the French capital nor a town of the table
