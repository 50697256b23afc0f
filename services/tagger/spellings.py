"""British and American spellings of one word ("defence" and "defense", "organisation" and "organization"), folded
to one form: for copy detection (``fold``: every word of two texts alike, near_duplicates) and for the keys of
unlinked names (``key_word``: only words English writes both ways, so that no two names meet).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SPELLINGS", "fold", "key_word", "key_words"]

# A doubled letter written once: travelled/traveled, worshipping, councillor, programme. Also "dinner" and "diner",
# "booth" and "both", "Scott" and "Scot": left out of keys.
_DOUBLED = (re.compile(r"([^\W\d_])\1"), r"\1")
SPELLINGS = (
    _DOUBLED,
    (re.compile(r"(?<=\w\w)is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),  # organise, criticised, normalisation
    (re.compile(r"(?<=\w\w)ys(e|ed|es|ing)$"), r"yz\1"),  # analyse, paralysed
    (re.compile(r"(?<=\w)our"), "or"),  # neighbour, labour, favourite
    (re.compile(r"(?<=\w\w)tre(s|d)?$"), r"ter\1"),  # centre, metres, theatre
    (re.compile(r"(?<=\w\w)ence$"), "ense"),  # defence, offence, licence
    (re.compile(r"(?<=\w\w)ogue(s)?$"), r"og\1"),  # catalogue, dialogue
)
# Letters a key's word keeps before a spelling it folds: "labour", "colour", "odour" fold; "four", "tour", "mourning"
# and "fourth" (one letter before "our") would meet "for", "tor", "morning" and "forth".
_KEY_STEM = 2
# Words whose two spellings name different bodies: Britain's Labour party is not Australia's or Israel's Labor party,
# and news names both unqualified ("Labour said", "Labor won"), so a key keeps them apart.
_KEY_KEPT = frozenset({"labour", "labor"})


def fold(word: str) -> str:
    """``word`` (casefolded) with every spelling of the table folded: as both texts of a possible copy are read."""
    for pattern, replacement in SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _stem_kept(match: re.Match[str]) -> str:
    return match.expand(_replacement[match.re]) if match.start() >= _KEY_STEM else match.group()


_replacement = {pattern: replacement for pattern, replacement in SPELLINGS}


@lru_cache(maxsize=1 << 16)
def key_word(word: str) -> str:
    """A casefolded word of a name as its key writes it: its British spelling folded ("defence" -> "defense",
    "organisation" -> "organization", "centre" -> "center") where English writes both words in lower case (SCOWL, the union of
    the British and American lists: ``services.normalize.casing``); a name's own words are left as they are ("Scott",
    "Phillips", "Florence": written capitalised only), as is a word whose fold is no English word ("court" -> "cort").
    Doubled letters are not folded: "dinner" and "diner" are two words."""
    if word in _KEY_KEPT:
        return word
    folded = word
    for pattern, _ in SPELLINGS[1:]:
        folded = pattern.sub(_stem_kept, folded)
    if folded == word:
        return word
    from services.tagger.name_evidence import is_english_word

    return folded if is_english_word(word) and is_english_word(folded) else word


def key_words(text: str) -> str:
    """``text``'s space-separated words each as :func:`key_word` writes it."""
    return " ".join(key_word(w) for w in text.split(" "))
