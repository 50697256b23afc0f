"""The newsroom store's index on article_entities (key, name): an entity's page counts its names from the index alone (not
from the table's rows, which for a key in many reports is most of the page's time), and a store made before the index
gets it when opened; in both backends (SQLite and a real PostgreSQL server)."""

from __future__ import annotations

from services.newsroom.schema import ENTITY_NAMES_INDEX
from tests.unit.test_newsroom_store import NOW, open_store, spelt  # noqa: F401 - open_store: both backends

KEY = "name:israeli defense forces"


def indexed_columns(store) -> dict[str, str]:
    """article_entities' indexes: name -> the statement or definition that made it."""
    if store.backend == "sqlite":
        sql = "SELECT name, sql AS made FROM sqlite_master WHERE type = 'index' AND tbl_name = 'article_entities'"
    else:
        sql = "SELECT indexname AS name, indexdef AS made FROM pg_indexes WHERE tablename = 'article_entities'"
    return {row["name"]: row["made"] or "" for row in store._rows(sql)}


def test_an_entitys_names_are_counted_from_the_index_not_the_tables_rows(open_store):  # noqa: F811
    store = open_store()
    for n, name in ((1, "Israel Defence Forces"), (2, "Israel Defence Forces"), (3, "Israel Defense Forces")):
        store.write_article(spelt(n, f"s{n}", name), now=NOW)
    assert "(key, name)" in indexed_columns(store)[ENTITY_NAMES_INDEX]
    assert store.entity(KEY)["name"] == "Israel Defence Forces"
    if store.backend == "sqlite":
        plan = " ".join(row["detail"] for row in store._rows(
            "EXPLAIN QUERY PLAN SELECT name, count(*) AS reports FROM article_entities WHERE key = ? GROUP BY name", [KEY]))
        assert plan == f"SEARCH article_entities USING COVERING INDEX {ENTITY_NAMES_INDEX} (key=?)"


def test_a_store_made_before_the_index_gets_it_when_opened(open_store):  # noqa: F811
    old = open_store()
    for n, name in ((1, "Israel Defense Forces"), (2, "Israel Defence Forces"), (3, "Israel Defence Forces")):
        old.write_article(spelt(n, f"s{n}", name), now=NOW)
    old.conn().execute(f"DROP INDEX {ENTITY_NAMES_INDEX}")
    assert ENTITY_NAMES_INDEX not in indexed_columns(old)
    old.close()
    store = open_store()
    assert "(key, name)" in indexed_columns(store)[ENTITY_NAMES_INDEX]
    assert store.entity(KEY)["name"] == "Israel Defence Forces"
