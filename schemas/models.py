"""Pydantic models for every message on a wirewatch topic.

Every model forbids unknown fields and carries ``schema_version`` so a consumer
can tell a message it does not understand from a malformed one.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

__all__ = [
    "SCHEMA_VERSION",
    "Message",
    "RawArticle",
    "Change",
    "Translation",
    "NormalizedArticle",
    "Entity",
    "TaggedArticle",
    "Alert",
    "DeadLetter",
    "MESSAGE_MODELS",
]

SCHEMA_VERSION = 1


def _from_base64(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"not valid base64: {exc}") from exc
    return value


# Raw bytes in Python, base64 text in JSON: a dead letter keeps bytes that may not be UTF-8.
Bytes64 = Annotated[
    bytes,
    BeforeValidator(_from_base64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "contentEncoding": "base64"}),
]

Field_ = Literal["title", "body"]


class Message(BaseModel):
    """Base of every topic message: strict, versioned, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = SCHEMA_VERSION


class RawArticle(Message):
    """An article as ingest found it, before any cleaning (topic ``articles.raw``)."""

    id: str = Field(min_length=1, max_length=512, description="Stable across re-fetches: canonical URL or source + GUID, never a body hash.")
    source: str = Field(min_length=1, max_length=256, description="Feed id, publisher host, or the ingest channel.")
    url: str | None = None
    title: str = ""
    body: str = ""
    content_type: Literal["text/plain", "text/html"] = "text/plain"
    language_hint: str | None = Field(default=None, description="What the publisher or feed declared; a hint, not the truth.")
    published_at: AwareDatetime | None = None
    fetched_at: AwareDatetime


class Change(BaseModel):
    """One edit the normalizer made, so a user can audit it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="Category: unicode, whitespace, boilerplate, extraction, translation, repair.")
    rule: str = Field(description="The rule that made the edit.")
    field: Field_
    span: tuple[int, int] | None = Field(default=None, description="Character span in the field's text before this edit; null for whole-field edits.")
    before: str
    after: str
    reason: str


class Translation(BaseModel):
    """Provenance of a translation into English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: str
    model: str | None = None
    version: str | None = None
    source_language: str
    target_language: str = "en"


class NormalizedArticle(Message):
    """Clean English text beside the original (topic ``articles.normalized``)."""

    id: str
    source: str
    url: str | None = None
    published_at: AwareDatetime | None = None
    fetched_at: AwareDatetime
    language: str = Field(description="ISO 639-1 code of the original text, or 'und'.")
    language_confidence: float = Field(ge=0.0, le=1.0)
    original_title: str
    original_body: str
    title: str
    body: str
    translation: Translation | None = None
    changes: list[Change] = Field(default_factory=list)


class Entity(BaseModel):
    """A mention of a person, organisation, place... in the English text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    type: str = Field(description="PERSON, ORG, GPE, LOC, NORP, ...")
    field: Field_
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    canonical_id: str | None = Field(default=None, description="Wikidata QID when linked.")
    canonical_name: str | None = None


class TaggedArticle(NormalizedArticle):
    """A normalized article with its entities and story (topic ``articles.tagged``)."""

    entities: list[Entity] = Field(default_factory=list)
    story_id: str


class Alert(Message):
    """A rule fired for a story (topic ``alerts``)."""

    id: str = Field(description="Stable for a dedupe key; sent as webhook-id so receivers can de-duplicate.")
    rule_id: str
    story_id: str
    article_ids: list[str]
    dedupe_key: str
    fired_at: AwareDatetime
    summary: str
    matched: list[str] = Field(description="Which conditions of the rule matched, human-readable.")
    title: str = ""
    url: str | None = None
    entities: list[str] = Field(default_factory=list, description="Canonical names of the linked entities.")


class DeadLetter(Message):
    """A message that could not be decoded, validated, processed or delivered (topic ``<topic>.dlq``)."""

    source_topic: str
    service: str
    error_class: str
    reason: str
    original: Bytes64 = Field(description="The original message bytes, base64 in JSON.")
    key: Bytes64 | None = None
    failed_at: AwareDatetime


MESSAGE_MODELS: dict[str, type[Message]] = {
    "RawArticle": RawArticle,
    "NormalizedArticle": NormalizedArticle,
    "TaggedArticle": TaggedArticle,
    "Alert": Alert,
    "DeadLetter": DeadLetter,
}
