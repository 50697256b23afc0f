"""Reports stored before the tagger kept a state body's portfolio in its key ("name:ministry") get their keys again from
their stored names when the store next opens, once, as the tagger keys those names now."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from schemas import Entity, Salience
from services.newsroom import store as store_module
from services.newsroom.rekey import KEY_RULE, rebodied, rekeyed, respelt
from services.newsroom.store import StoryQuery
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import name_key
from tests.unit.test_newsroom_store import NOW, T0, article, open_store  # noqa: F401 - fixture: both backends


def old_report(n: int, story: str, *mentions: tuple[str, str]):
    """A report an older tagger keyed: each (name as written, its key then), all ORG, one mention each."""
    base = article(n, story, title=f"Ministries speak, report {n}", at=T0 + timedelta(hours=n), keys=("Q7184",))
    entities = [*base.entities, *(Entity(text=name, type="ORG", field="body", start=i, end=i + 1, key=key)
                                  for i, (name, key) in enumerate(mentions))]
    salience = list(base.salience)
    for name, key in mentions:
        if key not in {s.key for s in salience}:
            salience.append(Salience(key=key, name=name, type="ORG", mentions=sum(k == key for _, k in mentions),
                                     in_title=False, in_lead=False))
    return base.model_copy(update={"entities": entities, "salience": salience})


@contextmanager
def an_older_release() -> Iterator[None]:
    """Writes as a release before the store made a delivered report's keys its rule's (rekey.delivered_keys): as the
    message gave them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "delivered_keys", lambda row: row)
        yield


def as_before_keys_from(s) -> None:
    """Make ``s`` a store of the release before ``articles.keys_from`` (nor its index)."""
    conn = s.conn()
    conn.execute(f"DROP INDEX articles_keys_unmade_{KEY_RULE}")
    conn.execute("ALTER TABLE articles DROP COLUMN keys_from")
    s.close()


def reopened_marked(open_store, first: str, rest: str, *reports):
    """A store holding ``reports``, the first marked ``first`` (``articles.keys_from``) and the rest ``rest``, opened
    again: as a store written by an earlier key rule opens after an upgrade."""
    old = open_store()
    with an_older_release():
        for report in reports:
            old.write_article(report, now=NOW)
    conn = old.conn()
    conn.execute(f"UPDATE articles SET keys_from = '{first}' WHERE id = 'wire/1'")
    conn.execute(f"UPDATE articles SET keys_from = '{rest}' WHERE id <> 'wire/1'")
    old.close()
    return open_store()


def marks_of(s) -> list[str]:
    return [r["keys_from"] for r in s._rows("SELECT keys_from FROM articles ORDER BY id")]


def keys_of(s, article_id: str) -> list[tuple[str, str]]:
    stored = s._rows("SELECT key, mentions FROM article_entities WHERE article_id = ? ORDER BY key", [article_id])
    return [(r["key"], r["mentions"]) for r in stored]


def test_a_stored_ministry_gets_its_portfolio_and_its_countrys_key_once_the_store_opens(open_store):  # noqa: F811
    old = open_store()
    # Keyed by an older tagger: every ministry "name:ministry", the UK's Foreign Office by the word written.
    with an_older_release():
        old.write_article(old_report(1, "s-talks", ("Foreign Ministry", "name:ministry"), ("Defence Ministry", "name:ministry"),
                                     ("UK Foreign Office", "name:uk foreign office")), now=NOW)
        old.write_article(old_report(2, "s-talks", ("British Foreign Office", "name:british foreign office"),
                                     ("Ministry", "name:ministry")), now=NOW)
    as_before_keys_from(old)
    s = open_store()
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:british foreign office", 1), ("name:defense ministry", 1),
                                    ("name:foreign ministry", 1)]
    assert keys_of(s, "wire/2") == [("Q7184", 2), ("name:british foreign office", 1), ("name:ministry", 1)]
    # One Foreign Office, however the report wrote its country; the foreign ministry is no longer every ministry.
    assert (s.entity("name:british foreign office")["articles"], s.entity("name:foreign ministry")["articles"]) == (2, 1)
    assert s.entity("name:ministry")["articles"] == 1
    assert s.entity("name:uk foreign office") is None  # no report has that key: no empty page
    assert sorted(e["key"] for e in s.story("s-talks")["articles"][0]["entities"]) == [
        "Q7184", "name:british foreign office", "name:defense ministry", "name:foreign ministry"]
    # Done once: marked, and a report written now keeps the keys its message gives.
    s.write_article(old_report(3, "s-talks", ("Interior Ministry", "name:ministry")), now=NOW)
    s.close()
    again = open_store()
    assert keys_of(again, "wire/3") == [("Q7184", 2), ("name:ministry", 1)]
    assert marks_of(again) == [f"names:{KEY_RULE}", f"names:{KEY_RULE}", f"message:{KEY_RULE}"]


def test_the_rule_made_again_from_a_name_is_the_taggers_and_leaves_linked_keys_alone() -> None:
    key_of = Demonyms.load(Gazetteer.load()).key_of
    mentions = [{"key": "name:ministry", "name": "Russian Foreign Ministry", "type": "ORG"},
                {"key": "name:ukrainians", "name": "Ukrainians", "type": "NORP"},
                {"key": "Q789915", "name": "United States Department of State", "type": "ORG"},
                {"key": "name:argentinian army", "name": "Argentinian Army", "type": "ORG"}]
    assert [m["key"] for m in rekeyed(mentions, key_of)] == [
        "name:russian foreign ministry", "name:ukrainian", "Q789915", "name:argentine army"]
    assert rekeyed(rekeyed(mentions, key_of), key_of) == rekeyed(mentions, key_of)


def test_reports_keyed_by_the_rule_before_spellings_were_folded_meet_their_other_spelling_once_the_store_opens(open_store):  # noqa: F811
    # Rule 1: the message's keys (made with the article's text: "the Ministry" after "Israel's Defence Ministry"), and
    # keys made again from names, each spelling its own entity.
    s = reopened_marked(open_store, "message", "names",
                        old_report(1, "s-strikes", ("Israel Defence Forces", "name:israel defence forces"),
                                   ("Ministry", "name:israeli defence ministry")),
                        old_report(2, "s-strikes", ("Israel Defense Forces", "name:israel defense forces")),
                        old_report(3, "s-strikes", ("Scott Labour Centre", "name:scott labour centre")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:israeli defense forces", 1), ("name:israeli defense ministry", 1)]
    assert keys_of(s, "wire/3") == [("Q7184", 2), ("name:scott labour center", 1)]
    # One entity in either spelling, keyed as the tagger keys the name now (rule 4: a state body stored under its words
    # as written takes its country's adjective's key); its page keeps the name as written.
    assert s.entity("name:israeli defense forces")["articles"] == 2
    assert s.entity("name:israel defence forces") is None
    assert s.entity("name:scott labour center")["name"] == "Scott Labour Centre"
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()
    again = open_store()  # done once
    assert keys_of(again, "wire/1") == [("Q7184", 2), ("name:israeli defense forces", 1), ("name:israeli defense ministry", 1)]


def test_a_key_a_re_key_merges_is_named_on_its_page_as_most_of_its_reports_name_it(open_store):  # noqa: F811
    old = open_store()
    # Rule 1 kept the spellings apart: the American key's directory row was written first, by the one report spelling
    # it so; two reports spell it the British way, under the British key.
    with an_older_release():
        old.write_article(old_report(1, "s-strikes", ("Israel Defense Forces", "name:israel defense forces")), now=NOW)
        old.write_article(old_report(2, "s-strikes", ("Israel Defence Forces", "name:israel defence forces")), now=NOW)
        old.write_article(old_report(3, "s-raids", ("Israel Defence Forces", "name:israel defence forces")), now=NOW)
    old.conn().execute("UPDATE articles SET keys_from = 'message'")
    old.close()
    s = open_store()
    entity = s.entity("name:israeli defense forces")
    assert (entity["name"], entity["articles"], entity["story_count"]) == ("Israel Defence Forces", 3, 2)
    listed = {e["key"]: e["name"] for story in s.stories(StoryQuery())["items"] for e in story["entities"]}
    assert listed["name:israeli defense forces"] == "Israel Defence Forces"


def test_respelling_a_stored_key_is_idempotent_and_leaves_linked_keys_alone() -> None:
    mentions = [{"key": "name:israel defence forces", "name": "IDF", "type": "ORG"},
                {"key": "Q7184", "name": "NATO", "type": "ORG"}]
    assert [m["key"] for m in respelt(mentions)] == ["name:israel defense forces", "Q7184"]
    assert respelt(respelt(mentions)) == respelt(mentions)


def test_reports_keyed_by_spellings_table_1_meet_their_american_spelling_once_the_store_opens(open_store):  # noqa: F811
    # Rule 2 folded "centre" and "defence", not "programme", "paediatric" or "fibre".
    s = reopened_marked(open_store, "message:2", "names:2",
                        old_report(1, "s-health", ("National Paediatric Programme", "name:national paediatric programme"),
                                   ("Fibre Optic Centre", "name:fibre optic center")),
                        old_report(2, "s-health", ("National Pediatric Program", "name:national pediatric program")),
                        old_report(3, "s-health", ("Defence Board", "name:defense board")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:fiber optic center", 1), ("name:national pediatric program", 1)]
    assert s.entity("name:national pediatric program")["articles"] == 2
    assert s.entity("name:national paediatric programme") is None
    assert keys_of(s, "wire/3") == [("Q7184", 2), ("name:defense board", 1)]
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_respelling_a_key_of_an_earlier_rule_gives_the_key_the_tagger_gives_the_name_now() -> None:
    for name, rule_2 in (("National Paediatric Programme", "name:national paediatric programme"),
                         ("Fibre Optic Centre", "name:fibre optic center"), ("Grey Wolves", "name:grey wolves")):
        assert respelt([{"key": rule_2, "name": name, "type": "ORG"}])[0]["key"] == name_key(name)


def test_a_state_office_stored_under_the_words_written_meets_its_countrys_key_once_the_store_opens(open_store):  # noqa: F811
    # Rule 2 knew no "Aviation" or "Protective": each office kept the key of the words written; "Foreign Ministry" had
    # its country's key from the article's text ("Russia's Foreign Ministry"), which no name alone gives.
    s = reopened_marked(open_store, "message:2", "names:2",
                        old_report(1, "s-flights", ("U.S. Federal Aviation Administration",
                                                    "name:u.s federal aviation administration"),
                                   ("Foreign Ministry", "name:russian foreign ministry")),
                        old_report(2, "s-flights", ("American Federal Aviation Administration",
                                                    "name:american federal aviation administration"),
                                   ("Russian Federal Protective Service", "name:russian federal protective service")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:american federal aviation administration", 1),
                                    ("name:russian foreign ministry", 1)]
    # One office however the report wrote its country; the old key's page is gone.
    assert s.entity("name:american federal aviation administration")["articles"] == 2
    assert s.entity("name:u.s federal aviation administration") is None
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_re_keying_a_state_office_by_its_name_leaves_keys_the_text_gave_and_linked_keys_alone() -> None:
    key_of = Demonyms.load(Gazetteer.load()).key_of
    mentions = [{"key": "name:u.s federal aviation administration", "name": "U.S. Federal Aviation Administration", "type": "ORG"},
                {"key": "name:russian foreign ministry", "name": "Foreign Ministry", "type": "ORG"},
                {"key": "Q789915", "name": "United States Department of State", "type": "ORG"}]
    assert [m["key"] for m in rebodied(mentions, key_of)] == [
        "name:american federal aviation administration", "name:russian foreign ministry", "Q789915"]
    assert rebodied(rebodied(mentions, key_of), key_of) == rebodied(mentions, key_of)


def test_stored_labour_offices_for_offices_and_the_state_duma_meet_their_other_names_once_the_store_opens(open_store):  # noqa: F811
    # Rule 4 kept "labour" apart in every name, knew no office named with "for ...", and keyed the Duma's other name by
    # its words.
    s = reopened_marked(open_store, "message:4", "names:4",
                        old_report(1, "s-aid", ("Labour Ministry", "name:labour ministry"),
                                   ("U.S. Agency for International Development", "name:u.s agency for international development"),
                                   ("State Duma", "name:state duma"), ("Labour", "name:labour")),
                        old_report(2, "s-aid", ("Labor Ministry", "name:labor ministry"),
                                   ("American Agency for International Development",
                                    "name:american agency for international development"),
                                   ("Duma", "name:duma")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:american agency for international development", 1),
                                    ("name:duma", 1), ("name:labor ministry", 1), ("name:labour", 1)]
    # One entity each, whichever name or spelling the report gave it; the party keeps its own key.
    assert [s.entity(key)["articles"] for key in ("name:labor ministry", "name:american agency for international development",
                                                  "name:duma", "name:labour")] == [2, 2, 2, 1]
    assert [s.entity(key) for key in ("name:labour ministry", "name:state duma",
                                      "name:u.s agency for international development")] == [None] * 3
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def re_keyed(mentions: list[dict]) -> tuple[list[str], list[str]]:
    """The keys the stored ``mentions`` get made from their keys (respelt, then rebodied) and from their names alone."""
    key_of = Demonyms.load(Gazetteer.load()).key_of
    return [m["key"] for m in rebodied(respelt(mentions), key_of)], [m["key"] for m in rekeyed(mentions, key_of)]


def test_re_keying_by_rule_5_from_names_or_keys_gives_the_taggers_keys() -> None:
    mentions = [{"key": "name:labour ministry", "name": "Labour Ministry", "type": "ORG"},
                {"key": "name:state duma", "name": "State Duma", "type": "ORG"},
                {"key": "name:labour party", "name": "Labour Party", "type": "ORG"}]
    expected = ["name:labor ministry", "name:duma", "name:labour party"]
    assert re_keyed(mentions) == (expected, expected)


def test_stored_ministries_named_either_way_round_meet_once_the_store_opens(open_store):  # noqa: F811
    # Rule 5 keyed a portfolio ministry by the words in the order written: "Ministry of Foreign Affairs" was another
    # entity than "Foreign Ministry", and so was a country's ministry the text named so ("Russia's Ministry of Defence").
    s = reopened_marked(open_store, "message:5", "names:5",
                        old_report(1, "s-min", ("Ministry of Foreign Affairs", "name:ministry of foreign affairs"),
                                   ("Ministry of Defence", "name:russian ministry of defense"),
                                   ("Office of the President", "name:office of the president")),
                        old_report(2, "s-min", ("Foreign Ministry", "name:foreign ministry"),
                                   ("Russian Defence Ministry", "name:russian defense ministry")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:foreign ministry", 1), ("name:office of the president", 1),
                                    ("name:russian defense ministry", 1)]
    assert [s.entity(key)["articles"] for key in ("name:foreign ministry", "name:russian defense ministry",
                                                  "name:office of the president")] == [2, 2, 1]
    assert [s.entity(key) for key in ("name:ministry of foreign affairs", "name:russian ministry of defense")] == [None] * 2
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_re_keying_by_rule_6_from_names_or_keys_gives_the_taggers_keys_for_ministries_and_qualified_bodies() -> None:
    key_of = Demonyms.load(Gazetteer.load()).key_of
    mentions = [{"key": "name:ministry of the interior", "name": "Ministry of the Interior", "type": "ORG"},
                {"key": "name:russian ministry of foreign affairs", "name": "Russian Ministry of Foreign Affairs", "type": "ORG"},
                {"key": "name:department of homeland security", "name": "Department of Homeland Security", "type": "ORG"},
                {"key": "name:russian state duma", "name": "Russian State Duma", "type": "ORG"},
                {"key": "name:israeli knesset", "name": "Israeli Knesset", "type": "ORG"}]
    expected = ["name:interior ministry", "name:russian foreign ministry", "name:department of homeland security",
                "name:duma", "name:knesset"]
    assert [m["key"] for m in rebodied(respelt(mentions), key_of)] == expected
    assert [m["key"] for m in rekeyed(mentions, key_of)] == expected
    assert [name_key(m["name"]) for m in mentions][:3] == expected[:3]


def test_re_keying_by_rule_6_gives_a_ministry_named_with_its_country_after_it_and_an_internal_affairs_ministry_theirs() -> None:
    mentions = [{"key": "name:ministry of health of brazil", "name": "Ministry of Health of Brazil", "type": "ORG"},
                {"key": "name:russian ministry of internal affairs", "name": "Ministry of Internal Affairs", "type": "ORG"},
                {"key": "name:department of internal affairs", "name": "Department of Internal Affairs", "type": "ORG"}]
    expected = ["name:brazilian health ministry", "name:russian interior ministry", "name:department of internal affairs"]
    # From the names alone, the country the text gave "Ministry of Internal Affairs" ("Russia's") is not there.
    assert re_keyed(mentions) == (expected, [expected[0], "name:ministry of internal affairs", expected[2]])


def test_re_keying_by_rule_7_gives_a_state_body_named_with_its_country_after_it_its_countrys_key() -> None:
    mentions = [{"key": "name:armed forces of ukraine", "name": "Armed Forces of Ukraine", "type": "ORG"},
                {"key": "name:central bank of russia", "name": "Central Bank of Russia", "type": "ORG"},
                {"key": "name:bank of china", "name": "Bank of China", "type": "ORG"},
                {"key": "name:armed forces", "name": "Armed Forces", "type": "ORG"}]
    # A bank named by its country alone keeps its name; "Armed Forces" whose country the text gave apart keeps its key.
    expected = ["name:ukrainian armed forces", "name:russian central bank", "name:bank of china", "name:armed forces"]
    assert re_keyed(mentions) == (expected, expected)


def test_stored_bodies_named_with_their_country_after_them_meet_the_country_before_form_once_the_store_opens(open_store):  # noqa: F811
    # Rule 6 keyed "Armed Forces of Ukraine" by the words written: another entity than the "Ukrainian Armed Forces".
    s = reopened_marked(open_store, "message:6", "names:6",
                        old_report(1, "s-war", ("Armed Forces of Ukraine", "name:armed forces of ukraine"),
                                   ("Bank of China", "name:bank of china")),
                        old_report(2, "s-war", ("Ukrainian Armed Forces", "name:ukrainian armed forces")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:bank of china", 1), ("name:ukrainian armed forces", 1)]
    assert s.entity("name:ukrainian armed forces")["articles"] == 2
    assert s.entity("name:armed forces of ukraine") is None
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_re_keying_by_rule_8_gives_a_peoples_word_its_singular_key_and_keeps_a_body_keyed_by_its_articles_country() -> None:
    mentions = [{"key": "name:springboks", "name": "Springboks", "type": "NORP"},
                {"key": "name:british parliament", "name": "British Parliament", "type": "ORG"},
                {"key": "name:parliament", "name": "Parliament", "type": "ORG"}]
    # A rule-7 tagger kept the team's key of a name voted a people's word; "Parliament" stored before rule 8 has no
    # article around it to say whose it is.
    expected = ["name:springbok", "name:british parliament", "name:parliament"]
    assert re_keyed(mentions) == (expected, expected)


def test_a_report_marked_by_rule_7_is_made_again_by_rule_8_once_the_store_opens(open_store):  # noqa: F811
    s = reopened_marked(open_store, "message:7", "names:7",
                        old_report(1, "s-vote", ("Parliament", "name:parliament"), ("Parliament", "name:british parliament")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:british parliament", 1), ("name:parliament", 1)]
    assert marks_of(s) == [f"message:{KEY_RULE}"]
    s.close()


def test_re_keying_by_rule_9_gives_central_banks_their_countrys_key_and_folds_commerce_and_a_doubled_l() -> None:
    mentions = [{"key": "name:reserve bank of australia", "name": "Reserve Bank of Australia", "type": "ORG"},
                {"key": "name:people's bank of china", "name": "People's Bank of China", "type": "ORG"},
                {"key": "name:department of commerce", "name": "Department of Commerce", "type": "ORG"},
                {"key": "name:samaritans counselling service", "name": "Samaritans Counselling Service", "type": "ORG"},
                {"key": "name:conde nast traveller", "name": "Conde Nast Traveller", "type": "ORG"},
                {"key": "name:treasury department", "name": "Treasury Department", "type": "ORG"}]
    # "Treasury Department" stored before rule 9 has no dateline around it to say whose it is.
    expected = ["name:australian reserve bank", "name:chinese people's bank", "name:commerce department",
                "name:samaritans counseling service", "name:conde nast traveller", "name:treasury department"]
    assert re_keyed(mentions) == (expected, expected)


def test_a_report_marked_by_rule_8_is_made_again_by_rule_9_once_the_store_opens(open_store):  # noqa: F811
    s = reopened_marked(open_store, "message:8", "names:8",
                        old_report(1, "s-rates", ("Reserve Bank of India", "name:reserve bank of india"),
                                   ("Counselling Service", "name:counselling service")),
                        old_report(2, "s-rates", ("Indian Reserve Bank", "name:indian reserve bank"),
                                   ("Counseling Service", "name:counseling service")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:counseling service", 1), ("name:indian reserve bank", 1)]
    assert s.entity("name:indian reserve bank")["articles"] == 2
    assert s.entity("name:reserve bank of india") is None
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_re_keying_by_rule_10_keys_a_body_by_its_countrys_adjective_not_its_peoples_noun() -> None:
    mentions = [{"key": "name:new zealander reserve bank", "name": "Reserve Bank of New Zealand", "type": "ORG"},
                {"key": "name:liechtensteiner foreign ministry", "name": "Foreign Ministry", "type": "ORG"},
                {"key": "name:new zealander", "name": "New Zealander", "type": "NORP"},
                {"key": "name:new zealand rugby union", "name": "New Zealand Rugby Union", "type": "ORG"}]
    # A body the text gave its country ("Foreign Ministry" after "Liechtenstein's") is made from its key, not its name.
    assert re_keyed(mentions)[0] == ["name:new zealand reserve bank", "name:liechtenstein foreign ministry",
                                     "name:new zealander", "name:new zealand rugby union"]
    assert re_keyed(mentions[:1])[1] == ["name:new zealand reserve bank"]


def test_a_report_marked_by_rule_9_is_made_again_by_rule_10_once_the_store_opens(open_store):  # noqa: F811
    s = reopened_marked(open_store, "message:9", "names:9",
                        old_report(1, "s-rates", ("Reserve Bank of New Zealand", "name:new zealander reserve bank")),
                        old_report(2, "s-rates", ("New Zealand Reserve Bank", "name:new zealand reserve bank")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:new zealand reserve bank", 1)]
    assert s.entity("name:new zealand reserve bank")["articles"] == 2
    assert s.entity("name:new zealander reserve bank") is None
    assert marks_of(s) == [f"message:{KEY_RULE}", f"names:{KEY_RULE}"]
    s.close()


def test_re_keying_by_rule_11_gives_a_treasury_named_by_its_country_that_countrys_key() -> None:
    mentions = [{"key": "name:u.s treasury", "name": "U.S. Treasury", "type": "ORG"},
                {"key": "name:us treasury", "name": "US Treasury", "type": "ORG"},
                {"key": "name:uk treasury", "name": "UK Treasury", "type": "ORG"},
                {"key": "name:treasury", "name": "Treasury", "type": "ORG"}]
    # A bare "Treasury" stored before rule 10 has no dateline around it to say whose it is.
    expected = ["name:american treasury department"] * 2 + ["name:british treasury", "name:treasury"]
    assert re_keyed(mentions) == (expected, expected)


def test_re_keying_by_rule_11_makes_again_a_watchdogs_key_an_earlier_rule_gave_by_its_country_after_it() -> None:
    mentions = [{"key": "name:pakistani human rights commission", "name": "Human Rights Commission of Pakistan",
                 "type": "ORG"},
                {"key": "name:indian reserve bank", "name": "Reserve Bank of India", "type": "ORG"},
                # written so, or named so by the text around it ("Pakistan's Human Rights Commission"): as written
                {"key": "name:pakistani human rights commission", "name": "Pakistani Human Rights Commission",
                 "type": "ORG"},
                # the text gave this one a country: not its name's own key, nor one its name gives by a country
                {"key": "name:pakistani foreign ministry", "name": "Foreign Ministry", "type": "ORG"}]
    expected = ["name:human rights commission of pakistan", "name:indian reserve bank",
                "name:pakistani human rights commission", "name:pakistani foreign ministry"]
    assert re_keyed(mentions)[0] == expected


@pytest.mark.parametrize("mark", ["message:8", "names:10"])
def test_a_watchdog_stored_with_its_countrys_key_meets_its_own_once_the_store_opens(open_store, mark):  # noqa: F811
    # Rules 7 and 8 keyed "Human Rights Commission of Pakistan", an NGO, by its country; rules 9 and 10 kept that key.
    s = reopened_marked(open_store, mark, mark,
                        old_report(1, "s-rights", ("Human Rights Commission of Pakistan",
                                                   "name:pakistani human rights commission"),
                                   ("U.S. Treasury", "name:u.s treasury")),
                        old_report(2, "s-rights", ("Human Rights Commission of Pakistan",
                                                   "name:human rights commission of pakistan"),
                                   ("Treasury Department", "name:american treasury department")))
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:american treasury department", 1),
                                    ("name:human rights commission of pakistan", 1)]
    assert s.entity("name:human rights commission of pakistan")["articles"] == 2
    assert s.entity("name:american treasury department")["articles"] == 2
    assert s.entity("name:pakistani human rights commission") is None
    assert s.entity("name:u.s treasury") is None
    assert marks_of(s) == [f"{mark.split(':')[0]}:{KEY_RULE}"] * 2
    s.close()
