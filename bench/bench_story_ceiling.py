"""How far can similarity go on event-labelled news? Every pairing of evidence and linkage, scored the same way.

    .venv/bin/python bench/bench_story_ceiling.py [--events galaxy_dev.jsonl] [--cache DIR] [--folds K[,K...]]
        [--step S] [--body]
    .venv/bin/python bench/bench_story_ceiling.py --cost [--cache DIR]

The story stage is one choice of evidence (entities, words, embedding) and one linkage (an article against a
story's running summary). This asks whether another choice would do much better on real news, before anyone
builds it: each article-to-article similarity below, with each linkage, at every threshold (``--step`` apart),
B-cubed against the events; the best threshold on the file (optimistic) and the held-out figure (``--folds`` event
folds, each scored at the threshold best on the others, as ``bench/bench_stories.py`` does; several fold counts,
``--folds 3,4,6``, add a line of the held-out F1 at each).

Evidence, article to article (the same tagged articles as ``bench/bench_stories.py``, read from its cache):

- ``words, idf over the file``: title (twice) and body words, five-letter stems, TF-IDF with the document
  frequency of the whole file (it sees the future: an optimistic reading of word overlap);
- ``words, idf over the stream``: the same, each pair weighed by the document frequency of the articles
  published up to the later of the two (what a live clusterer can know);
- ``words by rarity in news``: the story stage's own article words (``story_features.terms``: weighed by wordfreq
  rarity, the title twice, its heaviest 200);
- ``title words by rarity in news``: the same of the title alone (``ArticleFeatures.title_terms``);
- ``embedding``: cosine of the multilingual title+lead embeddings;
- ``title embedding``: cosine of the same encoder's embeddings of the title alone (what the headline says
  happened; the encoder is loaded to compute them, about 2 s);
- ``entities``: weighted Jaccard of the story stage's salience-weighted entity keys, weighed by inverse document
  frequency;
- ``event frame``: cosine of what happened to whom as the title and the lead's first sentence say it (their
  predicates, subjects, objects and the numbers counted there, read by spaCy's parser: ``bench/story_events.py``;
  about 3 s for the file);
- with ``--body``, ``body mean, K paragraphs`` (K 2, 4, 8, all) and ``body max, K paragraphs`` (4, all): cosine
  of the mean (the largest of each component) of the same encoder's embeddings of the body's first K paragraphs
  (``bench/story_body.py``; the encoder reads every paragraph of the file once, about 2,200, kept in ``--cache``);
  ``embedding and body mean, one vector``: the title+lead embedding and the mean of all paragraphs added into one;
- and the means of some of them.

``--cost`` only times the encoder: milliseconds per article for the title and lead, and for those and the first K
paragraphs, in the tagger's batches.

Linkage: ``stream, mean``: single pass in publication order, an article joins the live cluster (a member
within the 72 h window) with the highest mean similarity to its members (centroid-like); ``stream, nearest``:
the highest similarity to any one member (nearest neighbour, as first-story detection does); ``offline
average-link``: agglomerative clustering of the whole file at once (it sees the future; a reference).

Then each evidence kind's separation of same-event from different-event article pairs (quartiles, and how often a
same-event pair scores above a different-event one, over all pairs and over pairs published within a day of each
other), and the same among the articles of sibling events the file labels apart (``SIBLINGS``).
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
from bench.story_body import BODY_KS, body_evidence, body_vectors, embed_cost  # noqa: E402
from schemas import RawArticle, TaggedArticle  # noqa: E402
from services.tagger.embedding import decode_vector  # noqa: E402
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


# The means of evidence kinds, each named by its parts' short names.
_SHORT = {"words, idf over the stream": "words (stream idf)", "embedding": "embedding", "title embedding": "title embedding",
          "entities": "entities", "event frame": "event frame"}
MEANS = (("words, idf over the stream", "embedding"), ("words, idf over the stream", "embedding", "entities"),
         ("words, idf over the stream", "entities"), ("embedding", "title embedding"),
         ("words, idf over the stream", "title embedding"), ("words, idf over the stream", "embedding", "title embedding"),
         ("words, idf over the stream", "title embedding", "entities"),
         ("words, idf over the stream", "embedding", "title embedding", "entities"),
         ("words, idf over the stream", "event frame"), ("embedding", "event frame"),
         ("words, idf over the stream", "embedding", "entities", "event frame"),
         ("words, idf over the stream", "embedding", "title embedding", "entities", "event frame"))
_WORDS, _CARRIED, _BEST = ("words, idf over the stream",), ("words, idf over the stream", "embedding", "entities"), (
    "words, idf over the stream", "embedding", "title embedding", "entities")
# More of the body (``bench/story_body.py``): with the title+lead embedding, in its place among what the stage
# carries, added to what the stage carries and to the best pairing before it.
BODY_MEANS = tuple(
    parts for body in (f"body mean, {k or 'all'} paragraphs" for k in BODY_KS)
    for parts in (("embedding", body), (*_WORDS, body, "entities"), (*_CARRIED, body), (*_BEST, body))
) + ((*_WORDS, "embedding and body mean, one vector", "entities"),
     (*_WORDS, "embedding and body mean, one vector", "title embedding", "entities"))


def evidence(docs: Sequence[Counter[str]], features: Sequence[ArticleFeatures],
             titles: np.ndarray | None = None, frames: Sequence[Mapping[str, float]] | None = None,
             bodies: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every article-to-article similarity named in the module's docstring: ``docs`` are the articles' ``stems``,
    ``features`` what the story stage reads of them (its rarity-weighted words, salience-weighted entities and
    embedding), ``titles`` their title-only embeddings (``title_embeddings``), ``frames`` their event frames
    (``story_events.event_frames``), a row an article, ``bodies`` the cosines of their pooled paragraphs by name
    (``story_body.body_evidence``)."""
    out = {"words, idf over the file": file_idf(docs), "words, idf over the stream": stream_idf(docs),
           "words by rarity in news": _gram([_unit(f.terms) for f in features]),
           "title words by rarity in news": _gram([_unit(f.title_terms) for f in features])}
    if all(f.embedding is not None for f in features):
        vectors = np.stack([f.embedding for f in features])
        out["embedding"] = vectors @ vectors.T
    if titles is not None:
        out["title embedding"] = titles @ titles.T
    out["entities"] = entity_jaccard([f.entities for f in features])
    if frames is not None:
        out["event frame"] = _gram([_unit(dict(f)) for f in frames])
    out.update(bodies or {})
    for parts in MEANS + BODY_MEANS:
        if all(p in out for p in parts):
            out["mean: " + ", ".join(_SHORT.get(p, p) for p in parts)] = sum(out[p] for p in parts) / len(parts)
    return out


def title_embeddings(tagged: Sequence[TaggedArticle]) -> np.ndarray | None:
    """The encoder's reading of each title alone (``embedding_text`` without a lead), through the message's int8
    encoding as the title+lead ones are; None when an article has none."""
    from services.tagger.embedding import Embedder

    encoded = Embedder().embed_articles(tagged, lead_chars=0)
    if any(v is None for v in encoded):
        return None
    return np.stack([decode_vector(v) for v in encoded])


def auc(same: np.ndarray, different: np.ndarray) -> float:
    """How often a same-event pair scores above a different-event one (ties count half): 1 separates them fully,
    0.5 not at all (the Mann-Whitney statistic over the pairs' similarities)."""
    if not len(same) or not len(different):
        return math.nan
    ordered = np.sort(different)
    below = np.searchsorted(ordered, same, side="left")
    ties = np.searchsorted(ordered, same, side="right") - below
    return float((below + ties / 2).sum() / (len(same) * len(different)))


def separation(sims: np.ndarray, events: Sequence[str], days: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The similarities' quartiles over same-event and over different-event article pairs, the ``auc`` over every
    pair, and the ``auc`` over the pairs published within a day of each other (where time tells nothing)."""
    i, j = np.triu_indices(len(events), k=1)
    same = np.array([events[a] == events[b] for a, b in zip(i, j)])
    near = np.abs(days[i] - days[j]) <= 1.0
    values = sims[i, j]
    return (np.quantile(values[same], (0.25, 0.5, 0.75)), np.quantile(values[~same], (0.25, 0.5, 0.75)),
            auc(values[same], values[~same]), auc(values[same & near], values[~same & near]))


# Sibling events of one conflict that galaxy_dev labels apart and the story stage merges (docs/tagger.md, "Stories").
SIBLINGS = {
    "Homs taken / Aleppo hotel blown up, 8 May": ("handpicked-18", "handpicked-21"),
    "Homs taken / Homs rebels leave": ("handpicked-18", "handpicked-16"),
    "Putin asks to postpone the vote / rebels hold it": ("handpicked-12", "handpicked-6"),
    "Slaviansk fighting / Odessa police HQ stormed": ("handpicked-11", "handpicked-5"),
    "five Gaza events (Wikinews, one crawl time)": ("wikinews-0", "wikinews-1", "wikinews-8", "wikinews-12", "wikinews-13"),
    "three MH17 events (Wikinews, one crawl time)": ("wikinews-3", "wikinews-5", "wikinews-10"),
}
SIBLING_EVIDENCE = ("embedding", "title embedding", "words, idf over the stream", "title words by rarity in news",
                    "entities", "mean: embedding, title embedding", "event frame", "body mean, 4 paragraphs",
                    "body mean, all paragraphs")


def siblings(sims: np.ndarray, events: Sequence[str], group: Sequence[str]) -> tuple[float, float, float]:
    """Among the articles of ``group``'s events: the ``auc`` of same-event against different-event pairs, and
    the two kinds' mean similarities."""
    members = [k for k, e in enumerate(events) if e in group]
    same, different = [], []
    for x, a in enumerate(members):
        for b in members[:x]:
            (same if events[a] == events[b] else different).append(sims[a, b])
    return auc(np.array(same), np.array(different)), float(np.mean(same)), float(np.mean(different))


LINKAGES: dict[str, Callable[[np.ndarray, np.ndarray, float], list[int]]] = {
    "stream, mean": lambda s, d, t: stream_clusters(s, d, t, "mean"),
    "stream, nearest": lambda s, d, t: stream_clusters(s, d, t, "nearest"),
    "offline average-link": lambda s, d, t: average_link(s, t),
}


def thresholds(step: float = 0.02) -> tuple[float, ...]:
    """The thresholds each pairing is run at, 0.04 to 0.80. A held-out figure moves by a few hundredths with the
    step alone (a fold's best threshold on the grid is a different one), so a gain is read at two steps."""
    return tuple(round(x, 3) for x in np.arange(0.04, 0.80 + step / 2, step))


# Evidence the story stage does not carry in its messages: the best pairing is reported with and without each.
_NOT_CARRIED = ("title embedding", "event frame", "body")


def _fold_counts(text: str) -> tuple[int, ...]:
    return tuple(int(k) for k in text.split(","))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=Path, default=DEVDATA / "stories" / "galaxy_dev.jsonl")
    parser.add_argument("--cache", type=Path, default=None, help="the tagged articles, shared with bench/bench_stories.py")
    parser.add_argument("--folds", type=_fold_counts, default=(4,),
                        help="event folds of the held-out figure; several (3,4,6) add a line of F1 at each")
    parser.add_argument("--step", type=float, default=0.02, help="between the thresholds tried, 0.04 to 0.80")
    parser.add_argument("--body", action="store_true",
                        help="also the body's first paragraphs, pooled (bench/story_body.py): 75 more pairings")
    parser.add_argument("--cost", action="store_true",
                        help="only time the encoder on the title+lead and the first paragraphs, ms per article")
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
    texts = [(t.original_title or t.title, t.original_body or t.body) for t in tagged]
    if args.cost:
        from services.tagger.embedding import embedding_text

        for what, ms in embed_cost([embedding_text(t) for t in tagged], texts, BODY_KS).items():
            print(f"  encoder, {what}: {ms:.1f} ms per article")
        return
    ids = [t.id for t in tagged]
    known = countries()
    features = [article_features(t, countries=known, now=FETCHED) for t in tagged]
    days = np.array([_when(r["published_at"]).timestamp() / 86400 for r in rows])
    print(f"similarity ceiling on {args.events} ({len(rows)} articles, {len(set(gold.values()))} events; "
          f"B-cubed; best threshold on the file, then held out over {args.folds[0]} event folds; "
          f"thresholds {args.step} apart):")
    # The best single-pass pairing held out, by which of the evidence kinds the stage does not carry it holds.
    best_overall: dict[tuple[str, ...], tuple[float, str]] = {}
    from bench.story_events import event_frames, load_parser

    frames = event_frames(load_parser(), [(t.title, t.body) for t in tagged])
    bodies = None
    if args.body and all(f.embedding is not None for f in features):
        bodies = body_evidence(body_vectors(texts, args.cache), np.stack([f.embedding for f in features]))
    kinds = evidence([stems(t.title, t.body) for t in tagged], features, title_embeddings(tagged), frames, bodies)
    width = max(map(len, kinds)) + max(map(len, LINKAGES)) + 3
    grid = thresholds(args.step)
    for name, sims in kinds.items():
        for linkage, run in LINKAGES.items():
            runs = {t: {ids[i]: f"#{k}" for i, k in enumerate(run(sims, days, t))} for t in grid}
            best = max(runs, key=lambda t: (b_cubed(gold, runs[t])[2], -t))
            p, r, f = b_cubed(gold, runs[best])
            hp, hr, hf, _ = held_out(gold, runs, args.folds[0])
            label = f"{name} / {linkage}"
            print(f"  {label:<{width}} file P {p:.3f} R {r:.3f} F1 {f:.3f} (t {best:.2f})   held out P {hp:.3f} R {hr:.3f} F1 {hf:.3f}")
            if len(args.folds) > 1:
                print(f"  {'':<{width}} held out F1 over " + ", ".join(
                    f"{k} folds {held_out(gold, runs, k)[2]:.3f}" for k in args.folds))
            if not linkage.startswith("offline"):
                extra = tuple(k for k in _NOT_CARRIED if k in name)
                best_overall[extra] = max(best_overall.get(extra, (0.0, "")), (hf, label))
    for extra, (score, label) in sorted(best_overall.items()):
        holding = " and ".join(extra) or "none of the title embedding, the event frame, the body"
        print(f"  best single-pass pairing with {holding}, held out: {label}, F1 {score:.3f}")
    events = [gold[i] for i in ids]
    print_separation(kinds, events, days)
    same, different = place_conflicts([f.places for f in features], events)
    print(f"  the story stage's place conflict (salient places on both sides, none shared) holds for {same:.0%} of "
          f"same-event pairs and {different:.0%} of different-event pairs")


def print_separation(kinds: Mapping[str, np.ndarray], events: Sequence[str], days: np.ndarray) -> None:
    """Each evidence kind's ``separation``, then how it tells apart the ``SIBLINGS`` present in the file."""
    width = max(map(len, kinds))
    print("  separation of article pairs, same event against different events: similarity quartiles; AUC (how often a "
          "same-event pair scores above a different-event one) over every pair and over pairs published within a day:")
    for name, sims in kinds.items():
        same, different, every, near = separation(sims, events, days)
        print(f"    {name:<{width}} same {same[1]:.2f} [{same[0]:.2f}-{same[2]:.2f}]  different {different[1]:.2f} "
              f"[{different[0]:.2f}-{different[2]:.2f}]  AUC {every:.3f}, within a day {near:.3f}")
    print("  sibling events labelled apart: AUC among their articles' pairs; mean similarity same event / across:")
    for title, group in SIBLINGS.items():
        if set(group) <= set(events):
            for name in (n for n in SIBLING_EVIDENCE if n in kinds):
                score, same_mean, across = siblings(kinds[name], events, group)
                print(f"    {title:<50} {name:<32} AUC {score:.2f}  same {same_mean:.2f}  across {across:.2f}")


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
