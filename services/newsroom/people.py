"""The reports that name a country by a word for its people ("Ukrainian troops"), beside those that name it.

The tagger gives such a word the country's QID (``Entity.country_id``) and keeps the word's own key, so a
country's page lists the reports naming it, and with ``people=1`` (``?entity=Q212&people=1``, the entity page and
API alike) those naming only its people too. Kept in ``article_people``; a report stored before the rows were kept
gets them from its stored mentions when the store next opens (``fill_people``). A country no stored report names but
some name its people has a page all the same (the one a reader of "Ukrainian troops" looks for), listing those. Where a
story's entities are listed, such a word folds into its country when the list names the country too (``fold_people``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from schemas import TaggedArticle

__all__ = ["PeopleRow", "people_rows", "stored_people", "write_people", "fill_people", "FROM_MESSAGE", "FROM_MENTIONS",
           "STORIES_WITH_PEOPLE", "people_summary", "country_of_people", "country_of_word", "word_countries", "folds",
           "reports_naming", "fold_people"]

# The stories of an entity filter with ``people``: the key's own reports and those naming its people.
STORIES_WITH_PEOPLE = ("s.id IN (SELECT story_id FROM article_entities WHERE key = ? "
                       "UNION SELECT story_id FROM article_people WHERE country_id = ?)")


@dataclass(frozen=True)
class PeopleRow:
    country_id: str
    name: str
    words: str  # the words as written, comma-separated: "Ukrainian, Ukrainians"
    mentions: int


# How a report's people rows were made (``articles.people_from``): from the delivered message's ``country_id``, or from
# the report's stored mentions by the tagger's table, for a report stored before the rows were kept. NULL: not made
# (a store from before them, or a report an older replica wrote in a rolling upgrade): made when the store next opens.
FROM_MESSAGE, FROM_MENTIONS = "message", "mentions"


def people_rows(article: TaggedArticle) -> list[PeopleRow]:
    # A state body the tagger relates to its country ("Russian Foreign Ministry", "Russia's Foreign Ministry", whatever
    # NER labels it) is no word for its people: alert rules read it (people: true), a country's page does not list it
    # among its people's words. An ORG that is only such a word ("Ukrainians", NER's mistake) is one. The tagger's own
    # test (Demonyms.is_state_body), as the alerter's reasons use it.
    return _rows((e.country_id, e.country_name or e.country_id, e.text) for e in article.entities
                 if e.country_id and not _demonyms().is_state_body(e))


@lru_cache(maxsize=1)
def _demonyms() -> Any:
    from services.tagger.demonyms import Demonyms

    return Demonyms.load()


def stored_people(mentions: Iterable[dict], demonyms: Any) -> list[PeopleRow]:
    """The rows the tagger's table (a :class:`~services.tagger.demonyms.Demonyms`) gives a report's mentions as the store
    keeps them (``articles.entities``: key, name, type of each keyed mention, in the report's order), as the tagger
    gives a new report's: a people's word is an unlinked mention (a ``name:`` key), whose name is its text as written."""
    return _rows((*found, m["name"]) for m in mentions
                 if m["key"].startswith("name:") and (found := demonyms.of_mention(m["name"], m["type"], m["key"])))


def _rows(mentions: Iterable[tuple[str, str, str]]) -> list[PeopleRow]:
    """Per country, its name, its people's words as written (first seen first) and how many mentions, from (country
    QID, country name, word) per mention."""
    found: dict[str, tuple[str, dict[str, None], list[int]]] = {}
    for country_id, country_name, text in mentions:
        name, words, count = found.setdefault(country_id, (country_name, {}, [0]))
        words[text] = None
        count[0] += 1
    return [PeopleRow(cid, name, ", ".join(words), count[0]) for cid, (name, words, count) in found.items()]


def write_people(cur: Any, sql: Callable[[str], str], article_id: str, story_id: str, rows: list[PeopleRow], at: float) -> None:
    cur.execute(sql("DELETE FROM article_people WHERE article_id = ?"), (article_id,))
    if rows:
        cur.executemany(sql("INSERT INTO article_people (article_id, story_id, country_id, name, words, mentions, at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                        [(article_id, story_id, r.country_id, r.name, r.words, r.mentions, at) for r in rows])


def fill_people(cur: Any, sql: Callable[[str], str]) -> int:
    """Give each report without ``people_from`` its people rows: kept if it has some (a release that wrote them from the
    message), else derived from its stored mentions (:func:`stored_people`) by the tagger's bundled table, its countries
    named as the bundled gazetteer names them; return how many were derived. The caller holds the transaction."""
    # Made after the column (a store from before gets it on open); it holds only reports without rows made: found at
    # every start without reading the table.
    cur.execute("CREATE INDEX IF NOT EXISTS articles_people_unmade ON articles (id) WHERE people_from IS NULL")
    cur.execute("SELECT id FROM articles WHERE people_from IS NULL")
    ids = [r[0] for r in cur.fetchall()]
    if not ids:
        return 0
    from services.tagger.demonyms import Demonyms

    demonyms = Demonyms.load()
    derived = 0
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        cur.execute(sql(f"SELECT DISTINCT article_id FROM article_people WHERE article_id IN ({marks})"), chunk)
        kept = {r[0] for r in cur.fetchall()}
        cur.execute(sql(f"SELECT id, story_id, entities, fetched_at FROM articles WHERE id IN ({marks})"), chunk)
        for article_id, story_id, mentions, fetched_at in cur.fetchall():
            if article_id not in kept:
                write_people(cur, sql, article_id, story_id, stored_people(orjson.loads(mentions), demonyms), fetched_at)
                derived += 1
        cur.executemany(sql("UPDATE articles SET people_from = ? WHERE id = ?"),
                        [(FROM_MESSAGE if article_id in kept else FROM_MENTIONS, article_id) for article_id in chunk])
    return derived


def people_summary(rows: Callable[[str, list], list[dict]], key: str) -> dict | None:
    """How many reports and stories name the country ``key`` by its people's words, and which words; None if none."""
    found = rows("SELECT count(*) AS articles, count(DISTINCT story_id) AS stories FROM article_people WHERE country_id = ?",
                 [key])[0]
    if not found["articles"]:
        return None
    words: dict[str, None] = {}
    for row in rows("SELECT words FROM article_people WHERE country_id = ? ORDER BY at DESC LIMIT 200", [key]):
        words.update(dict.fromkeys(w for w in row["words"].split(", ") if w))
    return {"articles": found["articles"], "stories": found["stories"], "words": sorted(words)}


def country_of_people(rows: Callable[[str, list], list[dict]], key: str) -> dict | None:
    """The entity row (key, name, type, last_at) of a country only its people's words name, as the newest report
    names it; None if none does."""
    found = rows("SELECT name, at FROM article_people WHERE country_id = ? ORDER BY at DESC LIMIT 1", [key])
    return {"key": key, "name": found[0]["name"], "type": "GPE", "last_at": found[0]["at"]} if found else None


def country_of_word(rows: Callable[[str, list], list[dict]], key: str) -> dict | None:
    """``{"key", "name"}`` of the one country the word keyed ``key`` (``name:ukrainian``) names the people of, as the
    reports naming that word say; None for any other key, or a word two countries' rows would share."""
    if not key.startswith("name:"):
        return None
    from services.tagger.linking import people_word_key

    found = {}
    for row in rows("SELECT p.country_id, p.name, p.words FROM article_people p JOIN article_entities e "
                    "ON e.article_id = p.article_id WHERE e.key = ? ORDER BY p.at DESC LIMIT 200", [key]):
        if any(people_word_key(w) == key for w in row["words"].split(", ")):
            found.setdefault(row["country_id"], row["name"])
    return {"key": next(iter(found)), "name": next(iter(found.values()))} if len(found) == 1 else None


# Where the newsroom lists a story's entities, a people's word ("Russian") whose country ("Russia") the same list names
# is folded into the country: one entry, its reports those naming the country or its people. A word whose country the
# list does not name stays as written: "Russian" is no mention of Russia (docs/tagger.md, "NORP words"), and such a
# story is not among Russia's without people=1; the word's page leads to its country's.

def word_countries(people: Iterable[dict]) -> dict[str, str]:
    """The country each people's word names, by the key the word's entity has (``name:russian`` -> ``Q159``), from
    article_people rows (``country_id``, ``words``); a key the rows give two countries names neither."""
    from services.tagger.linking import name_key, people_word_key

    found: dict[str, set[str]] = {}
    for row in people:
        for word in filter(None, row["words"].split(", ")):
            # The tagger keys a NORP word singular, the same word under another label ("Britons", GPE) as written.
            for key in {people_word_key(word), name_key(word)}:
                found.setdefault(key, set()).add(row["country_id"])
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def folds(keys: Iterable[str], countries: Mapping[str, str]) -> dict[str, str]:
    """Which of ``keys`` fold into which: a people's word's key -> its country's, where the country is among ``keys``."""
    present = set(keys)
    return {key: country for key in present if (country := countries.get(key)) in present and country != key}


def reports_naming(rows: Iterable[dict], into: Mapping[str, str]) -> dict[str, int]:
    """How many distinct reports name each country of ``into``, or a word for its people (``rows``: article_id, key)."""
    countries = set(into.values())
    found: dict[str, set[str]] = {}
    for row in rows:
        country = into.get(row["key"], row["key"])
        if country in countries:
            found.setdefault(country, set()).add(row["article_id"])
    return {country: len(ids) for country, ids in found.items()}


def fold_people(entities: list[dict], into: Mapping[str, str], count: str,
                counted: Mapping[str, int] | None = None) -> list[dict]:
    """``entities`` (key, name, type and ``count``) with each word of ``into`` folded into its country's entry: not listed,
    its key and name in the country's ``people``; the country's ``count`` becomes ``counted[country]`` (distinct
    reports) where given, else the sum (a report's mentions)."""
    out = {e["key"]: dict(e) for e in entities if e["key"] not in into}
    for e in sorted((e for e in entities if e["key"] in into), key=lambda e: e["name"]):
        country = out[into[e["key"]]]
        country.setdefault("people", []).append({"key": e["key"], "name": e["name"]})
        if counted is None:
            country[count] += e[count]
    for key, n in (counted or {}).items():
        if key in out:
            out[key][count] = n
    return list(out.values())
