"""A lower-cased name that no English word list knows, restored from where it stands (issue 15).

The article gives no evidence for it (written once, and lower-cased there), but the word itself is evidence:
it is in none of the English lists (SCOWL, which lists each word as English writes it, and the lemma tables),
it is no English word form the lists lack (an inflection, "discounters"; a compound, "airstrikes"), and it
stands where names stand: beside a capitalised word that is no proper adjective ("Prime Minister Zoran zaev",
"ruaridh Knott", "Still Game star Ford kieran"; not "Russian provocateurs"), or after a preposition of place and before the end of a clause
("in encinitas.", "in sinsheim, Germany"). Clean English rarely has such a word there: the rule leaves
the 40 NTREX English documents byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.normalize.casing import EnglishCase
from services.normalize.lexicon import Lexicon
from services.normalize.text import DEMONYM_ENDINGS, mid_sentence, title_case

__all__ = ["english_form", "unknown_name"]

_CONNECTORS = frozenset("the and for with from into over under about after before near".split())
_PLACE_PREPOSITIONS = frozenset("in at near from".split())
# "the city of palu,": a place noun and "of" before a place's name.
_PLACE_NOUNS = frozenset("city town village province state region district county island port capital municipality".split())
_BEFORE_A_PLACE = frozenset({("as", "such")} | {("of", noun) for noun in _PLACE_NOUNS})
# Endings English adds to a word the lists have (the stem must be known): "discounters", "occupier".
_SUFFIXES = (("s", ""), ("ed", ""), ("d", ""), ("ing", ""), ("ly", ""), ("er", ""), ("ers", ""),
             ("ier", "y"), ("iers", "y"), ("ies", "y"), ("ics", "ic"))
_ES_STEM = ("s", "x", "z", "ch", "sh")


def english_form(token: str, lexicon: Lexicon) -> bool:
    """An English word form the lists lack: an inflection ("discounters", "taxes") or a compound of two common
    words ("airstrikes", "warplane")."""
    for suffix, add in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4 and lexicon.zipf(token[: -len(suffix)] + add) >= 1.0:
            return True
    if token.endswith("es") and token[:-2].endswith(_ES_STEM) and lexicon.zipf(token[:-2]) >= 1.0:
        return True
    return any(lexicon.zipf(token[:k]) >= 3.5 and lexicon.zipf(token[k:]) >= 3.5 for k in range(3, len(token) - 2))


def _unknown(token: str, case: EnglishCase, lexicon: Lexicon) -> bool:
    return (len(token) >= 4 and case.name(token) is None and not case.ordinary(token)
            and not lexicon.is_common_lowercase(token) and not english_form(token, lexicon))


def _name_word(word: str, case: EnglishCase) -> bool:
    """A capitalised word that is no proper adjective ("Russian"): a name, or a word written as part of one ("Ford")."""
    if not title_case(word):
        return False
    return not (word.endswith(DEMONYM_ENDINGS) and case.name(word) is not None)


def unknown_name(text: str, tokens: list[re.Match[str]], i: int, case: EnglishCase, lexicon: Lexicon,
                 is_verb: Callable[[str], bool]) -> str | None:
    """The capitalised form of ``tokens[i]`` when it is an unknown word standing where a name stands, else None."""
    m = tokens[i]
    token = m.group(0)
    if token in _CONNECTORS or is_verb(token) or not _unknown(token, case, lexicon):
        return None
    if text[m.start() - 1 : m.start()] in ("-", "'", "’") or text[m.end() : m.end() + 1] in ("-", "'", "’"):
        return None  # part of a hyphenated word or a contraction ("doesn't")
    if re.match(r" (?:de|del|des|di|da|du|do|la|le)\b", text[m.end() : m.end() + 5]):
        return None  # inside a foreign name that writes its own lower case: "Université libre de Bruxelles"
    cap = token[0].upper() + token[1:]
    clause_end = re.match(r"[,.;]", text[m.end() : m.end() + 1]) is not None
    if i > 0 and text[tokens[i - 1].end() : m.start()] == " ":
        left = tokens[i - 1]
        word = left.group(0)
        if _name_word(word, case) and mid_sentence(text, left.start()):
            return cap  # "Zoran zaev", "Sutopo purwo Nugroho"
        if word in _PLACE_PREPOSITIONS and clause_end:
            return cap  # "in encinitas.", "in sinsheim, Germany"
        if clause_end and i > 1 and (word, tokens[i - 2].group(0).lower()) in _BEFORE_A_PLACE:
            return cap  # "such as xochimilco.", "the city of palu,"
    if i > 0 and text[tokens[i - 1].end() : m.start()] == ", " and _name_word(tokens[i - 1].group(0), case):
        if re.match(r"(?:, | and | or )[A-Z][a-z]", text[m.end() : m.end() + 7]):
            return cap  # one of a list of names: "Revlon, Essie, tweezerman and Dr. PawPaw"
    if i + 1 < len(tokens) and text[m.end() : tokens[i + 1].start()] == " " and _name_word(tokens[i + 1].group(0), case):
        return cap  # "ruaridh Knott", "gjorge Ivanov"
    if re.match(r" [A-Z]\. [A-Z][a-z]", text[m.end() : m.end() + 6]):
        return cap  # before a middle initial and a name: "dionisio A. Lind"
    return None
