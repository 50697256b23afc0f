"""A real Alertmanager with the shipped routes and inhibit rule, its receivers pointed at a webhook server on loopback:
the dead-letter page reaches the pager, its ticket waits while it fires, another topic's ticket is opened."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web

from services.runtime.broker import free_port, terminate
from tests.conftest import PROMETHEUS_LISTENING, ROOT, port_in_log, wait_http

SHIPPED = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
RULES = ROOT / "deploy" / "prometheus" / "rules.yml"

pytestmark = pytest.mark.integration


class WebhookSink:
    """Records every notification Alertmanager posts, by the receiver it names and the path it was sent to."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict]] = []  # (path, payload receiver, alert)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _hook(self, request: web.Request) -> web.Response:
        payload = await request.json()
        for alert in payload["alerts"]:
            self.received.append((request.path, payload["receiver"], alert))
        return web.Response(status=200)

    async def start(self) -> WebhookSink:
        app = web.Application()
        app.router.add_post("/{receiver}", self._hook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def delivered(self) -> set[tuple[str, str, str, str]]:
        """(path, alertname, topic, status) of every alert notified."""
        return {(path, a["labels"]["alertname"], a["labels"].get("topic", ""), a["status"]) for path, _, a in self.received}

    async def wait_for(self, item: tuple, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while item not in self.delivered():
            assert time.monotonic() < deadline, f"{item} not delivered within {timeout_s:.0f}s; got {self.received}"
            await asyncio.sleep(0.1)


@pytest.fixture
async def sink():
    server = await WebhookSink().start()
    yield server
    await server.stop()


@pytest.fixture
def alertmanager(tmp_path: Path):
    binary = shutil.which("alertmanager") or shutil.which("prometheus-alertmanager")
    assert binary, "Debian's prometheus-alertmanager is not installed (make setup installs it)"
    procs = []

    def start(receiver_base: str) -> str:
        # The shipped routes, grouping and inhibit rule; each receiver's webhook on the test's server, and a group
        # waiting a second rather than 30 before its first notification.
        config = yaml.safe_load(SHIPPED.read_text())
        for receiver in config["receivers"]:
            [hook] = receiver["webhook_configs"]
            hook["url"] = f"{receiver_base}/{receiver['name']}"
        config["route"].update(group_wait="1s", group_interval="1s")
        (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(config))
        log = open(tmp_path / "alertmanager.log", "wb")
        procs.append((subprocess.Popen([
            binary, f"--config.file={tmp_path / 'alertmanager.yml'}", f"--storage.path={tmp_path / 'data'}",
            # Any free port, which it says: one chosen here could be taken before it binds. One instance, no gossip port.
            "--web.listen-address=127.0.0.1:0", "--cluster.listen-address=",
        ], stdout=log, stderr=subprocess.STDOUT), log))
        port = port_in_log(tmp_path / "alertmanager.log", PROMETHEUS_LISTENING, procs[-1][0], timeout_s=30)
        wait_http(port, "/-/ready", timeout_s=30)
        return f"http://127.0.0.1:{port}"

    yield start
    for proc, log in procs:
        terminate(proc)
        log.close()


def firing(alertname: str, **labels: str) -> dict:
    """An alert as Prometheus posts it: the rule's name and labels (severity from rules.yml) and the query's."""
    severity = {r["alert"]: r["labels"]["severity"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    return {"labels": {"alertname": alertname, "severity": severity[alertname], **labels},
            "annotations": {"summary": f"{alertname} for {labels}"},
            "startsAt": datetime.now(timezone.utc).isoformat()}


async def test_dead_letter_page_is_delivered_and_inhibits_its_ticket_but_not_another_topics(alertmanager, sink):
    base = alertmanager(sink.url)
    broken = {"stage": "normalize", "topic": "articles.raw.dlq", "error_class": "InvalidJSON"}
    other = {"stage": "tagger", "topic": "articles.normalized.dlq", "error_class": "InvalidJSON"}
    async with aiohttp.ClientSession() as session:
        async def post(*alerts: dict) -> None:
            async with session.post(f"{base}/api/v2/alerts", json=list(alerts)) as resp:
                assert resp.status == 200, await resp.text()

        # The ticket and the page for the same messages, as Prometheus sends them while both rules fire.
        await post(firing("WirewatchDeadLetter", **broken), firing("WirewatchDeadLettersRising", **broken))
        await sink.wait_for(("/page", "WirewatchDeadLettersRising", "articles.raw.dlq", "firing"))
        # Another topic's ticket, posted once the first groups have flushed (same group_wait): its delivery comes
        # after the moment the inhibited ticket would have been notified.
        await post(firing("WirewatchDeadLetter", **other))
        await sink.wait_for(("/ticket", "WirewatchDeadLetter", "articles.normalized.dlq", "firing"))

        assert sink.delivered() == {
            ("/page", "WirewatchDeadLettersRising", "articles.raw.dlq", "firing"),
            ("/ticket", "WirewatchDeadLetter", "articles.normalized.dlq", "firing"),
        }
        assert {(path, receiver) for path, receiver, _ in sink.received} == {("/page", "page"), ("/ticket", "ticket")}

        # Alertmanager's own view: the ticket for the page's messages is held back by the page, the other is not.
        async with session.get(f"{base}/api/v2/alerts") as resp:
            alerts = {(a["labels"]["alertname"], a["labels"]["topic"]): a for a in await resp.json()}
        page = alerts[("WirewatchDeadLettersRising", "articles.raw.dlq")]
        held = alerts[("WirewatchDeadLetter", "articles.raw.dlq")]["status"]
        assert held["state"] == "suppressed" and held["inhibitedBy"] == [page["fingerprint"]]
        assert alerts[("WirewatchDeadLetter", "articles.normalized.dlq")]["status"]["state"] == "active"
