"""Tagger benchmark: NER precision/recall/F1 and linking accuracy on annotated sentences,
story clustering B-cubed precision/recall on articles grouped by event, and articles/s.

    .venv/bin/python bench/bench_tagger.py [--model en_core_web_sm] [--repeat 5]
    .venv/bin/python bench/bench_tagger.py --conll eng.testb      # a CoNLL-2003-format NER gold set
    .venv/bin/python bench/bench_tagger.py --events events.jsonl  # articles labelled by event

The data in bench/data/ is the project's own writing (see the header of each file). --conll and
--events measure the same code on data nobody here wrote: a CoNLL-2003-format file (token first,
NER tag last, IOB1 or BIO; PER/ORG/LOC scored, MISC left out as OntoNotes has no such type), and
JSON lines {"title", "body", "event", optional "language", "published_at", "source"} run through
the real normalizer (translation included) before tagging and clustering.
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


_CONLL_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "PLACE"}


def read_conll(path: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Sentences of a CoNLL-2003-format file as (text joined by spaces, gold spans (start, end, type class))."""
    return conll_sentences(path.read_text(encoding="utf-8", errors="replace"))


def conll_sentences(text: str) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Sentences of CoNLL-2003-format text as (text joined by spaces, gold spans (start, end, type class))."""
    sentences: list[tuple[str, set[tuple[int, int, str]]]] = []
    tokens: list[tuple[str, str]] = []

    def flush() -> None:
        if not tokens:
            return
        text, spans, offset = [], set(), 0
        current: list = []  # [start, end, type]
        for i, (token, tag) in enumerate(tokens):
            start = offset
            offset += len(token) + 1
            text.append(token)
            prefix, _, kind = tag.partition("-")
            kind = kind if tag != "O" else ""
            previous = tokens[i - 1][1].partition("-")[2] if i else ""
            continues = kind and prefix == "I" and current and kind == previous
            if current and not continues:
                spans.add(tuple(current))
                current = []
            if kind in _CONLL_TYPES:
                if continues:
                    current[1] = start + len(token)
                else:
                    current = [start, start + len(token), _CONLL_TYPES[kind]]
            elif current:
                spans.add(tuple(current))
                current = []
        if current:
            spans.add(tuple(current))
        sentences.append((" ".join(text), spans))
        tokens.clear()

    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            flush()
            continue
        tokens.append((parts[0], parts[-1]))
    flush()
    return sentences


def read_conll_documents(path: Path) -> list[tuple[str, str, set[tuple[str, int, int, str]]]]:
    """Documents of a CoNLL-2003-format file as a news article: the first sentence (the headline) is the title, the
    others, one a line, the body; gold spans are (field, start, end, type class)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    documents = [conll_sentences(chunk) for chunk in re.split(r"(?m)^-DOCSTART-.*$", text)]
    out = []
    for sentences in documents:
        if not sentences:
            continue
        (title, title_gold), rest = sentences[0], sentences[1:]
        gold = {("title", s, e, t) for s, e, t in title_gold}
        body, offset = [], 0
        for sentence, spans in rest:
            gold.update(("body", offset + s, offset + e, t) for s, e, t in spans)
            body.append(sentence)
            offset += len(sentence) + 1
        out.append((title, "\n".join(body), gold))
    return out


_CONLL_CLASS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}


def conll(tagger: Tagger, path: Path, limit: int) -> dict[str, tuple[float, float, float]]:
    """NER per document (headline as title, sentences as body), exact span and type; returns P/R/F1 by type and "all"."""
    documents = read_conll_documents(path)[: limit or None]
    started = time.perf_counter()
    tagged = tagger.tag_many([article(f"c{i}", title, body, False, T0) for i, (title, body, _) in enumerate(documents)])
    elapsed = time.perf_counter() - started
    counts = {t: [0, 0, 0] for t in ("PERSON", "ORG", "PLACE")}  # tp, fp, fn
    for (_, _, gold), result in zip(documents, tagged):
        predicted = {(e.field, e.start, e.end, _CONLL_CLASS.get(e.type, e.type)) for e in result.entities}
        predicted = {p for p in predicted if p[3] in counts}
        for span in predicted & gold:
            counts[span[3]][0] += 1
        for span in predicted - gold:
            counts[span[3]][1] += 1
        for span in gold - predicted:
            counts[span[3]][2] += 1

    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    scores = {"all": prf(*total)} | {kind: prf(*c) for kind, c in counts.items()}
    sentences = sum(1 + (body.count("\n") + 1 if body else 0) for _, body, _ in documents)
    print(f"NER on {path.name} per document ({len(documents)} documents, {sentences} lines, {total[0] + total[2]} gold "
          f"PER/ORG/LOC entities, exact span + type, {len(documents) / elapsed:.1f} documents/s): "
          "precision {:.3f}  recall {:.3f}  F1 {:.3f}".format(*scores["all"]))
    for kind, c in counts.items():
        name = {"PERSON": "PER", "PLACE": "LOC"}.get(kind, kind)
        print(f"  {name:<4} ({c[0] + c[2]:4} gold) precision {scores[kind][0]:.3f}  recall {scores[kind][1]:.3f}  F1 {scores[kind][2]:.3f}")
    return scores


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
    for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        predicted = cluster(tagger, articles, StoryConfig(threshold=threshold))
        precision, recall = b_cubed(gold, predicted)
        f1 = 2 * precision * recall / (precision + recall)
        mark = "  <- default" if threshold == StoryConfig().threshold else ""
        print(f"  threshold {threshold:.2f}: B-cubed precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
              f"stories {len(set(predicted.values()))}{mark}")


def stories_generated(tagger: Tagger, count: int) -> None:
    """B-cubed on the benchmark corpus: reports of many events in English, Spanish (translated by Apertium), German
    and French (untranslated), several events sharing actors and places, through the real normalizer."""
    from bench.corpus import make_corpus

    records = make_corpus(count, seed=7, words=(150, 400), prefix="clu")
    cluster_records(tagger, records, "generated corpus")


def read_events(path: Path) -> list[dict]:
    """JSON lines of articles labelled by event, with the fields bench.corpus.raw_articles reads."""
    import orjson

    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = orjson.loads(line)
        published = row.get("published_at") or (T0 + timedelta(minutes=n)).isoformat()
        if datetime.fromisoformat(published).tzinfo is None:
            published = datetime.fromisoformat(published).replace(tzinfo=timezone.utc).isoformat()  # no zone: UTC
        records.append({"id": str(row.get("id") or f"ev-{n:06d}"), "source": row.get("source") or "events",
                        "language": row.get("language"), "title": row.get("title") or "", "body": row["body"],
                        "published_at": published, "event": str(row["event"])})
    return records


def cluster_records(tagger: Tagger, records: list[dict], label: str) -> None:
    from bench.corpus import normalize_all, raw_articles

    normalized = normalize_all(raw_articles(records, fetched_at=T0))
    # Arrival order: by publication time, as a live run would see them.
    order = sorted(range(len(records)), key=lambda i: records[i]["published_at"])
    normalized = [normalized[i].model_copy(update={"fetched_at": datetime.fromisoformat(records[i]["published_at"])}) for i in order]
    gold = {normalized[n].id: records[i]["event"] for n, i in enumerate(order)}
    if label == "generated corpus":
        print("  (harder than real news: about 120 events in 14 hours, several of one kind or in one city at once, whose\n"
              "   bodies share the corpus's generic sentences; run --events FILE on real news labelled by event)")
    print(f"stories, {label} ({len(records)} reports of {len(set(gold.values()))} events; "
          + ", ".join(f"{lang} {n}" for lang, n in Counter(a.language for a in normalized).most_common())
          + f"; {sum(a.translation is not None for a in normalized)} translated):")
    for threshold in (0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
        index = StoryIndex(StoryConfig(threshold=threshold))
        predicted = {}
        for tagged in tagger.tag_many(normalized):
            decision = index.decide(article_features(tagged, countries=tagger.countries, now=tagged.fetched_at))
            index.apply(decision)
            predicted[tagged.id] = decision.story.id
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
    from services.tagger.gazetteer import Gazetteer, bundled_raw

    bundled_raw.cache_clear()
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
    parser.add_argument("--generated", type=int, default=240, help="generated reports clustered for B-cubed (0: skip)")
    parser.add_argument("--conll", type=Path, help="also score NER on this CoNLL-2003-format file")
    parser.add_argument("--conll-limit", type=int, default=0, help="only the first N sentences of --conll")
    parser.add_argument("--events", type=Path, help="also cluster these JSON-lines articles labelled by event")
    args = parser.parse_args()
    tagger = Tagger(TaggerSettings(spacy_model=args.model))
    print(f"model {args.model}; gazetteer {len(tagger.gazetteer)} entities")
    ner_and_linking(tagger)
    stories(tagger)
    if args.generated:
        stories_generated(tagger, args.generated)
    if args.conll:
        conll(tagger, args.conll, args.conll_limit)
    if args.events:
        cluster_records(tagger, read_events(args.events), args.events.name)
    throughput(tagger, args.repeat)
    gazetteer_speed(args.repeat)


if __name__ == "__main__":
    main()
