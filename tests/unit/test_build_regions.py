"""scripts/build_regions.py's choices on small made-up rows: which English name a region gets, how ISO's
bracketed second spelling splits, which names another entity keeps."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_regions  # noqa: E402


class _Words:
    """The two AliasFilter questions settle_names asks, without the word-list package."""

    def keep(self, alias: str) -> bool:
        return alias[:1].isupper()

    def is_common_word(self, name: str) -> bool:
        return False


def _row(name: str, aliases: list[str]) -> dict:
    return {"name": name, "code": "XX-01", "admin": "XX.01", "geonameid": 1, "type": "Region", "aliases": aliases}


def test_the_english_translation_is_the_name_when_there_is_one():
    assert build_regions.english_name(_row("Bayern", []), ["Bayern", "Bavaria", "Baviera"], lambda f: False) == "Bavaria"


def test_an_iso_romanisation_with_a_lower_case_type_word_takes_the_geonames_english_form():
    row = _row("Khersonska oblast", ["Kherson", "Kherson Oblast", "Херсонская область"])
    assert build_regions.english_name(row, ["Khersonska oblast", "Khersonska oblast"], lambda f: False) == "Kherson Oblast"


def test_without_a_translation_the_name_english_writes_most_unless_another_entity_has_it():
    row = _row("Catalunya", ["Catalonha", "Catalonia", "Cataluña"])
    assert build_regions.english_name(row, ["Catalunya [Cataluña]", "Catalunya [Cataluña]"], lambda f: False) == "Catalonia"
    assert build_regions.english_name(row, ["Catalunya [Cataluña]", "Catalunya [Cataluña]"], lambda f: f == "Catalonia") == "Catalunya"
    paris = _row("Île-de-France", ["Paris Region"])
    assert build_regions.english_name(paris, ["Île-de-France", "Île-de-France"], lambda f: f == "Paris") == "Île-de-France"


def test_iso_bracketed_second_spelling_is_a_second_name():
    assert build_regions._spellings("Catalunya [Cataluña]") == ["Catalunya", "Cataluña"]
    assert build_regions._spellings("Texas") == ["Texas"]


def _region(gid: str, name: str, names: list[str], country: str = "Q30", population: int = 1_000_000) -> dict:
    return {"id": gid, "name": name, "type": "GPE", "country": country, "_kind": "State", "_code": gid,
            "_names": names, "coordinates": [0.0, 0.0], "_population": population}


def test_a_name_a_country_has_stays_the_countrys_and_a_shared_name_is_neither_regions():
    places = [{"id": "Q230", "name": "Georgia", "type": "GPE", "country": "Q230"},
              {"id": "Q30", "name": "United States", "type": "GPE", "country": "Q30"},
              {"id": "Q668", "name": "India", "type": "GPE", "country": "Q668"},
              {"id": "Q843", "name": "Pakistan", "type": "GPE", "country": "Q843"}]
    regions = [_region("geonames:1", "Georgia", ["Georgia", "State of Georgia", "ジョージア"]),
               _region("geonames:2", "Punjab", ["Punjab", "Punjab State"], "Q668"),
               _region("geonames:3", "Punjab", ["Punjab", "Punjab Province"], "Q843")]
    names = {p["id"]: p["name"] for p in places}
    notes: list[str] = []
    settled = {e["id"]: e for e in build_regions.settle_names(regions, places, {}, names, _Words(), notes)}
    assert settled["geonames:1"]["name"] == "Georgia State"
    assert settled["geonames:1"]["aliases"] == ["State of Georgia"]  # "ジョージア" is no longer than "Georgia"
    assert settled["geonames:2"]["name"] == "Punjab, India" and settled["geonames:3"]["name"] == "Punjab, Pakistan"
    assert any("Georgia" in note for note in notes)


def test_a_shared_name_goes_to_a_region_ten_times_as_peopled():
    places = [{"id": "Q30", "name": "United States", "type": "GPE", "country": "Q30"},
              {"id": "Q77", "name": "Uruguay", "type": "GPE", "country": "Q77"}]
    regions = [_region("geonames:1", "Florida", ["Florida", "State of Florida"], "Q30", 20_000_000),
               _region("geonames:2", "Florida", ["Florida", "Departamento de Florida"], "Q77", 70_000)]
    settled = build_regions.settle_names(regions, places, {}, {p["id"]: p["name"] for p in places}, _Words(), [])
    assert [(e["id"], e["name"], e["aliases"]) for e in settled] == [
        ("geonames:1", "Florida", ["State of Florida"]), ("geonames:2", "Florida State", ["Departamento de Florida"])]
    assert [e["population"] for e in settled] == [20_000_000, 70_000]  # what the tagger weighs a far-off region by


def test_a_region_named_like_a_city_keeps_the_citys_name_with_a_word_for_a_region():
    # GeoNames calls the city Raqqa "Ar Raqqah", ISO the governorate the same: "Raqqa Governorate" is no longer than
    # the city's two-word name, and it is still the governorate's.
    places = [{"id": "Q858", "name": "Syria", "type": "GPE", "country": "Q858"},
              {"id": "geonames:172955", "name": "Raqqa", "type": "GPE", "country": "Q858", "aliases": ["Ar Raqqah"]}]
    region = _region("geonames:172957", "Raqqa", ["Raqqa", "Ar Raqqah", "Raqqa Governorate"], "Q858")
    region["_kind"] = "Province"
    [settled] = build_regions.settle_names([region], places, {}, {"Q858": "Syria"}, _Words(), [])
    assert (settled["name"], settled["aliases"]) == ("Raqqa Province", ["Raqqa Governorate"])
