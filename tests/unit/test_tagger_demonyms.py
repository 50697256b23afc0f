"""A people's word names its country ("Ukrainian troops" -> Ukraine) beside its own key: the generated table, and the
tagger filling Entity.country_id."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

from schemas import Entity, NormalizedArticle
from services.tagger.core import Tagger
from services.tagger.demonyms import BUNDLED_DEMONYMS, Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load([])


@pytest.fixture(scope="module")
def table(gazetteer: Gazetteer) -> Demonyms:
    return Demonyms.load(gazetteer)


@pytest.mark.parametrize("word, country", [
    ("Ukrainian", "Ukraine"), ("Ukrainians", "Ukraine"), ("Russian", "Russia"), ("Israeli", "Israel"),
    ("Israelis", "Israel"), ("Britons", "United Kingdom"), ("British", "United Kingdom"), ("Filipinos", "Philippines"),
    ("Saudis", "Saudi Arabia"), ("Americans", "United States"), ("Palestinians", "State of Palestine"),
    ("Swiss", "Switzerland"), ("Chinese", "China"), ("German", "Germany"), ("North Korean", "North Korea"),
    ("Kazakhs", "Kazakhstan"), ("Emirati", "United Arab Emirates"), ("Ukrainian's", "Ukraine"), ("Kyrgyz", "Kyrgyzstan"),
])
def test_the_table_names_the_country_of_common_words_for_its_people(table: Demonyms, gazetteer: Gazetteer, word: str, country: str) -> None:
    found = table.country(word)
    assert found is not None, word
    assert found == (gazetteer.lookup(country).id, country)


@pytest.mark.parametrize("word", ["Congolese", "Kurdish", "Kurds", "Europeans", "Philippines", "Arab", "Hamas"])
def test_a_word_of_no_one_country_names_none(table: Demonyms, word: str) -> None:
    # "Congolese" is two countries' word; Kurds and Arabs are peoples of no one state; "Philippines" is the country.
    assert table.country(word) is None


def test_every_sovereign_country_in_the_news_has_its_people_word(table: Demonyms, gazetteer: Gazetteer) -> None:
    countries = {e.id for e in gazetteer if e.country == e.id}
    named = {table.country(w)[0] for w in _every_word() if table.country(w)}
    assert named <= countries
    assert len(named) >= 200  # of the gazetteer's 237: most territories without a currency of their own have one by hand
    for country in ("Ukraine", "Russia", "Israel", "Iran", "Syria", "Germany", "France", "United States", "Mali", "Sudan"):
        assert gazetteer.lookup(country).id in named, country


def _every_word() -> list[str]:
    import yaml

    return [w for row in yaml.safe_load(BUNDLED_DEMONYMS.read_text())["demonyms"] for w in row["demonyms"]]


def _build_script():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_demonyms

    return build_demonyms


@pytest.mark.parametrize("currency, adjective", [
    ("Ukrainian Hryvnia", "Ukrainian"), ("German Mark", "German"), ("Saudi Riyal", "Saudi"),
    ("Argentine Peso Ley (1970–1983)", "Argentine"), ("Brazilian Cruzeiro (1942–1967)", "Brazilian"),
    ("North Korean Won", "North Korean"), ("Georgian Kupon Larit", "Georgian"),
    ("US Dollar", None), ("CFP Franc", None), ("Bosnia-Herzegovina Convertible Mark", None),
    ("New Taiwan Dollar", None), ("Portuguese Guinea Escudo", None), ("Euro", None),
])
def test_a_currency_name_gives_the_adjective_it_opens_with(currency: str, adjective: str | None) -> None:
    units = {"Hryvnia", "Mark", "Riyal", "Peso", "Ley", "Cruzeiro", "Won", "Larit", "Dollar", "Franc", "Escudo"}
    assert _build_script().currency_adjective(currency, units) == adjective


@pytest.mark.parametrize("word, plural", [
    ("Ukrainian", "Ukrainians"), ("Israeli", "Israelis"), ("Filipino", "Filipinos"), ("Briton", "Britons"),
    ("Czech", "Czechs"), ("Frenchman", "Frenchmen"), ("Swiss", None), ("Chinese", None), ("British", None),
    ("Icelandic", None), ("Kyrgyz", None), ("Malagasy", None),
])
def test_plurals_are_made_only_for_nouns_that_take_an_s(word: str, plural: str | None) -> None:
    assert _build_script().plural(word) == plural


def test_the_bundled_table_is_what_the_build_script_writes_with_the_pinned_babel() -> None:
    import babel

    pinned = (ROOT / "scripts" / "requirements-gazetteer.txt").read_text().split("babel==", 1)[1].split()[0]
    if babel.__version__ != pinned:
        pytest.skip(f"babel {babel.__version__} here, the table is built with {pinned}: CLDR's names change between releases")
    build = _build_script()
    assert build.render(build.build()[0]) == BUNDLED_DEMONYMS.read_text(encoding="utf-8"), "run scripts/build_demonyms.py"


def test_relate_gives_a_people_word_its_country_and_keeps_its_key(table: Demonyms) -> None:
    words = [
        Entity(text="Ukrainians", type="NORP", field="body", start=0, end=10, key="name:ukrainian"),
        Entity(text="Britons", type="GPE", field="body", start=15, end=22, key="name:britons"),  # NER's mistake
        Entity(text="Ukraine", type="GPE", field="body", start=30, end=37, canonical_id="Q212", canonical_name="Ukraine", key="Q212"),
        Entity(text="Kurds", type="NORP", field="body", start=40, end=45, key="name:kurd"),
        Entity(text="Jordan", type="PERSON", field="body", start=50, end=56, key="name:jordan"),
    ]
    related = table.relate(words)
    assert [(e.country_id, e.country_name) for e in related] == [
        ("Q212", "Ukraine"), ("Q145", "United Kingdom"), (None, None), (None, None), (None, None)]
    assert [e.key for e in related] == [e.key for e in words]
    assert not any(table.is_state_body(e) for e in related)  # alert reasons say "by its people" of these


@pytest.fixture(scope="module")
def tagger(gazetteer: Gazetteer) -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"), gazetteer=gazetteer)


def test_the_tagger_fills_country_id_for_norp_words_and_changes_no_key(tagger: Tagger) -> None:
    tagged = tagger.tag(NormalizedArticle(
        id="norp-1", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="",
        title="Ukrainian troops shelled Russian positions near Bakhmut",
        body="Ukrainian officials said the shelling went on overnight. Israelis and Americans were not involved."))
    related = {e.text: (e.country_id, e.key) for e in tagged.entities if e.country_id}
    assert related["Ukrainian"] == ("Q212", "name:ukrainian")
    assert related["Russian"] == ("Q159", "name:russian")
    assert related["Israelis"] == ("Q801", "name:israeli")
    # The word is not the country: no NORP mention is linked, so stories read the keys they read before.
    assert not [e for e in tagged.entities if e.type == "NORP" and e.canonical_id]


def test_a_report_stored_before_people_rows_gets_from_its_stored_mentions_the_rows_a_new_report_gets(tagger: Tagger) -> None:
    from services.newsroom.people import people_rows, stored_people
    from services.newsroom.records import article_row

    tagged = tagger.tag(NormalizedArticle(
        id="norp-2", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="",
        title="Russian troops shelled Ukrainian positions as Russia massed forces",
        body="Russia said its forces advanced. Russian officials and Ukrainians in Kyiv disagreed; Ukraine said Russians "
             "retreated. Britons and Kurds were evacuated."))
    # What the newsroom keeps of a report (articles.entities), read back as a store from before the rows has it.
    kept = orjson.loads(article_row(tagged).values["entities"])
    assert people_rows(tagged)  # the words are there to be found
    assert stored_people(kept, Demonyms.load()) == people_rows(tagged)


def _org(text: str, start: int = 0, type: str = "ORG") -> Entity:
    return Entity(text=text, type=type, field="body", start=start, end=start + len(text), key=name_key(text))  # as the tagger keys it


@pytest.mark.parametrize("name, country", [
    ("Russian Foreign Ministry", "Q159"), ("Ukrainian Defence Ministry", "Q212"), ("Ukrainian Army", "Q212"),
    ("Russian Defense Ministry", "Q159"), ("Iranian Ministry of Foreign Affairs", "Q794"), ("North Korean Army", "Q423"),
    ("Turkish Armed Forces", "Q43"), ("British Embassy", "Q145"),
])
def test_a_state_body_named_by_its_peoples_word_is_of_that_country_and_keeps_its_key(table: Demonyms, name: str, country: str) -> None:
    # NER gives "the Russian Foreign Ministry said" one ORG span: an alert rule on Russia with people: true reads it.
    body = _org(name)
    related = table.relate([body])[0]
    assert related.country_id == country
    assert (related.key, related.canonical_id, related.side_country_id) == (body.key, None, None)
    assert table.is_state_body(related)  # an alert reason says "by its state body", not "by its people"


@pytest.mark.parametrize("name", ["Syrian Observatory for Human Rights", "Syrian Arab Red Crescent", "British Airways",
                                  "British Museum", "Russian Forcesx", "Foreign Ministry", "Irish Republican Army",
                                  "Syrian Democratic Forces", "Syrian National Council"])
def test_an_organisation_that_is_no_state_body_names_no_country(table: Demonyms, name: str) -> None:
    assert table.relate([_org(name)])[0].country_id is None


@pytest.mark.parametrize("name, country", [
    ("Russian Federal Protective Service", "Q159"), ("U.S. Federal Aviation Administration", "Q30"),
    ("US Food and Drug Administration", "Q30"), ("U.S. Securities and Exchange Commission", "Q30"),
    ("Ukrainian National Anti-Corruption Bureau", "Q212"), ("Ukrainian Prosecutor General's Office", "Q212"),
    ("Ukrainian Main Intelligence Directorate", "Q212"), ("Russian State Labour Inspectorate", "Q159"),
    ("Russian Central Election Commission", "Q159"), ("U.S. Census Bureau", "Q30"), ("Israeli High Court of Justice", "Q801"),
    ("Israeli Space Agency", "Q801"), ("British Competition Authority", "Q145"), ("Russian Investigative Committee", "Q159"),
    ("U.S. Coast Guard", "Q30"), ("Chinese Coast Guard", "Q148"), ("Russian Border Guard", "Q159"),
    ("Ukrainian National Guard", "Q212"), ("Russian Prosecutor's Office", "Q159"),
])
def test_a_state_office_is_of_its_country_whatever_words_say_which_office(table: Demonyms, name: str, country: str) -> None:
    # An office's head noun (service, administration, agency, bureau...) names a state's institution whatever its remit,
    # so "Protective" or "Aviation" need be no portfolio word the table knows.
    assert table.relate([_org(name)])[0].country_id == country


@pytest.mark.parametrize("name", [
    "Russian Railways", "Russian Orthodox Church", "American Red Cross", "U.S. Chamber of Commerce",
    "Chinese Academy of Sciences", "Syrian Arab News Agency", "Iranian Students' News Agency", "Russian Anti-Doping Agency",
    "Russian Olympic Committee", "American Jewish Committee", "Syrian National Army", "Ukrainian Insurgent Army",
    "Russian Commercial Bank", "Russian federal protective service",
])
def test_a_company_medium_sports_faith_or_armed_body_named_like_a_states_is_none(table: Demonyms, name: str) -> None:
    # A company the state owns is no state body; a medium's, a sport's or a faith's agency is none; an army, a committee
    # or a bank is one only after a portfolio's words (armed groups and NGOs name themselves so); an office's other
    # words are a name's, capitalised.
    assert table.relate([_org(name)])[0].country_id is None


def test_a_side_taken_for_or_against_a_country_relates_to_it_as_a_side_not_as_its_people(table: Demonyms) -> None:
    words = [_org("pro-Russian", 0, "NORP"), _org("Anti-American", 20, "NORP"), _org("pro-Western", 40, "NORP"),
             _org("pro-government", 60, "NORP")]
    related = table.relate(words)
    # A pro-Russian separatist is usually Ukrainian: Russia is the side's country, not the word's.
    assert [(e.side, e.side_country_id, e.side_country_name) for e in related] == [
        ("pro", "Q159", "Russia"), ("anti", "Q30", "United States"), (None, None, None), (None, None, None)]
    assert [e.country_id for e in related] == [None] * 4
    assert [e.key for e in related] == [e.key for e in words]


def test_the_tagger_gives_a_state_body_its_country_and_a_side_its_sides_country() -> None:
    tagger = Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"))
    tagged = tagger.tag(NormalizedArticle(
        id="body-1", source="test-feed", fetched_at=datetime(2026, 3, 5, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title="", original_body="",
        title="The Russian Foreign Ministry said on Monday it had deep concern",
        body="Pro-Russian separatists shelled the town, and the Ukrainian Defence Ministry said two soldiers died."))
    by_text = {e.text: e for e in tagged.entities}
    assert (by_text["Russian Foreign Ministry"].country_id, by_text["Russian Foreign Ministry"].type) == ("Q159", "ORG")
    assert by_text["Ukrainian Defence Ministry"].country_id == "Q212"
    side = by_text["Pro-Russian"]
    assert (side.country_id, side.side, side.side_country_id, side.key) == (None, "pro", "Q159", "name:pro-russian")


def test_a_country_or_capital_linked_inside_a_side_keeps_its_link_and_gets_the_side(gazetteer: Gazetteer) -> None:
    table = Demonyms.load(gazetteer)
    body = "pro-Moscow rebels and anti-Kyiv crowds met pro-Russia activists in Moscow and Kharkiv."
    russia, moscow, kyiv = (gazetteer.lookup(n) for n in ("Russia", "Moscow", "Kyiv"))

    def place(name: str, nth: int = 0) -> Entity:
        start = -1
        for _ in range(nth + 1):
            start = body.index(name, start + 1)
        entry = gazetteer.lookup(name)
        return Entity(text=name, type="GPE", field="body", start=start, end=start + len(name), canonical_id=entry.id,
                      canonical_name=entry.name, key=entry.id)

    places = [place("Moscow"), place("Kyiv"), place("Russia"), place("Moscow", 1), place("Kharkiv")]
    related = table.relate(places, {"title": "", "body": body})
    assert [(e.text, e.side, e.side_country_id) for e in related] == [
        ("Moscow", "pro", russia.id), ("Kyiv", "anti", kyiv.country), ("Russia", "pro", russia.id),
        ("Moscow", None, None), ("Kharkiv", None, None)]  # the city itself; a city that is no capital
    assert [e.canonical_id for e in related] == [moscow.id, kyiv.id, russia.id, moscow.id, gazetteer.lookup("Kharkiv").id]
    assert table.relate(places) == places  # without the texts, no side is read
