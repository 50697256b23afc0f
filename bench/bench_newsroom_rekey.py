"""How long the newsroom's first open takes to give stored reports their entity keys again (services/newsroom/rekey.py):
N generated reports (bench_newsroom's), a third naming "Foreign Ministry" and "Defence Ministry" keyed ``name:ministry`` and
"UK Foreign Office" as an older tagger keyed them, the rest two names whose keys stand; all unmarked, then opened. With
``--keyed-by 1``, a store of reports marked by key rule 1 (rekey.KEY_RULE), a third naming "Israel Defence Forces" and
"Defence Ministry" as rule 1 keyed them (their British spellings), made again from their keys (rekey.respelt, then
rekey.rebodied); with ``--keyed-by 2``, by rule 2, a third naming "National Paediatric Programme" and "Fibre Optic
Centre" as rule 2 keyed them (spellings table 1: "centre" folded, "programme", "paediatric" and "fibre" not); with
``--keyed-by 3``, by rule 3, a third naming "U.S. Federal Aviation Administration" keyed by the words written and
"Foreign Ministry" keyed by its country as the text gave it (rekey.rebodied); with ``--keyed-by 4``, by rule 4, a third
naming "Labour Ministry" and "State Duma" as rule 4 keyed them (rekey.respelt, rekey.rebodied); with ``--keyed-by 5``,
by rule 5, a third naming "Ministry of Foreign Affairs" and "Russian State Duma" as rule 5 keyed them (the words in the
order written: rekey.respelt; the country's word kept: rekey.rebodied); with ``--keyed-by 6``, by rule 6, a third naming
"Armed Forces of Ukraine" and "Central Bank of Russia" as rule 6 keyed them (the words written: rekey.rebodied); with
``--keyed-by 7``, by rule 7, a third naming a NORP "Springboks" keyed ``name:springboks`` (rekey.rebodied:
``name:springbok``) and a "Parliament" its article's country keyed (kept); with ``--keyed-by 8``, by rule 8, a third
naming "Reserve Bank of India" and "Counselling Service" as rule 8 keyed them (the words written: rekey.rebodied
``name:indian reserve bank``, rekey.respelt ``name:counseling service``); with ``--keyed-by 9``, by rule 9, a third naming
"Reserve Bank of New Zealand" as rule 9 keyed it (rekey.respelt: ``name:new zealand reserve bank``) and a bare
"Treasury" (kept).

    .venv/bin/python bench/bench_newsroom_rekey.py [--articles 100000] [--keyed-by {none,1,...,9}] [--dir DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_newsroom import generated  # noqa: E402
from schemas import Entity, Salience  # noqa: E402
from services.newsroom import store as store_module  # noqa: E402
from services.newsroom.sqlite import SQLiteStore  # noqa: E402

OLD = [("Foreign Ministry", "name:ministry"), ("Defence Ministry", "name:ministry"), ("UK Foreign Office", "name:uk foreign office")]
RULE_1 = [("Israel Defence Forces", "name:israel defence forces"), ("Defence Ministry", "name:defence ministry")]
RULE_2 = [("National Paediatric Programme", "name:national paediatric programme"), ("Fibre Optic Centre", "name:fibre optic center")]
RULE_3 = [("U.S. Federal Aviation Administration", "name:u.s federal aviation administration"),
          ("Foreign Ministry", "name:russian foreign ministry")]
RULE_4 = [("Labour Ministry", "name:labour ministry"), ("State Duma", "name:state duma")]
RULE_5 = [("Ministry of Foreign Affairs", "name:ministry of foreign affairs"), ("Russian State Duma", "name:russian state duma")]
RULE_6 = [("Armed Forces of Ukraine", "name:armed forces of ukraine"), ("Central Bank of Russia", "name:central bank of russia")]
# A NORP name a rule-7 tagger keyed as the team it first took it for; a bare body keyed by its article's country.
RULE_7 = [("Springboks", "name:springboks", "NORP"), ("Parliament", "name:british parliament")]
RULE_8 = [("Reserve Bank of India", "name:reserve bank of india"), ("Counselling Service", "name:counselling service")]
# A body of New Zealand a rule-9 tagger keyed by its people's noun; a bare "Treasury" (kept: its country came from the text).
RULE_9 = [("Reserve Bank of New Zealand", "name:new zealander reserve bank"), ("Treasury", "name:treasury")]
STANDING = [("Acme Corp", "name:acme corp"), ("Jane Okafor", "name:jane okafor")]


def with_names(article, names: list[tuple[str, ...]]):
    """``article`` with unlinked mentions of ``names`` (name, key, and a NER label other than ORG), counted as the
    tagger's salience counts them."""
    names = [(name, key, *rest, "ORG")[:3] for name, key, *rest in names]
    entities = article.entities + [Entity(text=name, type=kind, field="body", start=0, end=1, key=key) for name, key, kind in names]
    keys = {key: (name, kind) for name, key, kind in reversed(names)}
    salience = article.salience + [Salience(key=key, name=name, type=kind,
                                            mentions=sum(k == key for _, k, _ in names), in_title=False, in_lead=False)
                                   for key, (name, kind) in keys.items()]
    return article.model_copy(update={"entities": entities, "salience": salience})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keyed-by", choices=("none", *map(str, range(1, 10))), default="none", help="the key rule the stored reports are marked by")
    parser.add_argument("--dir", type=Path, help="where the store is made (a temporary directory by default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = (args.dir or Path(scratch)) / "newsroom.sqlite3"
        rng, start = random.Random(7), datetime.now(timezone.utc) - timedelta(days=25)
        old, mark = {"none": (OLD, None), "1": (RULE_1, "names"), "2": (RULE_2, "names:2"),
                     "3": (RULE_3, "names:3"), "4": (RULE_4, "names:4"), "5": (RULE_5, "names:5"),
                     "6": (RULE_6, "names:6"), "7": (RULE_7, "names:7"), "8": (RULE_8, "names:8"),
                     "9": (RULE_9, "names:9")}[args.keyed_by]
        store = SQLiteStore(path)
        # Written as a release before the store made a delivered report's keys its rule's (rekey.delivered_keys) wrote them.
        as_delivered, store_module.delivered_keys = store_module.delivered_keys, lambda row: row
        for first in range(0, args.articles, 500):
            store.write_articles([with_names(generated(n, max(1, args.articles // 5), rng, start), old if n % 3 == 0 else STANDING)
                                  for n in range(first, min(args.articles, first + 500))], now=time.time())
        store_module.delivered_keys = as_delivered
        store.conn().execute("UPDATE articles SET keys_from = ?", (mark,))  # NULL: as a store from before the column
        store.close()
        began = time.perf_counter()
        store = SQLiteStore(path)
        opened = time.perf_counter() - began
        counts = store._rows("SELECT key, count(*) AS n FROM article_entities WHERE key LIKE 'name:%' GROUP BY key ORDER BY key")
        store.close()
        began = time.perf_counter()
        SQLiteStore(path).close()
        print(f"{args.articles} reports: first open {opened:.1f} s (keys made again), the next {time.perf_counter() - began:.2f} s")
        print("  reports per key after: " + ", ".join(f"{r['key']} {r['n']}" for r in counts))


if __name__ == "__main__":
    main()
