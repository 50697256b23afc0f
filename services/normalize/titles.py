"""A title for an article whose text came without a headline, and the lead of a body.

The title is the body's first sentence. A sentence longer than the limit is cut
at the last word break before it, never inside a word, and ends with an
ellipsis so a reader sees it was cut.
"""

from __future__ import annotations

import re

__all__ = ["LEAD_CHARS", "MAX_DERIVED_TITLE_CHARS", "lead_of", "title_from_text"]

MAX_DERIVED_TITLE_CHARS = 160
# The lead: what a report says first (the tagger embeds its first 400 characters; a translation may run longer).
LEAD_CHARS = 600
ELLIPSIS = "\u2026"

# A sentence ends at . ! ? (optionally closed by a quote or bracket) followed by a space and
# something that starts a sentence: a capital, a digit, a quote or bracket.
_SENTENCE_END = re.compile(r"""[.!?]+["'\u201d\u2019)\]]*(?=\s+["'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])""")
# A full stop after these is not the end of a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Rep|Sen|Gov|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Corp|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])$"
)
# Punctuation that should not dangle before the ellipsis.
_DANGLING = " \t,;:-\u2013\u2014([{\"'\u201c\u2018"


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start()]
        if match.group().startswith(".") and len(match.group()) == 1 and _ABBREVIATION.search(before):
            continue
        return text[: match.end()]
    return text


def title_from_text(text: str, limit: int = MAX_DERIVED_TITLE_CHARS) -> str:
    """The first sentence of ``text`` on one line, cut at a word break with an ellipsis when longer than ``limit``."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    sentence = " ".join(_first_sentence(first).split())
    if len(sentence) <= limit:
        return sentence
    room = sentence[: limit - len(ELLIPSIS) + 1]  # one more character: is the limit itself at a word break?
    cut = room.rfind(" ")
    if cut <= 0:
        # A single word longer than the limit (or a script written without spaces): no word break to use.
        return sentence[: limit - len(ELLIPSIS)] + ELLIPSIS
    return room[:cut].rstrip(_DANGLING) + ELLIPSIS


def lead_of(body: str, limit: int = LEAD_CHARS) -> str:
    """The start of ``body`` on one line: up to ``limit`` characters, cut at the last sentence end or else word break."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    room = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(room)]
    if ends and ends[-1] > limit // 2:
        return room[: ends[-1]]
    cut = room.rfind(" ")
    return room[:cut] if cut > limit // 2 else room
