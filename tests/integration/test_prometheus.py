"""A real Prometheus scrapes a live all-in-one run: every dashboard query and alert rule must find its metrics.

A renamed metric then breaks this test, not a dashboard in production.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import secrets
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
import yaml

from services.alerter.receiver import WebhookReceiver
from services.ingest.readers import read_path
from services.runtime.broker import terminate
from tests.conftest import PROMETHEUS_LISTENING, ROOT, port_in_log, wait_http
from tests.support.kafka import collect, send
from tests.support.metric_names import RULES, dashboard_queries, rule_queries

LOOPBACK = ROOT / "deploy" / "prometheus" / "loopback.yml"

pytestmark = pytest.mark.integration

METRIC = re.compile(r"\b(wirewatch_[a-z_]+|faust_[a-z_]+|up)\b(?!\s*\()")
# Metrics an alert rule reads that a healthy run never creates (labelled by a topic, born at their first event).
NOT_IN_A_HEALTHY_RUN = {
    "wirewatch_send_errors_total": "no message failed to reach the broker",
    "wirewatch_broker_lost_messages_total": "the broker did not restart",
}
# Panels that must show what this run did, not only have series: (where, the query's labels, what happened).
MUST_SHOW = [
    ("alerting: Alerts fired in the last hour, by rule", {}, "a rule fired"),
    ("ingest: Entries rejected (dead letters) per second, by reason", {"error_class": "InvalidJSON"},
     "a cut-off push was dead-lettered"),
    ("pipeline: Dead letters per second, by stage and reason", {"stage": "normalize", "error_class": "InvalidJSON"},
     "a broken message was dead-lettered"),
]


def test_every_dashboard_panel_has_a_query():
    assert dashboard_queries() and all(expr.strip() for _, expr in dashboard_queries())


async def query(session: aiohttp.ClientSession, base: str, expr: str) -> list:
    async with session.get(f"{base}/api/v1/query", params={"query": expr}) as resp:
        body = await resp.json()
    assert body["status"] == "success", f"{expr}: {body}"
    return body["data"]["result"]


def _instant(base: str, expr: str) -> list:
    with urllib.request.urlopen(f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}", timeout=5) as resp:
        return json.load(resp)["data"]["result"]


@pytest.fixture
def prometheus(tmp_path: Path):
    binary = shutil.which("prometheus")
    assert binary, "Debian's prometheus is not installed (make setup installs it)"
    procs = []

    def start(target_port: int) -> str:
        shutil.copy(RULES, tmp_path / "rules.yml")
        # The shipped loopback config, with this run's port and a scrape every second.
        config = yaml.safe_load(LOOPBACK.read_text())
        config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
        config["scrape_configs"][0]["static_configs"][0]["targets"] = [f"127.0.0.1:{target_port}"]
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
        log = open(tmp_path / "prometheus.log", "wb")
        procs.append((subprocess.Popen([
            binary, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            "--web.listen-address=127.0.0.1:0",  # any free port, which it says: one chosen here could be taken first
        ], stdout=log, stderr=subprocess.STDOUT), log))
        port = port_in_log(tmp_path / "prometheus.log", PROMETHEUS_LISTENING, procs[-1][0], timeout_s=30)
        wait_http(port, "/-/ready", timeout_s=30)
        # Ready is not scraping yet (targets come from discovery a few seconds later): what happens before the
        # first scrape is, to Prometheus, a counter born where it stands, and no increase.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _instant(f"http://127.0.0.1:{port}", 'up{job="wirewatch"} == 1'):
            time.sleep(0.5)
        return f"http://127.0.0.1:{port}"

    yield start
    for proc, log in procs:
        terminate(proc)
        log.close()


async def test_dashboards_and_alert_rules_find_their_metrics_in_a_live_run(broker, start_service, prometheus, tmp_path):
    from tests.support.feedserver import FeedServer

    receiver = await WebhookReceiver(secret="whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(), fail_first=1).start()
    feeds = await FeedServer().start()
    try:
        # One healthy feed and one that answers 404, so the ingest dashboard has both kinds to show; failing at its first
        # failed poll (FAILING_AFTER=1), so the failing-feeds panel lists it within the test.
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": [
            {"id": "gazette", "url": feeds.url("/feed/rss20-utf8.xml"), "full_text": "never"},
            {"id": "missing", "url": feeds.url("/feed/no-such-feed.xml")},
        ]}))
        worker = start_service("run", "--broker", broker.bootstrap, WIREWATCH_WEBHOOK_URL=receiver.url,
                               WIREWATCH_WEBHOOK_SECRET=receiver.secret, WIREWATCH_ALERTER__DELIVERY_BACKOFF_S="0.1",
                               WIREWATCH_INGEST__FEEDS_FILE=str(feeds_file), WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]',
                               WIREWATCH_INGEST__FAILING_AFTER="1")
        # A broken message waiting before the worker starts, as in the end-to-end test.
        await send(broker.bootstrap, "articles.raw", [(b"prom-broken", b"not json")])
        wait_http(worker.web_port, proc=worker)
        base = prometheus(worker.web_port)
        now = datetime.now(timezone.utc)
        articles = [a for a in read_path(ROOT / "examples" / "articles", now=now) if hasattr(a, "fetched_at")]
        # Pushed through POST /ingest one by one, spread over several scrapes, so rates and quantiles have data.
        async with aiohttp.ClientSession() as session:
            for article in articles:
                record = article.model_dump(mode="json", include={"id", "source", "url", "title", "body", "published_at"})
                async with session.post(f"http://127.0.0.1:{worker.web_port}/ingest", json=record) as resp:
                    assert resp.status == 202, await resp.text()
                await asyncio.sleep(1.0)
            async with session.post(f"http://127.0.0.1:{worker.web_port}/ingest", data=b'{"title": "cut off') as resp:
                assert resp.status == 400, "a push with no valid record is refused, and dead-lettered"
        # And a broken message while Prometheus watches: its dead letter must show, not only exist.
        await send(broker.bootstrap, "articles.raw", [(b"prom-broken-2", b"not json either")])
        ids = {a.id.encode() for a in articles}
        await collect(broker.bootstrap, ["articles.tagged", "articles.raw.dlq"], timeout_s=120,
                      until=lambda s: ids <= {m["key"] for m in s["articles.tagged"]}
                      and {b"prom-broken", b"prom-broken-2"} <= {m["key"] for m in s["articles.raw.dlq"]})
        deadline = time.monotonic() + 30
        while not receiver.delivered_ids() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)

        async with aiohttp.ClientSession() as session:
            async def empty_queries() -> list[str]:
                return [f"{where}: {expr}" for where, expr in dashboard_queries() if not await query(session, base, expr)]

            async def unseen_events() -> list[str]:
                queries = dict(dashboard_queries())
                unseen = []
                for where, labels, what in MUST_SHOW:
                    series = await query(session, base, queries[where])
                    if not any(float(r["value"][1]) > 0 and labels.items() <= r["metric"].items() for r in series):
                        unseen.append(f"{where}: shows no {labels or 'value'} above 0, though {what}: {series}")
                return unseen

            # Until every panel has data (the lag timer runs every 5 s; rates want two scrapes), not a fixed sleep.
            deadline = time.monotonic() + 60
            while (empty := await empty_queries()) and time.monotonic() < deadline:
                await asyncio.sleep(1)
            assert not empty, "dashboard queries with no data:\n" + "\n".join(empty)
            # A counter born at its first increment has no increase() to show: the panels would say 0.
            while (unseen := await unseen_events()) and time.monotonic() < deadline:
                await asyncio.sleep(1)
            assert not unseen, "\n".join(unseen)

            missing = []
            for alert, expr in rule_queries():
                await query(session, base, expr)  # the rule's expression is valid PromQL
                for name in set(METRIC.findall(expr)) - set(NOT_IN_A_HEALTHY_RUN):
                    if not await query(session, base, f'count({{__name__="{name}"}})'):
                        missing.append(f"{alert}: {name}")
            assert not missing, "alert rules reference metrics the services do not export:\n" + "\n".join(missing)

            async with session.get(f"{base}/api/v1/rules") as resp:
                groups = (await resp.json())["data"]["groups"]
            loaded = {r["name"]: r["health"] for g in groups for r in g["rules"]}
            assert set(loaded) == {a for a, _ in rule_queries()} and set(loaded.values()) == {"ok"}, loaded

            # The dead-letter rule fires for the stages that wrote one (it has no `for`: one evaluation).
            firing = set()
            deadline = time.monotonic() + 30
            while not {"ingest", "normalize"} <= firing and time.monotonic() < deadline:
                firing = {r["metric"]["stage"] for r in await query(session, base, 'ALERTS{alertname="WirewatchDeadLetter"}')}
                await asyncio.sleep(1)
            assert {"ingest", "normalize"} <= firing, firing
    finally:
        await receiver.stop()
        await feeds.stop()
