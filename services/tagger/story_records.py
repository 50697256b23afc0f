"""What a story is, as the story table keeps it, and how it grows when an article joins or opens one.

:class:`StoryConfig` tunes the clustering (``stories``); :class:`Story` is one story's running summary (JSON in
the story table: entities, places, words, embedding centroid and its latest members, languages); :func:`grow`
is the one way a summary changes. Which story an article joins is decided in ``stories``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from services.tagger.embedding import encode_vector
from services.tagger.near_duplicates import METHOD
from services.tagger.story_features import ArticleFeatures
from services.tagger.story_model import StoryModel, unit as _unit

__all__ = ["StoryConfig", "Story", "grow", "joined", "opened"]


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Tuning of the clustering; the defaults are what ``bench/bench_stories.py`` measured (see docs/tagger.md)."""

    window: timedelta = timedelta(hours=72)
    threshold: float = 0.4
    entity_weight: float = 0.6
    place_conflict_factor: float = 0.4
    max_terms: int = 200
    max_articles: int = 200
    idf: bool = True
    embeddings: bool = True
    embedding_weight: float = 0.5  # of the lexical reading, when both article and story have an embedding
    # The embedding alone: cosine ``floor`` scores 0, ``full`` scores 1 (same-document translations: 0.65-0.85).
    embedding_floor: float = 0.45
    embedding_full: float = 0.75
    recent_embeddings: int = 8
    # Members whose text's sketch the story keeps (near_duplicates.sketch: 256 hex digits each): a copy, with edits or
    # not, of one of them is known (an older member's is not: its SimHash alone takes template fills for copies).
    copy_sketches: int = 32
    # Across languages, when no story scores ``threshold``: the live story whose centroid is nearest joins when its
    # cosine is at least ``nearest_floor`` (99% of different real documents stay below 0.5) and no other live story
    # comes within ``nearest_margin`` of it (as in margin-based cross-lingual matching; 0 turns it off).
    nearest_floor: float = 0.5
    nearest_margin: float = 0.1
    # For a report no encoder reads (no embedding) and a story with no report in its language: the story joins when
    # the article's words and names score at least ``words_floor`` with it and no other story comes within
    # ``words_margin`` (0 turns it off). Measured on ntrex_dev: docs/tagger.md.
    words_floor: float = 0.12
    words_margin: float = 0.1
    # The same for its names, written in any script and compared in Latin letters (story_features.name_keys): the
    # story whose names' cosine with the article's is at least ``names_floor`` and ``names_margin`` above any other's.
    names_floor: float = 0.15
    names_margin: float = 0.15
    # The same for an article in a script without capitals (Arabic script, Brahmic scripts, Ethiopic, Hebrew, Georgian),
    # compared on the names' consonants too: every word of it is a key, so the few names it shares with a story are a
    # small part of its weight, and the right story's cosine is low but stands clear of the rest.
    names_floor_uncased: float = 0.08
    names_margin_uncased: float = 0.04
    # When one article scores at least this far above the threshold with stories reported under two or more ids that
    # hold different languages and whose names mostly agree, they report one event that opened twice (a first report
    # no rule could read opened a story of its own): from then on they are reported under one id. None: never merge.
    merge_margin: float | None = 0.2
    # Also weigh words by inverse story frequency, on top of their rarity in news: measured no better on real news
    # (bench/bench_stories.py), and it is most of the stage's cost.
    term_idf: bool = False
    # Time as evidence: the weighted score times 1 - time_decay * (1 - exp(-gap² / 2σ²)), the gap being the time between
    # the article and the story's span (0 inside it, or when either time is unknown), σ a third of ``window``: a
    # Gaussian of the gap, as live news clusterers weigh it (Miranda et al. 2018), down by ``time_decay`` at the window's
    # edge, where a story stops being live. 0 (the default): time only decides which stories are live.
    time_decay: float = 0.0
    # The event's day as the reports state it (story_features.event_dates): an article whose title and lead date its
    # event more than a day from every day the story's members state keeps this share of its score (0: it does not
    # join; 1: stated dates are no evidence). Another day's attack in the same war reads like the first. The learned
    # decision is left as it is (measured worse with it). Measured on real news: docs/tagger.md.
    event_date_factor: float = 0.5
    # The learned decision (services/tagger/story_model.py) for an article and a story in the same language with
    # embeddings on both sides; None (the default): the weighted score above decides everywhere.
    model: StoryModel | None = None


class Story(BaseModel):
    """A story's running summary, as kept in the story table (JSON)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    first_at: AwareDatetime | None = Field(description="Earliest time of its dated articles; null while none is dated.")
    last_at: AwareDatetime | None = Field(description="Latest time of its dated articles; null while none is dated.")
    seen_at: AwareDatetime | None = Field(
        default=None, description="How an undated story ages: the latest of the index's watermark when the story last "
        "changed and the times its undated articles were read (none was published later).")
    size: int = Field(ge=1)
    articles: list[str] = Field(description="Ids of its latest articles, oldest first.")
    entities: dict[str, float] = Field(description="Entity key -> summed salience weight.")
    places: dict[str, int] = Field(description="Salient place key -> articles naming it in title or lead.")
    terms: dict[str, float] = Field(description="Content word stem -> summed weight, the heaviest only.")
    names: dict[str, float] = Field(
        default_factory=dict, description="Script-blind name key (story_features.name_keys) -> summed weight, the heaviest only.")
    centroid: str | None = Field(default=None, description="Sum of the members' unit embeddings, float32 little-endian, base64.")
    embedded: int = Field(default=0, ge=0, description="Members with an embedding (the centroid's count).")
    recent: list[str] = Field(default_factory=list, description="Embeddings of its latest members (as in TaggedArticle).")
    languages: dict[str, int] = Field(default_factory=dict, description="Original language of its members -> members.")
    uncased: int = Field(default=0, ge=0, description="Members written in a script without capitals (Arabic, Devanagari, "
                         "Chinese...): a story of only those holds every word of them as a name key.")
    titles: list[dict[str, float]] = Field(
        default_factory=list, description="Title words of its latest members (unit vectors), as many as ``recent``.")
    reported_before: dict[str, str] = Field(
        default_factory=dict, description="Member article id -> the id it was reported under, for members reported "
        "before a merge changed the story's: a re-sent copy is reported as the original was (at-least-once delivery "
        "must not name a second story, nor fire a second alert).")
    simhashes: dict[str, str] = Field(
        default_factory=dict, description="Member article id -> SimHash of its text (near_duplicates), for the latest members "
        "with one: the story is found by its bands, and its ``sketches`` tell a copy.")
    sketches: dict[str, str] = Field(
        default_factory=dict, description="Member article id -> MinHash sketch of its text (near_duplicates), for the "
        "latest ``copy_sketches`` members with one: a copy with edits of one of them is known as a copy.")
    fingerprint_method: int | None = Field(
        default=None, description="The near_duplicates.METHOD ``simhashes`` and ``sketches`` were computed by; null in "
        "a record written before it was kept (its members with a sketch were hashed by method 2, the rest by method 1). "
        "A record read by a later method moves its SimHashes to ``older_simhashes`` and its sketches to ``older_sketches``.")
    older_simhashes: dict[int, dict[str, str]] = Field(
        default_factory=dict, description="Fingerprint method -> member article id -> SimHash of its text by that "
        "method, for members hashed before the running one: compared only with the article's SimHash by that method.")
    older_sketches: dict[int, dict[str, str]] = Field(
        default_factory=dict, description="Fingerprint method -> member article id -> MinHash sketch of its text by that "
        "method, for members of ``older_simhashes`` hashed by a method that kept sketches (2 on): compared only with "
        "the article's sketch by that method, and such a member without one is not compared.")
    event_dates: dict[str, int] = Field(
        default_factory=dict, description="ISO day -> members whose title or lead states it as their event's day "
        "(story_features.event_dates), the latest days only.")
    merged_into: str | None = Field(
        default=None, description="The story this one was merged into: its reports carry that id. It keeps its own summary "
        "for comparisons (pooling the summaries measured worse: docs/tagger.md); null while it is reported under its own id.")

    @model_validator(mode="after")
    def _fingerprints_by_method(self) -> Story:
        """Keep in ``simhashes`` and ``sketches`` only fingerprints by the running ``METHOD``, the rest by method."""
        if self.fingerprint_method == METHOD:
            return self
        unrecorded = self.fingerprint_method is None  # only method 2 wrote sketches before methods were kept
        older = {m: dict(members) for m, members in self.older_simhashes.items()}
        older_sketches = {m: dict(members) for m, members in self.older_sketches.items()}
        current = {}
        for member, value in self.simhashes.items():
            method = (2 if member in self.sketches else 1) if unrecorded else self.fingerprint_method
            if method == METHOD:
                current[member] = value
                continue
            older.setdefault(method, {})[member] = value
            if member in self.sketches:
                older_sketches.setdefault(method, {})[member] = self.sketches[member]
        self.sketches = {m: s for m, s in self.sketches.items() if m in current}
        self.simhashes, self.older_simhashes, self.older_sketches = current, older, older_sketches
        self.fingerprint_method = METHOD
        return self

    @property
    def reported(self) -> str:
        """The id its reports carry: the story it was merged into, else its own."""
        return self.merged_into or self.id


def _top(weights: dict[str, float], limit: int) -> dict[str, float]:
    if len(weights) <= limit:
        return weights
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])


def _embedding_fields(story: Story | None, features: ArticleFeatures, config: StoryConfig) -> dict:
    if features.embedding is None:
        return {} if story is None else {"centroid": story.centroid, "embedded": story.embedded, "recent": story.recent}
    total = features.embedding.astype("<f4")
    if story is not None and story.centroid:
        total = total + np.frombuffer(base64.b64decode(story.centroid), dtype="<f4")
    recent = ([] if story is None else story.recent) + [encode_vector(features.embedding)]
    return {"centroid": base64.b64encode(total.astype("<f4").tobytes()).decode("ascii"),
            "embedded": (0 if story is None else story.embedded) + 1,
            "recent": recent[-config.recent_embeddings:]}


_EVENT_DATES = 16  # a story's latest stated days: a story is live for days, not weeks


def _event_dates(story: Story | None, features: ArticleFeatures) -> dict[str, int]:
    days = {} if story is None else dict(story.event_dates)
    for day in features.event_dates:
        days[day.isoformat()] = days.get(day.isoformat(), 0) + 1
    return dict(sorted(days.items())[-_EVENT_DATES:])


def _span(first: datetime | None, last: datetime | None, at: datetime | None) -> tuple[datetime | None, datetime | None]:
    if at is None:
        return first, last
    return (at if first is None else min(first, at)), (at if last is None else max(last, at))


def _seen(features: ArticleFeatures, watermark: datetime | None, before: datetime | None = None) -> datetime | None:
    """When a story that ``features`` changed was last seen: the index's latest time (``watermark``), and for an
    article of unknown time, when it was read (it was published no later, so its story may be that recent: a report
    read today amid a 2014 backfill is not a 2014 story because 2014 is what the index saw last)."""
    times = [t for t in (before, watermark, features.read_at if features.at is None else None) if t is not None]
    return max(times) if times else None


def joined(story: Story, features: ArticleFeatures, config: StoryConfig, watermark: datetime | None) -> Story:
    """``story`` with the article's evidence added; ``watermark`` (the index's latest time) ages an undated story."""
    entities = dict(story.entities)
    for key, weight in features.entities.items():
        entities[key] = entities.get(key, 0.0) + weight
    terms = dict(story.terms)
    for term, weight in _unit(features.terms).items():
        terms[term] = terms.get(term, 0.0) + weight
    names = dict(story.names)
    for key, weight in _unit(features.name_keys).items():
        names[key] = names.get(key, 0.0) + weight
    places = dict(story.places)
    for place in features.places:
        places[place] = places.get(place, 0) + 1
    first_at, last_at = _span(story.first_at, story.last_at, features.at)
    languages = dict(story.languages)
    languages[features.language] = languages.get(features.language, 0) + 1
    titles = [*story.titles, _unit(features.title_terms)][-config.recent_embeddings:]
    articles = [*story.articles, features.article_id][-config.max_articles :]
    members = set(articles)
    kept = members if story.reported_before else set()
    simhashes = {a: h for a, h in story.simhashes.items() if a in members}
    if features.simhash is not None:
        simhashes[features.article_id] = features.simhash
    sketches = _sketches(story.sketches, features, config)
    older, older_sketches = ({m: kept_members for m, hashes in by_method.items()
                              if (kept_members := {a: h for a, h in hashes.items() if a in members})}
                             for by_method in (story.older_simhashes, story.older_sketches))
    return Story(
        id=story.id, merged_into=story.merged_into, first_at=first_at, last_at=last_at, seen_at=_seen(features, watermark, story.seen_at),
        size=story.size + 1,
        articles=articles,
        reported_before={a: r for a, r in story.reported_before.items() if a in kept}, simhashes=simhashes, sketches=sketches,
        fingerprint_method=METHOD, older_simhashes=older, older_sketches=older_sketches,
        entities=entities, places=places, terms=_top(terms, config.max_terms), names=_top(names, config.max_terms),
        languages=languages, titles=titles, uncased=story.uncased + (not features.names_cased),
        event_dates=_event_dates(story, features), **_embedding_fields(story, features, config),
    )


def _sketches(kept: dict[str, str], features: ArticleFeatures, config: StoryConfig) -> dict[str, str]:
    """The sketches of the latest ``copy_sketches`` members, the article's among them (dicts keep insertion order)."""
    if features.sketch is None:
        return kept
    latest = [*((a, s) for a, s in kept.items() if a != features.article_id), (features.article_id, features.sketch)]
    return dict(latest[-config.copy_sketches:]) if config.copy_sketches > 0 else {}


def opened(features: ArticleFeatures, config: StoryConfig, watermark: datetime | None) -> Story:
    """A new story of one article, named after it."""
    return Story(
        id=features.article_id,  # a story is named after the article that opened it
        first_at=features.at, last_at=features.at, seen_at=_seen(features, watermark),
        size=1,
        articles=[features.article_id],
        simhashes={} if features.simhash is None else {features.article_id: features.simhash},
        sketches=_sketches({}, features, config), fingerprint_method=METHOD,
        entities=dict(features.entities),
        places={p: 1 for p in features.places},
        terms=_top(_unit(features.terms), config.max_terms),
        names=_top(_unit(features.name_keys), config.max_terms),
        languages={features.language: 1}, uncased=int(not features.names_cased),
        titles=[_unit(features.title_terms)], event_dates=_event_dates(None, features),
        **_embedding_fields(None, features, config),
    )


def grow(story: Story | None, features: ArticleFeatures, config: StoryConfig) -> Story:
    """The story after ``features`` joined it (or opened it, when None): how the index grows one."""
    return opened(features, config, None) if story is None else joined(story, features, config, None)
