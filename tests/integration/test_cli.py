"""The ``wirewatch`` command as a user runs it: ingest and tail against the real broker, process without one."""

from __future__ import annotations

import os
import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from schemas import Alert, RawArticle, TaggedArticle
from services.runtime.broker import free_port
from services.runtime.ports import listens_on
from tests.conftest import ROOT, service_env
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration


def wirewatch(*args: str, stdin: bytes | None = None, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    base = service_env()
    base["WIREWATCH_TAGGER__SPACY_MODEL"] = "en_core_web_sm"
    env = {**base, **(env or {})}
    return subprocess.run([sys.executable, "-m", "services.cli", *args], input=stdin, capture_output=True,
                          cwd=ROOT, env=env, timeout=timeout)


def test_ingest_then_tail_shows_the_article(broker):
    story = b"Harbour cranes stop in Rotterdam\ndate 2024-05-02\n\nDock workers walked out on Thursday over pay."
    ingested = wirewatch("ingest", "--broker", broker.bootstrap, "--source", "cli-test", "-", stdin=story)
    assert ingested.returncode == 0, ingested.stderr.decode()
    article_id = ingested.stdout.decode().split()[1]

    tailed = wirewatch("tail", "articles.raw", "--broker", broker.bootstrap, "--timeout", "3")
    assert tailed.returncode == 0, tailed.stderr.decode()
    lines = [orjson.loads(line) for line in tailed.stdout.splitlines()]
    mine = [line for line in lines if line["key"] == article_id]
    assert len(mine) == 1
    article = RawArticle.model_validate(mine[0]["value"])
    assert (article.title, article.source) == ("Harbour cranes stop in Rotterdam", "cli-test")
    assert article.published_at.date().isoformat() == "2024-05-02"


@pytest.mark.parametrize("command", [["tail", "articles.raw", "--timeout", "3"], ["dead-letters", "--json"]])
def test_a_reader_that_stops_reading_is_not_taken_for_a_broker_that_cannot_be_reached(broker, command):
    """`wirewatch tail articles.raw | head -1`: the pipe closed by the reader ends the command quietly."""
    for n in range(3):
        story = f"Harbour cranes stop {n}\n\nDock workers walked out on Thursday over pay.".encode()
        assert wirewatch("ingest", "--broker", broker.bootstrap, "-", stdin=story).returncode == 0
    wirewatch("ingest", "--broker", broker.bootstrap, "-", stdin=b'{"title": "cut off')  # a dead letter
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", *command, "--broker", broker.bootstrap],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=service_env())
    proc.stdout.close()  # the reader is gone before the first line is written
    _, err = proc.communicate(timeout=120)
    assert "is a broker running there" not in err.decode() and "Traceback" not in err.decode(), err.decode()
    assert proc.returncode == 1  # click's answer to EPIPE: what was asked for was not all written


def test_ingest_of_a_missing_file_fails_clearly(broker):
    result = wirewatch("ingest", "--broker", broker.bootstrap, "no/such/file.txt")
    assert result.returncode != 0
    assert b"no/such/file.txt: no such file or directory" in result.stderr


def test_process_runs_every_stage_without_a_broker():
    result = wirewatch("process", "--until", "alerts", "--rules", "examples/rules.yaml", "examples/articles")
    assert result.returncode == 0, result.stderr.decode()
    alerts = [Alert.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert "nato-in-ukraine" in {a.rule_id for a in alerts}
    assert len({a.dedupe_key for a in alerts}) == len(alerts), "one alert per rule and story"


@pytest.mark.parametrize("name", ["file", "stdin", "wire-desk"])
def test_source_names_every_article_that_names_none_whatever_the_name(name, tmp_path):
    """`--source file` is the source "file", as `--source wire-desk` is "wire-desk": not taken for the default."""
    records = tmp_path / "desk.json"
    records.write_bytes(orjson.dumps([{"title": "Harbour reopens", "body": "The harbour reopened.", "url": "https://www.r.example/a"},
                                      {"title": "Quay approved", "body": "The quay was approved.", "source": "Reuters"}]))
    story = tmp_path / "story.txt"
    story.write_text("Cranes stop\nThe cranes stopped at noon.\n")
    result = wirewatch("process", "--until", "raw", "--source", name, str(records), str(story),
                       "tests/unit/fixtures/feeds/rss20-utf8.xml")
    assert result.returncode == 0, result.stderr.decode()
    articles = [RawArticle.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert [(a.title, a.source) for a in articles[:3]] == [("Harbour reopens", name), ("Quay approved", "Reuters"),
                                                           ("Cranes stop", name)]
    feed = articles[3:]
    assert len(feed) == 3 and {(a.source, a.feed_id) for a in feed} == {(name, name)}


def test_without_source_an_article_is_from_its_site_else_where_it_was_read(tmp_path):
    records = tmp_path / "desk.json"
    records.write_bytes(orjson.dumps([{"title": "Harbour reopens", "body": "The harbour reopened.", "url": "https://www.r.example/a"},
                                      {"title": "Quay approved", "body": "The quay was approved."}]))
    result = wirewatch("process", "--until", "raw", str(records), "-", stdin=b"Cranes stop\nThe cranes stopped at noon.\n")
    assert result.returncode == 0, result.stderr.decode()
    assert [orjson.loads(line)["source"] for line in result.stdout.splitlines()] == ["r.example", "file", "stdin"]


def test_process_until_tagged_links_the_translated_spanish_story():
    result = wirewatch("process", "--until", "tagged", "examples/articles/otan-kiev-efe.txt")
    assert result.returncode == 0, result.stderr.decode()
    [article] = [TaggedArticle.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert article.language == "es" and article.translation.engine == "apertium"
    assert {"Q7184", "Q212"} <= {e.canonical_id for e in article.entities}
    # The Spanish pipeline is older than spaCy (3.1.0 under 3.8): said in the log, not as a Python warning.
    assert b"Warning" not in result.stderr, result.stderr.decode()


@pytest.mark.parametrize("language, body", [
    ("es", "El huracán llegó a Baja California el martes con vientos de 200 kilómetros por hora."),
    ("pt", "O furacão chegou à Baja California na terça-feira com ventos fortes."),  # pt-es, then es-en
])
def test_process_keeps_and_links_a_region_apertium_reads_as_words(tmp_path, language, body):
    record = tmp_path / "hurricane.jsonl"
    record.write_text(orjson.dumps({"title": "", "body": body, "language": language, "url": "https://news.example/h"}).decode() + "\n")
    result = wirewatch("process", "--until", "tagged", str(record))
    assert result.returncode == 0, result.stderr.decode()
    [article] = [TaggedArticle.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert "Baja California" in article.body and "Drop" not in article.body  # Apertium alone writes "Drop California"
    [region] = [e for e in article.entities if e.text == "Baja California" and e.field == "body"]
    assert region.type == "GPE" and region.canonical_name == "Baja California" and region.canonical_id.startswith("geonames:")


def test_process_prints_only_messages_on_stdout_and_its_warnings_on_stderr(tmp_path):
    """A translation that fails is said on stderr; stdout stays one JSON message a line, for jq or a pipe."""
    article = tmp_path / "oslo.txt"
    article.write_text("Statsministeren besøkte Oslo tirsdag\n\nStatsminister Jonas Gahr Støre besøkte tirsdag Oslo "
                       "sentrum for å møte ordføreren. Møtet handlet om boligpriser og kollektivtrafikk i hovedstaden.\n")
    result = wirewatch("process", "--until", "normalized", str(article),
                       env={"WIREWATCH_NORMALIZE__TRANSLATION_TIMEOUT_S": "0.001"})
    assert result.returncode == 0, result.stderr.decode()
    [message] = [orjson.loads(line) for line in result.stdout.splitlines()]  # nothing else on stdout
    assert message["language"] == "nb" and message["translation"] is None
    assert b"normalize.translation_failed" in result.stderr


async def roundtrip(bootstrap: str) -> bytes:
    await send(bootstrap, "cli-broker-check", [(b"k", b"hello")])
    seen = await collect(bootstrap, ["cli-broker-check"], until=lambda s: bool(s["cli-broker-check"]), timeout_s=20)
    return seen["cli-broker-check"][0]["raw"]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)", which may hold spaces
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _broker_listening(proc: subprocess.Popen, port: int, timeout_s: float) -> bool:
    """True once the broker `wirewatch broker` started listens on ``port``: the command's own child, not whatever
    else may hold the port; False as soon as the command has exited, or at the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if any(listens_on(child, port) for child in _children(proc.pid)):
            return True
        time.sleep(0.05)
    return False


def test_broker_command_serves_kafka_on_the_given_port(tmp_path):
    """The port is picked free here, and another process (a parallel test, another helper's broker) may take it before
    the broker binds it: the command then says the port is in use, or was taken, and exits 1, and another is picked.
    What is checked stays the same: the broker this command started listens on the port given, and serves Kafka."""
    for attempt in range(5):
        port = free_port()
        said = tmp_path / f"broker-{attempt}.log"
        with said.open("wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "services.cli", "broker", "--port", str(port)], cwd=ROOT,
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            if not _broker_listening(proc, port, 15):
                proc.wait(timeout=10)
                text = said.read_text(errors="replace")
                if proc.returncode == 1 and re.search(rf"port {port} on 127\.0\.0\.1 (is in use|was taken)", text):
                    continue  # lost the race for the port: another, as a user told so would
                raise AssertionError(f"the broker never listened on {port} (exit status {proc.returncode}):\n{text[-3000:]}")
            seen = asyncio.run(roundtrip(f"127.0.0.1:{port}"))
            assert seen == b"hello"
            assert any(listens_on(child, port) for child in _children(proc.pid)), "the broker that answered was ours"
            return
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    pytest.fail("every port picked was taken before the broker bound it (5 tries)")


@pytest.fixture
async def feed_server():
    from tests.support.feedserver import FeedServer

    server = await FeedServer().start()
    yield server
    await server.stop()


async def test_process_reads_a_feed_url_and_an_article_page_url(feed_server):
    allow = '["127.0.0.1"]'
    feed = await asyncio.to_thread(wirewatch, "process", "--until", "raw", feed_server.url("/feed/rss20-utf8.xml"),
                                   env={"WIREWATCH_INGEST__ALLOW_HOSTS": allow})
    assert feed.returncode == 0, feed.stderr.decode()
    entries = [RawArticle.model_validate(orjson.loads(line)) for line in feed.stdout.splitlines()]
    from_file = [RawArticle.model_validate(orjson.loads(line)) for line in
                 wirewatch("process", "--until", "raw", "tests/unit/fixtures/feeds/rss20-utf8.xml").stdout.splitlines()]
    assert len(entries) == len(from_file) >= 2 and all(e.title for e in entries)
    assert [e.title for e in entries] == [e.title for e in from_file], "the same entries whether fetched or read from disk"
    assert any(e.url and e.url.startswith(feed_server.url("/")) for e in entries), "relative links resolve against the feed's URL"

    page = await asyncio.to_thread(wirewatch, "process", "--until", "normalized", feed_server.url("/news/quay-approved"),
                                   env={"WIREWATCH_INGEST__ALLOW_HOSTS": allow})
    assert page.returncode == 0, page.stderr.decode()
    [article] = [orjson.loads(line) for line in page.stdout.splitlines()]
    assert article["title"] and "<" not in article["body"] and len(article["body"]) > 200


async def test_process_reads_a_news_api_answer_from_a_url(feed_server):
    feed_server.docs["headlines"] = (orjson.dumps({"status": "ok", "totalResults": 1, "articles": [
        {"source": {"id": None, "name": "Reuters"}, "author": "A. Writer", "title": "Harbour reopens",
         "url": "https://r.example/a", "publishedAt": "2024-03-04T10:00:00Z",
         "content": "The harbour reopened on Monday after the storm… [+1200 chars]"}]}), "application/json; charset=utf-8")
    url = feed_server.url("/feed/headlines")
    result = await asyncio.to_thread(wirewatch, "process", "--until", "raw", url, env={"WIREWATCH_INGEST__ALLOW_HOSTS": '["127.0.0.1"]'})
    assert result.returncode == 0, result.stderr.decode()
    [article] = [RawArticle.model_validate(orjson.loads(line)) for line in result.stdout.splitlines()]
    assert (article.title, article.source, article.url) == ("Harbour reopens", "Reuters", "https://r.example/a")
    assert article.body == "The harbour reopened on Monday after the storm"
    assert f"{url}: ignored field(s) not read as article fields, in 1 record: author" in result.stderr.decode()


async def test_a_loopback_url_is_refused_unless_allowed(feed_server):
    result = await asyncio.to_thread(wirewatch, "process", "--until", "raw", feed_server.url("/feed/rss20-utf8.xml"))
    assert result.returncode == 1
    url = feed_server.url("/feed/rss20-utf8.xml")
    assert result.stderr.decode().splitlines() == [f"{url}: 0 articles: refusing to fetch: 127.0.0.1 is not a public "
                                                   "address (allow it with WIREWATCH_INGEST__ALLOW_HOSTS)"]


@pytest.mark.parametrize("command, doing", [
    (("ingest", "examples/articles/otan-kiev-efe.txt"), "send the articles to"),
    (("tail", "articles.raw", "--timeout", "2"), "read articles.raw from"),
    (("dead-letters",), "read the dead letters from"),
    (("alerts", "replay", "--rules", "examples/rules.yaml"), "read alerts.dlq from"),
])
def test_a_command_without_a_broker_says_so_in_one_line(command, doing):
    """No broker where --broker points: exit status 1 and one line saying what could not be done, where, and what to
    check; no traceback, no retry log per attempt."""
    nowhere = f"127.0.0.1:{free_port()}"  # nothing listens there
    # A secret of its own: without one, the example rules' demo secret is (rightly) warned about first.
    result = wirewatch(*command, "--broker", nowhere, env={"WIREWATCH_WEBHOOK_SECRET": "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0"})
    err = result.stderr.decode()
    assert result.returncode == 1, err
    assert err.splitlines() == [f"Error: cannot {doing} {nowhere}: connection refused (is a broker running there? "
                                "`wirewatch broker` starts one; --broker or WIREWATCH_BROKER names another)"], err


def test_a_worker_without_a_broker_waits_saying_so_then_fails_in_one_line():
    nowhere = f"127.0.0.1:{free_port()}"
    # Port 0, any free one: a port chosen here could be taken by another process before the worker binds it.
    result = wirewatch("worker", "alerter", "--broker", nowhere, "--broker-wait", "3", env={"WIREWATCH_WEB_PORT": "0"})
    err = result.stderr.decode()
    assert result.returncode == 1, err
    listening, *waiting, last = err.splitlines()
    assert re.fullmatch(r"web server on http://127\.0\.0\.1:[1-9]\d*/", listening), err  # bound before the broker is asked
    # The time really waited: --broker-wait and the last attempt.
    said = re.fullmatch(re.escape(f"Error: cannot start the alerter worker with the broker at {nowhere} after waiting ")
                        + r"(\d+) s for it: " + re.escape(
                            "connection refused (is a broker running there? `wirewatch broker` starts one; "
                            "--broker or WIREWATCH_BROKER names another)"), last)
    assert said and int(said[1]) >= 3, err
    assert waiting and all("broker_waiting" in line and f"broker={nowhere}" in line and "error='connection refused'" in line
                           for line in waiting), err
    assert "Traceback" not in err and "Unable connect" not in err


def test_a_worker_waits_for_a_broker_that_starts_late(tmp_path):
    import socket

    from services.runtime.broker import EmbeddedBroker, terminate

    # The broker's port, kept by a socket bound and not listening until the broker starts: the worker's connections
    # are refused as where no broker runs, and no other process can take the port meanwhile.
    keeper = socket.socket()
    keeper.bind(("127.0.0.1", 0))
    port = keeper.getsockname()[1]
    log = tmp_path / "worker.log"
    env = service_env()
    env.update(WIREWATCH_WEB_PORT="0", WIREWATCH_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    with open(log, "wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "alerter", "--broker", f"127.0.0.1:{port}",
                                   "--broker-wait", "60"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            import time

            # The broker starts only once the worker has said it is waiting for one, however slow its start.
            deadline = time.monotonic() + 60
            while "broker_waiting" not in log.read_text() and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.2)
            assert "broker_waiting" in log.read_text(), log.read_text()
            keeper.close()
            with EmbeddedBroker(port=port):
                deadline = time.monotonic() + 60
                while "created topics" not in log.read_text() and time.monotonic() < deadline and worker.poll() is None:
                    time.sleep(0.2)
                said = log.read_text()
                assert "created topics" in said, said
                assert "broker_waiting" in said and "Unable connect" not in said, said
        finally:
            keeper.close()
            terminate(worker)


async def test_dead_letters_are_listed_oldest_first_across_partitions(broker):
    from datetime import datetime, timezone

    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from services.runtime.codec import dead_letter

    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("articles.raw.dlq", num_partitions=2, replication_factor=1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    await producer.start()
    try:
        for partition, hour in ((0, 8), (0, 11), (1, 9), (1, 10)):
            d = dead_letter(source_topic="articles.raw", service="normalize", error_class=f"Failed{hour}", reason="why",
                            original=b"{", key=b"k").model_copy(
                update={"failed_at": datetime(2026, 12, 5, hour, tzinfo=timezone.utc)})
            await producer.send_and_wait("articles.raw.dlq", d.model_dump_json().encode(), partition=partition)
    finally:
        await producer.stop()
    result = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap)
    assert result.returncode == 0, result.stderr.decode()
    said = [line.split()[1] for line in result.stdout.decode().splitlines() if not line.startswith(" ")]
    assert said == ["08:00:00Z", "09:00:00Z", "10:00:00Z", "11:00:00Z"], result.stdout.decode()


async def test_tail_of_a_topic_the_broker_does_not_have_says_so_and_what_was_meant(broker):
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    bare = await asyncio.to_thread(wirewatch, "tail", "articles.raw", "--broker", broker.bootstrap, "--timeout", "3")
    assert bare.returncode == 1
    assert bare.stderr.decode().splitlines() == [f"Error: no topic articles.raw on {broker.bootstrap} (it has no topics "
                                                 "yet: a worker or `wirewatch ingest` creates them)"]
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, num_partitions=1, replication_factor=1) for t in ("articles.raw", "alerts")])
        typo = await asyncio.to_thread(wirewatch, "tail", "articles.rw", "--broker", broker.bootstrap, "--timeout", "3")
        assert typo.returncode == 1 and not typo.stdout
        assert typo.stderr.decode().splitlines() == [
            f"Error: no topic articles.rw on {broker.bootstrap} (did you mean articles.raw?)"]
        other = await asyncio.to_thread(wirewatch, "tail", "no.such.topic", "--broker", broker.bootstrap, "--timeout", "3")
        assert other.returncode == 1
        assert other.stderr.decode().splitlines() == [
            f"Error: no topic no.such.topic on {broker.bootstrap} (its topics: alerts, articles.raw)"]
        assert "no.such.topic" not in await admin.list_topics(), "asking must not create it"
    finally:
        await admin.close()


async def test_dead_letters_of_a_misspelt_topic_say_so_but_a_pipeline_topic_not_yet_created_is_empty(broker):
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("articles.raw.dlq", num_partitions=1, replication_factor=1)])
        typo = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--topic", "articles.rw.dlq")
        assert typo.returncode == 1 and not typo.stdout
        assert typo.stderr.decode().splitlines() == [
            f"Error: no topic articles.rw.dlq on {broker.bootstrap} (did you mean articles.raw.dlq?)"]
        # alerts.dlq is the pipeline's: absent only because nothing failed there yet
        quiet = await asyncio.to_thread(wirewatch, "dead-letters", "--broker", broker.bootstrap, "--topic", "alerts.dlq")
        assert quiet.returncode == 0, quiet.stderr.decode()
        assert quiet.stderr.decode().splitlines() == ["no dead letters in alerts.dlq"]
        assert "articles.rw.dlq" not in await admin.list_topics(), "asking must not create it"
    finally:
        await admin.close()
