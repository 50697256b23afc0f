"""The newsroom store's contract, run against both backends: SQLite (FTS5) and a real PostgreSQL server."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from schemas import Alert, Entity, Salience, TaggedArticle, Translation
from schemas.models import StoryEvidence
from services.newsroom.store import StoryQuery

T0 = datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc)
NOW = T0.timestamp() + 3600


def article(n: int, story: str, *, language: str = "en", title: str | None = None, source: str = "wire",
            at: datetime = T0, revision: int = 0, tags: list[str] | None = None, keys: tuple[str, ...] = ("Q7184",)) -> TaggedArticle:
    names = {"Q7184": ("NATO", "ORG"), "Q1899": ("Kyiv", "GPE"), "Q3595028": ("Jens Stoltenberg", "PERSON")}
    english = title or f"NATO chief visits Kyiv, report {n}"
    original = english if language == "en" else f"El jefe de la OTAN visita Kiev, nota {n}"
    return TaggedArticle(
        id=f"{source}/{n}", source=source, url=f"https://{source}.example/{n}", fetched_at=at + timedelta(minutes=n),
        published_at=at + timedelta(minutes=n), language=language, language_confidence=0.97,
        original_title=original, original_body=original + " Cuerpo.", title=english, body=english + " Body text.",
        translation=Translation(engine="apertium", source_language=language) if language != "en" else None,
        story_id=story, revision=revision, tags=tags or [],
        entities=[Entity(text=names[k][0], type=names[k][1], field="title", start=0, end=4, canonical_id=k,
                         canonical_name=names[k][0], key=k) for k in keys],
        salience=[Salience(key=k, name=names[k][0], type=names[k][1], mentions=2, in_title=True, in_lead=True) for k in keys],
    )


def alert(story: str, rule: str = "nato", n: int = 0) -> Alert:
    return Alert(id=f"al-{rule}-{story}-{n}", rule_id=rule, story_id=story, article_ids=["wire/1"], dedupe_key=f"{rule}:{story}",
                 fired_at=T0 + timedelta(minutes=30 + n), summary="NATO in Kyiv", matched=["entity:Q7184"], title="NATO <b>chief</b>",
                 sequence=n, kind="fired" if n == 0 else "follow-up")


@pytest.fixture(params=["sqlite", "postgresql"])
def open_store(request, tmp_path):
    """A function that opens the store (again, as after a restart) on the same file or database."""
    opened = []
    if request.param == "sqlite":
        from services.newsroom.sqlite import SQLiteStore

        def make():
            opened.append(SQLiteStore(tmp_path / "newsroom.sqlite3"))
            return opened[-1]
    else:
        from services.newsroom.postgres import PostgresStore

        url = request.getfixturevalue("postgres_server").create_database(f"t_{uuid.uuid4().hex[:12]}")

        def make():
            opened.append(PostgresStore(url))
            return opened[-1]
    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store):
    return open_store()


def test_a_story_in_two_languages_keeps_both_reports_and_their_shared_entities(store):
    store.write_article(article(1, "s1", keys=("Q7184", "Q1899")), now=NOW)
    store.write_article(article(2, "s1", language="es", source="efe", keys=("Q7184", "Q3595028")), now=NOW)
    story = store.story("s1")
    assert story["article_count"] == 2
    assert sorted(story["languages"]) == ["en", "es"]
    assert [a["language"] for a in story["articles"]] == ["en", "es"]
    spanish = story["articles"][1]
    assert spanish["original_title"].startswith("El jefe de la OTAN") and spanish["title"].startswith("NATO chief")
    assert spanish["translation"]["engine"] == "apertium"
    assert story["entities"][0] == {"key": "Q7184", "name": "NATO", "type": "ORG", "articles": 2}
    assert {e["key"] for e in story["entities"]} == {"Q7184", "Q1899", "Q3595028"}
    assert story["timeline"] == [{"hour": "2026-11-30T09:00:00Z", "language": "en", "articles": 1},
                                 {"hour": "2026-11-30T09:00:00Z", "language": "es", "articles": 1}]


def dated(n: int, story: str, *, published: datetime | None, fetched: datetime, **kw) -> TaggedArticle:
    """A report published (or not: None) at one time and fetched at another."""
    return article(n, story, **kw).model_copy(update={"published_at": published, "fetched_at": fetched})


def test_a_story_spans_its_reports_publication_times_and_counts_those_without_one(store):
    fetched = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)  # a backlog fetched days after it was published
    store.write_article(dated(1, "s1", published=datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc), fetched=fetched), now=NOW)
    store.write_article(dated(2, "s1", published=datetime(2026, 11, 29, 18, 30, tzinfo=timezone.utc),
                              fetched=fetched + timedelta(minutes=5), source="efe", language="es"), now=NOW)
    story = store.story("s1")
    assert story["published"] == {"first_at": "2026-11-28T06:00:00Z", "last_at": "2026-11-29T18:30:00Z", "unknown": 0}
    assert (story["first_at"], story["last_at"]) == ("2026-12-01T09:00:00Z", "2026-12-01T09:05:00Z")  # fetch times
    store.write_article(dated(3, "s1", published=None, fetched=fetched + timedelta(hours=1), source="bbc"), now=NOW)
    assert store.story("s1")["published"] == {"first_at": "2026-11-28T06:00:00Z", "last_at": "2026-12-01T10:00:00Z",
                                              "unknown": 1}


def test_a_redelivered_message_changes_nothing(store):
    first = store.write_article(article(1, "s1"), now=NOW)
    before = store.story("s1"), store.article("wire/1"), store.counts()
    again = store.write_article(article(1, "s1"), now=NOW + 50)
    assert (first.outcome, again.outcome) == ("inserted", "unchanged")
    assert (store.story("s1"), store.article("wire/1"), store.counts()) == before
    store.write_alert(alert("s1"), now=NOW)
    store.write_alert(alert("s1"), now=NOW + 5)
    assert store.counts()["alerts"] == 1 and store.story("s1")["alert_count"] == 1


def test_a_newer_revision_updates_and_an_older_one_is_ignored(store):
    store.write_article(article(1, "s1", title="First wording", revision=0), now=NOW)
    assert store.write_article(article(1, "s1", title="Corrected wording", revision=1), now=NOW).outcome == "updated"
    assert store.write_article(article(1, "s1", title="First wording", revision=0), now=NOW).outcome == "stale"
    assert store.article("wire/1")["title"] == "Corrected wording"
    assert store.story("s1")["title"] == "Corrected wording"


def test_an_article_moved_to_another_story_leaves_the_old_one(store):
    store.write_article(article(1, "s1"), now=NOW)
    store.write_article(article(1, "s2", revision=1), now=NOW)
    assert store.story("s1") is None
    assert store.story("s2")["article_count"] == 1
    assert store.stories(StoryQuery(entity="Q7184"))["items"][0]["id"] == "s2"


def test_the_article_keeps_its_changes_and_original_text(store):
    from schemas import Change

    a = article(1, "s1", language="es").model_copy(update={"changes": [
        Change(kind="repair", rule="glued-words", field="body", span=(3, 8), before="Zelenskyduring", after="Zelensky during",
               reason="words run together by the translation")]})
    store.write_article(a, now=NOW)
    got = store.article("wire/1")
    assert got["changes"][0]["after"] == "Zelensky during"
    assert got["original_body"].startswith("El jefe") and got["language"] == "es"
    assert got["entities"][0]["key"] == "Q7184"


def test_filters_and_search_find_the_right_stories(store):
    store.write_article(article(1, "s1", tags=["world"]), now=NOW)
    store.write_article(article(2, "s2", language="es", source="efe", keys=("Q1899",),
                                title="Floods close the port of Valencia"), now=NOW)
    store.write_article(article(3, "s3", source="bbc", keys=("Q3595028",), title="Stoltenberg speaks in Oslo",
                                at=T0 + timedelta(days=2)), now=NOW)
    store.write_alert(alert("s3", rule="leaders"), now=NOW)

    def ids(**kw):
        return [s["id"] for s in store.stories(StoryQuery(**kw))["items"]]

    assert ids() == ["s3", "s2", "s1"]
    assert ids(entity="Q1899") == ["s2"]
    assert ids(language="es") == ["s2"]
    assert ids(source="bbc") == ["s3"]
    assert ids(tag="world") == ["s1"]
    assert ids(rule="leaders") == ["s3"]
    assert ids(since=(T0 + timedelta(days=1)).timestamp()) == ["s3"]
    assert ids(until=(T0 + timedelta(days=1)).timestamp()) == ["s2", "s1"]
    assert ids(q="valencia") == ["s2"]
    assert ids(q="OTAN") == ["s2"], "the original-language text is searched too"
    assert ids(q='Oslo" OR "NATO') == [], "quotes and operators in the query are words, not syntax"
    assert ids(q="*)(") == []


def test_most_active_and_pages(store):
    for n in range(1, 4):
        store.write_article(article(n, "big"), now=NOW)
    for n in range(4, 9):
        store.write_article(article(n, f"small{n}"), now=NOW)
    assert store.stories(StoryQuery(order="active", limit=1))["items"][0]["id"] == "big"
    first = store.stories(StoryQuery(limit=4))
    second = store.stories(StoryQuery(limit=4, offset=4))
    assert first["more"] and not second["more"]
    assert len({s["id"] for s in first["items"] + second["items"]}) == 6
    listed = first["items"][0]
    assert listed["entities"][0]["key"] == "Q7184"


def test_an_entity_lists_its_recent_stories_and_alerts_are_listed_newest_first(store):
    store.write_article(article(1, "s1"), now=NOW)
    store.write_article(article(2, "s2", at=T0 + timedelta(hours=1)), now=NOW)
    store.write_alert(alert("s1", n=0), now=NOW)
    store.write_alert(alert("s1", n=1), now=NOW)
    entity = store.entity("Q7184")
    assert entity["name"] == "NATO" and entity["articles"] == 2
    assert [s["id"] for s in entity["stories"]] == ["s2", "s1"]
    assert store.entity("Q0") is None
    assert [a["sequence"] for a in store.alerts()["items"]] == [1, 0]
    assert store.alerts(rule="other")["items"] == []


def spelt(n: int, story: str, name: str, *, revision: int = 0, key: str = "name:israeli defense forces") -> TaggedArticle:
    """A report naming NATO and, unlinked, ``name`` under ``key`` (the tagger keys both spellings of a body alike)."""
    base = article(n, story, at=T0 + timedelta(minutes=10 * n), revision=revision)
    return base.model_copy(update={
        "entities": [*base.entities, Entity(text=name, type="ORG", field="body", start=0, end=len(name), key=key)],
        "salience": [*base.salience, Salience(key=key, name=name, type="ORG", mentions=1, in_title=False, in_lead=False)]})


def test_an_entitys_page_names_it_as_most_of_its_reports_do_as_its_stories_list_it(store):
    # Two reports spell it the British way, the last written the American way: the page says what most reports say.
    for n, name in ((1, "Israel Defence Forces"), (2, "Israel Defence Forces"), (3, "Israel Defense Forces")):
        store.write_article(spelt(n, "s-strikes", name), now=NOW)
    entity = store.entity("name:israeli defense forces")
    assert (entity["name"], entity["articles"]) == ("Israel Defence Forces", 3)
    listed = {e["key"]: e["name"] for e in store.stories(StoryQuery())["items"][0]["entities"]}
    shown = {e["key"]: e["name"] for e in store.story("s-strikes")["entities"]}
    assert listed["name:israeli defense forces"] == shown["name:israeli defense forces"] == entity["name"]
    # As many reports each way: the name first in code-point order, whichever came first or last.
    store.write_article(spelt(4, "s-other", "Israel Defense Forces"), now=NOW)
    assert store.entity("name:israeli defense forces")["name"] == "Israel Defence Forces"
    store.write_article(spelt(5, "s-other", "Israel Defense Forces"), now=NOW)
    assert store.entity("name:israeli defense forces")["name"] == "Israel Defense Forces"
    # A report revised to the other spelling counts as it now reads.
    store.write_article(spelt(5, "s-other", "Israel Defence Forces", revision=1), now=NOW)
    assert store.entity("name:israeli defense forces")["name"] == "Israel Defence Forces"


def test_an_alerts_title_language_is_that_of_the_report_whose_title_it_carries(store):
    greek = "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο"
    store.write_article(untranslated(1, "s1", "el", greek, source="ert"), now=NOW)
    store.write_article(article(2, "s1", language="es", source="efe"), now=NOW)
    # A follow-up names both reports; its title is the Greek one's. Another's report is not stored.
    store.write_alert(alert("s1", n=1).model_copy(update={"title": greek, "article_ids": ["efe/2", "ert/1"]}), now=NOW)
    store.write_alert(alert("s1", rule="es").model_copy(update={"title": "NATO chief visits Kyiv, report 2",
                                                                "article_ids": ["efe/2"]}), now=NOW)
    store.write_alert(alert("s9", rule="gone").model_copy(update={"title": greek, "article_ids": ["ert/99"]}), now=NOW)
    expected = {"nato": "el", "es": "en", "gone": None}
    assert {a["rule_id"]: a["title_language"] for a in store.alerts()["items"]} == expected
    assert {a["rule_id"]: a["title_language"] for a in store.story("s1")["alerts"]} == {"nato": "el", "es": "en"}


def test_an_alert_whose_report_is_not_stored_shows_the_language_it_came_with(store):
    greek = "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο"
    # The alerter says which language its title is in; the newsroom never got the report (or it expired).
    store.write_alert(alert("s9", rule="greek").model_copy(update={"title": greek, "title_language": "el",
                                                                   "article_ids": ["ert/99"]}), now=NOW)
    store.write_alert(alert("s9", rule="english").model_copy(update={"title_language": "en", "article_ids": ["wire/98"]}), now=NOW)
    # An alert from an alerter of the release before the field: its report's language, once that is stored.
    store.write_alert(alert("s9", rule="older").model_copy(update={"title": greek, "article_ids": ["ert/97"]}), now=NOW)
    expected = {"greek": "el", "english": "en", "older": None}
    assert {a["rule_id"]: a["title_language"] for a in store.alerts()["items"]} == expected
    assert {a["rule_id"]: a["title_language"] for a in store.alerts(story="s9")["items"]} == expected
    store.write_article(untranslated(97, "s9", "el", greek, source="ert"), now=NOW)
    assert {a["rule_id"]: a["title_language"] for a in store.story("s9")["alerts"]} == {**expected, "older": "el"}


def test_a_store_from_before_alerts_title_languages_gives_alerts_their_reports_language_for_good(open_store):
    greek = "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο"
    old = open_store()
    old.write_article(untranslated(1, "s1", "el", greek, source="ert"), now=NOW)
    old.write_article(article(2, "s1", language="es", source="efe"), now=NOW)
    old.write_alert(alert("s1", rule="greek").model_copy(update={"title": greek, "article_ids": ["ert/1"]}), now=NOW)
    old.write_alert(alert("s1", rule="es").model_copy(update={"title": "NATO chief visits Kyiv, report 2",
                                                              "article_ids": ["efe/2"]}), now=NOW)
    old.write_alert(alert("s9", rule="gone").model_copy(update={"title": greek, "article_ids": ["ert/99"]}), now=NOW)
    old.conn().execute("ALTER TABLE alerts DROP COLUMN title_language")
    old.close()
    store = open_store()
    expected = {"greek": "el", "es": "en", "gone": None}
    assert {a["rule_id"]: a["title_language"] for a in store.alerts()["items"]} == expected
    # Their reports expire before the alerts do (fetched before, fired after): the alerts keep the language they were given.
    assert store.prune(before=T0.timestamp() + 600, now=NOW) == {"articles": 2, "alerts": 0}
    assert {a["rule_id"]: a["title_language"] for a in store.alerts()["items"]} == expected
    # The alerts topic read again from the start: the earlier alerter's message, without the field, takes nothing away.
    store.write_alert(alert("s1", rule="greek").model_copy(update={"title": greek, "article_ids": ["ert/1"]}), now=NOW)
    assert {a["rule_id"]: a["title_language"] for a in store.alerts()["items"]} == expected


def test_retention_deletes_what_expired_and_keeps_the_rest(store):
    store.write_article(article(1, "old"), now=NOW)
    store.write_article(article(2, "mixed"), now=NOW)
    store.write_article(article(3, "mixed", at=T0 + timedelta(days=40)), now=NOW)
    store.write_alert(alert("old"), now=NOW)
    removed = store.prune(before=(T0 + timedelta(days=30)).timestamp(), now=NOW)
    assert removed == {"articles": 2, "alerts": 1}
    assert store.story("old") is None
    assert store.story("mixed")["article_count"] == 1
    assert store.stories(StoryQuery(q="report"))["items"][0]["id"] == "mixed"


def test_a_reopened_store_has_everything(open_store):
    first = open_store()
    first.write_article(article(1, "s1"), now=NOW)
    first.write_alert(alert("s1"), now=NOW)
    first.close()
    again = open_store()
    assert again.counts() == {"stories": 1, "articles": 1, "entities": 1, "alerts": 1}
    assert again.stories(StoryQuery(q="NATO"))["items"][0]["id"] == "s1"


def test_a_bulk_write_ends_as_one_by_one_writes_do(open_store, tmp_path):
    bulk = open_store()
    articles = [article(1, "s1"), article(2, "s1", language="es", source="efe"), article(3, "s2"), article(1, "s1")]
    outcomes = [r.outcome for r in bulk.write_articles(articles, now=NOW)]
    assert outcomes == ["inserted", "inserted", "inserted", "unchanged"]
    assert bulk.story("s1")["article_count"] == 2 and sorted(bulk.story("s1")["languages"]) == ["en", "es"]
    assert bulk.counts() == {"stories": 2, "articles": 3, "entities": 1, "alerts": 0}


def test_the_filters_offer_what_is_stored_and_forget_what_expired(store):
    store.write_article(article(1, "s1", tags=["world"]), now=NOW)
    store.write_article(article(2, "s2", language="es", source="efe", at=T0 + timedelta(days=40)), now=NOW)
    store.write_alert(alert("s1", rule="leaders"), now=NOW)
    assert store.facets() == {"languages": ["en", "es"], "sources": ["efe", "wire"], "tags": ["world"], "rules": ["leaders"]}
    store.prune(before=(T0 + timedelta(days=30)).timestamp(), now=NOW)
    assert store.facets() == {"languages": ["es"], "sources": ["efe"], "tags": [], "rules": []}


def test_a_story_merged_into_another_moves_its_reports_and_alerts_and_its_id_leads_there(store):
    store.write_article(article(1, "s1"), now=NOW)
    store.write_article(article(2, "kk", language="kk", source="kaz"), now=NOW)
    store.write_alert(alert("kk"), now=NOW)
    # The story stage found both to report one event: the third report joins s1 and names kk as merged into it.
    third = article(3, "s1", source="agency")
    evidence = StoryEvidence(decision="joined", score=0.7, threshold=0.4, compared="s1", merged=["kk"])
    result = store.write_article(third.model_copy(update={"story_evidence": evidence}), now=NOW)
    assert set(result.story_ids) == {"s1", "kk"}
    story = store.story("s1")
    assert [a["id"] for a in story["articles"]] == ["wire/1", "kaz/2", "agency/3"]
    assert story["article_count"] == 3 and story["alert_count"] == 1 and [a["story_id"] for a in story["alerts"]] == ["s1"]
    assert store.story("kk")["id"] == "s1"  # an old link to the merged story shows the story it became part of
    assert [s["id"] for s in store.stories(StoryQuery())["items"]] == ["s1"]
    # A late update of a report of the merged story, and a late alert on it, go where the story went.
    store.write_article(article(2, "kk", language="kk", source="kaz", revision=1, title="NATO chief in Kyiv, updated"), now=NOW)
    store.write_alert(alert("kk", rule="other"), now=NOW)
    assert store.story("s1")["article_count"] == 3 and store.story("s1")["alert_count"] == 2
    assert [s["id"] for s in store.stories(StoryQuery())["items"]] == ["s1"]


def untranslated(n: int, story: str, language: str, title: str, *, source: str, at: datetime = T0) -> TaggedArticle:
    """A report in a language no translator reads: its original text stands in for the English."""
    return article(n, story, language=language, source=source, at=at).model_copy(
        update={"translation": None, "title": title, "original_title": title, "body": title, "original_body": title})


def test_a_story_is_titled_by_a_report_that_came_with_a_headline_before_one_titled_by_its_first_sentence(store):
    first_sentence = "The Secretary General of the NATO, Mark Rutte, assured this Tuesday in vilnius that the…"
    store.write_article(article(1, "s1", title=first_sentence).model_copy(update={"original_title": ""}), now=NOW)
    assert store.story("s1")["title"] == first_sentence  # the only report: its first sentence is all there is
    store.write_article(article(2, "s1", title="Rutte in Vilnius: the German brigade will be ready"), now=NOW)
    assert store.story("s1")["title"] == "Rutte in Vilnius: the German brigade will be ready"
    assert store.stories(StoryQuery())["items"][0]["title"] == "Rutte in Vilnius: the German brigade will be ready"


def test_a_story_is_titled_by_its_earliest_english_report_even_when_an_untranslated_one_came_first(store):
    # Fetched in the same minute; "ar-agency/1" sorts before "wire/1", and came first besides.
    store.write_article(untranslated(1, "s1", "ar", "الأمين العام للناتو يزور كييف", source="ar-agency", at=T0 - timedelta(minutes=1)),
                        now=NOW)
    store.write_article(untranslated(2, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    story = store.story("s1")
    assert (story["title"], story["title_language"]) == ("الأمين العام للناتو يزور كييف", "ar")  # nothing English yet
    store.write_article(article(3, "s1", language="es", source="efe"), now=NOW)  # translated from Spanish
    store.write_article(article(4, "s1", source="wire"), now=NOW)
    story = store.story("s1")
    assert (story["title"], story["title_language"]) == ("NATO chief visits Kyiv, report 3", "en")
    assert store.stories(StoryQuery())["items"][0]["title"] == "NATO chief visits Kyiv, report 3"
    languages = {a["id"]: (a["title_language"], a["body_language"]) for a in story["articles"]}
    assert languages == {"ar-agency/1": ("ar", "ar"), "ert/2": ("el", "el"), "efe/3": ("en", "en"), "wire/4": ("en", "en")}


def english_headline_kept(n: int, story: str, language: str, *, source: str) -> TaggedArticle:
    """An untranslated report whose headline the normalizer kept as English (rule title-already-english)."""
    from schemas.models import Change

    return untranslated(n, story, language, "NATO chief in Kyiv", source=source).model_copy(update={"changes": [Change(
        kind="translation", rule="title-already-english", field="title", before="NATO chief in Kyiv", after="NATO chief in Kyiv",
        reason=f"the title is English (the body is {language}): left as it is")]})


def test_an_english_headline_kept_over_an_untranslated_report_titles_the_story(store):
    store.write_article(untranslated(1, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    store.write_article(english_headline_kept(2, "s1", "de", source="dpa"), now=NOW)
    story = store.story("s1")
    assert (story["title"], story["title_language"]) == ("NATO chief in Kyiv", "en")
    assert [(a["title_language"], a["body_language"]) for a in story["articles"]] == [("el", "el"), ("en", "de")]


def test_a_store_from_before_english_titles_is_retitled_when_opened(open_store):
    old = open_store()
    old.write_article(untranslated(1, "s1", "ar", "الأمين العام للناتو يزور كييف", source="ar-agency"), now=NOW)
    old.write_article(article(2, "s1"), now=NOW)
    conn = old.conn()
    conn.execute("UPDATE stories SET title = 'الأمين العام للناتو يزور كييف'")  # as the first-fetched rule titled it
    for column in ("title_language", "published_first", "published_last"):
        conn.execute(f"ALTER TABLE stories DROP COLUMN {column}")
    old.close()
    story = open_store().stories(StoryQuery())["items"][0]
    assert (story["title"], story["title_language"]) == ("NATO chief visits Kyiv, report 2", "en")
    assert story["published_last"] == "2026-11-30T09:17:00Z"


def test_a_store_from_before_reports_title_languages_gives_each_report_its_own_when_opened(open_store):
    old = open_store()
    old.write_article(untranslated(1, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    old.write_article(english_headline_kept(2, "s1", "de", source="dpa"), now=NOW)
    old.write_article(article(3, "s1", language="es", source="efe"), now=NOW)
    old.write_article(article(4, "s1", source="wire"), now=NOW)
    conn = old.conn()
    # Changes written with other JSON spacing than orjson's: the rule is read from the JSON, not matched as text.
    row = conn.execute("SELECT changes FROM articles WHERE id = 'dpa/2'").fetchone()
    spaced = json.dumps(json.loads(row["changes"]), indent=1)
    conn.execute("UPDATE articles SET changes = ? WHERE id = 'dpa/2'".replace("?", "%s" if old.backend == "postgresql" else "?"),
                 (spaced,))
    conn.execute("UPDATE stories SET title = 'Ο επικεφαλής του ΝΑΤΟ στο Κίεβο'")  # as the first-fetched rule titled it
    conn.execute("ALTER TABLE articles DROP COLUMN title_language")
    for column in ("title_language", "published_first", "published_last"):
        conn.execute(f"ALTER TABLE stories DROP COLUMN {column}")
    old.close()
    store = open_store()
    story = store.story("s1")
    assert (story["title"], story["title_language"]) == ("NATO chief in Kyiv", "en")
    assert {a["id"]: a["title_language"] for a in story["articles"]} == {
        "ert/1": "el", "dpa/2": "en", "efe/3": "en", "wire/4": "en"}
    assert store.article("ert/1")["title_language"] == "el"


def test_reports_an_older_replica_wrote_without_their_title_language_still_title_the_story(open_store):
    store = open_store()
    store.write_article(untranslated(1, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    store.write_article(english_headline_kept(2, "s1", "de", source="dpa"), now=NOW)
    store.write_article(article(3, "s1", language="es", source="efe"), now=NOW)
    # A rolling upgrade: a replica of the release before articles.title_language wrote these two (it leaves the column
    # NULL), with the kept headline's changes in its own JSON spacing.
    conn = store.conn()
    row = conn.execute("SELECT changes FROM articles WHERE id = 'dpa/2'").fetchone()
    spaced = json.dumps(json.loads(row["changes"]), indent=1).replace("'", "''")
    conn.execute(f"UPDATE articles SET changes = '{spaced}' WHERE id = 'dpa/2'")
    conn.execute("UPDATE articles SET title_language = NULL WHERE id IN ('dpa/2', 'efe/3')")
    # This release writes the next report, and so retitles the story.
    store.write_article(untranslated(4, "s1", "el", "Το ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    expected = {"ert/1": "el", "dpa/2": "en", "efe/3": "en", "ert/4": "el"}
    for reader in (store, open_store()):  # before and after a restart, which fills the column in
        story = reader.story("s1")
        assert (story["title"], story["title_language"]) == ("NATO chief in Kyiv", "en")
        assert reader.stories(StoryQuery())["items"][0]["title"] == "NATO chief in Kyiv"
        assert {a["id"]: a["title_language"] for a in story["articles"]} == expected
        assert (reader.article("dpa/2")["title_language"], reader.article("efe/3")["title_language"]) == ("en", "en")
    assert conn.execute("SELECT count(*) AS n FROM articles WHERE title_language IS NULL").fetchone()["n"] == 0


def test_a_story_an_older_release_titled_from_reports_without_title_languages_is_retitled_on_opening(open_store):
    store = open_store()
    store.write_article(untranslated(1, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    store.write_article(article(2, "s1", source="wire"), now=NOW)
    conn = store.conn()
    conn.execute("UPDATE articles SET title_language = NULL WHERE id = 'wire/2'")
    # As the release before this fix titled it: the report without a title language counted as not English.
    conn.execute("UPDATE stories SET title = 'Ο επικεφαλής του ΝΑΤΟ στο Κίεβο', title_language = 'el'")
    store.close()
    story = open_store().story("s1")
    assert (story["title"], story["title_language"]) == ("NATO chief visits Kyiv, report 2", "en")


def test_replicas_opening_an_older_store_together_all_come_up(open_store):
    old = open_store()
    old.write_article(article(1, "s1"), now=NOW)
    conn = old.conn()
    conn.execute("ALTER TABLE articles DROP COLUMN title_language")
    for column in ("title_language", "published_first", "published_last"):
        conn.execute(f"ALTER TABLE stories DROP COLUMN {column}")
    old.close()
    failures: list[BaseException] = []

    def replica() -> None:
        try:
            open_store()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    replicas = [threading.Thread(target=replica) for _ in range(3)]
    for r in replicas:
        r.start()
    for r in replicas:
        r.join()
    assert failures == []
    assert open_store().story("s1")["articles"][0]["title_language"] == "en"
