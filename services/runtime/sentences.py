"""Where a sentence of news copy starts and ends: one reading for the normalizer's repairs and the tagger's evidence.

Both ask it for one reason: a capital at a sentence's (or a quotation's, or a dateline's) start says nothing, a
capital inside one marks a name. ``mid_sentence`` answers for a word, ``sentence_bounds`` finds the sentence
around a span. A full stop after a title ("Mr.", "Sgt.") or an initialism ("U.S.", "a.m.") ends no sentence in
either; "the West Coast of the U.S. As Rosa approaches" is the price, and callers that meet it check the word
after it (longer_names.py).

Left apart on purpose, each with its own use: the first sentence that becomes a derived title
(normalize/titles.py: it ends only before what can open a sentence, and no month or company abbreviation,
"Jan.", "Inc.", ends it, so a title is never cut there); the sentence-start test of a match in another language
(tagger/languages.py: ";" and "…" end a sentence of German or Turkish copy as well); and the capital test of
story_features.py (any mark in the three characters before a word, in every script).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["mid_sentence", "sentence_bounds"]

# A full stop after one of these ends no sentence: "Mr. Lee", "Lt. Col. Lerner", "Liverpool vs. Chelsea".
_TITLES = frozenset("mr mrs ms dr prof gen sen rep gov rev st lt col capt sgt det vs v".split())
# Letters each with its stop: "U.S.", "U.N.", "a.m." ("..." is no initialism).
_INITIALISM = re.compile(r"(?:[^\W\d_]\.){2,}")
# The word a full stop ends (an opening quotation mark or bracket is not part of it), read this far back.
_TOKEN_BEFORE = re.compile(r"[^\s\"'“‘«(]*$")
_LONGEST_TOKEN = 24
# Spanish writes a plural abbreviation with its letter doubled: "EE. UU." (Estados Unidos), "FF. AA.".
_DOUBLED = frozenset(c + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# After one of these the sentence goes on: "Lee, who", "( Morocco )", "Marks & Spencer", "HIV/Aids".
_GOES_ON = ",;([)]&/%"
_DASHES = "-–—"
_OPENING_QUOTES = "“‘«„‹"
_QUOTES = "\"'”’»›" + _OPENING_QUOTES
# A stop ("." "!" "?") that ends a sentence, with the quotation it closes; or a line break.
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*(?=\s|$)|\n")


def _space_before(text: str, i: int) -> int:
    while i and text[i - 1] != "\n" and text[i - 1].isspace():
        i -= 1
    return i


def _stop_ends_sentence(text: str, i: int) -> bool:
    """Whether the full stop at ``text[i - 1]`` ends a sentence (not "Mr.", "U.S.", "vs.", "John F. Kennedy")."""
    token = _TOKEN_BEFORE.search(text, max(0, i - 1 - _LONGEST_TOKEN), i - 1).group()
    if token.isupper() and (len(token) == 1 or token in _DOUBLED):
        return False  # an initial ("John F. Kennedy"), or a Spanish plural abbreviation ("EE. UU.", "FF. AA.")
    return token.casefold() not in _TITLES and not _INITIALISM.fullmatch(token + ".")


def mid_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` stands inside a sentence on its line, where a capital marks a name.

    Not at a line's start, nor after a stop, a colon or "¿" (a sentence starts), nor after a spaced dash
    ("KHARKIV, Ukraine — Fed up"), a bullet or another mark of a list; nor right after an opening quotation
    mark ('said: "We'). A closing one is looked through: '"We will win," Trump said' is mid-sentence,
    '"We won." Trump said' is not.
    """
    i = _space_before(text, start)
    if i and text[i - 1] in _QUOTES:
        attached = i == start and (i == 1 or text[i - 2].isspace() or text[i - 2] in _QUOTES + "([")
        if text[i - 1] in _OPENING_QUOTES or attached:
            return False  # a quotation opens: its first word is capitalised whatever it is
        while i and (text[i - 1] in _QUOTES or (text[i - 1] != "\n" and text[i - 1].isspace())):
            i -= 1
    if not i or text[i - 1] == "\n":
        return False
    before = text[i - 1]
    if before == ".":
        return not _stop_ends_sentence(text, i)
    if before in _DASHES:
        return i == start and i >= 2 and not text[i - 2].isspace()  # "U.S.-Russian", "anti-Western"; not "Ukraine — The"
    return before.isalnum() or before in _GOES_ON


def sentence_bounds(text: str, start: int, end: int, window: int) -> tuple[int, int]:
    """The sentence or line around ``text[start:end]``: from after the last end before ``start`` to the first end
    after ``end``, at most ``window`` characters on each side. A stop after a title or an initialism ends none."""
    begin = max(0, start - window)
    for m in _ends(text, begin, start):
        begin = m.end()
    limit = min(len(text), end + window)
    return begin, next((m.start() for m in _ends(text, end, limit)), limit)


def _ends(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    for m in _SENTENCE_END.finditer(text, start, end):
        if text[m.start()] != "." or _stop_ends_sentence(text, m.start() + 1):
            yield m
