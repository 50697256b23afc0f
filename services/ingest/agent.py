"""The ingest service's shell: ``POST /ingest``, feed polling, WebSub pushes, and de-duplication onto ``articles.raw``.

Polled and pushed feed entries go to ``ingest.entries`` keyed by article id; the
dedupe agent consumes that topic and owns the seen-state table (article id →
fingerprint and revision), so table and stream are partitioned alike and a
restart recovers the state from the table's changelog instead of re-emitting.
Each poll's resulting feed state goes to ``ingest.polls`` keyed by feed id; the
poll-state agent consumes it and owns the ``ingest-feeds`` table, from which a
restarted worker (or the next holder of the partition) resumes polling.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections import OrderedDict
from collections.abc import Collection
from datetime import UTC, datetime
from functools import partial

import faust
import orjson
from aiohttp.web import HTTPRequestEntityTooLarge
from faust.types import TP
from faust.web import Request, Response, View

from services.ingest.dead_letters import STAGE
from services.ingest.entries import PolledEntry
from services.ingest.feeds import FeedConfig
from services.ingest.fetcher import Fetcher
from services.ingest.fulltext import with_full_text
from services.ingest.identity import Seen, decide
from services.ingest.metrics import (
    FEED_ITEMS,
    FEED_REJECTED_REPEATS,
    INGEST_REFUSED,
    INPUTS_WITHOUT_ARTICLES,
    WEBSUB_PUSHES,
)
from services.ingest.parser import FeedEntry, parse_configured
from services.ingest.poller import Poller, PollResult
from services.ingest.polling import FeedState
from services.ingest.pollstate import (
    StoredPollState,
    feed_partition,
    restored,
    to_stored,
)
from services.ingest.publish import PublishReport, publish
from services.ingest.readers import RecordError, json_records
from services.ingest.rejections import letter_key, sort_rejections
from services.ingest.verdicts import explain
from services.ingest.websub import signature_ok, verify_intent
from services.runtime.codec import encode
from services.runtime.logs import get_logger
from services.runtime.metrics import ARTICLES_INGESTED
from services.runtime.settings import Settings, dlq
from services.runtime.stage import Stage, raw_topic

__all__ = ["register"]

log = get_logger("wirewatch.ingest")


def register(app: faust.App, settings: Settings) -> None:
    cfg = settings.ingest
    topics = {name: raw_topic(app, name, settings) for name in (settings.topics.raw, dlq(settings.topics.raw))}
    entries = raw_topic(app, cfg.entries_topic, settings)
    # Bad entries and poll states go to articles.raw.dlq, where users look for ingest's rejects; each letter names the
    # topic it was read from, where `dead-letters --resend` sends it back (services/ingest/dead_letters.py).
    stage = Stage(app, settings, name=STAGE, source=cfg.entries_topic, dead_letters_of=settings.topics.raw)
    # article id → {"fingerprint", "revision"} (JSON). Partitioned like ingest.entries (keyed by article id).
    seen = app.Table("ingest-seen", default=None, partitions=settings.partitions, key_type=str, value_type=str)
    # feed id → StoredPollState (JSON), written only by the agent reading ingest.polls, where each poll's state is sent
    # to partition feed_partition(feed id): the worker holding that partition polls the feed and holds its state.
    polls = raw_topic(app, cfg.polls_topic, settings)
    poll_stage = Stage(app, settings, name=STAGE, source=cfg.polls_topic, dead_letters_of=settings.topics.raw)
    feed_states = app.Table("ingest-feeds", default=None, partitions=settings.partitions, key_type=str, value_type=str)

    async def send(topic: str, key: bytes | None, value: bytes) -> None:
        await topics[topic].send(key=key, value=value)

    def owns(feed_id: str) -> bool | None:
        # With several ingest workers, a feed is polled by the one holding "its" partition of ingest.polls, and only
        # once the table is recovered: polling before that would forget the stored ETag, failures and a 410. None while
        # that is not known (a rebalance, tables recovering): nothing is polled, and nothing let go yet.
        try:
            if app.rebalancing or app.in_recovery or not app.tables.recovery.completed.is_set():
                return None
            return TP(cfg.polls_topic, feed_partition(feed_id, settings.partitions)) in app.assignor.assigned_actives()
        except Exception:  # noqa: BLE001 - no assignment yet: poll nothing rather than everything twice
            return None

    def restore(feed: FeedConfig) -> FeedState | None:
        stored = feed_states.get(feed.id)
        return restored(StoredPollState.model_validate_json(stored) if stored else None, feed.url)

    # article id → fingerprint of the entry this worker last sent to ingest.entries. A feed repeats its entries at
    # every poll; an unchanged one is not sent again (the ingest-seen table would drop it anyway). Lost on restart,
    # so the first poll after one re-sends everything and the table decides, as it always does.
    sent: OrderedDict[str, str] = OrderedDict()

    async def emit_entries(feed_id: str, records: list[FeedEntry | RecordError], full_text: bool,
                           repeats: Collection[RecordError] = ()) -> None:
        bad = []
        for record in records:
            if isinstance(record, RecordError):
                if record not in repeats:  # one letter per revision of a rejected entry, not one per poll
                    bad.append(record)
                FEED_ITEMS.labels(feed_id, "invalid").inc()
                continue
            article = record.article
            if article.fingerprint is not None and sent.get(article.id) == article.fingerprint:
                sent.move_to_end(article.id)
                FEED_ITEMS.labels(feed_id, "duplicate").inc()
                continue
            message = PolledEntry(article=article, summary_only=record.summary_only, full_text=full_text)
            await entries.send(key=article.id.encode(), value=message.model_dump_json().encode())
            if article.fingerprint is not None:
                sent[article.id] = article.fingerprint
                sent.move_to_end(article.id)
                while len(sent) > cfg.sent_cache_size:
                    sent.popitem(last=False)
        if bad:
            await publish(send, settings, bad, channel=f"feed:{feed_id}", letter_key=partial(letter_key, feed_id))

    def wants_full_text(feed_id: str) -> bool:
        feed = poller.feeds.by_id().get(feed_id) if poller.feeds else None
        mode = (feed.full_text if feed else None) or (poller.feeds.defaults.full_text if poller.feeds else "auto")
        return cfg.full_text and mode != "never"

    async def sink(result: PollResult) -> None:
        if result.nothing is not None:
            INPUTS_WITHOUT_ARTICLES.labels("feed", result.nothing.reason).inc()
            log.info("feed_without_articles", feed=result.feed.id, reason=result.nothing.reason, why=result.nothing.detail)
        if result.status == 200:
            FEED_REJECTED_REPEATS.labels(result.feed.id).inc(len(result.repeats))  # the series from the first poll on
        await emit_entries(result.feed.id, result.records, wants_full_text(result.feed.id), set(result.repeats))
        # After the entries and letters: a crash in between re-fetches them (no new ETag stored) and letters the rejected
        # again (their keys are in this state; the letters' keys tell the repeats), never skips them.
        record = to_stored(result.state, result.feed.url)
        await polls.send(key=result.feed.id.encode(), value=record.model_dump_json().encode(),
                         partition=feed_partition(result.feed.id, settings.partitions))

    # A paginated feed is read back to the page holding an entry this worker passed on (after a restart, `sent` is
    # empty: up to max_pages pages, and the ingest-seen table drops what was emitted before).
    poller = Poller(cfg, sink, owns=owns, restore=restore, seen=lambda article_id: article_id in sent)

    @app.agent(polls, name="ingest-poll-state")
    async def keep_poll_state(stream: faust.StreamT) -> None:
        async for event, record in poll_stage.decoded(stream, StoredPollState):
            try:
                feed_states[record.feed_id] = event.value.decode()
                state = restored(record, record.config_url)
                if state is not None:
                    poller.observe(state, record.config_url)
            except Exception as exc:  # noqa: BLE001 - one bad record is a dead letter, not a stopped agent
                await poll_stage.fail(event.key, event.value, exc)

    if cfg.feeds_file is not None:
        @app.task
        async def poll_feeds() -> None:
            # Runs until the worker stops (Faust cancels its tasks).
            await poller.run(cfg.feeds_file)

    @app.agent(entries, name="ingest-dedupe")
    async def dedupe(stream: faust.StreamT) -> None:
        async with Fetcher(cfg) as fetcher:
            async for event in stream.events():
                if not stage.reads(event):  # as every stage: a resend for another is left, one for ingest logged
                    continue
                started = time.perf_counter()
                # Decoded as every stage decodes: bytes that are no JSON are InvalidJSON, a wrong shape SchemaViolation.
                entry = await stage.decode(event.key, event.value, PolledEntry)
                if entry is None:
                    continue
                article = entry.article
                feed = article.feed_id or article.source
                try:
                    stored = seen.get(article.id)
                    previous = Seen(**orjson.loads(stored)) if stored else None
                    decision = decide(article, previous)
                except Exception as exc:  # noqa: BLE001 - a bad stored state dead-letters the entry, not the worker
                    await stage.fail(event.key, event.value, exc)
                    continue
                FEED_ITEMS.labels(feed, decision.kind).inc()
                if not decision.emit:
                    continue
                out = decision.article
                if entry.full_text and entry.summary_only:
                    out, why = await with_full_text(out, fetcher, label=f'feed "{feed}"', max_bytes=cfg.max_page_bytes)
                    if why:
                        log.info("full_text_kept_summary", article_id=out.id, feed=feed, reason=why[:300])
                # Send before remembering: a crash in between re-sends the same id and revision, never loses it.
                await topics[settings.topics.raw].send(key=out.id.encode(), value=encode(out))
                seen[out.id] = orjson.dumps({"fingerprint": decision.seen.fingerprint, "revision": decision.seen.revision}).decode()
                ARTICLES_INGESTED.labels("feed").inc()
                stage.done(started, [out.fetched_at])
                log.info("feed_entry_emitted", article_id=out.id, feed=feed, kind=decision.kind, revision=out.revision)

    @app.page("/feeds")
    class FeedsStatus(View):
        async def get(self, request: Request) -> Response:
            return self.json({"feeds_file": str(cfg.feeds_file) if cfg.feeds_file else None, "feeds": poller.status()})

    @app.page("/websub/{feed_id}")
    class WebSub(View):
        async def get(self, request: Request, feed_id: str) -> Response:
            feed = poller.feeds.by_id().get(feed_id) if poller.feeds else None
            state = poller.states.get(feed_id)
            known = {u for u in (feed.url if feed else None, state.url if state else None) if u}
            status, body = verify_intent(dict(request.query), feed, topics=known)
            log.info("websub_verification", feed=feed_id, mode=request.query.get("hub.mode"), status=status)
            return self.text(body, status=status)

        async def post(self, request: Request, feed_id: str) -> Response:
            feed = poller.feeds.by_id().get(feed_id) if poller.feeds else None
            if feed is None:
                return self.json({"error": f'feed "{feed_id}" is not configured'}, status=404)
            body = await request.content.read(cfg.max_feed_bytes + 1)
            if len(body) > cfg.max_feed_bytes:
                WEBSUB_PUSHES.labels(feed_id, "too_large").inc()
                return self.json({"error": f"body exceeds {cfg.max_feed_bytes} bytes"}, status=413)
            if not signature_ok(feed.websub_secret, body, request.headers.get("X-Hub-Signature")):
                # WebSub §8: ignore a message whose signature does not match, but still answer 2xx.
                log.warning("websub_bad_signature", feed=feed_id, signed=request.headers.get("X-Hub-Signature") is not None)
                WEBSUB_PUSHES.labels(feed_id, "bad_signature").inc()
                return self.json({"accepted": 0, "ignored": "X-Hub-Signature does not match"}, status=202)
            parsed = parse_configured(feed, body, url=feed.url, http_content_type=request.headers.get("Content-Type"),
                                      now=datetime.now(UTC))
            # A bad entry the feed's last poll rejected as it is was dead-lettered then; a push does not letter it again.
            state = poller.states.get(feed_id)
            repeats = sort_rejections(parsed.errors, state.rejected if state else ()).repeats
            await emit_entries(feed.id, parsed.records, wants_full_text(feed.id), set(repeats))
            if parsed.nothing is not None:
                INPUTS_WITHOUT_ARTICLES.labels("websub", parsed.nothing.reason).inc()
                log.info("websub_without_articles", feed=feed_id, reason=parsed.nothing.reason, why=parsed.nothing.detail)
            WEBSUB_PUSHES.labels(feed_id, "accepted").inc()
            log.info("websub_push", feed=feed_id, entries=len(parsed.entries), problems=parsed.problems[:3])
            answer = {"accepted": len(parsed.entries), "rejected": [e.reason for e in parsed.errors]}
            if parsed.nothing is not None:
                answer["nothing"] = parsed.nothing.as_json()
            return self.json(answer, status=202)

    in_flight = [0]  # POST /ingest requests being handled now

    @app.page("/ingest")
    class Ingest(View):
        async def post(self, request: Request) -> Response:
            if in_flight[0] >= cfg.max_in_flight:
                # Overloaded: say so and when to come back, rather than queue without bound.
                INGEST_REFUSED.labels("busy").inc()
                return self.json({"error": f"busy: {in_flight[0]} requests in flight (WIREWATCH_INGEST__MAX_IN_FLIGHT)"},
                                 status=429, headers={"Retry-After": "1"})
            in_flight[0] += 1
            try:
                return await self.handle(request)
            finally:
                in_flight[0] -= 1

        async def handle(self, request: Request) -> Response:
            token = cfg.token.get_secret_value() if cfg.token else None
            if token:
                given = request.headers.get("Authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                    return self.json({"error": "missing or wrong bearer token"}, status=401)
            length = request.content_length
            if length is not None and length > cfg.max_body_bytes:
                return self.json({"error": f"body of {length} bytes exceeds {cfg.max_body_bytes}"}, status=413)
            try:
                body = await request.read()
            except HTTPRequestEntityTooLarge:  # a chunked body, with no length to refuse it by before reading
                body = None
            if body is None or len(body) > cfg.max_body_bytes:
                return self.json({"error": f"body exceeds {cfg.max_body_bytes} bytes"}, status=413)
            now = datetime.now(UTC)
            records = list(json_records(body, where="POST /ingest", fallback="http", now=now,
                                        future_fetched_at_tolerance_s=cfg.future_fetched_at_tolerance_s))
            nothing = explain("POST /ingest", body, records, kind="body")
            pending: list = []

            async def send_acknowledged(topic: str, key: bytes | None, value: bytes) -> None:
                pending.append(await topics[topic].send(key=key, value=value))

            async def publish_acknowledged() -> PublishReport:
                report = await publish(send_acknowledged, settings, records + ([nothing] if nothing else []), channel="http")
                await asyncio.gather(*pending)  # "accepted" means the broker has it (acks=all), not a buffer
                return report

            try:
                # A broker that is down or starting would hold the client without end (the producer waits for it).
                report = await asyncio.wait_for(publish_acknowledged(), cfg.ack_timeout_s)
            except Exception as exc:  # noqa: BLE001 - the client may send again: ids make that harmless
                timed_out = isinstance(exc, TimeoutError)
                why = (f"the broker did not acknowledge within {cfg.ack_timeout_s:g} s (WIREWATCH_INGEST__ACK_TIMEOUT_S)"
                       if timed_out else type(exc).__name__)  # the detail (hosts, credentials' errors) stays in the log
                log.error("ingest_http_not_delivered", error=why if timed_out else f"{type(exc).__name__}: {exc}"[:300])
                INGEST_REFUSED.labels("not_delivered").inc()
                return self.json({"error": f"not delivered to the broker: {why}"}, status=503, headers={"Retry-After": "5"})
            log.info("ingest_http", accepted=len(report.accepted), rejected=len(report.rejected),
                     **({"nothing": nothing.reason, "why": nothing.detail} if nothing else {}),
                     **({"ignored_fields": list(report.ignored[0].fields)} if report.ignored else {}))
            answer = {
                "accepted": report.accepted,
                "rejected": [{"where": r.where, "error": r.error_class, "reason": r.reason} for r in report.rejected],
            }
            if nothing is not None:
                answer["nothing"] = nothing.as_json()  # why the body gave no article
            if report.ignored:
                answer["ignored"] = report.ignored[0].as_json()  # fields not read as article fields
            if report.notes:
                answer["notes"] = [note.text for note in report.notes]  # what was read otherwise than it said
            return self.json(answer, status=400 if report.failed else 202)


