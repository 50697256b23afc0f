"""Errors of the normalize stage: what sends an article to the dead-letter topic, and what a translator can fail with."""

from __future__ import annotations

from services.runtime.errors import ProcessingError, WirewatchError

__all__ = ["NormalizeError", "EmptyArticle", "TranslationError", "TranslationUnavailable"]


class NormalizeError(ProcessingError):
    """An article the normalizer cannot turn into a NormalizedArticle; the message is the dead-letter reason."""


class EmptyArticle(NormalizeError):
    """Neither title nor body holds any text once extracted and cleaned."""


class TranslationError(WirewatchError):
    """A translation backend failed (process error, timeout, HTTP error, malformed reply).

    Never escapes ``Normalizer.normalize``: the article goes on untranslated, with a Change saying why.
    """


class TranslationUnavailable(TranslationError):
    """The backend cannot translate this language pair here (not installed, no model, no pair)."""
