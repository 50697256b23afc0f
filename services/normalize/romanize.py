"""Words the translator left in their own script, written in Latin letters in the English text.

Apertium copies a word it cannot translate as the source writes it: out of Bulgarian (through Macedonian) and
Macedonian that leaves Cyrillic words in the English ("in неделя", "minister Desislava Танева"), which an English
reader cannot read and the gazetteer's English aliases cannot match. Each such word is romanized by its language's
official system (Bulgarian's Streamlined System, Macedonian's), any other script by ``anyascii``; the word stays
marked untranslated, so no English repair edits it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from anyascii import anyascii

from schemas import Change
from services.normalize.changes import Edit, record
from services.normalize.text import mid_sentence

__all__ = ["ROMANIZE_RULE", "romanize", "romanize_untranslated"]

ROMANIZE_RULE = "script:romanized"

_BULGARIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip
_MACEDONIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj", "е": "e", "ж": "zh", "з": "z", "ѕ": "dz", "и": "i",
    "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "ќ": "kj", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "џ": "dzh",
}  # fmt: skip
_TABLES = {"bg": _BULGARIAN, "mk": _MACEDONIAN}


def _latin_letters(text: str) -> bool:
    return all(not c.isalpha() or c.isascii() or "LATIN" in unicodedata.name(c, "") for c in text)


def romanize(word: str, language: str) -> str:
    """``word`` in Latin letters: by ``language``'s table where there is one (a capital stays one: "Жеков" → "Zhekov",
    "ЖЕКОВ" → "ZHEKOV"), else ``anyascii``."""
    table = _TABLES.get(language)
    if table is None:
        return anyascii(word)
    if language == "bg" and word.lower().endswith("ия"):  # the system's one rule by position: "България" → "Bulgaria"
        word, tail = word[:-2], ("IA" if word[-1].isupper() else "ia")
    else:
        tail = ""
    upper = word.isupper() and len(word) > 1
    out = []
    for c in word:
        latin = table.get(c.lower())
        if latin is None:
            out.append(anyascii(c) if not c.isascii() else c)
        elif c.isupper():
            out.append(latin.upper() if upper else latin.capitalize())
        else:
            out.append(latin)
    return "".join(out) + tail


def romanize_untranslated(
    text: str, spans: Sequence[tuple[int, int]], language: str, field: str, *, max_changes: int,
    english_name: Callable[[str], str | None] = lambda word: None,
) -> tuple[str, list[tuple[int, int]], list[Change]]:
    """``text`` with each untranslated word (``spans``) not in Latin letters written as its English name where
    ``english_name`` knows it ("Трамп" is Trump, not the Macedonian spelling "Tramp"), else romanized; the spans
    where the untranslated words now stand; the changes made (spans into ``text`` as given)."""
    edits: list[Edit] = []
    parts: list[str] = []
    moved: list[tuple[int, int]] = []
    last = length = 0
    for start, end in sorted(spans):
        word = text[start:end]
        # A capital says "name" only inside a sentence: "Пътна" opening one is "Road (police)", not Patna.
        after = word if _latin_letters(word) else (mid_sentence(text, start) and english_name(word)) or romanize(word, language)
        if after != word:
            edits.append(Edit(start, end, word, after))
        parts += [text[last:start], after]
        length += start - last
        moved.append((length, length + len(after)))
        length += len(after)
        last = end
    if not edits:
        return text, list(spans), []
    parts.append(text[last:])
    reason = (f"a word the translator left in its own script, in Latin letters (a name by its English form, "
              f"another word by {'the official romanization' if language in _TABLES else 'anyascii'})")
    return "".join(parts), moved, record(edits, kind="translation", rule=ROMANIZE_RULE, field=field, reason=reason, max_changes=max_changes)
