"""A rule on a country matches a word for its people only when it asks: ``{entity: {id: Q212, people: true}}``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, TaggedArticle
from services.alerter.names import EntityNames
from services.alerter.rules import load_rulebook
from services.tagger.gazetteer import Gazetteer, GazetteerEntry

NAMES = EntityNames(Gazetteer([
    GazetteerEntry(id="Q212", name="Ukraine", type="GPE", country="Q212", aliases=("Ucrania",)),
    GazetteerEntry(id="Q159", name="Russia", type="GPE", country="Q159"),
    GazetteerEntry(id="Q7184", name="NATO", type="ORG", aliases=("OTAN",)),
]))
TITLE = "Ukrainian troops shelled Russian positions"


def article(*entities: Entity, title: str = TITLE, body: str = "") -> TaggedArticle:
    return TaggedArticle(id="a1", source="wire", url="https://news.example.org/a/1",
                         fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en", language_confidence=0.9,
                         original_title=title, original_body=body, title=title, body=body, entities=list(entities),
                         story_id="st")


UKRAINIAN = Entity(text="Ukrainian", type="NORP", field="title", start=0, end=9, key="name:ukrainian",
                   country_id="Q212", country_name="Ukraine")
RUSSIAN = Entity(text="Russian", type="NORP", field="title", start=25, end=32, key="name:russian",
                 country_id="Q159", country_name="Russia")


def reasons(rules: str, *entities: Entity, **text: str) -> list[str]:
    book = load_rulebook(f"rules:\n  - {{id: r, {rules}}}\n", env={}, names=NAMES)
    found = book.evaluate(article(*entities, **text))
    return list(found[0].matched) if found else []


def test_a_country_rule_leaves_its_people_words_alone_unless_asked() -> None:
    # A rule written before the relation existed alerts on what it alerted on before: no surprise alerts.
    assert reasons("when: {entity: Q212}", UKRAINIAN, RUSSIAN) == []
    assert reasons("when: {entity: Ukraine}", UKRAINIAN, RUSSIAN) == []


@pytest.mark.parametrize("rule", [
    "when: {entity: {id: Q212, people: true}}",
    "when: {entity: {name: Ucrania, people: true}}",
    "query: 'entity.people:Ukraine'",
    "query: 'entity.people:Q212'",
])
def test_people_true_matches_ukrainian_troops_as_about_ukraine(rule: str) -> None:
    assert reasons(rule, UKRAINIAN, RUSSIAN) == ["entity:Q212 (Ukraine) by its people: 'Ukrainian' in title"]


def test_people_true_still_matches_the_country_itself_and_says_both() -> None:
    ukraine = Entity(text="Ukraine", type="GPE", field="body", start=0, end=7, canonical_id="Q212",
                     canonical_name="Ukraine", key="Q212")
    assert reasons("when: {entity: {id: Q212, people: true}}", ukraine, UKRAINIAN, body="Ukraine said so.") == [
        "entity:Q212 (Ukraine) in body", "entity:Q212 (Ukraine) by its people: 'Ukrainian' in title"]
    assert reasons("when: {entity: {id: Q212, people: true}}", ukraine, body="Ukraine said so.") == [
        "entity:Q212 (Ukraine) in body"]


def test_a_russian_word_does_not_make_an_article_about_ukraine() -> None:
    assert reasons("when: {entity: {id: Q212, people: true}}", RUSSIAN) == []


def test_people_words_honour_in_title() -> None:
    in_body = UKRAINIAN.model_copy(update={"field": "body"})
    rule = "when: {entity: {id: Q212, people: true, in: title}}"
    assert reasons(rule, UKRAINIAN) == ["entity:Q212 (Ukraine) by its people: 'Ukrainian' in title, 1 mention, in title"]
    assert reasons(rule, in_body, body=TITLE) == []


def test_people_on_what_is_no_country_warns_and_a_non_boolean_is_refused() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: {name: NATO, people: true}}}\n", env={}, names=NAMES)
    assert any("'NATO' is not a country" in w for w in book.warnings)
    with pytest.raises(Exception, match="people must be true or false"):
        load_rulebook("rules:\n  - {id: r, when: {entity: {id: Q212, people: yes please}}}\n", env={}, names=NAMES)


def test_an_entity_from_an_older_tagger_without_country_id_still_reads() -> None:
    old = Entity.model_validate({"text": "Ukrainian", "type": "NORP", "field": "title", "start": 0, "end": 9,
                                 "key": "name:ukrainian"})
    assert old.country_id is None
    assert reasons("when: {entity: {id: Q212, people: true}}", old) == []


def burst_outcomes(burst: str) -> list[str]:
    """What each of four reports naming Ukraine only as "Ukrainian" becomes under a burst rule that also matches them."""
    from services.alerter.simulate import simulate

    book = load_rulebook("rules:\n  - {id: r, when: {entity: {id: Q212, people: true}}, burst: " + burst + "}\n",
                         env={}, names=NAMES)
    reports = [article(UKRAINIAN).model_copy(update={"id": f"a{i}", "story_id": f"st{i}"}) for i in range(4)]
    return [f"ALERT {o.alert.burst.key}: {o.alert.burst.count} articles" if o.alert else o.reason
            for o in simulate(book, reports, datetime(2026, 3, 5, 12, tzinfo=timezone.utc))]


def test_an_entity_burst_counts_the_countrys_people_when_it_asks() -> None:
    asked = burst_outcomes("{entity: Ukraine, people: true, warmup: 0, min_count: 3}")
    assert asked[2] == "ALERT entity:Q212: 3 articles"  # the third report of the bucket makes the burst
    unasked = burst_outcomes("{entity: Ukraine, warmup: 0, min_count: 3}")
    assert unasked == ["does not name the burst's entity Ukraine"] * 4  # as before: a burst on Ukraine counts Ukraine


def test_burst_people_is_checked_as_an_entity_conditions_is() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: NATO}, burst: {entity: NATO, people: true}}\n",
                         env={}, names=NAMES)
    assert any("'NATO' is not a country" in w for w in book.warnings)
    with pytest.raises(Exception, match="burst people must be true or false"):
        load_rulebook("rules:\n  - {id: r, when: {entity: Q212}, burst: {entity: Q212, people: 1}}\n", env={}, names=NAMES)
    with pytest.raises(Exception, match="burst people needs 'entity"):
        load_rulebook("rules:\n  - {id: r, when: {entity: Q212}, burst: {of: story, people: true}}\n", env={}, names=NAMES)


PRO_RUSSIAN = Entity(text="pro-Russian", type="NORP", field="body", start=0, end=11, key="name:pro-russian",
                     side="pro", side_country_id="Q159", side_country_name="Russia")


def test_a_side_taken_for_a_country_matches_only_a_rule_asking_for_sides() -> None:
    # "pro-Russian separatists" are no Russians: people: true leaves them alone, sides: true takes them.
    body = "pro-Russian separatists shelled the town"
    assert reasons("when: {entity: {id: Q159, people: true}}", PRO_RUSSIAN, body=body) == []
    assert reasons("when: {entity: Q159}", PRO_RUSSIAN, body=body) == []
    assert reasons("when: {entity: {name: Russia, sides: true}}", PRO_RUSSIAN, body=body) == [
        "entity:Q159 (Russia) by a side: 'pro-Russian' in body"]
    assert reasons("when: {entity: {id: Q212, sides: true}}", PRO_RUSSIAN, body=body) == []


MINISTRY = Entity(text="Russian Foreign Ministry", type="ORG", field="body", start=4, end=28,
                  key="name:russian foreign ministry", country_id="Q159", country_name="Russia")


def test_a_state_body_of_the_country_matches_people_true_and_is_called_one() -> None:
    # As the tagger relates "the Russian Foreign Ministry said" (one ORG mention) to Russia: the ministry is no word for
    # Russia's people, and the reason said it was ("by its people: 'Russian Foreign Ministry'").
    assert reasons("when: {entity: {id: Q159, people: true}}", MINISTRY, body="The Russian Foreign Ministry said") == [
        "entity:Q159 (Russia) by its state body: 'Russian Foreign Ministry' in body"]
    assert reasons("query: 'entity.people:Russia'", MINISTRY, body="The Russian Foreign Ministry said") == [
        "entity:Q159 (Russia) by its state body: 'Russian Foreign Ministry' in body"]


def test_a_people_word_and_a_state_body_are_each_said_for_what_they_are() -> None:
    body = "The Russian Foreign Ministry said Russian troops and the Russian Defence Ministry"
    defence = Entity(text="Russian Defence Ministry", type="GPE", field="body", start=57, end=81,  # NER's label varies
                     key="name:russian defence ministry", country_id="Q159", country_name="Russia")
    troops = RUSSIAN.model_copy(update={"field": "body", "start": 34, "end": 41})
    assert reasons("when: {entity: {id: Q159, people: true, min_mentions: 3}}", MINISTRY, troops, defence, body=body) == [
        "entity:Q159 (Russia) by its people: 'Russian' and its state bodies: 'Russian Foreign Ministry', "
        "'Russian Defence Ministry' in body, 3 mentions"]


def test_a_peoples_word_ner_calls_an_organisation_is_still_its_people() -> None:
    # en_core_web_md labels some plurals ORG: the tagger gives them their country as a people's word, not a body.
    ukrainians = Entity(text="Ukrainians", type="ORG", field="title", start=0, end=10, key="name:ukrainians",
                        country_id="Q212", country_name="Ukraine")
    assert reasons("when: {entity: {id: Q212, people: true}}", ukrainians, title="Ukrainians vote") == [
        "entity:Q212 (Ukraine) by its people: 'Ukrainians' in title"]


def test_sides_on_what_is_no_country_warns_and_a_non_boolean_is_refused() -> None:
    book = load_rulebook("rules:\n  - {id: r, when: {entity: {name: NATO, sides: true}}}\n", env={}, names=NAMES)
    assert any("'NATO' is not a country" in w and "'sides'" in w for w in book.warnings)
    with pytest.raises(Exception, match="sides must be true or false"):
        load_rulebook("rules:\n  - {id: r, when: {entity: {id: Q159, sides: maybe}}}\n", env={}, names=NAMES)


def test_a_side_spelt_onto_a_capital_matches_sides_and_a_country_named_in_one_stays_a_mention_of_it() -> None:
    body = "pro-Moscow rebels and pro-Russia activists"
    moscow = Entity(text="Moscow", type="GPE", field="body", start=4, end=10, canonical_id="Q649", canonical_name="Moscow",
                    key="Q649", side="pro", side_country_id="Q159", side_country_name="Russia")
    russia = Entity(text="Russia", type="GPE", field="body", start=26, end=32, canonical_id="Q159", canonical_name="Russia",
                    key="Q159", side="pro", side_country_id="Q159", side_country_name="Russia")
    assert reasons("when: {entity: {id: Q159, sides: true}}", moscow, russia, body=body) == [
        "entity:Q159 (Russia) in body", "entity:Q159 (Russia) by a side: 'Moscow' in body"]
    assert reasons("when: {entity: Q159}", moscow, body=body) == []
