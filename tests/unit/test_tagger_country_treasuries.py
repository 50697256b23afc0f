"""A "Treasury" named by its country ("U.S. Treasury", "UK Treasury", "Russia's Treasury") is that country's, keyed as
its country's word gives it: the US's as the US Treasury Department is, one entity with "the Treasury Department" of a
US report; a Treasury secretary's "Treasury" of a US report is the US's, as the department is."""

from __future__ import annotations

from functools import cache

import pytest

from services.newsroom.rekey import by_this_rule
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from tests.unit.test_tagger_banks_chambers_ngos import _related
from tests.unit.test_tagger_body_keys import _orgs

US, UK, RUSSIA = "Q30", "Q145", "Q159"
NAMES = {US: "United States", UK: "United Kingdom", RUSSIA: "Russia"}


@cache
def demonyms() -> Demonyms:
    return Demonyms.load(Gazetteer.load())


@pytest.mark.parametrize("name, key, country", [
    ("U.S. Treasury", "name:american treasury department", US),
    ("US Treasury", "name:american treasury department", US),
    ("American Treasury", "name:american treasury department", US),
    ("U.S. Treasury Department", "name:american treasury department", US),
    ("UK Treasury", "name:british treasury", UK),
    ("British Treasury", "name:british treasury", UK),
    ("Russian Treasury", "name:russian treasury", RUSSIA),
])
def test_a_treasury_named_by_its_countrys_word_is_that_countrys(name: str, key: str, country: str) -> None:
    assert demonyms().key_of(name, "ORG") == key
    assert demonyms().state_body(name) == (country, NAMES[country])


def test_a_us_treasury_of_a_report_on_another_country_is_the_us_treasury_department() -> None:
    # No dateline, Russia named most: the country's word says whose it is, as "U.S. Treasury Department" did.
    body = ("Russia's markets fell on Monday, and Russian banks in Moscow said the U.S. Treasury had named three more "
            "Russian lenders. The Treasury said more would follow.")
    related = _related(body, [("Russia", "GPE"), ("Russian", "NORP"), ("Moscow", "GPE"), ("U.S. Treasury", "ORG"),
                              ("Russian", "NORP"), ("Treasury", "ORG")])
    # ... and "the Treasury" named again after it is the same one
    assert [(e.key, e.country_id) for e in related if "Treasury" in e.text] == [
        ("name:american treasury department", US)] * 2
    # the newsroom keys the stored names so again
    mentions = [{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in related if e.key]
    assert by_this_rule(mentions, demonyms().key_of) == mentions


def test_a_treasury_beside_its_country_is_that_countrys() -> None:
    related = _related("Britain's Treasury said on Monday that Russia's Treasury had frozen the funds.",
                       [("Britain", "GPE"), ("Treasury", "ORG"), ("Russia", "GPE"), ("Treasury", "ORG")])
    assert [(e.key, e.country_id) for e in related if e.text == "Treasury"] == [
        ("name:british treasury", UK), ("name:russian treasury", RUSSIA)]


def test_the_tagger_keys_a_treasury_named_by_its_country_as_that_countrys() -> None:
    assert _orgs("The U.S. Treasury said on Monday it had added three Russian banks to its sanctions list. The US "
                 "Treasury and the UK Treasury will act together.") == [
        ("U.S. Treasury", "name:american treasury department", US), ("US Treasury", "name:american treasury department", US),
        ("UK Treasury", "name:british treasury", UK)]


def test_a_treasury_secretarys_treasury_of_a_us_report_is_the_us_treasury_department() -> None:
    # A report datelined in Washington that names Russia more: the Treasury, as the Treasury Department, is the US's.
    found = _orgs("WASHINGTON (Reuters) - Treasury Secretary Steven Mnuchin said on Monday that sanctions against Russia "
                  "would go on. Russian banks in Moscow said Russia's markets fell.")
    assert ("Treasury", "name:american treasury department", US) in found


def test_a_bond_named_after_a_treasury_named_before_keeps_its_own_key() -> None:
    # CoNLL's US bond report: "U.S. Treasury securities" names their issuer; "the Treasury bond future" is a contract.
    body = "Prices of U.S. Treasury securities were trading sharply lower. The September Treasury bond future fell."
    related = _related(body, [("U.S. Treasury", "ORG"), ("Treasury", "ORG")])
    assert [(e.key, e.country_id) for e in related] == [("name:american treasury department", US), ("name:treasury", None)]
