"""A rule's words match their other British or American spelling ("defense ministry" finds "Defence Ministry", and
"defence" "defense"), as the tagger's keys fold them, and the British doubled l ("cancelled", "canceled"); the reason,
a keyword's or a near's, says what the report writes; a word the keys leave alone ("labour" outside an office's name, a
doubled letter of another word) matches as typed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from services.alerter.rules import load_rulebook
from services.cli import main
from tests.unit.test_alerter_rules import rules_yaml, tagged

ARTICLES = {
    "british": tagged("Defence Ministry orders new programme", "The paediatric centre said the\nDefence ministry paid."),
    "american": tagged("Defense Ministry orders new program", "The pediatric center said the Labor Ministry paid."),
    "labor": tagged("Labor wins the vote in Canberra", "The party's leader thanked voters."),
    "labour_office": tagged("Inspectors of the Ministry of Labour visit mines", "A report follows."),
    "diner": tagged("A diner on Main Street closes", "Locals mourn."),
    "cancelled": tagged("Storm: cancelled flights strand travellers", "The airport said the flights it cancelled were\n"
                        "refuelled and the controlled airspace was filled."),
    "canceled": tagged("Storm: Canceled flights strand travelers", "Labeled bags were left behind."),
    "hyphen": tagged("Kyiv asks for air-defence systems", "The Defence's budget for air-defence grows."),
    "spanish": tagged("Spain buys air defences", "Madrid signs.").model_copy(update={
        "language": "es", "original_title": "España compra defensas", "original_body": "Defence programme signed."}),
}

CASES = [
    # Either spelling finds the other, and the reason says what the report writes.
    ("keyword: defense ministry", "british", ["keyword:'defense ministry' as 'Defence Ministry'"]),
    ("keyword: Defence Ministry", "american", ["keyword:'Defence Ministry' as 'Defense Ministry'"]),
    ("keyword: defense ministry", "american", ["keyword:'defense ministry'"]),  # as typed: no "as"
    ("keyword: [program, pediatric center]", "british",
     ["keyword:'program' as 'programme'", "keyword:'pediatric center' as 'paediatric centre'"]),
    ("keyword: paediatric centre", "american", ["keyword:'paediatric centre' as 'pediatric center'"]),
    ("keyword: programme", "spanish", ["keyword:'programme' in the original"]),
    ("keyword: defense program", "spanish", ["keyword:'defense program' as 'Defence programme' in the original"]),
    ("keyword: programs", "british", None),  # whole words still
    # "labour" is Britain's party, "Labor" Australia's: folded only in an office's name.
    ("keyword: labour", "labor", None),
    ("keyword: labour ministry", "american", ["keyword:'labour ministry' as 'Labor Ministry'"]),
    ("keyword: ministry of labor", "labour_office", ["keyword:'ministry of labor' as 'Ministry of Labour'"]),
    ("keyword: dinner", "diner", None),  # a doubled letter is another word
    # The parts of a word joined by a hyphen or an apostrophe, each either way.
    ("keyword: [air-defense, defense's]", "hyphen",
     ["keyword:'air-defense' as 'air-defence'", "keyword:\"defense's\" as \"Defence's\""]),
    ("near: {terms: [budget, air-defense], within: 2}", "hyphen",
     ["near:'budget' 'air-defense' 2 words apart in body, 'air-defense' as 'air-defence'"]),
    # near and the query language, the same way; near's reason says each term written otherwise, as the report writes it.
    ("near: {terms: [defense, paid], within: 3}", "british", ["near:'defense' 'paid' 2 words apart in body, 'defense' as 'Defence'"]),
    ("near: {terms: [orders, defense ministry], within: 2}", "british",
     ["near:'orders' 'defense ministry' 2 words apart in title, 'defense ministry' as 'Defence Ministry'"]),
    ("near: {terms: [Ministry, orders], within: 2}", "american", ["near:'Ministry' 'orders' 1 word apart in title"]),
    ("near: {terms: [labour, paid], within: 3}", "american", None),
    ("query: 'keyword:\"defense ministry\" AND programme'", "american",
     ["keyword:'defense ministry'", "keyword:'programme' as 'program'"]),
    ("query: '\"pediatric said\"~3'", "british", ["near:'pediatric' 'said' 2 words apart in body, 'pediatric' as 'paediatric'"]),
    # The doubled l British English writes and American does not, either way round.
    ("keyword: canceled flights", "cancelled", ["keyword:'canceled flights' as 'cancelled flights'"]),
    ("keyword: cancelled flights", "canceled", ["keyword:'cancelled flights' as 'Canceled flights'"]),
    ("keyword: [travelers, labelled]", "canceled", ["keyword:'travelers'", "keyword:'labelled' as 'Labeled'"]),
    ("keyword: refueled", "cancelled", ["keyword:'refueled' as 'refuelled'"]),
    ("near: {terms: [canceled, refueled], within: 3}", "cancelled",
     ["near:'canceled' 'refueled' 2 words apart in body, 'canceled' as 'cancelled', 'refueled' as 'refuelled'"]),
    ("near: {terms: [storm, traveler], within: 5}", "cancelled", None),  # whole words still: "travellers"
    # Words both write with "ll", and words a single l makes another word, as typed.
    ("keyword: controled", "cancelled", None),
    ("keyword: filed", "cancelled", None),
]


@pytest.mark.parametrize(("when", "article", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_a_rule_finds_the_other_spelling_of_its_words(when: str, article: str, expected: list[str] | None) -> None:
    matches = load_rulebook(rules_yaml(when), env={}).evaluate(ARTICLES[article])
    assert [m.matched for m in matches] == ([expected] if expected is not None else [])


def test_rules_test_says_what_spelling_a_keyword_found(tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: mod, when: {keyword: defense ministry}}\n")
    result = CliRunner().invoke(main, ["rules", "test", str(rules), "-"], input=ARTICLES["british"].model_dump_json() + "\n")
    assert result.exit_code == 0, result.output
    assert "mod: keyword:'defense ministry' as 'Defence Ministry' -> ALERT (fired)" in result.stdout
