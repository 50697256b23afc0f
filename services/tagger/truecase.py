"""True-casing of all-capital lines before English NER.

Wire copy writes headlines, datelines and sports tables in capitals ("SOCCER - JAPAN GET LUCKY
WIN", "BONN 1996-08-30"), where a statistical NER model trained on mixed case sees every word as a
name or none. Each all-capital line gets back the case the rest of the article writes its words
in; a word the article does not write otherwise is lower-cased when it is an ordinary English word
(the lexicon), written as a name when it is a known name (the gazetteer) or a long unknown word,
and kept in capitals when it is short and unknown (an acronym: "RBI", "IRA").

Only letters change case, so every offset in the true-cased text is an offset in the original.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

__all__ = ["caps_lines", "truecase"]

_LINE = re.compile(r"[^\n]+")
_CAPS_RUN = re.compile(r"[^\W\d_a-z]{3}")
_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
# An ordinary English word at or above this Zipf frequency is lower-cased in a headline.
_ORDINARY = 3.5
# Unknown words this short stay in capitals: acronyms.
_ACRONYM_MAX = 3


def _mostly_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3:
        return False
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def caps_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` written (almost) entirely in capitals."""
    if not _CAPS_RUN.search(text):
        return []  # most articles: no three capitals in a row anywhere
    return [m.span() for m in _LINE.finditer(text) if _CAPS_RUN.search(m.group(0)) and _mostly_caps(m.group(0))]


def _name_case(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def truecase(
    texts: list[str],
    zipf: Callable[[str], float],
    is_name: Callable[[str], bool] = lambda w: False,
) -> list[str]:
    """``texts`` (the fields of one article) with their all-capital lines true-cased; other lines are untouched."""
    spans = [caps_lines(t) for t in texts]
    if not any(spans):
        return texts
    wanted = {m.group(0).lower() for text, caps in zip(texts, spans) for s, e in caps for m in _WORD.finditer(text, s, e)}
    # How the rest of the article writes those words: one case-insensitive pass in C over each field.
    pattern = re.compile(r"(?<![\w'’.-])(?:" + "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True)) + r")(?![\w'’-]|\.\w)", re.IGNORECASE)
    forms: dict[str, Counter[str]] = {}
    for text, caps in zip(texts, spans):
        for m in pattern.finditer(text):
            word = m.group(0)
            if word.isupper() or any(s <= m.start() < e for s, e in caps):
                continue
            forms.setdefault(word.lower(), Counter())[word] += 1
    out = []
    for text, caps in zip(texts, spans):
        chars = list(text)
        for start, end in caps:
            first = True
            for m in _WORD.finditer(text, start, end):
                word = m.group(0)
                if not word.isupper():
                    first = False
                    continue
                seen = forms.get(word.lower())
                if seen:
                    cased = seen.most_common(1)[0][0]
                elif is_name(word.lower()):
                    cased = _name_case(word)
                elif zipf(word.lower()) >= _ORDINARY:
                    cased = word.lower()
                elif len(word.replace(".", "")) <= _ACRONYM_MAX:
                    cased = word
                else:
                    cased = _name_case(word)
                if first and cased.islower():
                    cased = cased[:1].upper() + cased[1:]
                first = False
                if len(cased) == len(word):
                    chars[m.start() : m.end()] = cased
        out.append("".join(chars))
    return out
