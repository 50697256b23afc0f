"""``wirewatch demo``: the main job on the embedded default, told stage by stage.

Starts the embedded broker, a webhook receiver on loopback, and ``wirewatch run``
(all five services in one process); feeds ``examples/`` by file and by HTTP push,
plus one broken message; prints what each stage made of them; exits 0 when every
article is tagged, the alert was delivered and verified, and the broken message
is in a dead-letter topic.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import IO
from urllib.parse import quote

import aiohttp
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.alerter.receiver import WebhookReceiver
from services.ingest.publish import publish
from services.ingest.readers import read_path
from services.runtime.kafka import aiokafka_options
from services.runtime.broker import EmbeddedBroker, die_with_parent, free_port, terminate
from services.runtime.settings import Settings, dlq
from services.runtime.text import shortened
from services.runtime.topics import ensure_topics

__all__ = ["run_demo", "demo_settings", "start_services", "counted"]

BROKEN = b'{"id": "broken-1", "source": "demo", "title": "cut off mid-'


def say(text: str = "", indent: int = 0) -> None:
    prefix = " " * indent
    for line in text.split("\n") or [""]:
        print(prefix + line, flush=True)


def _entities(article: dict) -> str:
    counts: Counter[str] = Counter()
    for e in article["entities"]:
        if e["canonical_id"]:
            counts[f"{e['canonical_name']} ({e['canonical_id']})"] += 1
    unlinked = sorted({e["text"] for e in article["entities"] if not e["canonical_id"] and e["type"] in ("PERSON", "ORG", "GPE", "LOC")})
    linked = ", ".join(f"{name} ×{n}" for name, n in counts.most_common(8)) or "none linked"
    return linked + (f"; unlinked: {', '.join(unlinked[:6])}" if unlinked else "")


def _report_line(tagged: Mapping) -> str:
    """A report of the summary's story: source, language and title, a cut title ending in "…"."""
    return f"{tagged['source']}/{tagged['language']}: {shortened(tagged['title'], 60)}"


def _describe_normalized(a: dict) -> str:
    lang = f"{a['language']} ({a['language_confidence']:.2f})"
    if a["translation"]:
        t = a["translation"]
        how = f"translated {t['source_language']}→en by {t['engine']}" + (f" {t['version']}" if t.get("version") else "")
    else:
        how = next((c["reason"] for c in a["changes"] if c["kind"] == "translation"), "English, no translation needed")
    edits = Counter(c["rule"] for c in a["changes"] if c["kind"] != "translation")
    edit_text = ", ".join(f"{rule} ×{n}" for rule, n in edits.items()) or "none"
    removed = [c["before"].strip() for c in a["changes"] if c["kind"] == "boilerplate"]
    lines = [f"language {lang}; {how}", f"edits: {edit_text}"]
    if removed:
        lines.append("boilerplate removed: " + "; ".join(repr(r[:60]) for r in removed))
    lines.append(f"title: {a['title']}")
    return "\n".join(lines)


async def run_demo(*, examples: Path, timeout_s: float, serve: bool = True, newsroom_port: int = 8080) -> int:
    workdir = Path(".wirewatch/demo").resolve()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    receiver = await WebhookReceiver(secret=secret, fail_first=1).start()
    broker = EmbeddedBroker(log_path=workdir / "broker.log").start()
    settings = demo_settings(broker=broker.bootstrap, web_port=free_port())
    say(f"wirewatch demo\n  broker      Tansu (embedded, memory-only) on {broker.bootstrap}")
    say(f"  webhooks    local receiver at {receiver.url} (answers 503 to each first attempt, to show retries)")
    await ensure_topics(settings)
    log_path = workdir / "worker.log"
    log = open(log_path, "wb")
    worker = start_services(["run", "--broker", broker.bootstrap], workdir, log, {
        "WIREWATCH_BROKER": broker.bootstrap,
        # The web server and the newsroom bind these ports or, when taken by then, any free ones; the services process
        # prints which (see _port_in_log). The tables' directory is named, so it does not follow the web port.
        "WIREWATCH_WEB_PORT": str(settings.web_port),
        "WIREWATCH_WEB_ANY_PORT_IF_TAKEN": "true",
        "WIREWATCH_TABLE_DIR": str(workdir / "data" / "tables"),
        "WIREWATCH_NEWSROOM__PORT": str(newsroom_port),
        "WIREWATCH_NEWSROOM__ANY_PORT_IF_TAKEN": "true",
        "WIREWATCH_DATA_DIR": str(workdir / "data"),
        "WIREWATCH_ALERTER__RULES": str(examples.resolve() / "rules.yaml"),
        "WIREWATCH_ALERTER__DELIVERY_BACKOFF_S": "0.3",
        "WIREWATCH_WEBHOOK_URL": receiver.url,
        "WIREWATCH_WEBHOOK_SECRET": secret,
    })
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    try:
        web_port = await asyncio.wait_for(_port_in_log(log_path, worker, "web server"), timeout_s)
        if web_port is None:
            return 1
        settings = settings.model_copy(update={"web_port": web_port})
        say(f"  services    ingest, normalize, tagger, alerter, newsroom in one process (pid {worker.pid}, "
            f"http://127.0.0.1:{web_port}/metrics, log {log_path})\n")
        code, produced = await asyncio.wait_for(_drive(settings, examples, receiver, worker), timeout_s)
        if code == 0:
            port = await asyncio.wait_for(_port_in_log(log_path, worker, "newsroom"), 60)
            if port is None:
                return 1
            code = await asyncio.wait_for(show_newsroom(port, worker, produced, serve=serve, asked=newsroom_port), 60)
        if code == 0 and serve:
            say("\nThe newsroom stays up until Ctrl-C (`wirewatch demo --no-serve` exits here instead).")
            while worker.poll() is None:
                await asyncio.sleep(0.5)
            say(f"FAILED: the services process exited with code {worker.returncode}")
            return 1
        return code
    except asyncio.TimeoutError:
        say(f"\nFAILED: the pipeline did not finish within {timeout_s:.0f}s; see {log_path}")
        return 1
    except PushFailed as exc:
        say(f"\nFAILED: {exc}; see {log_path}")
        return 1
    except (KeyboardInterrupt, asyncio.CancelledError):
        say("\nstopped")
        return 0
    finally:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
        terminate(worker)
        log.close()
        broker.stop()
        await receiver.stop()


async def _drive(settings: Settings, examples: Path, receiver: WebhookReceiver,
                 worker: subprocess.Popen) -> tuple[int, dict[str, set[str]]]:
    """Feed the examples in and follow them through the topics; the exit code, and the tagged articles by story."""
    topics = settings.topics
    now = datetime.now(timezone.utc)
    producer = AIOKafkaProducer(**aiokafka_options(settings), acks="all")
    await producer.start()
    try:
        files = sorted((examples / "articles").glob("*.txt"))
        report = await publish(lambda t, k, v: producer.send_and_wait(t, key=k, value=v), settings,
                               (r for f in files for r in read_path(f, now=now)), channel="cli")
        say(f"ingest: {len(report.accepted)} wire-story files from {examples / 'articles'} → {topics.raw}")
        for f, article_id in zip(files, report.accepted):
            say(f"{f.name} → {article_id}", indent=2)
        await producer.send_and_wait(topics.raw, key=b"broken-1", value=BROKEN)
        say(f"ingest: 1 deliberately broken message → {topics.raw} (it should land in {dlq(topics.raw)})")
    finally:
        await producer.stop()
    expected = set(report.accepted)
    pushed = await _push(settings, examples / "articles" / "more.ndjson", worker)
    expected |= set(pushed)
    say(f"ingest: POST /ingest with {len(pushed)} NDJSON articles → {topics.raw}\n")

    consumer = AIOKafkaConsumer(
        topics.normalized, topics.tagged, topics.alerts, *[dlq(t) for t in (topics.raw, topics.normalized, topics.tagged, topics.alerts)],
        **aiokafka_options(settings), group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    tagged: set[str] = set()
    stories: dict[str, list[str]] = {}
    story_of: dict[str, str] = {}  # article id -> the story the tagger last gave it
    alerts: dict[str, dict] = {}
    letters = 0
    shown = 0
    try:
        while True:
            if worker.poll() is not None:
                say(f"FAILED: the services process exited with code {worker.returncode}")
                return 1, {}
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    value = orjson.loads(record.value)
                    if record.topic == topics.normalized:
                        say(f"[normalize] {value['id']} from {value['source']}")
                        say(_describe_normalized(value), indent=4)
                    elif record.topic == topics.tagged:
                        tagged.add(value["id"])
                        story_of[value["id"]] = value["story_id"]
                        stories.setdefault(value["story_id"], []).append(_report_line(value))
                        say(f"[tagger]    {value['id']} story {value['story_id']}")
                        say(textwrap.fill("entities: " + (_entities(value) or "none"), 100), indent=4)
                    elif record.topic == topics.alerts:
                        alerts[value["id"]] = value
                        say(f"[alerter]   ALERT {value['id']} rule {value['rule_id']}")
                        say(f"{value['summary']}\nmatched: {'; '.join(value['matched'])}", indent=4)
                    else:
                        letters += 1
                        say(f"[dead letter] {record.topic}: {value['error_class']} from {value['service']}")
                        say(textwrap.fill(value["reason"], 100), indent=4)
            for r in receiver.received[shown:]:
                verdict = "signature valid" if r.valid else f"REJECTED: {r.problem}"
                say(f"[webhook]   {r.webhook_id} attempt {r.attempt}: {verdict}, answered {r.status}")
            shown = len(receiver.received)
            if expected <= tagged and alerts and set(alerts) <= receiver.delivered_ids() and letters:
                break
    finally:
        await consumer.stop()
    await _summary(settings, expected, tagged, stories, alerts, receiver, letters)
    produced: dict[str, set[str]] = {}
    for article_id, story_id in story_of.items():
        produced.setdefault(story_id, set()).add(article_id)
    return 0, produced


def demo_settings(**values: object) -> Settings:
    """The demo's own settings: the defaults and ``values``, as its services process gets them; not the user's
    WIREWATCH_* variables nor ./.env (a real database URL or feeds file there is not the demo's)."""
    return _Isolated(**values)


class _Isolated(Settings):
    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **_sources):  # type: ignore[no-untyped-def, override]
        return (init_settings,)


def start_services(args: list[str], workdir: Path, log: IO[bytes], settings: Mapping[str, str]) -> subprocess.Popen:
    """``wirewatch <args>`` as the demo's services process: the WIREWATCH_* variables ``settings`` only, in ``workdir``
    so that no ./.env of the user's reaches it, running this same code (not another copy installed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    code = str(Path(__file__).resolve().parents[1])  # where `services` is: the cwd no longer finds it
    env.update(settings, PYTHONUNBUFFERED="1", PYTHONPATH=os.pathsep.join(filter(None, [code, env.get("PYTHONPATH")])))
    # The services die with the demo, however it ends (a SIGKILL included); a SIGTERM ends it as Ctrl-C does.
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=workdir, env=env, stdout=log,
                            stderr=subprocess.STDOUT, preexec_fn=die_with_parent)


async def _port_in_log(log_path: Path, worker: subprocess.Popen, server: str) -> int | None:
    """The port the services process's ``server`` ("web server", "newsroom") listens on, as it printed it in its log
    (``<server> on URL``): the one asked for, or another when that was taken meanwhile; None when the process exited
    first."""
    listening = re.compile(rb"^" + re.escape(server.encode()) + rb" on http://[^\s]+:(\d+)/$", re.MULTILINE)
    while True:
        found = listening.search(log_path.read_bytes())
        if found:
            return int(found.group(1))
        if worker.poll() is not None:
            say(f"FAILED: the services process exited with code {worker.returncode} before its {server} listened; "
                f"see {log_path}")
            return None
        await asyncio.sleep(0.2)


async def show_newsroom(port: int, worker: subprocess.Popen, produced: dict[str, set[str]], *, serve: bool = True,
                        asked: int = 0) -> int:
    """Wait until the newsroom's store holds every article the pipeline tagged (``produced``: article ids by story),
    so the counts it shows are final; print where to read the seed story (the most active one), or, when the
    newsroom stops with the demo (``serve`` false), what it held; and that it is not on ``asked`` when it is not."""
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        while True:
            if worker.poll() is not None:
                say(f"FAILED: the services process exited with code {worker.returncode}")
                return 1
            stories = []
            try:
                if await _holds(session, base, produced):
                    async with session.get(f"{base}/api/stories?order=active&limit=1") as resp:
                        stories = (await resp.json())["items"] if resp.status == 200 else []
            except aiohttp.ClientError:
                pass
            if stories:
                break
            await asyncio.sleep(0.3)
    story = stories[0]
    say(f"\nnewsroom: {base}/" + ("" if serve else " (stops with the demo: `wirewatch demo` without --no-serve keeps it up)"))
    if asked and asked != port:
        say(f"(port {asked} was taken, so the newsroom listens on {port})", indent=2)
    say(f"the seed story, {story['article_count']} reports in {', '.join(story['languages'])}, about "
        f"{', '.join(e['name'] for e in story['entities'][:5])}:", indent=2)
    say(f"{base}/stories/{quote(story['id'], safe='')}", indent=2)
    say(f"API {base}/api/openapi.json · alerts feed {base}/feeds/alerts.atom", indent=2)
    return 0


async def _holds(session: aiohttp.ClientSession, base: str, produced: dict[str, set[str]]) -> bool:
    """Whether the newsroom has stored each of these articles in its story."""
    for story_id, article_ids in produced.items():
        async with session.get(f"{base}/api/stories/{quote(story_id, safe='')}") as resp:
            if resp.status != 200:
                return False
            stored = {a["id"] for a in (await resp.json())["articles"]}
        if not article_ids <= stored:
            return False
    return True


class PushFailed(Exception):
    """POST /ingest did not take the demo's articles; the message says why, in one line."""


async def _push(settings: Settings, path: Path, worker: subprocess.Popen) -> list[str]:
    url = f"http://127.0.0.1:{settings.web_port}/ingest"
    async with aiohttp.ClientSession() as session:
        for _ in range(240):
            if worker.poll() is not None:
                raise PushFailed(f"the services process exited with code {worker.returncode} before POST /ingest answered")
            try:
                async with session.post(url, data=path.read_bytes(), headers={"content-type": "application/x-ndjson"}) as resp:
                    body = await resp.json()
                    if resp.status >= 300:
                        raise PushFailed(f"POST /ingest answered {resp.status}: {body}")
                    return body["accepted"]
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.5)
    raise PushFailed(f"{url} never answered")


_COUNTED = ("wirewatch_messages_processed_total", "wirewatch_dead_letters_total", "wirewatch_alerts_fired_total",
            "wirewatch_alerts_suppressed_total", "wirewatch_stories_total",
            "wirewatch_webhook_deliveries_total", "wirewatch_translations_total")


def counted(metrics: str) -> list[str]:
    """The summary's samples of a /metrics text: what the run counted, without the series exported at 0 in advance
    (every rule's, every endpoint's, every stage's dead letters) that nothing happened to."""
    return [line for line in metrics.splitlines()
            if line.startswith(_COUNTED) and float(line.rsplit(" ", 1)[1]) != 0]


async def _summary(settings: Settings, expected: set[str], tagged: set[str], stories: dict[str, list[str]], alerts: dict,
                   receiver: WebhookReceiver, letters: int) -> None:
    metrics = ""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{settings.web_port}/metrics") as resp:
            metrics = await resp.text()
    say("\nsummary")
    say(f"articles tagged: {len(tagged & expected)}/{len(expected)}, in {len(stories)} stories", indent=2)
    for story_id, members in sorted(stories.items(), key=lambda kv: -len(kv[1])):
        if len(members) > 1:
            say(f"story {story_id}: {len(members)} articles, one alert per rule", indent=4)
            for member in members:
                say(f"- {member}", indent=6)
    say(f"alerts fired: {len(alerts)}; delivered and verified: {len(set(alerts) & receiver.delivered_ids())}; "
        f"webhook attempts: {len(receiver.received)}", indent=2)
    say(f"dead letters: {letters}", indent=2)
    say("metrics (from /metrics):", indent=2)
    for line in counted(metrics):
        say(line, indent=4)
