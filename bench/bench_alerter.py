"""Alerter figures: rules evaluated per second with 1,000 rules; webhook delivery throughput, latency, and past a hang.

Run: .venv/bin/python bench/bench_alerter.py
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from schemas import Alert, Entity, TaggedArticle  # noqa: E402
from services.alerter.rules import load_rulebook  # noqa: E402
from services.alerter.webhooks import WebhookEndpoint, deliver  # noqa: E402

QIDS = [f"Q{n}" for n in range(100, 400)]
WORDS = "sanctions ceasefire election summit strike flood border talks minister deal missile tariff".split()


def rulebook(n: int, words: list[str] = WORDS):
    rng = random.Random(1)
    lines = ["rules:"]
    for i in range(n):
        kind = i % 4
        a, b = rng.sample(QIDS, 2)
        w1, w2 = rng.sample(words, 2)
        if kind == 0:
            lines.append(f"  - {{id: r{i}, query: 'entity:{a} AND entity:{b} AND NOT source:blog*'}}")
        elif kind == 1:
            lines.append(f"  - {{id: r{i}, when: {{all: [{{entity: {{id: {a}, in: [title, lead]}}}}, {{keyword: [{w1}, {w2}]}}]}}}}")
        elif kind == 2:
            lines.append(f"  - {{id: r{i}, when: {{near: {{terms: [{w1}, {w2}], within: 8}}, language: [en, es]}}}}")
        else:
            lines.append(f"  - {{id: r{i}, query: '(entity:{a} OR entity:{b}) \"{w1} {w2}\"~5'}}")
    return load_rulebook("\n".join(lines) + "\n", env={})


def articles(n: int, words: list[str] = WORDS):
    rng = random.Random(2)
    out = []
    for i in range(n):
        qids = rng.sample(QIDS, 8)
        title = " ".join(rng.sample(words, 5))
        body = " ".join(rng.choice(words + ["the", "a", "of", "and", "said"]) for _ in range(400))
        ents = [Entity(text=q, type="ORG", field=rng.choice(["title", "body"]), start=rng.randrange(0, 300), end=0,
                       canonical_id=q, canonical_name=q) for q in qids for _ in range(2)]
        out.append(TaggedArticle(id=f"a{i}", source="wire", fetched_at=datetime.now(timezone.utc), language="en",
                                 language_confidence=1, original_title=title, original_body=body, title=title, body=body,
                                 entities=ents, story_id=f"s{i}"))
    return out


def evaluations(n_rules: int, n_articles: int, rule_words: list[str] = WORDS,
                article_words: list[str] = WORDS) -> tuple[float, int]:
    """(seconds, matches) for ``n_rules`` rules on ``rule_words`` over ``n_articles`` articles of ``article_words``."""
    book = rulebook(n_rules, rule_words)
    arts = articles(n_articles, article_words)
    started = time.perf_counter()
    matched = sum(len(book.evaluate(a)) for a in arts)
    return time.perf_counter() - started, matched


def bench_rules(n_rules: int = 1000, n_articles: int = 200) -> None:
    elapsed, matched = evaluations(n_rules, n_articles)
    print(f"rules: {n_rules} rules x {n_articles} articles (400 words) in {elapsed:.2f} s: "
          f"{n_rules * n_articles / elapsed:,.0f} rule evaluations/s, {n_articles / elapsed:,.1f} articles/s, {matched} matches")
    # Names typed in plain letters, written with their diacritics in the articles: each text is also looked at without them.
    elapsed, matched = evaluations(n_rules, n_articles, [*WORDS, "Sao", "Zurich", "Erdogan"], [*WORDS, "São", "Zürich", "Erdoğan"])
    print(f"rules typed without diacritics, articles with them (São, Zürich, Erdoğan): {n_rules * n_articles / elapsed:,.0f} "
          f"rule evaluations/s, {matched} matches")
    # Words typed in American spellings, written in British ones in the articles: each word also matches its other spelling.
    elapsed, matched = evaluations(n_rules, n_articles, [*WORDS, "defense", "program", "center"],
                                   [*WORDS, "defence", "programme", "centre"])
    print(f"rules typed in American spellings, articles in British ones (defence, programme, centre): "
          f"{n_rules * n_articles / elapsed:,.0f} rule evaluations/s, {matched} matches")


async def bench_delivery(n: int = 2000, concurrency: int = 16) -> None:
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()

    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    endpoint = WebhookEndpoint(name="bench", url=f"http://127.0.0.1:{port}/hook", secrets=(secret,))
    alert = Alert(id="alrt_bench", rule_id="r", story_id="s", article_ids=["a"], dedupe_key="r:s",
                  fired_at=datetime.now(timezone.utc), summary="r: bench", matched=["entity:Q1"])
    sem = asyncio.Semaphore(concurrency)

    latencies: list[float] = []

    async def one(session):
        async with sem:
            t0 = time.perf_counter()
            r = await deliver(session, endpoint, alert, attempts=1, backoff_s=0.1, backoff_max_s=1, timeout_s=5)
            latencies.append(time.perf_counter() - t0)
            return r.delivered

    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        results = await asyncio.gather(*(one(session) for _ in range(n)))
        elapsed = time.perf_counter() - started
    await runner.cleanup()
    latencies.sort()
    print(f"delivery: {sum(results)}/{n} signed webhooks to a loopback aiohttp receiver, {concurrency} in flight, "
          f"in {elapsed:.2f} s: {n / elapsed:,.0f} deliveries/s, one delivery p50 {_ms(latencies, 0.5)} ms, "
          f"p99 {_ms(latencies, 0.99)} ms (receiver in the same process)")


def _ms(sorted_s: list[float], q: float) -> str:
    return f"{1000 * sorted_s[min(len(sorted_s) - 1, int(q * len(sorted_s)))]:.1f}"


async def bench_hanging_receiver(runs: int = 20, timeout_s: float = 0.3) -> None:
    """How long an alert takes when the receiver's first attempt hangs: the timeout, a backoff, then a second attempt."""
    hold = asyncio.Event()
    calls = 0

    async def first_hangs(request: web.Request) -> web.Response:
        nonlocal calls
        await request.read()
        calls += 1
        if calls % 2 == 1:
            await hold.wait()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", first_hangs)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    endpoint = WebhookEndpoint(name="bench", url=f"http://127.0.0.1:{port}/hook", secrets=(secret,))
    alert = Alert(id="alrt_hang", rule_id="r", story_id="s", article_ids=["a"], dedupe_key="r:s",
                  fired_at=datetime.now(timezone.utc), summary="r: bench", matched=["entity:Q1"])
    took: list[float] = []
    delivered = 0
    async with aiohttp.ClientSession() as session:
        for _ in range(runs):
            t0 = time.perf_counter()
            r = await deliver(session, endpoint, alert, attempts=3, backoff_s=0.01, backoff_max_s=0.05, timeout_s=timeout_s)
            took.append(time.perf_counter() - t0)
            delivered += r.delivered and r.attempts == 2
    hold.set()
    await runner.cleanup()
    took.sort()
    print(f"delivery past a hanging receiver ({timeout_s:g} s timeout, then a retry): {delivered}/{runs} delivered on the "
          f"second attempt, median {_ms(took, 0.5)} ms, longest {1000 * took[-1]:.1f} ms")


if __name__ == "__main__":
    bench_rules()
    asyncio.run(bench_delivery())
    asyncio.run(bench_hanging_receiver())
