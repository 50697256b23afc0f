"""Story assignment as both the story agent and ``wirewatch process`` run it: one config from the settings,
one index, the article placed with its story id, size and the evidence of the decision.

Pure but for the index it holds: ``now`` is passed in, and the caller (agent or process) keeps the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from schemas import NormalizedArticle, TaggedArticle
from schemas.models import StoryEvidence
from services.tagger.settings import TaggerSettings
from services.tagger.stories import Decision, StoryConfig, StoryIndex, article_features
from services.tagger.story_features import ArticleFeatures
from services.tagger.story_model import StoryModel

__all__ = ["story_config", "StoryAssigner", "evidence", "tag_and_embed"]

_SHOWN = 6


def story_config(settings: TaggerSettings) -> StoryConfig:
    """The one place the story settings become a StoryConfig: the agent and ``process`` both call it."""
    return StoryConfig(
        window=timedelta(hours=settings.story_window_hours),
        threshold=settings.story_threshold,
        idf=settings.story_idf,
        embeddings=settings.story_embeddings,
        nearest_margin=settings.story_nearest_margin,
        words_margin=settings.story_words_margin,
        names_margin=settings.story_names_margin,
        merge_margin=settings.story_merge_margin,
        time_decay=settings.story_time_decay,
        event_date_factor=settings.story_event_date_factor,
        model=_model(settings.story_model),
    )


@lru_cache(maxsize=4)
def _model(choice: str | None) -> StoryModel | None:
    if choice is None:
        return None
    return StoryModel.load() if choice == "bundled" else StoryModel.load(Path(choice))


def evidence(features: ArticleFeatures, decision: Decision, index: StoryIndex) -> StoryEvidence:
    """Why the article went where it did: the scores and what it shares with the story it was compared to."""
    kind = "duplicate" if decision.duplicate else "created" if decision.created else "joined"
    # Before apply: the story as it was when the article was compared with it.
    story = index.stories.get(decision.compared) if decision.compared else None
    shared_entities: list[str] = []
    shared_words: list[str] = []
    shared_names: list[str] = []
    if story is not None and not decision.duplicate:
        keys = sorted((k for k in features.entities if k in story.entities), key=lambda k: (-features.entities[k], k))
        shared_entities = [features.names.get(k, k) for k in keys[:_SHOWN]]
        terms = sorted((t for t in features.terms if t in story.terms), key=lambda t: (-features.terms[t], t))
        shared_words = [features.words.get(t, t) for t in terms[:_SHOWN]]
        keys = sorted((k for k in features.name_keys if k in story.names), key=lambda k: (-features.name_keys[k], k))
        # A name meets by its spelling and by its consonants: shown once.
        shared_names = list(dict.fromkeys(features.name_words.get(k, k) for k in keys))[:_SHOWN]
    s = decision.scores
    return StoryEvidence(
        decision=kind, score=round(decision.score, 3), threshold=s.threshold if not decision.duplicate else index.config.threshold,
        rule=None if decision.duplicate or decision.compared is None else s.rule,
        entity_score=round(s.entity, 3), text_score=round(s.text, 3),
        embedding_similarity=None if s.embedding is None else round(s.embedding, 3),
        shared_entities=shared_entities, shared_words=shared_words, shared_names=shared_names,
        compared=index.reported_id(decision.compared) if decision.compared else None,
        undated=features.at is None, merged=list(decision.merged), copy_of=decision.copy_of,
    )


class StoryAssigner:
    """An index and the countries the tagger knows; ``place`` decides, applies and returns the placed article."""

    def __init__(self, config: StoryConfig, countries: frozenset[str] = frozenset()) -> None:
        self.index = StoryIndex(config)
        self.countries = countries

    def place(self, article: TaggedArticle, *, now: datetime) -> tuple[TaggedArticle, Decision]:
        features = article_features(article, countries=self.countries, now=now)
        decision = self.index.decide(features)
        why = evidence(features, decision, self.index)  # before apply: an expired compared story is still there
        self.index.apply(decision)
        # After apply: a merge this article made gives its own story's reports the merged ids as aliases.
        why = why.model_copy(update={"aliases": self.index.aliases(decision.reported)})
        placed = article.model_copy(update={"story_id": decision.reported, "story_size": decision.reported_size, "story_evidence": why})
        return placed, decision


def tag_and_embed(tagger, embedder, articles: Sequence[NormalizedArticle]) -> list[TaggedArticle]:
    """NER and linking, then the title+lead embeddings (when an embedder is given): the tagger's expensive batch step."""
    tagged = tagger.tag_many(articles)
    if embedder is None or not tagged:
        return tagged
    vectors = embedder.embed_articles(tagged)
    return [t.model_copy(update={"embedding": v}) for t, v in zip(tagged, vectors)]
