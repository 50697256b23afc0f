"""What one normalize setting costs: the median normalize time per article with the setting on and off, both
normalizers in one process and taking the documents in turn (on, off; then off, on), so a busy machine weighs
on both alike.

    .venv/bin/python bench/bench_setting_cost.py --ntrex ../shared/devdata/crosslingual/ntrex_dev.jsonl \\
        --setting keep_name_runs --languages spa,swe,fra [--docs 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import RawArticle  # noqa: E402
from services.normalize.core import Normalizer  # noqa: E402
from services.normalize.settings import NormalizeSettings  # noqa: E402


def _raw(row: dict, turn: str) -> RawArticle:
    # Its own id per normalizer: nothing is shared between the two but the machine.
    return RawArticle(id=f"ntrex-{row['document']}-{row['language']}-{turn}", source="ntrex", title=row["title"],
                      body=row["body"], fetched_at=datetime(2019, 1, 1, tzinfo=timezone.utc))


async def measure(rows: list[dict], setting: str) -> dict[bool, float]:
    normalizers = {value: Normalizer(NormalizeSettings(**{setting: value})) for value in (True, False)}
    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        for normalizer in normalizers.values():  # models, pairs and caches loaded before anything is timed
            for row in rows[:3]:
                await normalizer.normalize(_raw(row, "warm"))
        for i, row in enumerate(rows):
            for value in (True, False) if i % 2 else (False, True):
                started = time.perf_counter()
                await normalizers[value].normalize(_raw(row, str(value)))
                times[value].append((time.perf_counter() - started) * 1000)
    finally:
        for normalizer in normalizers.values():
            await normalizer.aclose()
    return {value: statistics.median(ms) for value, ms in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ntrex", type=Path, required=True, help="ntrex_dev.jsonl")
    parser.add_argument("--setting", required=True, help="a boolean NormalizeSettings field (keep_name_runs, keep_names, repair...)")
    parser.add_argument("--languages", default="spa,swe,fra", help="NTREX codes, comma-separated")
    parser.add_argument("--docs", type=int, default=30, help="documents per language")
    args = parser.parse_args()
    if args.setting not in NormalizeSettings.model_fields or not isinstance(getattr(NormalizeSettings(), args.setting), bool):
        parser.error(f"--setting: {args.setting!r} is no boolean normalize setting")
    if not args.ntrex.is_file():
        print(f"bench_setting_cost: {args.ntrex} is absent; nothing measured")
        return
    rows = [json.loads(line) for line in args.ntrex.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"median normalize ms per article, {args.setting} on / off ({args.docs} documents each; {args.ntrex})")
    for code in args.languages.split(","):
        chosen = [r for r in rows if r["language"] == code][: args.docs]
        if not chosen:
            print(f"  {code}: no documents")
            continue
        ms = asyncio.run(measure(chosen, args.setting))
        print(f"  {code}: {ms[True]:.0f} / {ms[False]:.0f} ms ({ms[True] - ms[False]:+.0f} ms)", flush=True)


if __name__ == "__main__":
    main()
