"""The generated first-level regions (regions.yaml): states, provinces, oblasts and Länder link in any language,
without taking a name a country or city has, and plain prose links none of them."""

from __future__ import annotations

import re

import pytest
import yaml

from services.tagger.gazetteer import BUNDLED_REGIONS, Gazetteer, load_entries


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def regions() -> list[dict]:
    return yaml.safe_load(BUNDLED_REGIONS.read_text(encoding="utf-8"))["entities"]


def test_regions_have_unique_geonames_ids_and_a_known_country(regions: list[dict]) -> None:
    countries = {e.id for e in load_entries() if e.country == e.id}
    ids = [r["id"] for r in regions]
    assert len(ids) == len(set(ids)) and len(ids) >= 2000
    assert all(re.fullmatch(r"geonames:[1-9]\d*", i) for i in ids)
    assert all(r["country"] in countries for r in regions)


@pytest.mark.parametrize(
    "text, name, country",
    [
        ("Baja California", "Baja California", "Mexico"), ("Basse Californie", "Baja California", "Mexico"),
        ("Kherson Oblast", "Kherson Oblast", "Ukraine"), ("Херсонская область", "Kherson Oblast", "Ukraine"),
        ("Bavaria", "Bavaria", "Germany"), ("Bayern", "Bavaria", "Germany"), ("Бавария", "Bavaria", "Germany"),
        ("Texas", "Texas", "United States of America"), ("得克萨斯州", "Texas", "United States of America"),
        ("Ontario", "Ontario", "Canada"), ("Sindh", "Sindh", "Pakistan"),
    ],
)
def test_a_region_links_by_its_names_in_other_languages(gazetteer: Gazetteer, text: str, name: str, country: str) -> None:
    [match] = gazetteer.find(f"Reports from {text} this morning.")
    assert match.entry.name == name
    assert match.entry.country == gazetteer.lookup(country).id


def test_a_name_a_country_or_city_has_stays_theirs(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Georgia").id == gazetteer.lookup("Tbilisi").country  # the country, not the US state
    assert gazetteer.lookup("Washington").name == "Washington, D.C."
    state = gazetteer.lookup("State of Georgia")
    assert state.name == "Georgia State" and state.country == gazetteer.lookup("United States").id
    assert gazetteer.lookup("State of Washington").name == "Washington State"


def test_a_name_two_regions_share_is_told_apart_by_country(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Punjab") is None
    assert gazetteer.lookup("Punjab, India").country == gazetteer.lookup("India").id
    assert gazetteer.lookup("Punjab, Pakistan").country == gazetteer.lookup("Pakistan").id


def test_regions_named_for_where_they_lie_link_nothing_in_prose(gazetteer: Gazetteer) -> None:
    prose = ("The central bank said the northern and eastern provinces, the capital region and the western coast "
             "were hit; North and South, East and West, Centre and Central all reported rain in the interior.")
    assert [(m.text, m.entry.name) for m in gazetteer.find(prose)] == []


def test_a_region_named_with_common_words_links_only_as_written(gazetteer: Gazetteer) -> None:
    assert [m.entry.name for m in gazetteer.find("Rain fell on Free State and Far North overnight.")] == ["Free State", "Far North"]
    assert gazetteer.find("a free state in the far north of the golden state") == []


def test_municipalities_the_iso_list_has_at_its_first_level_are_no_regions(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Saint Andrew") is None  # parishes of Barbados, Jamaica, Grenada, Dominica
    assert gazetteer.lookup("Paul") is None  # a municipality of Cabo Verde, and a first name


def test_a_name_a_far_larger_region_shares_is_the_larger_ones(gazetteer: Gazetteer) -> None:
    florida = gazetteer.lookup("Florida")
    assert florida.name == "Florida" and florida.country == gazetteer.lookup("United States").id
    assert gazetteer.lookup("Florida Department").country == gazetteer.lookup("Uruguay").id


def test_a_region_named_like_a_plural_links_only_as_written(gazetteer: Gazetteer) -> None:
    assert [m.entry.name for m in gazetteer.find("Rivers State voted; the rivers rose.")] == ["Rivers"]


@pytest.mark.parametrize("text, region, city", [
    ("Raqqa governorate", "Raqqa Province", "Raqqa"), ("the Raqqa province", "Raqqa Province", "Raqqa"),
    ("Basra Governorate", "Basra Governorate", "Basra"), ("Cairo Governorate", "Cairo Governorate", "Cairo"),
])
def test_a_governorate_named_like_its_city_links_by_its_longer_name_and_the_city_keeps_the_bare_one(
        gazetteer: Gazetteer, text: str, region: str, city: str) -> None:
    # The city's GeoNames name "Ar Raqqah" is as long as "Raqqa Governorate": the governorate was lost in the build.
    [match] = gazetteer.find(f"Fighting spread across {text} on Monday.")
    assert (match.entry.name, match.entry.country) == (region, gazetteer.lookup(city).country)
    bare = gazetteer.lookup(city)
    assert bare.id != match.entry.id and bare.id.startswith("geonames:") and bare.country != bare.id  # still the city
