"""The read model's write side and the plumbing both backends share (SQLite in ``sqlite.py``, PostgreSQL in
``postgres.py``): connections, migrations, upserts, merges and expiry. The reads are in ``reads.py``, the alerts' SQL
in ``alerts.py``, a story's recomputed row in ``summary.py``.

Writes are idempotent: an article is upserted by id (an older revision, or the same message again, changes
nothing) and an alert by id; a story's figures are recomputed from its articles, never incremented. Each
thread gets its own connection, so the web server reads in a thread pool while the agent writes.
"""

from __future__ import annotations

import dataclasses
import threading
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from schemas import Alert, TaggedArticle, title_language
from services.newsroom.alerts import ALERT_COLUMNS_ADDED, fill_title_languages, upsert_alert
from services.newsroom.people import FROM_MESSAGE, fill_people, write_people
from services.newsroom.rekey import KEYS_FROM_MESSAGE, delivered_keys, fill_keys
from services.newsroom.reads import Reads, StoryQuery
from services.newsroom.records import ArticleRow, article_row
from services.newsroom.schema import ARTICLE_COLUMNS
from services.newsroom.summary import ARTICLE_COLUMNS_ADDED, STORY_COLUMNS_ADDED, refresh_story, resummarise
from services.runtime.logs import get_logger

__all__ = ["StoryQuery", "Store", "WriteResult", "open_store", "SEARCH_LIMIT"]

log = get_logger("wirewatch.newsroom")

# Text search looks at this many of the newest matching reports: a word found in nearly every report
# cannot make a search slow (the newest-first list of 25 stories is found well within them; a story
# whose only match is older than the newest thousand is not found by that word).
SEARCH_LIMIT = 1000


@dataclass(frozen=True)
class WriteResult:
    """What a write did: 'inserted', 'updated', 'unchanged' (a re-delivery) or 'stale' (an older revision)."""

    outcome: str
    story_ids: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.outcome in ("inserted", "updated")


class Store(Reads):
    """A newsroom read model: the reads (:class:`Reads`) and the writes. Subclasses give connections, the dialect and
    full-text search."""

    backend: str
    # What ``ADD COLUMN`` says so that a column another replica added meanwhile is no error: on PostgreSQL replicas
    # migrate one at a time under an advisory lock already, and IF NOT EXISTS keeps an upgrade safe should one not.
    # SQLite has no such clause: the columns are looked at first (BEGIN IMMEDIATE: nobody adds one meanwhile).
    _if_not_exists = ""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ dialect hooks

    @abstractmethod
    def _connect(self) -> Any: ...

    @abstractmethod
    def _ddl(self) -> list[str]: ...

    @abstractmethod
    @contextmanager
    def _tx(self, conn: Any) -> Iterator[Any]:
        """A write transaction; yields a cursor."""

    @abstractmethod
    def _lock_story(self, cur: Any, story_id: str) -> None:
        """Serialise writers of one story (several replicas on one database)."""

    @abstractmethod
    def _index_text(self, cur: Any, row: ArticleRow) -> None: ...

    @abstractmethod
    def _unindex_text(self, cur: Any, article_ids: list[str]) -> None:
        """Drop the articles' search entries; called while the articles still exist."""

    def _sql(self, sql: str) -> str:
        return sql

    def is_transient(self, exc: BaseException) -> bool:
        """Whether a failed write should be retried (the database is busy or away) rather than dead-lettered."""
        return False

    def forget_connection(self) -> None:
        """Drop this thread's connection (after the database went away), so the next call reconnects."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - it is broken already
                pass

    # ------------------------------------------------------------------ plumbing

    def conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _rows(self, sql: str, params: list | tuple = ()) -> list[dict]:
        cur = self.conn().cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
            return [dict(r) for r in cur.fetchall()]
        finally:
            cur.close()
            self._end_read()

    def _end_read(self) -> None:
        """Close a read (PostgreSQL would otherwise keep a transaction open)."""

    def migrate(self) -> None:
        with self._tx(self.conn()) as cur:
            self._create(cur)

    def _create(self, cur: Any) -> None:
        for statement in self._ddl():
            cur.execute(statement)
        cur.execute("SELECT (SELECT count(*) FROM facets), (SELECT count(*) FROM articles)")
        facets, articles = cur.fetchone()
        if articles and not facets:  # a store from before the facets table
            self._rebuild_facets(cur)
        self._add_columns(cur, "articles", ARTICLE_COLUMNS_ADDED)
        # Reports without their title's language: a store from before the column, or rows a replica of that release wrote
        # during a rolling upgrade (reads work it out meanwhile: summary.title_language_of). Their stories are retitled, as
        # are those of a store from before English titles and spans.
        filled = self._fill_title_languages(cur) if articles else 0
        if (self._add_columns(cur, "stories", STORY_COLUMNS_ADDED) or filled) and articles:
            resummarise(cur, self._sql)
        # Alerts from before the column state no language: those whose report is stored take its, which then outlives the
        # report's expiry. The rest, and those a replica of that release writes during a rolling upgrade, show their
        # report's when it is stored (alerts.alert_items).
        if self._add_columns(cur, "alerts", ALERT_COLUMNS_ADDED) and articles:
            fill_title_languages(cur, self._sql)
        # Reports stored before the tagger kept a body's portfolio in its key ("name:ministry"), or by an older replica in a
        # rolling upgrade, get their unlinked mentions' keys again from their stored names (rekey.fill_keys).
        rekeyed = fill_keys(cur, self._sql)
        if rekeyed:
            log.info("newsroom_keys_rederived", reports=rekeyed, backend=self.backend)
        # Reports stored before article_people was kept, or by an older replica in a rolling upgrade, get their rows from
        # their stored mentions: a story of them lists "Russia", not "Russia, Russian" (people.fill_people).
        derived = fill_people(cur, self._sql)
        if derived:
            log.info("newsroom_people_derived", reports=derived, backend=self.backend)

    def _add_columns(self, cur: Any, table: str, columns: dict[str, str]) -> list[str]:
        """Add those of ``columns`` (name: type) the table lacks (a store from an older release); return their names."""
        cur.execute(f"SELECT * FROM {table} LIMIT 0")
        present = {d[0] for d in cur.description}
        missing = [c for c in columns if c not in present]
        for column in missing:
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {self._if_not_exists}{column} {columns[column]}")
        return missing

    def _fill_title_languages(self, cur: Any) -> int:
        """Give every report without it its title's language (schemas.languages.title_language); return how many were given one."""
        # Written in English or translated: English, whatever the changes. Only the rest (no translator for their
        # language, a few) need their changes read for an English headline kept.
        cur.execute("UPDATE articles SET title_language = 'en' "
                    "WHERE title_language IS NULL AND (language = 'en' OR translation IS NOT NULL)")
        english = max(cur.rowcount, 0)
        cur.execute("SELECT id, language, changes FROM articles WHERE title_language IS NULL")
        found = [(title_language(language, False, [c.get("rule") for c in orjson.loads(changes)]), article_id)
                 for article_id, language, changes in cur.fetchall()]
        cur.executemany(self._sql("UPDATE articles SET title_language = ? WHERE id = ?"), found)
        return english + len(found)

    @staticmethod
    def _rebuild_facets(cur: Any) -> None:
        cur.execute("DELETE FROM facets")
        cur.execute("INSERT INTO facets (kind, value) SELECT DISTINCT 'language', language FROM articles "
                    "UNION SELECT DISTINCT 'source', source FROM articles UNION SELECT DISTINCT 'tag', tag FROM article_tags "
                    "UNION SELECT DISTINCT 'rule', rule_id FROM alerts")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing from another thread is best effort
                    pass
            self._all.clear()
        self._local = threading.local()

    # ------------------------------------------------------------------ writes

    # Whether every replica hears of every write through the database (PostgreSQL NOTIFY), so the agent
    # must not also announce its own writes; with SQLite the one process announces what it writes.
    shared_events = False

    def _announce(self, cur: Any, kind: str, data: dict) -> None:
        """Tell every replica, once the transaction commits, that a story changed (PostgreSQL only)."""

    def write_article(self, article: TaggedArticle, *, now: float) -> WriteResult:
        row = _row(article)
        with self._tx(self.conn()) as cur:
            result = self._write_article(cur, row, now)
            if result.changed:
                for story_id in result.story_ids:
                    self._announce(cur, "story", {"story_id": story_id, "article_id": article.id})
            return result

    def write_articles(self, articles: list[TaggedArticle], *, now: float) -> list[WriteResult]:
        """Several articles in one transaction (a bulk load); each as :meth:`write_article` would."""
        rows = [_row(a) for a in articles]
        with self._tx(self.conn()) as cur:
            results = [self._write_article(cur, row, now, refresh=False) for row in rows]
            for story_id in sorted({s for r in results if r.changed for s in r.story_ids}):
                self._refresh_story(cur, story_id, now)  # once per story, not once per article
                self._announce(cur, "story", {"story_id": story_id})
        return results

    def _write_article(self, cur: Any, row: ArticleRow, now: float, *, refresh: bool = True) -> WriteResult:
        became = self._merged_into(cur, row.story_id)
        if became is not None:  # a late report of a story merged since: it goes where its story went
            row = dataclasses.replace(row, values={**row.values, "story_id": became})
        v = row.values
        self._lock_story(cur, row.story_id)
        cur.execute(self._sql("SELECT story_id, revision, digest FROM articles WHERE id = ?"), (row.id,))
        old = cur.fetchone()
        if old is not None:
            old_story, old_revision, old_digest = old[0], old[1], old[2]
            if old_digest == v["digest"]:
                return WriteResult("unchanged", (row.story_id,))
            if old_revision > v["revision"]:
                return WriteResult("stale", (old_story,))
            if old_story != row.story_id:
                self._lock_story(cur, old_story)
        cols = ", ".join(ARTICLE_COLUMNS)
        marks = ", ".join("?" for _ in ARTICLE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS if c != "id")
        cur.execute(self._sql(f"INSERT INTO articles ({cols}, stored_at, people_from, keys_from) VALUES ({marks}, ?, ?, ?) "
                              f"ON CONFLICT (id) DO UPDATE SET {updates}, people_from = excluded.people_from, "
                              f"keys_from = excluded.keys_from"),
                    (*[v[c] for c in ARTICLE_COLUMNS], now, FROM_MESSAGE, KEYS_FROM_MESSAGE))
        cur.execute(self._sql("DELETE FROM article_entities WHERE article_id = ?"), (row.id,))
        cur.execute(self._sql("DELETE FROM article_tags WHERE article_id = ?"), (row.id,))
        if row.entities:
            cur.executemany(self._sql("INSERT INTO article_entities (article_id, story_id, key, name, type, mentions, at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                            [(row.id, row.story_id, e.key, e.name, e.type, e.mentions, v["fetched_at"]) for e in row.entities])
            cur.executemany(self._sql("INSERT INTO entities (key, name, type, last_at) VALUES (?, ?, ?, ?) "
                                      "ON CONFLICT (key) DO UPDATE SET name = excluded.name, type = excluded.type, "
                                      "last_at = CASE WHEN excluded.last_at > entities.last_at THEN excluded.last_at "
                                      "ELSE entities.last_at END"),
                            [(e.key, e.name, e.type, v["fetched_at"]) for e in row.entities])
        write_people(cur, self._sql, row.id, row.story_id, row.people, v["fetched_at"])
        if row.tags:
            cur.executemany(self._sql("INSERT INTO article_tags (article_id, story_id, tag) VALUES (?, ?, ?)"),
                            [(row.id, row.story_id, tag) for tag in row.tags])
        cur.executemany(self._sql("INSERT INTO facets (kind, value) VALUES (?, ?) ON CONFLICT DO NOTHING"),
                        [("language", v["language"]), ("source", v["source"]), *(("tag", t) for t in row.tags)])
        self._unindex_text(cur, [row.id])
        self._index_text(cur, row)
        stories = (row.story_id,) if old is None or old[0] == row.story_id else (row.story_id, old[0])
        stories += self._merge(cur, row.story_id, row.merged)
        for story_id in stories if refresh else ():
            self._refresh_story(cur, story_id, now)
        return WriteResult("inserted" if old is None else "updated", stories)

    def _merged_into(self, cur: Any, story_id: str) -> str | None:
        cur.execute(self._sql("SELECT story_id FROM story_merges WHERE id = ?"), (story_id,))
        found = cur.fetchone()
        return found[0] if found is not None else None

    def _merge(self, cur: Any, survivor: str, merged: list[str]) -> tuple[str, ...]:
        """Make the stories in ``merged`` part of ``survivor``: their reports and alerts move, their ids lead to it."""
        gone = tuple(sorted(set(merged) - {survivor}))
        for story_id in gone:
            self._lock_story(cur, story_id)
            for table in ("articles", "article_entities", "article_people", "article_tags", "alerts", "story_merges"):
                cur.execute(self._sql(f"UPDATE {table} SET story_id = ? WHERE story_id = ?"), (survivor, story_id))
            cur.execute(self._sql("INSERT INTO story_merges (id, story_id) VALUES (?, ?) "
                                  "ON CONFLICT (id) DO UPDATE SET story_id = excluded.story_id"), (story_id, survivor))
        return gone

    def write_alert(self, alert: Alert, *, now: float) -> WriteResult:
        with self._tx(self.conn()) as cur:
            story_id = self._merged_into(cur, alert.story_id) or alert.story_id  # shown on the story it became part of
            self._lock_story(cur, story_id)
            existed = upsert_alert(cur, self._sql, alert, story_id, now)
            self._announce(cur, "alert", {"story_id": story_id, "alert_id": alert.id, "rule_id": alert.rule_id})
        return WriteResult("updated" if existed else "inserted", (story_id,))

    def _refresh_story(self, cur: Any, story_id: str, now: float) -> None:
        refresh_story(cur, self._sql, story_id, now)

    def prune(self, *, before: float, now: float) -> dict[str, int]:
        """Delete articles fetched and alerts fired before ``before``; stories left empty go too."""
        with self._tx(self.conn()) as cur:
            cur.execute(self._sql("SELECT id, story_id FROM articles WHERE fetched_at < ?"), (before,))
            old = cur.fetchall()
            ids = [r[0] for r in old]
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ", ".join("?" for _ in chunk)
                self._unindex_text(cur, chunk)
                for table, column in (("article_entities", "article_id"), ("article_people", "article_id"),
                                      ("article_tags", "article_id"), ("articles", "id")):
                    cur.execute(self._sql(f"DELETE FROM {table} WHERE {column} IN ({marks})"), chunk)
            cur.execute(self._sql("DELETE FROM alerts WHERE fired_at < ?"), (before,))
            alerts = cur.rowcount
            cur.execute(self._sql("DELETE FROM entities WHERE last_at < ?"), (before,))
            for story_id in sorted({r[1] for r in old}):
                self._refresh_story(cur, story_id, now)
            cur.execute("DELETE FROM story_merges WHERE story_id NOT IN (SELECT id FROM stories)")
            self._rebuild_facets(cur)  # what expired may have been the last of its language, source, tag or rule
        return {"articles": len(ids), "alerts": max(alerts, 0)}


def _row(article: TaggedArticle) -> ArticleRow:
    """The rows of a delivered report, marked ``message:N`` (``KEYS_FROM_MESSAGE``) and so keyed by rule N whichever tagger
    keyed it: an older one's keys (a rolling upgrade that starts the newsroom first) are made so (rekey.delivered_keys),
    before the transaction (the first report loads the tagger's tables)."""
    return delivered_keys(article_row(article))


def open_store(settings) -> Store:
    """The store the settings name (``settings`` is the service-wide Settings)."""
    cfg = settings.newsroom
    if cfg.store == "postgresql":
        from services.newsroom.postgres import PostgresStore

        if cfg.database_url is None:
            raise ValueError("WIREWATCH_NEWSROOM__STORE=postgresql needs WIREWATCH_NEWSROOM__DATABASE_URL")
        return PostgresStore(cfg.database_url.get_secret_value())
    from services.newsroom.sqlite import SQLiteStore

    return SQLiteStore(cfg.sqlite_path or settings.data_dir / "newsroom.sqlite3")
