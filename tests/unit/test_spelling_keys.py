"""British and American spellings of one body name one entity: its key folds them, its name stays as written; a
name that merely ends like a British spelling ("Scott", "Dinner", "Tour") keeps its own key."""

from __future__ import annotations

import pytest

from schemas import Entity, TaggedArticle
from services.alerter.rules import load_rulebook
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key
from tests.unit.test_alerter_rules import FETCHED, rules_yaml


@pytest.mark.parametrize(("british", "american"), [
    ("Israel Defence Forces", "Israel Defense Forces"),
    ("the Defence Ministry", "Defense Ministry"),
    ("World Health Organisation", "World Health Organization"),
    ("Jane Okafor Centre for Rights", "Jane Okafor Center for Rights"),
    ("Ministry of Defence's", "MINISTRY OF DEFENSE"),
    ("National Theatre Company", "National Theater Company"),
    # "labour" is a state's portfolio in an office's name, whichever spelling a report gives it.
    ("Labour Ministry", "Labor Ministry"), ("Ministry of Labour", "Ministry of Labor"),
    ("Russian Labour Ministry", "Russian Labor Ministry"), ("Labour Department's", "Labor Department"),
    # a British doubled l (since key rule 9): a common word's, never a name's own
    ("Samaritans Counselling Service", "Samaritans Counseling Service"), ("Travelling Wilburys", "Traveling Wilburys"),
    ("National Jewellers Association", "National Jewelers Association"), ("Councillors' Forum", "Councilors' Forum"),
])
def test_british_and_american_spellings_of_a_name_give_one_key(british: str, american: str) -> None:
    assert name_key(british) == name_key(american)


@pytest.mark.parametrize(("one", "other"), [
    ("Scott Morrison", "Scot Morrison"),  # a given name that is a doubled letter from a word
    ("Phillips Academy", "Philips Academy"),
    ("John Hall", "John Hal"),
    ("Dinner Club", "Diner Club"),  # doubled letters are two words, not two spellings
    ("Four Seasons", "For Seasons"),  # "our" with one letter before is no -our/-or spelling
    ("Tour Group", "Tor Group"),
    ("Mourning Star", "Morning Star"),
    ("Supreme Court", "Supreme Cort"),  # "cort" is no English word
    ("Florence Nightingale", "Florense Nightingale"),  # a name's own word, never written in lower case
    ("Labour", "Labor"),  # Britain's party is not Australia's or Israel's
    ("Labour Party", "Labor Party"),
    ("Labour government", "Labor government"),  # Britain's Labour government is not Australia's Labor one
    ("Labour Party Conference", "Labor Party Conference"),
    # names that differ by an l: a surname and a title, a surname and a word; two magazines, an insurer and a people
    ("George Marshall", "George Marshal"), ("Marshall Islands", "Marshal Islands"), ("Jewell", "Jewel"),
    ("Conde Nast Traveller", "Conde Nast Traveler"), ("Travellers", "Travelers"),
])
def test_names_that_only_look_like_two_spellings_keep_their_own_keys(one: str, other: str) -> None:
    assert name_key(one) != name_key(other)


def test_a_british_spelling_is_keyed_as_the_american_and_keeps_its_words_otherwise() -> None:
    assert name_key("Israel Defence Forces") == "name:israel defense forces"
    assert name_key("Scott Morrison") == "name:scott morrison"


def test_a_state_body_named_by_its_country_gets_one_key_in_either_spelling() -> None:
    demonyms = Demonyms.load(Gazetteer.load())
    assert demonyms.key_of("Israeli Defence Ministry", "ORG") == demonyms.key_of("Israeli Defense Ministry", "ORG")


def _report(text: str) -> TaggedArticle:
    entity = Entity(text=text, type="ORG", field="body", start=0, end=len(text), key=name_key(text))
    return TaggedArticle(id=f"wire/{len(text)}", source="wire", url="https://news.example.org/a/1", fetched_at=FETCHED,
                         language="en", language_confidence=0.97, original_title="Strikes", original_body=text + " said.",
                         title="Strikes", body=text + " said.", entities=[entity], story_id="st_1")


@pytest.mark.parametrize("rule_name", ["Defence Ministry", "Defense Ministry"])
def test_a_rule_naming_a_body_in_either_spelling_matches_reports_in_both(rule_name: str) -> None:
    book = load_rulebook(rules_yaml(f'entity: {{name: "{rule_name}"}}'), env={})
    for written in ("Defence Ministry", "Defense Ministry"):
        matches = book.evaluate(_report(written))
        assert [m.rule.id for m in matches] == ["r1"], written
        assert matches[0].matched == [f"entity:{written!r} (unlinked) in body"]
    assert book.evaluate(_report("Foreign Ministry")) == []


def test_a_rule_naming_the_labour_ministry_matches_it_in_either_spelling_and_not_the_party() -> None:
    book = load_rulebook(rules_yaml('entity: {name: "Labour Ministry"}'), env={})
    assert [m.rule.id for m in book.evaluate(_report("Labor Ministry"))] == ["r1"]
    assert book.evaluate(_report("Labor Party")) == []
