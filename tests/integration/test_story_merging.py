"""One event that opened as two stories, merged when a report shows it: in ``wirewatch process`` and in the pipeline.

The fixtures report one NATO visit to Vilnius four ways, in this order: the English wire report (undated); a
Kazakh report, which nothing here translates or embeds and whose linked names alone do not reach the wire's story,
so it opens a story of its own (with the cross-language names and words rules off, as for a report whose names do
not spell alike in Latin letters: with them on, this one joins the wire's story at once, as
test_process_stories.py shows); an English agency report that reaches both; and a second Kazakh report. At a merge
margin of 0 the agency report merges the Kazakh story into the wire's, and the second Kazakh report, which joins the
first one's record, is reported under the wire's id. At the default margin (0.3) the two stories stay apart: the
agency report reaches the Kazakh story by less than that.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import orjson
import pytest

from schemas import TaggedArticle
from tests.conftest import ROOT, wait_http
from tests.integration.test_process_stories import wirewatch
from tests.support.kafka import collect

pytestmark = pytest.mark.integration

LANGUAGES = ROOT / "tests" / "fixtures" / "languages"
SOURCES = [ROOT / "tests" / "fixtures" / "stories" / "001_wire_undated.txt", LANGUAGES / "kk_vilnius_rutte.txt",
           LANGUAGES / "en_vilnius_agency.txt", LANGUAGES / "kk_vilnius_nauseda.txt"]


def _inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for n, source in enumerate(SOURCES):
        paths.append(folder / f"{n}_{source.name}")
        paths[-1].write_bytes(source.read_bytes())
    return paths


# The rules that let a report no encoder reads join by a clear margin, off: the Kazakh report must open a story.
UNREAD = {"WIREWATCH_TAGGER__STORY_NAMES_MARGIN": "0", "WIREWATCH_TAGGER__STORY_WORDS_MARGIN": "0"}


def _processed(folder: Path, margin: str) -> list[TaggedArticle]:
    result = wirewatch("process", "--until", "tagged", str(folder), env={"WIREWATCH_TAGGER__STORY_MERGE_MARGIN": margin, **UNREAD})
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    return [TaggedArticle.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]


def test_process_merges_the_story_a_report_opened_alone_once_a_report_reaches_both(tmp_path: Path):
    folder = _inputs(tmp_path)[0].parent
    wire, kazakh, agency, kazakh_2 = _processed(folder, "0")
    assert (wire.story_evidence.decision, kazakh.story_evidence.decision) == ("created", "created")
    assert kazakh.language == "kk" and kazakh.story_id == kazakh.id != wire.story_id
    # The agency report joins the wire's story and merges the Kazakh one into it.
    assert agency.story_id == wire.story_id and agency.story_evidence.merged == [kazakh.story_id]
    assert agency.story_size == 3
    # From then on the Kazakh story is reported under the wire's id.
    assert kazakh_2.language == "kk" and kazakh_2.story_id == wire.story_id and kazakh_2.story_size == 4

    # At margin 0.3 the agency report reaches the Kazakh story by too little: two stories.
    wire, kazakh, agency, kazakh_2 = _processed(folder, "0.3")
    assert agency.story_evidence.merged == [] and agency.story_id == wire.story_id != kazakh.story_id
    assert kazakh_2.story_id == kazakh.story_id


async def test_the_pipeline_merges_as_process_does(broker, start_service, tmp_path: Path):
    paths = _inputs(tmp_path)
    offline = _processed(paths[0].parent, "0")
    worker = start_service("run", "--broker", broker.bootstrap, WIREWATCH_TAGGER__STORY_MERGE_MARGIN="0", **UNREAD)
    wait_http(worker.web_port, timeout_s=180, proc=worker)
    online: list[TaggedArticle] = []
    # One file at a time, each tagged before the next is sent: the order decides which story opens first.
    for path, expected in zip(paths, offline):
        ingested = wirewatch("ingest", "--broker", broker.bootstrap, str(path))
        assert ingested.returncode == 0, ingested.stderr.decode()[-3000:]
        seen = await collect(broker.bootstrap, ["articles.tagged"], timeout_s=120,
                             until=lambda s, key=expected.id.encode(): any(m["key"] == key for m in s["articles.tagged"]))
        online.append(next(TaggedArticle.model_validate(m["value"]) for m in seen["articles.tagged"]
                           if m["key"] == expected.id.encode()))
    assert [(a.id, a.story_id, a.story_size, a.story_evidence.merged) for a in online] == \
        [(a.id, a.story_id, a.story_size, a.story_evidence.merged) for a in offline]
    assert online[2].story_evidence.merged == [online[1].story_id] and online[3].story_id == online[0].story_id
    # The newsroom shows one story of four reports, and the Kazakh story's old link leads to it.
    story: dict = {}
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while story.get("article_count") != 4 and time.monotonic() < deadline:
            async with session.get(f"http://127.0.0.1:{worker.newsroom_port}/api/stories/{online[1].story_id}") as resp:
                story = await resp.json() if resp.status == 200 else {}
            await asyncio.sleep(0.5)
    assert story.get("id") == online[0].story_id and story.get("article_count") == 4, story
    assert worker.alive()


def test_process_alerts_a_merged_event_once_per_rule(tmp_path: Path):
    """A rule that matches the Kazakh reports fires for the Kazakh story. Once the agency report merged that story
    into the wire's, the second Kazakh report (reported as the wire's story, with the Kazakh story's id as an alias)
    is part of an event already alerted: the rule does not fire a second time. (Follow-ups are shown by the alerter worker's test, test_alerter_merges.py:
    `process` stamps every alert with one time, so a cooldown never passes.)"""
    folder = _inputs(tmp_path)[0].parent
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: kazakh-reports\n    query: language:kk\n")
    wire, kazakh, agency, kazakh_2 = _processed(folder, "0")
    assert agency.story_evidence.merged == [kazakh.story_id] and kazakh_2.story_id == wire.story_id
    assert (wire.story_evidence.aliases, agency.story_evidence.aliases, kazakh_2.story_evidence.aliases) == \
        ([], [kazakh.story_id], [kazakh.story_id])

    def alerts(margin: str) -> list[dict]:
        result = wirewatch("process", "--until", "alerts", str(folder), env={
            "WIREWATCH_TAGGER__STORY_MERGE_MARGIN": margin, "WIREWATCH_ALERTER__RULES": str(rules), **UNREAD})
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        return [orjson.loads(line) for line in result.stdout.splitlines()]

    merged = alerts("0")
    assert [(a["kind"], a["story_id"], a["article_ids"]) for a in merged] == [("fired", kazakh.story_id, [kazakh.id])]
    # Never merging, the second Kazakh report joins the first one's story: the same one alert.
    apart = alerts("off")
    assert [(a["kind"], a["story_id"], a["article_ids"]) for a in apart] == [("fired", kazakh.story_id, [kazakh.id])]
