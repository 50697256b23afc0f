"""Read a service's ``/metrics`` the way Prometheus does, so tests assert on values, not on presence."""

from __future__ import annotations

import asyncio
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(port: int) -> list[tuple[str, dict[str, str], float]]:
    """Every sample a service exposes: (sample name, labels, value)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    return [(s.name, dict(s.labels), s.value) for family in text_string_to_metric_families(text) for s in family.samples]


def metric(port: int, name: str, **labels: str) -> float:
    """The sum of the samples called ``name`` whose labels include ``labels`` (0 when there is none)."""
    return sum(v for n, ls, v in scrape(port) if n == name and all(ls.get(k) == want for k, want in labels.items()))


async def wait_until(condition, timeout_s: float, what: str) -> None:
    """Poll ``condition`` (a blocking callable, such as one that reads /metrics) off the event loop until it holds."""
    deadline = time.monotonic() + timeout_s
    while not await asyncio.to_thread(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout_s:.0f}s")
        await asyncio.sleep(0.25)
