"""Settings of the normalize service (``WIREWATCH_NORMALIZE__*``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["NormalizeSettings"]


class NormalizeSettings(BaseModel):
    translation: dict[str, str] = Field(
        default_factory=lambda: {"es": "apertium"},
        description="Backend per source language: apertium, argos, libretranslate or none.",
    )
    default_backend: str = Field(default="none", description="Backend for languages not named in `translation`.")
    translation_timeout_s: float = 30.0
    apertium_bin: str = "apertium"
    libretranslate_url: str = "http://127.0.0.1:5000"
    libretranslate_api_key: str | None = None
    max_body_chars: int = 200_000
