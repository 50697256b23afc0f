"""Settings of the ingest service (``WIREWATCH_INGEST__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["IngestSettings"]


class IngestSettings(BaseModel):
    token: str | None = Field(default=None, description="Bearer token POST /ingest requires; unset means no auth (loopback use only).")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, description="Largest POST /ingest body accepted.")
