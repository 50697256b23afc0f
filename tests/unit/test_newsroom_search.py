"""The newsroom's search finds a name typed in plain letters ("Sao Paulo") in a report that writes it with its diacritics
("São Paulo"), and answers the same in both stores: SQLite (FTS5) and a real PostgreSQL server."""

from __future__ import annotations

import uuid

import orjson

from services.newsroom.postgres import PostgresStore
from services.newsroom.sqlite import SQLiteStore
from services.newsroom.store import StoryQuery
from tests.unit.test_newsroom_api import read_pages
from tests.unit.test_newsroom_store import NOW, article, open_store  # noqa: F401 - open_store: both backends

TITLES = {
    "sp": "Floods cut roads around São Paulo",
    "zh": "ZÜRICH banks report record deposits",
    "er": "Erdoğan meets Bogotá delegation",
    "kv": "Київ receives air defence systems",
    "pl": "Łódź hosts a film festival",
    "an": "A good año for Spanish wine",
}
# (query, the stories it finds): as SQLite's FTS5 folds (unicode61 remove_diacritics 2), both sides of the search.
SEARCHES = [
    ("Sao Paulo", ["sp"]), ("Sao", ["sp"]), ("São", ["sp"]), ("SAO PAULO", ["sp"]), ("São Paulo", ["sp"]),
    ("Zurich", ["zh"]), ("zürich", ["zh"]), ("Erdogan", ["er"]), ("Bogota", ["er"]), ("erdogan bogota", ["er"]),
    ("Київ", ["kv"]), ("Lodz", []), ("Łódź", ["pl"]), ("ano", ["an"]), ("año", ["an"]),
]


def write_stories(store, titles: dict[str, str] = TITLES) -> None:
    for n, (story, title) in enumerate(titles.items(), start=1):
        store.write_article(article(n, story, title=title, keys=()), now=NOW)


def found(store, q: str) -> list[str]:
    return sorted(s["id"] for s in store.stories(StoryQuery(q=q))["items"])


def found_in_both_stores(tmp_path, postgres_server, titles: dict[str, str], queries: list[str]) -> dict[str, tuple]:
    """query -> (the stories SQLite finds, those PostgreSQL finds), each store holding a story for each title."""
    lite = SQLiteStore(tmp_path / "newsroom.sqlite3")
    pg = PostgresStore(postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}"))
    try:
        for store in (lite, pg):
            write_stories(store, titles)
        return {q: (found(lite, q), found(pg, q)) for q in queries}
    finally:
        lite.close()
        pg.close()


def test_a_name_typed_without_its_diacritics_finds_the_same_stories_in_both_stores(tmp_path, postgres_server):
    answers = found_in_both_stores(tmp_path, postgres_server, TITLES, [q for q, _ in SEARCHES])
    assert answers == {q: (stories, stories) for q, stories in SEARCHES}


def test_a_postgresql_store_an_older_release_made_searches_without_diacritics_once_opened(postgres_server):
    url = postgres_server.create_database(f"t_{uuid.uuid4().hex[:12]}")
    old = PostgresStore(url)
    conn = old.conn()
    # The search column as the release before this one made it: words as written, "são" not "sao".
    conn.execute("ALTER TABLE articles DROP COLUMN search")
    conn.execute("ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
                 "title || ' ' || body || ' ' || original_title || ' ' || original_body)) STORED")
    conn.execute("CREATE INDEX articles_search ON articles USING GIN (search)")
    write_stories(old)
    assert found(old, "Sao Paulo") == []  # the old column: "são", not "sao"
    old.close()
    store = PostgresStore(url)
    try:
        assert {q: found(store, q) for q, _ in SEARCHES} == dict(SEARCHES)
        store.write_article(article(9, "bo", title="Bogotá votes", keys=()), now=NOW)
        assert found(store, "bogota") == ["bo", "er"]
        indexes = store._rows("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'")
        assert "articles_search" in {r["indexname"] for r in indexes}
    finally:
        store.close()


async def test_the_api_and_the_page_search_a_name_typed_without_its_diacritics(open_store):  # noqa: F811
    store = open_store()
    write_stories(store)
    (status, body), (page_status, page) = await read_pages(store, "/api/stories?q=Sao%20Paulo", "/?q=Sao+Paulo")
    assert status == 200 and [s["id"] for s in orjson.loads(body)["items"]] == ["sp"]
    assert page_status == 200 and "Floods cut roads around São Paulo" in page


def test_the_alerter_takes_off_the_diacritics_sqlites_search_does():
    """services.runtime.text.unaccented (the alerter's keywords; PostgreSQL's search folds by the same rule) against
    SQLite's own tokenizer, letter by letter: the same letters lose the same marks."""
    import sqlite3

    from services.runtime.text import _latin_bases, unaccented

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    differ = []
    for letter in map(chr, _latin_bases()):
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t (x) VALUES (?)", (f"q{letter}q",))
        [(term,)] = conn.execute("SELECT term FROM v").fetchall()
        if term != f"q{unaccented(letter).lower()}q":
            differ.append(letter)
    assert len(_latin_bases()) > 450 and differ == ["Ǡ", "ǡ"]  # A with a dot and a macron, which SQLite keeps
    assert unaccented("Łódź, Ørsted, Київ") == "Łodz, Ørsted, Київ"  # no decomposition, another script: kept, as SQLite does
