"""A country's page and filter with ``people=1`` also find the reports naming only its people ("Ukrainian troops"),
on both store backends (SQLite and a real PostgreSQL server) and through the served API and pages."""

from __future__ import annotations

from datetime import timedelta

import orjson

from schemas import Entity, Salience
from schemas.models import StoryEvidence
from tests.unit.test_newsroom_api import get, read_pages, serve, text_of
from tests.unit.test_newsroom_store import NOW, T0, article, open_store, store  # noqa: F401 - fixtures: both backends
from services.newsroom.store import StoryQuery

UKRAINE = Entity(text="Ukraine", type="GPE", field="title", start=0, end=7, canonical_id="Q212", canonical_name="Ukraine",
                 key="Q212")


def people(n: int, story: str, *words: str, country: tuple[str, str] = ("Q212", "Ukraine")):
    """A report naming a country only by its people's words: each word its own NORP mention, keyed by the word."""
    base = article(n, story, title=f"{words[0]} troops shelled positions, report {n}", at=T0 + timedelta(hours=n))
    entities = [Entity(text=w, type="NORP", field="title", start=0, end=len(w), key=f"name:{w.lower().rstrip('s')}",
                       country_id=country[0], country_name=country[1]) for w in words]
    keys = dict.fromkeys(e.key for e in entities)  # "Ukrainian" and "Ukrainians" are one entity, as the tagger keys them
    salience = [Salience(key=k, name=words[0], type="NORP", mentions=len(words), in_title=True, in_lead=False) for k in keys]
    return base.model_copy(update={"entities": entities, "salience": salience})


def about_ukraine(n: int, story: str):
    base = article(n, story, title=f"Ukraine says report {n}", at=T0 + timedelta(hours=n))
    return base.model_copy(update={"entities": [UKRAINE], "salience": [
        Salience(key="Q212", name="Ukraine", type="GPE", mentions=1, in_title=True, in_lead=False)]})


def test_a_countrys_people_are_counted_on_its_page_and_its_stories_join_only_when_asked(store):  # noqa: F811
    store.write_article(about_ukraine(1, "s-country"), now=NOW)
    store.write_article(people(2, "s-troops", "Ukrainian", "Ukrainians"), now=NOW)
    store.write_article(people(3, "s-russia", "Russian", country=("Q159", "Russia")), now=NOW)
    plain = store.entity("Q212")
    assert [s["id"] for s in plain["stories"]] == ["s-country"]  # as before the relation: no surprise
    assert plain["people"] == {"articles": 1, "stories": 1, "words": ["Ukrainian", "Ukrainians"]}
    assert plain["with_people"] is False
    both = store.entity("Q212", people=True)
    assert [s["id"] for s in both["stories"]] == ["s-troops", "s-country"]
    assert both["articles"] == 1 and both["story_count"] == 1  # the counts stay those of the country's own mentions
    assert [s["id"] for s in store.stories(StoryQuery(entity="Q212", people=True))["items"]] == ["s-troops", "s-country"]
    assert [s["id"] for s in store.stories(StoryQuery(entity="Q212"))["items"]] == ["s-country"]
    # A word's own key is untouched: "Ukrainian" is still its own entity.
    assert [s["id"] for s in store.stories(StoryQuery(entity="name:ukrainian"))["items"]] == ["s-troops"]


def test_people_rows_move_with_a_merged_story_and_expire_with_their_report(store):  # noqa: F811
    store.write_article(about_ukraine(1, "s1"), now=NOW)
    store.write_article(people(2, "s2", "Ukrainian"), now=NOW)
    evidence = StoryEvidence(decision="joined", score=0.7, threshold=0.4, compared="s1", merged=["s2"])
    store.write_article(about_ukraine(3, "s1").model_copy(update={"story_evidence": evidence}), now=NOW)
    assert [s["id"] for s in store.stories(StoryQuery(entity="Q212", people=True))["items"]] == ["s1"]
    store.prune(before=(T0 + timedelta(hours=2, minutes=30)).timestamp(), now=NOW)
    assert store.entity("Q212")["people"] is None


async def test_the_entity_page_and_api_offer_the_people_and_the_filter_refuses_people_alone(open_store):  # noqa: F811
    s = open_store()
    s.write_article(about_ukraine(1, "s-country"), now=NOW)
    s.write_article(people(2, "s-troops", "Ukrainian"), now=NOW)
    (_, page), (_, with_people), (_, api), (status, _), (_, listed) = await read_pages(
        s, "/entities/Q212", "/entities/Q212?people=1", "/api/entities/Q212?people=1", "/api/stories?people=1",
        "/api/stories?entity=Ukraine&people=1")
    assert "its people (Ukrainian) in 1 report across 1 story" in text_of(page)
    assert 'href="/entities/Q212?people=1"' in page and "Ukrainian troops" not in page
    assert "Ukrainian troops shelled positions" in text_of(with_people)
    assert [st["id"] for st in orjson.loads(api)["stories"]] == ["s-troops", "s-country"]
    assert status == 400
    assert [st["id"] for st in orjson.loads(listed)["items"]] == ["s-troops", "s-country"]


def test_a_country_only_its_people_name_has_a_page_listing_their_stories(store):  # noqa: F811
    store.write_article(people(1, "s-troops", "Ukrainian", "Ukrainians"), now=NOW)
    store.write_article(people(2, "s-russia", "Russian", country=("Q159", "Russia")), now=NOW)
    for asked in (False, True):
        found = store.entity("Q212", people=asked)
        assert (found["name"], found["type"], found["articles"], found["story_count"]) == ("Ukraine", "GPE", 0, 0)
        assert found["with_people"] is True and [s["id"] for s in found["stories"]] == ["s-troops"]
    assert store.entity("Q183") is None  # nothing names Germany, nor its people
    assert store.entity("name:ukrainian")["country"] == {"key": "Q212", "name": "Ukraine"}  # the word: its country
    assert store.entity("Q212")["country"] is None


async def test_the_page_of_a_country_only_its_people_name_is_found_from_its_name_or_id(open_store):  # noqa: F811
    s = open_store()
    s.write_article(people(1, "s-troops", "Ukrainian"), now=NOW)
    room, base = await serve(s)
    try:
        by_name, headers, _ = await get(base + "/entities/Ukraine")  # a name goes to the page of the key it resolves to
    finally:
        await room.stop()
    assert (by_name, headers["Location"]) == (303, "/entities/Q212")
    (_, word), (status, page), (api_status, api), (_, feed) = await read_pages(
        s, "/entities/name:ukrainian", "/entities/Q212", "/api/entities/Q212", "/feeds/entities/Q212.atom?people=1")
    # The word's own page leads to its country's, where the reader of "Ukrainian troops" lands.
    assert "a word for the people of Ukraine" in text_of(word) and 'href="/entities/Q212?people=1"' in word
    assert status == 200
    assert "its people (Ukrainian) in 1 report across 1 story" in text_of(page)
    assert "Ukrainian troops shelled positions" in text_of(page)
    assert "Only the stories naming Ukraine" not in page  # there are none: the link would lead to an empty page
    assert 'href="/feeds/entities/Q212.atom?people=1"' in page
    assert api_status == 200 and [st["id"] for st in orjson.loads(api)["stories"]] == ["s-troops"]
    assert "stories about Ukraine or its people" in feed and "Ukrainian troops shelled positions" in feed
