"""Linking NER mentions to canonical entities, fed hand-made mentions so each rule is pinned without a model."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemas import Entity
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import clean_mention, link_article
from services.tagger.mentions import FieldMentions, Mention


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def span(text: str, surface: str, label: str, nth: int = 0) -> Mention:
    """The ``nth`` occurrence of ``surface`` in ``text`` as a mention."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(start, start + len(surface), label)


def link(gazetteer: Gazetteer, body: str, mentions: list[Mention], title: str = "", title_mentions: list[Mention] | None = None) -> list[Entity]:
    return link_article(gazetteer, [FieldMentions("title", title, title_mentions or []), FieldMentions("body", body, mentions)])


def assert_spans_exact(entities: list[Entity], fields: dict[str, str]) -> None:
    for e in entities:
        assert fields[e.field][e.start : e.end] == e.text, e


def test_ner_mention_resolves_by_exact_alias_and_takes_the_gazetteer_type(gazetteer: Gazetteer) -> None:
    body = "Rockets fell on Kiev overnight."
    entities = link(gazetteer, body, [span(body, "Kiev", "PERSON")])  # small models do tag "Kiev" PERSON
    assert [(e.text, e.type, e.canonical_name) for e in entities] == [("Kiev", "GPE", "Kyiv")]
    assert entities[0].canonical_id == gazetteer.lookup("Kyiv").id


def test_mention_resolves_by_normalized_form(gazetteer: Gazetteer) -> None:
    body = "Troops from the Russian Federation’s army and President Putin's envoy."
    mentions = [span(body, "the Russian Federation’s", "GPE"), span(body, "President Putin", "PERSON")]
    entities = link(gazetteer, body, mentions)
    assert {e.canonical_name for e in entities} == {"Russia", "Vladimir Putin"}
    assert_spans_exact(entities, {"body": body, "title": ""})
    assert all(not e.text.lower().startswith("the ") for e in entities)


def test_dotted_acronym_resolves_to_the_organisation(gazetteer: Gazetteer) -> None:
    body = "A U.N.-backed plan and the I.M.F. loan."
    entities = link(gazetteer, body, [span(body, "U.N.", "ORG"), span(body, "I.M.F.", "ORG")])
    assert [e.canonical_name for e in entities] == ["United Nations", "International Monetary Fund"]


def test_surname_links_to_full_name_seen_earlier(gazetteer: Gazetteer) -> None:
    body = "Defence Minister Rustem Umerov arrived on Monday. Umerov said supplies were short, and Umerov left."
    mentions = [span(body, "Rustem Umerov", "PERSON"), span(body, "Umerov", "PERSON", 1)]  # third one missed by NER
    entities = [e for e in link(gazetteer, body, mentions) if e.type == "PERSON"]
    assert [e.text for e in entities] == ["Rustem Umerov", "Umerov", "Umerov"]
    assert {e.canonical_name for e in entities} == {"Rustem Umerov"}
    assert all(e.canonical_id is None for e in entities)


def test_surname_links_to_a_full_name_that_is_a_gazetteer_entry(tmp_path: Path) -> None:
    # Only the full name is known; the bare surname is not an alias.
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump({"entities": [{"id": "Q900000010", "name": "Jens Stoltenberg", "type": "PERSON"}]}))
    gazetteer = Gazetteer.load([path])
    assert gazetteer.lookup("Stoltenberg") is None
    body = "Jens Stoltenberg landed in Kyiv. Later Stoltenberg met soldiers."
    entities = link(gazetteer, body, [span(body, "Jens Stoltenberg", "PERSON"), span(body, "Stoltenberg", "ORG", 1)])
    people = [e for e in entities if e.canonical_id == "Q900000010"]
    assert [(e.text, e.type) for e in people] == [("Jens Stoltenberg", "PERSON"), ("Stoltenberg", "PERSON")]


def test_headline_surname_links_to_full_name_in_body(gazetteer: Gazetteer) -> None:
    title = "Umerov warns of shortages"
    body = "Rustem Umerov, the defence minister, spoke in Kyiv."
    entities = link(gazetteer, body, [span(body, "Rustem Umerov", "PERSON")], title=title, title_mentions=[span(title, "Umerov", "PERSON")])
    title_people = [e for e in entities if e.field == "title"]
    assert [(e.text, e.canonical_name) for e in title_people] == [("Umerov", "Rustem Umerov")]


def test_surname_shared_by_two_people_stays_unresolved(gazetteer: Gazetteer) -> None:
    body = "Anna Kovalenko and Petro Kovalenko disagreed. Kovalenko left early."
    mentions = [span(body, "Anna Kovalenko", "PERSON"), span(body, "Petro Kovalenko", "PERSON"), span(body, "Kovalenko", "PERSON", 2)]
    surname = [e for e in link(gazetteer, body, mentions) if e.text == "Kovalenko"]
    assert len(surname) == 1 and surname[0].canonical_name is None


def test_ner_span_holding_title_and_two_names_yields_the_precise_spans(gazetteer: Gazetteer) -> None:
    body = "NATO Secretary General Jens Stoltenberg arrived."
    entities = link(gazetteer, body, [span(body, "NATO Secretary General Jens Stoltenberg", "PERSON")])
    assert [(e.text, e.type) for e in entities] == [("NATO", "ORG"), ("Jens Stoltenberg", "PERSON")]
    assert entities[0].canonical_id == gazetteer.lookup("NATO").id
    assert_spans_exact(entities, {"body": body, "title": ""})


def test_title_and_demonym_around_a_known_name_are_dropped(gazetteer: Gazetteer) -> None:
    body = "Ukrainian President Volodymyr Zelensky thanked allies."
    entities = link(gazetteer, body, [span(body, "Ukrainian President Volodymyr Zelensky", "PERSON")])
    assert [(e.text, e.canonical_name) for e in entities] == [("Volodymyr Zelensky", "Volodymyr Zelensky")]


def test_another_person_with_a_known_surname_is_not_linked_to_it(gazetteer: Gazetteer) -> None:
    body = "Melania Trump opened the garden."
    entities = link(gazetteer, body, [span(body, "Melania Trump", "PERSON")])
    assert [(e.text, e.canonical_id) for e in entities] == [("Melania Trump", None)]


def test_gazetteer_names_ner_missed_are_added(gazetteer: Gazetteer) -> None:
    body = "convoys left kyiv for the front while nato watched."
    entities = link(gazetteer, body, [])
    assert [(e.text, e.type, e.canonical_name) for e in entities] == [("kyiv", "GPE", "Kyiv"), ("nato", "ORG", "NATO")]


def test_ner_junk_is_dropped_and_leading_the_trimmed(gazetteer: Gazetteer) -> None:
    body = "“ — the Kremlin said” and the Black Sea Fleet; 'said Umerov"
    mentions = [
        span(body, "“", "ORG"),
        span(body, "—", "PERSON"),
        span(body, "the Kremlin", "ORG"),
        span(body, "the Black Sea Fleet", "ORG"),
        span(body, "Kremlin said” and", "ORG"),
    ]
    entities = link(gazetteer, body, mentions)
    assert_spans_exact(entities, {"body": body, "title": ""})
    texts = [e.text for e in entities]
    assert "Kremlin" in texts and "Black Sea Fleet" in texts
    assert not any(t.startswith(("the ", "“", "—")) or "”" in t for t in texts)


def test_money_date_and_quantity_are_kept_unlinked_and_other_labels_dropped(gazetteer: Gazetteer) -> None:
    body = "On Monday Ukraine got $2 billion and 40 tonnes of grain, 5 percent more, reported CNN's third bulletin."
    mentions = [
        span(body, "Monday", "DATE"),
        span(body, "$2 billion", "MONEY"),
        span(body, "40 tonnes", "QUANTITY"),
        span(body, "5 percent", "PERCENT"),
        span(body, "third", "ORDINAL"),
    ]
    entities = link(gazetteer, body, mentions)
    kept = {(e.text, e.type) for e in entities if e.canonical_id is None}
    assert kept == {("Monday", "DATE"), ("$2 billion", "MONEY"), ("40 tonnes", "QUANTITY")}
    assert [e.canonical_name for e in entities if e.canonical_id] == ["Ukraine", "CNN"]  # found by the gazetteer alone


def test_entities_are_sorted_by_field_then_start(gazetteer: Gazetteer) -> None:
    title = "Moscow answers Kyiv"
    body = "Kyiv said on Friday that Moscow lied."
    entities = link(gazetteer, body, [span(body, "Friday", "DATE")], title=title)
    keys = [(e.field, e.start) for e in entities]
    assert keys == sorted(keys)
    assert [e.text for e in entities] == ["Kyiv", "Friday", "Moscow", "Moscow", "Kyiv"]


@pytest.mark.parametrize(
    "surface, label, expected",
    [
        ("the United States", "GPE", "United States"),
        ("“Kyiv”", "GPE", "Kyiv"),
        ("Kyiv.", "GPE", "Kyiv"),
        ("U.S.", "GPE", "U.S."),
        ("Kyiv’s", "GPE", "Kyiv"),
        ("(", "ORG", None),
        ("K", "PERSON", None),
        ("Kyiv\n\nNATO", "ORG", None),
        ("Friday", "CARDINAL", None),
    ],
)
def test_clean_mention(surface: str, label: str, expected: str | None) -> None:
    text = f"Pre {surface} post"
    cleaned = clean_mention(text, Mention(4, 4 + len(surface), label))
    assert (text[cleaned.start : cleaned.end] if cleaned else None) == expected


# One-word names that are also words, or capitals the gazetteer knows in another case, need evidence
# (name_evidence.py). The sentences are the ones that mislinked in real news (galaxy_dev, CoNLL-2003 testa),
# with the mentions spaCy's en_core_web_md gave them.


def linked(entities: list[Entity]) -> list[tuple[str, str | None]]:
    return [(e.text, e.canonical_name) for e in entities if e.canonical_id is not None]


def test_a_word_starting_a_sentence_is_not_the_name_it_spells(gazetteer: Gazetteer) -> None:
    body = "KHARKIV, Ukraine — Fed up with the lifeless and unflattering photographs of their city, residents took their own."
    entities = link(gazetteer, body, [span(body, "KHARKIV", "GPE"), span(body, "Fed", "ORG")])  # spaCy: "Fed" ORG
    assert ("Fed", "Federal Reserve") not in linked(entities)
    assert ("KHARKIV", "Kharkiv") in linked(entities)

    body = "Apple trees bloomed early across the valley this spring."
    assert linked(link(gazetteer, body, [])) == []


def test_the_same_word_links_where_its_capital_is_the_names(gazetteer: Gazetteer) -> None:
    body = "Traders said the Fed would raise rates. Fed officials declined to comment."
    entities = link(gazetteer, body, [span(body, "Fed", "ORG"), span(body, "Fed", "ORG", nth=1)])
    assert linked(entities) == [("Fed", "Federal Reserve"), ("Fed", "Federal Reserve")]  # the second by the first

    body = "The investor Kai-Fu Lee, who has worked for Google, Microsoft and Apple, spoke on Monday."
    assert ("Apple", "Apple Inc.") in linked(link(gazetteer, body, [span(body, "Apple", "ORG")]))

    body = 'Apple said on Tuesday that sales fell. "We will do better," Trump said at a rally.'
    assert linked(link(gazetteer, body, [])) == [("Apple", "Apple Inc."), ("Trump", "Donald Trump")]


def test_a_headline_word_links_when_the_article_names_it_in_running_text(gazetteer: Gazetteer) -> None:
    title = "Chad government closes university after protests"
    body = "N'DJAMENA 1996-08-30\nThe government of Chad has closed N'Djamena University after two days of protests."
    entities = link(gazetteer, body, [span(body, "Chad", "GPE")], title=title, title_mentions=[span(title, "Chad", "GPE")])
    assert [name for _, name in linked(entities)].count("Chad") == 2

    title = "Turkey prices soar before Thanksgiving"
    assert linked(link(gazetteer, "Shoppers paid more this year for the holiday bird.", [], title=title)) == []


def test_capitals_the_gazetteer_knows_in_another_case_are_someone_elses_acronym(gazetteer: Gazetteer) -> None:
    body = "Two people were killed, according to the state news agency, SANA. Thatcher was shaken by an IRA attempt on her life."
    entities = link(gazetteer, body, [span(body, "SANA", "PERSON"), span(body, "IRA", "ORG"), span(body, "Thatcher", "PERSON")])
    assert linked(entities) == []  # not Sanaa ("Sana"), not Iran ("Irã")
    assert {e.text for e in entities} >= {"SANA", "IRA"}  # still mentions, unlinked

    body = "May 15 v Duke of Norfolk's XI (at Arundel)\nMay 17 v Northampton"
    assert ("XI", "Xi Jinping") not in linked(link(gazetteer, body, [span(body, "Duke of Norfolk", "ORG")]))


def test_capitals_link_with_an_agreeing_label_in_a_dateline_or_as_the_entitys_own_acronym(gazetteer: Gazetteer) -> None:
    body = "Armed separatists held the town hall, a KIEV official said. Chelsea faces Videoton in the UEFA Europa League."
    assert ("KIEV", "Kyiv") in linked(link(gazetteer, body, [span(body, "KIEV", "NORP")]))  # spaCy often says NORP
    assert ("KIEV", "Kyiv") not in linked(link(gazetteer, body, [span(body, "KIEV", "ORG")]))
    assert ("UEFA", "UEFA") in linked(link(gazetteer, body, []))  # its own name, though Italian writes "Uefa"

    body = "KYIV (Reuters) - More than 30 pro-Russian separatists were killed in fighting, the interior minister said."
    assert ("KYIV", "Kyiv") in linked(link(gazetteer, body, [span(body, "KYIV", "ORG")]))  # the dateline


def test_a_word_starting_a_sentence_links_as_the_subject_of_a_report_or_a_possessive(gazetteer: Gazetteer) -> None:
    body = "Turkey's President Recep Tayyip Erdoğan offered to host talks in Ankara."
    assert ("Turkey", "Turkey") in linked(link(gazetteer, body, [span(body, "Turkey", "GPE")]))


def test_a_surname_links_to_one_person_written_in_longer_and_shorter_forms(gazetteer: Gazetteer) -> None:
    body = ('Rapper Kanye West has changed his name. He wrote: "The being formally known as Kanye West." '
            "West, 41, has been nicknamed Ye for some time.")
    mentions = [span(body, "Rapper Kanye West", "PERSON"), span(body, "Kanye West", "PERSON", 1), span(body, "West", "PERSON", 2)]
    west = [e for e in link(gazetteer, body, mentions) if e.text == "West"]
    assert [(e.canonical_name, e.key) for e in west] == [("Kanye West", "name:kanye west")]


def test_a_surname_two_relatives_share_stays_unresolved(gazetteer: Gazetteer) -> None:
    body = ("Naina Yeltsin had a kidney operation last Saturday, and Boris Yeltsin visited her. "
            "Yeltsin, 65, has been seen only rarely since his heart surgery.")
    mentions = [span(body, "Naina Yeltsin", "PERSON"), span(body, "Boris Yeltsin", "PERSON"), span(body, "Yeltsin", "PERSON", 2)]
    yeltsin = [e for e in link(gazetteer, body, mentions) if e.text == "Yeltsin"]
    assert [(e.canonical_name, e.key) for e in yeltsin] == [(None, "name:yeltsin")]  # not Naina, the nearest


def test_a_national_partys_acronym_links_where_the_article_is_about_its_country(gazetteer: Gazetteer) -> None:
    body = "CSU beat Wyoming 31-24 on Saturday as the Rams clinched bowl eligibility in Fort Collins."
    # Colorado State, not the Bavarian party ("Wyoming", a team named for its state, links to the state here; the
    # newswire step after linking makes it a side, test_tagger_newswire: the test is about the acronym)
    assert "CSU" not in [text for text, _ in linked(link(gazetteer, body, [span(body, "CSU", "ORG")]))]

    body = "Chancellor Friedrich Merz said the CSU would back the budget, a relief for the coalition in Berlin."
    assert ("CSU", "Christian Social Union in Bavaria") in linked(link(gazetteer, body, [span(body, "CSU", "ORG")]))

    body = "The CDU and the CSU agreed on a joint candidate for chancellor on Monday."
    assert [name for _, name in linked(link(gazetteer, body, []))] == [
        "Christian Democratic Union of Germany", "Christian Social Union in Bavaria"]


def test_a_countrys_name_opening_a_bare_headline_links_on_its_ner_label(gazetteer: Gazetteer) -> None:
    title = "China hits back at US tariffs"
    entities = link(gazetteer, "", [], title=title, title_mentions=[span(title, "China", "GPE"), span(title, "US", "GPE")])
    assert linked(entities) == [("China", "China"), ("US", "United States")]
    title = "Fed up with delays, commuters walk"
    assert linked(link(gazetteer, "", [], title=title, title_mentions=[span(title, "Fed", "ORG")])) == []


def test_a_place_inside_a_longer_name_is_not_linked_as_the_place(gazetteer: Gazetteer) -> None:
    # Real sentences (CoNLL testa, galaxy_dev, ntrex_dev), each with the span spaCy gives for the place.
    for body, place in [
        ("Jansher , bidding for an eighth Hong Kong Open title , plays second-seeded Australian Rodney Eyles .", "Hong Kong"),
        ("Israel's Iron Dome system intercepted two rockets, according to the Israel Defense Forces Twitter account.", "Israel"),
        ("The novel, translated into 40 languages, deals with a day in the life of Santiago de Cuba, Puig's native city.", "Cuba"),
        ("Mr. Merriweather said that St. Martin's did not replace him as the pastor of the church in the end.", "St. Martin"),
        ("Stefan Edberg extended his stay at his 14th and last U.S. Open when Bernd Karbacher retired hurt.", "U.S."),
    ]:
        entities = link(gazetteer, body, [span(body, place, "GPE", nth=body.count(place) - 1)])
        at = body.rindex(place)
        inside = [e for e in entities if e.start <= at < e.end]
        # still a mention: the place unlinked, or the longer name where the gazetteer knows it (Santiago de Cuba,
        # a province among the first-level regions), never the place it holds
        assert inside and all(e.canonical_id is None or e.text != place for e in inside), body
        assert ("Santiago", "Santiago") not in linked(entities)


def test_a_place_before_an_office_a_lower_case_word_or_another_name_still_links(gazetteer: Gazetteer) -> None:
    for body, place in [
        ("Hong Kong police arrested six people after the protest outside the government offices on Sunday.", "Hong Kong"),
        ("Kyiv Mayor Vitali Klitschko said the city had enough shelters for everyone who needed one.", "Kyiv"),
        ("Mr. Obama will host Chancellor Angela Merkel of Germany at the White House later this week.", "Germany"),
        ("It was the heaviest bombardment of the war so far, and rocket fire continued across Israel Friday.", "Israel"),
        ("The storm will move east toward the West Coast of the U.S. As Rosa approaches, rain will spread.", "U.S."),
        ("The Israel Hamas war went on for a second month, with no ceasefire in sight for the people of Gaza.", "Israel"),
    ]:
        entities = link(gazetteer, body, [span(body, place, "GPE")])
        assert any(e.text == place and e.canonical_id is not None for e in entities), body

    title = "Hong Kong Police Arrest Six After Protest In Central District"  # title case: the capitals say nothing
    assert ("Hong Kong", "Hong Kong") in linked(link(gazetteer, "", [], title=title))


def test_a_place_alias_inside_an_arabic_name_is_not_linked_as_the_place(gazetteer: Gazetteer) -> None:
    # "Ahmad" is an alias of Kuwait's Al Ahmadi; the first sentence is galaxy_dev's, with and without spaCy's span.
    body = "Ahmad al-Ali, a member of a local government council, said the convoy had reached the town."
    for mentions in ([], [span(body, "Ahmad", "GPE")], [span(body, "Ahmad al-Ali", "PERSON")]):
        assert linked(link(gazetteer, body, mentions)) == [], mentions
    for body in [
        "The council was led by Ahmad bin Khalid until the vote.",  # the place before "bin"
        "A statement was read by Khalid bin Ahmad on state television.",  # after "bin"
        "Ali ibn Ahmad wrote the letter, the ministry said.",  # after "ibn"
        "The group's leader, Abu Ahmad, denied the report.",  # after an opening "Abu"
        "Mourners gathered outside the home of Yusuf al-Ahmad on Friday.",  # after "al-"
    ]:
        assert ("Ahmad", "Al Ahmadi") not in linked(link(gazetteer, body, [])), body


def test_said_and_the_sun_letter_articles_open_or_join_an_arabic_name(gazetteer: Gazetteer) -> None:
    # "Said" before "al-" is a man's name, not the verb; before a sun letter the article is written "ash-", "as-",
    # "ad-", "an-"...: "Ahmad" (Al Ahmadi's alias) is part of each name, with or without NER's span.
    for body in [
        "Said al-Ahmad told reporters the crossing was shut.",
        "The crossing was shut, according to Said al-Ahmad.",
        "The group was led by Ahmad ash-Shami until the vote.",
        "Ahmad as-Sayed and Ahmad ad-Darwish signed the letter.",
        "A statement was read by Khalid an-Ahmad on state television.",
    ]:
        assert ("Ahmad", "Al Ahmadi") not in linked(link(gazetteer, body, [])), body


def test_places_named_with_arabic_particles_still_link(gazetteer: Gazetteer) -> None:
    body = ("Flights from Abu Dhabi to Al Ahmadi resumed. Fighting went on in Deir ez-Zor and Al-Hasakah, "
            "and a storm hit Ras al-Khaimah. In al-Raqqa the dam held. Traffic on the Dubai Abu Dhabi road was slow.")
    assert [name for _, name in linked(link(gazetteer, body, []))] == [
        "Abu Dhabi", "Al Ahmadi", "Deir ez-Zor", "Al Hasakah", "Ras Al Khaimah", "Raqqa", "Dubai", "Abu Dhabi"]
    body = "Ahmad, the governorate south of Kuwait City, holds most of the country's refineries."
    assert ("Ahmad", "Al Ahmadi") in linked(link(gazetteer, body, [span(body, "Ahmad", "GPE")]))


def test_a_norp_word_and_its_plural_are_one_unlinked_entity(gazetteer: Gazetteer) -> None:
    body = "Ukrainians are fleeing the fighting, a Ukrainian official said, and the Swiss sent aid."
    mentions = [span(body, "Ukrainians", "NORP"), span(body, "Ukrainian", "NORP", nth=1), span(body, "Swiss", "NORP")]
    keys = {e.text: e.key for e in link(gazetteer, body, mentions)}
    assert keys == {"Ukrainians": "name:ukrainian", "Ukrainian": "name:ukrainian", "Swiss": "name:swiss"}
    assert all(e.canonical_id is None for e in link(gazetteer, body, mentions))  # not Ukraine itself


def test_a_one_word_person_before_a_noun_for_a_place_is_a_place(gazetteer: Gazetteer) -> None:
    body = "Rutte also met soldiers of the NATO battlegroup at the Rukla base and said allies would decide on new targets."
    types = {e.text: e.type for e in link(gazetteer, body, [span(body, "Rukla", "PERSON")])}
    assert types["Rukla"] == "GPE"

    body = "Officials in the Biden administration said the Kushner plan was not on the table."
    types = {e.text: e.type for e in link(gazetteer, body, [span(body, "Biden", "PERSON"), span(body, "Kushner", "PERSON")])}
    assert types == {"Biden": "PERSON", "Kushner": "PERSON"}


def test_a_place_spelt_in_another_language_does_not_link_on_its_own(gazetteer: Gazetteer) -> None:
    # GeoNames lists "Sufa" among Suva's names; in English news it is Kibbutz Sufa in Israel.
    body = "Thirteen Hamas militants used a tunnel to launch an attempted attack in Sufa, near an Israeli kibbutz."
    assert "Suva" not in {e.canonical_name for e in link(gazetteer, body, [span(body, "Sufa", "GPE")])}


def test_a_foreign_spelling_links_where_the_article_names_the_place_or_its_country(gazetteer: Gazetteer) -> None:
    body = "The cyclone reached Fiji on Monday; roofs came off in Sufa, as some locals write it."
    assert ("Sufa", "Suva") in linked(link(gazetteer, body, [span(body, "Sufa", "GPE")]))


def test_an_alias_that_ends_a_persons_name_is_no_place(gazetteer: Gazetteer) -> None:
    # French "Maurice" is Mauritius; after a given name it is a footballer's surname.
    body = "9 - Nicolas Ouedec ( 17 - Florian Maurice 64th ) , 11 - Patrice Loko ( 15 - Zinedine Zidane 70th )"
    assert "Mauritius" not in {e.canonical_name for e in link(gazetteer, body, [])}


def test_a_countrys_rare_spelling_is_the_country(gazetteer: Gazetteer) -> None:
    # CoNLL testa (1996): Reuters wrote "Kazakstan", which English writes far less today than "Kazakhstan"; spaCy
    # calls it an organisation there.
    body = "1. Igor Potapovich ( Kazakstan ) 5.80"
    out = link(gazetteer, body, [span(body, "Igor Potapovich", "PERSON"), span(body, "Kazakstan", "ORG")])
    assert ("Kazakstan", "GPE", "Kazakhstan") in {(e.text, e.type, e.canonical_name) for e in out}


def test_english_exonyms_still_link_without_their_country(gazetteer: Gazetteer) -> None:
    body = "Most political prisoners are held in Rangoon's Insein Prison, and flights to Odessa and Bombay resumed."
    assert {("Rangoon", "Yangon"), ("Odessa", "Odesa"), ("Bombay", "Mumbai")} <= set(linked(link(gazetteer, body, [])))


def test_a_city_named_like_its_province_is_the_city_unless_the_text_says_province(gazetteer: Gazetteer) -> None:
    body = "Rebels left the old city of Homs for Idlib province, and shells fell on Latakia and on Idlib."
    found = {e.text: e.canonical_name for e in link(gazetteer, body, [])}
    # "Idlib province" by its longer name; each bare name is the city, not its governorate (as before the cities).
    assert found == {"Homs": "Homs", "Idlib province": "Idlib Province", "Latakia": "Latakia", "Idlib": "Idlib"}
    assert gazetteer.lookup("Idlib").id != gazetteer.lookup("Idlib province").id


def test_gaza_city_is_the_city_and_bare_gaza_the_strip(gazetteer: Gazetteer) -> None:
    body = "Air strikes hit Gaza city overnight, medics in Gaza said."
    assert linked(link(gazetteer, body, [])) == [("Gaza city", "Gaza City"), ("Gaza", "Gaza Strip")]


def test_a_city_before_der_and_a_capitalised_word_is_a_surname(gazetteer: Gazetteer) -> None:
    # Van, Turkey (a city of 300,000+) is not the rugby player Joost van der Westhuizen.
    body = "A quick penalty from Van der Westhuizen five metres from the All Black line made it 22-8."
    assert "Van" not in {e.canonical_name for e in link(gazetteer, body, [span(body, "Van der Westhuizen", "PERSON")])}


def test_a_machine_translation_keeps_the_sources_spelling_of_a_place(gazetteer: Gazetteer) -> None:
    # Apertium leaves the Spanish "Pekin" in its English: there it is Beijing, though English seldom writes it.
    body = "Pekin said that the manoeuvres were a warning to the separatists."
    fields = [FieldMentions("title", "", []), FieldMentions("body", body, [span(body, "Pekin", "GPE")])]
    assert ("Pekin", "Beijing") in linked(link_article(gazetteer, fields, language="en", translated=True))
    assert ("Pekin", "Beijing") not in linked(link_article(gazetteer, fields, language="en"))


def test_a_city_that_speaks_is_a_person_unless_it_is_a_capital_or_its_people(gazetteer: Gazetteer) -> None:
    body = ("Along with 30 other people, Vladimir said he had hidden. Later Vladimir, in tears, left. "
            "Moscow said it would retaliate. Police in the town of Uyo said a man was held.")
    mentions = [span(body, "Vladimir", "PERSON"), span(body, "Vladimir", "PERSON", 1), span(body, "Moscow", "GPE"), span(body, "Uyo", "GPE")]
    out = [(e.text, e.type, e.canonical_name) for e in link(gazetteer, body, mentions)]
    assert out == [("Vladimir", "PERSON", None), ("Vladimir", "PERSON", None), ("Moscow", "GPE", "Moscow"), ("Uyo", "GPE", "Uyo")]


def test_a_city_named_before_its_creator_is_a_work_not_the_city(gazetteer: Gazetteer) -> None:
    body = "Comic books from the collection of Batman co-creator Bob Kane go up for sale. Floods hit Batman in Turkey."
    out = [(e.text, e.canonical_name) for e in link(gazetteer, body, [span(body, "Batman", "PERSON"), span(body, "Bob Kane", "PERSON")])
           if e.text == "Batman"]
    assert out == [("Batman", None), ("Batman", "Batman")]


def test_a_city_that_speaks_is_its_authorities_unless_it_is_named_like_a_person(gazetteer: Gazetteer) -> None:
    # "Donetsk said" and "Tel Aviv said" are the cities' authorities (metonymy); "Vladimir said" is a man: English
    # knows "Vladimir" only as a person's name (places.yaml's person_name), "Donetsk" and "Tel Aviv" as nothing else.
    body = ("Donetsk said on Monday that shelling had killed three people. Tel Aviv said it would respond. "
            "Vladimir said he had not slept.")
    mentions = [span(body, "Donetsk", "GPE"), span(body, "Tel Aviv", "GPE"), span(body, "Vladimir", "PERSON")]
    out = [(e.text, e.canonical_name) for e in link(gazetteer, body, mentions)]
    assert out == [("Donetsk", "Donetsk"), ("Tel Aviv", "Tel Aviv"), ("Vladimir", None)]


def test_a_city_named_like_a_person_that_speaks_is_the_city_unless_the_article_has_a_person_by_that_name(gazetteer: Gazetteer) -> None:
    # spaCy calls any name right before "said" a person's ("Sydney said"), so that label is no evidence; the article's
    # people are: one named in full ("Vladimir Putin"), a person it speaks of as "he" or "she", or another mention
    # NER takes for a person.
    body = ("Sydney said it would open evacuation centres. Hamilton said the roads were closed. "
            "Vladimir Putin met officials. Vladimir said the plan would work. Florence said she had never seen the sea.")
    mentions = [span(body, "Sydney", "PERSON"), span(body, "Hamilton", "PERSON"), span(body, "Vladimir Putin", "PERSON"),
                span(body, "Vladimir", "PERSON", 1), span(body, "Florence", "ORG")]
    out = [(e.text, e.canonical_name) for e in link(gazetteer, body, mentions) if e.text != "Vladimir Putin"]
    assert out == [("Sydney", "Sydney"), ("Hamilton", "Hamilton"), ("Vladimir", None), ("Florence", None)]


def test_a_city_that_names_a_newspaper_before_a_verb_of_saying_is_the_newspaper(gazetteer: Gazetteer) -> None:
    body = "Castro, who turned 79, was in good health, the official newspaper Granma reported on Saturday. Granma called it a hoax."
    out = [(e.text, e.canonical_name) for e in link(gazetteer, body, [span(body, "Granma", "ORG"), span(body, "Granma", "ORG", 1)])]
    assert out == [("Granma", None), ("Granma", None)]


def test_a_city_that_speaks_and_is_the_name_of_a_person_the_article_names_is_that_person(gazetteer: Gazetteer) -> None:
    # CoNLL testa: Durán is a city in Ecuador; the boxing report names Roberto Duran in its headline.
    title = "BOXING - ROBERTO DURAN FIGHTS ON"
    body = "Duran, 45, takes on a Mexican on Saturday. \"I'm not retiring,\" Duran told Reuters."
    mentions = [span(body, "Duran", "PERSON"), span(body, "Duran", "PERSON", 1)]
    out = link(gazetteer, body, mentions, title=title, title_mentions=[span(title, "ROBERTO DURAN", "PERSON")])
    assert [(e.text, e.type, e.canonical_id) for e in out if e.text == "Duran"] == [("Duran", "PERSON", None), ("Duran", "PERSON", None)]
