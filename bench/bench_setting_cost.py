"""What one normalize setting or feature costs: the median normalize time per article with it on and off, both
normalizers in one process and taking the documents in turn (on, off; then off, on), so a busy machine weighs
on both alike.

    .venv/bin/python bench/bench_setting_cost.py --ntrex PATH/ntrex_dev.jsonl \\
        --setting keep_name_runs --languages spa,swe,fra [--docs 30]
    .venv/bin/python bench/bench_setting_cost.py --ntrex PATH/ntrex_dev.jsonl \\
        --feature pivot_name_check --languages fra,ita,por,ron

A feature is a step with no setting of its own, turned off in the bench alone: ``pivot_name_check`` is the check,
on pivot routes (French, Italian, Portuguese, Romanian through Spanish), of a name's words the pivot would read as
its own (``Normalizer._misread_by_pivot``: two marked Apertium calls per field with name runs). For a feature the
bench also reports the time spent in the step itself and how often it ran, from the "on" normalizer.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from schemas import RawArticle  # noqa: E402
from services.normalize.core import Normalizer  # noqa: E402
from services.normalize.settings import NormalizeSettings  # noqa: E402


@dataclass
class StepTimes:
    """Milliseconds spent in a step, one entry per call."""

    ms: list[float] = field(default_factory=list)


async def _nothing(*_args: object, **_kwargs: object) -> set[str]:
    return set()


def _timed(step: Callable, times: StepTimes) -> Callable:
    @functools.wraps(step)
    async def run(*args: object, **kwargs: object):
        started = time.perf_counter()
        try:
            return await step(*args, **kwargs)
        finally:
            times.ms.append((time.perf_counter() - started) * 1000)

    return run


# A feature: the Normalizer method that is the step, replaced on the "off" normalizer by one that finds nothing.
FEATURES: dict[str, str] = {"pivot_name_check": "_misread_by_pivot"}


def _normalizers(setting: str | None, feature: str | None, step_times: StepTimes) -> dict[bool, Normalizer]:
    if setting is not None:
        return {value: Normalizer(NormalizeSettings(**{setting: value})) for value in (True, False)}
    method = FEATURES[feature]
    on, off = Normalizer(NormalizeSettings()), Normalizer(NormalizeSettings())
    setattr(on, method, _timed(getattr(on, method), step_times))
    setattr(off, method, _nothing)
    return {True: on, False: off}


def _raw(row: dict, turn: str) -> RawArticle:
    # Its own id per normalizer: nothing is shared between the two but the machine.
    return RawArticle(id=f"ntrex-{row['document']}-{row['language']}-{turn}", source="ntrex", title=row["title"],
                      body=row["body"], fetched_at=datetime(2019, 1, 1, tzinfo=timezone.utc))


async def measure(rows: list[dict], setting: str | None, feature: str | None = None) -> tuple[dict[bool, float], StepTimes]:
    step = StepTimes()
    normalizers = _normalizers(setting, feature, step)
    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        for normalizer in normalizers.values():  # models, pairs and caches loaded before anything is timed
            for row in rows[:3]:
                await normalizer.normalize(_raw(row, "warm"))
        step.ms.clear()  # the step's calls counted from here on
        for i, row in enumerate(rows):
            for value in (True, False) if i % 2 else (False, True):
                started = time.perf_counter()
                await normalizers[value].normalize(_raw(row, str(value)))
                times[value].append((time.perf_counter() - started) * 1000)
    finally:
        for normalizer in normalizers.values():
            await normalizer.aclose()
    return {value: statistics.median(ms) for value, ms in times.items()}, step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ntrex", type=Path, required=True, help="ntrex_dev.jsonl")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--setting", help="a boolean NormalizeSettings field (keep_name_runs, keep_names, repair...)")
    what.add_argument("--feature", choices=sorted(FEATURES), help="a step with no setting, turned off in the bench alone")
    parser.add_argument("--languages", default="spa,swe,fra", help="NTREX codes, comma-separated")
    parser.add_argument("--docs", type=int, default=30, help="documents per language")
    args = parser.parse_args()
    if args.setting is not None and (
            args.setting not in NormalizeSettings.model_fields or not isinstance(getattr(NormalizeSettings(), args.setting), bool)):
        parser.error(f"--setting: {args.setting!r} is no boolean normalize setting")
    if not args.ntrex.is_file():
        print(f"bench_setting_cost: {args.ntrex} is absent; nothing measured")
        return
    rows = [json.loads(line) for line in args.ntrex.read_text(encoding="utf-8").splitlines() if line.strip()]
    name = args.setting or args.feature
    print(f"median normalize ms per article, {name} on / off ({args.docs} documents each; {args.ntrex})")
    for code in args.languages.split(","):
        chosen = [r for r in rows if r["language"] == code][: args.docs]
        if not chosen:
            print(f"  {code}: no documents")
            continue
        ms, step = asyncio.run(measure(chosen, args.setting, args.feature))
        line = f"  {code}: {ms[True]:.0f} / {ms[False]:.0f} ms ({ms[True] - ms[False]:+.0f} ms)"
        if args.feature is not None:
            total = sum(step.ms)
            median = statistics.median(step.ms) if step.ms else 0.0
            line += (f"; the step ran {len(step.ms)} times in {len(chosen)} articles, {total / len(chosen):.1f} ms per article"
                     f" (median {median:.1f} ms a call)")
        print(line, flush=True)


if __name__ == "__main__":
    main()
