"""A story's row recomputed from its reports: its title (the earliest English headline), spans, languages and sources.

The SQL here is shared by both backends; ``sql`` turns its ``?`` placeholders into the dialect's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from schemas.languages import TITLE_KEPT_ENGLISH

__all__ = ["BODY_LANGUAGE", "ARTICLE_COLUMNS_ADDED", "STORY_COLUMNS_ADDED", "title_language_of", "refresh_story", "resummarise"]

# The language a report's ``body`` is in as stored: English when the report was written in it or translated into it,
# else the original's (no translator for the language: the original text stands in). Its title's language is kept in
# ``articles.title_language`` (see schemas.languages.title_language), as the title can be English when the body is not.
BODY_LANGUAGE = "(CASE WHEN language = 'en' OR translation IS NOT NULL THEN 'en' ELSE language END)"


def title_language_of(a: str = "") -> str:
    """SQL for the language of report ``a``'s title (``a``: the articles table's alias, with its dot, or "").

    ``title_language`` as written (schemas.languages.title_language) where it is needed, that is for a report neither in English nor
    translated (only such a report can have kept an English headline); worked out here, as that function does, where it
    is NULL: a row written by a replica of an older release, which knows nothing of the column, during a rolling upgrade.
    """
    kept_english = f"{a}changes LIKE '%\"{TITLE_KEPT_ENGLISH}\"%'"  # a JSON string, whatever the JSON's spacing
    return (f"(CASE WHEN {a}language = 'en' OR {a}translation IS NOT NULL THEN 'en' "
            f"ELSE COALESCE({a}title_language, CASE WHEN {kept_english} THEN 'en' ELSE {a}language END) END)")


# The story's title: the earliest report whose title reads in English; the earliest of all when none does. Among those, a
# report that came with a headline before one that came without (its title is its text's first sentence, cut off).
_TITLE_ORDER = (f"(CASE WHEN {title_language_of('a.')} = 'en' THEN 0 ELSE 1 END), "
                "(CASE WHEN a.original_title = '' THEN 1 ELSE 0 END), a.fetched_at, a.id")

# Columns added to ``articles`` and ``stories`` after their first release, with their types; an older store gets them on open.
ARTICLE_COLUMNS_ADDED = {"title_language": "TEXT", "people_from": "TEXT", "keys_from": "TEXT"}
STORY_COLUMNS_ADDED = {"title_language": "TEXT", "published_first": "DOUBLE PRECISION", "published_last": "DOUBLE PRECISION"}


def refresh_story(cur: Any, sql: Callable[[str], str], story_id: str, now: float) -> None:
    """Recompute one story's row from its reports (deleting it when none is left)."""
    cur.execute(sql("SELECT count(*), min(fetched_at), max(fetched_at), min(published_at), max(published_at) "
                    "FROM articles WHERE story_id = ?"), (story_id,))
    count, first, last, published_first, published_last = cur.fetchone()
    if not count:
        cur.execute(sql("DELETE FROM stories WHERE id = ?"), (story_id,))
        return
    cur.execute(sql(f"SELECT a.title, {title_language_of('a.')} FROM articles a WHERE a.story_id = ? ORDER BY {_TITLE_ORDER} LIMIT 1"),
                (story_id,))
    title, title_language = cur.fetchone()
    cur.execute(sql("SELECT language, count(*) AS n FROM articles WHERE story_id = ? GROUP BY language "
                    "ORDER BY n DESC, language"), (story_id,))
    languages = [r[0] for r in cur.fetchall()]
    cur.execute(sql("SELECT DISTINCT source FROM articles WHERE story_id = ? ORDER BY source"), (story_id,))
    sources = [r[0] for r in cur.fetchall()]
    cur.execute(sql("SELECT count(*) FROM alerts WHERE story_id = ?"), (story_id,))
    alerts = cur.fetchone()[0]
    cur.execute(sql(
        "INSERT INTO stories (id, title, title_language, first_at, last_at, published_first, published_last, article_count, "
        "languages, sources, alert_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET title = excluded.title, title_language = excluded.title_language, "
        "first_at = excluded.first_at, last_at = excluded.last_at, published_first = excluded.published_first, "
        "published_last = excluded.published_last, article_count = excluded.article_count, "
        "languages = excluded.languages, sources = excluded.sources, alert_count = excluded.alert_count, "
        "updated_at = excluded.updated_at"),
        (story_id, title, title_language, first, last, published_first, published_last, count,
         orjson.dumps(languages).decode(), orjson.dumps(sources).decode(), alerts, now))


def resummarise(cur: Any, sql: Callable[[str], str]) -> None:
    """Retitle every story and fill its publication span in one statement (a store from before those columns)."""
    cur.execute(sql(
        f"UPDATE stories SET title = (SELECT a.title FROM articles a WHERE a.story_id = stories.id ORDER BY {_TITLE_ORDER} LIMIT 1), "
        f"title_language = (SELECT {title_language_of('a.')} FROM articles a WHERE a.story_id = stories.id ORDER BY {_TITLE_ORDER} LIMIT 1), "
        "published_first = (SELECT min(a.published_at) FROM articles a WHERE a.story_id = stories.id), "
        "published_last = (SELECT max(a.published_at) FROM articles a WHERE a.story_id = stories.id) "
        "WHERE EXISTS (SELECT 1 FROM articles a WHERE a.story_id = stories.id)"), ())
