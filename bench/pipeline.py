"""The whole pipeline, measured: per stage in one process, end to end on the embedded broker, the raw broker
ceiling, memory; held against the targets of the benchmark issue; written to docs/BENCHMARKS.md.
This file runs the stages and the workers; the readings are in bench/measure.py, the ceiling in
bench/broker_ceiling.py, the targets and the Markdown in bench/bench_report.py.

    .venv/bin/python bench/pipeline.py [--quick] [--out docs/BENCHMARKS.md] [--skip-existing]

``make bench`` runs this (it also runs bench/bench_{ingest,normalize,tagger,stories,alerter,newsroom,languages}.py and quotes them).
Data: bench/corpus.py, seeded wire stories of 300–1,200 words (English, Spanish, German, French).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shlex
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", message=r".*\[W095\].*")

from bench.bench_report import existing_benchmarks, report  # noqa: E402
from bench.broker_ceiling import broker_ceiling  # noqa: E402
from bench.corpus import make_corpus, raw_articles  # noqa: E402
from bench.measure import (FULL, MARKED_SHARE, QUICK, ROOT, WORK, Size, cpu_seconds, log, machine,  # noqa: E402
                           machine_busy_seconds, pct, peak_rss_mb)
from services.alerter.receiver import WebhookReceiver  # noqa: E402
from services.runtime.broker import EmbeddedBroker, free_port, terminate  # noqa: E402
from services.runtime.codec import decode, encode  # noqa: E402
from services.runtime.settings import Settings  # noqa: E402

SERVICES = ("ingest", "normalize", "tagger", "alerter")


# --------------------------------------------------------------------------- rules


def rules_yaml(url: str, secret: str, phases: list[str]) -> str:
    """One rule per phase matching the phase's marked sources, plus two entity rules like the examples'."""
    lines = ["webhooks:", "  bench:", f"    url: {url}", f"    secret: {secret}", "    timeout_s: 5", "    concurrency: 16", "rules:"]
    for phase in phases:
        lines += [f"  - id: bench-{phase}", f"    when: {{source: 'alert-{phase}-*'}}", "    webhooks: [bench]"]
    lines += [
        "  - id: nato-and-ukraine", "    when: {all: [{entity: Q7184}, {entity: Q212}]}", "    webhooks: [bench]",
        "  - id: eu-energy", "    when: {all: [{entity: Q458}, {keyword: [energy, gas]}]}", "    webhooks: [bench]",
    ]
    return "\n".join(lines) + "\n"


def mark(count: int, phase: str, records: list[dict]) -> dict[int, str]:
    """Which articles come from a marked source (a fixed share, spread evenly)."""
    every = round(1 / MARKED_SHARE * 10)
    return {i: f"alert-{phase}-{records[i]['source']}" for i in range(count) if (i * 10) % every < 10}


# --------------------------------------------------------------------------- in-process


async def in_process(size: Size, settings: Settings) -> dict:
    """Each stage's core on the corpus, timed alone, as ``wirewatch process`` runs them; plus bare spaCy NER."""
    from services.alerter.dedupe import make_alert
    from services.alerter.rules import load_rulebook
    from services.normalize.core import Normalizer
    from services.tagger.core import Tagger
    from services.tagger.pipeline import load_pipeline
    from services.tagger.assign import StoryAssigner, story_config
    from services.tagger.embedding import Embedder
    from schemas import NormalizedArticle, RawArticle, TaggedArticle

    records = make_corpus(size.inprocess, seed=11, prefix="inproc")
    raws = raw_articles(records, source_override=mark(len(records), "inproc", records))
    words = [len(r["body"].split()) + len(r["title"].split()) for r in records]
    chars = [len(r["body"]) + len(r["title"]) for r in records]

    normalizer = Normalizer(settings.normalize)
    normalized: list = []
    per_article: list[tuple[str, bool, float]] = []
    try:
        await normalizer.normalize(raws[0])  # warm the language models and caches
        started = time.perf_counter()
        for raw in raws:
            t = time.perf_counter()
            article = await normalizer.normalize(raw)
            per_article.append((article.language, article.translation is not None, time.perf_counter() - t))
            normalized.append(article)
        normalize_s = time.perf_counter() - started
    finally:
        await normalizer.aclose()

    t = time.perf_counter()
    tagger = Tagger(settings.tagger)
    tagger_load_s = time.perf_counter() - t
    batch = settings.tagger.batch_size
    tagger.tag_many(normalized[:2])
    embedder = Embedder() if settings.tagger.story_embeddings else None
    started = time.perf_counter()
    tagged = []
    embed_s = 0.0
    for i in range(0, len(normalized), batch):
        chunk = tagger.tag_many(normalized[i:i + batch])
        if embedder is not None:  # the tagger's batch step embeds title+lead for the story stage
            t = time.perf_counter()
            chunk = [a.model_copy(update={"embedding": v}) for a, v in zip(chunk, embedder.embed_articles(chunk))]
            embed_s += time.perf_counter() - t
        tagged.extend(chunk)
    tag_s = time.perf_counter() - started

    # Bare NER: the same model and texts (English and translated; title and body), nlp.pipe alone.
    nlp = load_pipeline(settings.tagger.spacy_model)
    texts = [text for a in normalized if a.translation is not None or a.language in ("en", "und") for text in (a.title, a.body)]
    started = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch))
    ner_s = time.perf_counter() - started
    ner_articles = len(texts) // 2

    # Stories, as the story agent does them: mirror the table, decide, apply, write the table.
    assigner = StoryAssigner(story_config(settings.tagger), tagger.countries)
    index = assigner.index
    table: dict[str, str] = {}
    now = datetime.now(timezone.utc)
    placed = []
    started = time.perf_counter()
    for article in tagged:
        index.sync(table.items())
        article, decision = assigner.place(article, now=now)
        for story_id in decision.expired:
            table.pop(story_id, None)
        if not decision.duplicate:
            table[decision.story.id] = index.raw(decision.story.id)
        placed.append(article)
    stories_s = time.perf_counter() - started

    WORK.mkdir(parents=True, exist_ok=True)
    rules_path = WORK / "inprocess-rules.yaml"
    rules_path.write_text(rules_yaml("http://127.0.0.1:9/hooks", "whsec_" + base64.b64encode(b"x" * 24).decode(), ["inproc"]))
    rulebook = load_rulebook(rules_path)
    fired: dict[str, str] = {}
    started = time.perf_counter()
    for article in placed:
        for match in rulebook.evaluate(article):
            alert = make_alert(match, article, now)
            fired.setdefault(alert.dedupe_key, alert.id)
    alert_s = time.perf_counter() - started

    # What a broker hop adds in CPU per message before any network: encode, and decode with validation.
    codec = {}
    for name, messages, model in (("raw", raws, RawArticle), ("normalized", normalized, NormalizedArticle),
                                  ("tagged", placed, TaggedArticle)):
        blobs = [encode(m) for m in messages]
        t = time.perf_counter()
        for m in messages:
            encode(m)
        enc = time.perf_counter() - t
        t = time.perf_counter()
        for b in blobs:
            decode(b, model)
        dec = time.perf_counter() - t
        codec[name] = {"bytes_mean": statistics.mean(len(b) for b in blobs), "encode_ms": enc / len(blobs) * 1000,
                       "decode_ms": dec / len(blobs) * 1000}

    n = len(raws)
    translated = [s for _, tr, s in per_article if tr]
    untranslated = [s for _, tr, s in per_article if not tr]
    stage_s = {"normalize": normalize_s, "tagger": tag_s, "stories": stories_s, "alerter": alert_s}
    total_s = sum(stage_s.values())
    from collections import Counter

    return {
        "articles": n, "words_mean": statistics.mean(words), "words_min": min(words), "words_max": max(words),
        "chars_mean": statistics.mean(chars),
        "languages": dict(Counter(r["language"] for r in records)),
        "translated": len(translated), "stories": len(index.stories), "alerts": len(fired),
        "stage_s": stage_s, "total_s": total_s, "throughput": n / total_s,
        "per_stage_rate": {k: n / v for k, v in stage_s.items()},
        "per_stage_ms": {k: v / n * 1000 for k, v in stage_s.items()},
        "normalize_translated_ms": statistics.mean(translated) * 1000 if translated else float("nan"),
        "normalize_untranslated_ms": statistics.mean(untranslated) * 1000 if untranslated else float("nan"),
        "tagger_load_s": tagger_load_s, "entities_per_article": sum(len(a.entities) for a in tagged) / n,
        "ner_articles": ner_articles, "ner_s": ner_s, "ner_rate": ner_articles / ner_s,
        "embed_ms": embed_s / len(tagged) * 1000 if tagged else 0.0,
        "ner_ms": ner_s / ner_articles * 1000, "ner_chars_s": sum(len(t) for t in texts) / ner_s, "ner_entities": entities,
        "codec": codec,
        "bytes": {"raw": [len(encode(m)) for m in raws], "normalized": [len(encode(m)) for m in normalized],
                  "tagged": [len(encode(m)) for m in placed]},
    }


# --------------------------------------------------------------------------- end to end


@dataclass
class TimedReceiver(WebhookReceiver):
    """The loopback receiver, remembering when each webhook-id was first delivered."""

    first: dict[str, tuple[float, dict]] = field(default_factory=dict)

    async def _handle(self, request):  # type: ignore[override]
        response = await super()._handle(request)
        seen = self.received[-1]
        if seen.status < 300 and seen.webhook_id not in self.first:
            self.first[seen.webhook_id] = (time.time(), seen.event)
        return response


class Workers:
    """`wirewatch run` or one `wirewatch worker` per service, against a broker, with logs and /proc readings."""

    def __init__(self, mode: str, bootstrap: str, env: dict[str, str]) -> None:
        self.mode = mode
        self.procs: dict[str, tuple[subprocess.Popen, int]] = {}
        groups = [("all-in-one", ["run", "--broker", bootstrap])] if mode == "one" else \
            [(s, ["worker", s, "--broker", bootstrap]) for s in SERVICES]
        if mode == "five":  # the tagger (NER) is the busiest stage: a second worker shares its partitions
            groups.append(("tagger-2", ["worker", "tagger", "--broker", bootstrap]))
        for name, args in groups:
            port = free_port()
            logf = open(WORK / f"{mode}-{name}.log", "wb")
            proc = subprocess.Popen([sys.executable, "-m", "services.cli", *args, "--web-port", str(port)], cwd=ROOT,
                                    env=env, stdout=logf, stderr=subprocess.STDOUT)
            self.procs[name] = (proc, port)
        self.command = " & ".join(".venv/bin/wirewatch " + " ".join(a) for _, a in groups)

    def wait_ready(self, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        for name, (proc, port) in self.procs.items():
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early; see {WORK / f'{self.mode}-{name}.log'}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} not ready within {timeout_s:.0f}s")
                time.sleep(0.5)

    def cpu(self) -> dict[str, float]:
        return {name: cpu_seconds(proc.pid) for name, (proc, _) in self.procs.items()}

    def peak_rss(self) -> dict[str, float]:
        return {name: peak_rss_mb(proc.pid) for name, (proc, _) in self.procs.items()}

    def stop(self) -> None:
        for proc, _ in self.procs.values():
            terminate(proc, timeout_s=15)


async def end_to_end(mode: str, size: Size, env_base: dict[str, str]) -> dict:
    """Feed articles.raw with aiokafka; time arrivals in articles.tagged and webhooks at a loopback receiver."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    from services.runtime.topics import ensure_topics

    phases = ["warm", "max", "p25", "p50", "p90"]
    secret = "whsec_" + base64.b64encode(os.urandom(24)).decode()
    receiver = await TimedReceiver(secret=secret).start()
    rules = WORK / f"{mode}-rules.yaml"
    rules.write_text(rules_yaml(receiver.url, secret, phases))
    data = WORK / f"{mode}-data"
    subprocess.run(["rm", "-rf", str(data)], check=False)
    broker = EmbeddedBroker(log_path=WORK / f"{mode}-broker.log").start()
    env = {k: v for k, v in env_base.items() if not k.startswith("WIREWATCH_")}
    env.update(WIREWATCH_BROKER=broker.bootstrap, WIREWATCH_DATA_DIR=str(data), WIREWATCH_ALERTER__RULES=str(rules),
               WIREWATCH_NEWSROOM__PORT="0", PYTHONUNBUFFERED="1")
    for k, v in env_base.items():
        if k.startswith("WIREWATCH_") and k not in env:
            env[k] = v
    await ensure_topics(Settings(broker=broker.bootstrap))
    started = time.monotonic()
    workers = Workers(mode, broker.bootstrap, env)
    arrived: dict[str, float] = {}
    sent: dict[str, float] = {}
    stop = asyncio.Event()
    result: dict = {"mode": mode, "command": workers.command}
    try:
        await asyncio.to_thread(workers.wait_ready)
        result["ready_s"] = time.monotonic() - started
        log(f"{mode}: workers ready after {result['ready_s']:.0f}s")

        consumer = AIOKafkaConsumer("articles.tagged", bootstrap_servers=broker.bootstrap, group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False)
        await consumer.start()

        async def watch() -> None:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for r in records:
                        # CreateTime: when the story agent wrote it, not when this reader got round to it.
                        arrived.setdefault(r.key.decode(), r.timestamp / 1000)

        watcher = asyncio.create_task(watch())
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        await producer.start()

        async def feed(phase: str, count: int, rate: float | None, seed: int) -> list[str]:
            records = make_corpus(count, seed=seed, prefix=f"{mode}-{phase}")
            raws = raw_articles(records, source_override=mark(count, phase, records))
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            futures = []
            for i, raw in enumerate(raws):
                if rate:
                    delay = t0 + i / rate - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                now = datetime.now(timezone.utc)
                sent[raw.id] = now.timestamp()
                futures.append(await producer.send("articles.raw", key=raw.id.encode(),
                                                   value=encode(raw.model_copy(update={"fetched_at": now}))))
            await asyncio.gather(*futures)
            return [r.id for r in raws]

        async def drain(ids: list[str], timeout_s: float) -> bool:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                if all(i in arrived for i in ids):
                    return True
                await asyncio.sleep(0.25)
            return False

        async def settle_webhooks(quiet_s: float = 4.0, timeout_s: float = 40.0) -> None:
            """Wait until no new webhook has come for ``quiet_s`` (deliveries trail articles.tagged)."""
            deadline = time.monotonic() + timeout_s
            last, since = len(receiver.first), time.monotonic()
            while time.monotonic() < deadline and time.monotonic() - since < quiet_s:
                await asyncio.sleep(0.25)
                if len(receiver.first) != last:
                    last, since = len(receiver.first), time.monotonic()

        def latencies(ids: list[str]) -> dict:
            wanted = set(ids)
            tagged = [arrived[i] - sent[i] for i in ids if i in arrived]
            hooks = []
            for when, event in receiver.first.values():
                data = event.get("data", {})
                first_article = (data.get("article_ids") or [None])[0]
                if first_article in wanted:
                    hooks.append(when - sent[first_article])
            return {"articles": len(ids), "tagged": len(tagged), "webhooks": len(hooks),
                    "tagged_p50": pct(tagged, .5), "tagged_p95": pct(tagged, .95), "tagged_p99": pct(tagged, .99),
                    "webhook_p50": pct(hooks, .5), "webhook_p95": pct(hooks, .95), "webhook_p99": pct(hooks, .99)}

        ids = await feed("warm", 8, None, seed=100)
        if not await drain(ids, 180):
            raise RuntimeError(f"{mode}: warm-up articles did not reach articles.tagged within 180s")
        await settle_webhooks(quiet_s=2)

        # Maximum: a backlog offered at once; the rate is over the arrivals after the first 10 % (the pipe filling).
        cpu0, busy0, own0, broker_cpu0 = workers.cpu(), machine_busy_seconds(), cpu_seconds(os.getpid()), cpu_seconds(broker._proc.pid)
        ids = await feed("max", size.max_phase, None, seed=200)
        ok = await drain(ids, 600)
        cpu1, busy1, own1, broker_cpu1 = workers.cpu(), machine_busy_seconds(), cpu_seconds(os.getpid()), cpu_seconds(broker._proc.pid)
        times = sorted(arrived[i] for i in ids if i in arrived)
        k = len(times) // 10
        rate = (len(times) - 1 - k) / (times[-1] - times[k]) if len(times) > k + 1 and times[-1] > times[k] else float("nan")
        wall = times[-1] - min(sent[i] for i in ids)
        ours = sum(cpu1.values()) - sum(cpu0.values()) + (own1 - own0) + (broker_cpu1 - broker_cpu0)
        result["max"] = {
            "articles": len(ids), "complete": ok, "rate": rate, "wall_s": wall, "overall_rate": len(times) / wall,
            "cpu_s_per_article": {n: (cpu1[n] - cpu0[n]) / len(ids) for n in cpu0},
            "broker_cpu_s_per_article": (broker_cpu1 - broker_cpu0) / len(ids),
            "harness_cpu_s": own1 - own0,
            "machine_busy_s": busy1 - busy0, "ours_busy_s": ours, "others_busy_s": max(0.0, (busy1 - busy0) - ours),
            "cores_available_s": (os.cpu_count() or 1) * wall,
            **latencies(ids),
        }
        log(f"{mode}: max {rate:.2f} articles/s sustained ({len(times)}/{len(ids)} tagged, {wall:.0f}s)")
        await settle_webhooks(quiet_s=3)

        result["paced"] = {}
        for phase, share, seed in (("p25", .25, 300), ("p50", .5, 400), ("p90", .9, 500)):
            target = rate * share
            count = max(8, int(target * size.paced_s))
            ids = await feed(phase, count, target, seed=seed)
            complete = await drain(ids, 120 + count / max(target, 0.1))
            await settle_webhooks()
            row = latencies(ids)
            row.update(rate=target, complete=complete, share=share)
            result["paced"][phase] = row
            log(f"{mode}: {phase} at {target:.2f}/s: tagged p50 {row['tagged_p50']:.2f}s p99 {row['tagged_p99']:.2f}s; "
                f"webhook p99 {row['webhook_p99']:.2f}s ({row['webhooks']} webhooks)")
        result["webhooks_total"] = len(receiver.first)
        result["webhook_posts"] = len(receiver.received)
        stop.set()
        await watcher
        await consumer.stop()
        await producer.stop()
        result["peak_rss_mb"] = workers.peak_rss()
        result["broker_peak_rss_mb"] = peak_rss_mb(broker._proc.pid)
    finally:
        stop.set()
        workers.stop()
        broker.stop()
        await receiver.stop()
    return result



async def main_async(args) -> None:
    size = QUICK if args.quick else FULL
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    info = machine()
    settings = Settings()
    log(f"{size.name} run on {info['cores']} cores, load {info['loadavg_start']}")
    log("in-process stages")
    inproc = await in_process(size, settings)
    log(f"in-process: {inproc['throughput']:.2f} articles/s all four stages; NER alone {inproc['ner_rate']:.1f}/s")
    log("raw broker ceiling")
    ceiling = await broker_ceiling(size, inproc["bytes"])
    log(f"ceiling: {ceiling['rate']:.0f} messages/s")
    e2e = {}
    for mode in args.modes.split(","):
        log(f"end to end: {mode}")
        e2e[mode] = await end_to_end(mode, size, dict(os.environ))
    existing = [] if args.skip_existing else existing_benchmarks(args.quick)
    load_end = Path("/proc/loadavg").read_text().split()[:3]
    text = report(args, size, info, inproc, ceiling, e2e, existing, time.monotonic() - t0, load_end)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    import orjson

    inproc.pop("bytes", None)
    (WORK / "results.json").write_bytes(orjson.dumps({"machine": info, "inprocess": inproc, "ceiling": ceiling, "e2e": e2e},
                                                     option=orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY))
    log(f"wrote {out} in {(time.monotonic() - t0) / 60:.1f} min")
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (a few minutes)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--modes", default="one,four,five",
                        help="end-to-end modes: one (wirewatch run), four (a worker per service), five (four and a second tagger)")
    parser.add_argument("--skip-existing", action="store_true", help="do not run bench/bench_*.py")
    args = parser.parse_args()
    args.command = "make bench" if os.environ.get("WIREWATCH_BENCH_VIA_MAKE") else \
        ".venv/bin/python bench/pipeline.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
