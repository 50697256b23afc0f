"""How English writes a word: only capitalised ("London", "Jason", "January"), also in lower case ("china",
"may", "bill", "turkey"), or not known at all ("Kavardarkov").

The repairs restore a lower-cased proper name on this evidence when the article gives none: a word English
writes only capitalised is a name wherever it stands. The knowledge is SCOWL's (the spell-checker word lists
behind Debian's wamerican and wbritish), which lists each word as it is written; it ships with the project
in ``data/english_case.txt.gz`` (built by ``scripts/build_english_case.py``, licence in the file's header).
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

__all__ = ["BUNDLED_CASE", "EnglishCase", "english_case"]

BUNDLED_CASE = Path(__file__).parent / "data" / "english_case.txt.gz"


class EnglishCase:
    """Words by how English writes them."""

    def __init__(self, words: Iterable[str]) -> None:
        words = [w for w in words if w.isalpha()]
        self._lower = frozenset(w for w in words if w.islower())
        capital: dict[str, str] = {}
        clashes: set[str] = set()
        for w in words:
            low = w.lower()
            if w.islower() or low in self._lower or (w.isupper() and len(w) > 1):
                continue  # an ordinary word, or an acronym ("NASA" is no evidence for "nasa" -> "Nasa")
            if capital.setdefault(low, w) != w:
                clashes.add(low)  # two capitalisations ("MacLeod", "Macleod"): no single answer
        self._capital = {low: w for low, w in capital.items() if low not in clashes}

    def name(self, word: str) -> str | None:
        """The written form of a word English writes only capitalised ("london" -> "London"), else None."""
        return self._capital.get(word.lower())

    def ordinary(self, word: str) -> bool:
        """English writes the word in lower case (perhaps also capitalised: "may", "china", "bill")."""
        return word.lower() in self._lower

    def ordinary_words(self) -> frozenset[str]:
        """Every word English writes in lower case."""
        return self._lower

    def __len__(self) -> int:
        return len(self._lower) + len(self._capital)


_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def english_case(path: Path = BUNDLED_CASE) -> EnglishCase:
    """The bundled SCOWL lists (76,000 words; about 0.1 s to load, once per process)."""
    with _LOCK:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return EnglishCase(line.strip() for line in f if not line.startswith("#"))
