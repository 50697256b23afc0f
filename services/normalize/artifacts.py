"""Inject machine-translation artifacts into clean English, seeded: how the repairs are measured (tests and bench).

Each injection makes one artifact of one kind at a random place where that kind
can occur, and says where, so a measurement can check the repair restores the
original exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from services.normalize.lexicon import Lexicon
from services.normalize.names import NameTable
from services.normalize.repair import ALWAYS_CAPITALIZED

__all__ = ["KINDS", "Injected", "inject", "paragraphs"]

KINDS = ("glue", "doubled-letter", "missing-space", "lowercase-name", "variant-spelling")

_WORD = re.compile(r"(?<![\w'’.@/-])[^\W\d_]+(?![\w'’@/-]|\.\w)")


@dataclass(frozen=True, slots=True)
class Injected:
    kind: str
    text: str
    before: str
    after: str
    start: int


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _candidates(text: str, kind: str, names: NameTable, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every place ``kind`` can be injected in ``text``."""
    words = list(_WORD.finditer(text))
    out: list[tuple[int, int, str]] = []
    if kind == "glue":
        for a, b in zip(words, words[1:]):
            if text[a.end() : b.start()] == " " and b.group(0).islower() and len(b.group(0)) >= 2:
                glued = a.group(0) + b.group(0)
                if lexicon.zipf(glued) == 0:
                    out.append((a.start(), b.end(), glued))
    elif kind == "doubled-letter":
        for w in words:
            word = w.group(0)
            if word.islower() and len(word) >= 4 and lexicon.zipf(word + word[-1]) == 0:
                out.append((w.start(), w.end(), word + word[-1]))
    elif kind == "missing-space":
        for m in re.finditer(r"(?<=[^\W\d_]{2})([.!?]) (?=[^\W\d_])", text):
            out.append((m.start(), m.end(), m.group(1)))
    elif kind == "lowercase-name":
        # Names the repair can know: the table's, weekdays and months, or a name the text writes more than once.
        known = {w.lower() for w in names.canonical_words().values()} | {w.lower() for w in ALWAYS_CAPITALIZED}
        seen: dict[str, int] = {}
        for w in words:
            seen[w.group(0)] = seen.get(w.group(0), 0) + 1
        for w in words:
            word = w.group(0)
            before = text[: w.start()].rstrip(" ")
            if not (word.lower() in known or seen[word] > 1):
                continue
            if len(word) >= 3 and word[0].isupper() and word[1:].islower() and before and before[-1] not in ".!?:“\"(\n":
                out.append((w.start(), w.end(), word.lower()))
    elif kind == "variant-spelling":
        for entry in names.entries.values():
            if not entry.variants:
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(entry.name)}(?!\w)", text):
                out.extend((m.start(), m.end(), variant) for variant in entry.variants)
    else:
        raise ValueError(f"unknown artifact kind {kind!r}; known: {', '.join(KINDS)}")
    return out


def inject(text: str, kind: str, rng: random.Random, names: NameTable, lexicon: Lexicon) -> Injected | None:
    """``text`` with one artifact of ``kind`` at a place ``rng`` picks, or None where the kind cannot occur."""
    places = _candidates(text, kind, names, lexicon)
    if not places:
        return None
    start, end, replacement = rng.choice(places)
    return Injected(kind, text[:start] + replacement + text[end:], text[start:end], replacement, start)
