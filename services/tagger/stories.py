"""Which story an article belongs to: single-pass clustering over a sliding time window.

An article joins the live story it is most similar to, or opens a new one named after itself. As in
streaming news clusterers (Miranda et al. 2018, "Multilingual Clustering of Streaming News"), the
decision reads several kinds of evidence against the story's running summary:

- the overlap of canonical entity keys, weighted by salience (title and lead count more), each key
  weighed by its inverse story frequency over the live stories (Ukraine tells less than Stoltenberg);
- the cosine of content words weighed by how rare they are in news (``story_features``);
- the cosine of multilingual sentence embeddings of the title and lead, against the story's centroid
  and its latest members: the evidence that survives translation, or its absence.

Two rules weigh that evidence. When ``StoryConfig.model`` is set (opt-in: docs/tagger.md says why it is
not the default) and an article and a story are in one language (every member in the article's) with
embeddings on both sides, the learned decision (``story_model``: weights fitted on labelled real
news, as Miranda et al. fit theirs) gives the probability that they report one event; it joins at one
half. Elsewhere the weighted similarity below decides, against ``threshold``; the candidate with the
largest margin over its rule's threshold wins.

Words and entities need the same language to meet; the embedding does not. The weighted score is the
larger of two readings: the lexical one (entities and words, with the embedding as a third voice when
both have one) and the embedding alone, discounted to what a cross-language match of a real report
shows (same document 0.65-0.85, different documents below 0.5). An article whose salient places (cities,
not countries) all differ from the story's is penalised, so "NATO in Vilnius" and "NATO in Kyiv" stay
apart although the actors match.

Across languages, when nothing reaches the threshold, the live story whose centroid is nearest the article's
embedding still joins if it is near (cosine 0.5) and clearly nearer than any other live story
(``nearest_margin``): a cosine alone is not calibrated from one document to the next, how far the nearest
stands from the rest is (margin-based cross-lingual matching, as in bitext mining). A report no encoder reads
(no embedding) does the same on its words: across languages only names and borrowed words meet, so the score stays
low, but a story with no report in the article's language joins when it scores ``words_floor`` and clearly more
(``words_margin``) than any other story.

Merging: when one article scores ``merge_margin`` or more above the threshold with stories reported under two or
more ids, they report one event that opened twice; from then on all of them are reported under the id of the
article's best match (``Story.merged_into``), each keeping its own summary for comparisons.

Time: a story holds the span of its dated articles. An article of unknown time (``at`` None) may join any
live story; stories of only such articles never expire by their own time but by the index's watermark,
the latest article time it has seen.

Pure: no Kafka, no clock. The shell keeps :class:`Story` records in a table, mirrors them into a
:class:`StoryIndex`, asks :meth:`StoryIndex.decide` and writes back what :meth:`StoryIndex.apply` changed.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from services.tagger.embedding import decode_vector
from services.tagger.story_features import PLACE_TYPES, ArticleFeatures, article_features
from services.tagger.story_model import evidence_vector, weighted_jaccard as _weighted_jaccard
from services.tagger.story_records import Story, StoryConfig, grow, joined, opened

__all__ = [
    "PLACE_TYPES",
    "StoryConfig",
    "ArticleFeatures",
    "Story",
    "Scores",
    "Decision",
    "StoryIndex",
    "article_features",
    "grow",
    "learned_evidence",
    "similarity",
]


@dataclass(frozen=True, slots=True)
class Scores:
    """The evidence of one comparison."""

    score: float = 0.0
    entity: float = 0.0
    text: float = 0.0
    embedding: float | None = None
    threshold: float = 0.0  # the least score that joins, for the rule that scored
    rule: str = "weighted"  # "learned" (a probability), "weighted" or "cross-language"


@dataclass(frozen=True, slots=True)
class Decision:
    """Where an article goes: ``story`` is the story after the article joined (or opened) it.

    ``scores`` and ``compared`` are against the story it joined, or the closest live story when it opened one.
    ``reported`` is the id the article is reported under (the story's own, or the one it was merged into) and
    ``reported_size`` the articles reported under it; ``merged`` the ids this article merged into ``reported`` (gone
    from now on) and ``updated`` the stories whose record that changed.
    """

    story: Story
    created: bool
    score: float
    duplicate: bool = False
    expired: tuple[str, ...] = ()
    scores: Scores = Scores()
    compared: str | None = None
    reported: str = ""
    reported_size: int = 1
    merged: tuple[str, ...] = ()
    updated: tuple[Story, ...] = ()

    def __post_init__(self) -> None:
        if not self.reported:
            object.__setattr__(self, "reported", self.story.reported)


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _scaled(weights: Mapping[str, float], idf: Callable[[str], float] | None) -> Mapping[str, float]:
    return weights if idf is None else {k: v * idf(k) for k, v in weights.items()}


@dataclass(frozen=True, slots=True)
class _Vectors:
    """A story's embeddings, decoded once per table change."""

    centroid: np.ndarray | None
    recent: tuple[np.ndarray, ...]
    centroid_norm: float = 0.0  # of the members' summed unit embeddings

    def similarity(self, vector: np.ndarray) -> float | None:
        sims = [float(v @ vector) for v in self.recent]
        if self.centroid is not None:
            sims.append(float(self.centroid @ vector))
        return max(sims) if sims else None


def _vectors(story: Story) -> _Vectors:
    centroid, norm = None, 0.0
    if story.centroid:
        total = np.frombuffer(base64.b64decode(story.centroid), dtype="<f4")
        norm = float(np.linalg.norm(total))
        centroid = (total / norm).astype(np.float32) if norm else None
    return _Vectors(centroid, tuple(decode_vector(v) for v in story.recent), norm)


def _days_apart(at: datetime | None, story: Story) -> float:
    if at is None or story.first_at is None or story.last_at is None:
        return 0.0  # an unknown time may belong with any story
    return max(0.0, (story.first_at - at).total_seconds(), (at - story.last_at).total_seconds()) / 86400


def _place_conflict(features: ArticleFeatures, story: Story) -> bool:
    """Salient places on both sides, none shared: same actors, another city."""
    return bool(features.places and story.places and not (features.places & story.places.keys()))


def _all_in(story: Story, language: str) -> bool:
    """Every member of the story is in ``language``: there an article's words can meet the story's."""
    return story.languages.keys() == {language}


def _learns(features: ArticleFeatures, story: Story, vectors: _Vectors) -> bool:
    """Where the learned decision applies: one language on both sides, embeddings on both sides."""
    return features.embedding is not None and vectors.centroid is not None and _all_in(story, features.language)


def _evidence(features: ArticleFeatures, story: Story, vectors: _Vectors) -> np.ndarray:
    """What the learned decision reads of an article and a story (where ``_learns``)."""
    return evidence_vector(
        terms=features.terms, title_terms=features.title_terms, entities=features.entities,
        embedding=features.embedding, days_apart=_days_apart(features.at, story),
        place_conflict=_place_conflict(features, story),
        story_terms=story.terms, story_titles=story.titles, story_entities=story.entities, story_size=story.size,
        centroid=vectors.centroid, centroid_norm=vectors.centroid_norm, embedded=story.embedded, recent=vectors.recent)


def learned_evidence(features: ArticleFeatures, story: Story) -> np.ndarray | None:
    """What the learned decision reads of an article and a story, or None where it does not decide (another
    language, no embedding on either side): for fitting it (``bench/bench_stories.py --fit``)."""
    vectors = _vectors(story)
    return _evidence(features, story, vectors) if _learns(features, story, vectors) else None


def similarity(features: ArticleFeatures, story: Story, config: StoryConfig, *,
               entity_idf: Callable[[str], float] | None = None, term_idf: Callable[[str], float] | None = None,
               vectors: _Vectors | None = None) -> Scores:
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
    text_score = _cosine(_scaled(features.terms, term_idf), _scaled(story.terms, term_idf))
    lexical = config.entity_weight * entity_score + (1.0 - config.entity_weight) * text_score
    embedding = None
    if config.embeddings and features.embedding is not None:
        vectors = vectors or _vectors(story)
        embedding = vectors.similarity(features.embedding)
        if config.model is not None and _learns(features, story, vectors):
            probability = config.model.probability(_evidence(features, story, vectors))
            return Scores(probability, entity_score, text_score, embedding, config.model.threshold, "learned")
    score = lexical
    calibrated = None
    if embedding is not None:
        calibrated = min(1.0, max(0.0, (embedding - config.embedding_floor) / (config.embedding_full - config.embedding_floor)))
        score = (1.0 - config.embedding_weight) * lexical + config.embedding_weight * calibrated
    if _place_conflict(features, story):
        score *= config.place_conflict_factor  # same actors, another city: another event
    rule = "weighted"
    if calibrated is not None and features.language not in story.languages:
        # Across languages words cannot meet and place names come out of translation or linking as often wrong as
        # right: the embedding alone, a little below its calibrated value.
        across = calibrated * (1.0 - config.embedding_weight / 2)
        if across > score:
            score, rule = across, "cross-language"
    return Scores(score, entity_score, text_score, embedding, config.threshold, rule)


@dataclass
class StoryIndex:
    """The live stories, indexed by entity key and article id so a decision reads only candidates."""

    config: StoryConfig = field(default_factory=StoryConfig)
    stories: dict[str, Story] = field(default_factory=dict)
    _by_entity: dict[str, set[str]] = field(default_factory=dict)
    _by_article: dict[str, str] = field(default_factory=dict)
    _raw: dict[str, str] = field(default_factory=dict)
    _by_term: dict[str, set[str]] = field(default_factory=dict)  # term -> live stories holding it
    _vectors: dict[str, _Vectors] = field(default_factory=dict)
    _groups: dict[str, set[str]] = field(default_factory=dict)  # reported id -> live stories reported under it
    _matrix: tuple[list[str], np.ndarray] | None = None  # story ids and their unit centroids, rebuilt after a change

    def __len__(self) -> int:
        return len(self.stories)

    @property
    def watermark(self) -> datetime | None:
        """The latest article time the index has seen (its stories' latest ``last_at``)."""
        times = [s.last_at for s in self.stories.values() if s.last_at is not None]
        return max(times) if times else None

    def _add(self, story: Story) -> None:
        self._remove(story.id)
        self.stories[story.id] = story
        self._groups.setdefault(story.reported, set()).add(story.id)
        for key in story.entities:
            self._by_entity.setdefault(key, set()).add(story.id)
        for term in story.terms:
            self._by_term.setdefault(term, set()).add(story.id)
        for article_id in story.articles:
            self._by_article[article_id] = story.id
        if story.centroid or story.recent:
            self._vectors[story.id] = _vectors(story)
        self._matrix = None

    def _remove(self, story_id: str) -> None:
        old = self.stories.pop(story_id, None)
        self._raw.pop(story_id, None)
        self._vectors.pop(story_id, None)
        if old is None:
            return
        self._matrix = None
        group = self._groups.get(old.reported)
        if group is not None:
            group.discard(story_id)
            if not group:
                del self._groups[old.reported]
        for key in old.entities:
            ids = self._by_entity.get(key)
            if ids is not None:
                ids.discard(story_id)
                if not ids:
                    del self._by_entity[key]
        for term in old.terms:
            ids = self._by_term.get(term)
            if ids is not None:
                ids.discard(story_id)
                if not ids:
                    del self._by_term[term]
        for article_id in old.articles:
            if self._by_article.get(article_id) == story_id:
                del self._by_article[article_id]

    def sync(self, items: Iterable[tuple[str, str]]) -> None:
        """Mirror a table of story id -> Story JSON; only changed records are decoded again."""
        seen: set[str] = set()
        for story_id, raw in items:
            seen.add(story_id)
            if self._raw.get(story_id) != raw:
                self._add(Story.model_validate_json(raw))
                self._raw[story_id] = raw
        for story_id in [s for s in self.stories if s not in seen]:
            self._remove(story_id)

    def _live(self, story: Story, at: datetime | None) -> bool:
        if at is None or story.last_at is None or story.first_at is None:
            return True  # an article or a story of unknown time may belong with any live story
        window = self.config.window
        return story.last_at >= at - window and story.first_at <= at + window

    def _expired(self, reference: datetime | None) -> tuple[str, ...]:
        if reference is None:
            return ()
        horizon = reference - 2 * self.config.window
        return tuple(sorted(s.id for s in self.stories.values() if (s.last_at or s.seen_at or reference) < horizon))

    def _centroids(self, dimension: int) -> tuple[list[str], np.ndarray]:
        """The stories with a centroid, and their centroids as rows (built once per table change)."""
        if self._matrix is None:
            ids = [sid for sid, v in self._vectors.items() if v.centroid is not None]
            self._matrix = (ids, np.stack([self._vectors[s].centroid for s in ids]) if ids else np.zeros((0, dimension), np.float32))
        return self._matrix

    def _embedding_candidates(self, vector: np.ndarray, limit: int = 20) -> set[str]:
        """The live stories whose centroid is closest to ``vector``: a report in another language shares no words or keys."""
        ids, matrix = self._centroids(vector.shape[0])
        if not ids:
            return set()
        sims = matrix @ vector
        order = np.argsort(-sims)[:limit]
        return {ids[i] for i in order if sims[i] >= self.config.embedding_floor}

    def decide(self, features: ArticleFeatures) -> Decision:
        """The story this article belongs to, and the stories too old to keep (twice the window behind it)."""
        watermark = self.watermark
        reference = features.at or watermark
        expired = self._expired(reference)
        if features.at is not None and (watermark is None or features.at > watermark):
            watermark = features.at
        known = self._by_article.get(features.article_id)
        if known is not None and known in self.stories:
            # A re-sent or edited article keeps its story: at-least-once delivery must not split stories.
            story = self.stories[known]
            return Decision(story, created=False, score=1.0, duplicate=True, expired=expired, compared=known,
                            reported_size=self.reported_size(self.reported_id(known)))
        candidates = {sid for key in features.entities for sid in self._by_entity.get(key, ())}
        if self.config.embeddings and features.embedding is not None:
            candidates |= self._embedding_candidates(features.embedding)
        elif self.config.words_margin > 0:
            candidates |= self._word_candidates(features)
        best: tuple[Scores, str] | None = None
        scored: list[tuple[Scores, str]] = []
        reached: list[str] = []  # stories the article reaches by ``merge_margin`` over their rule's threshold
        idf = self._idf()
        for story_id in sorted(candidates):
            story = self.stories[story_id]
            if story_id in expired or not self._live(story, features.at):
                continue
            scores = similarity(features, story, self.config, vectors=self._vectors.get(story_id), **idf)
            scored.append((scores, story_id))
            # Rules score on their own scales (a probability, a weighted similarity): the margin to each one's
            # threshold decides.
            if best is None or scores.score - scores.threshold > best[0].score - best[0].threshold:
                best = (scores, story_id)
            # A probability's margin is not a similarity's: the learned rule does not merge.
            if (self.config.merge_margin is not None and scores.rule != "learned"
                    and scores.score - scores.threshold >= self.config.merge_margin - 1e-9):
                reached.append(story_id)
        if best is None or best[0].score < best[0].threshold:
            best = self._clear_nearest(features, expired) or self._clear_words(features, scored) or best
        if best is not None and best[0].score >= best[0].threshold:
            story = joined(self.stories[best[1]], features, self.config, watermark)
            reported = self.reported_id(best[1])
            merged = tuple(sorted({self.reported_id(sid) for sid in reached} - {reported}))
            # The article goes where it would have gone unmerged (its best match's id), so a merge sends no alert
            # that no merge would have; the other ids' stories are reported under it from now on.
            updated = tuple(self.stories[sid].model_copy(update={"merged_into": reported})
                            for gone in merged for sid in sorted(self._groups.get(gone, ())) if sid not in expired)
            members = {s.id: s for s in (*(self.stories[sid] for sid in self._groups.get(reported, ()) if sid not in expired),
                                         *updated, story)}
            return Decision(story, created=False, score=best[0].score, expired=expired, scores=best[0], compared=best[1],
                            reported=reported, reported_size=sum(s.size for s in members.values()), merged=merged,
                            updated=updated)
        scores, compared = best if best is not None else (Scores(threshold=self.config.threshold), None)
        return Decision(opened(features, self.config, watermark), created=True, score=scores.score, expired=expired,
                        scores=scores, compared=compared)

    def reported_id(self, story_id: str) -> str:
        """The id a live story's reports carry: its own, or the one it was merged into."""
        story = self.stories.get(story_id)
        return story.reported if story is not None else story_id

    def reported_size(self, reported: str) -> int:
        """Articles of the live stories reported under ``reported``."""
        return sum(self.stories[sid].size for sid in self._groups.get(reported, ()))

    def largest(self, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` largest stories as reports carry them (stories merged into one count under its id)."""
        sizes = {reported: self.reported_size(reported) for reported in self._groups}
        return sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

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
        if (_all_in(story, features.language) or nearest < self.config.nearest_floor
                or nearest - runner_up < self.config.nearest_margin or _place_conflict(features, story)):
            return None
        return Scores(nearest, 0.0, 0.0, nearest, self.config.nearest_floor, "cross-language-nearest"), story_id

    def _word_candidates(self, features: ArticleFeatures, limit: int = 40) -> set[str]:
        """The live stories holding one of the article's heaviest words: for a report no encoder reads, its rarest
        words are mostly the names it shares with reports in other languages."""
        heaviest = sorted(features.terms, key=lambda t: -features.terms[t])[:limit]
        return {sid for term in heaviest for sid in self._by_term.get(term, ())}

    def _clear_words(self, features: ArticleFeatures, scored: list[tuple[Scores, str]]) -> tuple[Scores, str] | None:
        """For a report no encoder reads, in a language none of a story's reports is in: that story, when its words and
        names score at least ``words_floor`` with it and every other story at least ``words_margin`` less. Across
        languages only names and borrowed words meet, so the score stays low, but the right story stands clear of the
        rest (the nearest-embedding rule's reasoning, on words)."""
        if features.embedding is not None or not features.terms or self.config.words_margin <= 0 or not scored:
            return None
        ranked = sorted(scored, key=lambda item: (-item[0].score, item[1]))
        scores, story_id = ranked[0]
        # Stories already reported as one event are one candidate, not two close ones.
        reported = self.reported_id(story_id)
        runner_up = next((s.score for s, sid in ranked[1:] if self.reported_id(sid) != reported), 0.0)
        story = self.stories[story_id]
        if (features.language in story.languages or scores.score < self.config.words_floor
                or scores.score - runner_up < self.config.words_margin or _place_conflict(features, story)):
            return None
        return Scores(scores.score, scores.entity, scores.text, None, self.config.words_floor, "cross-language-words"), story_id

    def _idf(self) -> dict[str, Callable[[str], float]]:
        """Entities by inverse story frequency over the live stories: a name most stories share tells little.

        Words are already weighed by their rarity in news at large (``story_features``); they are weighed
        by the live stories too, so that this week's everywhere-word ("ceasefire") counts less.
        """
        if not self.config.idf or len(self.stories) < 2:
            return {}
        n = len(self.stories) + 1

        def entity_idf(key: str) -> float:
            return math.log(1.0 + n / (len(self._by_entity.get(key, ())) + 1))

        def term_idf(term: str) -> float:
            return math.log(1.0 + n / (len(self._by_term.get(term, ())) + 1))

        return {"entity_idf": entity_idf, "term_idf": term_idf} if self.config.term_idf else {"entity_idf": entity_idf}

    def apply(self, decision: Decision) -> None:
        """Make the index hold what ``decision`` says (the shell writes the same to its table)."""
        for story_id in decision.expired:
            self._remove(story_id)
        for story in decision.updated:
            self._add(story)
            self._raw[story.id] = story.model_dump_json()
        if not decision.duplicate:
            self._add(decision.story)
            self._raw[decision.story.id] = decision.story.model_dump_json()

    def raw(self, story_id: str) -> str:
        """The JSON the index holds for a story: what the shell writes to its table."""
        return self._raw[story_id]
