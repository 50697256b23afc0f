"""Whether a one-word name the gazetteer matched in English text has the evidence to be linked.

Three kinds of one-word match say little by themselves:

- a **word**: the name is also an English word ("Fed", "Apple", "Turkey", "Chad", "Trump") and its
  capital letter is explained by where it stands: at a sentence start ("Fed up with...", "Apple trees
  bloom"), after a dash or a colon, in a headline;
- a **national body's acronym** that bodies elsewhere share (an organisation with a ``country`` in the
  gazetteer): "CSU" is the Bavarian party in an article that names Germany or something in it, and
  Colorado State University in a report of its football game;
- an **acronym it is not**: an all-capital word of at most four letters in mixed-case text that the
  gazetteer only knows in another case ("SANA", Syria's news agency, is not Sanaa, spelt "Sana"; the
  "IRA" is not Iran, spelt "Irã"; "Duke of Norfolk's XI" is not Xi Jinping, spelt "Xi");
- a place's **foreign spelling**: a Latin-script alias other than its English name that English rarely writes
  (wordfreq: a Zipf frequency more than 1 below the English name's), the gazetteer's alternate names being
  many languages' ("Sufa" for Suva: Kibbutz Sufa in Israel; "Beograd"), or any such alias right after a
  capitalised name, where it ends a person's ("Florian Maurice", French for Mauritius). English exonyms
  English news writes as often as the name ("Kiev", "Odessa", "Bombay", "Rangoon", "Arbil") are names, and so is a
  country's rare name, which comes from a table of country names, not a town's list ("Kazakstan", "Deutschland").

Such a match links when the same article names the entity where that evidence is not missing
(mid-sentence, by a longer or unambiguous name: "the Fed", "Federal Reserve"), or, for the acronym
kind, when the NER model labelled the span as that kind of entity or it opens the body as a dateline
("KYIV (Reuters) -"), and for a national body or a place's foreign spelling, when the article names its country, a place in it,
one of its office holders or another of its national bodies.
spaCy's label is no evidence for a word, but for a country's name: it calls "Fed" in "Fed up with" an
organisation, while it calls a capitalised country's name a GPE in all but odd contexts ("China hits back
at US tariffs", a headline with no body).

In a report no one translated that its language's own NER tagged, only the word kind is asked, of the report's
language: a match at a sentence's start that is a common word there (``languages.is_common_word``): Spanish "Cita: ..."
("quotation") is no Chita, "Gana el Madrid" ("wins") no Ghana, unless the article names the place elsewhere, or that
NER labels the span the same kind of entity ("Sevilla ganó", a place): it labels every capital, but a word it tags a
person or leaves alone is no place.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from services.runtime.sentences import mid_sentence
from services.tagger.gazetteer import GazetteerEntry, fold, strip_latin_accents
from services.tagger.languages import is_common_word

__all__ = ["Ambiguity", "ambiguity", "is_dateline", "is_english_word", "label_agrees", "may_lack_evidence"]

_MAX_ACRONYM_LETTERS = 4
# A word followed by one of these is a name: "Trump said", "Apple announced", "Turkey's President".
_NAME_CONTEXT = re.compile(
    r"['’]s\b|\s+(?:said|says|told|tells|added|adds|argued|argues|continued|announced|announces|wrote|writes|tweeted|stated|"
    r"warned|warns|insisted|denied|denies|confirmed|confirms|reported|reports|claimed|claims|declined|agreed|accused)\b"
)
# A dateline: capitals opening the body (or its line after a byline), then the country, the agency or the story.
_DATELINE_AFTER = re.compile(r"(?:,[^\n,]{0,30})?\s*(?:\(|—|–|-|:|\d{4}-\d\d)")
_DATELINE_LINES = 2
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})  # spaCy often calls a city in a dateline NORP
# An alias English writes this much less often than the place's English name (Zipf) is another language's spelling:
# "Sufa" 1.2 (Suva 2.4), "Beograd" 1.9 (Belgrade 3.3); "Arbil" 1.6 (Erbil 2.5), "Kharkov" 2.4 (Kharkiv 2.9) are English.
_FOREIGN_SPREAD = 1.0
_LATIN_NAME = re.compile(r"[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ' -]*")
# A capitalised word right before: "Florian Maurice" (a given name), not "In Kiev" nor "President Putin".
_WORD_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][a-zà-ÿ]+)[ \t]+$")


class Ambiguity(Enum):
    WORD = "word"
    ACRONYM = "acronym"
    NATIONAL = "national"  # a national body's acronym that bodies elsewhere share: "CSU" (Colorado State University)
    FOREIGN = "foreign"  # a place's spelling in another language: "Sufa" (Suva), "Florian Maurice" (Mauritius)


@lru_cache(maxsize=1)
def _english_words():
    from services.normalize.casing import english_case

    return english_case()


def is_english_word(word: str) -> bool:
    """Whether English writes ``word`` in lower case too ("rapper", "fed", "china"; not "kanye", "andres")."""
    return _english_words().ordinary(word)


def _line(text: str, start: int, end: int) -> str:
    return text[text.rfind("\n", 0, start) + 1 : (text.find("\n", end) + 1 or len(text) + 1) - 1]


def is_dateline(field: str, text: str, start: int, end: int) -> bool:
    """"KYIV (Reuters) -", "BEIRUT, Lebanon —", "Adrian Warner\nBERLIN 1996-08-30": where the report was filed."""
    line_start = text.rfind("\n", 0, start) + 1
    lines_before = text.count("\n", 0, line_start)
    return field == "body" and not text[line_start:start].strip() and lines_before < _DATELINE_LINES and bool(_DATELINE_AFTER.match(text, end))


def _known_as_written(entry: GazetteerEntry, surface: str) -> bool:
    """An all-capital alias of the entity that is not just the capitals of another of its names ("XI" of "Xi")."""
    names = (entry.name, *entry.aliases, *entry.cased_aliases)
    if surface == entry.name:
        return True  # "UEFA", though Italian writes "Uefa"
    return surface in names and not any(n != surface and n.upper() == surface for n in names)


@lru_cache(maxsize=4096)
def _english_zipf(name: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(name, "en")


def _foreign_spelling(entry: GazetteerEntry, text: str, start: int, end: int) -> bool:
    """Whether a place is named by another language's spelling, or by an alias that ends a person's name."""
    surface = text[start:end]
    if entry.type not in ("GPE", "LOC") or not _LATIN_NAME.fullmatch(surface) or not surface[:1].isupper():
        return False
    key, name = strip_latin_accents(fold(surface)), strip_latin_accents(fold(entry.name))
    if key == name or key == name.split(", ")[0] or f"the {key}" == name:
        return False
    # A country's names come from translation tables (Natural Earth, CLDR), not from every town's list of alternate names:
    # a rare one is still the country ("Kazakstan", Swedish and 1990s English; "Deutschland").
    if entry.country != entry.id and _english_zipf(surface) < _english_zipf(entry.name.split(", ")[0]) - _FOREIGN_SPREAD:
        return True
    before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
    return before is not None and not is_english_word(before.group(1))


def ambiguity(entry: GazetteerEntry, field: str, text: str, start: int, end: int, *, translated: bool = False,
              language: str | None = None) -> Ambiguity | None:
    """What evidence a match of ``entry`` at ``text[start:end]`` lacks, or None when it is a name as it stands.

    In a machine translation a foreign spelling is the source's, left as it was ("Bruselas", "Pekin"): a name. In a
    ``language`` other than English only a common word of it opening a sentence is asked about."""
    surface = text[start:end]
    if language not in (None, "en"):
        return Ambiguity.WORD if not mid_sentence(text, start) and is_common_word(language, surface) else None
    if not translated and _foreign_spelling(entry, text, start, end):
        return Ambiguity.FOREIGN
    if not surface.isalpha():
        return None  # "U.S.", "al-Qaida", "G7": no English word, no bare capitals
    if surface.isupper():
        if entry.type == "ORG" and entry.country is not None:
            return Ambiguity.NATIONAL
        line = _line(text, start, end)
        if not any(c.islower() for c in line):
            # An all-capital headline or dateline: only a word can be mistaken there ("CHAD", "TURKEY").
            return Ambiguity.WORD if _english_words().ordinary(surface) else None
        if len(surface) <= _MAX_ACRONYM_LETTERS and not _known_as_written(entry, surface) and not is_dateline(field, text, start, end):
            return Ambiguity.ACRONYM
        return None
    if not surface[:1].isupper() or not _english_words().ordinary(surface):
        return None
    if (field == "title" or not mid_sentence(text, start)) and not _NAME_CONTEXT.match(text, end):
        return Ambiguity.WORD
    return None


def may_lack_evidence(entry: GazetteerEntry, surface: str) -> bool:
    """Whether :func:`ambiguity` questions a match of the organisation ``entry`` written ``surface`` in some English
    text: a word English also writes in lower case ("Fed": "Fed up with the photographs"), a national body's acronym bodies
    elsewhere share, an acronym the gazetteer knows only in another case. Such a name links only with the evidence, so
    a mention of it the gazetteer left unlinked lacked it (a place's foreign spelling, told by the words around, is not
    asked here)."""
    if not surface.isalpha():
        return False
    if surface.isupper():
        return ((entry.type == "ORG" and entry.country is not None) or is_english_word(surface)
                or (len(surface) <= _MAX_ACRONYM_LETTERS and not _known_as_written(entry, surface)))
    return surface[:1].isupper() and is_english_word(surface)


def label_agrees(entry: GazetteerEntry, label: str | None) -> bool:
    """Whether an NER label says the same kind of entity as the gazetteer entry."""
    if label is None:
        return False
    if entry.type in ("GPE", "LOC", "FAC"):
        return label in _PLACE_LABELS
    return label == entry.type
