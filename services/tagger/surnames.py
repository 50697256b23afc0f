"""Who a surname alone names: the key that pairs "Assad" with "Bashar al-Assad", a surname inside "pro-Assad", and
the one head of state or government a surname names where it qualifies a regime ("the Assad regime", "Putin's
government") in an article that gives no full name.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from services.tagger.gazetteer import Gazetteer, GazetteerEntry, fold
from services.tagger.name_evidence import is_english_word

__all__ = ["bare_surname", "leader_named_by", "one_person", "qualifies_a_regime", "same_given_name", "side_prefix", "side_rest_is_a_name",
           "surname_key"]

# The Arabic article written onto a family name: "al-Assad", "el-Sisi", "as-Sadr"; news drops it ("Assad said").
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|adh|an|ar|as|ash|at|ath|az)[-‐‑]", re.IGNORECASE)
# "pro-Assad", "anti-Assad": a side taken for or against someone, spelt onto his name.
_SIDE = re.compile(r"(?:pro|anti)[-‐‑](?=[A-Z])", re.IGNORECASE)
_SIDE_BEFORE = re.compile(r"(?<![\w-])(?:pro|anti)[-‐‑]$", re.IGNORECASE)
# What a ruler's name qualifies when it stands for his rule: "the Assad regime", "Assad's forces", "the Putin
# government", "Maduro loyalists". "family", "era", "years" are left out: "the Assad family" is also his father.
_REGIME_NOUN = re.compile(
    r"(?:['’]s)?[ \t]+(?:regime|government|administration|forces|troops|army|militias?|loyalists|camp|cabinet|"
    r"security forces|government forces|regime forces)\b"
)
_HEAD_KINDS = frozenset({"head_of_state", "head_of_government"})
# Words no name ends with (function words, auxiliaries, "says"): "Pro-Assad Areas Are ..." is no "Areas Are".
_NOT_A_NAME_END = frozenset(
    "a an the and or but nor of to in on at for with by from as into than that this these those who which is are was "
    "were be been being has have had do does did will would can could may might must shall should says said say".split()
)
_HEADLINE_WORD = re.compile(r"[^\W\d_]{4,}")


def bare_surname(word: str) -> str:
    """A family name as news writes it alone: "al-Assad" -> "Assad"."""
    return _ARABIC_ARTICLE.sub("", word)


def surname_key(word: str) -> str:
    """A family name folded and without the Arabic article: "al-Assad" and "Assad" are one key."""
    return fold(bare_surname(word))


def side_prefix(surface: str) -> int:
    """The length of a leading "pro-" or "anti-" before a capitalised name ("pro-Assad": 4), else 0."""
    m = _SIDE.match(surface)
    return m.end() if m else 0


def side_rest_is_a_name(rest: str, *, text: str, field: str) -> bool:
    """What is left of a span once the surname of a side is cut out ("pro-Assad Syrian Army" -> "Syrian Army") is kept
    only if it still reads as a name: not on a headline in title case ("Pro-Assad Areas Are Attacked in Syria", where
    capitals say nothing), not ending in a function word or verb ("Areas Are"), and not one ordinary English word
    ("anti-Assad Observatory"; "anti-Assad Syrian" keeps "Syrian")."""
    words = rest.split()
    if not words or words[-1].casefold() in _NOT_A_NAME_END:
        return False
    if len(words) == 1 and is_english_word(words[0]):
        return False
    return not (field == "title" and _title_cased(text))


def _title_cased(title: str) -> bool:
    """A headline whose every longer word is capitalised, as many English outlets write them."""
    words = _HEADLINE_WORD.findall(title)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def qualifies_a_regime(text: str, start: int, end: int) -> bool:
    """The name at text[start:end] qualifies a ruler's regime, government or forces, or is a side's ("pro-Assad")."""
    return _REGIME_NOUN.match(text, end) is not None or _SIDE_BEFORE.search(text, max(0, start - 6), start) is not None


@lru_cache(maxsize=4)
def _people_by_surname(gazetteer: Gazetteer) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for entry in gazetteer:
        words = entry.name.split()
        if entry.type == "PERSON" and len(words) >= 2:
            found.setdefault(surname_key(words[-1]), set()).add(entry.id)
    return {key: frozenset(ids) for key, ids in found.items()}


def leader_named_by(gazetteer: Gazetteer, word: str) -> GazetteerEntry | None:
    """The one person of the gazetteer with this family name, if he is or was a head of state or government."""
    ids = _people_by_surname(gazetteer).get(surname_key(word), frozenset())
    entry = gazetteer.get(next(iter(ids))) if len(ids) == 1 else None
    return entry if entry is not None and any(role.kind in _HEAD_KINDS for role in entry.roles) else None


def one_person(names: Collection[str]) -> str | None:
    """The name of the one person several spellings give, each the end of the longest: "Lopez Obrador" and
    "Andres Manuel Lopez Obrador", "Kanye West" and "Rapper Kanye West" (a word before a name is no given
    name: "Kanye West" is the name); None for two people ("Joe Biden", "Hunter Biden")."""
    words = {name: fold(name).split() for name in names}
    longest = max(words.values(), key=len)
    if any(longest[len(longest) - len(w) :] != w for w in words.values()):
        return None
    proper = [name for name in names if not is_english_word(name.split()[0])]
    return max(proper or names, key=lambda name: (len(name.split()), len(name)))


def same_given_name(known: str, name: str) -> bool:
    """Two full names of one surname that open with the same given name are one person: "Bashar Hafez al Assad" is
    "Bashar al-Assad"; "Hafez al-Assad", his father, is not."""
    return fold(known.split()[0]) == fold(name.split()[0])
