"""A side taken for or against a country ("pro-Russian", "pro-Moscow") in every form of the rule language that reads a
country's people: the entity condition's ``sides: true``, the query string's ``entity.sides`` and an entity burst's
``sides: true``; and never counted as the country itself unless a rule asks."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemas import Entity
from services.alerter.errors import RuleError
from services.alerter.rules import load_rulebook
from services.alerter.simulate import simulate
from services.cli import main
from tests.unit.test_alerter_people import NAMES, PRO_RUSSIAN, article, reasons

BODY = "pro-Russian separatists shelled the town"
# "pro-Moscow rebels": Moscow, linked, on Russia's side (the tagger's side_country_id), no mention of Russia.
PRO_MOSCOW = Entity(text="Moscow", type="GPE", field="body", start=4, end=10, canonical_id="Q649", canonical_name="Moscow",
                    key="Q649", side="pro", side_country_id="Q159", side_country_name="Russia")


def test_a_query_asks_for_sides_with_entity_sides() -> None:
    assert reasons("query: 'entity.sides:Russia'", PRO_RUSSIAN, body=BODY) == [
        "entity:Q159 (Russia) by a side: 'pro-Russian' in body"]
    assert reasons("query: 'entity.sides:Q159'", PRO_RUSSIAN, body=BODY) == [
        "entity:Q159 (Russia) by a side: 'pro-Russian' in body"]
    # As sides: true alone: a side, and not a people's word, which entity.people asks for.
    assert reasons("query: 'entity.people:Russia'", PRO_RUSSIAN, body=BODY) == []
    assert reasons("query: 'entity:Russia'", PRO_RUSSIAN, body=BODY) == []


def test_entity_sides_in_a_query_matches_as_sides_true_in_an_entity_condition() -> None:
    body = "pro-Moscow rebels"
    assert reasons("query: 'entity.sides:Russia'", PRO_MOSCOW, body=body) == reasons(
        "when: {entity: {name: Russia, sides: true}}", PRO_MOSCOW, body=body) == [
        "entity:Q159 (Russia) by a side: 'Moscow' in body"]
    assert reasons("query: 'entity.sides:Ukraine'", PRO_MOSCOW, body=body) == []


def test_a_misspelt_entity_sides_field_is_an_error_naming_line_and_column() -> None:
    with pytest.raises(RuleError) as caught:
        load_rulebook("rules:\n  - id: r\n    query: 'entity.side:Russia'\n", env={}, names=NAMES)
    assert str(caught.value).startswith("<rules>:3:13: rule 'r' query: unknown field 'entity.side' "
                                        "(did you mean 'entity.sides'?")


def test_entity_sides_on_what_is_no_country_warns_in_a_query_too() -> None:
    book = load_rulebook("rules:\n  - {id: r, query: 'entity.sides:NATO'}\n", env={}, names=NAMES)
    assert any("'NATO' is not a country" in w and "'sides'" in w for w in book.warnings)


def burst_outcomes(burst: str, side: Entity = PRO_RUSSIAN) -> list[str]:
    """What each of four reports naming Russia only by a side becomes under a burst rule whose condition takes sides."""
    book = load_rulebook("rules:\n  - {id: r, when: {entity: {id: Q159, sides: true}}, burst: " + burst + "}\n",
                         env={}, names=NAMES)
    reports = [article(side, body=BODY).model_copy(update={"id": f"a{i}", "story_id": f"st{i}"}) for i in range(4)]
    return [f"ALERT {o.alert.burst.key}: {o.alert.burst.count} articles" if o.alert else o.reason
            for o in simulate(book, reports, datetime(2026, 3, 5, 12, tzinfo=timezone.utc))]


@pytest.mark.parametrize("side", [PRO_RUSSIAN, PRO_MOSCOW], ids=["pro-Russian", "pro-Moscow"])
def test_a_side_is_not_counted_as_the_country_in_a_burst_unless_it_asks(side: Entity) -> None:
    unasked = burst_outcomes("{entity: Russia, warmup: 0, min_count: 3}", side)
    assert unasked == ["does not name the burst's entity Russia"] * 4
    people = burst_outcomes("{entity: Russia, people: true, warmup: 0, min_count: 3}", side)
    assert people == ["does not name the burst's entity Russia nor its people"] * 4
    asked = burst_outcomes("{entity: Russia, sides: true, warmup: 0, min_count: 3}", side)
    assert asked[2] == "ALERT entity:Q159: 3 articles"  # counted under Russia's key, not Moscow's


def test_burst_sides_is_checked_as_burst_people_is() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: NATO}, burst: {entity: NATO, sides: true}}\n",
                         env={}, names=NAMES)
    assert any("'NATO' is not a country" in w and "'sides'" in w for w in book.warnings)
    with pytest.raises(RuleError, match="burst sides must be true or false"):
        load_rulebook("rules:\n  - {id: r, when: {entity: Q159}, burst: {entity: Q159, sides: 1}}\n", env={}, names=NAMES)
    with pytest.raises(RuleError, match="burst sides needs 'entity"):
        load_rulebook("rules:\n  - {id: r, when: {entity: Q159}, burst: {of: story, sides: true}}\n", env={}, names=NAMES)


def test_a_misspelt_burst_sides_is_an_error_naming_the_line() -> None:
    text = "rules:\n  - id: r\n    when: {entity: Q159}\n    burst:\n      entity: Q159\n      side: true\n"
    with pytest.raises(RuleError) as caught:
        load_rulebook(text, env={}, names=NAMES)
    assert str(caught.value).startswith("<rules>:6:") and "'side'" in str(caught.value)
    assert "did you mean 'sides'?" in str(caught.value)


SIDES_RULES = ("rules:\n"
               "  - {id: q, query: 'entity.sides:Russia'}\n"
               "  - {id: b, when: {entity: {name: Russia, sides: true}}, burst: {entity: Russia, sides: true}}\n")


def test_rules_check_and_rules_test_show_sides_in_a_query_and_a_burst(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(SIDES_RULES)
    checked = CliRunner().invoke(main, ["rules", "check", str(rules)])
    assert checked.exit_code == 0, checked.output
    assert "  q: entity:Russia (sides)\n" in checked.stdout
    assert "  b: entity:Russia (sides) [burst of entity Russia or a side]\n" in checked.stdout

    tagged = tmp_path / "tagged.ndjson"
    tagged.write_text(article(PRO_RUSSIAN, body=BODY).model_dump_json() + "\n")
    tested = CliRunner().invoke(main, ["rules", "test", str(rules), str(tagged)])
    assert tested.exit_code == 0, tested.output
    assert "    q: entity:Q159 (Russia) by a side: 'pro-Russian' in body -> ALERT (fired)" in tested.stdout
    # Counted in Russia's burst (warming up: one run is one bucket), not refused as naming no Russia.
    assert "    b: entity:Q159 (Russia) by a side: 'pro-Russian' in body -> no alert: no burst of Russia" in tested.stdout


@pytest.mark.parametrize("rule, option", [
    ("when: {entity: Russia}, burst: {entity: Russia, sides: true}", "sides"),
    ("when: {entity: {id: Q159, people: true}}, burst: {entity: Russia, sides: true}", "sides"),
    ("query: 'entity:Russia AND keyword:war', burst: {entity: Q159, people: true}", "people"),
    ("when: {any: [{entity: Russia}, {entity: {name: Russia, in: title}}]}, burst: {entity: Russia, people: true}", "people"),
])
def test_a_burst_option_the_rules_condition_never_lets_through_is_warned_of(rule: str, option: str) -> None:
    """The burst counts the rule's matches only: a condition that requires Russia named itself passes no report that
    names it only by a side (or a people's word), and the burst's option would count nothing more, silently."""
    book = load_rulebook(f"rules:\n  - {{id: r, {rule}}}\n", env={}, names=NAMES)
    [warning] = book.warnings
    assert warning.startswith(f"<rules>:2: rule 'r': burst '{option}' adds nothing: the rule's condition matches only "
                              f"reports naming ")
    assert f"ask it of the condition too ({{entity: {{name: " in warning and f"{option}: true}}}}, or entity.{option}:" in warning


@pytest.mark.parametrize("rule", [
    "when: {entity: {name: Russia, sides: true}}, burst: {entity: Russia, sides: true}",
    "query: 'entity:Russia OR entity.sides:Russia', burst: {entity: Russia, sides: true}",
    "when: {keyword: shelling}, burst: {entity: Russia, sides: true, people: true}",
    "when: {all: [{entity: Ukraine}, {entity: {name: Russia, people: true, sides: true}}]}, "
    "burst: {entity: Russia, sides: true, people: true}",
    "when: {not: {entity: Russia}}, burst: {entity: Russia, sides: true}",
])
def test_a_burst_option_the_condition_can_let_through_is_not_warned_of(rule: str) -> None:
    assert load_rulebook(f"rules:\n  - {{id: r, {rule}}}\n", env={}, names=NAMES).warnings == ()
