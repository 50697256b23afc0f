"""The entity keys of reports stored before the tagger's key rule changed, made again from what the store keeps.

A release that keyed "Foreign Ministry" ``name:ministry`` (every ministry one entity) stored its reports so; the store
keeps each keyed mention's key, name (its canonical name, else its text) and NER label (``articles.entities``), and an
unlinked mention's key is a rule of those (:meth:`services.tagger.demonyms.Demonyms.key_of`): such a report gets its
keys again when the store next opens (``fill_keys``), as the bundled tagger keys the names. What the article's text
around a mention added cannot be made from them (the store keeps no offsets): "Russia's Foreign Ministry" stored by a
release before bodies had countries stays ``name:foreign ministry``, as does "the Foreign Ministry" after "the Russian
Foreign Ministry"; only the tagger reading the report again would give them theirs (README, "Newsroom").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import orjson

__all__ = ["KEYS_FROM_MESSAGE", "KEYS_FROM_NAMES", "fill_keys", "rekeyed"]

# How a report's entity keys came (``articles.keys_from``): as the delivered message gave them, or made again from its
# stored names by this rule. NULL: a report stored before (or by an older replica in a rolling upgrade).
KEYS_FROM_MESSAGE, KEYS_FROM_NAMES = "message", "names"


def rekeyed(mentions: list[dict], key_of: Callable[[str, str], str | None]) -> list[dict]:
    """The stored mentions (key, name, type) with each ``name:`` key made again from its name and type by ``key_of``;
    a linked mention (a QID) keeps its key."""
    out = []
    for m in mentions:
        key = key_of(m["name"], m["type"]) if m["key"].startswith("name:") else None
        out.append({**m, "key": key} if key and key != m["key"] else m)
    return out


def _rows(mentions: list[dict], keys: set[str]) -> list[tuple[str, str, str, int]]:
    """(key, name, type, mentions) of ``keys`` from a report's mentions, as the tagger's salience counts an unlinked
    entity's: its mentions, named by the longest of their names."""
    found: dict[str, list] = {}
    for m in mentions:
        if m["key"] in keys:
            row = found.setdefault(m["key"], [m["name"], m["type"], 0])
            row[2] += 1
            if len(m["name"]) > len(row[0]):
                row[0] = m["name"]
    return [(key, name, type_, count) for key, (name, type_, count) in found.items()]


def fill_keys(cur: Any, sql: Callable[[str], str]) -> int:
    """Make again the ``name:`` keys of each report without ``keys_from`` (:func:`rekeyed`, by the bundled tagger's
    table and gazetteer) in its mentions, its entity rows and the entity directory, and mark it; return how many
    reports had a key changed. Idempotent: a marked report is not read again. The caller holds the transaction."""
    cur.execute("CREATE INDEX IF NOT EXISTS articles_keys_unmade ON articles (id) WHERE keys_from IS NULL")
    cur.execute("SELECT id FROM articles WHERE keys_from IS NULL")
    ids = [r[0] for r in cur.fetchall()]
    if not ids:
        return 0
    from services.tagger.demonyms import Demonyms
    from services.tagger.gazetteer import Gazetteer

    # A store names the same bodies and people again and again: each name's key is worked out once.
    key_of = lru_cache(maxsize=1 << 16)(Demonyms.load(Gazetteer.load()).key_of)
    changed, gone = 0, set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        cur.execute(sql(f"SELECT id, story_id, entities, fetched_at FROM articles WHERE id IN ({marks})"), chunk)
        for article_id, story_id, stored, fetched_at in cur.fetchall():
            mentions = orjson.loads(stored)
            new = rekeyed(mentions, key_of)
            if new == mentions:
                continue
            old_keys = {m["key"] for m in mentions} - {m["key"] for m in new}
            keys = {k for m, n in zip(mentions, new) if n is not m for k in (m["key"], n["key"])}
            marks_k = ", ".join("?" for _ in keys)
            cur.execute(sql(f"DELETE FROM article_entities WHERE article_id = ? AND key IN ({marks_k})"), [article_id, *keys])
            rows = _rows(new, keys)
            cur.executemany(sql("INSERT INTO article_entities (article_id, story_id, key, name, type, mentions, at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                            [(article_id, story_id, key, name, type_, count, fetched_at) for key, name, type_, count in rows])
            cur.executemany(sql("INSERT INTO entities (key, name, type, last_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
                                "UPDATE SET last_at = CASE WHEN excluded.last_at > entities.last_at THEN excluded.last_at "
                                "ELSE entities.last_at END"),
                            [(key, name, type_, fetched_at) for key, name, type_, _ in rows])
            cur.execute(sql("UPDATE articles SET entities = ? WHERE id = ?"), (orjson.dumps(new).decode(), article_id))
            gone |= old_keys
            changed += 1
        cur.execute(sql(f"UPDATE articles SET keys_from = ? WHERE id IN ({marks})"), [KEYS_FROM_NAMES, *chunk])
    # A key no report has any more ("name:ministry") leaves the entity directory: its page would list nothing.
    for key in sorted(gone):
        cur.execute(sql("DELETE FROM entities WHERE key = ? AND NOT EXISTS (SELECT 1 FROM article_entities WHERE key = ?)"),
                    (key, key))
    return changed
