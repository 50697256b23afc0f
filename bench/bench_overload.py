"""Overload: POST /ingest offered twice what the all-in-one worker sustains, then left to drain.

Starts the embedded broker, ``wirewatch run`` and a real Prometheus that scrapes the worker every 5 s with
the operator rules of deploy/prometheus/rules.yml loaded. First measures the sustained maximum (a burst of
``--calibrate`` articles offered at once; the rate at which they reach ``articles.tagged``), then offers
twice that (or ``--rate``), one article per request as many clients would, for ``--seconds``; a refused
request (429/503) is sent again after its Retry-After, as a client would. Then it waits for the lag to
drain and for the lag alert to resolve. Prints: offered, accepted, refused, every accepted article counted
(in = tagged + dead-lettered, duplicates counted, lost = the rest), the all-in-one and broker RSS, the
consumer lag over time (rise and drain), and when Prometheus had ``WirewatchConsumerLagNotDraining`` pending,
firing and resolved (read from its ALERTS series).

    .venv/bin/python bench/bench_overload.py                 # the issue's run: 300 s at twice the maximum
    .venv/bin/python bench/bench_overload.py --seconds 20    # a short run (make bench --quick)
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import orjson  # noqa: E402
import yaml  # noqa: E402
from aiokafka import AIOKafkaConsumer  # noqa: E402

from bench.corpus import make_corpus  # noqa: E402
from bench.measure import vm  # noqa: E402
from services.alerter.receiver import WebhookReceiver  # noqa: E402
from services.runtime.broker import EmbeddedBroker, free_port, terminate  # noqa: E402
from tests.conftest import wait_http  # noqa: E402
from tests.support.metrics import scrape  # noqa: E402

RULES = ROOT / "deploy" / "prometheus" / "rules.yml"
ALERT = "WirewatchConsumerLagNotDraining"
OUT = "articles.tagged"
DEAD = ("articles.raw.dlq", "articles.normalized.dlq", "tagger.stories.dlq")


class Tally:
    """Reads articles.tagged and the dead-letter topics from the start: every article id, how often, when first."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.out: Counter[str] = Counter()
        self.dead: Counter[str] = Counter()
        self.first_out: dict[str, float] = {}
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        consumer = AIOKafkaConsumer(OUT, *DEAD, bootstrap_servers=self.bootstrap, group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False,
                                    metadata_max_age_ms=5000)
        await consumer.start()
        self._task = asyncio.create_task(self._run(consumer))

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while True:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for r in records:
                        if r.topic == OUT:
                            key = (r.key or b"").decode()
                            self.out[key] += 1
                            self.first_out.setdefault(key, time.monotonic())
                        else:
                            self.dead[dead_letter_id(r.key, r.value)] += 1
        finally:
            await consumer.stop()

    def done(self, ids: set[str]) -> bool:
        return all(i in self.out or i in self.dead for i in ids)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def dead_letter_id(key: bytes | None, value: bytes | None) -> str:
    """The article a dead letter stands for: the id in its original message (the stories topic keys by story)."""
    try:
        original = orjson.loads(base64.b64decode(orjson.loads(value)["original"]))
        return str(original["id"])
    except Exception:  # noqa: BLE001 - not an article: the key is all there is
        return (key or b"").decode("utf-8", "replace")


class Prometheus:
    """A real Prometheus scraping the worker, with the operator rules file loaded as it is deployed."""

    def __init__(self, target_port: int, workdir: Path) -> None:
        binary = shutil.which("prometheus")
        if not binary:
            raise SystemExit("prometheus is not installed (make setup installs Debian's prometheus)")
        self.port = free_port()
        (workdir / "prometheus.yml").write_text(yaml.safe_dump({
            "global": {"scrape_interval": "5s", "evaluation_interval": "5s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "wirewatch", "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}]}],
        }))
        self.log = open(workdir / "prometheus.log", "wb")
        self.proc = subprocess.Popen([binary, f"--config.file={workdir / 'prometheus.yml'}",
                                      f"--storage.tsdb.path={workdir / 'tsdb'}", f"--web.listen-address=127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(self.port, "/-/ready", timeout_s=60)
        self.base = f"http://127.0.0.1:{self.port}"

    async def alerts(self, session: aiohttp.ClientSession) -> list[tuple[str, str]]:
        """(which alert, pending|firing) of the lag rule's alerts now, from Prometheus's own ALERTS series."""
        async with session.get(f"{self.base}/api/v1/query", params={"query": f'ALERTS{{alertname="{ALERT}"}}'}) as resp:
            body = await resp.json()
        return alerts_now(body, rule())

    def stop(self) -> None:
        terminate(self.proc, timeout_s=15)
        self.log.close()


def alert_name(labels: dict[str, str], rule: dict) -> str:
    """One alert of a rule, named by every label its expression groups by (``service=alerter, topic=articles.tagged``):
    the labels of its ALERTS series but the alert's name and state and the labels the rule sets itself, as Prometheus
    tells one alert from another. A topic alone would make the lag of two services reading one topic one alert."""
    own = {"__name__", "alertname", "alertstate", *rule.get("labels", {})}
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in own) or "(no labels)"


def alerts_now(body: dict, rule: dict) -> list[tuple[str, str]]:
    """(which alert, pending|firing) for each series of a Prometheus answer to an ALERTS query."""
    return [(alert_name(r["metric"], rule), r["metric"]["alertstate"]) for r in body["data"]["result"]]


def alert_changes(seen: list[tuple[float, list[tuple[str, str]]]]) -> dict[str, list[tuple[float, str]]]:
    """Every change of state of each alert, from ALERTS as sampled: pending, firing, resolved (gone after firing)."""
    changes: dict[str, list[tuple[float, str]]] = {}
    for t, now in seen:
        current = dict(now)
        for alert in set(current) | set(changes):
            state = current.get(alert, "resolved" if any(s == "firing" for _, s in changes.get(alert, [])) else "quiet")
            steps = changes.setdefault(alert, [])
            if not steps or steps[-1][1] != state:
                steps.append((t, state))
    return changes


def internal(topic: str) -> bool:
    return topic.endswith("-changelog") or "__assignor" in topic


def say(message: str) -> None:
    print(f"[overload {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rule() -> dict:
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for r in group["rules"]:
            if r.get("alert") == ALERT:
                return r
    raise SystemExit(f"{ALERT} not found in {RULES}")


async def main(args) -> None:
    data = Path(tempfile.mkdtemp(prefix="wirewatch-overload-"))
    port = free_port()
    # The example rules' alerts go to a receiver on loopback, as in a deployment (not retried into dead letters).
    receiver = await WebhookReceiver(secret="whsec_" + base64.b64encode(os.urandom(24)).decode()).start()
    with EmbeddedBroker() as broker:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
        env.update(WIREWATCH_DATA_DIR=str(data), PYTHONUNBUFFERED="1", WIREWATCH_INGEST__MAX_IN_FLIGHT=str(args.max_in_flight),
                   WIREWATCH_NEWSROOM__PORT=str(free_port()), WIREWATCH_WEBHOOK_URL=receiver.url,
                   WIREWATCH_WEBHOOK_SECRET=receiver.secret)
        log = open(data / "run.log", "wb")
        run = subprocess.Popen([sys.executable, "-m", "services.cli", "run", "--broker", broker.bootstrap,
                                "--web-port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        prometheus = None
        try:
            await asyncio.to_thread(wait_http, port, "/readyz", 300)
            prometheus = Prometheus(port, data)
            await Bench(args, broker, run, port, prometheus, receiver).go()
        finally:
            if prometheus:
                prometheus.stop()
            terminate(run, timeout_s=30)
            log.close()
            await receiver.stop()
            if args.keep:
                print(f"  logs kept in {data}")
            else:
                shutil.rmtree(data, ignore_errors=True)


class Bench:
    def __init__(self, args, broker: EmbeddedBroker, run: subprocess.Popen, port: int, prometheus: Prometheus,
                 receiver: WebhookReceiver) -> None:
        self.args, self.broker, self.run, self.port, self.prometheus = args, broker, run, port, prometheus
        self.receiver = receiver
        self.base = f"http://127.0.0.1:{port}"
        self.answers: Counter[int] = Counter()  # by status, every attempt (0 = no answer)
        self.retry_after_missing = 0
        self.accepted: set[str] = set()
        self.gave_up: set[str] = set()
        self.samples: list[tuple[float, dict[str, float], float, float]] = []  # (t, lag by topic, RSS, broker RSS)
        self.alert_seen: list[tuple[float, list[tuple[str, str]]]] = []
        self.t0 = 0.0

    async def post(self, session: aiohttp.ClientSession, record: dict) -> None:
        """One article, sent again after Retry-After while refused (at most 10 attempts)."""
        article = {k: record[k] for k in ("id", "source", "title", "body", "published_at")}
        for _ in range(10):
            wait = 1.0
            try:
                async with session.post(f"{self.base}/ingest", data=orjson.dumps(article),
                                        timeout=aiohttp.ClientTimeout(total=60)) as resp:
                    self.answers[resp.status] += 1
                    if resp.status == 202:
                        self.accepted.add(article["id"])
                        return
                    if resp.status not in (429, 503):
                        break
                    if "Retry-After" not in resp.headers:
                        self.retry_after_missing += 1
                    wait = float(resp.headers.get("Retry-After", "1"))
            except (aiohttp.ClientError, asyncio.TimeoutError):
                self.answers[0] += 1
            await asyncio.sleep(wait)
        self.gave_up.add(article["id"])

    async def watch(self, session: aiohttp.ClientSession) -> None:
        while True:
            lag: dict[str, float] = {}
            try:
                for name, labels, value in await asyncio.to_thread(scrape, self.port):
                    # Table changelogs are read only at recovery (one may show lag 1 for good): not a backlog.
                    if name == "wirewatch_consumer_lag" and not internal(labels["topic"]):
                        lag[labels["topic"]] = lag.get(labels["topic"], 0) + value
            except OSError:
                pass
            t = time.monotonic() - self.t0
            broker = getattr(self.broker, "_proc", None)
            self.samples.append((t, lag, vm(self.run.pid, "VmRSS"), vm(broker.pid, "VmRSS") if broker else float("nan")))
            try:
                self.alert_seen.append((t, await self.prometheus.alerts(session)))
            except (aiohttp.ClientError, asyncio.TimeoutError, KeyError):
                pass
            await asyncio.sleep(2.5)

    async def burst(self, session: aiohttp.ClientSession, tally: Tally, records: list[dict]) -> list[float]:
        """Offer ``records`` at once (half the in-flight limit at a time); when each reached articles.tagged."""
        ids = {r["id"] for r in records}
        gate = asyncio.Semaphore(max(1, self.args.max_in_flight // 2))

        async def one(r: dict) -> None:
            async with gate:
                await self.post(session, r)

        await asyncio.gather(*(one(r) for r in records))
        deadline = time.monotonic() + self.args.drain_timeout
        while not tally.done(ids) and time.monotonic() < deadline:
            await asyncio.sleep(1)
        return sorted(tally.first_out[i] for i in ids if i in tally.first_out)

    async def calibrate(self, session: aiohttp.ClientSession, tally: Tally) -> float:
        """The sustained maximum: a burst offered at once, the rate of arrivals in articles.tagged after the first 10 %
        (after a warm-up, so that loading models on first use is not counted)."""
        say("warm-up: 20 articles")
        await self.burst(session, tally, make_corpus(20, seed=5, prefix="warmup"))
        say(f"measuring the sustained maximum: {self.args.calibrate} articles at once")
        times = await self.burst(session, tally, make_corpus(self.args.calibrate, seed=7, prefix="calibrate"))
        skip = len(times) // 10
        if len(times) - skip < 10:
            raise SystemExit(f"calibration: only {len(times)} of {self.args.calibrate} articles came out")
        return (len(times) - skip - 1) / (times[-1] - times[skip])

    async def go(self) -> None:
        args = self.args
        async with aiohttp.ClientSession() as session:
            tally = Tally(self.broker.bootstrap)
            await tally.start()
            self.t0 = time.monotonic()
            watcher = asyncio.create_task(self.watch(session))
            try:
                sustained = None
                if args.rate is None:
                    sustained = await self.calibrate(session, tally)
                    rate = 2 * sustained
                else:
                    rate = args.rate
                count = int(rate * args.seconds)
                say(f"offering {rate:.2f} articles/s for {args.seconds:.0f} s ({count} articles)")
                records = make_corpus(count, seed=11, prefix="overload")
                ids = {r["id"] for r in records}
                self.calibration_answers = Counter(self.answers)
                self.answers.clear()
                offer_start = time.monotonic() - self.t0
                started = time.monotonic()
                posts = []
                for i, record in enumerate(records):
                    posts.append(asyncio.create_task(self.post(session, record)))
                    await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.monotonic()))
                offer_end = time.monotonic() - self.t0
                await asyncio.gather(*posts)
                answered_end = time.monotonic() - self.t0
                say("offer done; waiting for the lag to drain and the alert to resolve")
                deadline = time.monotonic() + args.drain_timeout
                out_at = None
                while time.monotonic() < deadline:
                    if out_at is None and tally.done(self.accepted & ids):
                        out_at = time.monotonic() - self.t0
                    last = self.samples[-1] if self.samples else None
                    lag_zero = last is not None and last[0] > (out_at or 1e18) and sum(last[1].values()) == 0
                    alert_quiet = self.alert_seen and self.alert_seen[-1][0] > (out_at or 1e18) and not self.alert_seen[-1][1]
                    if out_at is not None and lag_zero and alert_quiet:
                        break
                    await asyncio.sleep(1)
            finally:
                watcher.cancel()
                await asyncio.gather(watcher, return_exceptions=True)
                await tally.stop()
        self.report(sustained, rate, ids, tally, offer_start, offer_end, answered_end, out_at)

    def report(self, sustained, rate, ids, tally: Tally, offer_start, offer_end, answered_end, out_at) -> None:
        args, r = self.args, rule()
        accepted = self.accepted & ids
        out = {i: n for i, n in tally.out.items() if i in accepted}
        dead = {i: n for i, n in tally.dead.items() if i in accepted and i not in out}
        lost = accepted - out.keys() - dead.keys()
        duplicates = sum(n - 1 for n in out.values())
        stray = {i for i in tally.out if i in ids and i not in accepted}  # refused or unanswered, yet written
        series = [(t, sum(lag.values())) for t, lag, *_ in self.samples if t >= offer_start]
        peak_t, peak = max(series, key=lambda s: s[1], default=(0.0, 0.0))
        zero_after = next((t for t, lag in series if t > peak_t and lag == 0), None)
        by_topic: dict[str, float] = {}
        for _, lag, *_ in self.samples:
            for topic, v in lag.items():
                by_topic[topic] = max(by_topic.get(topic, 0), v)
        rss = max((s[2] for s in self.samples if s[2] == s[2]), default=float("nan"))
        broker_rss = max((s[3] for s in self.samples if s[3] == s[3]), default=float("nan"))
        print(f"overload bench ({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, shared 2-core machine): `wirewatch run` "
              f"on the embedded broker, articles from bench/corpus.py (300-1,200 words; en, es, de, fr) one per POST /ingest, "
              f"max {args.max_in_flight} requests in flight")
        if sustained is not None:
            print(f"  sustained maximum measured first: {sustained:.2f} articles/s ({args.calibrate} offered at once; "
                  f"answers {dict(sorted(self.calibration_answers.items()))}); offered twice that: {rate:.2f}/s")
        else:
            print(f"  offered {rate:.2f}/s (--rate)")
        print(f"  offer: {len(ids)} articles over {offer_end - offer_start:.0f} s (last answer {answered_end - offer_start:.0f} s "
              f"after the start); answers {dict(sorted(self.answers.items()))} (every attempt; 0 = no answer); "
              f"{self.retry_after_missing} refusals without Retry-After; {len(self.gave_up & ids)} given up after 10 attempts")
        print(f"  accounting: accepted {len(accepted)} = tagged {len(out)} + dead-lettered {len(dead)} + LOST {len(lost)}"
              + (f" e.g. {sorted(lost)[:5]}" if lost else "") + f"; duplicates in {OUT}: {duplicates}; "
              f"written though not accepted: {len(stray)}")
        delivered = [r for r in self.receiver.received if r.status < 300]
        print(f"  webhooks (the example rules' alerts): {len(delivered)} delivered to the loopback receiver, "
              f"{len({r.webhook_id for r in delivered})} distinct")
        print(f"  RSS: all-in-one peak {rss:.0f} MB (VmHWM {vm(self.run.pid, 'VmHWM'):.0f} MB; bound 1,536 MB: "
              f"{'within' if rss <= 1536 else 'EXCEEDED'}); embedded broker peak {broker_rss:.0f} MB")
        print(f"  consumer lag (summed over partitions): peak {peak:.0f} at {peak_t - offer_start:.0f} s; back to 0 "
              + (f"at {zero_after - offer_start:.0f} s, {zero_after - offer_end:.0f} s after the offer stopped"
                 if zero_after else "NOT within the drain timeout")
              + (f"; every accepted article out {out_at - offer_end:.0f} s after the offer stopped" if out_at else ""))
        print("  peak lag by topic: " + ", ".join(f"{t} {v:.0f}" for t, v in sorted(by_topic.items()) if v))
        step = max(1, len(series) // 16)
        print("  lag over time (s after the offer began: lag): "
              + ", ".join(f"{t - offer_start:.0f}: {lag:.0f}" for t, lag in series[::step]))
        print(f"  {ALERT} (Prometheus {self.prometheus_version()}, real rules file, scrape and evaluation every 5 s; "
              f"rule: {' '.join(r['expr'].split())}, for: {r.get('for', '0s')}):")
        changes = alert_changes(self.alert_seen)
        if not changes:
            print(f"    never pending nor firing (the offer lasted {offer_end - offer_start:.0f} s; the rule needs its "
                  f"condition to hold for {r.get('for')})")
        for alert, seen in sorted(changes.items()):
            fired = any(s == "firing" for _, s in seen)
            print(f"    {alert}: " + ", ".join(f"{s} at {t - offer_start:.0f} s" for t, s in seen)
                  + ("" if fired else " (never fired)")
                  + (" (NOT resolved when the bench stopped)" if fired and seen[-1][1] == "firing" else ""))
        print(f"    (times from the start of the offer, which ran from 0 s to {offer_end - offer_start:.0f} s; negative: "
              f"during the burst that measured the maximum)")

    def prometheus_version(self) -> str:
        try:
            out = subprocess.run(["prometheus", "--version"], capture_output=True, text=True, timeout=10)
            return (out.stdout or out.stderr).split()[2]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0, help="how long to offer (default: the issue's 5 minutes)")
    parser.add_argument("--rate", type=float, default=None, help="articles offered per second (default: twice the "
                        "sustained maximum, measured first)")
    parser.add_argument("--calibrate", type=int, default=160, help="articles in the burst that measures the maximum")
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    parser.add_argument("--keep", action="store_true", help="keep the worker's and Prometheus's logs")
    asyncio.run(main(parser.parse_args()))
