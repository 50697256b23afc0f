"""The learned story decision: how likely an article belongs to a live story, from the evidence of both.

Streaming news clusterers that hold on real news (Miranda et al. 2018, "Multilingual Clustering of Streaming
News") fit the weights of their evidence on labelled events instead of setting them by hand. This is that, for
articles compared with a story in their own language (words and entities can meet) with embeddings on both
sides: a logistic model over ten pieces of evidence,

- words: cosine with the story's centroid, mean cosine with its members, best title-word cosine with a
  recent member;
- entities: weighted Jaccard with the story's mean entity weights;
- embeddings: cosine with the centroid, mean cosine with the members, best cosine with a recent member;
- time: days between the article and the story's span (0 inside it, or when either time is unknown); a
  place conflict; the story's size.

Opt-in (``WIREWATCH_TAGGER__STORY_MODEL``): fitted on conflict news, it folds templated text of different
events together (docs/tagger.md). An article joins the most probable live story when the probability is at least one half: the point where
"same event" becomes likelier than not, not a threshold fitted to a file. The weights are fitted by
``bench/bench_stories.py --fit`` on an event-labelled file (teacher forcing: each article against its event's
earlier articles and every other live event's) and bundled in ``data/story_model.json`` with their provenance;
``bench/bench_stories.py`` reports the held-out figure (fitted on other events than it is scored on).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

__all__ = ["FEATURES", "MODEL_PATH", "StoryModel", "evidence_vector", "fit", "unit", "weighted_jaccard"]

FEATURES = ("words-centroid", "words-mean", "title-words-best", "entities", "embedding-centroid", "embedding-mean",
            "embedding-recent", "days-apart", "place-conflict", "log-size")
MODEL_PATH = Path(__file__).resolve().parent / "data" / "story_model.json"


def unit(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights scaled to length one (an article adds a unit vector of words to its story, so a long article does
    not outweigh a short one)."""
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {k: v / norm for k, v in weights.items()} if norm else dict(weights)


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    keys = a.keys() | b.keys()
    high = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    return sum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys) / high if high else 0.0


def evidence_vector(*, terms: Mapping[str, float], title_terms: Mapping[str, float], entities: Mapping[str, float],
                    embedding: np.ndarray, days_apart: float, place_conflict: bool,
                    story_terms: Mapping[str, float], story_titles: Sequence[Mapping[str, float]],
                    story_entities: Mapping[str, float], story_size: int, centroid: np.ndarray, centroid_norm: float,
                    embedded: int, recent: Sequence[np.ndarray]) -> np.ndarray:
    """The ten pieces of evidence, in ``FEATURES`` order. ``story_terms`` is the sum of the members' unit word
    vectors, ``story_entities`` the sum of their entity weights, ``centroid`` the unit sum of their embeddings."""
    words = unit(terms)
    dot = _dot(words, story_terms)
    norm = math.sqrt(sum(v * v for v in story_terms.values())) or 1.0
    title = unit(title_terms)
    title_best = max((_dot(title, t) for t in story_titles), default=0.0)
    mean_entities = {k: v / story_size for k, v in story_entities.items()}
    to_centroid = float(embedding @ centroid)
    return np.array([
        dot / norm, dot / story_size, title_best, weighted_jaccard(entities, mean_entities),
        to_centroid, to_centroid * centroid_norm / max(1, embedded), max((float(embedding @ r) for r in recent), default=to_centroid),
        math.log1p(max(0.0, days_apart)), float(place_conflict), math.log(max(1, story_size)),
    ])


@dataclass(frozen=True)
class StoryModel:
    """P(article belongs to story) = logistic(weights . standardised evidence + bias); join at ``threshold``."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    source: str = ""

    def probability(self, evidence: np.ndarray) -> float:
        z = float(((evidence - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> bytes:
        return orjson.dumps({
            "features": list(FEATURES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
            "weights": self.weights.tolist(), "bias": self.bias, "threshold": self.threshold, "source": self.source,
        }, option=orjson.OPT_INDENT_2)

    @classmethod
    def from_json(cls, raw: bytes | str) -> StoryModel:
        data = orjson.loads(raw)
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"story model features {data['features']} are not this code's {list(FEATURES)}: refit it "
                             "with bench/bench_stories.py --fit")
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]), float(data["bias"]),
                   float(data.get("threshold", 0.5)), str(data.get("source", "")))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> StoryModel:
        return cls.from_json(path.read_bytes())


def fit(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50, source: str = "") -> StoryModel:
    """L2-regularised logistic regression on standardised evidence, by Newton's method (convex; numpy only)."""
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    penalty = l2 * np.diag(np.r_[np.ones(z.shape[1] - 1), 0.0])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1.0 - p))[:, None]).T @ z + penalty
        change = np.linalg.solve(hessian, gradient)
        w -= change
        if float(np.abs(change).max()) < 1e-8:
            break
    return StoryModel(mean, scale, w[:-1], float(w[-1]), source=source)
