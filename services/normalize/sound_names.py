"""Names the gazetteer knows in Latin letters only, found for a word in Cyrillic by how both sound ("Джонсън" is
Johnson, "Уелс" is Wales, "Рейнджърс" is Rangers).

Both spellings are brought to one rough sound spelling: the Cyrillic one letter by letter the way Bulgarian,
Macedonian, Serbian, Russian and Ukrainian write English sounds (дж, џ and ж as j; у before a vowel at a word's
start as w; оу as o), the English one by its own rules (ch, sh, silent h and gh, c before e and i as s, soft g as
j). A word's consonants in that spelling are its key; a name is found when one single-word English name (a
person's surname, a place's or an organisation's whole name, or a Cyrillic alias's) has the same consonants and
enough of the same vowels, and no other name does. A name that is also a common English word ("West", "Long") is
never an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.tagger.gazetteer import GazetteerEntry

__all__ = ["SoundNames", "cyrillic_sounds", "english_sounds", "consonants"]

# Upper case marks a sound English writes with two letters: C as in "church", S as in "shoe", J as in "jam".
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "J", "з": "s", "и": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
    "ц": "ts", "ч": "C", "ш": "S", "щ": "St", "ъ": "a", "ь": "", "ю": "iu", "я": "ia", "ё": "io", "ы": "i", "э": "e",
    "ѓ": "J", "ќ": "C", "џ": "J", "ђ": "J", "ћ": "C", "ј": "i", "љ": "l", "њ": "n", "ѕ": "dz",
    "є": "e", "і": "i", "ї": "i", "ґ": "g", "ў": "v",
}
_CYRILLIC_PAIRS = (("дж", "J"), ("оу", "o"))
_ENGLISH = (
    ("tch", "C"), ("sch", "S"), ("ch", "C"), ("sh", "S"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("wh", "v"),
    ("qu", "kv"), ("q", "k"), ("x", "ks"), ("j", "J"), ("z", "s"), ("y", "i"),
)
_GH = re.compile(r"gh(?![aeiou])")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SOFT_G = re.compile(r"(?<!g)g(?=[ei])|dg(?=e)|ge$")
_W_SILENT = re.compile(r"(?<=[aeo])w(?![aeiou])")
_H_SILENT = re.compile(r"(?<=[^aeiou])h|(?<=[aeiou])h(?![aeiou])")
_SILENT_E = re.compile(r"(?<=[^aeiou])e(?=s?$)")
_DOUBLED = re.compile(r"(.)\1+")
_VOWEL_RUN = re.compile(r"[aeiou]+")


def cyrillic_sounds(word: str) -> str | None:
    """A Cyrillic word in the rough sound spelling ("Джонсън" → "Jonsan", "Уелс" → "vels"); None if it has other letters."""
    text = word.lower()
    for before, after in _CYRILLIC_PAIRS:
        text = text.replace(before, after)
    if text[:1] == "у" and text[1:2] and text[1:2] in "аеиоэ":
        text = "v" + text[1:]  # "Уелс", "Уилямс", "Уолтър": w
    out = []
    for c in text:
        if c in "JCSv":
            out.append(c)
        elif c in _CYRILLIC:
            out.append(_CYRILLIC[c])
        else:
            return None
    return _DOUBLED.sub(r"\1", "".join(out))


def english_sounds(word: str) -> str | None:
    """A Latin word in the rough sound spelling ("Johnson" → "Jonson", "Wales" → "vals"); None if it has other letters."""
    from anyascii import anyascii

    text = anyascii(word).lower()
    if not text.isalpha() or not text.isascii():
        return None
    text = _GH.sub("", text)  # "Kavanaugh", "Willoughby"
    text = _SOFT_G.sub("J", text)  # "George", "Gerrard", "Sturridge"
    text = _SOFT_C.sub("s", text)  # "Cecil" is "sesil"; the c of "ch" stays for the table below
    text = _W_SILENT.sub("", text)  # "Paltrow", "Crawley"
    for before, after in _ENGLISH:
        text = text.replace(before, after)
    text = text.replace("c", "k").replace("w", "v")
    text = _H_SILENT.sub("", text)  # "Johnson", "Sarah"
    text = _SILENT_E.sub("", text)  # "Wales", "Jones"
    return _DOUBLED.sub(r"\1", text)


def consonants(sounds: str) -> str:
    """A sound spelling's consonants, a letter repeated once ("Jonsan" → "Jnsn")."""
    return _DOUBLED.sub(r"\1", _VOWEL_RUN.sub("", sounds))


def _syllables(sounds: str) -> int:
    return len(_VOWEL_RUN.findall(sounds))


# A Cyrillic word and a name are one when their consonants agree, they end alike (a case ending or an article is
# another word: "Меллона" is not Meloni, "Британија" not Britain), they have as many vowels (runs of vowel letters:
# "Брет", Brett, is not Beirut), and their sound spellings agree this much (difflib's ratio): a surname 0.8
# ("Jonsan"/"Jonson" 0.83); the gazetteer's places are thousands, so a place or organisation more, 0.85 with a
# Cyrillic alias (Bulgarian "Нотингам" and Russian "Ноттингем", 0.88) and 0.95 without, where only the English
# spelling speaks ("Ксининг", Xining, is not Xinyang, 0.93).
_SURNAME_RATIO = 0.8
_PLACE_RATIO = {True: 0.85, False: 0.95}  # a place's or organisation's: through a Cyrillic alias, through English only
# A name that is this common an English word (wordfreq's Zipf scale) is a word, not a name, to an English reader.
_COMMON_WORD = 5.0
# Fewer consonants than this say too little to tell one name from another ("Лий", "Роу").
_MIN_CONSONANTS = 3


def _single_names(entry: GazetteerEntry, english: str) -> list[tuple[str, bool]]:
    """The one-word names the entry is known by here, each with whether it is Cyrillic: a person's surname, or a
    place's or organisation's whole name. An entity with Cyrillic aliases is known only by them: the gazetteer says
    how Cyrillic writes it ("Бретань" is Brittany, "Британија" is not), and only one without by its English name."""
    person = entry.type == "PERSON"
    cyrillic = [(alias.split()[-1], True) for alias in entry.aliases if _is_cyrillic(alias) and (person or " " not in alias)]
    if any(_is_cyrillic(alias) for alias in entry.aliases):
        return cyrillic
    if person:
        return [(english.split()[-1], False)]
    return [(english, False)] if " " not in english and "-" not in english else []


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


class SoundNames:
    """The single-word names of the gazetteer's people, places and organisations, by their consonants."""

    def __init__(self, entries: Iterable[tuple[GazetteerEntry, str]]) -> None:
        """``entries``: each entity with the English name a text writes for it (``kept_names.english_name``)."""
        from wordfreq import zipf_frequency

        self._by_key: dict[str, list[tuple[str, str, float]]] = {}
        for entry, english in entries:
            if entry.type not in ("PERSON", "ORG", "GPE"):
                continue
            for name, cyrillic in _single_names(entry, english):
                sounds = cyrillic_sounds(name) if cyrillic else english_sounds(name)
                if sounds is None or len(consonants(sounds)) < _MIN_CONSONANTS:
                    continue
                answer = english.split()[-1] if entry.type == "PERSON" else english
                if " " in answer or zipf_frequency(answer, "en") >= _COMMON_WORD:
                    continue  # "Wasit Governorate" is no single word's name; "West" is a word
                least = _SURNAME_RATIO if entry.type == "PERSON" else _PLACE_RATIO[cyrillic]
                self._by_key.setdefault(consonants(sounds), []).append((sounds, answer, least))

    def english(self, word: str) -> str | None:
        """The English name a Cyrillic ``word`` sounds like, when exactly one name does; else None."""
        sounds = cyrillic_sounds(word)
        if sounds is None:
            return None
        found = {answer for name, answer, least in self._by_key.get(consonants(sounds), ())
                 if name[-1] == sounds[-1] and _syllables(name) == _syllables(sounds)
                 and SequenceMatcher(None, sounds, name).ratio() >= least}
        return next(iter(found)) if len(found) == 1 else None
