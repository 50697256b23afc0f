"""A rule names a town as the tagger links it, with its region ("Springfield, Missouri", "Athens, Ga.", "Savannah, GA"):
the towns table's towns are linked only beside their region, so a rule could not name them by their bare name, and
"Springfield, Missouri" resolved to nothing (the rule warned it would match only unlinked mentions with that text). A
city the gazetteer has is named with its country the same way ("Paris, France")."""

from __future__ import annotations

import pytest

from services.alerter.names import EntityNames
from services.alerter.rules import load_rulebook
from services.tagger.core import Tagger
from services.tagger.gazetteer import Gazetteer
from tests.unit.test_tagger_linked_state_bodies import gazetteer, tag, tagger  # noqa: F401  (the fixtures, en_core_web_sm)

SPRINGFIELD_MISSOURI, ATHENS_GEORGIA, SAVANNAH_GEORGIA = "geonames:4409896", "geonames:4180386", "geonames:4221552"
PARIS = "Q90"


def book(gazetteer: Gazetteer, *names: str):  # noqa: F811
    rules = "".join(f"  - {{id: r{i}, when: {{entity: {name!r}}}}}\n" for i, name in enumerate(names))
    return load_rulebook("rules:\n" + rules, env={}, names=EntityNames(gazetteer))


@pytest.mark.parametrize(("name", "key"), [
    ("Springfield, Missouri", SPRINGFIELD_MISSOURI),
    ("Springfield, Mo.", SPRINGFIELD_MISSOURI),
    ("Athens, Georgia", ATHENS_GEORGIA),
    ("Athens, Ga.", ATHENS_GEORGIA),
    ("Savannah, GA", SAVANNAH_GEORGIA),
    ("Paris, France", PARIS),
])
def test_a_town_named_with_its_region_resolves_to_the_town(gazetteer: Gazetteer, name: str, key: str) -> None:  # noqa: F811
    rulebook = book(gazetteer, name)
    assert not rulebook.warnings, rulebook.warnings
    (rule,) = rulebook.rules
    assert rule.when.key == key


@pytest.mark.parametrize("name", ["Springfield, Texas", "Athens, Narnia", "Paris, Germany"])
def test_a_town_its_region_does_not_have_still_warns(gazetteer: Gazetteer, name: str) -> None:  # noqa: F811
    (warning,) = book(gazetteer, name).warnings
    assert f"entity {name!r} is not in the gazetteer" in warning


def test_a_towns_id_is_known_by_its_name(gazetteer: Gazetteer) -> None:  # noqa: F811
    rulebook = book(gazetteer, SPRINGFIELD_MISSOURI)
    assert not rulebook.warnings, rulebook.warnings
    assert rulebook.rules[0].when.label == "Springfield, Missouri"


def test_a_rule_naming_a_town_with_its_state_alerts_on_a_report_datelined_there(tagger: Tagger, gazetteer: Gazetteer) -> None:  # noqa: F811
    article = tag(tagger, "Crash", "SPRINGFIELD, MO. - Three people were hurt in a crash on Interstate 44 on Monday, police said.")
    matched = {m.rule.id for m in book(gazetteer, "Springfield, Missouri", "Springfield, Illinois").evaluate(article)}
    assert matched == {"r0"}
