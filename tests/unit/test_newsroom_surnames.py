"""A surname typed alone finds the person the tagger keyed its mentions under ("Stoltenberg": "Jens Stoltenberg")."""

from __future__ import annotations

import orjson

from schemas import Entity, Salience
from tests.unit.test_newsroom_api import get, read_pages, serve
from tests.unit.test_newsroom_store import NOW, article, open_store  # noqa: F401 - open_store: both backends


def unlinked(n: int, story: str, *names: str):
    """Report ``n`` naming NATO and, unlinked, each of ``names`` (keyed as the tagger keys them)."""
    from services.tagger.linking import name_key

    report = article(n, story)
    extra = [Entity(text=name, type="PERSON", field="body", start=0, end=len(name), key=name_key(name)) for name in names]
    said = [Salience(key=name_key(name), name=name, type="PERSON", mentions=1, in_title=False, in_lead=True)
            for name in names]
    return report.model_copy(update={"entities": [*report.entities, *extra], "salience": [*report.salience, *said]})


def test_the_store_finds_the_unlinked_names_a_surname_ends(open_store):
    store = open_store()
    store.write_article(unlinked(1, "s1", "Jens Stoltenberg", "Jane Okafor_x"), now=NOW)
    assert store.named_by_last_word("stoltenberg") == [{"key": "name:jens stoltenberg", "name": "Jens Stoltenberg"}]
    assert store.named_by_last_word("berg") == [], "whole words only"
    assert store.named_by_last_word("_x") == [], "a LIKE wildcard in the word is a letter"


async def test_a_surname_alone_filters_and_opens_the_person_the_reports_name_in_full(tmp_path):
    """Every demo report says "Stoltenberg" (the tagger keys it `name:jens stoltenberg`): `/entities/Stoltenberg` was a
    404 saying no stored report mentions that name unlinked, and `?entity=Stoltenberg` a 400."""
    from services.newsroom.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "surnames.sqlite3")
    store.write_article(unlinked(1, "s1", "Jens Stoltenberg"), now=NOW)
    store.write_article(unlinked(2, "s2", "Jane Okafor", "John Okafor"), now=NOW)
    room, base = await serve(store)
    try:
        status, headers, _ = await get(f"{base}/entities/Stoltenberg")
        assert status == 303 and headers["Location"] == "/entities/name:jens%20stoltenberg"
        status, _, body = await get(f"{base}/api/stories?entity=stoltenberg")
        answer = orjson.loads(body)
        assert status == 200 and [s["id"] for s in answer["items"]] == ["s1"]
        assert answer["entity"]["key"] == "name:jens stoltenberg" and answer["entity"]["name"] == "Jens Stoltenberg"
        status, _, body = await get(f"{base}/api/stories?entity=Okafor")
        answer = orjson.loads(body)
        assert status == 400 and answer["error"].startswith("entity: 'Okafor' is ambiguous: stored reports name ")
        assert {c["key"] for c in answer["candidates"]} == {"name:jane okafor", "name:john okafor"}
    finally:
        await room.stop()
        store.close()
