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
Where a script marks its own word boundaries, a name keeps to them: a katakana name is a whole katakana
word ("スタイル", style, holds no タイ, Thailand), and a Korean name starts a word and, when short, is
followed only by particles in it ("평양에서", but not "태평양", the Pacific). Arabic is matched without
hamza on alef, tatweel or short-vowel marks ("المانيا" is "ألمانيا").
And the reverse: Cyrillic and Greek capitalise names as English does, so a match written
all in lower case there is an ordinary word ("того" is "of that", not Togo; "само" is not Samoa).
"""

from __future__ import annotations

import re

__all__ = [
    "ARABIC_LETTER_FORMS",
    "ARABIC_MARKS",
    "arabic_normal",
    "unbounded",
    "arabic_prefix_ok",
    "arabic_variants",
    "cyrillic_stem",
    "hangul_bounded",
    "inflected_end",
    "is_han",
    "katakana_bounded",
    "lowercase_in_cased_script",
]

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


def is_han(c: str) -> bool:
    """A Chinese character (hanzi, kanji, hanja)."""
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"


def unbounded(c: str) -> bool:
    """Whether ``c`` belongs to a script whose words are not separated by spaces (or take glued particles)."""
    return bool(_UNSPACED.match(c))


# Arabic orthographic normalisation, as Arabic search engines do it: hamza-carrying and wasla alefs are written
# as bare alef in much news text ("ايران", "المانيا"); tatweel and the short-vowel marks are left out of matching
# altogether. Ta marbuta stays ("جده" is "his grandfather"), and final ya is matched as alef maqsura through a
# variant of the alias (arabic_variants), since Uyghur writes ى inside words as a letter of its own ("رىم", Rome).
ARABIC_LETTER_FORMS = {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627"}
_FINAL_YA = re.compile(r"\u064a(?= |$)")
_FINAL_MAQSURA = re.compile(r"\u0649(?= |$)")
ARABIC_MARKS = frozenset(chr(c) for c in (0x0640, *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9), *range(0x06EA, 0x06EE)))


def arabic_normal(text: str) -> str:
    """``text`` with Arabic alef and ya variants unified and marks dropped, as aliases are matched."""
    return "".join(ARABIC_LETTER_FORMS.get(c, c) for c in text if c not in ARABIC_MARKS)


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
    """An Arabic alias with the article ال also as it follows ل (لل): "الناتو" is also found in "للناتو"; and
    with a final ya written as alef maqsura or the other way round, as Egypt and Sudan write it ("دبي", "دبى")."""
    forms = [alias]
    if "\u064a" in alias or "\u0649" in alias:
        forms = list(dict.fromkeys([alias, _FINAL_YA.sub("\u0649", alias), _FINAL_MAQSURA.sub("\u064a", alias)]))
    variants = forms[1:]
    for form in forms:
        if form.startswith("ال") and len(form) > 3:
            variants.append("ل" + form[2:])
    return variants


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


# Katakana letters and the long-vowel mark (full and half width); the middle dot ・ separates words.
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Korean particles (josa) and the few bound nouns glued to a place name ("평양시", "서울발"): what may follow a
# name inside its word. Longer particles are combinations of these ("에서는", "으로도").
_JOSA = frozenset(
    """
    이 가 은 는 을 를 의 에 에서 로 으로 와 과 도 만 까지 부터 에게 께 한테 처럼 보다 마저 조차 라도 이라도 나 이나
    랑 이랑 하고 이며 며 이고 고 이다 다 이란 란 라는 이라는 라고 이라고 요 이요 께서 에게서 로서 으로서 로써 으로써
    에다 에로 와의 과의 에의 로의 으로의 에서의 까지의 부터의 만의 여 이여 아 야 측 시 발 행 산 인 간 내 외 전 후
    """.split()
)
# A name of this many syllables or fewer is a common word's beginning as often as not ("리가", "저지").
_SHORT_HANGUL = 2
_JOSA_TAILS = frozenset({"", "는", "도", "의", "만", "은", "가", "이", "를", "을"})


def katakana_bounded(text: str, start: int, end: int) -> bool:
    """Whether a match starting or ending in katakana is a whole katakana word: "タイ" in "タイの首相" is
    Thailand, in "スタイル" (style) or "タイム" (time) it is part of another word."""
    if _KATAKANA.match(text[start]) and start > 0 and _KATAKANA.match(text[start - 1]):
        return False
    return not (_KATAKANA.match(text[end - 1]) and end < len(text) and _KATAKANA.match(text[end]))


def _is_josa(rest: str) -> bool:
    if rest in _JOSA:
        return True
    # A particle followed by another ("에서는", "까지도", "으로의").
    return any(rest.startswith(josa) and rest[len(josa) :] in _JOSA_TAILS | _JOSA for josa in _JOSA if len(josa) < len(rest))


def hangul_bounded(text: str, start: int, end: int) -> bool:
    """Whether a Hangul match starts a word and, when its last word is short, only particles follow it in
    that word: "평양에서" is Pyongyang, "태평양" (the Pacific), "우리가" ("we") and "저지선" ("cordon") hold no
    Pyongyang, Riga or Jersey; a longer name begins compounds ("북마케도니아공화국")."""
    if _HANGUL.match(text[start]) and start > 0 and _HANGUL.match(text[start - 1]):
        return False
    last_word = text[start:end].rsplit(" ", 1)[-1]
    if not _HANGUL.match(text[end - 1]) or len(last_word) > _SHORT_HANGUL:
        return True
    stop = end
    while stop < len(text) and _HANGUL.match(text[stop]):
        stop += 1
    return stop == end or _is_josa(text[end:stop])
