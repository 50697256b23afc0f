"""The newsroom's search finds a word in its other British or American spelling ("defense" finds "Defence Ministry",
"defence" "Defense Ministry"), as the alerter's keywords and the tagger's keys fold them, the same in both stores:
SQLite (FTS5) and a real PostgreSQL server. "Labor" alone is Australia's party, not Britain's "Labour". The British
doubled l ("cancelled", "travellers") finds the American single one, and back; a doubled l both write ("controlled") or
that makes another word ("filled", "filed") is as typed. The server makes the spellings' index as it starts."""

from __future__ import annotations

import asyncio

import orjson

from services.newsroom.sqlite import SQLiteStore
from tests.unit.test_newsroom_api import get, read_pages, serve
from tests.unit.test_newsroom_search import found_in_both_stores, write_stories
from tests.unit.test_newsroom_store import open_store  # noqa: F401 - open_store: both backends

TITLES = {
    "uk": "Defence Ministry orders a new programme",
    "us": "Defense Ministry buys drones",
    "sp": "Air defence for São Paulo",
    "kids": "Paediatric wards reopen",
    "labor": "Labor wins the vote in Canberra",
    "office": "Labour Ministry inspects mines",
    "gb_flights": "Storm: cancelled flights strand travellers",
    "us_flights": "Canceled flights leave travelers in controlled airspace",
    "forms": "Forms filed late",
}
SEARCHES = [
    ("defense", ["sp", "uk", "us"]), ("Defence", ["sp", "uk", "us"]), ("defense ministry", ["uk", "us"]),
    ("ministry DEFENCE", ["uk", "us"]), ("program", ["uk"]), ("pediatric", ["kids"]), ("defenses", []),
    ("defense sao paulo", ["sp"]), ("defense-ministry", ["uk", "us"]),
    ("labour", ["office"]), ("labor", ["labor"]), ("labor ministry", ["office"]),
    ("canceled flights", ["gb_flights", "us_flights"]), ("Cancelled", ["gb_flights", "us_flights"]),
    ("travellers storm", ["gb_flights"]), ("traveler", []), ("controled", []), ("filled", []),
]


def test_a_word_finds_its_other_spelling_in_both_stores(tmp_path, postgres_server):
    answers = found_in_both_stores(tmp_path, postgres_server, TITLES, [q for q, _ in SEARCHES])
    assert answers == {q: (stories, stories) for q, stories in SEARCHES}


async def test_the_api_and_the_page_find_the_british_spelling_of_an_american_word(open_store):  # noqa: F811
    store = open_store()
    write_stories(store, TITLES)
    (status, body), (page_status, page) = await read_pages(store, "/api/stories?q=defense+ministry", "/?q=defense+ministry")
    assert status == 200 and sorted(s["id"] for s in orjson.loads(body)["items"]) == ["uk", "us"]
    assert page_status == 200 and "Defence Ministry orders a new programme" in page and "Defense Ministry buys drones" in page


async def test_the_server_makes_the_spellings_index_as_it_starts_so_the_first_search_does_not(tmp_path):
    from services.tagger import spellings

    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    write_stories(store, TITLES)
    spellings._spellings.cache_clear()
    spellings._doubled_l.cache_clear()
    room, base = await serve(store)
    try:
        await asyncio.wrap_future(room.loaded)  # made in a reader thread as the server started
        made = spellings._spellings.cache_info().misses, spellings._doubled_l.cache_info().misses
        assert made == (1, 1)
        status, _, body = await get(f"{base}/api/stories?q=canceled+flights")
        assert status == 200 and sorted(s["id"] for s in orjson.loads(body)["items"]) == ["gb_flights", "us_flights"]
        assert (spellings._spellings.cache_info().misses, spellings._doubled_l.cache_info().misses) == made
    finally:
        await room.stop()
        store.close()
