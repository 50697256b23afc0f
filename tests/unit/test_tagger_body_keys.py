"""A state body's key keeps its portfolio ("Foreign Ministry" is no "Defence Ministry"), the same article's shorter name
for a body is that body, and a body named beside its country ("Russia's Foreign Ministry") is of that country."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, NormalizedArticle
from services.tagger.core import Tagger
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import link_article, name_key
from services.tagger.mentions import FieldMentions, Mention
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings
from tests.unit.test_tagger_linking import gazetteer, span  # noqa: F401  (the fixture and the span helper)

RUSSIA, UKRAINE = "Q159", "Q212"


def link(gazetteer: Gazetteer, body: str, mentions: list[Mention]) -> list[Entity]:
    return link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)])


@pytest.mark.parametrize("name, key", [
    ("Foreign Ministry", "name:foreign ministry"), ("Defence Ministry", "name:defense ministry"),
    ("the Interior Ministry's", "name:interior ministry"), ("Defense Department", "name:defense department"),
    ("State Department", "name:state department"), ("Foreign Office", "name:foreign office"),
    ("Home Office", "name:home office"), ("Supreme Court", "name:supreme court"), ("State Duma", "name:state duma"),
    ("Defence Intelligence Agency", "name:defense intelligence agency"),
    ("Supreme Court of Justice", "name:supreme court of justice"),
    # An office named without its holder is that office, not every minister.
    ("Interior Minister", "name:interior minister"), ("Prime Minister", "name:prime minister"),
    # A person's titles still go.
    ("Foreign Minister Sergei Lavrov", "name:sergei lavrov"), ("Interior Minister Jane Okafor", "name:jane okafor"),
    ("Secretary General Jens Stoltenberg", "name:jens stoltenberg"), ("Supreme Leader Ali Khamenei", "name:ali khamenei"),
    # An office named with "of" before its holder goes too; named alone it is the office; "of" a place is no office.
    ("Chief of Staff Ron Klain", "name:ron klain"), ("Secretary of State Antony Blinken", "name:antony blinken"),
    ("Chief of the General Staff Valery Gerasimov", "name:valery gerasimov"),
    ("Minister of Foreign Affairs Sergei Lavrov", "name:sergei lavrov"),
    ("Secretary of State", "name:secretary of state"), ("Chief of Staff", "name:chief of staff"),
    ("Bank of England", "name:bank of england"),
])
def test_a_bodys_portfolio_is_part_of_its_key_and_a_persons_titles_are_not(name: str, key: str) -> None:
    assert name_key(name) == key


def test_unrelated_ministries_of_one_article_are_not_one_entity(gazetteer: Gazetteer) -> None:
    body = "The Foreign Ministry said the Defence Ministry and the Interior Ministry were told. Foreign Minister Sergei Lavrov spoke."
    mentions = [span(body, name, "ORG") for name in ("Foreign Ministry", "Defence Ministry", "Interior Ministry")]
    mentions.append(span(body, "Foreign Minister Sergei Lavrov", "PERSON"))
    keys = [e.key for e in link(gazetteer, body, mentions)]
    assert keys == ["name:foreign ministry", "name:defense ministry", "name:interior ministry", "name:sergei lavrov"]


def test_a_body_named_again_by_the_last_words_of_its_name_is_the_body_the_article_named(gazetteer: Gazetteer) -> None:
    body = ("The Russian Foreign Ministry protested. The Foreign Ministry added that Ukraine's Foreign Ministry lied. "
            "The Museum of Modern Art opened; Modern Art Ltd sold.")
    mentions = [span(body, "Russian Foreign Ministry", "ORG"), span(body, "Foreign Ministry", "ORG", 1),
                span(body, "Foreign Ministry", "ORG", 2), span(body, "Museum of Modern Art", "ORG"), span(body, "Modern Art", "ORG", 1)]
    entities = link(gazetteer, body, mentions)
    assert [(e.text, e.key) for e in entities if e.type == "ORG"] == [
        ("Russian Foreign Ministry", "name:russian foreign ministry"), ("Foreign Ministry", "name:russian foreign ministry"),
        # The possessive says whose: not Russia's. Words after an "of" name another than the longer name.
        ("Foreign Ministry", "name:foreign ministry"), ("Museum of Modern Art", "name:museum of modern art"),
        ("Modern Art", "name:modern art")]


def test_a_shorter_name_two_bodies_of_the_article_end_with_stays_alone(gazetteer: Gazetteer) -> None:
    body = "The Russian Foreign Ministry and the Ukrainian Foreign Ministry met; the Foreign Ministry said so."
    mentions = [span(body, "Russian Foreign Ministry", "ORG"), span(body, "Ukrainian Foreign Ministry", "ORG"),
                span(body, "Foreign Ministry", "ORG", 2)]
    assert link(gazetteer, body, mentions)[-1].key == "name:foreign ministry"


def _body(text: str, name: str, nth: int = 0, **kw: str) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return Entity(text=name, type="ORG", field="body", start=start, end=start + len(name), key=name_key(name), **kw)


def test_a_body_named_beside_its_country_or_capital_is_of_that_country(gazetteer: Gazetteer) -> None:
    table = Demonyms.load(gazetteer)
    text = ("Russia's Foreign Ministry and Ukraine’s Defence Ministry spoke; the Interior Ministry in Moscow and the "
            "Embassy in Kyiv did not, nor did Russia's Gazprom. The Foreign Ministry said so.")

    def place(name: str) -> Entity:
        entry = gazetteer.lookup(name)
        start = text.index(name)
        return Entity(text=name, type="GPE", field="body", start=start, end=start + len(name), canonical_id=entry.id,
                      canonical_name=entry.name, key=entry.id)

    entities = [place("Russia"), _body(text, "Foreign Ministry"), place("Ukraine"), _body(text, "Defence Ministry"),
                _body(text, "Interior Ministry"), place("Moscow"), _body(text, "Embassy"), place("Kyiv"),
                _body(text, "Gazprom"), _body(text, "Foreign Ministry", 1)]
    related = [e for e in table.relate(entities, {"title": "", "body": text}) if e.type == "ORG"]
    # An embassy in a capital is another country's; a company is no state body; "the Foreign Ministry" named again is
    # the one body of those words the article gave a country.
    assert [e.country_id for e in related] == [RUSSIA, UKRAINE, RUSSIA, None, None, RUSSIA]
    # A body given its country takes the name and key its people's word gives it: "Russia's Foreign Ministry" is the
    # "Russian Foreign Ministry" of other articles, not every country's foreign ministry.
    assert [(e.canonical_name, e.key) for e in related] == [
        ("Russian Foreign Ministry", "name:russian foreign ministry"), ("Ukrainian Defence Ministry", "name:ukrainian defense ministry"),
        ("Russian Interior Ministry", "name:russian interior ministry"), (None, "name:embassy"), (None, "name:gazprom"),
        ("Russian Foreign Ministry", "name:russian foreign ministry")]
    assert [e.country_id for e in table.relate(entities) if e.type == "ORG"] == [None] * 6  # without the texts, none is read


def test_the_tagger_keys_bodies_by_their_portfolio_and_their_country_where_the_article_gives_it() -> None:
    from services.newsroom.people import people_rows

    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"))
    tagged = tagger.tag(NormalizedArticle(
        id="bodies-1", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="", title="",
        body="The Russian Foreign Ministry said on Monday it was concerned. The Foreign Ministry added that talks would "
             "go on. Russia's Defence Ministry said the Interior Ministry was told. Ukraine's Foreign Ministry denied it."))
    found = [(e.text, e.key, e.country_id) for e in tagged.entities if e.type == "ORG"]
    assert found == [
        ("Russian Foreign Ministry", "name:russian foreign ministry", RUSSIA),
        ("Foreign Ministry", "name:russian foreign ministry", RUSSIA),
        ("Defence Ministry", "name:russian defense ministry", RUSSIA),
        ("Interior Ministry", "name:interior ministry", None),
        ("Foreign Ministry", "name:ukrainian foreign ministry", UKRAINE)]
    # No body is a word for Russia's people on its page.
    assert [row.words for row in people_rows(tagged)] == []


def _tag(body: str) -> list[Entity]:
    tagger = _tagger()
    return tagger.tag(NormalizedArticle(
        id="bodies-2", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="", title="", body=body)).entities


_TAGGERS: list[Tagger] = []


def _tagger() -> Tagger:
    if not _TAGGERS:
        _TAGGERS.append(Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm")))
    return _TAGGERS[0]


def _orgs(body: str) -> list[tuple[str, str | None, str | None]]:
    return [(e.text, e.key, e.country_id) for e in _tag(body) if e.type == "ORG"]


@pytest.mark.parametrize("owner, country", [("Russia's", RUSSIA), ("Ukraine's", UKRAINE)])
def test_the_body_named_again_after_its_country_and_a_possessive_is_that_countrys(owner: str, country: str) -> None:
    # As after "the Russian Foreign Ministry": the same key and country for both mentions, on Russia's page and alerts.
    found = _orgs(f"{owner} Foreign Ministry said on Monday it was concerned. The Foreign Ministry added that talks would go on.")
    adjective = {RUSSIA: "russian", UKRAINE: "ukrainian"}[country]
    assert found == [("Foreign Ministry", f"name:{adjective} foreign ministry", country)] * 2


def test_the_body_named_again_after_two_countries_bodies_of_those_words_is_neither() -> None:
    found = _orgs("Russia's Foreign Ministry and Ukraine's Foreign Ministry spoke on Monday. The Foreign Ministry added "
                  "that talks would go on.")
    assert found[-1] == ("Foreign Ministry", "name:foreign ministry", None)


def test_a_body_named_before_its_country_is_given_is_not_that_countrys() -> None:
    # From a Reuters report: the ministry whose helicopter was hit is Ukraine's; Russia's is named a paragraph later.
    found = _orgs("One of its military helicopters was hit by rocket fire near the city, the Defence Ministry said.\n\n"
                  "However, Russia's Defence Ministry said it was ready for talks.")
    assert found == [("Defence Ministry", "name:defense ministry", None), ("Defence Ministry", "name:russian defense ministry", RUSSIA)]


@pytest.mark.parametrize("bodies", [
    # However the country is written, a body has one key: the gazetteer's entity where it knows the body...
    ["The U.S. State Department said on Monday it was concerned.", "The American State Department said on Monday it was concerned.",
     "The US State Department said on Monday it was concerned. The State Department added that talks would go on."],
    # ...else the key its country's adjective gives, by the country's id, not the word written.
    ["The British Foreign Office said on Monday it was concerned. The Foreign Office added that talks would go on.",
     "The UK Foreign Office said on Monday it was concerned.",
     "Britain's Foreign Office said on Monday it was concerned. The Foreign Office added that talks would go on."],
    ["The Argentinian Army said on Monday it was ready.", "The Argentine Army said on Monday it was ready."],
])
def test_a_state_bodys_key_is_the_same_however_its_country_is_written(bodies: list[str]) -> None:
    keys = {key for body in bodies for _, key, _ in _orgs(body)}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("body", [
    "The Georgia Supreme Court ruled on Monday that the law stands.",  # the US state's court
    "The Georgia Department of Corrections said the inmate escaped.",
    "The Niger State Government said on Monday schools would reopen.",  # a Nigerian state's
])
def test_a_countrys_name_another_countrys_region_also_has_does_not_make_a_body_that_countrys(body: str) -> None:
    assert all(country is None for _, _, country in _orgs(body))


def test_the_countrys_own_name_still_makes_its_body_where_no_other_place_has_it() -> None:
    assert _orgs("The Jordan Armed Forces said on Monday the border was closed.")[0][2] == "Q810"
    assert _orgs("The Georgian Defence Ministry said on Monday troops were ready.")[0][2] == "Q230"


def test_an_office_of_any_remit_named_beside_its_country_is_of_that_country_and_keyed_by_it() -> None:
    # "Protective" and "Aviation" are no portfolio words: before, neither body named a country, and each kept the key
    # of the words written, so "U.S." and "American" made two entities.
    found = _orgs("Russia's Federal Protective Service said on Monday the route was closed. The U.S. Federal Aviation "
                  "Administration said flights would resume.")
    assert [(key, country) for _, key, country in found] == [
        ("name:russian federal protective service", RUSSIA), ("name:american federal aviation administration", "Q30")]
    assert {key for _, key, _ in _orgs("The American Federal Aviation Administration said flights would resume.")} == {
        "name:american federal aviation administration"}


def test_a_citys_own_office_named_after_its_possessive_is_the_citys_not_its_countrys() -> None:
    # Moscow's health department runs the city's clinics; before, the capital made it Russia's, one entity with a
    # "Russian Health Department" on Russia's page and under a rule on Russia.
    found = _orgs("Moscow's Health Department said on Monday the clinics would reopen. The Health Department added "
                  "that staff were ready. Moscow's Defense Ministry said troops were ready.")
    assert found == [("Health Department", "name:moscow health department", None),
                     ("Health Department", "name:moscow health department", None),
                     ("Defense Ministry", "name:russian defense ministry", RUSSIA)]


@pytest.mark.parametrize("owner, body, key, country", [
    ("Kyiv's", "Military Administration", "name:kyiv military administration", None),  # Kyiv's city administration
    ("Kharkiv's", "Military Administration", "name:kharkiv military administration", None),  # a region's, no capital
    ("Moscow's", "Transport Department", "name:moscow transport department", None),
    # A capital still names its country's offices: a ministry, or an office with a remit only a state has.
    ("Moscow's", "Federal Security Service", "name:russian federal security service", RUSSIA),
    ("Kyiv's", "Prosecutor General's Office", "name:ukrainian prosecutor general's office", UKRAINE),
    ("Kyiv's", "Health Ministry", "name:ukrainian health ministry", UKRAINE),
    ("Ukraine's", "Health Department", "name:ukrainian health department", UKRAINE),  # a country's own is its own
])
def test_an_office_after_a_places_possessive_is_the_places_own_unless_only_a_state_has_it(
        gazetteer: Gazetteer, owner: str, body: str, key: str, country: str | None) -> None:  # noqa: F811
    related = _after_possessive(gazetteer, owner, body)
    assert (related.key, related.country_id) == (key, country)


def _after_possessive(gazetteer: Gazetteer, owner: str, body: str) -> Entity:  # noqa: F811
    """The office ``body`` as :meth:`Demonyms.relate` gives it after ``owner`` ("Kyiv's"), linked to the gazetteer."""
    text = f"{owner} {body} said on Monday the city was shelled."
    place = gazetteer.lookup(owner[:-2])
    entities = [Entity(text=owner[:-2], type="GPE", field="body", start=0, end=len(owner) - 2, canonical_id=place.id,
                       canonical_name=place.name, key=place.id), _body(text, body)]
    return Demonyms.load(gazetteer).relate(entities, {"title": "", "body": text})[1]


def test_an_office_named_with_for_is_of_its_country_and_keyed_by_it(gazetteer: Gazetteer) -> None:  # noqa: F811
    table = Demonyms.load(gazetteer)
    assert table.state_body("U.S. Agency for International Development") == ("Q30", "United States")
    assert table.key_of("U.S. Agency for International Development", "ORG") == table.key_of(
        "American Agency for International Development", "ORG") == "name:american agency for international development"
    assert table.state_body("Swedish Ministry for Foreign Affairs") == ("Q34", "Sweden")
    assert table.state_body("U.S. Committee for Refugees") is None  # an NGO: "for" only after an office's head
    found = _orgs("Sweden's Ministry for Foreign Affairs said on Monday talks went well. Britain's Department for "
                  "Education said schools would open.")
    assert found == [("Ministry for Foreign Affairs", "name:swedish ministry for foreign affairs", "Q34"),
                     ("Department for Education", "name:british department for education", "Q145")]


def test_a_party_named_like_a_states_forces_is_no_state_body() -> None:
    # The Lebanese Forces are a Christian party (once a militia), not Lebanon's army; its Armed Forces are.
    assert [c for _, _, c in _orgs("The Lebanese Forces party said on Monday it would vote against the plan.")] == [None]
    assert _orgs("The Lebanese Armed Forces said on Monday the border was closed.") == [
        ("Lebanese Armed Forces", "name:lebanese armed forces", "Q822")]
    assert _orgs("The Syrian Air Force said on Monday it struck the town.")[0][2] == "Q858"


@pytest.mark.parametrize("one, other", [
    ("Labour Ministry", "Ministry of Labour"), ("Foreign Ministry", "Ministry of Foreign Affairs"),
    ("Foreign Affairs Ministry", "Ministry of Foreign Affairs"), ("Defence Ministry", "Ministry of Defence"),
    ("Interior Ministry", "Ministry of the Interior"), ("State Security Ministry", "Ministry of State Security"),
    ("Justice Department", "Department of Justice"), ("Home Ministry", "Ministry of Home Affairs"),
    ("Russian Foreign Ministry", "Russian Ministry of Foreign Affairs"),
    ("Commerce Department", "Department of Commerce"), ("Treasury Department", "Department of the Treasury"),
    ("Commerce Ministry", "Ministry of Commerce"),
])
def test_a_portfolio_ministry_named_either_way_round_has_one_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize("name, key", [
    # Only a ministry or department named by its portfolio alone: these are other bodies, or written one way only.
    ("Office of the President", "name:office of the president"),
    ("Department of Homeland Security", "name:department of homeland security"),
    ("Department of the Air Force", "name:department of the air force"),
    ("Department of Health and Human Services", "name:department of health and human services"),
    ("Supreme Court of Justice", "name:supreme court of justice"),
    ("Minister of Foreign Affairs", "name:minister of foreign affairs"),
])
def test_a_name_no_portfolio_ministry_is_keeps_its_word_order(name: str, key: str) -> None:
    assert name_key(name) == key


def test_a_countrys_ministry_named_either_way_round_is_one_entity_and_named_again_is_it() -> None:
    # Before, "Russia's Ministry of Foreign Affairs" was name:russian ministry of foreign affairs, another entity than
    # the "Russian Foreign Ministry" of other reports, and "the Foreign Ministry" after it was no one's.
    found = _orgs("Russia's Ministry of Foreign Affairs said on Monday it was concerned. The Foreign Ministry added that "
                  "talks would go on. The Russian Foreign Ministry later denied it.")
    assert found == [("Ministry of Foreign Affairs", "name:russian foreign ministry", RUSSIA),
                     ("Foreign Ministry", "name:russian foreign ministry", RUSSIA),
                     ("Russian Foreign Ministry", "name:russian foreign ministry", RUSSIA)]


@pytest.mark.parametrize("name, key", [
    # A name of an organisations-file body after its own country's word is that body: one entity with "Duma".
    ("Russian State Duma", "name:duma"), ("Russian Duma", "name:duma"), ("Russia's State Duma", "name:duma"),
    ("Israeli Knesset", "name:knesset"), ("German Bundestag", "name:bundestag"),
    # Another country's word makes it no name of that body.
    ("Ukrainian Duma", "name:ukrainian duma"), ("American Knesset", "name:american knesset"),
])
def test_a_bodys_name_after_its_countrys_word_has_the_bodys_key(gazetteer: Gazetteer, name: str, key: str) -> None:  # noqa: F811
    assert Demonyms.load(gazetteer).key_of(name, "ORG") == key


def test_a_bodys_name_after_its_countrys_word_is_the_body_in_an_article(gazetteer: Gazetteer) -> None:  # noqa: F811
    text = "The Russian State Duma voted on Monday. The Ukrainian Duma did not."
    related = Demonyms.load(gazetteer).relate([_body(text, "Russian State Duma"), _body(text, "Ukrainian Duma")],
                                              {"title": "", "body": text}, "en")
    assert [(e.key, e.canonical_name, e.country_id) for e in related] == [
        ("name:duma", "Duma", RUSSIA), ("name:ukrainian duma", None, None)]
    assert _orgs("The Israeli Knesset voted on Monday to back the plan.") == [("Israeli Knesset", "name:knesset", "Q801")]


@pytest.mark.parametrize("owner, key", [
    # However the article spells the city, its office is one entity: keyed by the gazetteer's name of the city...
    ("Kiev's", "name:kyiv health department"), ("Kyiv's", "name:kyiv health department"),
    ("Odessa's", "name:odesa health department"), ("Moskva's", "name:moscow health department"),
    # ...but by the name as written where that is the gazetteer name's opening words, as "the Gaza Health Department"
    # is written too.
    ("Gaza's", "name:gaza health department"),
])
def test_a_citys_own_office_is_keyed_by_the_gazetteers_name_of_the_city(
        gazetteer: Gazetteer, owner: str, key: str) -> None:  # noqa: F811
    related = _after_possessive(gazetteer, owner, "Health Department")
    assert (related.key, related.country_id) == (key, None)


@pytest.mark.parametrize("body, key, country", [
    # A portfolio ministry named with its country after it is that country's, as "Ukraine's Foreign Ministry" is, and so
    # is "the Foreign Ministry" named again after it; before, it was every country's "name:foreign ministry".
    ("The Ministry of Foreign Affairs of Ukraine said on Monday it was concerned. The Foreign Ministry added that talks "
     "would go on.", "name:ukrainian foreign ministry", UKRAINE),
    ("The Ministry of Health of Brazil said on Monday cases rose.", "name:brazilian health ministry", "Q155"),
])
def test_a_ministry_named_with_its_country_after_it_is_that_countrys(body: str, key: str, country: str) -> None:
    found = [(k, c) for _, k, c in _orgs(body)]
    assert found and set(found) == {(key, country)}


def test_a_ministry_before_a_list_of_countries_is_none_of_theirs() -> None:
    found = _orgs("The Ministry of Foreign Affairs of Ukraine, Poland and Moldova met on Monday.")
    assert found == [("Ministry of Foreign Affairs", "name:foreign ministry", None)]


@pytest.mark.parametrize("name, key", [
    ("Ministry of Foreign Affairs of Ukraine", "name:ukrainian foreign ministry"),
    ("Ministry of Defence of the Russian Federation", "name:russian defense ministry"),
    ("Ministry of Health of Brazil", "name:brazilian health ministry"),
    ("Ministry of Internal Affairs of Ukraine", "name:ukrainian interior ministry"),
    # Only a portfolio ministry: a bank or an office "of" a country keeps its name ("Bank of China" is a company).
    ("Bank of China", "name:bank of china"), ("Office of the President of Ukraine", "name:office of the president of ukraine"),
])
def test_a_ministrys_name_with_its_country_after_it_is_keyed_by_the_country(gazetteer: Gazetteer, name: str, key: str) -> None:  # noqa: F811
    assert Demonyms.load(gazetteer).key_of(name, "ORG") == key


@pytest.mark.parametrize("name, key", [
    # A country's "Ministry of Internal Affairs" (Russia's, Ukraine's MVD) is its interior ministry...
    ("Russian Ministry of Internal Affairs", "name:russian interior ministry"),
    ("Ukrainian Internal Affairs Ministry", "name:ukrainian interior ministry"),
    # ...one named alone says no country; New Zealand's Department of Internal Affairs is no interior ministry.
    ("Ministry of Internal Affairs", "name:ministry of internal affairs"),
    ("Department of Internal Affairs", "name:department of internal affairs"),
])
def test_a_countrys_ministry_of_internal_affairs_is_its_interior_ministry(name: str, key: str) -> None:
    assert name_key(name) == key


def test_a_countrys_ministry_of_internal_affairs_in_an_article_is_its_interior_ministry() -> None:
    assert _orgs("Russia's Ministry of Internal Affairs said on Monday the suspects were held.") == [
        ("Ministry of Internal Affairs", "name:russian interior ministry", RUSSIA)]


def test_the_department_of_state_is_the_state_department() -> None:
    found = _orgs("The Department of State said on Monday it was concerned. The State Department added that talks "
                  "would go on.")
    assert [(key, country) for _, key, country in found] == [("Q789915", "Q30")] * 2


@pytest.mark.parametrize("after, before", [
    # Any state body its country's word may open is its country's with the country after it, one entity either way.
    ("Armed Forces of Ukraine", "Ukrainian Armed Forces"), ("Central Bank of Russia", "Russian Central Bank"),
    ("National Bank of Ukraine", "Ukrainian National Bank"), ("Security Service of Ukraine", "Ukrainian Security Service"),
    ("Supreme Court of India", "Indian Supreme Court"), ("Government of India", "Indian Government"),
])
def test_a_state_body_named_with_its_country_after_it_has_the_key_its_countrys_word_gives(
        gazetteer: Gazetteer, after: str, before: str) -> None:  # noqa: F811
    key_of = Demonyms.load(gazetteer).key_of
    assert key_of(after, "ORG") == key_of(before, "ORG") == name_key(before)


@pytest.mark.parametrize("name", [
    # A bank named by its country alone is the bank of that name, no state body; nor is an office with an "of" of its own.
    "Bank of China", "Bank of America", "Bank of England", "State Bank of India", "Office of the President of Ukraine",
])
def test_a_bank_named_by_its_country_alone_or_an_office_of_someone_keeps_its_name(gazetteer: Gazetteer, name: str) -> None:  # noqa: F811
    assert Demonyms.load(gazetteer).key_of(name, "ORG") == name_key(name)


def test_a_state_body_with_its_country_after_it_is_that_countrys_in_an_article_and_named_again() -> None:
    found = _orgs("The Armed Forces of Ukraine said on Monday they had repelled an attack. The Central Bank of Russia "
                  "raised its key rate. The Central Bank said inflation would slow, and the Ukrainian Armed Forces "
                  "said the attack had failed.")
    assert [(key, country) for _, key, country in found] == [
        ("name:ukrainian armed forces", UKRAINE), ("name:russian central bank", RUSSIA),
        ("name:russian central bank", RUSSIA), ("name:ukrainian armed forces", UKRAINE)]


def test_a_state_body_with_its_country_after_it_in_a_span_of_its_own_is_that_countrys() -> None:
    # NER spans "Supreme Court" and "United Kingdom" apart.
    assert _orgs("The Supreme Court of the United Kingdom ruled on Monday.") == [
        ("Supreme Court", "name:british supreme court", "Q145")]


def test_a_body_before_a_list_of_countries_or_a_bank_of_a_country_is_no_state_body_in_an_article(gazetteer: Gazetteer) -> None:  # noqa: F811
    # NER spans "Ministry of Health of Brazil" and "Argentina" apart: before, the ministry was Brazil's. Whose, the rule
    # cannot tell: the body is keyed and named by its own words, as where NER spans the first country apart too.
    tagged = [e for e in _tag("The Armed Forces of Ukraine and Poland held drills on Monday. The Ministry of Health of "
                              "Brazil and Argentina met. The Bank of China said profits rose.") if e.type == "ORG"]
    assert [(e.text, e.canonical_name, e.key, e.country_id) for e in tagged] == [
        ("Armed Forces of Ukraine", "Armed Forces", "name:armed forces", None),
        ("Ministry of Health of Brazil", "Ministry of Health", "name:health ministry", None),
        ("Bank of China", None, "name:bank of china", None)]
    # ...and a stored report's name keys so again (rekey.rebodied), as the tagger keyed it.
    key_of = Demonyms.load(gazetteer).key_of
    assert [key_of(e.canonical_name or e.text, e.type) for e in tagged] == [e.key for e in tagged]


def test_a_body_with_a_country_name_another_place_shares_after_it_is_that_countrys_where_the_article_links_it() -> None:
    # "Georgia" is also a US state's name: the name alone says no country, the country linked in the article does.
    found = _orgs("Georgia's president vetoed the bill in Tbilisi on Monday. The Parliament of Georgia overrode the veto.")
    assert found == [("Parliament of Georgia", "name:georgian parliament", "Q230")]
    # Georgia linked as the US state: its court is no country's.
    assert _orgs("A judge in Atlanta, Georgia, ruled on Monday. The Supreme Court of Georgia will hear the appeal.") == [
        ("Supreme Court", "name:supreme court", None)]
