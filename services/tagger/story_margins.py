"""The margin rules: when no score reaches its rule's threshold across languages, the one live story that stands clearly
nearest the article still takes it. A cosine or a low score alone is not calibrated from one document to the next; how
far the nearest stands from the rest is (margin-based cross-lingual matching, as in bitext mining).

- ``cross-language-nearest``: the live story whose centroid is nearest the article's embedding, when it is near
  (``nearest_floor``) and clearly nearer than any other (``nearest_margin``);
- ``cross-language-names``: for a report no encoder reads, the story whose names, compared in Latin letters, meet the
  article's (``names_floor``) clearly more than any other's (``names_margin``);
- ``cross-language-words``: for such a report, the story with no report in its language that its words score
  ``words_floor`` with, and clearly more (``words_margin``) than any other story.

:class:`MarginRules` is part of :class:`stories.StoryIndex`, whose live stories and indexes it reads. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from services.tagger.story_features import SKELETON, ArticleFeatures
from services.tagger.story_records import Story, StoryConfig
from services.tagger.story_scoring import Scores, all_in, cosine, date_conflict, place_conflict

__all__ = ["MarginRules", "name_norms", "names_agree"]

# Two stories whose names meet at this cosine or more tell of one event (the same document in 128 languages: 0.5-0.9).
_SAME_NAMES = 0.5


def _spelled(names: Mapping[str, float]) -> dict[str, float]:
    """Name keys by their spelling only, without the consonant keys (``story_features.SKELETON``)."""
    return {k: v for k, v in names.items() if not k.startswith(SKELETON)}


def name_norms(names: Mapping[str, float]) -> tuple[float, float]:
    """The length of a names vector with every key, and by spelling only (``_spelled``)."""
    whole = spelled = 0.0
    for k, v in names.items():
        whole += v * v
        if not k.startswith(SKELETON):
            spelled += v * v
    return math.sqrt(whole), math.sqrt(spelled)


def names_agree(a: Story, b: Story) -> bool:
    """Whether two stories' names, compared in Latin letters, mostly agree: one event opened twice."""
    return cosine(a.names, b.names) >= _SAME_NAMES


class MarginRules:
    """The margin rules of :class:`stories.StoryIndex` (its base): each gives (scores, story id) of the story that
    stands clear, or None. They read the index's live stories and its ``_centroids``, ``_live`` and ``reported_id``."""

    config: StoryConfig
    stories: dict[str, Story]
    _by_name: dict[str, set[str]]  # name key -> live stories holding it
    _name_norms: dict[str, tuple[float, float]]  # story id -> name_norms(its names)

    def _clear_nearest(self, features: ArticleFeatures, expired: tuple[str, ...]) -> tuple[Scores, str] | None:
        """The live story in other languages whose centroid is nearest the article's embedding, when it is near and
        no other live story comes close: words cannot meet across languages, and a cosine alone is not calibrated
        from one document to the next, but how far the nearest stands from the rest is."""
        if not (self.config.embeddings and self.config.nearest_margin > 0 and features.embedding is not None):
            return None
        ids, matrix = self._centroids(features.embedding.shape[0])
        if not ids:
            return None
        sims = matrix @ features.embedding
        live = sorted(((float(sims[i]), sid) for i, sid in enumerate(ids)
                       if sid not in expired and self._live(self.stories[sid], features.at)), reverse=True)
        if not live:
            return None
        nearest, story_id = live[0]
        runner_up = live[1][0] if len(live) > 1 else 0.0
        story = self.stories[story_id]
        # A story wholly in the article's language is left to words; one that also holds reports in other languages
        # is not (a second Arabic or Traditional Chinese report meets it only by the embedding).
        if (all_in(story, features.language) or nearest < self.config.nearest_floor
                or nearest - runner_up < self.config.nearest_margin or place_conflict(features, story)
                or (self.config.event_date_factor < 1.0 and date_conflict(features, story))):
            return None
        return Scores(nearest, 0.0, 0.0, nearest, self.config.nearest_floor, "cross-language-nearest"), story_id

    def _clear_names(self, features: ArticleFeatures, expired: tuple[str, ...]) -> tuple[Scores, str] | None:
        """For a report no encoder reads, in a language none of a story's reports is in: the story whose names, in any
        script and compared in Latin letters, meet the article's names at least ``names_floor`` and clearly more
        (``names_margin``) than any other story's. "Попокатепетль", "Ποποκατεπέτλ" and "Popocatépetl" are one name.

        The other way round too: a report an encoder reads (the English original) meets by names a story no encoder
        could read (its translation came first), the one story it would otherwise never find; stories with an
        embedding are the other rules' to judge. Then the story's script decides how names compare."""
        if not features.name_keys or self.config.names_margin <= 0:
            return None
        candidates = {sid for key in features.name_keys for sid in self._by_name.get(key, ())}
        candidates = {sid for sid in candidates if sid not in expired and self._live(self.stories[sid], features.at)}
        if features.embedding is None:
            return self._clear_names_among(features, candidates, cased=features.names_cased)
        candidates = {sid for sid in candidates if not self.stories[sid].embedded}
        # A story written without capitals holds every word of its reports as a name key; one with capitals, its names.
        uncased = {sid for sid in candidates if self.stories[sid].uncased == self.stories[sid].size}
        found = [clear for clear in (self._clear_names_among(features, uncased, cased=False),
                                     self._clear_names_among(features, candidates - uncased, cased=features.names_cased))
                 if clear is not None]
        return found[0] if len(found) == 1 else None  # two stories, each clear among its own kind, are no clear one

    def _clear_names_among(self, features: ArticleFeatures, candidates: set[str], *, cased: bool) -> tuple[Scores, str] | None:
        if cased:
            # Its capitalised words, by their first five letters: "Попокатепетль" is "Popocatépetl".
            keys, floor, margin = _spelled(features.name_keys), self.config.names_floor, self.config.names_margin
        else:
            # Every word, by its first five letters and by its consonants ("ٹرمپ" is "Trump" by "~trmp"), against a
            # lower floor (StoryConfig.names_floor_uncased).
            keys, floor, margin = features.name_keys, self.config.names_floor_uncased, self.config.names_margin_uncased
        length = math.sqrt(sum(v * v for v in keys.values()))

        def names_cosine(sid: str) -> float:
            # The article's keys against the story's (by spelling only for a cased article: its keys hold no consonant
            # key, so those of the story add nothing to the dot product, only to the story's length, kept per story).
            names, norm = self.stories[sid].names, self._name_norms[sid][1 if cased else 0]
            dot = sum(v * names.get(k, 0.0) for k, v in keys.items())
            return dot / (length * norm) if length and norm else 0.0

        ranked = sorted(((names_cosine(sid), sid) for sid in candidates), key=lambda item: (-item[0], item[1]))
        # Stories whose own names mostly agree (one event opened twice by reports nothing could read) count once.
        clear = self._clear_of_the_rest(features, ranked, floor, margin, alike=names_agree)
        return None if clear is None else (Scores(clear[0], 0.0, 0.0, None, floor, "cross-language-names"), clear[1])

    def _clear_words(self, features: ArticleFeatures, scored: list[tuple[Scores, str]]) -> tuple[Scores, str] | None:
        """For a report no encoder reads, in a language none of a story's reports is in: that story, when its words and
        names score at least ``words_floor`` with it and every other story at least ``words_margin`` less. Across
        languages only names and borrowed words meet, so the score stays low, but the right story stands clear of the
        rest (the nearest-embedding rule's reasoning, on words)."""
        if features.embedding is not None or not features.terms or self.config.words_margin <= 0:
            return None
        by_story = {sid: scores for scores, sid in scored}
        ranked = sorted(((scores.score, sid) for scores, sid in scored), key=lambda item: (-item[0], item[1]))
        clear = self._clear_of_the_rest(features, ranked, self.config.words_floor, self.config.words_margin)
        if clear is None:
            return None
        scores = by_story[clear[1]]
        return Scores(scores.score, scores.entity, scores.text, None, self.config.words_floor, "cross-language-words"), clear[1]

    def _clear_of_the_rest(self, features: ArticleFeatures, ranked: list[tuple[float, str]], floor: float, margin: float,
                           alike: Callable[[Story, Story], bool] | None = None) -> tuple[float, str] | None:
        """The best of ``ranked`` (score, story id; best first) when it has no report in the article's language, scores
        ``floor`` and stands ``margin`` above every other candidate; stories reported as one, or ``alike`` it, are one
        candidate, not two close ones."""
        if not ranked:
            return None
        best, story_id = ranked[0]
        story = self.stories[story_id]
        reported = self.reported_id(story_id)
        runner_up = next((score for score, sid in ranked[1:] if self.reported_id(sid) != reported
                          and not (alike is not None and alike(story, self.stories[sid]))), 0.0)
        if (features.language in story.languages or best < floor or best - runner_up < margin
                or place_conflict(features, story)):
            return None
        return best, story_id
