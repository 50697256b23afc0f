"""The alerter service's shell, agents in a row:

``articles.tagged`` → rules → ``alerter.matches`` (keyed by rule + story) → window, burst,
one alert per key and follow-ups, state in the Faust table ``alerter-fired`` → ``alerts`` →
signed webhooks, with what cannot be delivered in ``alerts.dlq``. Entity-burst rules take a
detour through ``alerter.bursts`` (keyed by rule + entity, state in ``alerter-bursts``).
Tables are written only by the agent whose input topic is keyed like the table.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp
import faust
import orjson

from schemas import Alert, TaggedArticle
from schemas.models import AlertBurst
from services.alerter.dedupe import decide, load_state, make_alert
from services.alerter.endpoints import EndpointStates
from services.alerter.live import LiveRulebook
from services.alerter.metrics import ALERTS_SENT, RULE_EVALUATION_SECONDS, RULES_LOADED, RULES_RELOADS
from services.alerter.rules import EntityCondition, Rule
from services.alerter.webhooks import deliver
from services.alerter.window import observe_burst
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

__all__ = ["register", "mentions"]

log = get_logger("wirewatch.alerter")


def mentions(article: TaggedArticle, value: str) -> bool:
    """Whether the article names the entity (QID, canonical name or unlinked text), as an entity condition would."""
    from services.alerter.rules import _Facts

    return EntityCondition(value).check(_Facts(article)) is not None


def register(app: faust.App, settings: Settings) -> None:
    topics = settings.topics
    cfg = settings.alerter
    live = LiveRulebook(cfg.rules)
    RULES_LOADED.set(len(live.current.rules))
    log.info("rules_loaded", path=str(cfg.rules), rules=len(live.current.rules))

    tagged = raw_topic(app, topics.tagged, settings)
    matches = raw_topic(app, topics.matches, settings)
    bursts = raw_topic(app, cfg.bursts_topic, settings)
    alerts = raw_topic(app, topics.alerts, settings)
    match_stage = Stage(app, settings, name="alerter", source=topics.tagged)
    burst_stage = Stage(app, settings, name="alerter-burst", source=cfg.bursts_topic)
    dedupe_stage = Stage(app, settings, name="alerter-dedupe", source=topics.matches)
    delivery_stage = Stage(app, settings, name="alerter-delivery", source=topics.alerts)
    # dedupe key → the key's state (JSON): fired, window, story burst, follow-ups. Partitioned like alerter.matches.
    fired = app.Table("alerter-fired", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    # rule:entity → burst state (JSON). Partitioned like alerter.bursts.
    burst_state = app.Table("alerter-bursts", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    endpoints = EndpointStates(settings.data_dir / "alerter-endpoints.json")
    semaphores: dict[str, asyncio.Semaphore] = {}

    if cfg.rules_reload_s > 0:
        @app.timer(interval=cfg.rules_reload_s)
        async def reload_rules() -> None:
            outcome = live.check()
            if outcome is None:
                return
            RULES_RELOADS.labels(outcome).inc()
            if outcome == "reloaded":
                RULES_LOADED.set(len(live.current.rules))
                log.info("rules_reloaded", path=str(cfg.rules), rules=len(live.current.rules))
            else:
                log.error("rules_invalid_kept_old", path=str(cfg.rules), error=live.last_error)

    def policy_rule(rule_id: str) -> Rule | None:
        try:
            return live.current.rule(rule_id)
        except KeyError:
            return None

    @app.agent(tagged, name="alerter-match")
    async def match(stream: faust.StreamT) -> None:
        async for event in stream.events():
            article = await match_stage.decode(event.key, event.value, TaggedArticle)
            if article is None:
                continue
            started = time.perf_counter()
            try:
                found = live.current.evaluate(article)
            except Exception as exc:  # noqa: BLE001 - a rule bug dead-letters the article, not the worker
                await match_stage.fail(event.key, event.value, exc)
                continue
            RULE_EVALUATION_SECONDS.observe(time.perf_counter() - started)
            now = datetime.now(timezone.utc)
            for rule_match in found:
                alert = make_alert(rule_match, article, now)
                burst = rule_match.rule.policy.burst
                if burst is not None and burst.of == "entity":
                    if burst.entity and mentions(article, burst.entity):
                        await bursts.send(key=f"{rule_match.rule.id}:{burst.entity}".encode(), value=encode(alert))
                    continue
                await matches.send(key=alert.dedupe_key.encode(), value=encode(alert))
            match_stage.done(started, [article.fetched_at])

    @app.agent(bursts, name="alerter-burst")
    async def burst(stream: faust.StreamT) -> None:
        async for event in stream.events():
            alert = await burst_stage.decode(event.key, event.value, Alert)
            if alert is None:
                continue
            started = time.perf_counter()
            rule = policy_rule(alert.rule_id)
            spec = rule.policy.burst if rule is not None else None
            if spec is None or spec.of != "entity":
                continue  # the rule changed since the match: nothing to count
            key = (event.key or b"").decode("utf-8", "replace")
            state, result = observe_burst(
                orjson.loads(burst_state.get(key)) if burst_state.get(key) else None,
                now=alert.fired_at.timestamp(), item_id=alert.article_ids[0], bucket_s=spec.bucket_s, alpha=spec.alpha,
                z=spec.z, ratio=spec.ratio, min_count=spec.min_count, warmup=spec.warmup,
            )
            if result.burst:
                info = AlertBurst(key=f"entity:{spec.entity}", bucket_s=spec.bucket_s, count=result.count,
                                  baseline=result.mean, zscore=result.zscore)
                candidate = alert.model_copy(update={"burst": info, "matched": alert.matched + [
                    f"burst:{spec.entity} {result.count} articles in {spec.bucket_s:g}s vs baseline {result.mean:g} (z {result.zscore:g})"]})
                await matches.send(key=candidate.dedupe_key.encode(), value=encode(candidate))
                log.info("burst", key=key, count=result.count, baseline=result.mean, zscore=result.zscore)
            burst_state[key] = orjson.dumps(state).decode()
            burst_stage.done(started, [])

    @app.agent(matches, name="alerter-dedupe")
    async def dedupe(stream: faust.StreamT) -> None:
        async for event in stream.events():
            candidate = await dedupe_stage.decode(event.key, event.value, Alert)
            if candidate is None:
                continue
            started = time.perf_counter()
            rule = policy_rule(candidate.rule_id)
            if rule is None:
                await dedupe_stage.dead_letter(event.key, event.value, "UnknownRule",
                                               f"match {candidate.dedupe_key}: rule {candidate.rule_id!r} is not in {live.current.source}")
                continue
            policy = rule.policy
            if policy.burst is not None and policy.burst.of == "entity":
                # The burst agent already decided; here only one alert per story and follow-ups apply.
                policy = type(policy)(follow_up=policy.follow_up, cooldown_s=policy.cooldown_s, repeat_s=policy.repeat_s)
            try:
                decision = decide(load_state(fired.get(candidate.dedupe_key)), candidate, policy, candidate.fired_at)
            except Exception as exc:  # noqa: BLE001 - a bad state or a bug dead-letters the match, not the worker
                await dedupe_stage.fail(event.key, event.value, exc)
                continue
            alert = decision.alert
            if alert is None:
                fired[candidate.dedupe_key] = orjson.dumps(decision.state).decode()
                ALERTS_SUPPRESSED.labels(candidate.rule_id).inc()
                log.info("alert_suppressed", dedupe_key=candidate.dedupe_key, reason=decision.reason,
                         article_ids=candidate.article_ids)
                dedupe_stage.done(started, [])
                continue
            # Send before remembering: a crash in between re-sends an alert with the same id,
            # which receivers de-duplicate by webhook-id; the other order could lose it.
            await alerts.send(key=alert.dedupe_key.encode(), value=encode(alert))
            fired[alert.dedupe_key] = orjson.dumps(decision.state).decode()
            if alert.kind == "fired":
                ALERTS_FIRED.labels(alert.rule_id).inc()
            ALERTS_SENT.labels(alert.rule_id, alert.kind).inc()
            dedupe_stage.done(started, [])
            log.info("alert_fired", alert_id=alert.id, rule_id=alert.rule_id, story_id=alert.story_id, kind=alert.kind,
                     sequence=alert.sequence)

    async def deliver_one(session: aiohttp.ClientSession, endpoint, alert: Alert, key: bytes | None, value: bytes | None) -> None:
        sem = semaphores.setdefault(endpoint.name, asyncio.Semaphore(endpoint.concurrency))
        async with sem:
            # Checked inside the endpoint's limit, so deliveries queued behind a 410 see it.
            if endpoints.disabled(endpoint):
                WEBHOOK_DELIVERIES.labels(endpoint.name, "disabled").inc()
                await delivery_stage.dead_letter(key, value, "EndpointDisabled",
                                                 f"alert {alert.id} to endpoint {endpoint.name!r} ({endpoint.url}): endpoint disabled "
                                                 f"({endpoints.reason(endpoint)})")
                return
            result = await deliver(
                session, endpoint, alert, attempts=cfg.delivery_attempts, backoff_s=cfg.delivery_backoff_s,
                backoff_max_s=cfg.delivery_backoff_max_s, timeout_s=cfg.delivery_timeout_s,
            )
            if result.endpoint_disabled:
                endpoints.disable(endpoint, result.reason)
        WEBHOOK_ATTEMPTS.labels(endpoint.name).inc(result.attempts)
        WEBHOOK_DELIVERY_SECONDS.labels(endpoint.name).observe(result.elapsed_s)
        outcome = "delivered" if result.delivered else ("disabled" if result.endpoint_disabled else "failed")
        WEBHOOK_DELIVERIES.labels(endpoint.name, outcome).inc()
        log.info("webhook_delivery", alert_id=alert.id, endpoint=endpoint.name, outcome=outcome,
                 attempts=result.attempts, status=result.status, reason=result.reason)
        if not result.delivered:
            await delivery_stage.dead_letter(
                key, value, "EndpointDisabled" if result.endpoint_disabled else "WebhookUndeliverable",
                f"alert {alert.id} to endpoint {endpoint.name!r} ({endpoint.url}): {result.reason}",
            )

    # Several alerts in flight per worker, each endpoint capped by its own semaphore; Faust commits
    # an offset only once every message before it is done, so a crash re-delivers, never skips.
    @app.agent(alerts, name="alerter-delivery", concurrency=max(1, cfg.delivery_concurrency))
    async def delivery(stream: faust.StreamT) -> None:
        async with aiohttp.ClientSession() as session:
            async for event in stream.events():
                alert = await delivery_stage.decode(event.key, event.value, Alert)
                if alert is None:
                    continue
                started = time.perf_counter()
                rulebook = live.current
                try:
                    targets = rulebook.endpoints_for(alert.rule_id)
                except KeyError:
                    await delivery_stage.dead_letter(event.key, event.value, "UnknownRule",
                                                     f"alert {alert.id}: rule {alert.rule_id!r} is not in {rulebook.source}")
                    continue
                await asyncio.gather(*(deliver_one(session, e, alert, event.key, event.value) for e in targets))
                delivery_stage.done(started, [])
