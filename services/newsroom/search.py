"""What a search's words ask each store for: every word, in any of its British and American spellings ("defence" finds
"defense" and "defense" "defence", as the alerter's keywords do: services.tagger.spellings)."""

from __future__ import annotations

import re

from services.tagger.spellings import spellings_of

__all__ = ["search_words", "fts_query", "spelt_otherwise"]

MAX_WORDS = 16


def search_words(text: str) -> list[tuple[str, ...]]:
    """The words (letters and digits) of what a user typed, casefolded, each with its other spellings:
    "Defence ministry" -> ``[("defence", "defense"), ("ministry",)]``."""
    words = "".join(c if c.isalnum() else " " for c in text).casefold().split()
    return spellings_of(words[:MAX_WORDS])


def fts_query(text: str) -> str | None:
    """User text as an FTS5 query: every word must appear, in any of its spellings (each quoted, so no operator in the
    text is obeyed): ``("defence" OR "defense") AND "ministry"``."""
    words = search_words(text)
    if not words:
        return None
    quoted = [[f'"{w.replace(chr(34), chr(34) * 2)}"' for w in alike] for alike in words]
    return " AND ".join(q[0] if len(q) == 1 else "(" + " OR ".join(q) + ")" for q in quoted)


def spelt_otherwise(text: str) -> tuple[str, list[tuple[str, ...]]]:
    """``text`` without its words that have other spellings, and those words with their spellings: for a store that
    searches the rest as typed (PostgreSQL's ``plainto_tsquery``) and asks for one of the spellings of each of them."""
    alike = [spellings for spellings in search_words(text) if len(spellings) > 1]
    for spellings in alike:
        text = re.sub(rf"(?<![^\W_]){re.escape(spellings[0])}(?![^\W_])", " ", text, flags=re.IGNORECASE)
    return text, alike
