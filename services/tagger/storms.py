"""Named storms: a storm word and the storm's name ("Hurricane Florence", "el huracán Florence", "la tempête Ciara",
"Typhoon Mangkhut") are one event, not a place or a person of that name, in every language, and keyed as English keys
it: "huracán Florence", "l'ouragan Florence" and "Hurricane Florence" are one ``name:hurricane florence``.

Spanish, French, Italian and Portuguese write the storm word in lower case ("el huracán Florence"); English writes it
capitalised ("Hurricane Florence", "Tropical Storm Isaac"), and a lower-case English "storm" before a capitalised word
is no storm's name ("the storm Friday"). A name written once after a storm word is the storm wherever the article
writes it alone ("Florence brought record rain"): linking.py reads it so; except where the region or country it lies
in follows it, the way news names a place ("Florence, S.C.", "in Florence, Italy", "à Florence, en Italie":
``placed_in``). A numbered storm ("Typhoon No. 21", "el tifón número 21", "Tropical Storm 21W") is named by no word:
no storm's name is read from it, and a mention of such a storm spans its number (``numbered_storm``: NER's "Typhoon
No" of "Typhoon No. 21"; linking.py drops NER's DATE "21" inside it).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from services.normalize.dates import MONTH_NAMES, WEEKDAYS
from services.tagger.gazetteer import fold, strip_latin_accents

__all__ = ["english_storm_key", "name_spans", "numbered_storm", "placed_in", "storm_names", "storm_spans", "storm_start"]

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
# Capitalised words after a storm word that name no storm: "the Hurricane Center", "Storm Shadow" missiles, a day, a
# number's word ("Typhoon No. 21", "Tifón Número 21", "typhon N° 21").
_NOT_NAMES = frozenset("""
    center centre season seasons warning warnings watch hunter hunters tracker shadow prediction no nos number número
    numéro numero n nº n°
    lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi samedi dimanche
""".split()) | frozenset(WEEKDAYS) | frozenset(MONTH_NAMES)
_NAME = r"(?P<name>[^\W\d_][\w'’-]*)"
_BOUNDARY = r"(?<![\w-])"  # "l'ouragan": an elided article may stand before it


# A comma and the region or country a place lies in, as news names a place: "Florence, S.C.", "Florence, Italy",
# "Florence, en Caroline du Sud", "Florence, in Italia".
_REGION_AFTER = re.compile(r",[ \t]+(?:(?:en|in|au|aux|no|na)[ \t]+)?")


def _alternation(words: Collection[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[ \t]+") for w in sorted(words, key=len, reverse=True))


_FOREIGN_STORM = re.compile(rf"{_BOUNDARY}(?P<word>(?i:{_alternation(_FOREIGN)}))[ \t]+{_NAME}")
_ENGLISH_STORM = re.compile(rf"{_BOUNDARY}(?P<word>{_alternation([w.title() for w in _WORDS])})[ \t]+{_NAME}")


# A storm numbered in its season ("Typhoon No. 21", "el tifón número 21", "le typhon n° 21") or coded ("Tropical Storm
# 21W", the Joint Typhoon Warning Center's).
_NUMBERED = re.compile(
    rf"{_BOUNDARY}(?:(?i:{_alternation(_FOREIGN)})|{_alternation([w.title() for w in _WORDS])})[ \t]+"
    r"(?:(?i:no\.|nos?\.|number|número|núm\.|numéro|numero|n°|nº)[ \t]*\d{1,3}|\d{1,2}[A-Z])(?![\w'’-])"
)


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


def numbered_storm(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the numbered storm starts and ends that ``text[start:end]`` (an NER span) is part of ("Typhoon No" of
    "Typhoon No. 21"), None where it is part of none."""
    for m in _NUMBERED.finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if m.start() <= start and end <= m.end():
            return m.span()
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


def name_spans(text: str, storms: Collection[str]) -> list[tuple[int, int]]:
    """Where ``text`` writes a storm's name alone, as written after its storm word ("Florence" of ``storms``' "Hurricane
    Florence", storm_names' values): (start, end) of each, storm words and all others included (the caller keeps those
    no other mention covers)."""
    names = {storm.split()[-1] for storm in storms}
    if not names:
        return []
    pattern = rf"(?<![\w'’-])(?:{_alternation(names)})(?![\w'’-])"
    return [m.span() for m in re.finditer(pattern, text)]


def placed_in(text: str, end: int, places: Collection[int]) -> bool:
    """Whether the name ending at ``text[end]`` is a place's, named with the region or country it lies in: a comma and
    a place (its mention starting at one of ``places``) follow it ("Florence, S.C.", "Florence, Italy"), not a storm's
    name alone."""
    after = _REGION_AFTER.match(text, end)
    return after is not None and after.end() in places


def english_storm_key(words: str) -> str:
    """A storm's key words (accent-free, folded) with the storm word in English: "huracan florence" -> "hurricane
    florence", "tempete tropicale isaac" -> "tropical storm isaac"; other words as they are."""
    parts = words.split()
    for size in (2, 1):
        if len(parts) == size + 1 and " ".join(parts[:size]) in _KEY_WORDS:
            return f"{_KEY_WORDS[' '.join(parts[:size])]} {parts[-1]}"
    return words
