"""How the newsroom shows reports in other languages, their times and their changes, in a real headless Chromium (no
pipeline: a newsroom over a SQLite store written directly, so the page's own markup is what is tested)."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone

import pytest

from schemas import Change
from services.newsroom.live import LiveHub
from services.newsroom.server import Newsroom
from services.newsroom.settings import NewsroomSettings
from services.newsroom.sqlite import SQLiteStore
from tests.e2e.test_newsroom_browser import browser, page  # noqa: F401 - the fixtures, reused
from tests.unit.test_newsroom_store import NOW, alert, article, dated, untranslated

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory):
    store = SQLiteStore(tmp_path_factory.mktemp("newsroom-languages") / "newsroom.sqlite3")
    store.write_article(untranslated(1, "s1", "ar", "الأمين العام للناتو يزور كييف", source="ntrex-arb"), now=NOW)
    store.write_article(untranslated(2, "s1", "el", "Ο επικεφαλής του ΝΑΤΟ στο Κίεβο", source="ert"), now=NOW)
    store.write_article(article(3, "s1", language="es", source="efe"), now=NOW)
    store.write_alert(alert("s1", rule="nato-arabic").model_copy(update={"title": "الأمين العام للناتو يزور كييف",
                                                                        "article_ids": ["ntrex-arb/1"]}), now=NOW)
    store.write_article(article(5, "s1", language="es", source="efe").model_copy(update={"changes": [
        Change(kind="translation", rule="apertium", field="body", before="El secretario general de la OTAN, Jens Stoltenberg, "
               "prometió este jueves en Kiev que los aliados enviarán más sistemas de defensa antiaérea",
               after="The NATO general secretary, Jens Stoltenberg, promised this Thursday in Kyiv that the allies will send more "
               "systems of anti-aircraft defence", reason="translated from es to en by apertium (spa-eng)"),
        Change(kind="whitespace", rule="whitespace:collapse-spaces", field="body", before="  ", after=" ",
               reason="run of spaces collapsed to one")]}), now=NOW)
    long_word = "Rindfleischetikettierungsueberwachungsaufgabenuebertragungsgesetz" * 2
    link = "https://long.example/" + "a" * 150 + "/" + "b" * 40
    store.write_article(article(6, "long", title=f"{long_word} repealed").model_copy(update={"body": f"See {link} for more."}),
                        now=NOW)
    received = datetime(2026, 12, 5, 8, 0, tzinfo=timezone.utc)
    store.write_article(dated(4, "backlog", published=datetime(2014, 3, 2, 10, 0, tzinfo=timezone.utc), fetched=received), now=NOW)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token=None)
    port = asyncio.run_coroutine_threadsafe(room.start("127.0.0.1", 0), loop).result(30)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(room.stop(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    store.close()


def test_untranslated_reports_read_as_such_right_to_left_where_they_are(newsroom, page):
    page.goto(newsroom + "/")
    card = page.locator(".story-card", has_text="NATO chief visits Kyiv, report 3")  # titled by its translated report
    assert "Arabic" in card.inner_text() and "Greek" in card.inner_text() and "Spanish" in card.inner_text()
    card.get_by_role("link", name="NATO chief visits Kyiv, report 3").click()
    arabic = page.locator(".report[data-article=\"ntrex-arb/1\"]")
    arabic.wait_for()
    assert arabic.locator(".lang").inner_text() == "Arabic"
    assert arabic.locator(".titles .label").inner_text().lower() == "not translated (arabic)"
    title = arabic.locator("h3")
    assert title.get_attribute("lang") == "ar"
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"  # dir=auto lays the Arabic out right to left
    assert "Not translated. Original at ntrex-arb" in arabic.locator(".provenance").inner_text()
    greek = page.locator(".report[data-article=\"ert/2\"]")
    assert greek.locator("h3").get_attribute("lang") == "el"
    assert greek.locator("h3").evaluate("e => getComputedStyle(e).direction") == "ltr"
    legend = page.locator(".legend li")
    assert {legend.nth(i).inner_text().strip() for i in range(legend.count())} == {"Arabic", "Greek", "Spanish"}
    colours = page.locator(".legend rect").evaluate_all("rs => rs.map(r => r.getAttribute('fill'))")
    assert len(set(colours)) == 3
    assert page.side_effects == []


def test_a_backlog_card_shows_when_it_was_published_and_when_it_was_received(newsroom, page):
    page.goto(newsroom + "/")
    card = page.locator(".story-card", has_text="report 4")
    text = " ".join(card.inner_text().split())
    assert "latest published 2014-03-02 10:00 UTC" in text and "last received 2026-12-05 08:00 UTC" in text
    assert page.get_by_label("Received").locator("option:checked").inner_text() == "any time"


def test_an_untranslated_alert_title_reads_as_such_right_to_left(newsroom, page):
    page.goto(newsroom + "/alerts")
    item = page.locator(".alerts li", has_text="nato-arabic")
    title = item.get_by_role("link", name="الأمين العام للناتو يزور كييف")
    assert title.get_attribute("lang") == "ar"
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "not translated (Arabic)" in item.inner_text()
    assert page.side_effects == []


def test_an_articles_changes_fit_a_phone_without_the_page_scrolling_sideways(newsroom, page):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(newsroom + "/articles/efe%2F5")
    table = page.locator("table.changes")
    assert table.locator("tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll sideways
    region = page.get_by_role("region", name="What the normalizer changed")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls in its own region...
    region.focus()
    assert region.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # focused, as the page's links show it
    page.keyboard.press("ArrowRight")  # ...by keyboard too
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    assert page.side_effects == []


def test_a_word_or_link_longer_than_a_phone_is_wide_breaks_instead_of_widening_the_page(newsroom, page):
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/stories/long", "/articles/wire%2F6"):
        page.goto(newsroom + path)
        page.get_by_text("repealed").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert page.side_effects == []
