"""The read model's queries, as the API and pages ask them: the story list, a story, an article, an entity, alerts,
facets and counts. SQL both backends share; a backend gives connections (``_rows``) and full-text search.

The write path, migrations and the dialect hooks are in ``store.py``, whose :class:`~services.newsroom.store.Store`
is the one class callers use.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from services.newsroom.alerts import alert_items, alerts_page, story_alerts
from services.newsroom.people import (STORIES_WITH_PEOPLE, country_of_people, country_of_word, fold_people, folds, people_summary,
                                      reports_naming, word_countries)
from services.newsroom.records import iso, shown
from services.newsroom.schema import ARTICLE_COLUMNS
from services.newsroom.summary import BODY_LANGUAGE, title_language_of

__all__ = ["StoryQuery", "Reads"]

LIST_COLUMNS = ("s.id, s.title, s.title_language, s.first_at, s.last_at, s.published_first, s.published_last, s.article_count, "
                "s.languages, s.sources, s.alert_count")


@dataclass(frozen=True)
class StoryQuery:
    """Which stories, in which order: every filter is optional; ``q`` is free text."""

    order: Literal["newest", "active"] = "newest"
    entity: str | None = None
    people: bool = False  # with ``entity`` (a country): also the stories naming it by its people's words
    language: str | None = None
    source: str | None = None
    tag: str | None = None
    rule: str | None = None
    since: float | None = None
    until: float | None = None
    q: str | None = None
    limit: int = 25
    offset: int = 0


def _published(first: float, last: float, unknown: int) -> dict:
    """A story's span as its reports date themselves: each by its publication time, or when fetched where it has none
    (``unknown`` of them). A story's first_at and last_at are fetch times, which order and prune stories."""
    return {"first_at": iso(first), "last_at": iso(last), "unknown": int(unknown)}


def _shared(rows: Iterable[dict]) -> list[dict]:
    """A story's entities (key, name, type, articles) from rows of (key, name, type, articles: its reports naming the key
    by that name): each under the name most of its reports give it, the first in alphabetical order of those as many
    give, so the story list and the story page spell a word ("Russian", "Russians") alike, folded or not."""
    found: dict[str, dict] = {}
    names: dict[str, dict[str, int]] = {}
    for r in rows:
        e = found.setdefault(r["key"], {"key": r["key"], "name": r["name"], "type": r["type"], "articles": 0})
        e["articles"] += r["articles"]
        e["type"] = max(e["type"], r["type"])
        spelled = names.setdefault(r["key"], {})
        spelled[r["name"]] = spelled.get(r["name"], 0) + r["articles"]
    for key, e in found.items():
        e["name"] = _majority(names[key])
    return list(found.values())


def _majority(reports: dict[str, int]) -> str | None:
    """Of names and how many reports give each, the one most give; of equals, the first in code-point order (as
    Python compares strings: both stores alike, whatever the database's collation). None for no names."""
    return min(reports, key=lambda name: (-reports[name], name)) if reports else None


class Reads(ABC):
    """The newsroom's reads; :class:`~services.newsroom.store.Store` adds the writes and the backends' plumbing."""

    @abstractmethod
    def _rows(self, sql: str, params: list | tuple = ()) -> list[dict]:
        """The rows a query gives, as dicts (the read then ends: no transaction is left open)."""

    @abstractmethod
    def _search_clause(self, q: str) -> tuple[str, list] | None:
        """SQL selecting ``story_id`` of articles matching ``q``, with its parameters; None when q has no words."""

    def _story_filters(self, query: StoryQuery) -> tuple[str, list]:
        where, params = [], []
        # IN for the selective filters (few stories match: the planner starts from them); EXISTS for the ones
        # with few values (many stories match: walking the stories in order and probing each stops early).
        if query.entity and query.people:
            where.append(STORIES_WITH_PEOPLE)
            params.extend([query.entity, query.entity])
        for value, sql in ((None if query.people else query.entity, "s.id IN (SELECT story_id FROM article_entities WHERE key = ?)"),
                           (query.language, "EXISTS (SELECT 1 FROM articles a WHERE a.story_id = s.id AND a.language = ?)"),
                           (query.source, "s.id IN (SELECT story_id FROM articles WHERE source = ?)"),
                           (query.tag, "EXISTS (SELECT 1 FROM article_tags t WHERE t.story_id = s.id AND t.tag = ?)"),
                           (query.rule, "s.id IN (SELECT story_id FROM alerts WHERE rule_id = ?)")):
            if value:
                where.append(sql)
                params.append(value)
        if query.since is not None:
            where.append("s.last_at >= ?")
            params.append(query.since)
        if query.until is not None:
            where.append("s.first_at <= ?")
            params.append(query.until)
        if query.q:
            search = self._search_clause(query.q)
            if search is None:
                where.append("1 = 0")
            else:
                where.append(f"s.id IN ({search[0]})")
                params.extend(search[1])
        return (" WHERE " + " AND ".join(where)) if where else "", params

    def stories(self, query: StoryQuery) -> dict:
        """A page of stories: ``items`` (each with its top entities) and ``more`` (whether a next page exists)."""
        where, params = self._story_filters(query)
        order = "s.article_count DESC, s.last_at DESC, s.id" if query.order == "active" else "s.last_at DESC, s.id"
        rows = self._rows(f"SELECT {LIST_COLUMNS} FROM stories s{where} ORDER BY {order} LIMIT ? OFFSET ?",
                          [*params, query.limit + 1, query.offset])
        more = len(rows) > query.limit
        items = [shown(r) for r in rows[:query.limit]]
        if items:
            ids = [i["id"] for i in items]
            marks = ", ".join("?" for _ in ids)
            top = self._rows(f"SELECT story_id, key, name, max(type) AS type, count(*) AS articles "
                             f"FROM article_entities WHERE story_id IN ({marks}) GROUP BY story_id, key, name", ids)
            spellings: dict[str, list] = {}
            for r in top:
                spellings.setdefault(r["story_id"], []).append(r)
            by_story = {story: _shared(rows) for story, rows in spellings.items()}
            spans = {r["story_id"]: r for r in self._rows(
                "SELECT story_id, min(at) AS first_at, max(at) AS last_at, "
                f"sum(CASE WHEN published_at IS NULL THEN 1 ELSE 0 END) AS unknown FROM articles WHERE story_id IN ({marks}) "
                "GROUP BY story_id", ids)}
            countries = word_countries(self._rows(
                f"SELECT DISTINCT country_id, words FROM article_people WHERE story_id IN ({marks})", ids))
            into = {story: found for story, ents in by_story.items() if (found := folds((e["key"] for e in ents), countries))}
            counted = self._reports_naming(into)
            for item in items:
                ents = fold_people(by_story.get(item["id"], []), into.get(item["id"], {}), "articles", counted.get(item["id"]))
                item["entities"] = sorted(ents, key=lambda e: (-e["articles"], e["name"]))[:6]
                span = spans.get(item["id"])
                item["published"] = _published(span["first_at"], span["last_at"], span["unknown"]) if span else None
        return {"items": items, "more": more}

    def _reports_naming(self, into: dict[str, dict[str, str]]) -> dict[str, dict[str, int]]:
        """For each story of ``into`` (its words -> the countries they fold into), the distinct reports naming each of
        those countries or its people: the list's counts are per key, and one report may name both."""
        if not into:
            return {}
        stories = sorted(into)
        keys = sorted({key for found in into.values() for pair in found.items() for key in pair})
        rows = self._rows("SELECT story_id, article_id, key FROM article_entities "
                          f"WHERE story_id IN ({', '.join('?' * len(stories))}) AND key IN ({', '.join('?' * len(keys))})",
                          [*stories, *keys])
        by_story: dict[str, list[dict]] = {}
        for r in rows:
            by_story.setdefault(r["story_id"], []).append(r)
        return {story: reports_naming(by_story.get(story, []), found) for story, found in into.items()}

    def story(self, story_id: str) -> dict | None:
        """One story with its reports; the id of a story merged into another gives that one (its ``id`` says which)."""
        rows = self._rows(f"SELECT {LIST_COLUMNS} FROM stories s WHERE s.id = ?", [story_id])
        if not rows:
            became = self._rows("SELECT story_id FROM story_merges WHERE id = ?", [story_id])
            if became:
                rows = self._rows(f"SELECT {LIST_COLUMNS} FROM stories s WHERE s.id = ?", [became[0]["story_id"]])
        if not rows:
            return None
        story = shown(rows[0])
        story_id = story["id"]
        articles = self._rows("SELECT id, story_id, source, url, language, language_confidence, title, original_title, "
                              "translation, evidence, tags, feed_id, published_at, fetched_at, at, revision, "
                              f"{title_language_of()} AS title_language, {BODY_LANGUAGE} AS body_language "
                              "FROM articles WHERE story_id = ? ORDER BY at, id", [story_id])
        ents = self._rows("SELECT article_id, key, name, type, mentions FROM article_entities WHERE story_id = ?", [story_id])
        per_article: dict[str, list] = {}
        for e in ents:
            per_article.setdefault(e["article_id"], []).append({k: e[k] for k in ("key", "name", "type", "mentions")})
        shared = {e["key"]: e for e in _shared({**e, "articles": 1} for e in ents)}
        # A word for a country's people folds into the country where the list names it: the story's, or one report's.
        countries = word_countries(self._rows("SELECT DISTINCT country_id, words FROM article_people WHERE story_id = ?",
                                              [story_id]))
        story["articles"] = []
        for a in articles:
            report = shown(a)
            own = per_article.get(a["id"], [])
            own = fold_people(own, folds((e["key"] for e in own), countries), "mentions")
            report["entities"] = sorted(own, key=lambda e: (-e["mentions"], e["name"]))
            story["articles"].append(report)
        into = folds(shared, countries)
        story["entities"] = sorted(fold_people(list(shared.values()), into, "articles", reports_naming(ents, into)),
                                   key=lambda e: (-e["articles"], e["name"]))
        # As each report row dates itself (its ``at``).
        story["published"] = _published(min(a["at"] for a in articles), max(a["at"] for a in articles),
                                        sum(a["published_at"] is None for a in articles)) if articles else None
        story["alerts"] = alert_items(self._rows(*story_alerts(story_id)), self._rows)
        timeline: dict[tuple[float, str], int] = {}
        for a in articles:
            hour = float(int(a["at"] // 3600) * 3600)
            timeline[(hour, a["language"])] = timeline.get((hour, a["language"]), 0) + 1
        story["timeline"] = [{"hour": iso(h), "language": lang, "articles": n} for (h, lang), n in sorted(timeline.items())]
        return story

    def article(self, article_id: str) -> dict | None:
        columns = ", ".join(c for c in ARTICLE_COLUMNS if c != "title_language")
        rows = self._rows(f"SELECT {columns}, stored_at, {title_language_of()} AS title_language, {BODY_LANGUAGE} AS body_language "
                          "FROM articles WHERE id = ?", [article_id])
        if not rows:
            return None
        article = shown(rows[0])
        article["entities"] = self._rows("SELECT key, name, type, mentions FROM article_entities WHERE article_id = ? "
                                         "ORDER BY mentions DESC, name", [article_id])
        return article

    def has_entity(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 AS found FROM entities WHERE key = ?", [key]))

    def named_by_last_word(self, word: str, *, limit: int = 10) -> list[dict]:
        """Stored unlinked entities (``name:`` keys) whose name ends with ``word`` (folded, as keys are), most recent
        first: the tagger keys a surname given alone under the full name it stands for ("Stoltenberg" after "Jens
        Stoltenberg"), so the surname has no key of its own."""
        pattern = "name:% " + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self._rows("SELECT key, name FROM entities WHERE key LIKE ? ESCAPE '\\' ORDER BY last_at DESC, key LIMIT ?",
                          [pattern, limit])

    def entity(self, key: str, *, limit: int = 25, people: bool = False) -> dict | None:
        """The entity, its counts and recent stories; ``people`` (for a country) lists those naming its people too, as
        does the page of a country that only its people's words name (they are all it has to list)."""
        rows = self._rows("SELECT key, name, type, last_at FROM entities WHERE key = ?", [key])
        row = rows[0] if rows else country_of_people(self._rows, key)
        if row is None:
            return None
        entity = shown(row)
        if rows:
            entity["name"] = self._most_named(key) or entity["name"]
        counts = self._rows("SELECT count(*) AS articles, count(DISTINCT story_id) AS stories FROM article_entities "
                            "WHERE key = ?", [key])[0]
        entity.update(counts)
        entity["people"] = people_summary(self._rows, key)
        entity["with_people"] = bool((people or not rows) and entity["people"])
        entity["country"] = country_of_word(self._rows, key) if rows else None  # "Ukrainian": its country's page
        entity["stories"] = self.stories(StoryQuery(entity=key, limit=limit, people=entity["with_people"]))["items"]
        entity["story_count"] = counts["stories"]
        return entity

    def _most_named(self, key: str) -> str | None:
        """The name most of the stored reports naming ``key`` give it, as a story's list names it (:func:`_majority`):
        the directory's row keeps whichever name was written last, and a key two spellings or a re-key merged
        ("Israel Defence Forces", "Israel Defense Forces") has several. None when no report names it."""
        return _majority({r["name"]: r["reports"] for r in self._rows(
            "SELECT name, count(*) AS reports FROM article_entities WHERE key = ? GROUP BY name", [key])})

    def alerts(self, *, rule: str | None = None, story: str | None = None, since: float | None = None,
               limit: int = 25, offset: int = 0) -> dict:
        rows = self._rows(*alerts_page(rule=rule, story=story, since=since, limit=limit, offset=offset))
        return {"items": alert_items(rows[:limit], self._rows), "more": len(rows) > limit}

    def facets(self) -> dict:
        """The values the filters offer: languages, sources, tags and rules present."""
        out: dict[str, list[str]] = {"languages": [], "sources": [], "tags": [], "rules": []}
        for r in self._rows("SELECT kind, value FROM facets ORDER BY kind, value"):
            out[r["kind"] + "s"].append(r["value"])
        return out

    def counts(self) -> dict[str, int]:
        return {t: self._rows(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in ("stories", "articles", "entities", "alerts")}
