"""A reserve bank or the People's Bank "of" a country is that country's, as its national bank is; a bare "Parliament"
named as the whole a chamber of one country belongs to is that country's; a watchdog named like a state's commission
("Human Rights Commission of Pakistan") is no state body."""

from __future__ import annotations

from functools import cache

import pytest

from schemas import Entity
from services.newsroom.rekey import by_this_rule
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key, name_key_as
from tests.unit.test_tagger_body_keys import _orgs, _tag

INDIA, AUSTRALIA, RUSSIA = "Q668", "Q408", "Q159"


@cache
def demonyms() -> Demonyms:
    return Demonyms.load(Gazetteer.load())


@pytest.mark.parametrize("after, before", [
    ("Reserve Bank of India", "Indian Reserve Bank"), ("Reserve Bank of Australia", "Australian Reserve Bank"),
    ("People's Bank of China", "Chinese People's Bank"), ("National Bank of Poland", "Polish National Bank"),
])
def test_a_reserve_or_peoples_bank_of_a_country_has_the_key_its_countrys_word_gives(after: str, before: str) -> None:
    assert demonyms().key_of(after, "ORG") == name_key(before)


@pytest.mark.parametrize("name", [
    # The Sri Lankan "People's Bank" is a lender the state owns; a Federal Reserve bank of a city is no country's.
    "People's Bank", "Sri Lankan People's Bank", "Federal Reserve Bank of New York", "Bank of China",
])
def test_a_bank_that_is_no_central_bank_of_a_country_keeps_its_name(name: str) -> None:
    assert demonyms().key_of(name, "ORG") == name_key(name)


def test_central_banks_named_with_their_country_after_them_are_their_countrys_in_an_article() -> None:
    found = _orgs("The Reserve Bank of India on Thursday paved the way for niche banks. The Reserve Bank of Australia "
                  "left its cash rate at 2.5 percent on Tuesday.")
    assert found == [("Reserve Bank of India", "name:indian reserve bank", INDIA),
                     ("Reserve Bank of Australia", "name:australian reserve bank", AUSTRALIA)]


@pytest.mark.parametrize("name", [
    "Human Rights Commission of Pakistan", "Pakistani Human Rights Commission", "Kenya Human Rights Commission",
    "American Civil Liberties Union", "National Rifle Association", "Commission on Human Rights of the Philippines",
])
def test_a_watchdog_named_like_a_states_commission_is_no_state_body(name: str) -> None:
    assert demonyms().key_of(name, "ORG") == name_key(name)
    assert demonyms().state_body(name) is None


def test_a_watchdog_named_like_a_states_commission_names_no_country_in_an_article() -> None:
    # en_core_web_sm spans "Human Rights Commission" and "Pakistan" apart: before, "of Pakistan" made it Pakistan's
    found = _orgs("The Human Rights Commission of Pakistan said on Monday that 869 people were killed in Karachi.")
    assert found == [("Human Rights Commission", "name:human rights commission", None)]


def _related(body: str, names: list[tuple[str, str]]) -> list[Entity]:
    """The mentions of ``names`` ((text, NER label), in the order written) in ``body``, linked or keyed as the
    gazetteer and the organisations file have them, related as the tagger relates them."""
    gazetteer, out, at = Gazetteer.load(), [], 0
    for text, kind in names:
        start = body.index(text, at)
        at = start + len(text)
        entry = gazetteer.lookup(text)
        out.append(Entity(text=text, type=kind, field="body", start=start, end=at,  # type: ignore[arg-type]
                          key=entry.id if entry else name_key_as(text, kind), canonical_id=entry.id if entry else None,
                          canonical_name=entry.name if entry else None))
    return demonyms().relate(out, {"title": "", "body": body}, "en")


@pytest.mark.parametrize("body, names, country, key", [
    # The NYT's "WASHINGTON —" report on sanctions: the US is its dateline, Russia its subject; the Duma is Russia's
    ("WASHINGTON — Those named included Aleksei Pushkov, chairman of the international affairs committee of the State "
     "Duma, the lower house of Parliament; and Americans in Washington were told.",
     [("WASHINGTON", "GPE"), ("Aleksei Pushkov", "PERSON"), ("State Duma", "ORG"), ("Parliament", "ORG"),
      ("Americans", "NORP"), ("Washington", "GPE")], RUSSIA, "name:russian parliament"),
    # a Kyiv report on Russia's bill: Ukraine's "Parliament" by the article, Russia's by the chamber beside it
    ("KYIV (Reuters) - Ukrainian officials in Kyiv said on Friday that the bill had passed the lower house of "
     "Parliament, the State Duma.",
     [("KYIV", "GPE"), ("Reuters", "ORG"), ("Ukrainian", "NORP"), ("Kyiv", "GPE"), ("Parliament", "ORG"),
      ("State Duma", "ORG")], RUSSIA, "name:russian parliament"),
])
def test_a_parliament_named_beside_its_chamber_is_the_chambers_countrys(body, names, country, key) -> None:
    related = _related(body, names)
    (parliament,) = [e for e in related if e.text == "Parliament"]
    assert (parliament.key, parliament.country_id) == (key, country)
    # The newsroom keeps the key the text gave it: its name is the country's parliament's
    mentions = [{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in related if e.key]
    assert by_this_rule(mentions, demonyms().key_of) == mentions


def test_a_parliament_beside_a_chamber_of_no_known_country_keeps_its_key() -> None:
    related = _related("The Assembly, the lower house of Parliament, met on Monday.", [("Assembly", "ORG"),
                                                                                       ("Parliament", "ORG")])
    assert [(e.key, e.country_id) for e in related if e.text == "Parliament"] == [("name:parliament", None)]


def test_the_tagger_keys_a_parliament_beside_the_duma_as_russias() -> None:
    tagged = _tag("Aleksei Pushkov is chairman of the international affairs committee of the State Duma, the lower "
                  "house of Parliament.")
    assert [(e.text, e.key, e.country_id) for e in tagged if e.text == "Parliament"] == [
        ("Parliament", "name:russian parliament", RUSSIA)]


def test_a_body_of_a_country_whose_people_word_is_a_noun_is_keyed_by_the_countrys_adjective() -> None:
    # The Reserve Bank of New Zealand is no "New Zealander" bank: New Zealand's bodies key as "New Zealand ...".
    found = _orgs("The Reserve Bank of New Zealand raised its cash rate on Wednesday, and the New Zealand Foreign "
                  "Ministry said little.")
    assert found == [("Reserve Bank of New Zealand", "name:new zealand reserve bank", "Q664"),
                     ("New Zealand Foreign Ministry", "name:new zealand foreign ministry", "Q664")]


@pytest.mark.parametrize("name, key", [
    ("Reserve Bank of New Zealand", "name:new zealand reserve bank"), ("Hong Kong Police Force", "name:hong kong police force"),
    ("Ministry of Foreign Affairs of Liechtenstein", "name:liechtenstein foreign ministry"),
    ("Central Bank of Solomon Islands", "name:solomon islands central bank"),
])
def test_no_bodys_key_opens_with_a_word_for_a_person(name: str, key: str) -> None:
    assert demonyms().key_of(name, "ORG") == key


UKRAINE, GERMANY = "Q212", "Q183"


@pytest.mark.parametrize("body, names", [
    # en_core_web_sm spans the people's word and the chamber apart; before, "Duma" was Russia's Duma
    ("Lawmakers in the Ukrainian Duma voted on Monday to extend martial law.",
     [("Ukrainian", "NORP"), ("Duma", "ORG")]),
    ("Ukraine's Duma voted on Monday to extend martial law.", [("Ukraine", "GPE"), ("Duma", "ORG")]),
])
def test_a_chamber_another_countrys_word_is_written_before_is_neither_countrys(body, names) -> None:
    # There is no Ukrainian Duma (Ukraine's parliament is the Verkhovna Rada): on no country's page, keyed by its words.
    related = _related(body, names)
    (duma,) = [e for e in related if e.text == "Duma"]
    written = body[related[0].start:duma.end]
    assert (duma.key, duma.country_id, duma.canonical_name) == (name_key(written), None, written)
    # the newsroom keys the stored name so again, as "Ukrainian Duma" in one mention is keyed
    mentions = [{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in related if e.key]
    assert by_this_rule(mentions, demonyms().key_of) == mentions
    assert demonyms().key_of(written, "ORG") == duma.key and demonyms().state_body(written) is None


@pytest.mark.parametrize("body, names, chamber, key, country", [
    ("The Russian Duma voted on Monday.", [("Russian", "NORP"), ("Duma", "ORG")], "Duma", "name:duma", RUSSIA),
    # the people's word is the member's: the chamber is its own country's
    ("Cem Ozdemir, a Turkish Bundestag member, said on Monday that the vote would go ahead.",
     [("Cem Ozdemir", "PERSON"), ("Turkish", "NORP"), ("Bundestag", "ORG")], "Bundestag", "name:bundestag", GERMANY),
])
def test_a_chamber_after_its_own_countrys_word_or_a_members_is_its_own_countrys(body, names, chamber, key, country):
    (found,) = [e for e in _related(body, names) if e.text == chamber]
    assert (found.key, found.country_id) == (key, country)


def test_the_tagger_keys_a_duma_after_another_countrys_word_by_the_words_with_no_country() -> None:
    # en_core_web_sm finds no entity in "the Ukrainian Duma"; the organisations file finds "Duma", before Russia's
    assert _orgs("Lawmakers in the Ukrainian Duma voted on Monday to extend martial law.") == [
        ("Duma", "name:ukrainian duma", None)]
