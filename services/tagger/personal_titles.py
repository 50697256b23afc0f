"""A place's name right after a personal title is a person's: "Mr. Jordan", "Queen Sofia", "la reina Sofía", "dijo el
señor Jordan", "M. Jordan" name people, not Jordan the country or Sofia, Bulgaria. An office named with its country
("President of Georgia", "King of Jordan", "presidente de Francia") has "of"/"de" between the two: the place stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from services.tagger.gazetteer import GazetteerEntry
from services.tagger.lowercase_words import MONARCHS, NOT_TITLES, TITLES, monarch_names_a_place, word_before
from services.tagger.mentions import Candidate

__all__ = ["PERSONAL_TITLES", "people_after_titles", "title_before"]

# Titles that stand right before a person's name. English ones are read in every language, capitalised as English
# writes them before a name ("will miss England", "the king Jordan" is no title): courtesy titles, a monarch's, and the
# offices a head of state or government or a minister is named by; not "general" ("General Motors"), "governor" or
# "chief minister" ("Chief Minister Punjab" is Punjab's), "Miss" (a verb too), "Don" (a given name) or "Pope". In
# Spanish, French, Italian and Portuguese, capitalised or not: the titles cut off a name there (lowercase_words.TITLES),
# a monarch's and "don"/"doña".
PERSONAL_TITLES: Mapping[str, frozenset[str]] = {
    "en": frozenset("mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady king queen prince princess president minister "
                    "mayor senator".split()),
    **{language: (TITLES | MONARCHS | frozenset("don doña dom dona".split())) - NOT_TITLES.get(language, frozenset())
       for language in ("es", "fr", "it", "pt")},
}
_PLACE_TYPES = frozenset({"GPE", "LOC"})
_OPENING_WORD = re.compile(r"\S+[ \t]+")


def _is_title(word: str, language: str | None) -> bool:
    """As a title is written: capitalised, or in lower case in a language that writes it so ("el señor", "la reina");
    "MS Estonia" is a ship, not Ms Estonia."""
    folded, capitalised = word.casefold(), word[:1].isupper() and word[1:] == word[1:].lower()
    own = language not in (None, "en") and folded in PERSONAL_TITLES.get(language, frozenset())
    return (own and (capitalised or word == word.lower())) or (capitalised and folded in PERSONAL_TITLES["en"])


def _is_title_at(text: str, start: int, word: str, language: str | None) -> bool:
    """Whether ``word``, at ``text[start:]``, is a personal title there: not a monarch's opening the name of a place
    named after the monarch ("el Reina Sofía", "museo Reina Sofía": lowercase_words.monarch_names_a_place)."""
    if not _is_title(word, language):
        return False
    if language in (None, "en") or word.casefold() not in MONARCHS:
        return True
    before = word_before(text, start)
    return not monarch_names_a_place(word, before.group(1) if before else None)


def _in_place_named_after_monarch(text: str, start: int, language: str | None) -> bool:
    """Whether ``text[start:]`` goes on a monarch's title that opens a place's name ("el museo Reina |Sofía", "el Reina
    |Sofía"): the rest of that name, no place of its own."""
    found = word_before(text, start)
    return (found is not None and language not in (None, "en") and found.group(1).casefold() in MONARCHS
            and _is_title(found.group(1), language) and not _is_title_at(text, found.start(1), found.group(1), language))


def title_before(text: str, start: int, language: str | None = None) -> bool:
    """Whether the word right before ``text[start:]``, with only spaces between, is a personal title ("Mr. |Jordan",
    "la reina |Sofía"); "President of |Georgia" has none, nor has "el museo Reina |Sofía"."""
    found = word_before(text, start)
    return found is not None and _is_title_at(text, found.start(1), found.group(1), language)


def _name_after_titles(text: str, start: int, end: int, language: str | None) -> int:
    """Where the name starts in ``text[start:end]`` once the personal titles that open it are skipped."""
    at = start
    while (word := _OPENING_WORD.match(text, at, end)) is not None and _is_title_at(text, at, word.group().strip(), language):
        at = word.end()
    return at


def people_after_titles(
    texts: Mapping[str, str],
    candidates: Sequence[Candidate],
    lookup: Callable[[str], GazetteerEntry | None],
    language: str | None = None,
) -> list[Candidate]:
    """``candidates`` with each place named right after a personal title made a person of that name, unlinked (its key
    is the name's, as any person's the gazetteer does not know, and the surname pass may give it an article's full
    name): before the place ("Mr. Jordan", "el señor Jordan") or opening its span ("Queen Sofia", resolved without the
    title). A place whose own name opens with a title ("Prince Edward Island", "Queen Maud Land") stays; one that goes on
    a monarch's title opening a place's name is dropped ("el museo Reina Sofía" names no Sofia)."""
    others = [(c.field, c.start, c.end) for c in candidates]
    out = []
    for c in candidates:
        if c.type in _PLACE_TYPES and (c.entry is None or c.entry.type in _PLACE_TYPES):
            text = texts[c.field]
            name = _name_after_titles(text, c.start, c.end, language)
            titled = name > c.start and lookup(text[c.start : c.end]) is None
            # The title is no other name's word ("Burger King Germany"): only spaces lie between it and the place.
            before = title_before(text, c.start, language) and not any(
                f == c.field and s < c.start and c.start - 1 <= e for f, s, e in others if (f, s, e) != (c.field, c.start, c.end))
            if (titled and name < c.end) or (name == c.start and before):
                c = replace(c, start=name, type="PERSON", entry=None, canonical_name=None)
            elif name == c.start and _in_place_named_after_monarch(text, c.start, language):
                continue  # Madrid's museum, no Sofia
        out.append(c)
    return out
