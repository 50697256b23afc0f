"""The embedded read model: one SQLite file (WAL, so pages are read while the agent writes) with FTS5 search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from services.newsroom.records import ArticleRow
from services.newsroom.schema import TABLES
from services.newsroom.search import fts_query
from services.newsroom.store import SEARCH_LIMIT, Store

__all__ = ["SQLiteStore"]

FTS = ("CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
       "article_id UNINDEXED, story_id UNINDEXED, title, body, original_title, original_body, "
       # Word queries only (fts_query quotes single words), so positions are not kept: a third of the cost.
       "tokenize = 'unicode61 remove_diacritics 2', detail = column)")


class SQLiteStore(Store):
    backend = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.migrate()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a committed write survives a crash of the process (not of the machine's power).
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = OFF")
        return conn

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))

    def _ddl(self) -> list[str]:
        return [*TABLES, FTS]

    @contextmanager
    def _tx(self, conn: sqlite3.Connection) -> Iterator[Any]:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        else:
            cur.execute("COMMIT")
        finally:
            cur.close()

    def _lock_story(self, cur: Any, story_id: str) -> None:
        pass  # BEGIN IMMEDIATE already makes this the only writer

    def _index_text(self, cur: Any, row: ArticleRow) -> None:
        v = row.values
        # The index row shares the article's rowid, which an upsert keeps: deleting it is a key lookup.
        # The original text is indexed only where it differs from the English (a translation, or a repair).
        original_title = v["original_title"] if v["original_title"] != v["title"] else ""
        original_body = v["original_body"] if v["original_body"] != v["body"] else ""
        cur.execute("INSERT INTO articles_fts (rowid, article_id, story_id, title, body, original_title, original_body) "
                    "SELECT rowid, ?, ?, ?, ?, ?, ? FROM articles WHERE id = ?",
                    (v["id"], v["story_id"], v["title"], v["body"], original_title, original_body, v["id"]))

    def _unindex_text(self, cur: Any, article_ids: list[str]) -> None:
        marks = ", ".join("?" for _ in article_ids)
        cur.execute(f"DELETE FROM articles_fts WHERE rowid IN (SELECT rowid FROM articles WHERE id IN ({marks}))", article_ids)

    def _search_clause(self, q: str) -> tuple[str, list] | None:
        match = fts_query(q)
        if match is None:
            return None
        # The newest matching reports only (rowid order is insertion order), found by rowid without reading the
        # index's stored columns: a word in every report stays fast.
        return ("SELECT a.story_id FROM articles a WHERE a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                f"ORDER BY rowid DESC LIMIT {SEARCH_LIMIT})"), [match]
