"""A place named with its region or country in a report read untranslated in Spanish or French, as in English
("Florence, S.C."): "Florence, Carolina del Sur", "Florence, en Caroline du Sud" and "Florence (Carolina del Sur)" are
South Carolina's Florence, no Italian one."""

from __future__ import annotations

import pytest

from services.tagger.core import Tagger
from tests.unit.test_tagger_opening_words import tag, tagger  # noqa: F401  (the fixture, with es and fr models)

FLORENCE_ITALY = "geonames:3176959"
SOUTH_CAROLINA = "geonames:4597040"
FLORENCE_SOUTH_CAROLINA = "geonames:4578737"  # the towns table's (towns.py)


def places(tagged) -> list[tuple[str, str | None]]:
    return [(e.text, e.canonical_id) for e in tagged.entities if e.type in ("GPE", "LOC")]


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Un tiroteo en Florence, Carolina del Sur, dejó un policía muerto el miércoles."),
    ("fr", "Une fusillade à Florence, en Caroline du Sud, a fait un mort mercredi."),
    ("fr", "Une fusillade à Florence, Caroline du Sud, a fait un mort mercredi."),
    ("es", "Un tiroteo en Florence (Carolina del Sur) dejó un policía muerto el miércoles."),
    ("fr", "Une fusillade à Florence (Caroline du Sud) a fait un mort mercredi."),
])
def test_a_town_named_with_a_region_of_another_country_is_that_regions_town(
        tagger: Tagger, language: str, body: str) -> None:  # noqa: F811
    found = places(tag(tagger, language, body))
    assert ("Florence", FLORENCE_SOUTH_CAROLINA) in found and FLORENCE_ITALY not in {qid for _, qid in found}
    assert SOUTH_CAROLINA in {qid for _, qid in found}


@pytest.mark.parametrize(("language", "body", "city"), [
    ("es", "El alcalde de Florencia, Italia, habló el lunes.", "Florencia"),
    ("fr", "Le maire de Florence, en Italie, a parlé lundi.", "Florence"),
])
def test_a_city_named_with_its_own_country_stays_linked(tagger: Tagger, language: str, body: str, city: str) -> None:  # noqa: F811
    assert (city, FLORENCE_ITALY) in places(tag(tagger, language, body))


@pytest.mark.parametrize(("language", "body"), [
    ("es", "Visitó Londres, París y Berlín el lunes."),
    ("fr", "Il a visité Londres, Paris et Berlin lundi."),
])
def test_a_list_of_cities_in_spanish_or_french_is_no_apposition(tagger: Tagger, language: str, body: str) -> None:  # noqa: F811
    assert all(qid is not None for _, qid in places(tag(tagger, language, body)))
