"""Newsroom figures: the story list API and the story page on a large SQLite store, and live delivery over SSE.

Fills a SQLite store with ``--articles`` generated articles in ``--stories`` stories (5 languages, 60 sources,
2,000 entities; written through the same upserts the agent uses, so the write rate is measured too), serves it,
and times on loopback (client-side, so HTTP included: an upper bound on server time):

- ``GET /api/stories`` with a mix of queries (newest, most active, entity, language, source, text search, page 3);
- ``GET /stories/{id}`` (the HTML story page) for random stories;
- ``GET /api/entities/{key}`` (an entity: its name as most of its reports give it, its counts, its recent stories) for
  random entities;
- SSE delivery: a ``wirewatch worker newsroom`` on the embedded broker, over the same store; articles are sent
  to ``articles.tagged`` at ``--rate`` per second (half the pipeline's sustained rate); the time from the send
  being acknowledged (the article is on the topic) to its event reaching an open ``/events`` stream, and to its
  title appearing in the story list of a page open in headless Chromium.

With ``--unlinked N`` each stored report also names N people and organisations no gazetteer knows (``name:`` keys, as the
tagger keys them; the dev sets' reports name about 30 each), whose keys the store makes by its key rule as it writes
(rekey.delivered_keys): the write rate with them.

Run: .venv/bin/python bench/bench_newsroom.py [--articles 100000 --stories 20000] [--rate 10] [--live 200] [--unlinked 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
import orjson  # noqa: E402

from schemas import Entity, Salience, TaggedArticle, Translation  # noqa: E402
from services.newsroom.live import LiveHub  # noqa: E402
from services.newsroom.server import Newsroom  # noqa: E402
from services.newsroom.settings import NewsroomSettings  # noqa: E402
from services.newsroom.sqlite import SQLiteStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "en", "es", "de", "fr", "uk"]
WORDS = ("minister summit ceasefire flood election sanctions strike border talks tariff missile harbour refinery "
         "drought protest court ruling budget vote bank rates inflation storm wildfire treaty grain corridor").split()
TYPES = ["PERSON", "ORG", "GPE", "GPE", "LOC"]
_SYL = ["ka", "lo", "mi", "ra", "ten", "vo", "sir", "ul", "be", "dan", "gor", "pe", "zu", "an", "el", "ost", "rin", "ta"]
VOCAB = [a + b + c for a in _SYL for b in _SYL for c in _SYL[:16]][:5000]
WEIGHTS = [1 / (i + 1) for i in range(len(VOCAB))]


def text(rng: random.Random, k: int) -> str:
    return " ".join(rng.choices(VOCAB, WEIGHTS, k=k))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def generated(n: int, stories: int, rng: random.Random, start: datetime) -> TaggedArticle:
    story = n % stories
    srng = random.Random(story)  # a story's words and entities are its own
    words = srng.sample(WORDS, 4)
    keys = [f"Q{1000 + srng.randrange(2000)}" for _ in range(3)] + [f"Q{1000 + rng.randrange(2000)}"]
    lang = LANGS[rng.randrange(len(LANGS))]
    title = f"{words[0].title()} {words[1]} as {words[2]} talks on {words[3]} go on ({n})"
    # Stories spread over the 24 days after ``start``, each report 10 minutes after the last.
    at = start + timedelta(seconds=story * 24 * 86400 / stories + (n // stories) * 600 + rng.randrange(300))
    body = text(rng, 150)
    return TaggedArticle(
        id=f"https://source{n % 60}.example/{n}", source=f"source{n % 60}", url=f"https://source{n % 60}.example/{n}",
        fetched_at=at, published_at=at, language=lang, language_confidence=0.95,
        original_title=title if lang == "en" else f"[{lang}] {title}", original_body=body if lang == "en" else text(rng, 150),
        title=title, body=body,
        translation=Translation(engine="apertium", source_language=lang) if lang != "en" else None,
        story_id=f"story-{story}", tags=[["world", "business", "europe"][story % 3]],
        entities=[Entity(text=k, type=TYPES[int(k[1:]) % 5], field="body", start=0, end=4, canonical_id=k, canonical_name=f"Entity {k}",
                         key=k) for k in dict.fromkeys(keys)],
        salience=[Salience(key=k, name=f"Entity {k}", type=TYPES[int(k[1:]) % 5], mentions=2, in_title=False, in_lead=True)
                  for k in dict.fromkeys(keys)],
    )


# Names no gazetteer knows, a person's of two words of VOCAB, an organisation's of one and a body's word: "Kakami Kakara",
# "Kakaten Council".
UNLINKED = [(f"{a.title()} {b.title()}", "PERSON") if i % 2 else (f"{a.title()} {('Group', 'Council', 'Party')[i // 2 % 3]}", "ORG")
            for i, (a, b) in enumerate(zip(VOCAB[::2], VOCAB[1::2]))]


def with_unlinked(article: TaggedArticle, count: int, rng: random.Random) -> TaggedArticle:
    """``article`` naming ``count`` more entities, unlinked (``name:`` keys as the tagger gives names no country word
    opens), the often named more often, one mention each."""
    if not count:
        return article
    from services.tagger.linking import name_key

    names = dict.fromkeys(rng.choices(UNLINKED, WEIGHTS[:len(UNLINKED)], k=count))
    return article.model_copy(update={
        "entities": [*article.entities, *(Entity(text=name, type=type_, field="body", start=0, end=len(name), key=name_key(name))
                                          for name, type_ in names)],
        "salience": [*article.salience, *(Salience(key=name_key(name), name=name, type=type_, mentions=1, in_title=False,
                                                   in_lead=False) for name, type_ in names)]})


def fill(store: SQLiteStore, articles: int, stories: int, unlinked: int = 0) -> dict:
    rng = random.Random(7)
    start = datetime.now(timezone.utc) - timedelta(days=25)
    began = time.perf_counter()
    batch = 500  # a bulk load: the agent's upserts, 500 to a transaction
    for first in range(0, articles, batch):
        store.write_articles([with_unlinked(generated(n, stories, rng, start), unlinked, rng)
                              for n in range(first, min(articles, first + batch))], now=time.time())
        if first and first % 20000 == 0:
            print(f"  {first} articles written, {first / (time.perf_counter() - began):.0f}/s", flush=True)
    seconds = time.perf_counter() - began
    one_by_one = []
    for n in range(articles, articles + 200):  # and one per transaction, as the agent writes
        t = time.perf_counter()
        store.write_article(with_unlinked(generated(n, stories, rng, start), unlinked, rng), now=time.time())
        one_by_one.append((time.perf_counter() - t) * 1000)
    return {"articles": articles, "stories": stories, "unlinked": unlinked, "seconds": seconds, "rate": articles / seconds,
            "single_p50": percentile(one_by_one, 50), "single_p95": percentile(one_by_one, 95),
            "bytes": store.path.stat().st_size + sum(p.stat().st_size for p in store.path.parent.glob(store.path.name + "-*"))}


async def time_requests(base: str, paths: list[str]) -> list[float]:
    out = []
    async with aiohttp.ClientSession() as session:
        for path in paths:
            t = time.perf_counter()
            async with session.get(base + path) as r:
                await r.read()
                assert r.status == 200, (path, r.status)
            out.append((time.perf_counter() - t) * 1000)
    return out


async def serve_and_time(path: Path, stories: int, requests: int) -> dict:
    store = SQLiteStore(path)
    room = Newsroom(store, LiveHub(), NewsroomSettings(), token=None)
    port = await room.start("127.0.0.1", 0)
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(3)
    kinds = {
        "newest": lambda: "/api/stories",
        "active": lambda: "/api/stories?order=active",
        "entity": lambda: f"/api/stories?entity=Q{1000 + rng.randrange(2000)}",
        "language": lambda: f"/api/stories?language={rng.choice(['es', 'de', 'fr', 'uk'])}",
        "source": lambda: f"/api/stories?source=source{rng.randrange(60)}",
        "search": lambda: f"/api/stories?q={rng.choice(VOCAB[:2000])}",
        "search 2": lambda: f"/api/stories?q={rng.choice(WORDS)}+{rng.choice(VOCAB[:500])}",
        "page 3": lambda: "/api/stories?page=3",
        "last 24h": lambda: "/api/stories?since=24h",
    }
    try:
        await time_requests(base, ["/api/stories", "/", "/stories/story-1"])  # warm the page cache
        per_kind = {}
        for kind, make in kinds.items():
            per_kind[kind] = await time_requests(base, [make() for _ in range(max(1, requests // len(kinds)))])
        pages = await time_requests(base, [f"/stories/{quote(f'story-{rng.randrange(stories)}', safe='')}" for _ in range(requests // 2)])
        entities = await time_requests(base, [f"/api/entities/Q{1000 + rng.randrange(2000)}" for _ in range(requests // 2)])
        home = await time_requests(base, ["/" for _ in range(requests // 8)])
    finally:
        await room.stop()
        store.close()
    everything = [v for vs in per_kind.values() for v in vs]
    return {"list": {k: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for k, v in per_kind.items()},
            "list_all": {"n": len(everything), "p50": percentile(everything, 50), "p95": percentile(everything, 95),
                         "p99": percentile(everything, 99)},
            "page": {"n": len(pages), "p50": percentile(pages, 50), "p95": percentile(pages, 95), "p99": percentile(pages, 99)},
            "entity": {"n": len(entities), "p50": percentile(entities, 50), "p95": percentile(entities, 95),
                       "p99": percentile(entities, 99)},
            "home": {"n": len(home), "p50": percentile(home, 50), "p95": percentile(home, 95)}}


async def live(path: Path, stories: int, count: int, rate: float) -> dict:
    from aiokafka import AIOKafkaProducer

    from services.runtime.broker import EmbeddedBroker, free_port, terminate
    from services.runtime.codec import encode
    from services.runtime.settings import Settings
    from services.runtime.topics import ensure_topics

    work = Path(tempfile.mkdtemp(prefix="bench-newsroom-"))
    broker = EmbeddedBroker(log_path=work / "broker.log").start()
    await ensure_topics(Settings(broker=broker.bootstrap))
    port, web = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(WIREWATCH_BROKER=broker.bootstrap, WIREWATCH_WEB_PORT=str(web), WIREWATCH_NEWSROOM__PORT=str(port),
               WIREWATCH_NEWSROOM__SQLITE_PATH=str(path), WIREWATCH_DATA_DIR=str(work / "data"), PYTHONUNBUFFERED="1")
    logf = open(work / "newsroom.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "worker", "newsroom", "--broker", broker.bootstrap],
                            cwd=ROOT, env=env, stdout=logf, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    sent: dict[str, float] = {}
    via_sse: dict[str, float] = {}
    via_page: dict[str, float] = {}
    browser = None
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(600):
                try:
                    async with session.get(f"http://127.0.0.1:{web}/readyz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)
            else:
                raise RuntimeError(f"the newsroom worker never became ready; see {work / 'newsroom.log'}")
            browser, page = await open_page(base)

            async def listen() -> None:
                async with session.get(f"{base}/events", timeout=aiohttp.ClientTimeout(total=None)) as r:
                    async for line in r.content:
                        if line.startswith(b"data: "):
                            data = orjson.loads(line[6:])
                            via_sse.setdefault(data.get("article_id", ""), time.time())

            listener = asyncio.create_task(listen())
            await asyncio.sleep(1.0)
            producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", linger_ms=0)
            await producer.start()
            rng = random.Random(11)
            start = datetime.now(timezone.utc)
            began = time.monotonic()
            for i in range(count):
                # New stories, so each one lands at the head of the newest-first list the page shows.
                article = generated(10_000_000 + i, 1, rng, start).model_copy(update={"story_id": f"live-{i}", "fetched_at": datetime.now(timezone.utc)})
                await producer.send_and_wait("articles.tagged", key=article.id.encode(), value=encode(article))
                sent[article.id] = time.time()
                await asyncio.sleep(max(0.0, began + (i + 1) / rate - time.monotonic()))
            await producer.stop()
            deadline = time.monotonic() + 30
            while len(via_sse) < count and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(2.0)
            listener.cancel()
            via_page = await page.evaluate("() => window.__seen || {}")
            via_page = {k: v / 1000 for k, v in via_page.items()}
    finally:
        if browser is not None:
            await browser[0].close()
            await browser[1].stop()
        terminate(proc)
        logf.close()
        broker.stop()
    sse = [max(0.0, via_sse[a] - t) * 1000 for a, t in sent.items() if a in via_sse]
    shown = [max(0.0, via_page[a] - t) * 1000 for a, t in sent.items() if a in via_page]
    return {"sent": count, "rate": rate, "sse": summarize(sse), "page": summarize(shown)}


def summarize(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95), "p99": percentile(values, 99),
            "max": max(values), "mean": statistics.fmean(values)}


WATCH = """() => {
  window.__seen = {};
  const note = () => document.querySelectorAll('.story-card').forEach(card => {
    const link = card.querySelector('h3 a');
    const m = link && link.textContent.match(/\\((\\d+)\\)$/);
    if (m) { const id = 'https://source' + (Number(m[1]) % 60) + '.example/' + m[1]; if (!(id in window.__seen)) window.__seen[id] = Date.now(); }
  });
  new MutationObserver(note).observe(document.getElementById('stories'), {childList: true, subtree: true});
}"""


async def open_page(base: str):
    from playwright.async_api import async_playwright

    pw = await async_playwright().start()
    browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"])
    page = await browser.new_page()
    await page.goto(base + "/?limit=50")
    await page.wait_for_selector("[data-live-connected]", state="attached")
    await page.evaluate(WATCH)
    return (browser, pw), page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement (list queries; half as many pages)")
    parser.add_argument("--rate", type=float, default=10.0, help="articles/s sent for the SSE figure (half the pipeline's sustained rate)")
    parser.add_argument("--live", type=int, default=200, help="articles sent for the SSE figure")
    parser.add_argument("--unlinked", type=int, default=0, help="unlinked entities (name: keys) each stored report names")
    parser.add_argument("--db", type=Path, default=None, help="keep the filled store here; an existing one is reused, not refilled")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="bench-newsroom-db-")) / "newsroom.sqlite3"
    if path.exists():
        store = SQLiteStore(path)
        counts = store.counts()
        store.close()
        print(f"newsroom bench: reusing {path} ({counts['articles']} articles in {counts['stories']} stories)", flush=True)
        filled = None
    else:
        print(f"newsroom bench: filling {path} with {args.articles} articles in {args.stories} stories", flush=True)
        filled = fill(SQLiteStore(path), args.articles, args.stories, args.unlinked)
    served = asyncio.run(serve_and_time(path, args.stories, args.requests))
    delivered = asyncio.run(live(path, args.stories, args.live, args.rate))
    la, pg = served["list_all"], served["page"]
    if filled:
        naming = f" naming {filled['unlinked']} unlinked entities each" if filled["unlinked"] else ""
        print(f"store: {filled['articles']} articles in {filled['stories']} stories{naming} written in {filled['seconds']:.0f} s "
              f"({filled['rate']:.0f} articles/s, the agent's upserts 500 to a transaction), {filled['bytes'] / 1e6:.0f} MB on disk; "
              f"one article per transaction as the agent writes: p50 {filled['single_p50']:.1f} ms, p95 {filled['single_p95']:.1f} ms")
    print(f"story list API (GET /api/stories, {la['n']} requests over {len(served['list'])} kinds of query): "
          f"p50 {la['p50']:.1f} ms, p95 {la['p95']:.1f} ms, p99 {la['p99']:.1f} ms (target p95 <= 50 ms: "
          f"{'met' if la['p95'] <= 50 else 'missed'})")
    for kind, v in served["list"].items():
        print(f"  {kind:>9}: p50 {v['p50']:.1f} ms, p95 {v['p95']:.1f} ms")
    print(f"story page (GET /stories/ID, HTML, {pg['n']} random stories): p50 {pg['p50']:.1f} ms, p95 {pg['p95']:.1f} ms, "
          f"p99 {pg['p99']:.1f} ms (target <= 150 ms: {'met' if pg['p95'] <= 150 else 'missed'} at p95)")
    en = served["entity"]
    print(f"entity (GET /api/entities/KEY, {en['n']} random entities): p50 {en['p50']:.1f} ms, p95 {en['p95']:.1f} ms, "
          f"p99 {en['p99']:.1f} ms")
    print(f"home page (GET /, filters and first page): p50 {served['home']['p50']:.1f} ms, p95 {served['home']['p95']:.1f} ms")
    for name, v in (("SSE event on an open /events stream", delivered["sse"]), ("title shown in the open page's story list", delivered["page"])):
        if v["n"]:
            print(f"{name}, from the send acknowledged by articles.tagged ({v['n']}/{delivered['sent']} articles at "
                  f"{delivered['rate']:g}/s): p50 {v['p50']:.0f} ms, p95 {v['p95']:.0f} ms, p99 {v['p99']:.0f} ms, max {v['max']:.0f} ms")
        else:
            print(f"{name}: nothing arrived")
    ok = delivered["sse"].get("p99", 1e9) <= 1000
    print(f"target: SSE delivery <= 1 s: {'met' if ok else 'missed'} at p99")
    print("(client-side times on loopback, HTTP included; the machine was shared with other work while measuring)")


if __name__ == "__main__":
    main()
