"""A side named for its city ("the Washington right-hander", "Washington won 3-1") is no mention of the city, in any
article: it is left unlinked, while "Washington said" and a dateline stay the capital, and a national side its country
(newswire.py)."""

from __future__ import annotations

from services.tagger.core import Tagger
from tests.unit.test_tagger_appositions import linked
from tests.unit.test_tagger_linked_state_bodies import gazetteer, tag, tagger  # noqa: F401  (the fixtures, en_core_web_sm)

WASHINGTON_DC, BRAZIL, ENGLAND = "Q61", "Q155", "geonames:6269131"


def test_a_player_of_a_city_team_is_no_mention_of_the_city(tagger: Tagger) -> None:
    assert linked(tag(tagger, "Nationals win", "The Washington right-hander struck out nine."), "Washington") == {None}
    assert linked(tag(tagger, "Game", "The Washington quarterback threw three touchdowns."), "Washington") == {None}


def test_a_city_with_a_score_is_the_team(tagger: Tagger) -> None:
    assert linked(tag(tagger, "Result", "Washington won 3-1 against Chicago."), "Washington") == {None}


def test_the_government_and_a_dateline_stay_the_capital(tagger: Tagger) -> None:
    tagged = tag(tagger, "Sanctions", "WASHINGTON (Reuters) - Washington said it would impose sanctions on Russia. The "
                 "Senate voted 52-48.")
    assert linked(tagged, "Washington") == {WASHINGTON_DC} and linked(tagged, "WASHINGTON") == {WASHINGTON_DC}


def test_a_national_side_stays_its_country(tagger: Tagger) -> None:
    assert linked(tag(tagger, "Cup", "Brazil striker Neymar scored twice."), "Brazil") == {BRAZIL}
    assert linked(tag(tagger, "Qualifier", "England beat Moldova 2-0 in a World Cup qualifier."), "England") == {ENGLAND}


def test_a_venue_or_a_players_home_beside_a_score_stays_the_place(tagger: Tagger) -> None:
    tagged = tag(tagger, "Davis Cup", "The United States edged Austria in Salzburg 3-2 in the opening round. Eyles beat "
                 "fourth-seeded Peter Nicol of Scotland 15-10 8-15 15-10 15-4.")
    assert linked(tagged, "Salzburg") == {"geonames:2766823"} and linked(tagged, "Scotland") == {"geonames:2638360"}
