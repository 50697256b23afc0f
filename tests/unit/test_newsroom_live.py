"""The live hub's numbering: what a page missed between its render and its connection, and what it cannot know."""

from __future__ import annotations

import asyncio

from services.newsroom.live import LiveHub


async def first(hub: LiveHub, last_id: int | None, n: int) -> list[tuple[int, str]]:
    out = []
    stream = hub.subscribe(last_id)
    async for event in stream:
        out.append((event.id, event.kind))
        if len(out) == n:
            break
    await stream.aclose()
    return out


async def test_a_subscriber_gets_what_it_missed_after_its_last_id_then_live_events_once_each():
    hub = LiveHub(backlog=8)
    for n in range(3):
        hub.publish("story", {"n": n})
    assert hub.last_id == 3
    stream = hub.subscribe(1)
    got = [await anext(stream), await anext(stream)]
    hub.publish("alert", {"n": 3})  # published while the subscriber replays: delivered once, live
    got.append(await anext(stream))
    await stream.aclose()
    assert [(e.id, e.kind) for e in got] == [(2, "story"), (3, "story"), (4, "alert")]


async def test_a_gap_longer_than_the_backlog_or_a_number_from_an_earlier_run_asks_for_a_refetch():
    hub = LiveHub(backlog=4)
    for n in range(10):
        hub.publish("story", {"n": n})
    assert await first(hub, 2, 5) == [(6, "resync"), (7, "story"), (8, "story"), (9, "story"), (10, "story")]
    assert await first(hub, 5, 2) == [(6, "resync"), (7, "story")]
    assert await first(hub, 6, 1) == [(7, "story")]  # no gap: no refetch
    assert await first(hub, 50, 1) == [(10, "resync")]  # the server restarted and numbers from 0 again
    stream = hub.subscribe(10)  # up to date: nothing replayed, the next event is the next live one
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    hub.publish("alert", {})
    assert ((await asyncio.wait_for(waiting, 1)).id, hub.last_id) == (11, 11)
    await stream.aclose()


def test_an_alert_under_a_merged_storys_id_is_announced_to_the_story_it_became_part_of(tmp_path):
    from schemas.models import StoryEvidence
    from services.newsroom.agent import announcements
    from services.newsroom.sqlite import SQLiteStore
    from tests.unit.test_newsroom_store import NOW, alert, article

    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    try:
        store.write_article(article(1, "s1"), now=NOW)
        store.write_article(article(2, "kk", language="kk", source="kaz"), now=NOW)
        joined = article(3, "s1", source="agency").model_copy(update={"story_evidence": StoryEvidence(
            decision="joined", score=0.7, threshold=0.4, compared="s1", merged=["kk"])})
        moved = store.write_article(joined, now=NOW)
        assert sorted(announcements(joined, moved), key=lambda a: a[1]["story_id"]) == [
            ("story", {"story_id": "kk", "article_id": "agency/3"}), ("story", {"story_id": "s1", "article_id": "agency/3"})]
        late = alert("kk")  # fired under the old id before the alerter heard of the merge
        assert announcements(late, store.write_alert(late, now=NOW)) == [
            ("alert", {"story_id": "s1", "alert_id": late.id, "rule_id": "nato"})]  # where the page open on it listens
    finally:
        store.close()
