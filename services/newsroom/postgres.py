"""The shared read model: PostgreSQL (psycopg 3), for several newsroom replicas serving one store.

Writers of one story are serialised with a transaction-scoped advisory lock, so two replicas adding
reports to the same story cannot both count the story from a snapshot that misses the other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row

from services.newsroom.records import ArticleRow
from services.newsroom.schema import TABLES
from services.newsroom.store import Store

__all__ = ["PostgresStore"]

SEARCH = ("ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
          "title || ' ' || body || ' ' || original_title || ' ' || original_body)) STORED")
SEARCH_INDEX = "CREATE INDEX IF NOT EXISTS articles_search ON articles USING GIN (search)"


class PostgresStore(Store):
    backend = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        with self._tx(self.conn()) as cur:
            # One migration at a time when several replicas start together.
            cur.execute("SELECT pg_advisory_xact_lock(7406110)")
            for statement in self._ddl():
                cur.execute(statement)

    def migrate(self) -> None:  # done in __init__ under a lock
        pass

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, row_factory=dict_row)

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, (psycopg.OperationalError, psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected))

    def _ddl(self) -> list[str]:
        return [*TABLES, SEARCH, SEARCH_INDEX]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    @contextmanager
    def _tx(self, conn: psycopg.Connection) -> Iterator[Any]:
        with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
            yield cur

    def _lock_story(self, cur: Any, story_id: str) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"story:{story_id}",))

    def _index_text(self, cur: Any, row: ArticleRow) -> None:
        pass  # a generated column

    def _unindex_text(self, cur: Any, article_ids: list[str]) -> None:
        pass

    def _search_clause(self, q: str) -> tuple[str, list] | None:
        if not any(c.isalnum() for c in q):
            return None
        return "SELECT story_id FROM articles WHERE search @@ plainto_tsquery('simple', ?)", [q]
