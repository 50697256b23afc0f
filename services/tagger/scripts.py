"""Where a name ends in scripts that do not put spaces or case endings where English does.

The gazetteer matches aliases on word boundaries. That fails in three common cases:
- Chinese, Japanese, Thai, Lao, Khmer and Burmese write no spaces between words
  ("北约峰会": NATO summit), and Korean glues particles to names ("푸틴은"): a name
  there is bounded by the script, not by a non-letter.
- Arabic writes the conjunctions و and ف and the prepositions ب, ل and ك as prefixes
  ("وبوتين", "بالناتو"), and ل + ال as لل ("للناتو").
- Russian, Ukrainian and other Cyrillic-script languages inflect names ("Путина",
  "Зеленского", "Кремле"): a name's stem is followed by a case ending. Foreign names ending in a
  vowel other than а/я ("Мехико", "Палау", "Токио", "Сочи") do not decline, so they get no stem
  (or "Мексики", Mexico's genitive, would also be Mexico City's), and what follows a stem must be
  a case ending, not any letters ("Гвинет" is Gwyneth, not Guinea).
And the reverse: Cyrillic and Greek capitalise names as English does, so a match written
all in lower case there is an ordinary word ("того" is "of that", not Togo; "само" is not Samoa).
"""

from __future__ import annotations

import re

__all__ = ["unbounded", "arabic_prefix_ok", "arabic_variants", "cyrillic_stem", "inflected_end", "lowercase_in_cased_script"]

_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Clitics written as part of the next word: and, so, with/by, for/to, like; and their pairs.
_ARABIC_PREFIXES = frozenset({"و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك"})
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+$")
_CYRILLIC_ENDING = re.compile(r"(?:ий|ый|ой|ая|яя|ое|ее|ие|ые|ь|й|а|я|о|е|ы|и|у|ю|і|ї|є)$")
# A one-word foreign name ending in one of these vowels is indeclinable in Russian and Ukrainian.
_INDECLINABLE = "оеэиуюі"
# Noun and adjective case endings of Russian, Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian names
# (what follows a stem; the empty ending is the stem itself, a name ending in a consonant).
_CASE_ENDINGS = frozenset(
    """
    а я у ю е и ы о і ї є й ь
    ой ей ёй ом ем ём ою ею ам ям ах ях ов ев ёв ью ии ию ия ие ий ый ая яя ое ее ые ую юю ым им ых их
    ові еві ої ій ом ами ями ого его ому ему ыми ими ой
    """.split()
)


def unbounded(c: str) -> bool:
    """Whether ``c`` belongs to a script whose words are not separated by spaces (or take glued particles)."""
    return bool(_UNSPACED.match(c))


def arabic_prefix_ok(text: str, start: int, is_word_char) -> bool:
    """Whether the letters glued before ``text[start]`` are Arabic clitic prefixes (و ب ل ك ف and pairs)."""
    if not _ARABIC.match(text[start]):
        return False
    begin = start
    while begin > 0 and is_word_char(text[begin - 1]) and start - begin < 2:
        begin -= 1
    if begin > 0 and is_word_char(text[begin - 1]):
        return False
    return text[begin:start] in _ARABIC_PREFIXES


def arabic_variants(alias: str) -> list[str]:
    """An Arabic alias with the article ال also as it follows ل (لل): "الناتو" is also found in "للناتو"."""
    if alias.startswith("ال") and len(alias) > 3:
        return ["ل" + alias[2:]]
    return []


def cyrillic_stem(key: str) -> str | None:
    """A folded Cyrillic alias without its case ending ("зеленский" -> "зеленск"), when its last word keeps
    at least four letters; None for other aliases."""
    if not _CYRILLIC_WORD.search(key) or (" " not in key and key[-1] in _INDECLINABLE):
        return None
    stem = _CYRILLIC_ENDING.sub("", key)
    last = stem.rsplit(" ", 1)[-1]
    return stem if len(last) >= 4 else None


def inflected_end(text: str, end: int, is_word_char) -> int | None:
    """The end of the word a Cyrillic stem ending at ``end`` belongs to, if the rest is a short Cyrillic ending."""
    stop = end
    while stop < len(text) and is_word_char(text[stop]):
        stop += 1
    ending = text[end:stop].lower()
    if ending and ending not in _CASE_ENDINGS:
        return None
    return stop


_CASED_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")


def lowercase_in_cased_script(text: str) -> bool:
    """A Cyrillic or Greek mention with no capital letter: a common word, not a name."""
    return bool(_CASED_NON_LATIN.match(text)) and not any(c.isupper() for c in text)
