"""The learned story decision: the bundled model, its file, and where it decides (and where it does not)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import numpy as np
import orjson
import pytest

from services.tagger.assign import story_config
from services.tagger.settings import TaggerSettings
from services.tagger.stories import ArticleFeatures, StoryIndex, learned_evidence
from services.tagger.story_model import FEATURES, MODEL_PATH, StoryModel, fit

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=timezone.utc)


def unit(seed: int, near: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    if near is not None:
        v = near + noise * v / np.linalg.norm(v)
    return v / np.linalg.norm(v)


def report(article_id: str, words: str, embedding: np.ndarray, *, language: str = "en", hours: float = 0) -> ArticleFeatures:
    terms = {w: 1.0 for w in words.split()}
    return ArticleFeatures(article_id, T0 + timedelta(hours=hours), {}, frozenset(), terms, embedding=embedding,
                           language=language, title_terms=dict(list(terms.items())[:3]))


def place(index: StoryIndex, f: ArticleFeatures):
    decision = index.decide(f)
    index.apply(decision)
    return decision


LEARNED = TaggerSettings(story_model="bundled")


def test_the_bundled_model_is_opt_in_and_joins_at_probability_one_half():
    assert story_config(TaggerSettings()).model is None  # off by default: the weighted similarity decides
    config = story_config(LEARNED)
    assert config.model is not None and config.model.threshold == 0.5
    assert "bench_stories.py --fit" in config.model.source  # it says where its weights come from


def test_more_shared_words_and_a_closer_embedding_make_a_join_likelier():
    model = StoryModel.load()
    config = story_config(LEARNED)
    index = StoryIndex(config)
    quake = unit(1)
    place(index, report("quake", "earthquake turkey gaziantep magnitude collapsed rescue", quake))
    story = index.stories["quake"]
    close = learned_evidence(report("q2", "earthquake gaziantep magnitude collapsed rescue teams", unit(2, near=quake, noise=0.3), hours=2), story)
    far = learned_evidence(report("q3", "earthquake chile santiago tremor", unit(3, near=quake, noise=2.5), hours=2), story)
    assert model.probability(close) > 0.5 > model.probability(far)


def test_the_learned_rule_decides_in_one_language_and_the_embedding_across_languages():
    index = StoryIndex(story_config(LEARNED))
    quake = unit(4)
    place(index, report("quake", "earthquake turkey gaziantep magnitude collapsed rescue", quake))
    same = place(index, report("q2", "earthquake gaziantep magnitude collapsed rescue", unit(5, near=quake, noise=0.3), hours=1))
    assert not same.created and same.scores.rule == "learned" and same.score >= 0.5
    spanish = place(index, report("q-es", "terremoto turquía gaziantep", unit(6, near=quake, noise=0.4), language="es", hours=2))
    assert not spanish.created and spanish.scores.rule == "cross-language"
    other = place(index, report("fire", "wildfire california evacuations acres", unit(7), hours=3))
    assert other.created


def test_a_model_file_for_other_evidence_is_refused_with_the_way_to_refit_it(tmp_path):
    data = orjson.loads(MODEL_PATH.read_bytes())
    data["features"] = data["features"][:-1]
    with pytest.raises(ValueError, match="refit it with bench/bench_stories.py --fit"):
        StoryModel.from_json(orjson.dumps(data))


def test_a_fitted_model_survives_its_file():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 4] + 0.3 * rng.normal(size=400) > 0).astype(float)
    model = fit(x, y, source="test")
    assert model.weights[0] > model.weights[4] > 0 and abs(model.weights[9]) < model.weights[4]
    again = StoryModel.from_json(model.to_json())
    assert again.probability(x[0]) == pytest.approx(model.probability(x[0]))
    assert dataclasses.replace(again, source="x").source == "x"
