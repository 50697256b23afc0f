"""How far a learned story decision could go: a held-out estimate, for ``bench_stories.py --folds``.

Streaming news clusterers that hold on real news (Miranda et al. 2018, "Multilingual Clustering of Streaming
News") do not hand-weigh their evidence: they fit the weights on labelled events. This module asks what that
would give here, with the evidence the story stage already reads (``story_features.ArticleFeatures``):

- words: cosine with the story's centroid, mean cosine with its members, best title-word cosine with a member;
- entities: weighted Jaccard with the story's mean entity weights;
- embeddings: cosine with the centroid, mean cosine with the members, best cosine with the latest four;
- time: days between the article and the story's span (0 inside it); a place conflict; the story's size.

A logistic model of "this article belongs to this story" is fitted on the events of the other folds by
teacher forcing (for each article, its event's earlier articles are the positive story, every other event's
earlier articles within 30 days the negatives), then run as a single-pass clusterer over the whole stream:
an article joins the most probable live story when the probability is at least one half (no threshold is
fitted: one half is where "same event" becomes likelier than not). B-cubed is read over the held-out fold's
articles. Two fits: free weights, and monotone ones (more similarity never lowers the probability, a
constraint that should carry better to other events). Pure numpy; not the story stage, a measurement of
what replacing its hand-set weights would buy.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from services.tagger.story_features import ArticleFeatures, terms

__all__ = ["FEATURES", "learned_held_out"]

FEATURES = ("words-centroid", "words-mean", "title-words-best", "entities", "embedding-centroid", "embedding-mean",
            "embedding-recent", "days-apart", "place-conflict", "log-size")
# Sign allowed in the monotone fit: +1 similarity (never lowers the probability), -1 distance, 0 free.
_SIGN = (1, 1, 1, 1, 1, 1, 1, -1, -1, 0)
_HORIZON_DAYS = 30.0
_RECENT = 4


def _unit(v: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {k: x / norm for k, x in v.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


def _weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    keys = a.keys() | b.keys()
    high = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    return sum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys) / high if high else 0.0


class _Stream:
    """The articles' vectors, and the features of an article against a story (a list of earlier articles)."""

    def __init__(self, features: Sequence[ArticleFeatures], titles: Sequence[str]) -> None:
        self.f = features
        self.words = [_unit(f.terms) for f in features]
        self.titles = [_unit(terms(t, "")[0]) for t in titles]
        self.vectors = [f.embedding for f in features]

    def days(self, i: int, members: Sequence[int]) -> float:
        at = self.f[i].at
        times = [self.f[j].at for j in members if self.f[j].at is not None]
        if at is None or not times:
            return 0.0  # an unknown time may belong with any story
        return max(0.0, (min(times) - at).total_seconds(), (at - max(times)).total_seconds()) / 86400

    def row(self, i: int, members: Sequence[int]) -> list[float]:
        summed: Counter = Counter()
        entities: Counter = Counter()
        for j in members:
            summed.update(self.words[j])
            entities.update(self.f[j].entities)
        dot = _dot(self.words[i], summed)
        norm = math.sqrt(sum(x * x for x in summed.values())) or 1.0
        mean_entities = {k: v / len(members) for k, v in entities.items()}
        places = set().union(*(self.f[j].places for j in members))
        conflict = float(bool(self.f[i].places and places and not (self.f[i].places & places)))
        title = max(_dot(self.titles[i], self.titles[j]) for j in members)
        v = self.vectors[i]
        if v is None or any(self.vectors[j] is None for j in members):
            emb = (0.0, 0.0, 0.0)
        else:
            total = sum(self.vectors[j] for j in members)
            emb = (float(v @ total) / (float(np.linalg.norm(total)) or 1.0), float(v @ total) / len(members),
                   max(float(v @ self.vectors[j]) for j in members[-_RECENT:]))
        return [dot / norm, dot / len(members), title, _weighted_jaccard(self.f[i].entities, mean_entities), *emb,
                math.log1p(self.days(i, members)), conflict, math.log(len(members))]


class _Model:
    def __init__(self, w: np.ndarray, b: float, mu: np.ndarray, sd: np.ndarray) -> None:
        self.w, self.b, self.mu, self.sd = w, b, mu, sd

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(((x - self.mu) / self.sd) @ self.w + self.b)))


def _fit(x: np.ndarray, y: np.ndarray, monotone: bool, l2: float = 1.0, steps: int = 3000) -> _Model:
    """L2-regularised logistic regression on standardised features, by projected gradient descent (convex)."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    lo = np.array([0.0 if monotone and s > 0 else -np.inf for s in _SIGN] + [-np.inf])
    hi = np.array([0.0 if monotone and s < 0 else np.inf for s in _SIGN] + [np.inf])
    w = np.zeros(z.shape[1])
    step = 1.0 / (0.25 * len(z) * z.shape[1] + l2)  # 1 / a bound on the Hessian's largest eigenvalue
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + l2 * np.r_[w[:-1], 0.0]
        w = np.clip(w - step * grad, lo, hi)
    return _Model(w[:-1], float(w[-1]), mu, sd)


def _training(stream: _Stream, events: Sequence[str], articles: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Teacher forcing over the training events only: the held-out fold's grouping is never seen."""
    rows, labels = [], []
    chosen = set(articles)
    for i in articles:
        earlier: dict[str, list[int]] = defaultdict(list)
        for j in range(i):
            if j in chosen:
                earlier[events[j]].append(j)
        for event, members in earlier.items():
            if stream.days(i, members) <= _HORIZON_DAYS:
                rows.append(stream.row(i, members))
                labels.append(1.0 if event == events[i] else 0.0)
    return np.array(rows), np.array(labels)


def _cluster(stream: _Stream, model: _Model, ids: Sequence[str]) -> dict[str, str]:
    stories: list[list[int]] = []
    out: dict[str, str] = {}
    for i in range(len(ids)):
        live = [s for s in stories if stream.days(i, s) <= _HORIZON_DAYS]
        best, probability = None, 0.0
        if live:
            p = model.probability(np.array([stream.row(i, s) for s in live]))
            k = int(np.argmax(p))
            best, probability = live[k], float(p[k])
        if best is not None and probability >= 0.5:
            best.append(i)
            out[ids[i]] = ids[best[0]]
        else:
            stories.append([i])
            out[ids[i]] = ids[i]
    return out


def learned_held_out(features: Sequence[ArticleFeatures], titles: Sequence[str], gold: Mapping[str, str], folds: int,
                     b_cubed: Callable) -> dict[str, tuple[float, float, float]]:
    """Mean B-cubed over event folds of a logistic story decision fitted on the other folds (free and monotone)."""
    ids = [f.article_id for f in features]
    events = [gold[i] for i in ids]
    stream = _Stream(features, titles)
    order = sorted(set(events), key=lambda e: hashlib.sha256(e.encode()).hexdigest())  # as bench_stories.held_out
    fold_of = {e: n % folds for n, e in enumerate(order)}
    results: dict[str, list[tuple[float, float, float]]] = {"free": [], "monotone": []}
    for k in range(folds):
        train = [i for i in range(len(ids)) if fold_of[events[i]] != k]
        test = {ids[i] for i in range(len(ids)) if fold_of[events[i]] == k}
        x, y = _training(stream, events, train)
        for name in results:
            model = _fit(x, y, monotone=name == "monotone")
            results[name].append(b_cubed(dict(gold), _cluster(stream, model, ids), test))
    return {name: tuple(statistics.mean(s[n] for s in scores) for n in range(3)) for name, scores in results.items()}
