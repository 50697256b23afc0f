"""Whether a gazetteer match is a name in the language the article is written in.

The gazetteer's aliases come from many languages at once, so an alias can be an ordinary word in
the article's own language: German "dabei" ("with it") is a GeoNames spelling of Dubai, Arabic
"المدينة" is "the city" as well as Medina, "内华达州" (Nevada) contains "达州" (Dazhou). These rules use
the language's own data, so they hold for documents nobody tuned them on:

- Latin script: German, French, Spanish... capitalise names as English does, so a match written
  without a capital letter in an article of such a language is a word, not a name (the same rule
  Cyrillic and Greek already follow in every article; English keeps its own cased aliases).
- Chinese: a match must start on a word boundary of jieba's segmentation (the segmenter wordfreq
  uses for Chinese), and end on one or where another word of two characters or more begins:
  Nevada's "内华达州" is one word, so no Dazhou is inside it; "英国首相" is the UK's prime minister.
- Arabic: a name that carries the article ال is written with it; the same letters without it
  ("هند", "عراق") are another word, as an alias with ال whose bare form is a very common noun
  ("المدينة": المدينة is "the city") is. wordfreq's Arabic list tells which forms are common. An alias
  spelled with ه where the entity also has the ة spelling ("جده" beside "جدة") is "his grandfather".
- A clock time's zone names a place without the story being about it: "北京时间" (Beijing time),
  "بالتوقيت الصيفي لبريطانيا" (British Summer Time), as English writes "BST" or "Beijing time".
- A capital at a sentence start says nothing: "Dabei geht es um..." is the word, being far more common in
  German than Dubai is in English. A place spelt as in English before an English surname is a first name
  ("Jordan Henderson" in a German copy, where no NER marks people).
- German, Dutch and the Scandinavian languages write the genitive with a glued -s ("Mexikos
  Präsident", "Chinas"): such a word is the name.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Collection
from functools import lru_cache

from services.tagger.scripts import arabic_normal, is_han

__all__ = ["OTHER_MEANING_SPREAD", "is_common_word", "is_name_here", "is_given_name", "genitive_end", "warm_up", "zipf"]

log = logging.getLogger("wirewatch.tagger")

# Languages that glue a genitive -s to a name ("Mexikos", "Chinas", "Sveriges").
_GENITIVE_S = frozenset({"de", "nl", "sv", "da", "nb", "nn", "no", "is", "lb", "af", "fy"})
_ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))
# A very common word (about one in 100,000 words or more): not a name standing alone.
_COMMON_ZIPF = 5.0
# An Arabic word that is about as common bare as with the article "ال" is a noun, not a name: a name takes the
# article always (الخرطوم) or never (قطر). "سيول" is "floods" (السيول, "the floods") before it is Seoul.
_ARABIC_NOUN_ZIPF = 3.5
_ARABIC_NOUN_SPREAD = 0.5
# A name the gazetteer knows with the article, met without it, is another word when that is a word of its own:
# "موصل" ("a connector", not Mosul), "رياض" ("gardens"); but "ناتو" (NATO, written both ways) is no other word.
_ARABIC_WORD_ZIPF = 3.0
# A sentence-initial word this much more common in the language than the entity's name is in English has another
# meaning ("dabei" 5.8 in German, "dubai" 4.1 in English; "türkiye" 6.1 in Turkish, "turkey" 4.6 in English).
OTHER_MEANING_SPREAD = 1.6
# A word at least this common in the language (about ten in a million words) is one of its words, not a rare name.
_WORD_ZIPF = 4.0
_SENTENCE_END = ".!?:;…"
_OPENING = " \t\"'“„«‹([¿¡"
# A capitalised word after a place spelt as in English is a surname when it is rarer than this in the language and
# about as much at home in English ("Henderson", "Hammel"), unlike the language's own nouns ("Proteste", "Mitte").
_SURNAME_ZIPF = 4.5
_ENGLISH_NAME_SPREAD = 1.0
_NEXT_NAME = re.compile(r" ([^\W\d_][^\W\d_'’-]+)(?![\w'’-])")
_JIEBA_WINDOW = 12
# "time" after a place (Chinese) or before it within two words (Arabic, "بتوقيت مكة", "بالتوقيت الصيفي لبريطانيا").
_CHINESE_CLOCK = ("时间", "夏令时", "标准时", "時間")
_ARABIC_CLOCK = "توقيت"


def _is_latin_letter(c: str) -> bool:
    return c.isalpha() and c.isascii() or "\u00c0" <= c <= "\u024f"


def _lowercase_is_word(language: str | None, surface: str) -> bool:
    if language in (None, "und"):
        return False
    letters = [c for c in surface if c.isalpha()]
    lowercase = bool(letters) and all(_is_latin_letter(c) for c in letters) and not any(c.isupper() for c in letters)
    if language == "en":
        # The gazetteer's cased aliases keep "Turkey" from "turkey", but the GeoNames spellings are not screened
        # ("Hang", a name of Hangzhou, in "ordered to hang"): a single lower-case word English writes in lower case
        # (SCOWL) is that word. "kyiv" is no English word, and a phrase ("security council") may still be a name.
        from services.normalize.casing import english_case

        return lowercase and " " not in surface.strip() and english_case().ordinary(surface)
    return lowercase


@lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    try:
        return get_frequency_dict(language, "small")  # every word of zipf >= 3; only >= _COMMON_ZIPF is asked
    except LookupError:
        return {}


def zipf(word: str, language: str) -> float:
    from math import log10

    frequency = _frequencies(language).get(word, 0.0)
    return log10(frequency) + 9 if frequency > 0 else 0.0


def is_common_word(language: str, word: str) -> bool:
    """Whether ``word`` (capitalised or in lower case) is a common word of ``language`` rather than a name: common there
    (Zipf >= 4) and far more common than in English, where names are as common as anywhere ("según", "samedi", "cita",
    "gana" are; "trump", "lee", "madrid" are not). What a capital at a sentence's start does not make a name."""
    if not (word.isalpha() and word[1:].islower()):
        return False
    common = zipf(word.lower(), language)
    return common >= _WORD_ZIPF and common - zipf(word.lower(), "en") >= OTHER_MEANING_SPREAD


def _arabic_common(surface: str, aliases: Callable[[], set[str]]) -> bool:
    if not surface or any(c not in _ARABIC_LETTERS for c in surface):
        return False
    if surface.startswith("ال"):
        bare = surface[2:]
        return len(bare) >= 2 and zipf(bare, "ar") >= _COMMON_ZIPF
    definite, bare = zipf("ال" + surface, "ar"), zipf(surface, "ar")
    if bare >= _ARABIC_WORD_ZIPF and "ال" + arabic_normal(surface) in aliases():
        return True  # the name takes the article ("الخرطوم"); without it the word is another ("خرطوم", "a hose")
    if definite >= _COMMON_ZIPF:
        return True
    if definite >= _ARABIC_NOUN_ZIPF and abs(definite - bare) <= _ARABIC_NOUN_SPREAD:
        return True
    return surface.endswith("ه") and arabic_normal(surface[:-1]) + "ة" in aliases()


_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba's tokenizer with its own dictionary, loaded once (about a second, on the first Chinese match)."""
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _jieba = tokenizer
        return _jieba


def _chinese_boundaries_ok(text: str, start: int, end: int) -> bool:
    """Whether jieba's segmentation of the text around the match starts a word at ``start`` and ends one at
    ``end``, or the word it ends inside is the name and another word ("英国首相": UK + prime minister)."""
    tokenizer = _segmenter()
    left, right = max(0, start - _JIEBA_WINDOW), min(len(text), end + _JIEBA_WINDOW)
    position, starts_word = left, False
    for token in tokenizer.cut(text[left:right], HMM=True):
        token_end = position + len(token)
        if position == start:
            starts_word = True
        if starts_word and position < end <= token_end:
            rest = text[end:token_end]
            return not rest or (len(rest) >= 2 and tokenizer.FREQ.get(rest, 0) > 0)
        position = token_end
    return False


def warm_up() -> None:
    """Load jieba's dictionary and the Arabic word list now (a few seconds on a busy machine) rather than on the
    first Chinese or Arabic article, which would hold the tagger's loop meanwhile. Once per process."""
    _segmenter()
    _frequencies("ar")


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENING)
    return not before.strip() or before.endswith("\n") or before.rstrip()[-1] in _SENTENCE_END


def _capitalised_word(language: str | None, text: str, start: int, end: int, english_name: str | None) -> bool:
    """A match capitalised only because it starts a sentence: German "Dabei geht es um..." ("with it"), a
    GeoNames spelling of Dubai. The word is far more common in the language than the entity is in English,
    so what makes it common is its other meaning ("Deutschland", "Paris", "Türkiye" stay names)."""
    surface = text[start:end]
    if language in (None, "en", "und") or english_name is None or not _starts_sentence(text, start):
        return False
    if not (surface.isalpha() and all(_is_latin_letter(c) for c in surface) and surface[1:].islower()):
        return False
    word, name = surface.lower(), english_name.lower()
    if word in name.split():
        return False  # the name itself, or a surname ("Erdoğan")
    common = zipf(word, language)
    return common >= _COMMON_ZIPF and common - zipf(name, "en") >= OTHER_MEANING_SPREAD


def is_given_name(language: str, text: str, start: int, end: int, english_name: str, starts: Collection[int]) -> bool:
    """Whether a place spelt as its English name in an article in another language is a person's first name:
    "Jordan Henderson", "Paris Hilton" and "Chad Smith" in a German copy, where no NER marks the person. The
    place is spelt as in English (German writes "Jordanien", Turkish "İsrail"), and the next word is capitalised,
    starts no other match, is not a common word of the language and is as much at home in English (a surname)."""
    if language in ("en", "und") or text[start:end] != english_name or not english_name.isalpha():
        return False
    following = _NEXT_NAME.match(text, end)
    if following is None or following.start(1) in starts or not following.group(1)[0].isupper() or not _is_latin_letter(following.group(1)[0]):
        return False
    word = following.group(1).lower()
    here = zipf(word, language)
    return here < _SURNAME_ZIPF and zipf(word, "en") >= here - _ENGLISH_NAME_SPREAD


def is_name_here(language: str | None, text: str, start: int, end: int, aliases: Callable[[], set[str]], english_name: str | None = None) -> bool:
    """Whether ``text[start:end]``, a gazetteer match, reads as the name in an article in ``language``.

    ``aliases`` gives the matched entity's folded aliases (only asked for when needed); ``english_name`` is its
    canonical name, when the match names one entity.
    """
    surface = text[start:end]
    if _lowercase_is_word(language, surface) or _capitalised_word(language, text, start, end, english_name):
        return False
    if language == "ar" and (_arabic_common(surface, aliases) or _ARABIC_CLOCK in " ".join(text[:start].split()[-3:])):
        return False
    if language == "zh" and text.startswith(_CHINESE_CLOCK, end):
        return False
    if language == "zh" and is_han(text[start]) and not _chinese_boundaries_ok(text, start, end):
        return False
    return True


def genitive_end(language: str | None, text: str, start: int, end: int) -> int | None:
    """The end of "Mexikos" for a match "Mexiko" in a German article (a name with a glued genitive -s); else None."""
    if language not in _GENITIVE_S or end >= len(text) or text[end] != "s" or text[end - 1] in "sßxzSXZ" or end - start < 4:
        return None
    if not text[start].isupper() or (end + 1 < len(text) and (text[end + 1].isalnum() or text[end + 1] in "-'’")):
        return None
    return end + 1
