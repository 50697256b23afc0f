"""What the index on article_entities (key, name) (schema.ENTITY_NAMES_INDEX) gains an entity's page and costs a write.

Reads: on a store ``bench_newsroom.py --db PATH`` filled (2,000 entities of about 200 reports each), with a key every
report names added once, in two spellings (as "Israel Defence Forces" and "Israel Defense Forces"), the median time of
the queries an entity's page makes of article_entities by key (its names, its counts, its stories), for that key (20
times) and for 200 keys of the generator, without the index and with it (dropped and made again on the store).

Writes (``--writes N``): N of bench_newsroom's generated reports, 500 to a transaction, into a fresh store without and
with the index, alternating ``--rounds`` times; reports per CPU-second of this process (less sensitive than wall time
to other work on a shared machine) and per wall-clock second, medians.

Run: .venv/bin/python bench/bench_entity_index.py --db /tmp/newsroom.sqlite3 [--writes 30000 --rounds 3]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_newsroom import generated  # noqa: E402
from services.newsroom import schema  # noqa: E402
from services.newsroom.sqlite import SQLiteStore  # noqa: E402

WIDE = "Qwide"
QUERIES = {
    "names": "SELECT name, count(*) AS reports FROM article_entities WHERE key = ? GROUP BY name",
    "counts": "SELECT count(*) AS articles, count(DISTINCT story_id) AS stories FROM article_entities WHERE key = ?",
    "stories": "SELECT s.id FROM stories s WHERE s.id IN (SELECT story_id FROM article_entities WHERE key = ?) "
               "ORDER BY s.last_at DESC, s.id LIMIT 25",
}
MADE = next(s for s in schema.TABLES if schema.ENTITY_NAMES_INDEX in s)


def median_ms(conn: sqlite3.Connection, sql: str, key: str, times: int) -> float:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        conn.execute(sql, [key]).fetchall()
        spent.append((time.perf_counter() - began) * 1000)
    return statistics.median(spent)


def reads(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    if not conn.execute("SELECT 1 FROM article_entities WHERE key = ? LIMIT 1", [WIDE]).fetchall():
        conn.execute("INSERT INTO article_entities (article_id, story_id, key, name, type, mentions, at) "
                     f"SELECT id, story_id, '{WIDE}', CASE WHEN rowid % 3 THEN 'Wide Defence Forces' "
                     "ELSE 'Wide Defense Forces' END, 'ORG', 1, at FROM articles")
    reports = conn.execute("SELECT count(*) FROM article_entities WHERE key = ?", [WIDE]).fetchone()[0]
    for indexed in (False, True, False, True):  # twice each, alternating
        conn.execute(f"DROP INDEX IF EXISTS {schema.ENTITY_NAMES_INDEX}")
        if indexed:
            conn.execute(MADE)
        for name, sql in QUERIES.items():
            plan = " / ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, [WIDE]))
            wide = median_ms(conn, sql, WIDE, 20)
            usual = statistics.median(median_ms(conn, sql, f"Q{1000 + k * 10}", 1) for k in range(200))
            print(f"{'with' if indexed else 'without'} the index, {name:>7}: a key of {reports} reports {wide:6.1f} ms, "
                  f"keys of about 200 {usual:5.2f} ms  [{plan}]")
    conn.execute(MADE)  # the store as the newsroom keeps it
    conn.close()


def writes(count: int, rounds: int) -> None:
    from services.newsroom.rekey import load_tables

    load_tables()  # keying a delivered report: once, before any timing
    start = datetime.now(timezone.utc) - timedelta(days=25)
    articles = [generated(n, count // 5, random.Random(n), start) for n in range(count)]
    without = [s for s in schema.TABLES if s != MADE]
    cpu: dict[bool, list[float]] = {False: [], True: []}
    wall: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for indexed in (False, True):
            schema.TABLES[:] = [*without, MADE] if indexed else without
            folder = Path(tempfile.mkdtemp(prefix="bench-entity-index-"))
            store = SQLiteStore(folder / "newsroom.sqlite3")
            cpu_began, wall_began = time.process_time(), time.perf_counter()
            for first in range(0, count, 500):
                store.write_articles(articles[first:first + 500], now=time.time())
            cpu[indexed].append(count / (time.process_time() - cpu_began))
            wall[indexed].append(count / (time.perf_counter() - wall_began))
            store.close()
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    for indexed in (False, True):
        print(f"writes {'with' if indexed else 'without'} the index: {statistics.median(cpu[indexed]):.0f} reports per "
              f"CPU-second ({', '.join(f'{r:.0f}' for r in cpu[indexed])}), {statistics.median(wall[indexed]):.0f} per "
              f"second of wall-clock time ({count} reports, median of {rounds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="a store bench_newsroom.py --db filled (a key every report names is added)")
    parser.add_argument("--writes", type=int, default=0, help="reports written into a fresh store without and with the index")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.db:
        reads(args.db)
    if args.writes:
        writes(args.writes, args.rounds)


if __name__ == "__main__":
    main()
