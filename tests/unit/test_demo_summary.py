"""The demo's last words: the newsroom's counts are read only once its store holds what the pipeline produced."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from prometheus_client import REGISTRY

from services.demo import show_newsroom
from services.newsroom.live import LiveHub
from services.newsroom.server import Newsroom
from services.newsroom.settings import NewsroomSettings
from services.newsroom.sqlite import SQLiteStore
from tests.unit.test_newsroom_store import NOW, article

HANG_GUARD_S = 60  # turns a hang into a failure; not a speed target


def _story_reads() -> float:
    """How many times the newsroom has answered the story list or one story (its own request metric)."""
    return sum(REGISTRY.get_sample_value("wirewatch_newsroom_http_seconds_count", {"route": route}) or 0.0
               for route in ("/api/stories", "/api/stories/{story_id}"))


async def test_the_seed_story_is_shown_with_every_report_the_pipeline_tagged(tmp_path, capsys):
    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    en, es, bbc = article(1, "seed"), article(2, "seed", language="es", source="efe"), article(3, "seed", source="bbc")
    store.write_article(en, now=NOW)
    store.write_article(es, now=NOW)  # two languages already: what the summary used to wait for
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token="s3cret")
    port = await room.start("127.0.0.1", 0)
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # a services process that lives
    try:
        before = _story_reads()
        shown = asyncio.create_task(show_newsroom(port, worker, {"seed": {en.id, es.id, bbc.id}}))

        async def asked_twice() -> None:
            while _story_reads() < before + 2 and not shown.done():
                await asyncio.sleep(0.05)

        await asyncio.wait_for(asked_twice(), HANG_GUARD_S)
        assert not shown.done(), "the newsroom was shown before its store held the third report"
        store.write_article(bbc, now=NOW)  # the last article the pipeline tagged reaches the store
        assert await asyncio.wait_for(shown, HANG_GUARD_S) == 0
    finally:
        worker.kill()
        worker.wait()
        await room.stop()
        store.close()
    out = capsys.readouterr().out
    assert "the seed story, 3 reports in en, es" in out
    assert f"http://127.0.0.1:{port}/stories/seed" in out


async def test_the_seed_story_is_about_russia_once_not_russia_and_russian(tmp_path, capsys):
    from tests.unit.test_newsroom_people import write_war_story

    store = SQLiteStore(tmp_path / "newsroom.sqlite3")
    write_war_story(store)
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token="s3cret")
    port = await room.start("127.0.0.1", 0)
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # a services process that lives
    try:
        produced = {"s-war": {"wire/1", "wire/2", "wire/3"}}
        assert await asyncio.wait_for(show_newsroom(port, worker, produced, serve=False), HANG_GUARD_S) == 0
    finally:
        worker.kill()
        worker.wait()
        await room.stop()
        store.close()
    assert "the seed story, 3 reports in en, about Russia, Kurds, Ukrainian:" in capsys.readouterr().out


def test_the_summary_shows_what_the_run_counted_not_the_series_waiting_at_zero():
    from services.demo import counted

    metrics = "\n".join([
        "# HELP wirewatch_alerts_fired_total Alerts fired.",
        'wirewatch_alerts_fired_total{rule="nato-in-ukraine"} 1.0',
        'wirewatch_alerts_fired_total{rule="sanctions-on-russia"} 0.0',
        'wirewatch_alerts_fired_created{rule="nato-in-ukraine"} 1.7965e+09',
        'wirewatch_dead_letters_total{error_class="InvalidJSON",stage="normalize",topic="articles.raw.dlq"} 1.0',
        'wirewatch_dead_letters_total{error_class="SchemaViolation",stage="normalize",topic="articles.raw.dlq"} 0.0',
        'wirewatch_consumer_lag{partition="0",topic="articles.raw"} 0.0',
    ])
    assert counted(metrics) == [
        'wirewatch_alerts_fired_total{rule="nato-in-ukraine"} 1.0',
        'wirewatch_dead_letters_total{error_class="InvalidJSON",stage="normalize",topic="articles.raw.dlq"} 1.0',
    ]


def test_a_reports_title_cut_in_the_summary_ends_in_an_ellipsis():
    """The summary listed "file/en: Stoltenberg promises Zelensky more anti-aircraft defense in " as if the title ended
    there (a trailing space, no mark of the cut)."""
    from services.demo import _report_line

    title = "Stoltenberg promises Zelensky more anti-aircraft defense in surprise visit to Kyiv"
    line = _report_line({"source": "file", "language": "en", "title": title})
    assert line == "file/en: Stoltenberg promises Zelensky more anti-aircraft defense in…"
    assert _report_line({"source": "efe", "language": "es", "title": "Short"}) == "efe/es: Short"
