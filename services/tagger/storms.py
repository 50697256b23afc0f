"""Named storms: a storm word and the storm's name ("Hurricane Florence", "el huracán Florence", "la tempête Ciara",
"Typhoon Mangkhut") are one event, not a place or a person of that name, in every language, and keyed as English keys
it: "huracán Florence", "l'ouragan Florence" and "Hurricane Florence" are one ``name:hurricane florence``.

Spanish, French, Italian and Portuguese write the storm word in lower case ("el huracán Florence"); English writes it
capitalised ("Hurricane Florence", "Tropical Storm Isaac"), and a lower-case English "storm" before a capitalised word
is no storm's name ("the storm Friday"). A name written once after a storm word is the storm wherever the article
writes it alone ("Florence brought record rain"): linking.py reads it so.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from services.normalize.dates import MONTH_NAMES, WEEKDAYS
from services.tagger.gazetteer import fold, strip_latin_accents

__all__ = ["english_storm_key", "storm_names", "storm_spans", "storm_start"]

# Each language's storm words, by the English one that keys them (accents as written; a key reads them without).
_WORDS = {
    "hurricane": "huracán ouragan uragano furacão",
    "typhoon": "tifón typhon tifone tufão",
    "cyclone": "ciclón cyclone ciclone",
    "tropical storm": "tormenta tropical|tempête tropicale|tempesta tropicale|tempestade tropical",
    "tropical depression": "depresión tropical|dépression tropicale|depressione tropicale|depressão tropical",
    "storm": "tormenta tempête tempesta tempestade",
}
_FOREIGN = {word: english for english, words in _WORDS.items()
            for word in (words.split("|") if "|" in words else words.split())}
# The key's words: accent-free, folded, English or not.
_KEY_WORDS = {strip_latin_accents(fold(word)): english for word, english in _FOREIGN.items()} | {e: e for e in _WORDS}
# Capitalised words after a storm word that name no storm: "the Hurricane Center", "Storm Shadow" missiles, a day.
_NOT_NAMES = frozenset("""
    center centre season seasons warning warnings watch hunter hunters tracker shadow prediction
    lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi samedi dimanche
""".split()) | frozenset(WEEKDAYS) | frozenset(MONTH_NAMES)
_NAME = r"(?P<name>[^\W\d_][\w'’-]*)"
_BOUNDARY = r"(?<![\w-])"  # "l'ouragan": an elided article may stand before it


def _alternation(words: Collection[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in sorted(words, key=len, reverse=True))


_FOREIGN_STORM = re.compile(rf"{_BOUNDARY}(?P<word>(?i:{_alternation(_FOREIGN)}))[ \t]+{_NAME}")
_ENGLISH_STORM = re.compile(rf"{_BOUNDARY}(?P<word>{_alternation([w.title() for w in _WORDS])})[ \t]+{_NAME}")


def _storms(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    end = len(text) if end is None else end
    found = [*_FOREIGN_STORM.finditer(text, start, end), *_ENGLISH_STORM.finditer(text, start, end)]
    return [m for m in found if m.group("name")[0].isupper() and m.group("name").casefold() not in _NOT_NAMES
            and not (m.end() < len(text) and (text[m.end()].isalnum() or text[m.end()] in "'’-"))]


def storm_start(text: str, start: int, end: int, articles: Collection[str] = ()) -> int | None:
    """Where the storm's mention starts that ``text[start:end]`` (an NER span) names, None where it names none: the
    span is a storm word and a name ("huracán Florence", after ``articles`` opening it: "La tormenta tropical Isaac"),
    or the name, or a part of the storm's words and the name, with the rest of the storm's words right before it
    ("Florence" after "el huracán ", "Storm Isaac" after "Tropical ")."""
    for m in _storms(text, max(0, start - 40), end):
        if m.end() != end or m.start("name") < start:
            continue
        if m.start() >= start:
            lead = text[start:m.start()].split()
            return m.start() if all(w.casefold() in articles for w in lead) else None
        return m.start()
    return None


def storm_names(text: str) -> dict[str, str]:
    """The names of the storms ``text`` names with a storm word, folded, each with the storm's whole name as first
    written ("florence" -> "Hurricane Florence")."""
    names: dict[str, str] = {}
    for m in sorted(_storms(text), key=lambda m: m.start()):
        names.setdefault(fold(m.group("name")), re.sub(r"\s+", " ", m.group(0)))
    return names


def storm_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a storm with a storm word: (start, end) of each, storm word and name."""
    return sorted({(m.start(), m.end()) for m in _storms(text)})


def english_storm_key(words: str) -> str:
    """A storm's key words (accent-free, folded) with the storm word in English: "huracan florence" -> "hurricane
    florence", "tempete tropicale isaac" -> "tropical storm isaac"; other words as they are."""
    parts = words.split()
    for size in (2, 1):
        if len(parts) == size + 1 and " ".join(parts[:size]) in _KEY_WORDS:
            return f"{_KEY_WORDS[' '.join(parts[:size])]} {parts[-1]}"
    return words
