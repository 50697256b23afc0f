"""The alerter service's shell, three agents in a row:

``articles.tagged`` → rules → ``alerter.matches`` (keyed by rule + story) →
one alert per key, remembered in a Faust table → ``alerts`` → signed webhooks,
with what cannot be delivered in ``alerts.dlq``.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import aiohttp
import faust

from schemas import Alert, TaggedArticle
from services.alerter.dedupe import make_alert
from services.alerter.rules import RuleBook, load_rulebook
from services.alerter.webhooks import deliver
from services.runtime.codec import encode
from services.runtime.logs import get_logger
from services.runtime.metrics import (
    ALERTS_FIRED,
    ALERTS_SUPPRESSED,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_DELIVERIES,
    WEBHOOK_DELIVERY_SECONDS,
)
from services.runtime.settings import Settings
from services.runtime.stage import Stage, raw_topic

__all__ = ["register"]

log = get_logger("wirewatch.alerter")


def register(app: faust.App, settings: Settings) -> None:
    topics = settings.topics
    rulebook: RuleBook = load_rulebook(settings.alerter.rules)
    log.info("rules_loaded", path=str(settings.alerter.rules), rules=len(rulebook.rules))

    tagged = raw_topic(app, topics.tagged, settings)
    matches = raw_topic(app, topics.matches, settings)
    alerts = raw_topic(app, topics.alerts, settings)
    match_stage = Stage(app, settings, name="alerter", source=topics.tagged)
    dedupe_stage = Stage(app, settings, name="alerter-dedupe", source=topics.matches)
    delivery_stage = Stage(app, settings, name="alerter-delivery", source=topics.alerts)
    # dedupe key → time the alert fired. Partitioned like alerter.matches, which is keyed by dedupe key.
    fired = app.Table(
        "alerter-fired", default=None, partitions=settings.partitions,
        key_type=str, value_type=str,
    )

    @app.agent(tagged, name="alerter-match")
    async def match(stream: faust.StreamT) -> None:
        async for event in stream.events():
            article = await match_stage.decode(event.key, event.value, TaggedArticle)
            if article is None:
                continue
            started = time.perf_counter()
            try:
                found = rulebook.evaluate(article)
            except Exception as exc:  # noqa: BLE001 - a rule bug dead-letters the article, not the worker
                await match_stage.fail(event.key, event.value, exc)
                continue
            now = datetime.now(timezone.utc)
            for rule_match in found:
                alert = make_alert(rule_match, article, now)
                await matches.send(key=alert.dedupe_key.encode(), value=encode(alert))
            match_stage.done(started, [article.fetched_at])

    @app.agent(matches, name="alerter-dedupe")
    async def dedupe(stream: faust.StreamT) -> None:
        async for event in stream.events():
            alert = await dedupe_stage.decode(event.key, event.value, Alert)
            if alert is None:
                continue
            started = time.perf_counter()
            if fired.get(alert.dedupe_key) is not None:
                ALERTS_SUPPRESSED.labels(alert.rule_id).inc()
                log.info("alert_suppressed", alert_id=alert.id, dedupe_key=alert.dedupe_key, article_ids=alert.article_ids)
                continue
            # Send before remembering: a crash in between re-sends an alert with the same id,
            # which receivers de-duplicate by webhook-id; the other order could lose it.
            await alerts.send(key=alert.dedupe_key.encode(), value=encode(alert))
            fired[alert.dedupe_key] = alert.fired_at.isoformat()
            ALERTS_FIRED.labels(alert.rule_id).inc()
            dedupe_stage.done(started, [])
            log.info("alert_fired", alert_id=alert.id, rule_id=alert.rule_id, story_id=alert.story_id)

    @app.agent(alerts, name="alerter-delivery")
    async def delivery(stream: faust.StreamT) -> None:
        async with aiohttp.ClientSession() as session:
            async for event in stream.events():
                alert = await delivery_stage.decode(event.key, event.value, Alert)
                if alert is None:
                    continue
                started = time.perf_counter()
                try:
                    endpoints = rulebook.endpoints_for(alert.rule_id)
                except KeyError:
                    await delivery_stage.dead_letter(event.key, event.value, "UnknownRule",
                                                     f"alert {alert.id}: rule {alert.rule_id!r} is not in {rulebook.source}")
                    continue
                for endpoint in endpoints:
                    result = await deliver(
                        session, endpoint, alert,
                        attempts=settings.alerter.delivery_attempts,
                        backoff_s=settings.alerter.delivery_backoff_s,
                        backoff_max_s=settings.alerter.delivery_backoff_max_s,
                        timeout_s=settings.alerter.delivery_timeout_s,
                    )
                    WEBHOOK_ATTEMPTS.labels(endpoint.name).inc(result.attempts)
                    WEBHOOK_DELIVERY_SECONDS.labels(endpoint.name).observe(result.elapsed_s)
                    outcome = "delivered" if result.delivered else ("disabled" if result.endpoint_disabled else "failed")
                    WEBHOOK_DELIVERIES.labels(endpoint.name, outcome).inc()
                    log.info("webhook_delivery", alert_id=alert.id, endpoint=endpoint.name, outcome=outcome,
                             attempts=result.attempts, status=result.status, reason=result.reason)
                    if not result.delivered:
                        await delivery_stage.dead_letter(
                            event.key, event.value, "WebhookUndeliverable",
                            f"alert {alert.id} to endpoint {endpoint.name!r} ({endpoint.url}): {result.reason}",
                        )
                delivery_stage.done(started, [])
