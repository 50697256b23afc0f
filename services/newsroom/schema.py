"""The read model's tables, in SQL both SQLite and PostgreSQL accept (times are seconds since the epoch)."""

from __future__ import annotations

__all__ = ["TABLES", "ARTICLE_COLUMNS", "ENTITY_NAMES_INDEX"]

# An entity's page names it as most of its reports do (reads.Reads._most_named: a key's rows grouped by name): counted
# from this index alone, where the key's index had the table's row of each report read. A store from before it gets it
# when opened, as it gets every statement here.
ENTITY_NAMES_INDEX = "article_entities_key_name"

TABLES = [
    """CREATE TABLE IF NOT EXISTS stories (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, first_at DOUBLE PRECISION NOT NULL, last_at DOUBLE PRECISION NOT NULL,
        title_language TEXT, published_first DOUBLE PRECISION, published_last DOUBLE PRECISION, article_count INTEGER NOT NULL, languages TEXT NOT NULL, sources TEXT NOT NULL,
        alert_count INTEGER NOT NULL DEFAULT 0, updated_at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS stories_newest ON stories (last_at DESC, id)",
    "CREATE INDEX IF NOT EXISTS stories_active ON stories (article_count DESC, last_at DESC, id)",
    """CREATE TABLE IF NOT EXISTS articles (
        id TEXT PRIMARY KEY, story_id TEXT NOT NULL, source TEXT NOT NULL, url TEXT, language TEXT NOT NULL,
        language_confidence DOUBLE PRECISION, title TEXT NOT NULL, title_language TEXT, body TEXT NOT NULL, original_title TEXT NOT NULL,
        original_body TEXT NOT NULL, translation TEXT, changes TEXT NOT NULL, evidence TEXT, tags TEXT NOT NULL,
        entities TEXT NOT NULL, feed_id TEXT, published_at DOUBLE PRECISION, fetched_at DOUBLE PRECISION NOT NULL,
        at DOUBLE PRECISION NOT NULL, revision INTEGER NOT NULL, digest TEXT NOT NULL, stored_at DOUBLE PRECISION NOT NULL,
        people_from TEXT, keys_from TEXT)""",
    "CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id, at)",
    "CREATE INDEX IF NOT EXISTS articles_story_language ON articles (story_id, language)",
    "CREATE INDEX IF NOT EXISTS articles_fetched ON articles (fetched_at)",
    "CREATE INDEX IF NOT EXISTS articles_language ON articles (language, story_id)",
    "CREATE INDEX IF NOT EXISTS articles_source ON articles (source, story_id)",
    """CREATE TABLE IF NOT EXISTS article_entities (
        article_id TEXT NOT NULL, story_id TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
        mentions INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (article_id, key))""",
    "CREATE INDEX IF NOT EXISTS article_entities_key ON article_entities (key, story_id)",
    f"CREATE INDEX IF NOT EXISTS {ENTITY_NAMES_INDEX} ON article_entities (key, name)",
    "CREATE INDEX IF NOT EXISTS article_entities_story ON article_entities (story_id)",
    # A word for a country's people in a report ("Ukrainian"): the country's QID, beside the word's own entity key.
    """CREATE TABLE IF NOT EXISTS article_people (
        article_id TEXT NOT NULL, story_id TEXT NOT NULL, country_id TEXT NOT NULL, name TEXT NOT NULL, words TEXT NOT NULL,
        mentions INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (article_id, country_id))""",
    "CREATE INDEX IF NOT EXISTS article_people_country ON article_people (country_id, story_id)",
    "CREATE INDEX IF NOT EXISTS article_people_story ON article_people (story_id)",
    """CREATE TABLE IF NOT EXISTS article_tags (
        article_id TEXT NOT NULL, story_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (article_id, tag))""",
    "CREATE INDEX IF NOT EXISTS article_tags_tag ON article_tags (tag, story_id)",
    "CREATE INDEX IF NOT EXISTS article_tags_story ON article_tags (story_id, tag)",
    # The entity directory: a key's name as last written (or first, for keys a re-key merged); pages name it as most of
    # its reports do, from article_entities (reads.Reads._most_named).
    """CREATE TABLE IF NOT EXISTS entities (
        key TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, last_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS alerts (
        id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, story_id TEXT NOT NULL, kind TEXT NOT NULL, sequence INTEGER NOT NULL,
        fired_at DOUBLE PRECISION NOT NULL, title TEXT NOT NULL, title_language TEXT, summary TEXT NOT NULL, url TEXT, matched TEXT NOT NULL,
        entities TEXT NOT NULL, article_ids TEXT NOT NULL, sources TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS alerts_fired ON alerts (fired_at DESC, id)",
    "CREATE INDEX IF NOT EXISTS alerts_story ON alerts (story_id)",
    "CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, story_id)",
    # Stories the story stage made part of another (one event that had opened twice): old id -> the story it is now.
    "CREATE TABLE IF NOT EXISTS story_merges (id TEXT PRIMARY KEY, story_id TEXT NOT NULL)",
    # The values the filters offer (language, source, tag, rule), kept as they are written: no scan per page.
    "CREATE TABLE IF NOT EXISTS facets (kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value))",
]

# The columns of ``articles`` a report's row (records.ArticleRow.values) fills; ``stored_at``, ``people_from`` (how its
# article_people rows were made: people.FROM_MESSAGE) and ``keys_from`` (how its entity keys were: rekey.KEYS_FROM_MESSAGE)
# are the store's own.
ARTICLE_COLUMNS = ("id", "story_id", "source", "url", "language", "language_confidence", "title", "title_language", "body",
                   "original_title", "original_body", "translation", "changes", "evidence", "tags", "entities", "feed_id",
                   "published_at", "fetched_at", "at", "revision", "digest")
