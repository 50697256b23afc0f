"""The shared read model: PostgreSQL (psycopg 3), for several newsroom replicas serving one store.

Writers of one story are serialised with a transaction-scoped advisory lock, so two replicas adding
reports to the same story cannot both count the story from a snapshot that misses the other's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncio

import orjson
import psycopg
from psycopg.rows import dict_row, tuple_row

from services.newsroom.records import ArticleRow
from services.newsroom.schema import TABLES
from services.newsroom.search import spelt_otherwise
from services.newsroom.store import SEARCH_LIMIT, Store
from services.runtime.logs import get_logger

__all__ = ["PostgresStore"]

log = get_logger("wirewatch.newsroom")


def _unaccented(sql: str) -> str:
    """``sql``'s text with its Latin letters' diacritics taken off, in SQL: what SQLite's FTS5 tokenizer does
    (``remove_diacritics 2``) and services.runtime.text.unaccented does in Python, so "Sao Paulo" finds "São Paulo" in
    both stores. Built-in functions only (IMMUTABLE, so a generated column may use them; no extension to install): marks
    are taken off ASCII letters only, so Cyrillic "й" and Greek "ά" stay as SQLite keeps them."""
    return f"normalize(regexp_replace(normalize({sql}, NFD), '([A-Za-z])[\\u0300-\\u036f]+', '\\1', 'g'), NFC)"


_TEXT = "title || ' ' || body || ' ' || original_title || ' ' || original_body"
# Text without a Latin letter with a diacritic (most English news, other scripts) has nothing to take off: one scan
# tells it, and spares it the two normalisations, which cost as much again as the search vector itself.
_ACCENTED = "'[\\u00c0-\\u024f\\u0300-\\u036f\\u1e00-\\u1eff]'"
SEARCH = ("ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
          f"CASE WHEN ({_TEXT}) ~ {_ACCENTED} THEN {_unaccented(_TEXT)} ELSE {_TEXT} END)) STORED")
SEARCH_INDEX = "CREATE INDEX IF NOT EXISTS articles_search ON articles USING GIN (search)"
# The search column as releases before folding made it ("São" a word of its own): dropped on opening, and made again.
_SEARCH_EXPRESSION = ("SELECT generation_expression FROM information_schema.columns "
                      "WHERE table_schema = current_schema() AND table_name = 'articles' AND column_name = 'search'")


CHANNEL = "wirewatch_newsroom"


class PostgresStore(Store):
    backend = "postgresql"
    shared_events = True
    _if_not_exists = "IF NOT EXISTS "

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        with self._tx(self.conn()) as cur:
            # One migration at a time when several replicas start together.
            cur.execute("SELECT pg_advisory_xact_lock(7406110)")
            self._create(cur)

    def migrate(self) -> None:  # done in __init__ under a lock
        pass

    def _create(self, cur: Any) -> None:
        cur.execute(_SEARCH_EXPRESSION)
        found = cur.fetchone()
        if found is not None and "normalize" not in (found[0] or ""):
            # A store from before diacritics were folded: its index has "são", which "Sao" does not find. The column is
            # made again (its index goes with it), which rewrites the table once.
            cur.execute("ALTER TABLE articles DROP COLUMN search")
            log.info("newsroom_search_refolded", backend=self.backend)
        super()._create(cur)

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True, row_factory=dict_row)

    def is_transient(self, exc: BaseException) -> bool:
        return isinstance(exc, (psycopg.OperationalError, psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected))

    def _ddl(self) -> list[str]:
        return [*TABLES, SEARCH, SEARCH_INDEX]

    def _sql(self, sql: str) -> str:
        # Every query through here is sent with parameters, so a literal % (in LIKE) must be doubled.
        return sql.replace("%", "%%").replace("?", "%s")

    @contextmanager
    def _tx(self, conn: psycopg.Connection) -> Iterator[Any]:
        with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
            yield cur

    def _lock_story(self, cur: Any, story_id: str) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"story:{story_id}",))

    def _announce(self, cur: Any, kind: str, data: dict) -> None:
        # Delivered to every listening replica when (and only if) the transaction commits.
        cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, orjson.dumps({"kind": kind, **data}).decode()[:7900]))

    async def listen(self, publish) -> None:
        """Feed ``publish(kind, data)`` from every replica's writes until cancelled; reconnects when the database goes away."""
        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    async for note in conn.notifies():
                        data = orjson.loads(note.payload)
                        publish(data.pop("kind"), data)
            except psycopg.OperationalError as exc:
                log.warning("newsroom_listen_lost", error=str(exc)[:300], retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _index_text(self, cur: Any, row: ArticleRow) -> None:
        pass  # a generated column

    def _unindex_text(self, cur: Any, article_ids: list[str]) -> None:
        pass

    def _search_clause(self, q: str) -> tuple[str, list] | None:
        if not any(c.isalnum() for c in q):
            return None
        # A word with other spellings ("defence") is asked for in any of them; the rest as typed.
        rest, alike = spelt_otherwise(q)
        queries, params = [], []
        if any(c.isalnum() for c in rest):
            queries.append(f"plainto_tsquery('simple', {_unaccented('?')})")
            params.append(rest)
        for spellings in alike:
            queries.append("(" + " || ".join("plainto_tsquery('simple', ?)" for _ in spellings) + ")")
            params.extend(spellings)
        return (f"SELECT story_id FROM (SELECT story_id FROM articles WHERE search @@ ({' && '.join(queries)}) "
                f"ORDER BY fetched_at DESC LIMIT {SEARCH_LIMIT}) AS matches"), params
