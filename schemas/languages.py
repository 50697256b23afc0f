"""The language a message's English-or-original text is in, decided once for every service that shows or sends it."""

from __future__ import annotations

from collections.abc import Iterable

from schemas.models import NormalizedArticle

__all__ = ["TITLE_KEPT_ENGLISH", "title_language", "article_title_language"]

# The normalizer's rule (a Change's ``rule``) for an English headline it kept above a text in another language.
TITLE_KEPT_ENGLISH = "title-already-english"


def title_language(language: str, translated: bool, rules: Iterable[str | None]) -> str:
    """The language an article's ``title`` is in: English when the article was written in it or translated into it, or
    when the normalizer kept its English headline (rule ``title-already-english``); else the original's language."""
    return "en" if language == "en" or translated or TITLE_KEPT_ENGLISH in rules else language


def article_title_language(article: NormalizedArticle) -> str:
    """:func:`title_language` of a normalized (or tagged) article's ``title``."""
    return title_language(article.language, article.translation is not None, [c.rule for c in article.changes])
