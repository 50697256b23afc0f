"""How far can similarity go on event-labelled news? Every pairing of evidence and linkage, scored the same way.

    .venv/bin/python bench/bench_story_ceiling.py [--events galaxy_dev.jsonl] [--cache DIR] [--folds K]

The story stage is one choice of evidence (entities, words, embedding) and one linkage (an article against a
story's running summary). This asks whether another choice would do much better on real news, before anyone
builds it: each article-to-article similarity below, with each linkage, at every threshold, B-cubed against the
events; the best threshold on the file (optimistic) and the held-out figure (``--folds`` event folds, each
scored at the threshold best on the others, as ``bench/bench_stories.py`` does).

Evidence, article to article (the same tagged articles as ``bench/bench_stories.py``, read from its cache):

- ``words, idf over the file``: title (twice) and body words, five-letter stems, TF-IDF with the document
  frequency of the whole file (it sees the future: an optimistic reading of word overlap);
- ``words, idf over the stream``: the same, each pair weighed by the document frequency of the articles
  published up to the later of the two (what a live clusterer can know);
- ``words by rarity in news``: the story stage's own article words (``story_features.terms``: weighed by wordfreq
  rarity, the title twice, its heaviest 200);
- ``embedding``: cosine of the multilingual title+lead embeddings;
- ``entities``: weighted Jaccard of the story stage's salience-weighted entity keys, weighed by inverse document
  frequency;
- and the means of some of them.

Linkage: ``stream, mean``: single pass in publication order, an article joins the live cluster (a member
within the 72 h window) with the highest mean similarity to its members (centroid-like); ``stream, nearest``:
the highest similarity to any one member (nearest neighbour, as first-story detection does); ``offline
average-link``: agglomerative clustering of the whole file at once (it sees the future; a reference).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_stories import DEVDATA, FETCHED, _when, average_link, b_cubed, held_out, tag_all  # noqa: E402
from bench.bench_stories import countries  # noqa: E402
from schemas import RawArticle  # noqa: E402
from services.tagger.story_features import _STOPWORDS, _WORD, ArticleFeatures, _stem, article_features  # noqa: E402
from services.tagger.story_model import unit as _unit  # noqa: E402

WINDOW_DAYS = 3.0


def stems(title: str, body: str) -> Counter[str]:
    """Content-word stems of an article, the title counted twice."""
    counts: Counter[str] = Counter()
    for text, weight in ((title, 2), (body, 1)):
        for word in _WORD.findall(text):
            word = word.casefold()
            if word not in _STOPWORDS:
                counts[_stem(word)] += weight
    return counts


def _tfidf(counts: Counter[str], df: Counter[str], n: int) -> dict[str, float]:
    """Sublinear term frequency times smoothed idf (as scikit-learn's): a word every article so far has still counts 1."""
    return _unit({w: (1 + math.log(k)) * (1 + math.log((n + 1) / (df[w] + 1))) for w, k in counts.items()})


def _gram(vectors: Sequence[dict[str, float]]) -> np.ndarray:
    vocab: dict[str, int] = {}
    for v in vectors:
        for w in v:
            vocab.setdefault(w, len(vocab))
    matrix = np.zeros((len(vectors), max(1, len(vocab))))
    for i, v in enumerate(vectors):
        for w, x in v.items():
            matrix[i, vocab[w]] = x
    return matrix @ matrix.T


def file_idf(docs: Sequence[Counter[str]]) -> np.ndarray:
    df = Counter(w for c in docs for w in c)
    return _gram([_tfidf(c, df, len(docs)) for c in docs])


def stream_idf(docs: Sequence[Counter[str]]) -> np.ndarray:
    """Pair (i, j), j < i: TF-IDF cosine with the document frequency of articles 0..i (publication order)."""
    n = len(docs)
    sims = np.eye(n)
    df: Counter[str] = Counter()
    for i in range(n):
        df.update(set(docs[i]))
        vectors = [_tfidf(docs[j], df, i + 1) for j in range(i + 1)]
        for j in range(i):
            sims[i, j] = sims[j, i] = sum(x * vectors[j].get(w, 0.0) for w, x in vectors[i].items())
    return sims


def entity_jaccard(entities: Sequence[Mapping[str, float]]) -> np.ndarray:
    n = len(entities)
    df = Counter(k for e in entities for k in e)
    idf = {k: math.log((n + 1) / (c + 1)) for k, c in df.items()}
    sims = np.eye(n)
    for i in range(n):
        for j in range(i):
            keys = entities[i].keys() | entities[j].keys()
            num = sum(min(entities[i].get(k, 0.0), entities[j].get(k, 0.0)) * idf[k] for k in keys)
            den = sum(max(entities[i].get(k, 0.0), entities[j].get(k, 0.0)) * idf[k] for k in keys)
            sims[i, j] = sims[j, i] = num / den if den else 0.0
    return sims


def stream_clusters(sims: np.ndarray, days: np.ndarray, threshold: float, link: str) -> list[int]:
    """Single pass in order: each article joins the live cluster it is most similar to (``link``: "mean" over the
    members, or "nearest" member) if that reaches ``threshold``; else it opens one. The cluster index per article."""
    clusters: list[list[int]] = []
    out = []
    for i in range(len(sims)):
        best, best_sim = -1, -math.inf
        for k, members in enumerate(clusters):
            if min(abs(days[i] - days[j]) for j in members) > WINDOW_DAYS:
                continue
            row = sims[i, members]
            sim = float(row.mean() if link == "mean" else row.max())
            if sim > best_sim:
                best, best_sim = k, sim
        if best >= 0 and best_sim >= threshold:
            clusters[best].append(i)
            out.append(best)
        else:
            clusters.append([i])
            out.append(len(clusters) - 1)
    return out


def evidence(docs: Sequence[Counter[str]], features: Sequence[ArticleFeatures]) -> dict[str, np.ndarray]:
    """Every article-to-article similarity named in the module's docstring: ``docs`` are the articles' ``stems``,
    ``features`` what the story stage reads of them (its rarity-weighted words, salience-weighted entities and
    embedding)."""
    out = {"words, idf over the file": file_idf(docs), "words, idf over the stream": stream_idf(docs),
           "words by rarity in news": _gram([_unit(f.terms) for f in features])}
    if all(f.embedding is not None for f in features):
        vectors = np.stack([f.embedding for f in features])
        out["embedding"] = vectors @ vectors.T
    out["entities"] = entity_jaccard([f.entities for f in features])
    if "embedding" in out:
        out["mean: words (stream idf), embedding"] = (out["words, idf over the stream"] + out["embedding"]) / 2
        out["mean: words (stream idf), embedding, entities"] = (
            out["words, idf over the stream"] + out["embedding"] + out["entities"]) / 3
    out["mean: words (stream idf), entities"] = (out["words, idf over the stream"] + out["entities"]) / 2
    return out


LINKAGES: dict[str, Callable[[np.ndarray, np.ndarray, float], list[int]]] = {
    "stream, mean": lambda s, d, t: stream_clusters(s, d, t, "mean"),
    "stream, nearest": lambda s, d, t: stream_clusters(s, d, t, "nearest"),
    "offline average-link": lambda s, d, t: average_link(s, t),
}
THRESHOLDS = tuple(round(x, 2) for x in np.arange(0.04, 0.81, 0.02))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=DEVDATA / "stories" / "galaxy_dev.jsonl")
    parser.add_argument("--cache", type=Path, default=None, help="the tagged articles, shared with bench/bench_stories.py")
    parser.add_argument("--folds", type=int, default=4)
    args = parser.parse_args()
    if not args.events.exists():
        print(f"no events file at {args.events}: nothing to measure (pass --events PATH)")
        return
    rows = [orjson.loads(line) for line in args.events.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: _when(r["published_at"]))
    raws = [RawArticle(id=str(r["id"]), source=r.get("source") or "events", title=r.get("title") or "", body=r["body"],
                       published_at=_when(r["published_at"]), fetched_at=FETCHED) for r in rows]
    gold = {str(r["id"]): str(r["event"]) for r in rows}
    tagged, _ = tag_all(raws, args.cache, "events")
    ids = [t.id for t in tagged]
    known = countries()
    features = [article_features(t, countries=known, now=FETCHED) for t in tagged]
    days = np.array([_when(r["published_at"]).timestamp() / 86400 for r in rows])
    print(f"similarity ceiling on {args.events} ({len(rows)} articles, {len(set(gold.values()))} events; "
          f"B-cubed; best threshold on the file, then held out over {args.folds} event folds):")
    best_overall = (0.0, "")
    for name, sims in evidence([stems(t.title, t.body) for t in tagged], features).items():
        for linkage, run in LINKAGES.items():
            runs = {t: {ids[i]: f"#{k}" for i, k in enumerate(run(sims, days, t))} for t in THRESHOLDS}
            best = max(runs, key=lambda t: (b_cubed(gold, runs[t])[2], -t))
            p, r, f = b_cubed(gold, runs[best])
            hp, hr, hf, _ = held_out(gold, runs, args.folds)
            label = f"{name} / {linkage}"
            print(f"  {label:<62} file P {p:.3f} R {r:.3f} F1 {f:.3f} (t {best:.2f})   held out P {hp:.3f} R {hr:.3f} F1 {hf:.3f}")
            if not linkage.startswith("offline"):
                best_overall = max(best_overall, (hf, label))
    print(f"  best single-pass pairing held out: {best_overall[1]}, F1 {best_overall[0]:.3f}")
    same, different = place_conflicts([f.places for f in features], [gold[i] for i in ids])
    print(f"  the story stage's place conflict (salient places on both sides, none shared) holds for {same:.0%} of "
          f"same-event pairs and {different:.0%} of different-event pairs")


def place_conflicts(places: Sequence[frozenset[str]], events: Sequence[str]) -> tuple[float, float]:
    """Share of same-event and of different-event article pairs whose salient places all differ (the story stage's
    ``place_conflict``, which scales a score by ``place_conflict_factor``)."""
    counts = {True: [0, 0], False: [0, 0]}
    for i in range(len(places)):
        for j in range(i):
            tally = counts[events[i] == events[j]]
            tally[0] += bool(places[i] and places[j] and not places[i] & places[j])
            tally[1] += 1
    return counts[True][0] / max(1, counts[True][1]), counts[False][0] / max(1, counts[False][1])


if __name__ == "__main__":
    main()
