"""CPU per article of each stage in one process, for comparing two commits on the same machine in the same hour.

A full ``make bench`` run is 35–50 minutes and its rates move with the machine (another day's run of spaCy's bare NER
differed by 10 %, fastText's language id by 2.7x); to tell a slower stage from a slower machine, run this in the two
checkouts one after the other, twice, and compare:

    git worktree add --detach /tmp/old <commit>
    .venv/bin/python bench/stage_times.py --checkout /tmp/old
    .venv/bin/python bench/stage_times.py                    # this checkout
    (and both again)

It reads the checkout's own code and the same seeded corpus (bench/corpus.py): normalize, the tagger's batch step
without the title+lead embedding, bare spaCy NER on the same texts, and the tagged message's size. CPU time of this
process (``time.process_time``): Apertium's subprocesses are not in the normalize figure.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the project checkout whose code is timed (default: this one)")
    parser.add_argument("--articles", type=int, default=80, help="seeded articles (bench/corpus.py, seed 11)")
    return parser.parse_args()


async def _times(articles: int) -> dict[str, float]:
    from bench.corpus import make_corpus, raw_articles
    from services.normalize.core import Normalizer
    from services.runtime.codec import encode
    from services.runtime.settings import Settings
    from services.tagger.core import Tagger
    from services.tagger.pipeline import load_pipeline

    settings = Settings()
    raws = raw_articles(make_corpus(articles, seed=11, prefix="inproc"))
    normalizer = Normalizer(settings.normalize)
    try:
        await normalizer.normalize(raws[0])  # warm the language models
        started = time.process_time()
        normalized = [await normalizer.normalize(raw) for raw in raws]
        normalize_s = time.process_time() - started
    finally:
        await normalizer.aclose()
    tagger = Tagger(settings.tagger)
    tagger.tag_many(normalized[:2])
    batch = settings.tagger.batch_size
    started = time.process_time()
    tagged = [a for i in range(0, len(normalized), batch) for a in tagger.tag_many(normalized[i:i + batch])]
    tag_s = time.process_time() - started
    nlp = load_pipeline(settings.tagger.spacy_model)
    texts = [text for a in normalized if a.translation is not None or a.language in ("en", "und") for text in (a.title, a.body)]
    started = time.process_time()
    sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=batch))
    ner_s = time.process_time() - started
    return {"normalize_ms": normalize_s / articles * 1000, "tagger_ms": tag_s / articles * 1000,
            "ner_ms": ner_s / max(1, len(texts) // 2) * 1000,
            "tagged_bytes": statistics.mean(len(encode(a)) for a in tagged)}


def main() -> None:
    args = _args()
    checkout = args.checkout.resolve()
    sys.path.insert(0, str(checkout))
    os.chdir(checkout)
    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    found = asyncio.run(_times(args.articles))
    print(f"{checkout}: normalize {found['normalize_ms']:.1f} ms, tagger {found['tagger_ms']:.1f} ms "
          f"(bare NER {found['ner_ms']:.1f} ms) CPU per article; tagged message {found['tagged_bytes']:,.0f} B "
          f"({args.articles} articles)")


if __name__ == "__main__":
    main()
