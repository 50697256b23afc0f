"""Tagger benchmark: NER precision/recall/F1 and linking accuracy on annotated sentences,
story clustering B-cubed precision/recall on articles grouped by event, and articles/s.

    .venv/bin/python bench/bench_tagger.py [--model en_core_web_sm] [--repeat 5]

The data in bench/data/ is the project's own writing (see the header of each file).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", message=r".*\[W095\].*")

from schemas import NormalizedArticle, Translation  # noqa: E402
from services.tagger.core import Tagger  # noqa: E402
from services.tagger.settings import TaggerSettings  # noqa: E402
from services.tagger.stories import StoryConfig, StoryIndex, article_features  # noqa: E402

DATA = Path(__file__).with_name("data")
_ANNOTATION = re.compile(r"\[([^\]]+)\]\(([A-Z]+)(?:\|(Q\d+))?\)")
# What the gold types compare as: spaCy says GPE or LOC for places, gazetteers say GPE.
_TYPE_CLASS = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
T0 = datetime(2025, 3, 4, 8, 0, tzinfo=timezone.utc)


def parse_sentences(path: Path) -> list[tuple[str, bool, list[tuple[int, int, str, str | None]]]]:
    """(plain text, is machine-translated, gold spans (start, end, type, qid))."""
    sentences = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        mt = line.startswith("mt: ")
        line = line.removeprefix("mt: ")
        text, gold, last = [], [], 0
        offset = 0
        for m in _ANNOTATION.finditer(line):
            text.append(line[last : m.start()])
            offset += m.start() - last
            gold.append((offset, offset + len(m.group(1)), m.group(2), m.group(3)))
            text.append(m.group(1))
            offset += len(m.group(1))
            last = m.end()
        text.append(line[last:])
        sentences.append(("".join(text), mt, gold))
    return sentences


def article(article_id: str, title: str, body: str, mt: bool, at: datetime) -> NormalizedArticle:
    return NormalizedArticle(
        id=article_id, source="bench", fetched_at=at, published_at=at,
        language="es" if mt else "en", language_confidence=1.0,
        original_title=title, original_body=body, title=title, body=body,
        translation=Translation(engine="bench", source_language="es") if mt else None,
    )


def ner_and_linking(tagger: Tagger) -> None:
    sentences = parse_sentences(DATA / "ner.txt")
    tagged = tagger.tag_many([article(f"s{i}", "", text, mt, T0) for i, (text, mt, _) in enumerate(sentences)])
    tp = fp = fn = 0
    linked_right = linked_gold = 0
    for (_, _, gold), result in zip(sentences, tagged):
        predicted = {(e.start, e.end, _TYPE_CLASS.get(e.type, e.type)) for e in result.entities if e.type in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC")}
        wanted = {(s, e, _TYPE_CLASS.get(t, t)) for s, e, t, _ in gold}
        tp += len(predicted & wanted)
        fp += len(predicted - wanted)
        fn += len(wanted - predicted)
        by_span = {(e.start, e.end): e.canonical_id for e in result.entities}
        for s, e, _, qid in gold:
            if qid is not None:
                linked_gold += 1
                linked_right += by_span.get((s, e)) == qid
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"NER ({len(sentences)} sentences, {tp + fn} gold entities, exact span + type): "
          f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    print(f"linking: {linked_right}/{linked_gold} gold mentions with a QID linked to it ({linked_right / linked_gold:.3f})")


def b_cubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float]:
    gold_sizes = Counter(gold.values())
    pred_sizes = Counter(predicted.values())
    pair = Counter((gold[a], predicted[a]) for a in gold)
    precision = sum(pair[(gold[a], predicted[a])] / pred_sizes[predicted[a]] for a in gold) / len(gold)
    recall = sum(pair[(gold[a], predicted[a])] / gold_sizes[gold[a]] for a in gold) / len(gold)
    return precision, recall


def load_story_articles() -> tuple[list[NormalizedArticle], dict[str, str]]:
    records = yaml.safe_load((DATA / "stories.yaml").read_text(encoding="utf-8"))["articles"]
    articles = [
        article(r["id"], r["title"], r["body"], bool(r.get("mt")), T0 + timedelta(minutes=7 * i))
        for i, r in enumerate(records)
    ]
    return articles, {r["id"]: r["event"] for r in records}


def cluster(tagger: Tagger, articles: list[NormalizedArticle], config: StoryConfig) -> dict[str, str]:
    index = StoryIndex(config)
    now = T0 + timedelta(days=1)
    assigned = {}
    for tagged in tagger.tag_many(articles):
        decision = index.decide(article_features(tagged, countries=tagger.countries, now=now))
        index.apply(decision)
        assigned[tagged.id] = decision.story.id
    # Later articles can only join earlier stories; report where each article's story ended up.
    return assigned


def stories(tagger: Tagger) -> None:
    articles, gold = load_story_articles()
    events = len(set(gold.values()))
    print(f"stories ({len(articles)} articles, {events} events, arrival order as written):")
    for threshold in (0.2, 0.25, 0.3, 0.35, 0.45):
        predicted = cluster(tagger, articles, StoryConfig(threshold=threshold))
        precision, recall = b_cubed(gold, predicted)
        f1 = 2 * precision * recall / (precision + recall)
        mark = "  <- default" if threshold == StoryConfig().threshold else ""
        print(f"  threshold {threshold:.2f}: B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
              f"stories {len(set(predicted.values()))}{mark}")


def throughput(tagger: Tagger, repeat: int) -> None:
    articles, _ = load_story_articles()
    batch = [a.model_copy(update={"id": f"{a.id}-{n}"}) for n in range(repeat) for a in articles]
    tagger.tag_many(articles[:4])  # warm-up
    started = time.perf_counter()
    tagged = tagger.tag_many(batch)
    tag_s = time.perf_counter() - started
    index = StoryIndex(StoryConfig())
    now = T0 + timedelta(days=1)
    started = time.perf_counter()
    for t in tagged:
        index.apply(index.decide(article_features(t, countries=tagger.countries, now=now)))
    story_s = time.perf_counter() - started
    chars = sum(len(a.title) + len(a.body) for a in batch)
    print(f"throughput ({len(batch)} articles, {chars / len(batch):.0f} chars each, {os.cpu_count()} cores, one process): "
          f"tagging {len(batch) / tag_s:.0f} articles/s, story assignment {len(batch) / story_s:.0f} articles/s")


def gazetteer_speed(repeat: int) -> None:
    from services.tagger.gazetteer import Gazetteer, _bundled_raw

    _bundled_raw.cache_clear()
    started = time.perf_counter()
    gazetteer = Gazetteer.load()
    load_s = time.perf_counter() - started
    articles, _ = load_story_articles()
    text = "\n".join(a.title + "\n" + a.body for a in articles) * repeat
    started = time.perf_counter()
    found = len(gazetteer.find(text))
    find_s = time.perf_counter() - started
    print(f"gazetteer: {len(gazetteer)} entities loaded in {load_s:.2f} s; find() {len(text) / find_s / 1e6:.1f} M chars/s "
          f"({found} matches in {len(text)} chars)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="en_core_web_md", help="spaCy pipeline (default: the service default)")
    parser.add_argument("--repeat", type=int, default=10, help="copies of the story set timed for throughput")
    args = parser.parse_args()
    tagger = Tagger(TaggerSettings(spacy_model=args.model))
    print(f"model {args.model}; gazetteer {len(tagger.gazetteer)} entities")
    ner_and_linking(tagger)
    stories(tagger)
    throughput(tagger, args.repeat)
    gazetteer_speed(args.repeat)


if __name__ == "__main__":
    main()
