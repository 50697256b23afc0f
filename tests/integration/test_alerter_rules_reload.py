"""A running alerter takes in an edited rules file: the series of a rule renamed and of an endpoint deleted leave its
/metrics, the rest stay, and a match of the deleted rule still in flight does not make them again; a broken edit,
whose old rules stay, leaves every series in place. On the real broker."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from aiohttp import web
from aiokafka import AIOKafkaProducer

from schemas import Alert
from services.alerter.dedupe import dedupe_key
from services.alerter.headers import aliases_headers
from services.runtime.codec import encode
from tests.conftest import wait_http
from tests.integration.test_alerter_worker import FAST, SECRET, article
from tests.support.kafka import collect, send
from tests.support.metrics import metric, scrape, wait_until

pytestmark = pytest.mark.integration


def rules_file(path: Path, rules: list[str], endpoints: list[str]) -> None:
    hooks = "".join(f"  {name}:\n    url: http://127.0.0.1:9/{name}\n    secret: {SECRET}\n" for name in endpoints)
    listed = "".join(f"  - id: {rule}\n    query: entity:Q7184\n    webhooks: [{endpoints[0]}]\n" for rule in rules)
    rewrite(path, f"webhooks:\n{hooks}rules:\n{listed}")


def rewrite(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    # The worker sees a change by the file's mtime and size: a rewrite within the file system's clock tick is one too.
    os.utime(path, ns=(max(path.stat().st_mtime_ns, before + 1_000_000_000),) * 2)


def labelled(port: int, label: str) -> set[str]:
    return {labels[label] for _, labels, _ in scrape(port) if label in labels}


async def test_a_renamed_rule_and_a_deleted_endpoint_leave_the_metrics_once_the_file_is_taken_in(
        broker, start_service, tmp_path) -> None:
    path = tmp_path / "rules.yaml"
    rules_file(path, ["reload-kept", "reload-old-name"], ["reload-hook", "reload-gone"])
    worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(path), WIREWATCH_ALERTER__RULES_RELOAD_S="0.2")
    wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
    assert labelled(worker.web_port, "rule") >= {"reload-kept", "reload-old-name"}
    assert labelled(worker.web_port, "endpoint") >= {"reload-hook", "reload-gone"}

    rules_file(path, ["reload-kept", "reload-new-name"], ["reload-hook"])
    await wait_until(lambda: metric(worker.web_port, "wirewatch_alerter_rules_reloads_total", outcome="reloaded") >= 1, 60,
                     "the edited rules file taken in")
    assert {"reload-kept", "reload-new-name"} <= labelled(worker.web_port, "rule")
    assert "reload-old-name" not in labelled(worker.web_port, "rule")
    assert labelled(worker.web_port, "endpoint") == {"reload-hook"}

    rewrite(path, "rules: [\n")  # broken: the rules in use stay, and so do their series
    await wait_until(lambda: metric(worker.web_port, "wirewatch_alerter_rules_reloads_total", outcome="invalid") >= 1, 60,
                     "the broken rules file refused")
    assert {"reload-kept", "reload-new-name"} <= labelled(worker.web_port, "rule")
    assert labelled(worker.web_port, "endpoint") == {"reload-hook"}


async def test_a_match_of_a_deleted_rule_still_in_flight_does_not_bring_its_series_back(broker, start_service, tmp_path) -> None:
    """A match the rule made before it was deleted, of a story merged into another whose first id fired: routed to that
    id, then dead-lettered as the rule is gone, and counted under no rule."""
    path = tmp_path / "rules.yaml"
    rules_file(path, ["flight-kept", "flight-deleted"], ["flight-hook"])
    worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(path), WIREWATCH_ALERTER__RULES_RELOAD_S="0.2",
                           **FAST)
    wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
    x, y = (f"st-{os.urandom(4).hex()}" for _ in range(2))
    await send(broker.bootstrap, "articles.tagged", [(b"wire/1", encode(article(1, x)))])
    seen = await collect(broker.bootstrap, ["alerts"], until=lambda s: any(
        m["value"]["dedupe_key"] == dedupe_key("flight-deleted", x) for m in s["alerts"]), timeout_s=90)
    fired = next(m["value"] for m in seen["alerts"] if m["value"]["dedupe_key"] == dedupe_key("flight-deleted", x))

    rules_file(path, ["flight-kept"], ["flight-hook"])
    await wait_until(lambda: "flight-deleted" not in labelled(worker.web_port, "rule"), 60, "the deleted rule's series gone")
    # Story Y, which X was merged into: its match, made before the rule went, visits X's key first.
    candidate = Alert.model_validate(fired).model_copy(update={"story_id": y, "dedupe_key": dedupe_key("flight-deleted", y)})
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait("alerter.matches", key=dedupe_key("flight-deleted", x).encode(), value=encode(candidate),
                                     headers=list(aliases_headers([x]).items()))
    finally:
        await producer.stop()
    await wait_until(lambda: metric(worker.web_port, "wirewatch_dead_letters_total", stage="alerter-dedupe",
                                    error_class="UnknownRule") >= 1, 60, "the match dead-lettered")
    assert "flight-deleted" not in labelled(worker.web_port, "rule")
    assert "flight-kept" in labelled(worker.web_port, "rule")


class Held:
    """A webhook receiver that answers ``status`` to each request only once ``release()`` is called."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.arrived = asyncio.Event()
        self.released = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.arrived.set()
        await self.released.wait()
        return web.Response(status=self.status)

    async def __aenter__(self) -> "Held":
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        host, port = self.runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/hook"
        return self

    async def __aexit__(self, *exc) -> None:
        self.released.set()
        await self.runner.cleanup()


def endpoints_file(path: Path, urls: dict[str, str]) -> None:
    hooks = "".join(f"  {name}:\n    url: {url}\n    secret: {SECRET}\n" for name, url in urls.items())
    rewrite(path, f"webhooks:\n{hooks}rules:\n  - id: held-rule\n    query: entity:Q7184\n    webhooks: [{', '.join(urls)}]\n")


async def deliver_while_the_file_changes(broker, start_service, tmp_path, held: Held, first: dict[str, str],
                                         then: dict[str, str]):
    """The worker, once an alert's delivery to ``held`` is under way with the rules file ``first`` and the file was
    changed to ``then`` and taken in, and that delivery then answered and done."""
    path = tmp_path / "rules.yaml"
    endpoints_file(path, first)
    worker = start_service("worker", "alerter", WIREWATCH_ALERTER__RULES=str(path), WIREWATCH_ALERTER__RULES_RELOAD_S="0.2",
                           **{**FAST, "WIREWATCH_ALERTER__DELIVERY_TIMEOUT_S": "60"})
    wait_http(worker.web_port, "/readyz", proc=worker, timeout_s=90)
    await send(broker.bootstrap, "articles.tagged", [(b"wire/1", encode(article(1, f"st-{os.urandom(4).hex()}")))])
    await asyncio.wait_for(held.arrived.wait(), 90)
    endpoints_file(path, then)
    await wait_until(lambda: metric(worker.web_port, "wirewatch_alerter_rules_reloads_total", outcome="reloaded") >= 1, 60,
                     "the edited rules file taken in")
    held.released.set()
    await wait_until(lambda: metric(worker.web_port, "wirewatch_messages_processed_total", stage="alerter-delivery") >= 1,
                     60, "the delivery done")
    return worker


async def test_an_endpoint_deleted_while_a_delivery_to_it_runs_gets_no_series_from_its_outcome(
        broker, start_service, tmp_path) -> None:
    async with Held(status=410) as held:
        worker = await deliver_while_the_file_changes(broker, start_service, tmp_path, held,
                                                      {"held-gone": held.url, "held-other": "http://127.0.0.1:9/hook"},
                                                      {"held-other": "http://127.0.0.1:9/hook"})
        assert labelled(worker.web_port, "endpoint") == {"held-other"}


async def test_an_endpoint_given_a_new_url_while_its_old_one_answers_410_shows_enabled(broker, start_service, tmp_path) -> None:
    async with Held(status=410) as held:
        worker = await deliver_while_the_file_changes(broker, start_service, tmp_path, held, {"held-moved": held.url},
                                                      {"held-moved": "http://127.0.0.1:9/new"})
        assert metric(worker.web_port, "wirewatch_webhook_deliveries_total", endpoint="held-moved", outcome="disabled") == 1
        assert metric(worker.web_port, "wirewatch_webhook_endpoints_disabled", endpoint="held-moved") == 0
