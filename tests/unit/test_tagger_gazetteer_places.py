"""The generated starter gazetteer (places.yaml): valid data, multilingual names, and no links in plain English prose."""

from __future__ import annotations

import re

import pytest
import yaml

from services.tagger.gazetteer import BUNDLED_PLACES, Gazetteer, fold, load_entries


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def places() -> list[dict]:
    return yaml.safe_load(BUNDLED_PLACES.read_text(encoding="utf-8"))["entities"]


def test_generated_places_have_unique_ids_of_valid_format(places: list[dict]) -> None:
    ids = [p["id"] for p in places]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"Q[1-9]\d*|geonames:[1-9]\d*", i) for i in ids)


def test_every_generated_place_has_a_known_country_and_coordinates(places: list[dict]) -> None:
    countries = {e.id for e in load_entries() if e.country == e.id}
    for place in places:
        assert place["country"] in countries, place
        assert place["coordinates"] is not None, place
        assert re.fullmatch(r"Q[1-9]\d*", place["country"])


def test_starter_set_covers_un_members_capitals_and_large_cities(places: list[dict]) -> None:
    countries = [p for p in places if p["country"] == p["id"]]
    assert len(countries) >= 190
    assert all(p["id"].startswith("Q") for p in countries)
    assert len(places) - len(countries) >= 600


def test_no_two_entities_share_a_folded_alias() -> None:
    owners: dict[tuple[str, bool], set[str]] = {}
    for entry in load_entries():
        for alias, cased in entry.surface_forms():
            owners.setdefault((alias if cased else fold(alias), cased), set()).add(entry.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}


def test_curated_entry_overrides_the_generated_city_with_its_qid(gazetteer: Gazetteer) -> None:
    kyiv = gazetteer.lookup("Kyiv")
    assert kyiv.id == "Q1899"
    assert gazetteer.lookup("Kijów") == kyiv  # a curated alias
    assert gazetteer.lookup("Kyjiw") == kyiv  # a GeoNames alternate name merged in


@pytest.mark.parametrize(
    "text, name",
    [
        ("Київ", "Kyiv"), ("Kiew", "Kyiv"), ("Pékin", "Beijing"), ("北京", "Beijing"), ("München", "Munich"),
        ("Мюнхен", "Munich"), ("Харків", "Kharkiv"), ("Odessa", "Odesa"), ("Lemberg", "Lviv"),
        ("Varsovie", "Warsaw"), ("Moskau", "Moscow"), ("القاهرة", "Cairo"), ("東京", "Tokyo"),
        ("Nouvelle-Zélande", "New Zealand"), ("Кот-д’Ивуар", "Ivory Coast"), ("Elfenbeinküste", "Ivory Coast"),
        ("Demokratische Republik Kongo", "Democratic Republic of the Congo"), ("Сирия", "Syria"),
    ],
)
def test_names_in_other_languages_and_scripts_link_to_one_entity(gazetteer: Gazetteer, text: str, name: str) -> None:
    matches = gazetteer.find(f"Reports from {text} this morning.")
    assert [m.entry.name for m in matches] == [name]


def test_cities_sharing_a_name_are_told_apart_by_country(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Hyderabad") is None
    assert gazetteer.lookup("Hyderabad, India").country == gazetteer.lookup("India").id
    assert gazetteer.lookup("Hyderabad, Pakistan").country == gazetteer.lookup("Pakistan").id


def test_ordinary_english_prose_links_nothing(gazetteer: Gazetteer) -> None:
    prose = (
        "It was a nice day, so we took the mobile phone and went reading by the bath. The split in the party "
        "was a chance for chad and jordan, two friends, to talk about the valley, the union, the capital and the "
        "republic. A man said the victoria sponge was sweet; the male players in the league played well. "
        "We ate turkey, then a guinea pig ran across the independence square in the new city. My mother, a nurse, "
        "bought bread, milk and a car at the morning market; the police said the border was closed for the peach sale."
    )
    assert [(m.text, m.entry.name) for m in gazetteer.find(prose)] == []


def test_country_names_that_are_english_words_match_only_capitalised(gazetteer: Gazetteer) -> None:
    assert [m.entry.name for m in gazetteer.find("Chad and Jordan signed; CHAD agreed.")] == ["Chad", "Jordan", "Chad"]
    assert gazetteer.find("chad and jordan signed") == []


def test_city_without_a_known_qid_has_a_stable_geonames_key(gazetteer: Gazetteer) -> None:
    kharkiv = gazetteer.lookup("Kharkiv")
    assert re.fullmatch(r"geonames:[1-9]\d*", kharkiv.id)
    assert kharkiv.country == gazetteer.lookup("Ukraine").id


def test_an_alias_english_uses_for_something_else_is_no_citys_name(gazetteer: Gazetteer) -> None:
    # GeoNames lists "Thai" for Alor Setar and "Gama" for Hama; English writes them far more than those cities' names.
    assert [m.text for m in gazetteer.find("Singapore hangs Thai drug trafficker, al-Gama'a says.")] == ["Singapore"]
    assert gazetteer.lookup("Kiev").name == "Kyiv" and gazetteer.lookup("Bombay").name == "Mumbai"  # exonyms stay


def test_a_city_is_not_linked_by_another_towns_name_from_its_old_name_list() -> None:
    gazetteer = Gazetteer.load()
    assert gazetteer.lookup("Whitehall") is None  # a GeoNames name of Atlanta; Whitehall is London's ministries
    assert gazetteer.lookup("Frisco") is None
    assert gazetteer.lookup("Calcutta").name == "Kolkata"  # an old name English writes as much as the new one


def test_a_citys_latin_or_old_name_that_other_towns_bear_is_theirs(gazetteer: Gazetteer) -> None:
    # GeoNames lists "Augusta" (Augusta Vindelicorum) for Augsburg, "Antioch" for Antakya, "Bathurst" for Banjul:
    # in English news they are Augusta, Georgia or Maine, Antioch, California, and Bathurst, New South Wales.
    text = ("Hotels in Augusta were full on Sunday, a day after the storm hit Antioch and before it reached Bathurst.")
    assert [(m.text, m.entry.name) for m in gazetteer.find(text)] == []
    assert gazetteer.lookup("Augsburg").name == "Augsburg"
    # A city far larger than its namesakes keeps its old name, and a spelling of its own name stays.
    assert gazetteer.lookup("Calcutta").name == "Kolkata" and gazetteer.lookup("Salisbury").name == "Harare"
    assert gazetteer.lookup("Hanover").name == "Hannover"


def test_capitals_are_marked_so_their_names_can_stand_for_governments() -> None:
    gazetteer = Gazetteer.load()
    assert gazetteer.lookup("Moscow").capital and gazetteer.lookup("Nairobi").capital
    assert not gazetteer.lookup("Vladimir").capital


def test_a_city_is_shown_by_its_plain_english_name_and_found_by_geonames_spelling_too(gazetteer: Gazetteer, places: list[dict]) -> None:
    # What a tagged article's entity shows as its name (canonical_name): "Tartus", not GeoNames' "Ţarţūs".
    assert all(p["name"].isascii() for p in places if p["country"] != p["id"]), "a city's name is plain ASCII"
    for written, name in [("Tartus", "Tartus"), ("Ţarţūs", "Tartus"), ("Hama", "Hama"), ("Ḩamāh", "Hama"), ("Zurich", "Zurich")]:
        entry = gazetteer.lookup(written)
        assert entry is not None and entry.name == name and entry.country == gazetteer.lookup("Syria" if name in ("Tartus", "Hama") else "Switzerland").id, written
    assert gazetteer.lookup("Hama Province").name == "Hama Province", "the governorate keeps its longer name; bare Hama is the city"
