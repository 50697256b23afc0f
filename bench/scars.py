"""The seed's four kinds of machine-translation scar, injected into real English news text (bench_normalize --ntrex).

The seed (an MT-translated agency story) shows four scars: a capitalised word glued to the next word
("Zelenskyduring"), a proper name lower-cased ("kyiv"), a missing space after a full stop ("July.in"), and a
plural's last letter doubled ("euross"). Each injection makes one scar at a random place where the kind can
occur and says where, so a measurement can check that the repair restores the original exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from services.normalize.lexicon import Lexicon

SCAR_KINDS = ("glue", "lowercase-name", "missing-space", "doubled-letter")

_WORD = re.compile(r"(?<![\w'’.@/-])[^\W\d_]+(?![\w'’@/-]|\.\w)")
_OPENING = ".!?:“\"‘'(\n"


@dataclass(frozen=True, slots=True)
class Scar:
    kind: str
    text: str
    before: str
    after: str
    start: int


def _mid_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" ")
    return bool(before) and before[-1] not in _OPENING


def _title_case(word: str) -> bool:
    return len(word) >= 3 and word[0].isupper() and word[1:].islower()


def candidates(text: str, kind: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    words = list(_WORD.finditer(text))
    out: list[tuple[int, int, str]] = []
    if kind == "glue":
        for a, b in zip(words, words[1:]):
            if (text[a.end() : b.start()] == " " and _title_case(a.group(0)) and b.group(0).islower()
                    and len(b.group(0)) >= 2 and lexicon.zipf(a.group(0) + b.group(0)) == 0):
                out.append((a.start(), b.end(), a.group(0) + b.group(0)))
    elif kind == "lowercase-name":
        for w in words:
            if _title_case(w.group(0)) and _mid_sentence(text, w.start()):
                out.append((w.start(), w.end(), w.group(0).lower()))
    elif kind == "missing-space":
        for m in re.finditer(r"(?<=[^\W\d_]{2})\. (?=[^\W\d_]{2})", text):
            out.append((m.start(), m.end(), "."))
    elif kind == "doubled-letter":
        for w in words:
            word = w.group(0)
            if word.islower() and len(word) >= 4 and word.endswith("s") and not word.endswith("ss") and lexicon.zipf(word + "s") == 0:
                out.append((w.start(), w.end(), word + "s"))
    else:
        raise ValueError(f"unknown scar kind {kind!r}; known: {', '.join(SCAR_KINDS)}")
    return out


def inject(text: str, kind: str, rng: random.Random, lexicon: Lexicon) -> Scar | None:
    places = candidates(text, kind, lexicon)
    if not places:
        return None
    start, end, replacement = rng.choice(places)
    return Scar(kind, text[:start] + replacement + text[end:], text[start:end], replacement, start)
