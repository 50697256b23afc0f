"""The /alerts page open in a real headless Chromium while alerts arrive: its first page lists them live, a rule's
page only that rule's, an older page stays as rendered. A newsroom over each store backend written directly, its live
events as the worker gets them (agent.announcements with SQLite, the database's notifications with PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from services.newsroom.agent import announcements
from services.newsroom.live import LiveHub
from services.newsroom.server import Newsroom
from services.newsroom.settings import NewsroomSettings
from tests.e2e.test_newsroom_browser import browser  # noqa: F401 - the fixture, reused
from tests.unit.test_newsroom_store import NOW, alert, article, open_store  # noqa: F401 - open_store: both backends

pytestmark = pytest.mark.e2e


def _wait_listening(store) -> None:
    """Until the store's LISTEN connection is up: a notification sent before it would reach no page."""
    deadline = time.monotonic() + 60
    while not store._rows("SELECT 1 AS up FROM pg_stat_activity WHERE query LIKE 'LISTEN %'"):
        assert time.monotonic() < deadline, "the newsroom never listened for the store's notifications"
        time.sleep(0.1)


@pytest.fixture
def newsroom(open_store):
    store = open_store()
    hub = LiveHub()
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    room = Newsroom(store, hub, NewsroomSettings(), token=None)
    port = asyncio.run_coroutine_threadsafe(room.start("127.0.0.1", 0), loop).result(30)
    listening = None
    if store.shared_events:  # as the worker does: every replica's writes reach the open pages through the database
        listening = asyncio.run_coroutine_threadsafe(store.listen(hub.publish), loop)
        _wait_listening(store)

    def write(message) -> None:
        """Store an alert (or report) as the agent does, and tell the open pages what it changed."""
        async def publish(events: list[tuple[str, dict]]) -> None:
            for kind, data in events:
                hub.publish(kind, data)

        before = hub.last_id
        result = (store.write_alert if hasattr(message, "rule_id") else store.write_article)(message, now=NOW)
        events = announcements(message, result)
        if not store.shared_events:
            asyncio.run_coroutine_threadsafe(publish(events), loop).result(30)
        # Through the database the events come when they come: wait for them, so a page opened next has seen them.
        deadline = time.monotonic() + 60
        while hub.last_id < before + len(events):
            assert time.monotonic() < deadline, f"the store's notifications of {message.id} never came"
            time.sleep(0.05)

    yield f"http://127.0.0.1:{port}", write
    if listening is not None:
        listening.cancel()
    asyncio.run_coroutine_threadsafe(room.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)


def test_a_new_alert_appears_live_on_the_alerts_page_and_on_its_rules_page_only(newsroom, browser):  # noqa: F811
    base, write = newsroom
    write(article(1, "s1", title="NATO chief visits Kyiv"))
    write(article(2, "s2", source="markets", title="Central bank holds rates"))
    write(alert("s1", rule="nato"))
    pages = {}
    for name, path in (("all", "/alerts"), ("nato", "/alerts?rule=nato"), ("ecb", "/alerts?rule=ecb"),
                       ("older", "/alerts?limit=1&page=2")):
        context = browser.new_context()
        pages[name] = context.new_page()
        pages[name].set_default_timeout(60_000)
        pages[name].goto(base + path)
    for name in ("all", "nato", "ecb"):
        pages[name].locator("#alerts[data-live-connected]").wait_for(state="attached")
    assert pages["older"].locator("#alerts[data-live]").count() == 0, "an older page is not live"
    assert pages["ecb"].locator("#alerts").inner_text().strip() == "No alerts of this rule yet."
    assert pages["older"].locator("#alerts").inner_text().startswith("No older alerts.")

    write(alert("s2", rule="ecb").model_copy(update={"title": "Central bank holds rates", "article_ids": ["markets/2"]}))
    pages["all"].locator('li[data-alert="al-ecb-s2-0"]').wait_for()
    pages["ecb"].locator('li[data-alert="al-ecb-s2-0"]').wait_for()
    assert pages["all"].locator(".alerts li").count() == 2 and pages["ecb"].locator(".alerts li").count() == 1
    assert "Central bank holds rates" in pages["ecb"].locator(".alerts li").inner_text()
    assert pages["all"].locator("#live-status").inner_text() == "1 new update"
    # A follow-up of the NATO story reaches the pages it concerns; the ecb page, which it does not, shows it never.
    write(alert("s1", rule="nato", n=1))
    pages["nato"].locator('li[data-alert="al-nato-s1-1"]').wait_for()
    pages["all"].locator('li[data-alert="al-nato-s1-1"]').wait_for()
    assert pages["nato"].locator(".alerts li").count() == 2
    assert pages["ecb"].locator(".alerts li").count() == 1 and pages["ecb"].locator("#alerts[data-updated]").count() == 1
    # Page 2 of one alert a page was empty when opened; the alerts since would fill it, but it stays as rendered.
    assert pages["older"].locator("#alerts").inner_text().startswith("No older alerts.")
    for p in pages.values():
        assert not p.locator("#live-status").inner_text().startswith("Live updates paused")
        p.context.close()


def test_an_alert_listed_before_its_report_is_stored_gets_its_titles_language_when_the_report_arrives(newsroom, browser):  # noqa: F811
    from tests.unit.test_newsroom_store import untranslated

    base, write = newsroom
    greek = "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο"
    write(article(1, "s1", title="NATO chief visits Kyiv"))
    write(alert("s1", rule="nato").model_copy(update={"title": "NATO chief visits Kyiv", "article_ids": ["wire/1"]}))
    # The alerter is quicker than the newsroom's store of reports: the alert comes first.
    write(alert("s2", rule="greek").model_copy(update={"title": greek, "article_ids": ["ert/2"]}))
    page = browser.new_context().new_page()
    page.set_default_timeout(60_000)
    page.goto(base + "/alerts")
    page.locator("#alerts[data-live-connected]").wait_for(state="attached")
    story = browser.new_context().new_page()  # the alert's link, followed before the report is stored: not a dead end
    story.set_default_timeout(60_000)
    story.goto(base + "/stories/s2")
    story.locator("#story[data-live-connected]").wait_for(state="attached")
    assert story.locator("h1").inner_text() == "This story's reports are not stored"
    assert greek in story.locator("#story .alerts").inner_text()
    waiting = page.locator('li[data-alert="al-greek-s2-0"]')
    assert waiting.locator("a[lang]").first.get_attribute("lang") == "", "its language not known yet, and not claimed"
    assert page.locator("li[data-awaits-report]").count() == 1  # the NATO alert's report is stored: it waits for nothing
    write(untranslated(2, "s2", "el", greek, source="ert"))
    page.locator('li[data-alert="al-greek-s2-0"] a[lang="el"]').wait_for()
    assert "not translated (Greek)" in waiting.inner_text() and page.locator("li[data-awaits-report]").count() == 0
    # The alert is not new: the page does not count it as a new update.
    assert page.locator("#live-status").inner_text() == "Live"
    # The story's page, open and waiting, shows the story once its report is stored.
    story.locator('h1#story-title[lang="el"]').wait_for()
    assert story.locator("h1").inner_text() == greek and story.locator(".reports > li").count() == 1
    page.context.close()
    story.context.close()
