"""Names the tagger's gazetteer knows, found in the source text before translation, so that they come out of
the translator as the entity's English name instead of as the words they also are ("Colonia" is Cologne,
not "Colony"; "Ciudad de México" is Mexico City, not "City of Mexico").

A name is a candidate when the gazetteer's matcher finds it as one of the entity's aliases, in Latin script,
written with a capital inside a sentence (a capital at a sentence start says nothing: "Colonia" opening a
sentence may be the noun), and the alias is the whole match (not an inflected form the matcher also reads,
"Mexikos"). It is kept only when the translator loses it: when its translation on its own is no name the
gazetteer knows ("Colony", "City of Mexico"); one it translates into a name ("Gran Bretaña" as "Great Britain",
"EE. UU." as "USA") is left to it, as English writes it. A place or an
organisation comes out as the entity's English name, less any qualifier ("La Paz, Bolivia" as "La Paz"); a
person named in full likewise, a person named in part (a surname) as the source writes it, when in Latin script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from services.normalize.text import latin_letters, mid_sentence

if TYPE_CHECKING:
    from services.normalize.sound_names import SoundNames
    from services.tagger.gazetteer import Gazetteer, GazetteerEntry

__all__ = ["KeptName", "NameKeeper", "english_name", "find_kept_names"]


@dataclass(frozen=True, slots=True)
class KeptName:
    """``text[start:end]`` of the source, to come out of translation as ``english`` (the entity ``entity_id``)."""

    start: int
    end: int
    source: str
    english: str
    entity_id: str


def english_name(name: str) -> str:
    """The entity's canonical name as a text writes it: without the qualifier that tells places apart ("Kingston, Jamaica")."""
    return name.split(", ", 1)[0] if ", " in name and "D.C." not in name else name


def find_kept_names(text: str, language: str, gazetteer: Gazetteer) -> list[KeptName]:
    """The names in ``text`` (written in ``language``, ISO 639-1) to keep through translation, in order."""
    kept = []
    for match in gazetteer.find(text, language=language):
        entry = match.entry
        if not match.text[:1].isupper() or not latin_letters(match.text) or not mid_sentence(text, match.start):
            continue
        if gazetteer.lookup(match.text) is not entry:
            continue  # an inflected form or an alias another entity shares: the translator may know better
        english = english_name(entry.name)
        if entry.type == "PERSON" and len(match.text.split()) < len(english.split()):
            english = match.text  # "Erdogan" is no "Recep Tayyip Erdoğan": a surname stays as written
        kept.append(KeptName(match.start, match.end, match.text, english, entry.id))
    return kept


# How Russian and Macedonian aliases write the vowel Bulgarian writes ъ in a foreign name.
_SCHWA_SPELLINGS = ("а", "е", "о")


@lru_cache(maxsize=4)
def _gazetteer(paths: tuple[Path, ...]) -> Gazetteer:
    from services.tagger.gazetteer import Gazetteer  # the matcher and its data: loaded once, when first needed

    return Gazetteer.load(paths)


@lru_cache(maxsize=4)
def _sound_names(paths: tuple[Path, ...]) -> SoundNames:
    from services.normalize.sound_names import SoundNames

    return SoundNames((entry, english_name(entry.name)) for entry in _gazetteer(paths))


class NameKeeper:
    """The gazetteer (bundled, and ``paths`` over it) loaded on first use, and the names it keeps in a text."""

    def __init__(self, paths: Sequence[Path] = ()) -> None:
        self._paths = tuple(Path(p) for p in paths)

    def find(self, text: str, language: str) -> list[KeptName]:
        """The candidates in ``text``: names to keep if the translator loses them."""
        return find_kept_names(text, language, _gazetteer(self._paths)) if text else []

    def english(self, word: str) -> str | None:
        """The English name of a capitalised ``word`` the gazetteer knows as one entity's alias, in any script
        ("Трамп" → "Trump", "Скопје" → "Skopje"): a place's or organisation's name, a person's surname when the
        word is one; None for a word it does not know."""
        if not word[:1].isupper():
            return None
        entry = self._lookup(word)
        if entry is None:
            return None
        english = english_name(entry.name)
        if entry.type == "PERSON" and len(word.split()) < len(english.split()):
            return english.split()[-1]
        return english

    def _lookup(self, word: str) -> GazetteerEntry | None:
        """The entity ``word`` is an alias of; for a Bulgarian spelling with ъ (the vowel of "Trump", "Birkenhead",
        which Russian and Macedonian write а or е: "Тръмп", "Трамп"), the one entity its spellings with а, е or о
        name, if only one does."""
        gazetteer = _gazetteer(self._paths)
        entry = gazetteer.lookup(word)
        if entry is not None or "ъ" not in word:
            return entry
        found = {e.id: e for vowel in _SCHWA_SPELLINGS if (e := gazetteer.lookup(word.replace("ъ", vowel))) is not None}
        return next(iter(found.values())) if len(found) == 1 else None

    def sounds_like(self, word: str) -> str | None:
        """The one English name in the gazetteer a Cyrillic ``word`` no alias matches sounds like ("Джонсън" →
        "Johnson", "Уелс" → "Wales"; ``sound_names``); None if none does, or more than one."""
        return _sound_names(self._paths).english(word) if word[:1].isupper() else None

    def lost(self, translated: str) -> bool:
        """Whether a name translated on its own came out as no name the gazetteer knows ("Colony")."""
        return _gazetteer(self._paths).lookup(translated.strip().strip(".")) is None
