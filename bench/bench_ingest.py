"""Feeds parsed and entries per second on the project's fixture feeds (every format and encoding), and the
full poll path (fetch from a loopback aiohttp server + parse) in feeds polled per second."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.ingest.feeds import FeedConfig  # noqa: E402
from services.ingest.fetcher import Fetcher  # noqa: E402
from services.ingest.parser import parse_feed  # noqa: E402
from services.ingest.poller import poll_once  # noqa: E402
from services.ingest.polling import FeedState, PollPolicy  # noqa: E402
from services.ingest.settings import IngestSettings  # noqa: E402
from tests.support.feedserver import FIXTURES, FeedServer  # noqa: E402

NOW = datetime.now(timezone.utc)


def bench_parse(seconds: float = 3.0) -> None:
    docs = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.suffix in (".xml", ".json")]
    feeds = entries = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for name, data in docs:
            entries += len(parse_feed(data, feed_id="bench", now=NOW).entries)
            feeds += 1
    elapsed = time.perf_counter() - started
    print(f"parse: {len(docs)} fixture feeds, {feeds / elapsed:,.0f} feeds parsed/s, {entries / elapsed:,.0f} entries/s")


async def bench_poll(rounds: int = 200) -> None:
    server = await FeedServer().start()
    settings = IngestSettings(allow_hosts=["127.0.0.1"], per_host_concurrency=8, concurrency=8)
    names = [p.name for p in sorted(FIXTURES.iterdir()) if p.suffix in (".xml", ".json")]
    try:
        async with Fetcher(settings) as fetcher:
            async def one(i: int) -> int:
                feed = FeedConfig(id=f"bench-{i % len(names)}", url=server.url(f"/feed/{names[i % len(names)]}"))
                result = await poll_once(feed, FeedState(feed_id=feed.id, url=feed.url), fetcher, policy=PollPolicy(),
                                         now=time.time(), conditional=False)
                return len(result.records)
            started = time.perf_counter()
            counts = await asyncio.gather(*(one(i) for i in range(rounds)))
            elapsed = time.perf_counter() - started
    finally:
        await server.stop()
    print(f"poll:  {rounds} polls over loopback HTTP, {rounds / elapsed:,.0f} feeds polled/s, {sum(counts) / elapsed:,.0f} entries/s")


if __name__ == "__main__":
    bench_parse()
    asyncio.run(bench_poll())
