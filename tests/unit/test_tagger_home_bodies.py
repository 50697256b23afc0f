"""A bare legislature, top court or ministry ("the Senate", "Parliament", "the Defense Ministry") in an article about
one country is that country's, keyed as its name with the country's word is; in any other article it keeps its own."""

from __future__ import annotations

from functools import cache

import pytest

from schemas import Entity
from services.newsroom.rekey import by_this_rule
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key, people_word_key


@cache
def demonyms() -> Demonyms:
    return Demonyms.load(Gazetteer.load())


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def entities(body: str, names: list[tuple[str, str]]) -> list[Entity]:
    """The mentions of ``names`` ((text, NER label), in the order written) in ``body``, linked as the gazetteer names
    them, else keyed by their name."""
    out, at = [], 0
    for text, kind in names:
        start = body.index(text, at)
        at = start + len(text)
        entry = gazetteer().lookup(text) if kind != "NORP" else None
        key = entry.id if entry else people_word_key(text) if kind == "NORP" else name_key(text)
        out.append(Entity(text=text, type=kind, field="body", start=start, end=at, key=key,  # type: ignore[arg-type]
                          canonical_id=entry.id if entry else None, canonical_name=entry.name if entry else None))
    return out


def keyed(body: str, names: list[tuple[str, str]], body_name: str) -> tuple[str | None, str | None]:
    """(key, country QID) of the mention ``body_name`` as the tagger relates the article's mentions."""
    related = demonyms().relate(entities(body, names), {"title": "", "body": body}, "en")
    (found,) = [e for e in related if e.text == body_name]
    return found.key, found.country_id


WASHINGTON = ("WASHINGTON (Reuters) - The Senate voted on Tuesday to send the bill back. Congress has until Friday, "
              "and the Supreme Court may yet rule on it.")
WASHINGTON_NAMES = [("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("Senate", "ORG"), ("Congress", "ORG"),
                    ("Supreme Court", "ORG")]


@pytest.mark.parametrize("body_name,as_named", [("Congress", "U.S. Congress"), ("Senate", "US Senate"),
                                                ("Supreme Court", "U.S. Supreme Court")])
def test_a_bare_body_of_a_washington_report_is_the_us_body_as_its_full_name_is(body_name: str, as_named: str):
    key, country = keyed(WASHINGTON, WASHINGTON_NAMES, body_name)
    assert key == gazetteer().lookup(as_named).id
    assert country == gazetteer().lookup("United States").id


BRITAIN = ("Britain's prime minister faced a revolt in London on Monday. British ministers said Parliament would sit "
           "again, and the Foreign Ministry said the British embassy in Paris was open. The British public was told.")
BRITAIN_NAMES = [("Britain", "GPE"), ("London", "GPE"), ("British", "NORP"), ("Parliament", "ORG"),
                 ("Foreign Ministry", "ORG"), ("British", "NORP"), ("Paris", "GPE"), ("British", "NORP")]


@pytest.mark.parametrize("body_name,as_named", [("Parliament", "British Parliament"),
                                                ("Foreign Ministry", "British Foreign Ministry")])
def test_a_bare_body_of_an_article_naming_one_country_by_far_is_that_countrys(body_name: str, as_named: str):
    key, country = keyed(BRITAIN, BRITAIN_NAMES, body_name)
    assert key == demonyms().key_of(as_named, "ORG") == name_key(as_named)
    assert country == gazetteer().lookup("United Kingdom").id
    # The newsroom keeps the key the text gave it: its name is the country's body's ("British Parliament")
    related = demonyms().relate(entities(BRITAIN, BRITAIN_NAMES), {"title": "", "body": BRITAIN}, "en")
    mentions = [{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in related if e.key]
    assert by_this_rule(mentions, demonyms().key_of) == mentions


@pytest.mark.parametrize("body,names,body_name", [
    # two countries named as often: whose "Parliament", the article does not say
    ("Russia and Ukraine traded blame. Russian and Ukrainian officials met in Kyiv and Moscow. Parliament said no.",
     [("Russia", "GPE"), ("Ukraine", "GPE"), ("Russian", "NORP"), ("Ukrainian", "NORP"), ("Kyiv", "GPE"),
      ("Moscow", "GPE"), ("Parliament", "ORG")], "Parliament"),
    # a region's body of the same words
    ("The Welsh Parliament met in Cardiff. British ministers in London said Britain would help. Parliament agreed.",
     [("Welsh Parliament", "ORG"), ("Cardiff", "GPE"), ("British", "NORP"), ("London", "GPE"), ("Britain", "GPE"),
      ("Parliament", "ORG")], "Parliament"),
    # a state's body
    ("WASHINGTON (Reuters) - The state Senate in Texas passed it. Americans in Washington were told.",
     [("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("Senate", "ORG"), ("Texas", "GPE"), ("Americans", "NORP"),
      ("Washington", "GPE")], "Senate"),
    # another country named before it in its sentence
    ("CAIRO (Reuters) - Egyptian courts in Cairo ruled. Egyptians marched. U.S. Senator Lindsey Graham, the top "
     "Republican on the Senate subcommittee, objected.",
     [("CAIRO", "GPE"), ("Reuters", "ORG"), ("Egyptian", "NORP"), ("Cairo", "GPE"), ("Egyptians", "NORP"), ("U.S.", "GPE"),
      ("Lindsey Graham", "PERSON"), ("Senate", "ORG")], "Senate"),
    # "Congress" where the gazetteer has no country's Congress: India's is a party
    ("NEW DELHI (Reuters) - Indian voters in Mumbai and New Delhi backed Congress. India's Indians voted.",
     [("NEW DELHI", "GPE"), ("Reuters", "ORG"), ("Indian", "NORP"), ("Mumbai", "GPE"), ("New Delhi", "GPE"),
      ("Congress", "ORG"), ("India", "GPE"), ("Indians", "NORP")], "Congress"),
    # a city's own department
    ("NEW YORK (Reuters) - The Health Department in New York said Americans should wait.",
     [("NEW YORK", "GPE"), ("Reuters", "ORG"), ("Health Department", "ORG"), ("New York", "GPE"),
      ("Americans", "NORP")], "Health Department"),
])
def test_a_bare_body_keeps_its_own_key_where_the_article_does_not_say_whose_it_is(body: str, names, body_name: str):
    key, country = keyed(body, names, body_name)
    assert (key, country) == (name_key(body_name), None)


@pytest.mark.parametrize("body,names,body_name,as_named", [
    # A US department named by a portfolio the pattern did not know: commerce, treasury
    ("WASHINGTON (Reuters) - U.S. factory orders rose in July, the Commerce Department said on Tuesday, as American "
     "companies in Chicago and Detroit stocked up.",
     [("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("U.S.", "GPE"), ("Commerce Department", "ORG"), ("American", "NORP"),
      ("Chicago", "GPE"), ("Detroit", "GPE")], "Commerce Department", "American Commerce Department"),
    ("WASHINGTON (Reuters) - The Department of Commerce said on Friday that U.S. retail sales in New York and Chicago "
     "were flat.",
     [("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("Department of Commerce", "ORG"), ("U.S.", "GPE"),
      ("New York", "GPE"), ("Chicago", "GPE")], "Department of Commerce", "American Commerce Department"),
    # A Washington report on sanctions that names Russia more than the United States: the department is still the US's
    ("WASHINGTON — The United States added new sanctions against Russia on Monday. Russian banks and Russian energy "
     "companies lost access to their dollars, Russia's markets fell, and Russians in Moscow queued at banks. The "
     "Treasury Department said more would follow.",
     [("WASHINGTON", "GPE"), ("United States", "GPE"), ("Russia", "GPE"), ("Russian", "NORP"), ("Russian", "NORP"),
      ("Russia", "GPE"), ("Russians", "NORP"), ("Moscow", "GPE"), ("Treasury Department", "ORG")],
     "Treasury Department", "American Treasury Department"),
    ("NEW YORK (Reuters) - The Justice Department sued Mexican and Canadian lenders in Toronto and Mexico City on "
     "Thursday.",
     [("NEW YORK", "GPE"), ("Reuters", "ORG"), ("Justice Department", "ORG"), ("Mexican", "NORP"), ("Canadian", "NORP"),
      ("Toronto", "GPE"), ("Mexico City", "GPE")], "Justice Department", "American Justice Department"),
])
def test_a_department_of_a_report_from_the_united_states_is_the_us_department(body, names, body_name, as_named):
    key, country = keyed(body, names, body_name)
    assert key == demonyms().key_of(as_named, "ORG") == name_key(as_named)
    assert country == gazetteer().lookup("United States").id


def test_a_department_of_a_report_from_elsewhere_on_two_countries_keeps_its_own_key():
    # Datelined in London, naming Russia more: whose "Treasury Department", the article does not say.
    body = ("LONDON (Reuters) - British and Russian banks in Moscow and London were told on Monday that Russia's markets "
            "had fallen and Russian companies could not pay. The Treasury Department said more would follow.")
    names = [("LONDON", "GPE"), ("Reuters", "ORG"), ("British", "NORP"), ("Russian", "NORP"), ("Moscow", "GPE"),
             ("London", "GPE"), ("Russia", "GPE"), ("Russian", "NORP"), ("Treasury Department", "ORG")]
    assert keyed(body, names, "Treasury Department") == ("name:treasury department", None)


@pytest.mark.parametrize("body,names,as_named,country", [
    ("WASHINGTON (Reuters) - President Barack Obama met Secretary of State John Kerry as well as officials at the "
     "Treasury and the National Security Council on Monday, as American banks in New York waited.",
     [("WASHINGTON", "GPE"), ("Reuters", "ORG"), ("Barack Obama", "PERSON"), ("John Kerry", "PERSON"),
      ("Treasury", "ORG"), ("National Security Council", "ORG"), ("American", "NORP"), ("New York", "GPE")],
     "American Treasury Department", "Q30"),
    # A Washington report on sanctions that names Russia more: "the Treasury" is still the US's, as its department is.
    ("WASHINGTON — The United States added new sanctions against Russia on Monday. Russian banks and Russian energy "
     "companies lost access to their dollars, Russia's markets fell, and Russians in Moscow queued at banks. The "
     "Treasury said more would follow.",
     [("WASHINGTON", "GPE"), ("United States", "GPE"), ("Russia", "GPE"), ("Russian", "NORP"), ("Russian", "NORP"),
      ("Russia", "GPE"), ("Russians", "NORP"), ("Moscow", "GPE"), ("Treasury", "ORG")],
     "American Treasury Department", "Q30"),
    ("LONDON (Reuters) - Britain's finance minister faced questions in London on Monday. British lenders said the "
     "Treasury had not consulted them, and the British public was told to wait.",
     [("LONDON", "GPE"), ("Reuters", "ORG"), ("Britain", "GPE"), ("London", "GPE"), ("British", "NORP"),
      ("Treasury", "ORG"), ("British", "NORP")],
     "British Treasury", "Q145"),
])
def test_a_bare_treasury_of_a_us_or_british_report_is_that_countrys(body, names, as_named, country):
    assert keyed(body, names, "Treasury") == (name_key(as_named), country)


@pytest.mark.parametrize("body,names", [
    # bonds named after the US Treasury, in a New York market report
    ("NEW YORK (Reuters) - The 30-year Treasury fell almost a point on Friday, as American traders in New York and "
     "Chicago sold.",
     [("NEW YORK", "GPE"), ("Reuters", "ORG"), ("Treasury", "ORG"), ("American", "NORP"), ("New York", "GPE"),
      ("Chicago", "GPE")]),
    ("NEW YORK (Reuters) - Treasury bills rose on Friday, as American traders in New York and Chicago bought.",
     [("NEW YORK", "GPE"), ("Reuters", "ORG"), ("Treasury", "ORG"), ("American", "NORP"), ("New York", "GPE"),
      ("Chicago", "GPE")]),
    # a country whose Treasury the rule leaves alone
    ("CANBERRA (Reuters) - Australian banks in Sydney and Melbourne said on Monday that the Treasury had asked "
     "Australians to wait.",
     [("CANBERRA", "GPE"), ("Reuters", "ORG"), ("Australian", "NORP"), ("Sydney", "GPE"), ("Melbourne", "GPE"),
      ("Treasury", "ORG"), ("Australians", "NORP")]),
])
def test_a_treasury_that_is_a_bond_or_another_countrys_keeps_its_own_key(body, names):
    assert keyed(body, names, "Treasury") == ("name:treasury", None)
