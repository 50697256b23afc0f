"""How much one article looks like one story: the evidence of each kind, and the weighted score the story index
decides with (``similarity``); the learned decision's evidence vector too. Pure functions of an article's features
and a story's summary."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from services.tagger.embedding import decode_vector
from services.tagger.story_features import ArticleFeatures
from services.tagger.story_model import evidence_vector, weighted_jaccard as _weighted_jaccard
from services.tagger.story_records import Story, StoryConfig

__all__ = ["Scores", "Vectors", "cosine", "story_vectors", "time_factor", "place_conflict", "date_conflict", "all_in", "learned_evidence", "similarity"]


@dataclass(frozen=True, slots=True)
class Scores:
    """The evidence of one comparison."""

    score: float = 0.0
    entity: float = 0.0
    text: float = 0.0
    embedding: float | None = None
    threshold: float = 0.0  # the least score that joins, for the rule that scored
    rule: str = "weighted"  # "learned" (a probability), "weighted" or "cross-language"


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _scaled(weights: Mapping[str, float], idf: Callable[[str], float] | None) -> Mapping[str, float]:
    return weights if idf is None else {k: v * idf(k) for k, v in weights.items()}


@dataclass(frozen=True, slots=True)
class Vectors:
    """A story's embeddings, decoded once per table change."""

    centroid: np.ndarray | None
    recent: tuple[np.ndarray, ...]
    centroid_norm: float = 0.0  # of the members' summed unit embeddings

    def similarity(self, vector: np.ndarray) -> float | None:
        sims = [float(v @ vector) for v in self.recent]
        if self.centroid is not None:
            sims.append(float(self.centroid @ vector))
        return max(sims) if sims else None


def story_vectors(story: Story) -> Vectors:
    centroid, norm = None, 0.0
    if story.centroid:
        total = np.frombuffer(base64.b64decode(story.centroid), dtype="<f4")
        norm = float(np.linalg.norm(total))
        centroid = (total / norm).astype(np.float32) if norm else None
    return Vectors(centroid, tuple(decode_vector(v) for v in story.recent), norm)


def _days_apart(at: datetime | None, story: Story) -> float:
    if at is None or story.first_at is None or story.last_at is None:
        return 0.0  # an unknown time may belong with any story
    return max(0.0, (story.first_at - at).total_seconds(), (at - story.last_at).total_seconds()) / 86400


def time_factor(at: datetime | None, story: Story, config: StoryConfig) -> float:
    """How much of its score an article keeps against a story for the time between them (``StoryConfig.time_decay``):
    1 inside the story's span or when a time is unknown, falling as a Gaussian of the gap to 1 - time_decay at the
    window's edge."""
    if config.time_decay <= 0:
        return 1.0
    sigma = config.window.total_seconds() / 86400 / 3
    return 1.0 - config.time_decay * (1.0 - math.exp(-_days_apart(at, story) ** 2 / (2 * sigma * sigma)))


def place_conflict(features: ArticleFeatures, story: Story) -> bool:
    """Salient places on both sides, none shared: same actors, another city."""
    return bool(features.places and story.places and not (features.places & story.places.keys()))


def date_conflict(features: ArticleFeatures, story: Story) -> bool:
    """Event days stated on both sides (``story_features.event_dates``), none within a day of the other's: the same
    actors on another day, another event. An article or a story that states none is no conflict."""
    if not features.event_dates or not story.event_dates:
        return False
    theirs = [date.fromisoformat(day) for day in story.event_dates]
    return all(abs((mine - day).days) > 1 for mine in features.event_dates for day in theirs)


def all_in(story: Story, language: str) -> bool:
    """Every member of the story is in ``language``: there an article's words can meet the story's."""
    return story.languages.keys() == {language}


def _learns(features: ArticleFeatures, story: Story, vectors: Vectors) -> bool:
    """Where the learned decision applies: one language on both sides, embeddings on both sides."""
    return features.embedding is not None and vectors.centroid is not None and all_in(story, features.language)


def _evidence(features: ArticleFeatures, story: Story, vectors: Vectors) -> np.ndarray:
    """What the learned decision reads of an article and a story (where ``_learns``)."""
    return evidence_vector(
        terms=features.terms, title_terms=features.title_terms, entities=features.entities,
        embedding=features.embedding, days_apart=_days_apart(features.at, story),
        place_conflict=place_conflict(features, story),
        story_terms=story.terms, story_titles=story.titles, story_entities=story.entities, story_size=story.size,
        centroid=vectors.centroid, centroid_norm=vectors.centroid_norm, embedded=story.embedded, recent=vectors.recent)


def learned_evidence(features: ArticleFeatures, story: Story) -> np.ndarray | None:
    """What the learned decision reads of an article and a story, or None where it does not decide (another
    language, no embedding on either side): for fitting it (``bench/bench_stories.py --fit``)."""
    vectors = story_vectors(story)
    return _evidence(features, story, vectors) if _learns(features, story, vectors) else None


def similarity(features: ArticleFeatures, story: Story, config: StoryConfig, *,
               entity_idf: Callable[[str], float] | None = None, term_idf: Callable[[str], float] | None = None,
               vectors: Vectors | None = None) -> Scores:
    """How much an article looks like a story, 0..1, and the evidence. The idf functions weigh down what many live stories share."""
    entities, centroid = features.entities, {k: v / story.size for k, v in story.entities.items()}
    if not features.terms and features.embedding is None:
        # An article read neither by its words nor by an embedding (a language with neither: Kazakh) has only its
        # names, and a city both name is where two events happened, not that they are one (a bridge opens in Astana,
        # a book fair starts there): its actors decide.
        places = features.places | story.places.keys()
        entities = {k: v for k, v in entities.items() if k not in places}
        centroid = {k: v for k, v in centroid.items() if k not in places}
    entity_score = _weighted_jaccard(_scaled(entities, entity_idf), _scaled(centroid, entity_idf))
    text_score = cosine(_scaled(features.terms, term_idf), _scaled(story.terms, term_idf))
    lexical = config.entity_weight * entity_score + (1.0 - config.entity_weight) * text_score
    embedding = None
    if config.embeddings and features.embedding is not None:
        vectors = vectors or story_vectors(story)
        embedding = vectors.similarity(features.embedding)
        if config.model is not None and _learns(features, story, vectors):
            probability = config.model.probability(_evidence(features, story, vectors))
            return Scores(probability, entity_score, text_score, embedding, config.model.threshold, "learned")
    score = lexical
    calibrated = None
    if embedding is not None:
        calibrated = min(1.0, max(0.0, (embedding - config.embedding_floor) / (config.embedding_full - config.embedding_floor)))
        score = (1.0 - config.embedding_weight) * lexical + config.embedding_weight * calibrated
    if place_conflict(features, story):
        score *= config.place_conflict_factor  # same actors, another city: another event
    rule = "weighted"
    if calibrated is not None and features.language not in story.languages:
        # Across languages words cannot meet and place names come out of translation or linking as often wrong as
        # right: the embedding alone, a little below its calibrated value.
        across = calibrated * (1.0 - config.embedding_weight / 2)
        if across > score:
            score, rule = across, "cross-language"
    score *= time_factor(features.at, story, config)  # another day, more likely another event
    if config.event_date_factor < 1.0 and date_conflict(features, story):
        score *= config.event_date_factor  # the text dates its event on another day than the story's
    return Scores(score, entity_score, text_score, embedding, config.threshold, rule)
