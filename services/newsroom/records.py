"""Pure mapping from topic messages to the read model's rows, and back to what the API shows.

No database here: a :class:`TaggedArticle` becomes an :class:`ArticleRow` (with its entity and tag rows),
an :class:`Alert` an alert row; times are seconds since the epoch in the store and ISO 8601 in the API.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

import orjson

from schemas import Alert, TaggedArticle, article_title_language
from services.newsroom.people import PeopleRow, people_rows

__all__ = ["ArticleRow", "EntityRow", "article_row", "alert_row", "iso", "epoch", "shown"]

# The columns stored as JSON text and as seconds since the epoch, which the API shows as JSON and as ISO 8601.
JSON_FIELDS = ("translation", "changes", "evidence", "tags", "entities", "matched", "article_ids", "sources", "languages")
TIME_FIELDS = ("published_at", "fetched_at", "at", "first_at", "last_at", "published_first", "published_last", "fired_at",
               "stored_at", "hour")


def epoch(when: datetime | None) -> float | None:
    return when.timestamp() if when is not None else None


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True)
class EntityRow:
    key: str
    name: str
    type: str
    mentions: int


@dataclass(frozen=True)
class ArticleRow:
    """One article as the store keeps it; ``digest`` tells a re-delivery (same digest) from an update."""

    values: dict
    entities: list[EntityRow] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # stories the story stage made part of this one with the article
    people: list[PeopleRow] = field(default_factory=list)  # the countries the report names by their people's words

    @property
    def id(self) -> str:
        return self.values["id"]

    @property
    def story_id(self) -> str:
        return self.values["story_id"]


def _entities(article: TaggedArticle) -> list[EntityRow]:
    if article.salience:
        return [EntityRow(s.key, s.name, s.type, s.mentions) for s in article.salience]
    # Older messages without salience: count the keyed mentions.
    counted: dict[str, list] = {}
    for e in article.entities:
        if not e.key:
            continue
        name = e.canonical_name or e.text
        row = counted.setdefault(e.key, [name, e.type, 0])
        row[2] += 1
        if not e.canonical_name and len(e.text) > len(row[0]):
            row[0] = e.text
    return [EntityRow(k, n, t, m) for k, (n, t, m) in counted.items()]


def article_row(article: TaggedArticle) -> ArticleRow:
    data = article.model_dump(mode="json")
    # The story stage's explanation of why the article joined its story, when the message carries one.
    evidence = {k: data[k] for k in ("story_evidence", "evidence", "story_size") if data.get(k) is not None} or None
    published = epoch(article.published_at)
    values = {
        "id": article.id,
        "story_id": article.story_id,
        "source": article.source,
        "url": article.url,
        "language": article.language,
        "language_confidence": article.language_confidence,
        "title": article.title,
        "title_language": article_title_language(article),
        "body": article.body,
        "original_title": article.original_title,
        "original_body": article.original_body,
        "translation": _json(data["translation"]) if data.get("translation") else None,
        "changes": _json(data["changes"]),
        "evidence": _json(evidence) if evidence else None,
        "tags": _json(article.tags),
        "entities": _json([{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in article.entities if e.key]),
        "feed_id": article.feed_id,
        "published_at": published,
        "fetched_at": epoch(article.fetched_at),
        "at": published if published is not None else epoch(article.fetched_at),
        "revision": article.revision,
        "digest": hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest(),
    }
    merged = list(article.story_evidence.merged) if article.story_evidence is not None else []
    return ArticleRow(values, _entities(article), sorted(set(article.tags)), merged, people_rows(article))


def alert_row(alert: Alert) -> dict:
    return {
        "id": alert.id,
        "rule_id": alert.rule_id,
        "story_id": alert.story_id,
        "kind": alert.kind,
        "sequence": alert.sequence,
        "fired_at": epoch(alert.fired_at),
        "title": alert.title,
        "title_language": alert.title_language,
        "summary": alert.summary,
        "url": alert.url,
        "matched": _json(alert.matched),
        "entities": _json(alert.entities),
        "article_ids": _json(alert.article_ids),
        "sources": _json(alert.sources),
    }


def shown(row: dict) -> dict:
    """A row read from the store as the API shows it: JSON decoded, times in ISO 8601, the store's own columns left out."""
    out = dict(row)
    for key in JSON_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = orjson.loads(out[key])
    for key in TIME_FIELDS:
        if key in out and isinstance(out[key], (int, float)):
            out[key] = iso(out[key])
    out.pop("digest", None)
    out.pop("search", None)
    return out
