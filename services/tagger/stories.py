"""Which story an article belongs to: incremental clustering over a sliding time window.

An article joins the live story it is most similar to, or opens a new one named after
itself. Similarity mixes the overlap of canonical entity keys, weighted by salience (an
entity in the title or lead counts more than one in passing), with the overlap of content
words; an article whose salient places (cities, not countries) all differ from the story's
is penalised, so "NATO in Vilnius" and "NATO in Kyiv" stay apart although the actors match.

Both overlaps weigh each entity and word by its inverse story frequency over the live
stories (``log(1 + (S+1)/(s+1))``, S live stories, s of them holding it): a name or word
most live stories share (Ukraine, "attack") tells less about which story an article
belongs to than one few share.

Pure: no Kafka, no clock. The shell keeps :class:`Story` records in a Faust table,
mirrors them into a :class:`StoryIndex`, asks :meth:`StoryIndex.decide` with ``now``
and writes back what :meth:`StoryIndex.apply` changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from schemas.models import TaggedArticle

__all__ = [
    "PLACE_TYPES",
    "StoryConfig",
    "ArticleFeatures",
    "Story",
    "Decision",
    "StoryIndex",
    "article_features",
    "similarity",
]

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_CLUSTERED_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Function words and the vocabulary of every news story: they say nothing about which event it is.
_STOPWORDS = frozenset(
    """
    the and for that with this from have has had was were are been being will would could should may might must can
    not but its his her their they them she him who whom whose which what when where while than then there here
    also into onto over under about after before during since until upon between among against within without
    said says say told tell added according statement reporters news agency report reported reports reuters
    wednesday thursday friday saturday sunday monday tuesday today yesterday week weeks month year years day days
    january february march april june july august september october november december
    one two three four five six seven eight nine ten first second third last next new more most many much other
    some such only very just even still well back out off all any each both few own same very per via
    our ours your yours we you it is be do does did done an as at by if in of on or so to up us no nor
    this these those because however although though yet again further once how why
    people government official officials country countries president minister ministers leader leaders
    """.split()
)


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Tuning of the clustering; the defaults are what ``bench/bench_tagger.py`` measured best."""

    window: timedelta = timedelta(hours=72)
    threshold: float = 0.4
    entity_weight: float = 0.6
    place_conflict_factor: float = 0.4
    max_terms: int = 200
    max_articles: int = 200
    idf: bool = True


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What clustering reads from one article."""

    article_id: str
    at: datetime
    entities: Mapping[str, float]
    places: frozenset[str]
    terms: Mapping[str, float]


class Story(BaseModel):
    """A story's running summary, as kept in the story table (JSON)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    first_at: AwareDatetime
    last_at: AwareDatetime
    size: int = Field(ge=1)
    articles: list[str] = Field(description="Ids of its latest articles, oldest first.")
    entities: dict[str, float] = Field(description="Entity key -> summed salience weight.")
    places: dict[str, int] = Field(description="Salient place key -> articles naming it in title or lead.")
    terms: dict[str, float] = Field(description="Content word stem -> summed weight, the heaviest only.")


@dataclass(frozen=True, slots=True)
class Decision:
    """Where an article goes: ``story`` is the story after the article joined (or opened) it."""

    story: Story
    created: bool
    score: float
    duplicate: bool = False
    expired: tuple[str, ...] = ()


def _stem(word: str) -> str:
    # A five-letter prefix: "defence"/"defense", "promised"/"promises" meet; cheap and language-blind.
    return word[:5]


def _terms(title: str, body: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for text, weight in ((title, 2.0), (body, 1.0)):
        for match in _WORD.finditer(text):
            word = match.group().casefold()
            if word in _STOPWORDS:
                continue
            stem = _stem(word)
            counts[stem] = counts.get(stem, 0.0) + weight
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


def article_features(article: TaggedArticle, *, countries: frozenset[str] = frozenset(), now: datetime) -> ArticleFeatures:
    """Salience-weighted entity keys, salient places and content words of a tagged article.

    ``countries`` are the keys of countries: a country is an actor, not where an event happens.
    The article's time is when it was published (or fetched), never later than ``now``.
    """
    entities: dict[str, float] = {}
    places: set[str] = set()
    for record in article.salience:
        if record.type not in _CLUSTERED_TYPES:
            continue
        weight = 1.0 + 2.0 * record.in_title + 1.0 * record.in_lead + 0.5 * min(record.mentions - 1, 4)
        entities[record.key] = weight
        if record.type in PLACE_TYPES and record.key not in countries and (record.in_title or record.in_lead):
            places.add(record.key)
    at = min(article.published_at or article.fetched_at, now)
    return ArticleFeatures(article.id, at, entities, frozenset(places), _terms(article.title, article.body))


def _weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    keys = a.keys() | b.keys()
    if not keys:
        return 0.0
    low = sum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    high = sum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    return low / high if high else 0.0


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _scaled(weights: Mapping[str, float], idf: Callable[[str], float] | None) -> Mapping[str, float]:
    return weights if idf is None else {k: v * idf(k) for k, v in weights.items()}


def similarity(features: ArticleFeatures, story: Story, config: StoryConfig, *,
               entity_idf: Callable[[str], float] | None = None, term_idf: Callable[[str], float] | None = None) -> float:
    """How much an article looks like a story, 0..1. The idf functions weigh down what many live stories share."""
    centroid = {k: v / story.size for k, v in story.entities.items()}
    entity_score = _weighted_jaccard(_scaled(features.entities, entity_idf), _scaled(centroid, entity_idf))
    text_score = _cosine(_scaled(features.terms, term_idf), _scaled(story.terms, term_idf))
    score = config.entity_weight * entity_score + (1.0 - config.entity_weight) * text_score
    if features.places and story.places and not (features.places & story.places.keys()):
        score *= config.place_conflict_factor
    return score


def _top(weights: dict[str, float], limit: int) -> dict[str, float]:
    if len(weights) <= limit:
        return weights
    return dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])


def _joined(story: Story, features: ArticleFeatures, config: StoryConfig) -> Story:
    entities = dict(story.entities)
    for key, weight in features.entities.items():
        entities[key] = entities.get(key, 0.0) + weight
    terms = dict(story.terms)
    for term, weight in features.terms.items():
        terms[term] = terms.get(term, 0.0) + weight
    places = dict(story.places)
    for place in features.places:
        places[place] = places.get(place, 0) + 1
    return Story(
        id=story.id,
        first_at=min(story.first_at, features.at),
        last_at=max(story.last_at, features.at),
        size=story.size + 1,
        articles=[*story.articles, features.article_id][-config.max_articles :],
        entities=entities,
        places=places,
        terms=_top(terms, config.max_terms),
    )


def _opened(features: ArticleFeatures, config: StoryConfig) -> Story:
    return Story(
        id=features.article_id,  # a story is named after the article that opened it
        first_at=features.at,
        last_at=features.at,
        size=1,
        articles=[features.article_id],
        entities=dict(features.entities),
        places={p: 1 for p in features.places},
        terms=_top(dict(features.terms), config.max_terms),
    )


@dataclass
class StoryIndex:
    """The live stories, indexed by entity key and article id so a decision reads only candidates."""

    config: StoryConfig = field(default_factory=StoryConfig)
    stories: dict[str, Story] = field(default_factory=dict)
    _by_entity: dict[str, set[str]] = field(default_factory=dict)
    _by_article: dict[str, str] = field(default_factory=dict)
    _raw: dict[str, str] = field(default_factory=dict)
    _term_stories: dict[str, int] = field(default_factory=dict)  # term -> live stories holding it

    def __len__(self) -> int:
        return len(self.stories)

    def _add(self, story: Story) -> None:
        self._remove(story.id)
        self.stories[story.id] = story
        for key in story.entities:
            self._by_entity.setdefault(key, set()).add(story.id)
        for term in story.terms:
            self._term_stories[term] = self._term_stories.get(term, 0) + 1
        for article_id in story.articles:
            self._by_article[article_id] = story.id

    def _remove(self, story_id: str) -> None:
        old = self.stories.pop(story_id, None)
        self._raw.pop(story_id, None)
        if old is None:
            return
        for key in old.entities:
            ids = self._by_entity.get(key)
            if ids is not None:
                ids.discard(story_id)
                if not ids:
                    del self._by_entity[key]
        for term in old.terms:
            left = self._term_stories.get(term, 0) - 1
            if left > 0:
                self._term_stories[term] = left
            else:
                self._term_stories.pop(term, None)
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

    def _live(self, story: Story, at: datetime) -> bool:
        window = self.config.window
        return story.last_at >= at - window and story.first_at <= at + window

    def decide(self, features: ArticleFeatures) -> Decision:
        """The story this article belongs to, and the stories too old to keep (twice the window behind it)."""
        expired = tuple(sorted(s.id for s in self.stories.values() if s.last_at < features.at - 2 * self.config.window))
        known = self._by_article.get(features.article_id)
        if known is not None and known in self.stories:
            # A re-sent or edited article keeps its story: at-least-once delivery must not split stories.
            return Decision(self.stories[known], created=False, score=1.0, duplicate=True, expired=expired)
        candidates = {sid for key in features.entities for sid in self._by_entity.get(key, ())}
        best: tuple[float, str] | None = None
        idf = self._idf()
        for story_id in sorted(candidates):
            story = self.stories[story_id]
            if story_id in expired or not self._live(story, features.at):
                continue
            score = similarity(features, story, self.config, **idf)
            if best is None or score > best[0]:
                best = (score, story_id)
        if best is not None and best[0] >= self.config.threshold:
            return Decision(_joined(self.stories[best[1]], features, self.config), created=False, score=best[0], expired=expired)
        return Decision(_opened(features, self.config), created=True, score=best[0] if best else 0.0, expired=expired)

    def _idf(self) -> dict[str, Callable[[str], float]]:
        """Inverse story frequency over the live stories: a name or word most stories share tells little."""
        if not self.config.idf or len(self.stories) < 2:
            return {}
        n = len(self.stories) + 1

        def entity_idf(key: str) -> float:
            return math.log(1.0 + n / (len(self._by_entity.get(key, ())) + 1))

        def term_idf(term: str) -> float:
            return math.log(1.0 + n / (self._term_stories.get(term, 0) + 1))

        return {"entity_idf": entity_idf, "term_idf": term_idf}

    def apply(self, decision: Decision) -> None:
        """Make the index hold what ``decision`` says (the shell writes the same to its table)."""
        for story_id in decision.expired:
            self._remove(story_id)
        if not decision.duplicate:
            self._add(decision.story)
            self._raw[decision.story.id] = decision.story.model_dump_json()

    def raw(self, story_id: str) -> str:
        """The JSON the index holds for a story: what the shell writes to its table."""
        return self._raw[story_id]
