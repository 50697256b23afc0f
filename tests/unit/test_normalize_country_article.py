"""The ``article:before-country`` repair: "the Indonesia" of a Romance-language translation becomes "Indonesia"."""

from __future__ import annotations

import pytest

from services.normalize.country_article import country_names
from services.normalize.repair import Repairer


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer()


@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # the devdata's NTREX translations (Italian and Portuguese through Spanish, Catalan straight)
        ("It expects to move to 620 km to southwest of Punta Eugenia, in the Mexico.", "It expects to move to 620 km to southwest of Punta Eugenia, in Mexico."),
        ("A step forward to the denuclearization of the North Korea.", "A step forward to the denuclearization of North Korea."),
        ("He said that the North Korea has not observed a reply.", "He said that North Korea has not observed a reply."),
        ("It is not the China who leads the academic leaders.", "It is not China who leads the academic leaders."),
        ("The Greece, that possesses a province called Macedonia, objects.", "Greece, that possesses a province called Macedonia, objects."),
        ("The agency of the Indonesia (BNPB) said so.", "The agency of Indonesia (BNPB) said so."),
        ("the Indonesia's islands", "Indonesia's islands"),
        ("They met in the Bielorussia and the Russia.", "They met in Belarus and Russia."),  # Italian "la Bielorussia" via Spanish
        ("They went to the Ireland.", "They went to Ireland."),
        # before a verb that can only be finite (Portuguese through Spanish, Catalan straight)
        ("The number of dead persons in the tsunami in the Indonesia went up for 832.", "The number of dead persons in the tsunami in Indonesia went up for 832."),
        ("Number of dead persons in the Indonesia goes up", "Number of dead persons in Indonesia goes up"),
        ("The number of dead persons in the Indonesia grows exponencialmente.", "The number of dead persons in Indonesia grows exponencialmente."),
        ("The Foundation of Natural Sciences of the China concedes fund at persons.", "The Foundation of Natural Sciences of China concedes fund at persons."),
        ("In the meantime, the China presented his plan the year passed.", "In the meantime, China presented his plan the year passed."),
        # before a determiner, or a closing guillemet Catalan keeps
        ("«Whereas the China every time is more active»", "«Whereas China every time is more active»"),
        ("the quality is inferior in the China», aimed Lee.", "the quality is inferior in China», aimed Lee."),
    ],
)
def test_the_article_before_a_country_english_writes_without_one_is_dropped(repairer: Repairer, scarred: str, restored: str):
    body, changes = repairer.repair("", scarred)[1:]
    assert body == restored
    assert {c.rule for c in changes} <= {"article:before-country", "names:variant"}
    assert sum(c.rule == "article:before-country" for c in changes) == scarred.count("the ") + scarred.count("The ") - restored.count("the ") - restored.count("The ")


def test_the_article_is_dropped_in_a_title_too(repairer: Repairer):
    title, _, changes = repairer.repair("Hundreds dead in earthquake and tsunami in the Indonesia", "")
    assert title == "Hundreds dead in earthquake and tsunami in Indonesia"
    assert [(c.field, c.before, c.after) for c in changes] == [("title", "the ", "")]


@pytest.mark.parametrize(
    "text",
    [
        "He lives in the United Kingdom, the Netherlands and the Czech Republic.",  # countries English writes with "the"
        "Talks in the Philippines, the Maldives and the United States.",
        "They crossed the Jordan and the Niger.",  # rivers
        "Sanctions over the Ukraine crisis hit the Russia-Ukraine border trade.",  # a longer noun phrase (galaxy_dev)
        "It confirmed that the Ukraine armed forces did not fire.",
        "The Israel Defense Forces said it shot down a drone over the Mexico City airport.",  # a longer name
        "It was the Georgia of the 1990s, the Russia of Putin.",  # "of" makes the phrase English
        "They saw the Belarus government and the Indonesia team.",
        # a word that is a noun as well as a verb, or an -ed form not before a determiner, may be the phrase's
        "They followed the Ukraine talks and the Russia plans, then the Indonesia cause.",
        "They reported the Ukraine armed forces and the China based companies.",
    ],
)
def test_the_article_stays_where_english_writes_it(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


def test_english_as_written_keeps_its_article(repairer: Repairer):
    # older English writes "the Ukraine", "the Lebanon": the rule is for translations only
    text = "He had served in the Ukraine and the Lebanon."
    assert repairer.repair("", text, translated=False) == ("", text, [])


def test_the_countries_come_from_the_gazetteer_less_those_english_writes_with_the():
    names = country_names()
    assert {"Belarus", "Indonesia", "North Korea", "China", "Ireland"} <= names
    assert not {"United Kingdom", "United States", "Netherlands", "Philippines", "Czech Republic", "The Gambia", "Gambia", "Jordan"} & names


def test_the_article_goes_before_a_country_name_the_translator_copied_as_written(repairer: Repairer):
    # Italian "come la Cina o la Russia": ita-spa copies both names, and the name copied is the English one
    text = "They can turn to others like the Cina or the Russia and go back."
    copied = tuple((text.index(word), text.index(word) + len(word)) for word in ("Cina", "Russia"))
    body, changes = repairer.repair("", text, untranslated=((), copied))[1:]
    assert body == "They can turn to others like the Cina or Russia and go back."
    assert [(c.rule, c.before) for c in changes] == [("article:before-country", "the ")]
