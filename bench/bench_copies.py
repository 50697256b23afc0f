"""Near-duplicates on real text: does the story stage know a copy of an earlier article, and only a copy?

    .venv/bin/python bench/bench_copies.py [--crosslingual ntrex_dev.jsonl] [--events galaxy_dev.jsonl] [--cache DIR]
        [--generated N]

- ``--crosslingual``: NTREX-128 has each of its 40 documents in four English editions (``eng``, ``eng-GB``,
  ``eng-IN``, ``eng-US``: one text, localised spelling and wording here and there), the nearest thing to a wire
  story republished by other sites in the data. They are streamed in that order; each later edition should be
  known as a copy of an earlier edition of its own document (``story_evidence.copy_of``) and of nothing else.
- ``--events``: real news by event (galaxy_dev), reports of one event by different publishers: a copy found there
  is either a republished text or a false copy (the two texts are printed).
- the generated corpus (bench/corpus.py, templated: the hardest case for a false copy), ``--generated`` articles
  (160 by default; the more articles, the more template fills of one notice to take for copies: 1,000 and 4,000 are
  the sizes docs/tagger.md reports).

For each, the SimHash distances and sketch resemblances (near_duplicates) between texts of the same document or
event and of different ones, what the fingerprints cost, and what the story stage does with and without the copy rule.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_stories import DEVDATA, FETCHED, _when, b_cubed, countries, tag_all, tag_languages  # noqa: E402
from schemas import RawArticle, TaggedArticle  # noqa: E402
from services.tagger import story_features  # noqa: E402
from services.tagger.assign import StoryAssigner, story_config  # noqa: E402
from services.tagger.near_duplicates import MAX_DISTANCE, MIN_RESEMBLANCE, distance, fingerprint, resemblance  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402

EDITIONS = ("eng", "eng-GB", "eng-IN", "eng-US")
GENERATED = 160  # articles of the generated corpus


def distances(tagged: list[TaggedArticle], gold: dict[str, str]) -> str:
    """How many pairs of one class and of different classes lie within MAX_DISTANCE bits and resemble each other at
    least MIN_RESEMBLANCE, the closest of the latter, and what the fingerprints cost."""
    started = time.perf_counter()
    prints = [(t.id, fingerprint(t.body)) for t in tagged]
    cost = (time.perf_counter() - started) / max(len(tagged), 1) * 1000
    prints = [(i, f) for i, f in prints if f is not None]
    same, other = Counter(), Counter()
    alike, unlike = [], []
    for (a, (ha, sa)), (b, (hb, sb)) in itertools.combinations(prints, 2):
        (same if gold[a] == gold[b] else other)[distance(ha, hb)] += 1
        (alike if gold[a] == gold[b] else unlike).append(resemblance(sa, sb))
    near = lambda c: sum(n for d, n in c.items() if d <= MAX_DISTANCE)  # noqa: E731
    like = lambda rs: sum(r >= MIN_RESEMBLANCE for r in rs)  # noqa: E731
    closest = min(other) if other else None
    copies = [r for r in alike if r >= MIN_RESEMBLANCE]
    return (f"{len(prints)} texts with a SimHash ({cost:.2f} ms per text for SimHash and sketch); same class: "
            f"{near(same)} of {sum(same.values())} pairs within {MAX_DISTANCE} bits, {like(alike)} resembling at least "
            f"{MIN_RESEMBLANCE} (lowest {min(copies, default=0):.2f}; highest of the rest "
            f"{max((r for r in alike if r < MIN_RESEMBLANCE), default=0):.2f}); different classes: {near(other)} of {sum(other.values())} pairs within {MAX_DISTANCE} "
            f"bits (closest {closest} bits apart), {like(unlike)} resembling at least {MIN_RESEMBLANCE} (highest "
            f"{max(unlike, default=0):.2f})")


def place(tagged: list[TaggedArticle], copies: bool) -> tuple[dict[str, TaggedArticle], float]:
    """Every article placed in order by the story stage, with the copy rule or without it, and the ms per article."""
    real = story_features.fingerprint
    if not copies:
        story_features.fingerprint = lambda text: None
    try:
        assigner = StoryAssigner(story_config(TaggerSettings()), countries())
        started = time.perf_counter()
        placed = {t.id: assigner.place(t, now=max(FETCHED, t.published_at or FETCHED))[0] for t in tagged}
        return placed, (time.perf_counter() - started) / max(len(tagged), 1) * 1000
    finally:
        story_features.fingerprint = real


def report(name: str, tagged: list[TaggedArticle], gold: dict[str, str]) -> None:
    print(f"{name}:")
    print(f"  {distances(tagged, gold)}")
    for copies in (False, True):
        placed, cost = place(tagged, copies)
        p, r, f = b_cubed(gold, {i: t.story_id for i, t in placed.items()})
        line = (f"  copy rule {'on ' if copies else 'off'}: B-cubed precision {p:.3f}  recall {r:.3f}  F1 {f:.3f} "
                f"({cost:.2f} ms per article placed)")
        if copies:
            found = [(i, t.story_evidence.copy_of) for i, t in placed.items() if t.story_evidence and t.story_evidence.copy_of]
            wrong = [(i, c) for i, c in found if gold[i] != gold[c]]
            line += f"; {len(found)} articles known as copies, {len(wrong)} of another class"
            for i, c in wrong[:5]:
                print(f"    false copy: {placed[i].title[:60]!r} of {placed[c].title[:60]!r}")
        print(line)


def ntrex(path: Path, cache: Path | None) -> None:
    every = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {code: code.lower() for code in EDITIONS}
    tagged, _ = tag_languages(every, wanted, cache)
    gold = {f"{r['document']}-{wanted[r['language']]}": str(r["document"]) for r in every if r["language"] in wanted}
    report(f"NTREX-128's English editions ({path}; {len(EDITIONS)} editions of {len(set(gold.values()))} documents, "
           "in that order)", tagged, gold)
    placed, _ = place(tagged, True)
    for code in EDITIONS[1:]:
        ids = [i for i in placed if i.endswith(f"-{wanted[code]}")]
        known = sum(1 for i in ids if placed[i].story_evidence.copy_of)
        print(f"    {code}: {known}/{len(ids)} known as a copy of an earlier edition")


def galaxy(path: Path, cache: Path | None) -> None:
    rows = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: _when(r["published_at"]))  # as bench_stories.py reads it (one cache entry for both)
    raws = [RawArticle(id=str(r["id"]), source=r.get("source") or "events", title=r.get("title") or "", body=r["body"],
                       published_at=_when(r["published_at"]), fetched_at=FETCHED) for r in rows]
    tagged, _ = tag_all(raws, cache, "events")
    report(f"real news by event ({path}; {len(rows)} articles)", tagged, {str(r["id"]): str(r["event"]) for r in rows})


def generated(count: int, cache: Path | None) -> None:
    from bench.corpus import make_corpus

    records = make_corpus(count, seed=11, prefix="gen")
    raws = [RawArticle(id=r["id"], source=r["source"], title=r["title"], body=r["body"], published_at=_when(r["published_at"]),
                       fetched_at=FETCHED) for r in records]
    tagged, _ = tag_all(raws, cache, "generated")
    tagged.sort(key=lambda t: t.published_at)
    report(f"generated corpus (bench/corpus.py, {count:,} templated articles; a stress test)", tagged,
           {r["id"]: r["event"] for r in records})


def main() -> None:
    from services.runtime.logs import configure_logging

    configure_logging("warning")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crosslingual", type=Path, default=DEVDATA / "crosslingual" / "ntrex_dev.jsonl",
                        help="NTREX-128 JSON lines: its English editions of each document (skipped when absent)")
    parser.add_argument("--events", type=Path, default=DEVDATA / "stories" / "galaxy_dev.jsonl",
                        help="JSON-lines English articles labelled by event (skipped when absent)")
    parser.add_argument("--cache", type=Path, default=None, help="keep tagged articles here between runs")
    parser.add_argument("--generated", type=int, default=GENERATED, metavar="N",
                        help=f"articles of the generated corpus (default {GENERATED}; 0 skips it)")
    args = parser.parse_args()
    if args.generated < 0:
        parser.error("--generated: a number of articles, 0 or more")
    for name, fn, path in (("crosslingual", ntrex, args.crosslingual), ("events", galaxy, args.events)):
        if not path.exists():
            print(f"{name}: {path} is absent, skipped (real data lives outside the project; pass --{name} FILE)")
            continue
        fn(path, args.cache)
    if args.generated:
        generated(args.generated, args.cache)


if __name__ == "__main__":
    main()
