"""A country's page and filter with ``people=1`` also find the reports naming only its people ("Ukrainian troops"),
on both store backends (SQLite and a real PostgreSQL server) and through the served API and pages."""

from __future__ import annotations

from datetime import timedelta

import orjson

from schemas import Entity, Salience
from schemas.models import StoryEvidence
from tests.unit.test_newsroom_api import get, read_pages, serve, text_of
from tests.unit.test_newsroom_store import NOW, T0, article, open_store, store  # noqa: F401 - fixtures: both backends
from services.newsroom.people import people_rows
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


RUSSIA = ("Q159", "Russia")


def report(n: int, story: str, *countries: tuple[str, str], words: tuple[tuple[str, tuple[str, str] | None], ...] = ()):
    """A report naming ``countries`` (linked) and the people's ``words`` (each with its country, or None: "Kurds"),
    keyed as the tagger keys them."""
    from services.tagger.linking import people_word_key

    base = article(n, story, title=f"Talks resume, report {n}", at=T0 + timedelta(hours=n))
    entities = [Entity(text=name, type="GPE", field="title", start=0, end=len(name), canonical_id=key, canonical_name=name, key=key)
                for key, name in countries]
    entities += [Entity(text=w, type="NORP", field="title", start=0, end=len(w), key=people_word_key(w),
                        country_id=c[0] if c else None, country_name=c[1] if c else None) for w, c in words]
    salience = [Salience(key=e.key, name=e.text, type=e.type, mentions=1, in_title=True, in_lead=False) for e in entities]
    return base.model_copy(update={"entities": entities, "salience": salience})


def write_war_story(s) -> None:
    """Three reports: Russia and "Russian"; "Russians" and "Kurds" only; Russia and "Ukrainian" (Ukraine never named)."""
    s.write_article(report(1, "s-war", RUSSIA, words=(("Russian", RUSSIA),)), now=NOW)
    s.write_article(report(2, "s-war", words=(("Russians", RUSSIA), ("Kurds", None))), now=NOW)
    s.write_article(report(3, "s-war", RUSSIA, words=(("Ukrainian", ("Q212", "Ukraine")),)), now=NOW)


def test_a_word_for_a_countrys_people_is_listed_with_the_country_where_the_story_names_it(store):  # noqa: F811
    write_war_story(store)
    store.write_article(report(4, "s-troops", words=(("Russians", RUSSIA),)), now=NOW)
    listed = {s["id"]: s["entities"] for s in store.stories(StoryQuery())["items"]}
    # Russia is named in reports 1 and 3, its people in 1 and 2: three reports, one entry (was Russia 2, Russian 2).
    assert [(e["name"], e["articles"]) for e in listed["s-war"]] == [("Russia", 3), ("Kurds", 1), ("Ukrainian", 1)]
    assert [p["key"] for p in listed["s-war"][0]["people"]] == ["name:russian"]
    assert [(e["name"], e.get("people")) for e in listed["s-troops"]] == [("Russians", None)]  # Russia is not named there
    story = store.story("s-war")
    assert [(e["name"], e["articles"]) for e in story["entities"]] == [("Russia", 3), ("Kurds", 1), ("Ukrainian", 1)]
    # A report's own list folds what that report names: the second names Russians, not Russia.
    assert [[(e["name"], e["mentions"]) for e in a["entities"]] for a in story["articles"]] == [
        [("Russia", 2)], [("Kurds", 1), ("Russians", 1)], [("Russia", 1), ("Ukrainian", 1)]]
    assert sorted(e["name"] for e in store.article("wire/1")["entities"]) == ["Russia", "Russian"]  # what the tagger found


async def test_the_story_list_story_page_feed_and_api_name_russia_once_with_its_people(open_store):  # noqa: F811
    s = open_store()
    write_war_story(s)
    (_, index), (_, page), (_, feed), (_, api) = await read_pages(s, "/", "/stories/s-war", "/feeds/stories.atom", "/api/stories")
    card = text_of(index)
    assert "Russia Kurds Ukrainian" in card and "Russian" not in card
    assert 'href="/entities/Q159?people=1" title="Russia, or its people: Russian' in index  # its count includes them
    who = text_of(page.split('<h2 id="entities-heading">')[1].split("</section>")[0])
    assert who == "Who and where Russia GPE 3/3 Kurds NORP 1/3 Ukrainian NORP 1/3"
    assert "; about Russia, Kurds, Ukrainian</summary>" in feed
    first = orjson.loads(api)["items"][0]["entities"][0]
    assert (first["key"], first["articles"], [p["key"] for p in first["people"]]) == ("Q159", 3, ["name:russian"])


def as_before_people_rows(s) -> None:
    """Make ``s`` a store of the release before article_people: no such table, no ``articles.people_from`` (nor its index)."""
    conn = s.conn()
    conn.execute("DROP TABLE article_people")
    conn.execute("DROP INDEX articles_people_unmade")
    conn.execute("ALTER TABLE articles DROP COLUMN people_from")
    s.close()


async def test_a_story_stored_before_people_rows_names_russia_once_after_the_upgrade(open_store):  # noqa: F811
    old = open_store()
    # Tagged before the tagger related a people's word to its country: the store keeps the mentions, as it always has.
    old.write_article(report(1, "s-war", RUSSIA, words=(("Russian", None),)), now=NOW)
    old.write_article(report(2, "s-war", words=(("Russians", None), ("Kurds", None))), now=NOW)
    old.write_article(report(3, "s-war", RUSSIA, words=(("Ukrainian", None),)), now=NOW)
    as_before_people_rows(old)
    s = open_store()
    story = s.story("s-war")
    (_, index), (_, page), (_, feed), (_, api) = await read_pages(s, "/", "/stories/s-war", "/feeds/stories.atom", "/api/stories")
    card = text_of(index)
    assert "Russia Kurds Ukrainian" in card and "Russian" not in card
    assert 'href="/entities/Q159?people=1" title="Russia, or its people: Russian"' in index
    who = text_of(page.split('<h2 id="entities-heading">')[1].split("</section>")[0])
    assert who == "Who and where Russia GPE 3/3 Kurds NORP 1/3 Ukrainian NORP 1/3"
    assert "; about Russia, Kurds, Ukrainian</summary>" in feed
    first = orjson.loads(api)["items"][0]["entities"][0]
    assert (first["key"], first["articles"], [p["name"] for p in first["people"]]) == ("Q159", 3, ["Russian"])
    # Each report's own list too; and the rows are what a new report's would be: Ukraine's page counts its people.
    assert [[e["name"] for e in a["entities"]] for a in story["articles"]] == [["Russia"], ["Kurds", "Russians"],
                                                                               ["Russia", "Ukrainian"]]
    again = open_store()
    assert again.entity("Q212")["people"] == {"articles": 1, "stories": 1, "words": ["Ukrainian"]}
    assert again.entity("Q159")["people"] == {"articles": 2, "stories": 1, "words": ["Russian", "Russians"]}


def test_reports_without_people_rows_get_them_on_opening_and_rows_from_the_message_are_kept(open_store):  # noqa: F811
    s = open_store()
    s.write_article(report(1, "s-talks", RUSSIA), now=NOW)
    s.write_article(report(2, "s-talks", words=(("Russians", RUSSIA),)), now=NOW)
    # A tagger whose gazetteer names Ukraine otherwise: rows made from the message keep its name.
    s.write_article(report(3, "s-troops", words=(("Ukrainians", ("Q212", "Ukraine (Kyiv)")),)), now=NOW)
    # A rolling upgrade: older replicas wrote the last two, one from before article_people (no rows), one from the
    # release that made them from the message (but said nothing in articles.people_from).
    conn = s.conn()
    conn.execute("DELETE FROM article_people WHERE article_id = 'wire/2'")
    conn.execute("UPDATE articles SET people_from = NULL WHERE id IN ('wire/2', 'wire/3')")
    assert [e["name"] for e in s.stories(StoryQuery())["items"][1]["entities"]] == ["Russia", "Russians"]
    s.close()
    s = open_store()
    talks, troops = (s.story(i) for i in ("s-talks", "s-troops"))
    assert [(e["name"], [p["name"] for p in e.get("people", [])]) for e in talks["entities"]] == [("Russia", ["Russians"])]
    assert [e["name"] for e in s.stories(StoryQuery())["items"][1]["entities"]] == ["Russia"]
    assert s.entity("Q212")["name"] == "Ukraine (Kyiv)" and troops["entities"][0]["name"] == "Ukrainians"
    assert s.conn().execute("SELECT count(*) AS n FROM articles WHERE people_from IS NULL").fetchone()["n"] == 0


def test_the_story_list_and_page_spell_a_word_as_most_of_its_reports_do(store):  # noqa: F811
    store.write_article(report(1, "s-war", RUSSIA, words=(("Russians", RUSSIA),)), now=NOW)
    store.write_article(report(2, "s-war", words=(("Russian", RUSSIA),)), now=NOW)
    store.write_article(report(3, "s-war", words=(("Russian", RUSSIA),)), now=NOW)
    store.write_article(report(4, "s-troops", words=(("Russians", RUSSIA),)), now=NOW)
    store.write_article(report(5, "s-troops", words=(("Russian", RUSSIA),)), now=NOW)
    store.write_article(report(6, "s-troops", words=(("Russian", RUSSIA),)), now=NOW)
    listed = {s["id"]: s["entities"] for s in store.stories(StoryQuery())["items"]}
    war, troops = store.story("s-war"), store.story("s-troops")
    # Folded into Russia, and as its own entry where Russia is not named: "Russian" (two reports), not "Russians" (one).
    assert [p["name"] for p in listed["s-war"][0]["people"]] == [p["name"] for p in war["entities"][0]["people"]] == ["Russian"]
    assert [e["name"] for e in listed["s-troops"]] == [e["name"] for e in troops["entities"]] == ["Russian"]


def test_a_state_body_of_a_country_is_not_listed_among_its_peoples_words() -> None:
    # The tagger gives "Russian Foreign Ministry" Russia's QID: it is Russia's body, not a word for Russians.
    body = Entity(text="Russian Foreign Ministry", type="ORG", field="title", start=0, end=24,
                  key="name:russian foreign ministry", country_id="Q159", country_name="Russia")
    word = Entity(text="Russian", type="NORP", field="title", start=30, end=37, key="name:russian", country_id="Q159",
                  country_name="Russia")
    # NER's label does not decide: "Russian Army" as a place is a body too, as the alerter's reasons call it.
    army = Entity(text="Russian Army", type="GPE", field="title", start=42, end=54, key="name:russian army",
                  country_id="Q159", country_name="Russia")
    report = article(1, "s1", title="Russian Foreign Ministry and Russian troops and Russian Army").model_copy(
        update={"entities": [body, word, army]})
    assert [(r.country_id, r.words, r.mentions) for r in people_rows(report)] == [("Q159", "Russian", 1)]
