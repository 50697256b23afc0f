"""A sentence's opening word that the NER of another language takes for a name, or into one.

The small Spanish and French pipelines read a capital as a name, and every sentence opens with one: they tag
"Ayer", "Además", "Samedi" alone, and glue the word onto the name after it ("Según el Kremlin", "Después Agüero").
Such a word is capitalised only because it opens the sentence: it stands at a sentence's start, and it is a word of
the language, not a name. wordfreq says so: the word (case-folded) is common in the language (Zipf >= 4) and far more
common there than in English, where names are as common as anywhere ("trump", "lee", "madrid" are not; "según",
"samedi", "señaló" are). The English test is the one ``languages`` applies to a gazetteer match at a sentence's start.

- A mention that is only such a word is dropped, unless the gazetteer knows it (Spanish "Grecia", "Atenas").
- A longer mention loses the word only where the language's model tags it a word that opens no name: a preposition,
  an adverb, a conjunction, a pronoun, an auxiliary, a numeral, a determiner other than a definite article. Names
  open with nouns and adjectives that are common words as well ("Casa Blanca", "Nueva York", "Banco Santander",
  "Reino Unido"), and with the article ("La Paz", "El Salvador", "Los Angeles"; "el Kremlin" after "Según" is left
  to demonyms.py, which names a state body after an article as the bare name).
- A one-word mention written in lower case that is such a word is no name either, wherever it stands ("habían", "qu"
  before an apostrophe the model did not split off): the language capitalises names. Longer ones are left alone:
  news writes some names so ("l'union européenne", "el partido laborista").
- A person's mention is cut before a preposition standing in lower case between capitalised words: the model glues a
  person onto the club or place after him ("Dolly Menga para el Livingston" is "Dolly Menga"). The particles of names
  ("Pedro Sánchez de la Vega", "María de los Ángeles", "Ludwig van Beethoven") are prepositions too, and are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from services.runtime.sentences import mid_sentence
from services.tagger.demonyms import ARTICLES
from services.tagger.languages import OTHER_MEANING_SPREAD, zipf
from services.tagger.linking import clean_mention
from services.tagger.mentions import LINKABLE_TYPES, Mention

__all__ = ["trim_opening_words"]

# A word at least this common in the language (about ten in a million words) is one of its words, not a rare name.
_WORD_ZIPF = 4.0
# Universal POS tags of words that open no name. A definite article does (see the module's docstring).
_OPENS_NO_NAME = frozenset({"ADP", "ADV", "AUX", "CCONJ", "SCONJ", "PRON", "NUM", "INTJ", "PART", "DET"})
# The definite articles of each language a name may open with; English "the" is cut off every span already.
_DEFINITE = {language: frozenset(words.split()) for language, words in ARTICLES.items() if language != "en"}
# Prepositions (and contractions of one with an article) that stand inside names: "de la Vega", "da Silva", "van Gogh".
_NAME_PARTICLES = frozenset("de del da do dos das di dei della delle degli dal dalla du des d van von vom zu zum zur "
                            "der den ter ten te al bin ibn ben y e i".split())


def _is_word_of(language: str, word: str) -> bool:
    """Whether ``word`` (capitalised or in lower case) is a common word of ``language`` rather than a name."""
    if not (word.isalpha() and word[1:].islower()):
        return False
    common = zipf(word.lower(), language)
    return common >= _WORD_ZIPF and common - zipf(word.lower(), "en") >= OTHER_MEANING_SPREAD


def _first_word_end(text: str, start: int, end: int) -> int:
    i = start
    while i < end and not text[i].isspace():
        i += 1
    return i


def _before_glued_preposition(text: str, start: int, end: int, pos: Callable[[int], str | None]) -> int:
    """Where a person's mention ends that goes on past a preposition in lower case to a capitalised word: before it
    ("Dolly Menga| para el Livingston"). Name particles ("de", "van") and the rest are left alone: ``end`` as it was."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[:end]) if m.start() >= start]
    for i in range(1, len(words) - 1):
        word = text[words[i][0]:words[i][1]]
        if (word.isalpha() and word.islower() and word not in _NAME_PARTICLES and text[words[i - 1][0]].isupper()
                and any(text[w_start].isupper() for w_start, _ in words[i + 1:]) and pos(words[i][0]) == "ADP"):
            return words[i - 1][1]
    return end


def trim_opening_words(
    language: str | None,
    text: str,
    mentions: Sequence[Mention],
    known: Callable[[str], bool],
    pos: Callable[[int], str | None],
) -> list[Mention]:
    """``mentions`` (NER's, in ``text`` written in ``language``) without a sentence's opening word that is a word of the
    language, and without those that are only such a word, or one in lower case; a person's mention ends before a
    preposition NER glued onto it. ``known``: whether the gazetteer
    knows a name; ``pos``: the universal POS tag of the token at a character offset (asked only for a longer mention
    opening with such a word, or going on past a lower-case word). Other languages' mentions, and other labels' (dates,
    money), are returned as they are."""
    if language not in _DEFINITE:
        return list(mentions)
    kept = []
    for mention in mentions:
        # Read as linking will read it: "qu’" is "qu", a quotation mark before a word is no part of it.
        cleaned = clean_mention(text, mention) if mention.label in LINKABLE_TYPES else None
        start, end = (cleaned.start, cleaned.end) if cleaned is not None else (mention.start, mention.end)
        if cleaned is not None:
            word_end = _first_word_end(text, start, end)
            if text[start].isupper() and not mid_sentence(text, start) and _is_word_of(language, text[start:word_end]):
                if word_end == end:
                    if not known(text[start:end]):
                        continue  # "Ayer", "Samedi", "Señaló"
                elif pos(start) in _OPENS_NO_NAME and text[start:word_end].lower() not in _DEFINITE[language]:
                    start = word_end + len(text[word_end:end]) - len(text[word_end:end].lstrip())
            if text[start:end].islower() and _is_word_of(language, text[start:end]):
                continue  # "habían", "qu" (of "qu’il", an apostrophe the model did not split off), "Nadie podía"
        if cleaned is not None and mention.label == "PERSON":
            end = _before_glued_preposition(text, start, end, pos)
        kept.append(mention if cleaned is None or (start, end) == (cleaned.start, cleaned.end) else Mention(start, end, mention.label))
    return kept
