"""The alerter service's shell, agents in a row:

``articles.tagged`` → rules → ``alerter.matches`` (keyed by rule + story) → window, burst,
one alert per key and follow-ups, state in the Faust table ``alerter-fired`` → ``alerts`` →
signed webhooks, with what cannot be delivered in ``alerts.dlq``. Entity-burst rules take a
detour through ``alerter.bursts`` (keyed by rule + entity, state in ``alerter-bursts``).
Follow-ups waiting for their cooldown are remembered in ``alerter-follow-ups``; a timer re-sends
their candidates to ``alerter.matches`` as ticks once due, so the dedupe agent, which owns the
key's partition, sends them without waiting for the story's next article.
After a merge, a match of story Y whose story X was merged into (``story_evidence.aliases``) visits
``rule:X`` first (header ``wirewatch-aliases``): decided there when that key fired, so one event
alerts once per rule, else sent on to the next earlier id and at last to ``rule:Y``, carrying what
each earlier key counted (window, story burst; header ``wirewatch-carried``) so ``rule:Y`` counts it too.
A match of a copy (``story_evidence.copy_of``) names its original (header ``wirewatch-copy-of``): a copy of an
alerted report sends no follow-up.
A burst decides only a story's first alert: a rule with follow-ups has its matches that did not burst sent on too
(header ``wirewatch-no-burst``, the reason), where they follow up on a key that fired and fire none.
Tables are written only by the agent whose input topic is keyed like the table. The headers, written and read:
``headers.py``.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone

import aiohttp
import faust
import orjson

from schemas import Alert, TaggedArticle
from services.alerter.dedupe import (
    copy_of,
    decide,
    dedupe_key,
    due_follow_ups,
    follow_up_entry,
    handed_on,
    load_state,
    make_alert,
    routed,
    story_aliases,
)
from services.alerter.endpoints import EndpointStates
from services.alerter.headers import (
    aliases_headers,
    carried_headers,
    copy_headers,
    header_aliases,
    header_carried,
    header_copy_of,
    header_no_burst,
    header_tick,
    no_burst_headers,
    tick_headers,
)
from services.alerter.live import LiveRulebook
from services.alerter.metrics import (
    ALERTS_ROUTED,
    ALERTS_SENT,
    ENDPOINTS_DISABLED,
    RULE_EVALUATION_SECONDS,
    RULES_RELOADS,
    show_rulebook,
)
from services.alerter.replay import ENDPOINT_DISABLED, UNDELIVERABLE
from services.alerter.rules import Rule
from services.alerter.simulate import entity_burst, mentions
from services.alerter.webhooks import deliver
from services.alerter.window import observe_burst
from services.runtime.codec import encode
from services.runtime.errors import DECODE_ERROR_CLASSES
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
    cfg = settings.alerter
    live = LiveRulebook(cfg.rules)
    endpoints = EndpointStates(settings.data_dir / "alerter-endpoints.json")
    show_rulebook(live.current, endpoints.disabled)
    log.info("rules_loaded", path=str(cfg.rules), rules=len(live.current.rules))
    for warning in live.current.warnings:
        log.warning("rule_warning", path=str(cfg.rules), warning=warning)

    tagged = raw_topic(app, topics.tagged, settings)
    matches = raw_topic(app, topics.matches, settings)
    bursts = raw_topic(app, cfg.bursts_topic, settings)
    alerts = raw_topic(app, topics.alerts, settings)
    match_stage = Stage(app, settings, name="alerter", source=topics.tagged)
    burst_stage = Stage(app, settings, name="alerter-burst", source=cfg.bursts_topic)
    dedupe_stage = Stage(app, settings, name="alerter-dedupe", source=topics.matches,
                         error_classes=(*DECODE_ERROR_CLASSES, "UnknownRule"))
    delivery_stage = Stage(app, settings, name="alerter-delivery", source=topics.alerts,
                           error_classes=(*DECODE_ERROR_CLASSES, UNDELIVERABLE, ENDPOINT_DISABLED))
    # dedupe key → the key's state (JSON): fired, window, story burst, follow-ups. Partitioned like alerter.matches.
    fired = app.Table("alerter-fired", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    # rule:entity → burst state (JSON). Partitioned like alerter.bursts.
    burst_state = app.Table("alerter-bursts", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    # dedupe key → {"due", "candidate"} (JSON) while a follow-up waits for its cooldown. Partitioned like alerter.matches.
    follow_ups = app.Table("alerter-follow-ups", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    semaphores: dict[str, asyncio.Semaphore] = {}

    if cfg.rules_reload_s > 0:
        @app.timer(interval=cfg.rules_reload_s)
        async def reload_rules() -> None:
            outcome = live.check()
            if outcome is None:
                return
            RULES_RELOADS.labels(outcome).inc()
            if outcome == "reloaded":
                show_rulebook(live.current, endpoints.disabled)
                log.info("rules_reloaded", path=str(cfg.rules), rules=len(live.current.rules))
                for warning in live.current.warnings:
                    log.warning("rule_warning", path=str(cfg.rules), warning=warning)
            else:
                log.error("rules_invalid_kept_old", path=str(cfg.rules), error=live.last_error)

    def policy_rule(rule_id: str) -> Rule | None:
        try:
            return live.current.rule(rule_id)
        except KeyError:
            return None

    if cfg.follow_up_flush_s > 0:
        ticked: dict[str, tuple[float, float]] = {}  # key → (due, when its tick was sent): one tick per due time
        resend_after_s = max(10.0, 5 * cfg.follow_up_flush_s)

        @app.timer(interval=cfg.follow_up_flush_s)
        async def flush_follow_ups() -> None:
            now = time.time()
            entries: dict[str, dict] = {}
            for key, value in list(follow_ups.items()):
                try:
                    entries[key] = orjson.loads(value)
                except (orjson.JSONDecodeError, TypeError):
                    continue
            for key, tick in due_follow_ups(entries.items(), now):
                rule = policy_rule(tick.rule_id)
                if rule is None or not rule.policy.follow_up:
                    continue  # the rule went or stopped asking follow-ups: the key's next match clears the entry
                due = float(entries[key]["due"])
                last = ticked.get(key)
                if last is not None and last[0] == due and now - last[1] < resend_after_s:
                    continue  # sent; its tick is on the way (re-sent if it got lost in a rebalance)
                try:
                    await matches.send(key=key.encode(), value=encode(tick), headers=tick_headers())
                except Exception as exc:  # noqa: BLE001 - a failed tick is retried next round; the timer must live on
                    log.warning("follow_up_tick_failed", dedupe_key=key, error=f"{type(exc).__name__}: {exc}")
                    continue
                ticked[key] = (due, now)
            for key in [k for k in ticked if k not in follow_ups]:
                del ticked[key]

    @app.agent(tagged, name="alerter-match")
    async def match(stream: faust.StreamT) -> None:
        async for event, article in match_stage.decoded(stream, TaggedArticle):
            started = time.perf_counter()
            try:
                found = live.current.evaluate(article)
            except Exception as exc:  # noqa: BLE001 - a rule bug dead-letters the article, not the worker
                await match_stage.fail(event.key, event.value, exc)
                continue
            RULE_EVALUATION_SECONDS.observe(time.perf_counter() - started)
            now = datetime.now(timezone.utc)
            aliases = story_aliases(article)
            copy = copy_headers(copy_of(article))
            for rule_match in found:
                alert = make_alert(rule_match, article, now)
                burst = rule_match.rule.policy.burst
                if burst is not None and burst.of == "entity":
                    if burst.entity and mentions(article, burst.entity_match or burst.entity):
                        headers = {**copy, **aliases_headers(aliases)}
                        await bursts.send(key=burst.state_keys(rule_match.rule.id)[0].encode(), value=encode(alert),
                                          headers=headers or None)
                    continue
                await send_match(alert, aliases, copy)
            match_stage.done(started, [article.fetched_at])

    async def send_match(candidate: Alert, aliases: list[str], headers: dict | None = None) -> None:
        """To ``alerter.matches``: keyed by the candidate's own key, or, for a story that earlier ids were merged into,
        by the first of them, with the rest in a header (the dedupe agent visits each in turn)."""
        if aliases:
            await matches.send(key=dedupe_key(candidate.rule_id, aliases[0]).encode(), value=encode(candidate),
                               headers={**(headers or {}), **aliases_headers(aliases)})
        else:
            await matches.send(key=candidate.dedupe_key.encode(), value=encode(candidate), headers=headers or None)

    @app.agent(bursts, name="alerter-burst")
    async def burst(stream: faust.StreamT) -> None:
        async for event, alert in burst_stage.decoded(stream, Alert):
            started = time.perf_counter()
            rule = policy_rule(alert.rule_id)
            spec = rule.policy.burst if rule is not None else None
            if spec is None or spec.of != "entity":
                continue  # the rule changed since the match: nothing to count
            key = (event.key or b"").decode("utf-8", "replace")
            # Before the key was the entity's: the baseline under the name as written, until the new key has one.
            stored = next((v for v in (burst_state.get(k) for k in (key, *spec.state_keys(rule.id)[1:])) if v), None)
            state, result = observe_burst(
                orjson.loads(stored) if stored else None,
                now=alert.fired_at.timestamp(), item_id=alert.article_ids[0], bucket_s=spec.bucket_s, alpha=spec.alpha,
                z=spec.z, ratio=spec.ratio, min_count=spec.min_count, warmup=spec.warmup,
            )
            no_burst = None if result.burst else (f"no burst of {spec.entity} ({result.count} in this {spec.bucket_s:g} s "
                                                  f"bucket, baseline {result.mean:g}: {result.short})")
            if no_burst is not None and not rule.policy.follow_up:
                # A match that made no alert, as a story burst or a window not yet met is counted in the dedupe agent.
                ALERTS_SUPPRESSED.labels(alert.rule_id).inc()
                log.info("alert_suppressed", dedupe_key=alert.dedupe_key, reason=no_burst, article_id=alert.article_ids[0])
            else:
                # Not bursting, a match may still be a later report of a story the rule alerted: the dedupe agent, which
                # owns the story's key, sends its follow-up, or suppresses (and counts) it with this reason.
                candidate = alert if no_burst is not None else alert.model_copy(update={
                    "burst": entity_burst(spec, result), "matched": alert.matched + [
                        f"burst:{spec.key} {result.count} articles in {spec.bucket_s:g}s vs baseline {result.mean:g} (z {result.zscore:g})"]})
                try:
                    aliases = header_aliases(event.headers)
                except ValueError as exc:
                    await burst_stage.fail(event.key, event.value, exc)
                    continue
                await send_match(candidate, aliases, {**copy_headers(header_copy_of(event.headers)),
                                                      **no_burst_headers(no_burst)})
                if no_burst is None:
                    log.info("burst", key=key, count=result.count, baseline=result.mean, zscore=result.zscore)
            burst_state[key] = orjson.dumps(state).decode()
            burst_stage.done(started, [None])  # a match counts, with no end-to-end time

    def remember_follow_up(candidate: Alert, state: dict, policy) -> None:
        """Keep ``alerter-follow-ups`` in step with the key's state: an entry while a follow-up waits, none after."""
        key = candidate.dedupe_key
        previous = follow_ups.get(key)
        entry = follow_up_entry(orjson.loads(previous) if previous else None, state, candidate, policy)
        if entry is not None:
            follow_ups[key] = orjson.dumps(entry).decode()
        elif previous is not None:
            del follow_ups[key]

    @app.agent(matches, name="alerter-dedupe")
    async def dedupe(stream: faust.StreamT) -> None:
        async for event, candidate in dedupe_stage.decoded(stream, Alert):
            headers = event.headers or {}
            is_tick = header_tick(headers)
            started = time.perf_counter()
            try:
                aliases = header_aliases(headers)
                carried = header_carried(headers)
                no_burst = header_no_burst(headers)
            except ValueError as exc:
                await dedupe_stage.fail(event.key, event.value, exc)
                continue
            was_routed = False
            if aliases:
                # Keyed by an earlier id of the story: decided here if that key fired, else on to the next key
                # with what this key counted.
                state = fired.get(dedupe_key(candidate.rule_id, aliases[0]))
                if load_state(state).get("fired_at"):
                    candidate = routed(candidate, aliases[0])
                    was_routed = True
                else:
                    if (handed := handed_on(aliases[0], state)) is not None:
                        carried.append(handed)
                    await send_match(candidate, aliases[1:], headers={
                        **copy_headers(header_copy_of(headers)), **no_burst_headers(no_burst), **carried_headers(carried)})
                    continue
            rule = policy_rule(candidate.rule_id)
            if rule is None:
                await dedupe_stage.dead_letter(event.key, event.value, "UnknownRule",
                                               f"match {candidate.dedupe_key}: rule {candidate.rule_id!r} is not in {live.current.source}")
                continue
            if was_routed:  # counted once the rule is known to be in use: a deleted rule's series is not made again
                ALERTS_ROUTED.labels(candidate.rule_id).inc()
            policy = rule.policy
            if policy.burst is not None and policy.burst.of == "entity":
                # The burst agent already decided; here only one alert per story and follow-ups apply.
                policy = type(policy)(follow_up=policy.follow_up, cooldown_s=policy.cooldown_s, repeat_s=policy.repeat_s)
            try:
                state = load_state(fired.get(candidate.dedupe_key))
                decision = decide(state, candidate, policy, candidate.fired_at, carried, header_copy_of(headers), no_burst)
            except Exception as exc:  # noqa: BLE001 - a bad state or a bug dead-letters the match, not the worker
                await dedupe_stage.fail(event.key, event.value, exc)
                continue
            alert = decision.alert
            if alert is None:
                if decision.state != state:  # a match that did not burst leaves a key that never fired unwritten
                    fired[candidate.dedupe_key] = orjson.dumps(decision.state).decode()
                remember_follow_up(candidate, decision.state, policy)
                if is_tick:
                    log.debug("follow_up_tick_idle", dedupe_key=candidate.dedupe_key, reason=decision.reason)
                    continue
                ALERTS_SUPPRESSED.labels(candidate.rule_id).inc()
                log.info("alert_suppressed", dedupe_key=candidate.dedupe_key, reason=decision.reason,
                         article_ids=candidate.article_ids)
                dedupe_stage.done(started, [None])
                continue
            # Send before remembering: a crash in between re-sends an alert with the same id,
            # which receivers de-duplicate by webhook-id; the other order could lose it.
            await alerts.send(key=alert.dedupe_key.encode(), value=encode(alert))
            fired[alert.dedupe_key] = orjson.dumps(decision.state).decode()
            remember_follow_up(candidate, decision.state, policy)
            if alert.kind == "fired":
                ALERTS_FIRED.labels(alert.rule_id).inc()
            ALERTS_SENT.labels(alert.rule_id, alert.kind).inc()
            dedupe_stage.done(started, [None])
            log.info("alert_fired", alert_id=alert.id, rule_id=alert.rule_id, story_id=alert.story_id, kind=alert.kind,
                     sequence=alert.sequence)

    def in_use(endpoint) -> bool:
        """Whether the rules file in use has the endpoint: one it dropped while a delivery ran is counted under no series
        (show_rulebook removed them, and a count would make them again, never to be removed)."""
        return endpoint.name in live.current.webhooks

    async def deliver_one(session: aiohttp.ClientSession, endpoint, alert: Alert, value: bytes | None) -> None:
        sem = semaphores.setdefault(endpoint.name, asyncio.Semaphore(endpoint.concurrency))
        async with sem:
            # Checked inside the endpoint's limit, so deliveries queued behind a 410 see it.
            if endpoints.disabled(endpoint):
                if in_use(endpoint):
                    WEBHOOK_DELIVERIES.labels(endpoint.name, "disabled").inc()
                # Keyed by the endpoint's name: what `wirewatch alerts replay` reads (see replay.py).
                await delivery_stage.dead_letter(endpoint.name.encode(), value, ENDPOINT_DISABLED,
                                                 f"alert {alert.id} to endpoint {endpoint.name!r} ({endpoint.shown_url}): endpoint disabled "
                                                 f"({endpoints.reason(endpoint)})")
                return
            result = await deliver(
                session, endpoint, alert, attempts=cfg.delivery_attempts, backoff_s=cfg.delivery_backoff_s,
                backoff_max_s=cfg.delivery_backoff_max_s, timeout_s=cfg.delivery_timeout_s,
            )
            if result.endpoint_disabled:
                endpoints.disable(endpoint, result.reason)
        outcome = "delivered" if result.delivered else ("disabled" if result.endpoint_disabled else "failed")
        if in_use(endpoint):
            # As the file gives the endpoint now: a 410 of an old URL, changed while this ran, does not disable the new.
            ENDPOINTS_DISABLED.labels(endpoint.name).set(int(endpoints.disabled(live.current.webhooks[endpoint.name])))
            WEBHOOK_ATTEMPTS.labels(endpoint.name).inc(result.attempts)
            WEBHOOK_DELIVERY_SECONDS.labels(endpoint.name).observe(result.elapsed_s)
            WEBHOOK_DELIVERIES.labels(endpoint.name, outcome).inc()
        log.info("webhook_delivery", alert_id=alert.id, endpoint=endpoint.name, outcome=outcome,
                 attempts=result.attempts, status=result.status, reason=result.reason)
        if not result.delivered:
            await delivery_stage.dead_letter(
                endpoint.name.encode(), value, ENDPOINT_DISABLED if result.endpoint_disabled else UNDELIVERABLE,
                f"alert {alert.id} to endpoint {endpoint.name!r} ({endpoint.shown_url}): {result.reason}",
            )

    # Several alerts in flight per worker, each endpoint capped by its own semaphore. The consumer commits an
    # offset only once every message before it is done, and a restarted worker reads `alerts` again from there (or
    # from the start when nothing was committed): a crash re-delivers, never skips. Both are services/runtime/
    # transport.py's doing, not Faust's: Faust committed past an alert still in retry once a later one was delivered.
    @app.agent(alerts, name="alerter-delivery", concurrency=max(1, cfg.delivery_concurrency))
    async def delivery(stream: faust.StreamT) -> None:
        async with aiohttp.ClientSession() as session:
            async for event, alert in delivery_stage.decoded(stream, Alert):
                started = time.perf_counter()
                rulebook = live.current
                try:
                    targets = rulebook.endpoints_for(alert.rule_id)
                except KeyError:
                    await delivery_stage.dead_letter(event.key, event.value, "UnknownRule",
                                                     f"alert {alert.id}: rule {alert.rule_id!r} is not in {rulebook.source}")
                    continue
                await asyncio.gather(*(deliver_one(session, e, alert, event.value) for e in targets))
                delivery_stage.done(started, [None])  # an alert counts, with no end-to-end time
