"""The internal message on ``ingest.entries``: a polled feed entry before de-duplication, keyed by article id."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from schemas import RawArticle

__all__ = ["PolledEntry"]


class PolledEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    article: RawArticle
    summary_only: bool = False
    full_text: bool = False  # fetch the page when the entry is new or changed and carries only a summary
