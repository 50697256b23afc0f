"""Overload: POST /ingest offered more than the all-in-one worker sustains, then left to drain.

Starts the embedded broker and ``wirewatch run``, offers ``--rate`` articles a second (one per request, each
request on its own, as many clients would) for ``--seconds``, then stops offering and waits for the lag to
drain. Prints what was offered, accepted (202), refused (429/503, with Retry-After), lost (accepted but never
tagged nor dead-lettered), the all-in-one peak RSS, the summed consumer lag over time (rise and drain), and
whether the operator alert ``WirewatchConsumerLagGrowing`` (deploy/prometheus/rules.yml) could fire: its
condition, evaluated here on the sampled lag, not by Prometheus.

    .venv/bin/python bench/bench_overload.py --rate 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import orjson  # noqa: E402
import yaml  # noqa: E402

from services.runtime.broker import EmbeddedBroker, free_port, terminate  # noqa: E402
from tests.conftest import wait_http  # noqa: E402
from tests.support.kafka import collect  # noqa: E402
from tests.support.metrics import metric, scrape  # noqa: E402


# A wire story of about 400 words, as the pipeline benchmark's corpus has them.
BODY = ("Dock workers at the port of Rotterdam walked out on Thursday over pay, the FNV union said, halting "
        "container traffic at Europe's largest port. Talks with the employers' association broke down late on "
        "Wednesday after the union rejected an offer of a 3 percent rise. ") * 10


def vm(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def lag_rule() -> tuple[float, str]:
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "rules.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if rule.get("alert") == "WirewatchConsumerLagGrowing":
                threshold = float(rule["expr"].split(">")[1].split()[0])
                return threshold, rule.get("for", "0m")
    raise SystemExit("WirewatchConsumerLagGrowing not found in deploy/prometheus/rules.yml")


async def main(args) -> None:
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="wirewatch-overload-"))
    with EmbeddedBroker() as broker:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
        env.update(WIREWATCH_DATA_DIR=str(data), PYTHONUNBUFFERED="1",
                   WIREWATCH_INGEST__MAX_IN_FLIGHT=str(args.max_in_flight))
        log = open(data / "run.log", "wb")
        run = subprocess.Popen([sys.executable, "-m", "services.cli", "run", "--broker", broker.bootstrap,
                                "--web-port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            await serve(args, broker, run, port)
        finally:
            terminate(run, timeout_s=30)
            log.close()


async def serve(args, broker, run, port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    await asyncio.to_thread(wait_http, port, "/readyz", 240)
    async with aiohttp.ClientSession() as session:
        outcomes: dict[int, int] = {}
        accepted: set[str] = set()
        retry_after_missing = 0
        samples: list[tuple[float, float, float]] = []  # (t, summed lag, RSS MB)
        started = time.monotonic()

        async def push(i: int) -> None:
            nonlocal retry_after_missing
            article = {"id": f"overload-{i}", "title": f"Harbour strike day {i}", "source": "overload",
                       "body": BODY}
            try:
                async with session.post(f"{base}/ingest", data=orjson.dumps(article),
                                        timeout=aiohttp.ClientTimeout(total=60)) as resp:
                    outcomes[resp.status] = outcomes.get(resp.status, 0) + 1
                    if resp.status == 202:
                        accepted.add(article["id"])
                    elif resp.status in (429, 503) and "Retry-After" not in resp.headers:
                        retry_after_missing += 1
            except (aiohttp.ClientError, asyncio.TimeoutError):
                outcomes[0] = outcomes.get(0, 0) + 1

        async def sample() -> None:
            while True:
                lag = await asyncio.to_thread(lambda: _safe(metric, port, "wirewatch_consumer_lag"))
                samples.append((time.monotonic() - started, lag, vm(run.pid, "VmRSS")))
                await asyncio.sleep(2)

        sampler = asyncio.create_task(sample())
        pushes = []
        for i in range(int(args.rate * args.seconds)):
            pushes.append(asyncio.create_task(push(i)))
            await asyncio.sleep(max(0.0, started + (i + 1) / args.rate - time.monotonic()))
        await asyncio.gather(*pushes)
        offered_s = time.monotonic() - started
        drained_at = None
        box: dict = {}

        def drained(s: dict) -> bool:
            box["seen"] = s
            done = {m["key"].decode() for t in ("articles.tagged", "articles.raw.dlq") for m in s[t] if m["key"]}
            return accepted <= done

        try:
            await collect(broker.bootstrap, ["articles.tagged", "articles.raw.dlq"], timeout_s=args.drain_timeout,
                          until=drained)
            drained_at = time.monotonic() - started
        except AssertionError:
            pass
        seen = box["seen"]
        sampler.cancel()
        left = {}
        for name, labels, value in await asyncio.to_thread(lambda: _safe_scrape(port)):
            if name == "wirewatch_consumer_lag" and value:
                left[f"{labels.get('topic')}[{labels.get('partition')}]"] = value
    tagged = {m["key"].decode() for m in seen["articles.tagged"] if m["key"]}
    dead = {m["key"].decode() for m in seen["articles.raw.dlq"] if m["key"]}
    lost = accepted - tagged - dead
    threshold, for_ = lag_rule()
    above = [t for t, lag, _ in samples if lag > threshold]
    peak_lag = max((lag for _, lag, _ in samples), default=0)
    print(f"overload bench ({datetime.now(timezone.utc):%Y-%m-%d}, shared 2-core machine): offered {args.rate:g} articles/s "
          f"for {offered_s:.0f} s through POST /ingest to `wirewatch run` (max {args.max_in_flight} requests in flight)")
    print(f"  answers: {dict(sorted(outcomes.items()))} (0 = no answer); {retry_after_missing} refusals without Retry-After")
    print(f"  accepted {len(accepted)}; tagged {len(accepted & tagged)}; dead-lettered {len(accepted & dead)}; "
          f"LOST {len(lost)}" + (f" e.g. {sorted(lost)[:5]}" if lost else ""))
    print(f"  peak RSS of the all-in-one process {max((r for *_, r in samples), default=float('nan')):.0f} MB "
          f"(VmHWM {vm(run.pid, 'VmHWM'):.0f} MB)")
    print(f"  summed consumer lag: peak {peak_lag:.0f}; drained "
          + (f"{drained_at - offered_s:.0f} s after the offer stopped" if drained_at else f"NOT within {args.drain_timeout:.0f} s"))
    print(f"  lag left at the end, by partition: {left or 'none'}")
    print("  lag over time (s: lag): " + ", ".join(f"{t:.0f}: {lag:.0f}" for t, lag, _ in samples[:: max(1, len(samples) // 15)]))
    print(f"  WirewatchConsumerLagGrowing (lag > {threshold:g} and growing, for {for_}): lag above {threshold:g} for "
          f"{(above[-1] - above[0]) if above else 0:.0f} s of this run; "
          + ("long enough for the alert's `for`" if above and (above[-1] - above[0]) >= _minutes(for_) * 60
             else f"shorter than its `for: {for_}`, so it cannot fire here"))


def _minutes(text: str) -> float:
    return float(text[:-1]) * {"s": 1 / 60, "m": 1, "h": 60}[text[-1]]


def _safe_scrape(port: int) -> list:
    try:
        return scrape(port)
    except OSError:
        return []


def _safe(fn, *args, **kwargs) -> float:
    try:
        return fn(*args, **kwargs)
    except OSError:
        return float("nan")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=24.0, help="articles offered per second (default: about twice "
                        "what the all-in-one worker sustains on 2 cores)")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to offer (the issue's run: 300)")
    parser.add_argument("--max-in-flight", type=int, default=32)
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    asyncio.run(main(parser.parse_args()))
