"""The newsroom page in a real headless Chromium (Debian's, driven by Playwright) on a running pipeline.

Articles go in through ``POST /ingest`` and come out on the open page through every stage; no sleeps:
each step waits for what the page must show. A hostile article is sent straight to ``articles.tagged`` too,
so the newsroom's own escaping is what is tested, whatever the normalizer would have cleaned.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import Entity, TaggedArticle
from services.runtime.broker import EmbeddedBroker, free_port, terminate
from services.runtime.codec import encode
from tests.conftest import ROOT, listening_said, port_in_log, service_env, wait_http
from tests.support.kafka import send

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WAIT_MS = 120_000  # the first article waits for the tagger's model to load; later ones arrive in about a second
HOSTILE_TITLE = '<script>window.__pwned = "title"</script><img src=x onerror="window.__pwned=\'img\'">Alarm'
HOSTILE_BODY = ('Read <a href="javascript:window.__pwned=\'link\'">this</a> <svg onload="window.__pwned=\'svg\'"></svg> '
                "<iframe src=\"javascript:alert(1)\"></iframe> and \"quotes\" & ampersands.")


def example(name: str) -> dict:
    """An examples/articles/*.txt file (title, date line, body) as a POST /ingest record."""
    lines = (ROOT / "examples" / "articles" / name).read_text().split("\n")
    date = lines[1].removeprefix("date ").strip()
    return {"source": name.split("-")[-1].removesuffix(".txt"), "url": f"https://news.example/{name}", "title": lines[0],
            "body": "\n".join(lines[2:]).strip(), "published_at": f"{date}T10:00:00Z"}


class Pipeline:
    def __init__(self, tmp: Path) -> None:
        self.broker = EmbeddedBroker(log_path=tmp / "broker.log").start()
        env = service_env()
        # Port 0, any free one, which the services say: a port chosen here could be taken before they bind it.
        env.update(WIREWATCH_BROKER=self.broker.bootstrap, WIREWATCH_WEB_PORT="0", WIREWATCH_NEWSROOM__PORT="0",
                   WIREWATCH_DATA_DIR=str(tmp / "data"),
                   WIREWATCH_TAGGER__SPACY_MODEL="en_core_web_sm", WIREWATCH_ALERTER__RULES=str(ROOT / "examples" / "rules.yaml"),
                   WIREWATCH_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/nobody-listens", WIREWATCH_ALERTER__DELIVERY_ATTEMPTS="1",
                   PYTHONUNBUFFERED="1")
        self.log_path = tmp / "run.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "services.cli", "run", "--broker", self.broker.bootstrap],
                                     cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def listening(self, timeout_s: float) -> None:
        """Wait until the services say where their web server and newsroom listen."""
        self.web_port = port_in_log(self.log_path, listening_said("web server"), self.proc, timeout_s)
        self.port = port_in_log(self.log_path, listening_said("newsroom"), self.proc, timeout_s)
        self.url = f"http://127.0.0.1:{self.port}"

    def ingest(self, *records: dict) -> list[str]:
        body = "\n".join(json.dumps(r) for r in records).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.web_port}/ingest", data=body,
                                         headers={"Content-Type": "application/x-ndjson"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read())["accepted"]

    def stop(self) -> None:
        terminate(self.proc)
        self._log.close()
        self.broker.stop()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    p = Pipeline(tmp_path_factory.mktemp("newsroom-e2e"))
    try:
        p.listening(timeout_s=120)
        wait_http(p.port, "/", timeout_s=120)
        yield p
    finally:
        p.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    p = context.new_page()
    # Generous: in one process, a stage loading a model on first use can hold the whole worker for a while.
    p.set_default_timeout(WAIT_MS)
    p.side_effects = []  # dialogs and console errors the page produced
    p.on("dialog", lambda d: (p.side_effects.append(f"dialog {d.message}"), d.dismiss()))
    p.on("console", lambda m: p.side_effects.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    p.on("pageerror", lambda e: p.side_effects.append(f"pageerror {e}"))
    yield p
    context.close()


def test_an_ingested_article_appears_on_the_open_page_and_joins_its_story_live(pipeline, page):
    page.goto(pipeline.url + "/")
    assert page.title().startswith("Stories")
    page.wait_for_selector("[data-live-connected]", state="attached")  # the live connection is open
    pipeline.ingest(example("nato-kyiv-wire.txt"))
    card = page.locator(".story-card", has_text="Stoltenberg arrives in Kyiv")
    card.wait_for(timeout=WAIT_MS)
    card.get_by_role("link", name="Stoltenberg arrives in Kyiv").click()
    page.wait_for_selector("#story[data-live]")
    page.wait_for_selector("[data-live-connected]", state="attached")
    assert page.locator(".report").count() == 1
    # The Spanish agency's report of the same visit joins the story on the page that is open.
    pipeline.ingest(example("otan-kiev-efe.txt"))
    spanish = page.locator(".report", has_text="Stoltenberg promete a Zelenski")
    spanish.wait_for(timeout=WAIT_MS)
    assert spanish.locator(".lang").inner_text() == "Spanish"
    assert "Translated es→en" in spanish.locator(".provenance").inner_text()
    spanish.locator(".why summary").click()  # why it joined: the story stage's evidence
    assert spanish.locator(".why li").first.inner_text().startswith("Joined: score")
    shared = page.locator("#entities-heading + .chips li.shared")
    assert {"NATO", "Jens Stoltenberg"} <= {shared.nth(i).locator("a").inner_text() for i in range(shared.count())}
    assert page.locator(".timeline svg rect").count() >= 2
    assert page.side_effects == []


def test_filters_and_search_narrow_the_list(pipeline, page):
    pipeline.ingest(example("otan-kiev-efe.txt"))  # the same id as in the test before: idempotent, here for -k runs
    pipeline.ingest({"source": "markets", "url": "https://markets.example/ecb", "language": "en",
                     "title": "Central bank holds rates steady as inflation cools",
                     "body": "The European Central Bank left its main interest rate unchanged on Thursday in Frankfurt."})
    page.goto(pipeline.url + "/")
    page.locator(".story-card", has_text="Central bank holds rates").wait_for(timeout=WAIT_MS)
    page.locator(".story-card", has_text="Stoltenberg").first.wait_for(timeout=WAIT_MS)
    page.get_by_label("Search").fill("inflation")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/?q=inflation*")
    titles = page.locator(".story-card h3").all_inner_texts()
    assert titles == ["Central bank holds rates steady as inflation cools"]
    page.get_by_label("Search").fill("")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**language=es*")
    titles = page.locator(".story-card h3").all_inner_texts()
    assert titles and all("Central bank" not in t for t in titles)
    assert any("Stoltenberg" in t for t in titles), "the story with a Spanish report is listed under Spanish"
    # The keyboard reaches the filters: tab from the skip link into the search box.
    page.goto(pipeline.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


def test_a_report_written_before_the_page_connects_for_live_updates_still_appears(pipeline, page):
    """The live connection is held back until a new story is in the store and announced; the open page, which
    was rendered without it, still shows it once connected, because it connects from the last event it knew."""
    title = "Dam breach floods valley villages overnight"

    def hold(route) -> None:
        pipeline.ingest({"source": "river", "url": "https://river.example/dam", "language": "en", "title": title,
                         "body": "A dam breach in the Rhone valley flooded three villages overnight, officials said."})
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{pipeline.url}/api/stories?q=breach", timeout=10) as r:
                if json.loads(r.read())["items"]:
                    break
            time.sleep(0.2)
        route.continue_()

    page.route("**/events*", hold)
    page.goto(pipeline.url + "/")
    page.wait_for_selector("[data-live-connected]", state="attached")
    page.locator(".story-card", has_text=title).wait_for(timeout=30_000)
    assert page.side_effects == []


def test_a_hostile_article_is_shown_as_text_and_nothing_runs(pipeline, page):
    now = datetime.now(timezone.utc)
    hostile = TaggedArticle(
        id="hostile-1", source='evil"><script>window.__pwned="source"</script>', url="javascript:window.__pwned='url'",
        fetched_at=now, language="en", language_confidence=1.0, original_title=HOSTILE_TITLE, original_body=HOSTILE_BODY,
        title=HOSTILE_TITLE, body=HOSTILE_BODY, story_id="hostile-story",
        entities=[Entity(text="<b onmouseover=alert(1)>Evil</b>", type="ORG", field="title", start=0, end=5,
                         key="name:<img src=x onerror=alert(1)>")],
    )
    # Playwright's sync API holds this thread's event loop: send from another thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, send(pipeline.broker.bootstrap, "articles.tagged", [(b"hostile-1", encode(hostile))])).result()
    pipeline.ingest({"source": "http", "title": HOSTILE_TITLE, "body": HOSTILE_BODY})  # ingest itself refuses a javascript: url
    page.goto(pipeline.url + "/")
    page.locator(".story-card", has_text="Alarm").first.wait_for(timeout=WAIT_MS)
    page.locator(".story-card a", has_text="window.__pwned").first.click()
    page.wait_for_selector("#story")
    for path in ("/stories/hostile-story", "/articles/hostile-1", "/entities/" + "name%3A%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"):
        page.goto(pipeline.url + path)
        page.locator("main").hover()
        # The markup is visible as text ...
        assert "<script>" in page.locator("main").inner_text() or "<img" in page.locator("main").inner_text()
        # ... and nothing of it is an element that could run.
        dom = page.evaluate("""() => ({
            pwned: window.__pwned === undefined ? null : String(window.__pwned),
            scripts: [...document.scripts].map(s => s.src),
            handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on'))
                                                                   .map(a => e.tagName + ' ' + a.name)),
            jsLinks: [...document.querySelectorAll('[href],[src]')].map(e => e.getAttribute('href') || e.getAttribute('src'))
                     .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u)),
            frames: document.querySelectorAll('iframe, object, embed').length,
        })""")
        assert dom == {"pwned": None, "scripts": [pipeline.url + "/static/newsroom.js"], "handlers": [], "jsLinks": [],
                       "frames": 0}, path
    assert page.side_effects == []
