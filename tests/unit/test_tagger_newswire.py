"""English NER on wire copy: all-capital lines true-cased, scores cut off names, one type per name across an
article, names tagged at every mention, and sides in sports results told from the places they are named after."""

from __future__ import annotations

import pytest

from schemas import Entity
from services.normalize.lexicon import default_lexicon
from services.newsroom.rekey import _delivered_key
from services.tagger.linking import name_key, people_word_key
from services.tagger.mentions import Mention
from services.tagger.newswire import Newswire, load_organisations, trim_mention
from services.tagger.truecase import caps_lines, truecase


@pytest.fixture(scope="module")
def zipf():
    return default_lexicon().zipf


def _e(field: str, text: str, body: str, word: str, kind: str, nth: int = 0, **extra) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    extra.setdefault("key", name_key(word))
    return Entity(text=word, type=kind, field=field, start=start, end=start + len(word), **extra)  # type: ignore[arg-type]


# --- true-casing -------------------------------------------------------------------------------------------------

def test_a_capital_headline_takes_the_case_the_article_writes_its_words_in(zipf):
    title = "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT ."
    body = "Japan began the defence of their Asian Cup title with a lucky 2-1 win against Syria.\nChina lost."
    cased_title, cased_body = truecase([title, body], zipf)
    assert cased_title == "Soccer - Japan get lucky win , China in surprise defeat ."
    assert cased_body == body, "lines in mixed case are left alone"


def test_true_casing_changes_only_letter_case_so_offsets_hold(zipf):
    text = "BONN 1996-08-30\nThe RBI said NYMEX CRUDE FELL .\nNBP SAYS RATES STAY"
    [cased] = truecase([text], zipf)
    assert len(cased) == len(text) and cased.lower() == text.lower()
    assert cased.splitlines()[1] == text.splitlines()[1], "a mixed-case line keeps its acronyms"
    assert cased.startswith("Bonn 1996-08-30"), "an unknown word of four letters or more reads as a name"
    assert cased.endswith("NBP says rates stay"), "a short unknown word stays in capitals (an acronym), ordinary words go lower case"


def test_a_gazetteer_name_is_written_as_a_name(zipf):
    [cased] = truecase(["TALKS IN ATHENS END"], zipf, is_name={"athens"}.__contains__)
    assert cased == "Talks in Athens end"


def test_only_lines_mostly_in_capitals_count_as_capital_lines():
    assert caps_lines("NATO said.\nUS AND EU AGREE\nok") == [(11, 26)]


# --- mentions ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text,span,expected",
    [
        ("Middlesex 199 and 50", "Middlesex 199", "Middlesex"),
        ("G. Kersey 63 , D. Bicknell 55", "G. Kersey 63", "G. Kersey"),
        ("CRICKET - AUSTRALIA WIN", "CRICKET - AUSTRALIA", "AUSTRALIA"),
        ("the Interfax news agency said", "Interfax news agency", "Interfax"),
        ("Alan Shearer scored", "Alan Shearer", "Alan Shearer"),
    ],
)
def test_scores_dates_topics_and_common_words_are_cut_off_names(text: str, span: str, expected: str):
    start = text.index(span)
    trimmed = trim_mention(text, Mention(start, start + len(span), "ORG"))
    assert trimmed is not None and text[trimmed.start : trimmed.end] == expected


@pytest.mark.parametrize("text", ["c Smith b Jones", "won 83 runs"])
def test_a_mention_with_no_capital_letter_is_no_name(text: str):
    word = "b" if " b " in text else "83"
    start = text.index(word)
    assert trim_mention(text, Mention(start, start + len(word), "PERSON")) is None


@pytest.mark.parametrize(
    "text,span",
    [
        ("U.S. Secretary of State John Kerry said", "State"),
        ("Deputy Secretary of State William Burns", "State"),
        ("the Secretary of the Treasury spoke", "the Treasury"),
        ("Minister for Europe Jane Doe", "Europe"),
    ],
)
def test_the_portfolio_of_an_office_is_no_organisation(text: str, span: str):
    start = text.index(span)
    assert trim_mention(text, Mention(start, start + len(span), "ORG")) is None


def test_an_organisation_not_named_as_an_office_stays():
    text = "a State Department official met the Secretary of State's staff at the Foreign Ministry"
    for span in ("State Department", "Foreign Ministry"):
        start = text.index(span)
        assert trim_mention(text, Mention(start, start + len(span), "ORG")) == Mention(start, start + len(span), "ORG")


# --- across the article ------------------------------------------------------------------------------------------

@pytest.fixture()
def newswire(zipf):
    return Newswire(zipf, organisations=None)


def test_a_surname_alone_after_the_full_name_is_the_person_even_family_name_first(newswire: Newswire):
    body = "Dissident Wang Donghai was detained. Wang had said so. Wasim Akram bowled. Akram took four."
    entities = [_e("body", body, body, "Wang Donghai", "PERSON"), _e("body", body, body, "Wang", "ORG", 1),
                _e("body", body, body, "Wasim Akram", "PERSON"), _e("body", body, body, "Akram", "GPE", 1)]
    out = newswire.entities("", body, entities)
    assert {(e.text, e.type) for e in out} == {("Wang Donghai", "PERSON"), ("Wang", "PERSON"), ("Wasim Akram", "PERSON"), ("Akram", "PERSON")}


def test_a_linked_place_after_a_preposition_of_place_stays_the_place_though_a_person_shares_the_name(newswire: Newswire):
    body = "Sydney Sweeney cancelled her show. Flooding in Sydney closed roads. Sydney thanked fans."
    entities = [_e("body", body, body, "Sydney Sweeney", "PERSON"),
                _e("body", body, body, "Sydney", "GPE", 1, canonical_id="Q3130", canonical_name="Sydney"),
                _e("body", body, body, "Sydney", "GPE", 2, canonical_id="Q3130", canonical_name="Sydney")]
    out = newswire.entities("", body, entities)
    found = sorted((e.start, e.type, e.canonical_id) for e in out if e.text == "Sydney")
    assert found == [(body.index("in Sydney") + 3, "GPE", "Q3130"), (body.index("Sydney thanked"), "PERSON", None)]
    # ...but what follows it owns the name: the person's ("the lead role in Jordan 's film", CoNLL's spacing too)
    for body in ("Neil Jordan directs. Neeson plays the lead in Jordan's film.", "Neil Jordan directs. Neeson plays the lead in Jordan 's film."):
        entities = [_e("body", body, body, "Neil Jordan", "PERSON"), _e("body", body, body, "Jordan", "GPE", 1, canonical_id="Q810")]
        assert [e.type for e in newswire.entities("", body, entities) if e.text == "Jordan"] == ["PERSON"]


def test_a_name_tagged_once_is_tagged_at_its_other_mentions_including_a_capital_headline(newswire: Newswire):
    title = "RUSSIA SAYS INTERFAX REPORT WRONG"
    body = "Interfax said on Monday the talks had failed. Officials denied what Interfax reported."
    out = newswire.entities(title, body, [_e("body", body, body, "Interfax", "ORG")])
    assert [(e.field, e.start, e.type) for e in out] == [
        ("body", body.index("Interfax"), "ORG"), ("body", body.rindex("Interfax"), "ORG"), ("title", title.index("INTERFAX"), "ORG")]
    assert all(e.text == (title if e.field == "title" else body)[e.start : e.end] for e in out)


def test_a_name_takes_the_type_most_of_its_mentions_have(newswire: Newswire):
    body = "Ruch won. Ruch lost. Ruch drew."
    entities = [_e("body", body, body, "Ruch", kind, n) for n, kind in enumerate(["ORG", "ORG", "PERSON"])]
    assert [e.type for e in newswire.entities("", body, entities)] == ["ORG", "ORG", "ORG"]


@pytest.mark.parametrize("kinds", [["ORG", "NORP", "NORP", "NORP"], ["NORP", "ORG", "ORG", "ORG"]])
def test_a_name_given_its_mentions_type_is_keyed_as_that_types_mentions_are(newswire: Newswire, kinds: list[str]):
    # CoNLL's rugby report: "Springboks" a people's word (NORP, keyed in the singular as "Ukrainians" is) three times and
    # a team once; each mention is then the one entity the newsroom keys it as from its name and type.
    body = "The Springboks won. The Springboks scored. The Springboks led. The Springboks ' second try."
    entities = [_e("body", body, body, "Springboks", kind, n, key=people_word_key("Springboks") if kind == "NORP" else name_key("Springboks"))
                for n, kind in enumerate(kinds)]
    out = newswire.entities("", body, entities)
    (kind,) = {e.type for e in out}
    assert {e.key for e in out} == {people_word_key("Springboks") if kind == "NORP" else name_key("Springboks")}
    assert {e.key for e in out} == {_delivered_key(e.key, e.canonical_name or e.text, e.type) for e in out}


def test_a_name_given_its_mentions_type_keeps_a_key_a_longer_name_gave_it(newswire: Newswire):
    body = "The South African Springboks won. Springboks led. Springboks scored."
    entities = [_e("body", body, body, "Springboks", "NORP", 0, key="name:south african springboks",
                   canonical_name="South African Springboks"),
                _e("body", body, body, "Springboks", "ORG", 1), _e("body", body, body, "Springboks", "ORG", 2)]
    out = newswire.entities("", body, entities)
    assert [(e.type, e.key) for e in out] == [("ORG", "name:south african springboks"), ("ORG", name_key("Springboks")),
                                              ("ORG", name_key("Springboks"))]


def test_a_competition_is_an_event_not_the_place_or_company_it_is_named_after(newswire: Newswire):
    body = "Seles won the U.S. Open. Germany lead the Fed Cup. The Asian Games open in Hiroshima. Open University grew."
    entities = [_e("body", body, body, "U.S. Open", "GPE", canonical_id="Q30", canonical_name="United States"),
                _e("body", body, body, "Fed Cup", "ORG"),
                _e("body", body, body, "Asian Games", "ORG", canonical_id="Q190036", canonical_name="Asian Games"),
                _e("body", body, body, "Hiroshima", "GPE"), _e("body", body, body, "Open University", "ORG")]
    out = {e.text: e for e in newswire.entities("", body, entities)}
    assert {name: e.type for name, e in out.items()} == {
        "U.S. Open": "EVENT", "Fed Cup": "EVENT", "Asian Games": "EVENT", "Hiroshima": "GPE", "Open University": "ORG"}
    assert out["U.S. Open"].canonical_id is None, "not the United States"
    assert out["Asian Games"].canonical_id == "Q190036", "linked to the competition itself: the link stays"


def test_an_organisation_named_in_a_competition_is_the_competition(newswire: Newswire):
    title = "TENNIS - DRAW FOR 1997 FED CUP"
    body = "The Fed Cup draw was held. The Fed left rates unchanged."
    entities = [_e("title", title, body, "FED", "ORG", canonical_id="Q53536", canonical_name="Federal Reserve"),
                _e("body", body, body, "Fed", "ORG", canonical_id="Q53536", canonical_name="Federal Reserve"),
                _e("body", body, body, "Fed", "ORG", 1, canonical_id="Q53536", canonical_name="Federal Reserve")]
    out = [(e.field, e.text, e.type, e.canonical_id) for e in newswire.entities(title, body, entities)]
    assert out == [("body", "Fed Cup", "EVENT", None), ("body", "Fed", "ORG", "Q53536"), ("title", "FED CUP", "EVENT", None)]


def test_common_words_are_not_propagated(newswire: Newswire):
    body = "The Times reported it. The minister said so."
    out = newswire.entities("", body, [_e("body", body, body, "The Times", "ORG")])
    assert [e.text for e in out] == ["The Times"]


def test_sides_in_a_sports_report_are_clubs_or_nations_and_places_stay_places(zipf):
    countries = {"Romania", "Lithuania"}
    newswire = Newswire(zipf, organisations=None, country_name=countries.__contains__)
    title = "SOCCER - RESULTS OF WEEKEND GAMES"
    body = "CHICAGO 1996-08-30\nPohang 3 Ulsan 2 ( halftime 1-0 )\nRomania 2 Lithuania 1\nChicago beat Boston on May 13 in Chicago ."
    entities = [_e("body", body, body, "CHICAGO", "GPE"), _e("body", body, body, "Chicago", "GPE"),
                _e("body", body, body, "Boston", "GPE"), _e("body", body, body, "Chicago", "GPE", 1)]
    out = {(e.start, e.text): e.type for e in newswire.entities(title, body, entities)}
    assert out[(0, "CHICAGO")] == "GPE", "the dateline is a place"
    assert out[(body.index("Pohang"), "Pohang")] == out[(body.index("Ulsan"), "Ulsan")] == "ORG"
    assert out[(body.index("Romania"), "Romania")] == "GPE", "a national side is named after its country"
    assert out[(body.index("Chicago beat"), "Chicago")] == out[(body.index("Boston"), "Boston")] == "ORG"
    assert out[(body.rindex("Chicago"), "Chicago")] == "GPE", "in Chicago: where it happened"
    assert not any(text == "May" for _, text in out), "a date is no side"


def test_places_outside_sports_reports_stay_places(zipf):
    newswire = Newswire(zipf, organisations=None)
    body = "Chicago 3 Boston 2 was the count of delegates."
    entities = [_e("body", body, body, "Chicago", "GPE"), _e("body", body, body, "Boston", "GPE")]
    assert [e.type for e in newswire.entities("Delegates counted", body, entities)] == ["GPE", "GPE"]


def test_bundled_organisations_are_found_where_the_model_missed_them(zipf):
    newswire = Newswire(zipf)
    body = "Tanjug reported the vote. The Kurdistan Democratic Party said so."
    kdp = _e("body", body, body, "Kurdistan Democratic Party", "ORG")
    out = newswire.entities("", body, [kdp])
    assert ("Tanjug", "ORG") in {(e.text, e.type) for e in out}
    assert kdp in out and not any(e.text == "Democratic Party" for e in out), "a longer name the model found is kept"
    assert load_organisations()["Tanjug"] == "ORG"


def test_a_place_that_beats_or_is_beaten_with_a_score_is_a_side_in_any_article(zipf):
    newswire = Newswire(zipf, organisations=None, countries={"Q30"}.__contains__)
    body = ("CSU beat Wyoming 31-24 on Saturday. Leeds lost to Hull 2-1. Texas sued Wyoming over water rights. "
            "Voters in Wyoming beat the deadline. The United States defeated Mexico 2-0.")
    wyoming = {"canonical_id": "geonames:5843591", "canonical_name": "Wyoming"}
    entities = [_e("body", body, body, "Wyoming", "GPE", **wyoming), _e("body", body, body, "Leeds", "GPE"),
                _e("body", body, body, "Hull", "GPE"), _e("body", body, body, "Texas", "GPE"),
                _e("body", body, body, "Wyoming", "GPE", 1, **wyoming), _e("body", body, body, "Wyoming", "GPE", 2, **wyoming),
                _e("body", body, body, "United States", "GPE", canonical_id="Q30")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities("Results", body, entities)]
    assert out == [("Wyoming", "ORG", None), ("Leeds", "ORG", None), ("Hull", "ORG", None), ("Texas", "GPE", None),
                   ("Wyoming", "GPE", "geonames:5843591"), ("Wyoming", "GPE", "geonames:5843591"),
                   ("United States", "GPE", "Q30")]


def test_a_city_before_a_role_in_a_club_is_the_club_in_any_article(zipf):
    newswire = Newswire(zipf, organisations=None)
    body = "Liverpool manager Juergen Klopp praised the Napoli striker. The Liverpool mayor opened a school."
    entities = [_e("body", body, body, "Liverpool", "GPE", canonical_id="geonames:2644210", canonical_name="Liverpool"),
                _e("body", body, body, "Napoli", "GPE", canonical_id="geonames:3172394", canonical_name="Naples"),
                _e("body", body, body, "Liverpool", "GPE", 1, canonical_id="geonames:2644210", canonical_name="Liverpool")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities("Politics", body, entities)]
    assert out == [("Liverpool", "ORG", None), ("Napoli", "ORG", None), ("Liverpool", "GPE", "geonames:2644210")]


def test_a_match_report_without_a_sports_heading_names_its_clubs_after_cities(zipf):
    newswire = Newswire(zipf, organisations=None)
    title = "Watch: Liverpool's Daniel Sturridge dips deep equalizer"
    body = ("Daniel Sturridge saved Liverpool from a Premier League loss to Chelsea with a late goal. "
            "The striker beat the goalkeeper after a run through midfield. He grew up in Birmingham.")
    liverpool = {"canonical_id": "geonames:2644210", "canonical_name": "Liverpool"}
    entities = [_e("title", title, body, "Liverpool", "GPE", **liverpool), _e("body", body, body, "Liverpool", "GPE", **liverpool),
                _e("body", body, body, "Birmingham", "GPE", canonical_id="geonames:2655603", canonical_name="Birmingham")]
    out = [(e.field, e.text, e.type, e.canonical_id) for e in newswire.entities(title, body, entities)]
    assert out == [("body", "Liverpool", "ORG", None), ("body", "Birmingham", "GPE", "geonames:2655603"),
                   ("title", "Liverpool", "ORG", None)]


def test_in_a_sports_report_a_side_is_named_after_from_at_and_to_as_the_club_and_in_is_still_the_city(zipf):
    # CoNLL testa: "joined Milan from Torino", "his former coach at Torino", "who has joined Espanyol of Barcelona
    # from Nantes", "winning seven of the 10 meetings from Cleveland"; a fixtures line's bare "at" is the venue.
    newswire = Newswire(zipf, organisations=None)
    title = "SOCCER - LENTINI JOINS ATALANTA"
    body = ("Lentini, 27, joined Milan from Torino in a $12 million deal, with his former coach at Torino. "
            "Ouedec has joined Espanyol from Nantes. He was born in Nantes.\nKANSAS CITY AT DETROIT")
    place = {"torino": {"canonical_id": "geonames:3165524", "canonical_name": "Turin"},
             "nantes": {"canonical_id": "geonames:2990969", "canonical_name": "Nantes"}}
    entities = [_e("body", body, body, "Torino", "GPE", **place["torino"]), _e("body", body, body, "Torino", "GPE", 1, **place["torino"]),
                _e("body", body, body, "Nantes", "GPE", **place["nantes"]), _e("body", body, body, "Nantes", "GPE", 1, **place["nantes"]),
                _e("body", body, body, "DETROIT", "GPE", canonical_id="geonames:4990729", canonical_name="Detroit")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities(title, body, entities) if e.text != "Milan"]
    assert out == [("Torino", "ORG", None), ("Torino", "ORG", None), ("Nantes", "ORG", None),
                   ("Nantes", "GPE", "geonames:2990969"), ("DETROIT", "GPE", "geonames:4990729")]


def test_a_town_right_after_a_result_with_its_score_is_the_side_that_played_there(zipf):
    newswire = Newswire(zipf, organisations=None, countries={"Q142"}.__contains__)
    body = ("Lyon won 2-0 at Nantes on Saturday. Marseille drew 1-1 at Bordeaux, Lille lost 3-1 at Toulouse and Rennes "
            "suffered a 2-1 defeat at Strasbourg. Monaco lost 2-1 at home to Lens. Nice beat Metz 2-0.")
    towns = [_e("body", body, body, w, "GPE", canonical_id=f"geonames:{w}", canonical_name=w)
             for w in ("Nantes", "Bordeaux", "Toulouse", "Strasbourg", "Lens", "Metz")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities("Results", body, towns)]  # no sports heading: any article
    assert out == [(e.text, "ORG", None) for e in towns]


def test_a_town_after_a_result_stays_the_place_where_it_is_a_venue(zipf):
    # Set scores: the tournament's town. Another side named between: a venue. A national side: an international's venue.
    newswire = Newswire(zipf, organisations=None, countries={"Q142"}.__contains__)
    body = ("Sampras won 6-3 6-4 at Toronto on Sunday. Lyon beat Lille 2-0 at Nantes in the final. "
            "France won 2-0 at Bordeaux. He was born in Lens.")
    france = _e("body", body, body, "France", "GPE", canonical_id="Q142", canonical_name="France")
    towns = [_e("body", body, body, w, "GPE", canonical_id=f"geonames:{w}", canonical_name=w) for w in ("Toronto", "Nantes", "Bordeaux", "Lens")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities("TENNIS - RESULTS", body, [france, *towns])]
    assert out == [("Toronto", "GPE", "geonames:Toronto"), ("Nantes", "GPE", "geonames:Nantes"), ("France", "GPE", "Q142"),
                   ("Bordeaux", "GPE", "geonames:Bordeaux"), ("Lens", "GPE", "geonames:Lens")]


def test_in_a_sports_report_a_player_signed_from_a_town_came_from_its_club_and_a_fan_from_it_lives_there(zipf):
    newswire = Newswire(zipf, organisations=None)
    title = "SOCCER - ARSENAL SIGN MIDFIELDER"
    body = ("Arsenal signed the 24-year-old from Nantes. A fan from Lyon said the striker, who played away at Lille "
            "and at home to Lens last week, was a bargain. He returned home to Metz.")
    towns = [_e("body", body, body, w, "GPE", canonical_id=f"geonames:{w}", canonical_name=w) for w in ("Nantes", "Lyon", "Lille", "Lens", "Metz")]
    out = [(e.text, e.type, e.canonical_id) for e in newswire.entities(title, body, towns)]
    assert out == [("Nantes", "ORG", None), ("Lyon", "GPE", "geonames:Lyon"), ("Lille", "ORG", None), ("Lens", "ORG", None),
                   ("Metz", "GPE", "geonames:Metz")]


def test_a_person_after_a_personal_title_stays_a_person_though_the_country_shares_the_name(newswire: Newswire):
    body = "Mr. Jordan told reporters that Jordan would help."
    entities = [_e("body", body, body, "Jordan", "PERSON"), _e("body", body, body, "Jordan", "GPE", 1, canonical_id="Q810")]
    assert [(e.type, e.canonical_id) for e in newswire.entities("", body, entities) if e.text == "Jordan"] == [("PERSON", None), ("GPE", "Q810")]
