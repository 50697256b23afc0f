"""Which story an article belongs to: single-pass clustering over a sliding time window.

An article joins the live story it is most similar to, or opens a new one named after itself. A copy of a live
story's member (the same text republished: ``near_duplicates``) joins that story before anything is scored. As in
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

Across languages, when nothing reaches the threshold, the live story that stands clearly nearest the article still
takes it: nearest its embedding, or for a report no encoder reads nearest by names or words (``story_margins``).

Merging: when one article scores ``merge_margin`` or more above the threshold with stories reported under two or
more ids, they report one event that opened twice; from then on all of them are reported under the id of the
article's best match (``Story.merged_into``), each keeping its own summary for comparisons.

Time: a story holds the span of its dated articles. An article of unknown time (``at`` None) may join any
live story; stories of only such articles never expire by their own time but by the index's watermark (the latest
article time it has seen) passing the story's ``seen_at``: the watermark when it last changed, or when its undated
articles were read if that is later (none was published after it was read), so a jump of the watermark (a 2014
backfill, then today's news) does not expire at once an undated report read today.
Within the window, time weighs in only when ``StoryConfig.time_decay`` is set (off: docs/tagger.md says why); the
event's day the text states does (``StoryConfig.event_date_factor``, ``story_scoring.date_conflict``).

How one article scores against one story is ``story_scoring``, the margin rules ``story_margins``; this module keeps
the live stories and decides.

Pure: no Kafka, no clock. The shell keeps :class:`Story` records in a table, mirrors them into a
:class:`StoryIndex`, asks :meth:`StoryIndex.decide` and writes back what :meth:`StoryIndex.apply` changed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from services.tagger.near_duplicates import (MAX_DISTANCE, METHOD, METHODS, MIN_RESEMBLANCE, SKETCHED, bands, distance,
                                             resemblances, sketch_rows)
from services.tagger.story_features import PLACE_TYPES, ArticleFeatures, article_features
from services.tagger.story_margins import MarginRules, name_norms, names_agree
from services.tagger.story_records import Story, StoryConfig, grow, joined, opened
from services.tagger.story_scoring import (
    Scores, Vectors, learned_evidence, place_conflict, similarity, story_vectors,
)

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
    "MAX_ALIASES",
]

# Earlier ids a report carries (``story_evidence.aliases``): the alerter visits each before the story's own.
MAX_ALIASES = 16


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
    copy_of: str | None = None  # the earlier member whose text this article repeats (near_duplicates)

    def __post_init__(self) -> None:
        if not self.reported:
            object.__setattr__(self, "reported", self.story.reported)


def _merged(story: Story, into: str) -> Story:
    """``story`` reported under ``into`` from now on; its members keep the id they were reported under."""
    before = {article: story.reported for article in story.articles} | story.reported_before
    return story.model_copy(update={"merged_into": into, "reported_before": before})


# A copy's heaviest entities, each of which its story must hold.
_COPY_ENTITIES = 3


def _opened_twice(a: Story, b: Story) -> bool:
    """Whether two stories an article reaches widely look like one event opened twice: a report in a language no rule
    could connect opened a story of its own, so the two hold different languages, and their names, compared in Latin
    letters, mostly agree (or one has none to tell). Two stories in the same languages were kept apart on all the
    evidence there is, and a report of one event that also names another's actors does not make the two one."""
    if set(a.languages) == set(b.languages):
        return False
    return not a.names or not b.names or names_agree(a, b)


def _heaviest(features: ArticleFeatures) -> list[str]:
    return sorted(features.entities, key=lambda k: (-features.entities[k], k))[:_COPY_ENTITIES]


def _same_subject(features: ArticleFeatures, story: Story) -> bool:
    """Whether a text that reads like a copy of a member is about what the story is about: its heaviest entities are
    the story's and its places do not conflict. A template filled in twice (a rain warning for Cornwall and one for
    Devon, a results notice for two companies) reads like a copy, but is another event."""
    return all(key in story.entities for key in _heaviest(features)) and not place_conflict(features, story)


def _band_keys(story: Story) -> set[str]:
    """The story's SimHash band keys: by the running method as ``bands`` writes them, by an older one prefixed with it."""
    return {*(band for value in story.simhashes.values() for band in bands(value)),
            *(f"{method}/{band}" for method, hashes in story.older_simhashes.items() for value in hashes.values()
              for band in bands(value))}


@dataclass
class StoryIndex(MarginRules):
    """The live stories, indexed by entity key and article id so a decision reads only candidates."""

    config: StoryConfig = field(default_factory=StoryConfig)
    stories: dict[str, Story] = field(default_factory=dict)
    _by_entity: dict[str, set[str]] = field(default_factory=dict)
    _by_article: dict[str, str] = field(default_factory=dict)
    _raw: dict[str, str] = field(default_factory=dict)
    _by_term: dict[str, set[str]] = field(default_factory=dict)  # term -> live stories holding it
    _by_name: dict[str, set[str]] = field(default_factory=dict)  # name key -> live stories holding it
    _by_band: dict[str, set[str]] = field(default_factory=dict)  # SimHash band (near_duplicates.bands) -> live stories
    _older: dict[int, set[str]] = field(default_factory=dict)  # older fingerprint method -> stories holding members it hashed
    _vectors: dict[str, Vectors] = field(default_factory=dict)
    _sketches: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)  # story id -> members, their sketch rows
    _name_norms: dict[str, tuple[float, float]] = field(default_factory=dict)  # story id -> name_norms(its names) (story_margins)
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
        for key in story.names:
            self._by_name.setdefault(key, set()).add(story.id)
        self._name_norms[story.id] = name_norms(story.names)
        for band in _band_keys(story):
            self._by_band.setdefault(band, set()).add(story.id)
        for method in story.older_simhashes:
            self._older.setdefault(method, set()).add(story.id)
        for article_id in story.articles:
            self._by_article[article_id] = story.id
        if story.centroid or story.recent:
            self._vectors[story.id] = story_vectors(story)
        if story.sketches:
            self._sketches[story.id] = (list(story.sketches), sketch_rows(story.sketches.values()))
        self._matrix = None

    def _remove(self, story_id: str) -> None:
        old = self.stories.pop(story_id, None)
        self._raw.pop(story_id, None)
        self._vectors.pop(story_id, None)
        self._sketches.pop(story_id, None)
        self._name_norms.pop(story_id, None)
        if old is None:
            return
        self._matrix = None
        group = self._groups.get(old.reported)
        if group is not None:
            group.discard(story_id)
            if not group:
                del self._groups[old.reported]
        for index, keys in ((self._by_entity, old.entities), (self._by_term, old.terms), (self._by_name, old.names),
                            (self._by_band, _band_keys(old)), (self._older, old.older_simhashes)):
            for key in keys:
                ids = index.get(key)
                if ids is not None:
                    ids.discard(story_id)
                    if not ids:
                        del index[key]
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
                            reported=story.reported_before.get(features.article_id, story.reported),
                            reported_size=self.reported_size(self.reported_id(known)))
        copy = self._copy_of(features, expired)
        if copy is not None:
            # The same text again (a syndicated or republished copy): it belongs where the original is, whatever the
            # story's summary has drifted to.
            score, threshold, member, story_id = copy
            story = joined(self.stories[story_id], features, self.config, watermark)
            scores = Scores(score, 0.0, 0.0, None, threshold, "near-duplicate")
            reported = self.reported_id(story_id)
            return Decision(story, created=False, score=scores.score, expired=expired, scores=scores, compared=story_id,
                            reported=reported, copy_of=member,
                            reported_size=1 + sum(self.stories[sid].size for sid in self._groups.get(reported, ()) if sid not in expired))
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
            best = (self._clear_nearest(features, expired) or self._clear_names(features, expired)
                    or self._clear_words(features, scored) or best)
        if best is not None and best[0].score >= best[0].threshold:
            story = joined(self.stories[best[1]], features, self.config, watermark)
            reported = self.reported_id(best[1])
            opened_twice = {self.reported_id(sid) for sid in reached if _opened_twice(self.stories[best[1]], self.stories[sid])}
            merged = tuple(sorted(opened_twice - {reported}))
            # The article goes where it would have gone unmerged (its best match's id), so a merge sends no alert
            # that no merge would have; the other ids' stories are reported under it from now on.
            updated = tuple(_merged(self.stories[sid], reported)
                            for gone in merged for sid in sorted(self._groups.get(gone, ())) if sid not in expired)
            members = {s.id: s for s in (*(self.stories[sid] for sid in self._groups.get(reported, ()) if sid not in expired),
                                         *updated, story)}
            return Decision(story, created=False, score=best[0].score, expired=expired, scores=best[0], compared=best[1],
                            reported=reported, reported_size=sum(s.size for s in members.values()), merged=merged,
                            updated=updated)
        scores, compared = best if best is not None else (Scores(threshold=self.config.threshold), None)
        return Decision(opened(features, self.config, watermark), created=True, score=scores.score, expired=expired,
                        scores=scores, compared=compared)

    def _copy_of(self, features: ArticleFeatures, expired: tuple[str, ...]) -> tuple[float, float, str, str] | None:
        """The earlier member of a live story whose text the article's repeats, nearest first: (score, threshold,
        member id, story id), or None.

        Where both texts have a sketch, their shingles' resemblance decides (at least ``MIN_RESEMBLANCE``), whatever
        their SimHash bits: a copy with edits is found among the stories that hold the article's heaviest entities,
        as a copy's story must (``_same_subject``), or share a SimHash band with it. A member whose sketch gave way to
        later members' (``StoryConfig.copy_sketches``) is not compared: its SimHash alone takes template fills for
        copies (3 bits apart, sharing two thirds of their shingles). A member hashed by an older method
        (``Story.older_simhashes``) is compared by the article's fingerprint by that method: its sketch where that
        method kept one (``Story.older_sketches``; a member of such a method without one is not compared), else its
        SimHash (method 1: at most ``MAX_DISTANCE`` bits apart, found by band). Across methods one text's
        fingerprints lie too far apart to tell."""
        if features.simhash is None:
            return None
        older = self._older_simhashes(features)
        banded = {sid for method, value in ((METHOD, features.simhash), *older.items()) for band in bands(value)
                  for sid in self._by_band.get(band if method == METHOD else f"{method}/{band}", ())}
        candidates = set(banded)
        heaviest = _heaviest(features)
        row = None if features.sketch is None else sketch_rows([features.sketch])
        if heaviest and row is not None:
            candidates |= set.intersection(*(self._by_entity.get(key, set()) for key in heaviest))
        found, older_sketches = None, {}
        for story_id in sorted(candidates):
            story = self.stories[story_id]
            if story_id in expired or not self._live(story, features.at) or not _same_subject(features, story):
                continue
            if row is not None and story_id in self._sketches:
                members, rows = self._sketches[story_id]
                alike = resemblances(row, rows)
                nearest = int(alike.argmax())
                if alike[nearest] >= MIN_RESEMBLANCE and (found is None or alike[nearest] > found[0]):
                    found = (float(alike[nearest]), MIN_RESEMBLANCE, members[nearest], story_id)
            for method, hashes in story.older_simhashes.items():
                if method not in older:
                    continue  # hashed by a method this code cannot compute: no copy decision
                if method in SKETCHED:
                    kept = story.older_sketches.get(method, {})
                    if kept and (older_sketch := self._older_sketch(features, method, older_sketches)) is not None:
                        alike = resemblances(sketch_rows([older_sketch]), sketch_rows(kept.values()))
                        nearest = int(alike.argmax())
                        if alike[nearest] >= MIN_RESEMBLANCE and (found is None or alike[nearest] > found[0]):
                            found = (float(alike[nearest]), MIN_RESEMBLANCE, list(kept)[nearest], story_id)
                    continue
                for member, other in hashes.items():
                    score = 1.0 - distance(older[method], other) / 64
                    if score >= 1.0 - MAX_DISTANCE / 64 and (found is None or score > found[0]):
                        found = (score, 1.0 - MAX_DISTANCE / 64, member, story_id)
        return found

    @staticmethod
    def _older_sketch(features: ArticleFeatures, method: int, computed: dict[int, str | None]) -> str | None:
        """The article's sketch by ``method``, computed once per decision (``computed``)."""
        if method not in computed:
            computed[method] = None if features.older_sketch is None else features.older_sketch(method)
        return computed[method]

    def _older_simhashes(self, features: ArticleFeatures) -> dict[int, str]:
        """The article's SimHash by each older method some live story's members were hashed by (after an upgrade, for
        as long as those stories live)."""
        if features.older_simhash is None:
            return {}
        found = {method: features.older_simhash(method) for method in self._older if method in METHODS}
        return {method: value for method, value in found.items() if value is not None}

    def reported_id(self, story_id: str) -> str:
        """The id a live story's reports carry: its own, or the one it was merged into."""
        story = self.stories.get(story_id)
        return story.reported if story is not None else story_id

    def aliases(self, reported: str) -> list[str]:
        """The ids the live stories reported under ``reported`` carried before a merge (their own), at most
        ``MAX_ALIASES``: an alert a rule fired under one of them is the event's alert."""
        return sorted(sid for sid in self._groups.get(reported, ()) if sid != reported)[:MAX_ALIASES]

    def reported_size(self, reported: str) -> int:
        """Articles of the live stories reported under ``reported``."""
        return sum(self.stories[sid].size for sid in self._groups.get(reported, ()))

    def largest(self, limit: int) -> list[tuple[str, int]]:
        """The ``limit`` largest stories as reports carry them (stories merged into one count under its id)."""
        sizes = {reported: self.reported_size(reported) for reported in self._groups}
        return sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def _word_candidates(self, features: ArticleFeatures, limit: int = 40) -> set[str]:
        """The live stories holding one of the article's heaviest words: for a report no encoder reads, its rarest
        words are mostly the names it shares with reports in other languages."""
        heaviest = sorted(features.terms, key=lambda t: -features.terms[t])[:limit]
        return {sid for term in heaviest for sid in self._by_term.get(term, ())}

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
