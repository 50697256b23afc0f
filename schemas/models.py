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
    "TranslationHop",
    "Bridge",
    "DateMention",
    "Amount",
    "NormalizedArticle",
    "Entity",
    "Salience",
    "Quote",
    "StoryEvidence",
    "TaggedArticle",
    "AlertWindow",
    "AlertBurst",
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
    revision: int = Field(default=0, ge=0, description="0 when first seen; +1 each time the same article comes again with changed content.")
    fingerprint: str | None = Field(default=None, description="Hash of the content as published, to see edits; never the id.")
    feed_id: str | None = Field(default=None, description="The configured feed the article came from, if any.")
    tags: list[str] = Field(default_factory=list, description="Tags of the feed, from the feeds config.")


class Change(BaseModel):
    """One edit the normalizer made, so a user can audit it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="Category: unicode, whitespace, boilerplate, extraction, translation, repair, date.")
    rule: str = Field(description="The rule that made the edit.")
    field: Literal["title", "body", "published_at"] = Field(
        description="What was edited: a text field, or the publication time (before/after are then ISO 8601 times).")
    span: tuple[int, int] | None = Field(default=None, description="Character span in the field's text before this edit; null for whole-field edits.")
    before: str
    after: str
    reason: str


class TranslationHop(BaseModel):
    """One step of a translation: one engine, one language pair."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: str
    model: str | None = Field(default=None, description="The engine's name for the pair or model (Apertium mode, e.g. \"fr-es\").")
    version: str | None = Field(default=None, description="Version of the pair's data or model (the Debian package's, for Apertium).")
    source_language: str
    target_language: str


class Translation(BaseModel):
    """Provenance of a translation into English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: str
    model: str | None = Field(default=None, description="The pair or model; for a chain, each hop's joined by \"+\" (\"fr-es+spa-eng\").")
    version: str | None = None
    source_language: str
    target_language: str = "en"
    hops: list[TranslationHop] = Field(
        default_factory=list,
        description="Every step from the source language to the target, in order (one for a direct pair, two through a pivot language).",
    )


class Bridge(BaseModel):
    """An untranslated article's title and lead machine-translated into a related language the story embedding reads
    (Ukrainian and Belarusian into Russian), so the article can meet its story in other languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(description="ISO 639-1 code of the bridge language.")
    title: str
    lead: str = Field(description="The start of the body, in the bridge language.")
    translation: Translation = Field(description="How it was translated (target_language is the bridge language).")


class DateMention(BaseModel):
    """A date the English text mentions ("this Thursday", "last week", "Sept. 28"), resolved to calendar dates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    field: Field_
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    date: str = Field(description="ISO 8601 date: the day, or the first day of the week, month or year meant.")
    until: str | None = Field(default=None, description="ISO 8601 date of the last day, when the mention is a week, month or year.")
    granularity: Literal["day", "week", "month", "year"] = "day"
    relative: bool = Field(description="True when resolved against the reference date (\"yesterday\", \"on Monday\").")
    reference: str | None = Field(default=None, description="ISO 8601 date the mention was resolved against (publication, else fetch date).")


class Amount(BaseModel):
    """A sum of money or a measured quantity in the English text, as a number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    field: Field_
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    kind: Literal["money", "quantity"]
    value: float = Field(description="The number, scale words applied (\"2.4 billion\" is 2400000000).")
    currency: str | None = Field(default=None, description="ISO 4217 code of a sum of money.")
    unit: str | None = Field(default=None, description="Unit of a quantity, singular (\"square kilometer\", \"millimeter\", \"percent\").")


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
    feed_id: str | None = Field(default=None, description="The configured feed the article came from, if any.")
    tags: list[str] = Field(default_factory=list, description="Tags of the feed, from the feeds config (alert rules can ask for them).")
    revision: int = Field(default=0, ge=0, description="The RawArticle's revision: 0 when first seen, +1 per changed re-fetch.")
    dates: list[DateMention] = Field(default_factory=list, description="Dates the English title and body mention, resolved.")
    amounts: list[Amount] = Field(default_factory=list, description="Money and quantities in the English title and body.")
    bridge: Bridge | None = Field(
        default=None, description="For an article with no English translation: its title and lead in a related language the story "
        "embedding reads, when one is configured (normalize `bridges`).")


class Entity(BaseModel):
    """A mention of a person, organisation, place... in the English text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    type: str = Field(description="PERSON, ORG, GPE, LOC, NORP, ...")
    field: Field_
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    canonical_id: str | None = Field(
        default=None, description="Wikidata QID when linked (geonames:<id> for a generated place whose QID is not known)."
    )
    canonical_name: str | None = None
    key: str | None = Field(
        default=None,
        description="Stable entity key: the canonical id when linked, else 'name:' + the normalized name, so one unknown name "
        "gets one key across articles. Null for MONEY, DATE and QUANTITY.",
    )
    country_id: str | None = Field(
        default=None,
        description="For a NORP word that names a country's people ('Ukrainian', 'Israelis', 'Britons'), or a state body "
        "named by one ('Russian Foreign Ministry', 'Ukrainian Army') or linked to the gazetteer's national state body ('State "
        "Department'): the country's Wikidata QID. A relation, not a link: "
        "the mention keeps its own key.",
    )
    country_name: str | None = Field(default=None, description="The canonical name of the country ``country_id`` names.")
    side: Literal["pro", "anti"] | None = Field(
        default=None, description="For a side taken for or against a country, spelt onto its people's word, its name or its "
        "capital's ('pro-Russian', 'anti-American', 'pro-Russia', 'pro-Moscow'): which.")
    side_country_id: str | None = Field(
        default=None,
        description="The Wikidata QID of the country a side is taken for or against ('pro-Russian', 'pro-Moscow': Russia). "
        "Not ``country_id``: a pro-Russian separatist is no Russian. A relation, not a link: the mention keeps its own key "
        "(and 'Moscow' in 'pro-Moscow' its link to the city).",
    )
    side_country_name: str | None = Field(default=None, description="The canonical name of the country ``side_country_id`` names.")


class Salience(BaseModel):
    """How much an article is about one entity: how often and where it is named."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="The entity's key (QID or 'name:...').")
    name: str = Field(description="Canonical name, or the longest surface form when unlinked.")
    type: str
    mentions: int = Field(ge=1, description="Mentions in title and body.")
    in_title: bool
    in_lead: bool = Field(description="Named in the lead: the first paragraph of the body, at most its first 300 characters.")


class Quote(BaseModel):
    """A direct quotation in the English text and, where the text says who, its speaker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="The words inside the quotation marks.")
    field: Field_
    start: int = Field(ge=0, description="Start of the quoted words in the field's text.")
    end: int = Field(ge=0)
    speaker_key: str | None = Field(default=None, description="Key of the speaking entity; null when the text does not say who.")
    speaker_name: str | None = None


class StoryEvidence(BaseModel):
    """Why an article joined its story (or opened one): the score and what it shares with the story."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: Literal["joined", "created", "duplicate"]
    score: float = Field(description="Similarity to the story it joined, or to the closest live story when it opened one (0..1).")
    threshold: float = Field(description="Least score to join a story, for the rule that scored.")
    rule: Literal["learned", "weighted", "cross-language", "cross-language-nearest", "cross-language-names",
                  "cross-language-words", "near-duplicate"] | None = Field(
        default=None, description="What scored: the learned decision (score is a probability), the weighted similarity, or the "
        "embedding alone across languages, or across languages the story whose embedding is nearest by a clear margin, or, for a "
        "report no encoder reads, the story in other languages its names (in any script, compared in Latin letters) or its "
        "words reach by a clear margin, or the article is a copy of one of the story's (copy_of; score: 1 - SimHash bits apart / "
        "64); null when nothing was compared.")
    entity_score: float = Field(default=0.0, description="Overlap of the salient entities (0..1).")
    text_score: float = Field(default=0.0, description="Cosine of the content words, weighed by how rare they are in news (0..1).")
    embedding_similarity: float | None = Field(
        default=None, description="Cosine of the title+lead sentence embeddings with the story's closest member or centroid; null when either has none.")
    shared_entities: list[str] = Field(default_factory=list, description="Names of the entities shared with the story, heaviest first.")
    shared_words: list[str] = Field(default_factory=list, description="Content words shared with the story, rarest and most used first.")
    shared_names: list[str] = Field(
        default_factory=list, description="Names shared with the story as the article writes them, in any script (compared in "
        "Latin letters: \"Попокатепетль\" meets \"Popocatépetl\"), rarest and most used first.")
    compared: str | None = Field(default=None, description="The story the scores are against (the closest one when the article opened a story).")
    undated: bool = Field(default=False, description="True when the article's time is unknown (no publication date, not fetched live).")
    merged: list[str] = Field(
        default_factory=list, description="Stories this article showed to report the same event, now part of its story; "
        "their ids are gone (earlier articles and alerts still carry them).")
    copy_of: str | None = Field(
        default=None, description="The earlier article of the story whose text this one repeats nearly word for word (a syndicated "
        "or republished copy, perhaps respelled or lightly edited: the two-word shingles of the bodies resembling each other "
        "at least 0.8, or their SimHash at most 3 of 64 bits apart); null otherwise.")
    aliases: list[str] = Field(
        default_factory=list, description="The ids this story's reports carried before merges (stories merged into it, at most "
        "16): a rule that fired under one of them already alerted the event, and its later alerts for the story follow up "
        "under that id.")


class TaggedArticle(NormalizedArticle):
    """A normalized article with its entities and story (topic ``articles.tagged``)."""

    entities: list[Entity] = Field(default_factory=list)
    salience: list[Salience] = Field(default_factory=list, description="One record per entity key, most salient first.")
    quotes: list[Quote] = Field(default_factory=list)
    story_id: str
    story_size: int = Field(default=1, ge=1, description="Articles in the story once this one joined it (1 until the story stage placed it).")
    story_evidence: StoryEvidence | None = Field(default=None, description="Why the story stage placed the article where it did.")
    embedding: str | None = Field(
        default=None,
        description="Multilingual sentence embedding (USE multilingual v3) of the original title and lead: 512 signed bytes, the vector "
        "scaled so its largest component is 127, base64. Cosine is scale-free, so this is all a comparison needs.",
    )


class AlertWindow(BaseModel):
    """What a rule's window counted when it fired: articles and distinct sources within ``within_s``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    articles: int
    sources: int
    within_s: float


class AlertBurst(BaseModel):
    """The burst that fired: the bucket's count against the key's own EWMA baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="What burst: 'story:<id>' or 'entity:<QID or name>'.")
    bucket_s: float
    count: int
    baseline: float
    zscore: float


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
    title_language: str | None = Field(
        default=None, description="Language title is in, as the report's language is coded: 'en' when the report was written in "
        "English, translated, or kept an English headline; else the report's original language. null in an alert from an "
        "alerter of an older release.")
    url: str | None = None
    entities: list[str] = Field(default_factory=list, description="Canonical names of the linked entities.")
    kind: Literal["fired", "follow-up", "repeat"] = Field(
        default="fired", description="fired: first alert for the rule and story; follow-up: new articles of an alerted story; "
        "repeat: the story still matches after repeat_interval.")
    sequence: int = Field(default=0, ge=0, description="0 for the first alert of a dedupe key, then 1, 2... for follow-ups and repeats.")
    sources: list[str] = Field(default_factory=list, description="Sources of the articles in article_ids.")
    window: AlertWindow | None = Field(default=None, description="The window that was met, for rules with a window.")
    burst: AlertBurst | None = Field(default=None, description="The burst that fired, for rules with a burst.")
    continues: list[str] = Field(
        default_factory=list, description="The earlier id of this alert's story (a story merged into it: the same event) whose "
        "alert for the rule this one continues; its dedupe_key is that id's. Empty for an alert under the story's own id.")


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
