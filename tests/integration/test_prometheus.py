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
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
import yaml

from services.alerter.receiver import WebhookReceiver
from services.ingest.readers import read_path
from services.runtime.broker import free_port, terminate
from tests.conftest import ROOT, wait_http
from tests.support.kafka import collect, send

pytestmark = pytest.mark.integration

DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
RULES = ROOT / "deploy" / "prometheus" / "rules.yml"
METRIC = re.compile(r"\b(wirewatch_[a-z_]+|faust_[a-z_]+|up)\b(?!\s*\()")
# Panels whose series exist only after something goes wrong, which this healthy run does not provoke.
MAY_BE_EMPTY = {
    'sum by (endpoint) (wirewatch_webhook_deliveries_total{outcome="disabled"})': "no endpoint answered 410",
    'sum by (error_class) (rate(wirewatch_dead_letters_total{topic="alerts.dlq"}[5m]))': "every alert was delivered",
    'sum by (rule) (increase(wirewatch_alerts_suppressed_total[1h]))': "suppression needs two articles of one story",
    'sum by (rule) (increase(wirewatch_alerter_routed_total[1h]))': "routing needs a merge of two stories that alerted",
}


def dashboard_queries() -> list[tuple[str, str]]:
    found = []
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel["targets"]:
                found.append((f"{path.stem}: {panel['title']}", target["expr"]))
    return found


def rule_queries() -> list[tuple[str, str]]:
    doc = yaml.safe_load(RULES.read_text())
    return [(rule["alert"], rule["expr"]) for group in doc["groups"] for rule in group["rules"]]


def test_every_dashboard_panel_has_a_query():
    assert DASHBOARDS and all(expr.strip() for _, expr in dashboard_queries())


async def query(session: aiohttp.ClientSession, base: str, expr: str) -> list:
    async with session.get(f"{base}/api/v1/query", params={"query": expr}) as resp:
        body = await resp.json()
    assert body["status"] == "success", f"{expr}: {body}"
    return body["data"]["result"]


@pytest.fixture
def prometheus(tmp_path: Path):
    binary = shutil.which("prometheus")
    assert binary, "Debian's prometheus is not installed (make setup installs it)"
    procs = []

    def start(target_port: int) -> str:
        port = free_port()
        shutil.copy(RULES, tmp_path / "rules.yml")
        (tmp_path / "prometheus.yml").write_text(yaml.safe_dump({
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": ["rules.yml"],
            "scrape_configs": [{"job_name": "wirewatch", "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}]}],
        }))
        log = open(tmp_path / "prometheus.log", "wb")
        procs.append((subprocess.Popen([
            binary, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ], stdout=log, stderr=subprocess.STDOUT), log))
        wait_http(port, "/-/ready", timeout_s=30)
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
        # One healthy feed and one that answers 404, so the ingest dashboard has both kinds to show.
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": [
            {"id": "gazette", "url": feeds.url("/feed/rss20-utf8.xml"), "full_text": "never"},
            {"id": "missing", "url": feeds.url("/feed/no-such-feed.xml")},
        ]}))
        worker = start_service("run", "--broker", broker.bootstrap, WIREWATCH_WEBHOOK_URL=receiver.url,
                               WIREWATCH_WEBHOOK_SECRET=receiver.secret, WIREWATCH_ALERTER__DELIVERY_BACKOFF_S="0.1",
                               WIREWATCH_INGEST__FEEDS_FILE=str(feeds_file), WIREWATCH_INGEST__ALLOW_HOSTS='["127.0.0.1"]')
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
        ids = {a.id.encode() for a in articles}
        await collect(broker.bootstrap, ["articles.tagged", "articles.raw.dlq"], timeout_s=120,
                      until=lambda s: ids <= {m["key"] for m in s["articles.tagged"]}
                      and any(m["key"] == b"prom-broken" for m in s["articles.raw.dlq"]))
        deadline = time.monotonic() + 30
        while not receiver.delivered_ids() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)

        async with aiohttp.ClientSession() as session:
            async def empty_queries() -> list[str]:
                return [f"{where}: {expr}" for where, expr in dashboard_queries()
                        if expr not in MAY_BE_EMPTY and not await query(session, base, expr)]

            # Until every panel has data (the lag timer runs every 5 s; rates want two scrapes), not a fixed sleep.
            deadline = time.monotonic() + 60
            while (empty := await empty_queries()) and time.monotonic() < deadline:
                await asyncio.sleep(1)
            assert not empty, "dashboard queries with no data:\n" + "\n".join(empty)

            missing = []
            for alert, expr in rule_queries():
                await query(session, base, expr)  # the rule's expression is valid PromQL
                for name in set(METRIC.findall(expr)):
                    if not await query(session, base, f'count({{__name__="{name}"}})'):
                        missing.append(f"{alert}: {name}")
            assert not missing, "alert rules reference metrics the services do not export:\n" + "\n".join(missing)

            async with session.get(f"{base}/api/v1/rules") as resp:
                groups = (await resp.json())["data"]["groups"]
            loaded = {r["name"]: r["health"] for g in groups for r in g["rules"]}
            assert set(loaded) == {a for a, _ in rule_queries()} and set(loaded.values()) == {"ok"}, loaded
    finally:
        await receiver.stop()
        await feeds.stop()
