"""A story page open while its story is merged into another, in a real headless Chromium: a newsroom over a SQLite
store written directly, its live events published as the agent publishes them (agent.announcements)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from schemas.models import StoryEvidence
from services.newsroom.agent import announcements
from services.newsroom.live import LiveHub
from services.newsroom.server import Newsroom
from services.newsroom.settings import NewsroomSettings
from services.newsroom.sqlite import SQLiteStore
from tests.e2e.test_newsroom_browser import browser, page  # noqa: F401 - the fixtures, reused
from tests.unit.test_newsroom_store import NOW, article

pytestmark = pytest.mark.e2e


@pytest.fixture
def newsroom(tmp_path):
    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    hub = LiveHub()
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    room = Newsroom(store, hub, NewsroomSettings(), token=None)
    port = asyncio.run_coroutine_threadsafe(room.start("127.0.0.1", 0), loop).result(30)

    def write(message) -> None:
        """Store a report as the agent does, and tell the open pages what it changed (on the server's loop)."""
        async def publish(events: list[tuple[str, dict]]) -> None:
            for kind, data in events:
                hub.publish(kind, data)

        result = store.write_article(message, now=NOW)
        asyncio.run_coroutine_threadsafe(publish(announcements(message, result)), loop).result(30)

    yield f"http://127.0.0.1:{port}", write
    asyncio.run_coroutine_threadsafe(room.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    store.close()


def test_a_story_page_open_when_its_story_is_merged_follows_the_story_it_became_part_of(newsroom, page):
    base, write = newsroom
    write(article(1, "s1", title="NATO chief visits Kyiv"))
    write(article(2, "kk", language="kk", source="kaz", title="НАТО басшысы Киевте"))
    page.goto(base + "/stories/kk")
    page.locator("[data-live-connected]").wait_for(state="attached")
    # A report joins s1 and the story stage finds kk to be the same event: kk is merged into s1.
    write(article(3, "s1", source="agency", title="NATO chief pledges air defence").model_copy(update={
        "story_evidence": StoryEvidence(decision="joined", score=0.7, threshold=0.4, compared="s1", merged=["kk"])}))
    page.locator(".report[data-article=\"agency/3\"]").wait_for()
    assert page.locator("#story-title").inner_text() == "NATO chief visits Kyiv"
    # Later reports of s1 still reach the page.
    write(article(4, "s1", source="bbc", title="NATO chief ends Kyiv visit"))
    page.locator(".report[data-article=\"bbc/4\"]").wait_for()
    assert page.locator(".report").count() == 4
    assert page.side_effects == []
