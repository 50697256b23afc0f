"""scripts/build_gazetteer.py's choice of a city's English name, on small made-up GeoNames rows."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_gazetteer  # noqa: E402


def _name(name: str, alternates: list[str], towns: frozenset[str] = frozenset(), people: frozenset[str] = frozenset()) -> str:
    city = {"name": name, "alternatenames": alternates}
    return build_gazetteer.english_name(city, lambda alias: alias[:1].isupper(), towns.__contains__, people.__contains__)


def test_a_transliteration_with_marks_is_named_without_them():
    assert _name("Ţarţūs", ["Antaradus", "Tartous", "Tartus", "Tortosa", "Ţarţūs"]) == "Tartus"
    assert _name("Khān Yūnis", ["Khan Younis", "Khan Yunis"]) == "Khan Yunis"
    assert _name("Kraków", ["Cracow", "Krakau", "Krakow"]) == "Krakow"
    assert _name("Ryazan’", ["Rjasan"]) == "Ryazan"
    assert _name("Łódź", []) == "Lodz"


def test_an_alternate_name_english_writes_clearly_more_is_the_name_unless_another_town_has_it():
    assert _name("Ḩamāh", ["Chama", "Gama", "Hama", "Hamah", "Hamath", "Ḩamāh"]) == "Hama"
    assert _name("Nazrēt", ["Adama", "Nazareth", "Nazret"], frozenset({"Nazareth"})) == "Nazret"


def test_a_plain_name_is_kept():
    assert _name("Homs", ["Hims", "Emesa"]) == "Homs"
    assert _name("Taraz", ["Taras", "Zhambyl"]) == "Taraz", "an ASCII name without the Arabic article is GeoNames' own"


def test_a_name_opening_with_the_arabic_article_is_named_as_english_news_writes_it_without_the_article():
    # GeoNames writes the article as a word ("Ar Raqqah", ASCII already); English news writes "Raqqa".
    assert _name("Ar Raqqah", ["Al-Rakka", "Ar-Raqqah", "Callinicum", "Raqqa", "Raqqah", "Rakka"]) == "Raqqa"
    assert _name("Al Manşūrah", ["Al-Mansura", "Mansoura", "Mansura"]) == "Mansoura"
    assert _name("Al Manşūrah", ["Al-Mansura", "Mansoura", "Mansura"], frozenset({"Mansoura"})) == "Mansura", "another town's"


def test_an_alternate_name_english_knows_only_as_a_persons_is_not_the_citys_name():
    assert _name("Al Aḩmadī", ["Ahmad", "Ahmedi"], people=frozenset({"Ahmad"})) == "Al Ahmadi"
    assert _name("Al Mahallah al Kubra", ["Mahalla"]) == "Al Mahallah al Kubra", "a longer name than the article and one word"


def _town(geonameid: int, name: str, country: str, population: int, point: tuple[float, float]) -> dict:
    return {"geonameid": geonameid, "name": name, "countrycode": country, "population": population,
            "latitude": point[0], "longitude": point[1]}


def test_an_old_name_other_towns_bear_is_theirs_unless_the_city_dwarfs_them_or_it_is_a_spelling():
    augsburg = _town(1, "Augsburg", "DE", 259_196, (48.37, 10.90))
    kolkata = _town(2, "Kolkata", "IN", 4_631_392, (22.57, 88.36))
    towns = {"augusta": [_town(3, "Augusta", "US", 43_459, (33.47, -81.97)), _town(4, "Augusta", "IT", 34_000, (37.23, 15.22))],
             "calcutta": [_town(5, "Calcutta", "ZA", 35_864, (-24.9, 31.3))]}
    share = build_gazetteer.NAMESAKE_SHARE
    assert build_gazetteer._namesakes_people("Augusta", augsburg, towns) >= augsburg["population"] * share
    assert build_gazetteer._namesakes_people("Calcutta", kolkata, towns) < kolkata["population"] * share
    assert build_gazetteer._a_spelling("Hanover", ("Hannover",)) and not build_gazetteer._a_spelling("Augusta", ("Augsburg",))


def test_a_citys_name_cut_short_is_its_own_unless_another_town_of_its_country_has_it():
    leon = _town(1, "León de los Aldama", "MX", 1_114_626, (21.12, -101.68))
    caxias_do_sul = _town(2, "Caxias do Sul", "BR", 381_270, (-29.17, -51.18))
    towns = {"leon": [_town(3, "León", "NI", 144_538, (12.43, -86.88))],
             "caxias": [_town(4, "Caxias", "BR", 156_973, (-4.86, -43.36))]}
    assert build_gazetteer._a_short_form("León", leon, towns)
    assert not build_gazetteer._a_short_form("Caxias", caxias_do_sul, towns)
    assert not build_gazetteer._a_short_form("Aldama", leon, towns)
