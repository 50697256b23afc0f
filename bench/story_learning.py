"""Fitting the learned story decision (``services/tagger/story_model.py``) on event-labelled news, and its
held-out estimate, for ``bench/bench_stories.py``.

Teacher forcing: the articles are read in publication order; each article is compared, with the story stage's
own code (``stories.learned_evidence``), with the story its event's earlier articles make (the positive) and
with every other event's live story (the negatives), stories grown with the stage's own code
(``stories.grow``). The logistic fit reads those rows. The held-out estimate fits on the events of K-1 folds,
runs the real story stage (``StoryIndex`` with that model) over the whole stream, and reads B-cubed over the
held-out fold's articles; nothing else is fitted (the decision joins at probability one half).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from services.tagger.stories import StoryConfig, grow, learned_evidence
from services.tagger.story_features import ArticleFeatures
from services.tagger.story_model import StoryModel, fit

__all__ = ["event_folds", "fit_on_events", "training_rows"]


def training_rows(features: Sequence[ArticleFeatures], events: Sequence[str], config: StoryConfig,
                  chosen: set[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Evidence rows and labels (1: the article's own event) over the ``chosen`` articles (default: all)."""
    rows, labels = [], []
    stories: dict[str, object] = {}
    for i, article in enumerate(features):
        if chosen is not None and i not in chosen:
            continue
        for event, story in stories.items():
            if article.at is not None and story.last_at is not None and story.first_at is not None and not (
                    story.last_at >= article.at - config.window and story.first_at <= article.at + config.window):
                continue  # not live: the stage would not compare them
            evidence = learned_evidence(article, story)
            if evidence is not None:
                rows.append(evidence)
                labels.append(1.0 if event == events[i] else 0.0)
        stories[events[i]] = grow(stories.get(events[i]), article, config)
    return np.array(rows), np.array(labels)


def fit_on_events(features: Sequence[ArticleFeatures], gold: Mapping[str, str], config: StoryConfig,
                  chosen: set[int] | None = None, source: str = "") -> StoryModel:
    rows, labels = training_rows(features, [gold[f.article_id] for f in features], config, chosen)
    if not len(rows) or labels.min() == labels.max():
        raise ValueError("the events give no pair of each kind to fit on (too few events, or none with two articles)")
    return fit(rows, labels, source=source)


def event_folds(gold: Mapping[str, str], folds: int) -> dict[str, int]:
    """Event -> fold, by a hash of its name (as ``bench_stories.held_out``)."""
    events = sorted(set(gold.values()), key=lambda e: hashlib.sha256(e.encode()).hexdigest())
    return {e: n % folds for n, e in enumerate(events)}


def learned_held_out(features: Sequence[ArticleFeatures], gold: Mapping[str, str], config: StoryConfig, folds: int,
                     run: Callable[[StoryConfig], dict[str, str]], b_cubed: Callable) -> tuple[float, float, float]:
    """Mean B-cubed over event folds of the story stage with a model fitted on the other folds' events."""
    fold_of = event_folds(gold, folds)
    scores = []
    for k in range(folds):
        train = {i for i, f in enumerate(features) if fold_of[gold[f.article_id]] != k}
        test = {f.article_id for f in features if fold_of[gold[f.article_id]] == k}
        model = fit_on_events(features, gold, config, train)
        scores.append(b_cubed(dict(gold), run(dataclasses.replace(config, model=model)), test))
    return tuple(float(np.mean([s[n] for s in scores])) for n in range(3))
