"""What a repair may rest on: the article's own writing and the names the project bundles.

A repair changes text only with evidence in it (issue 15): the repaired form occurs
elsewhere in the same article, or is a known name (the tagger's bundled gazetteer:
countries, cities, leaders, organisations), or the glued form is no word while its
parts are (the lexicon). This module gathers the first two once per article.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from services.normalize.lexicon import Lexicon
from services.normalize.text import mid_sentence

__all__ = ["ArticleEvidence", "KnownNames", "article_evidence", "known_names"]

_TAGGER_DATA = Path(__file__).resolve().parents[1] / "tagger" / "data"
_NAME_FILES = ("places.yaml", "leaders.yaml", "gazetteer.yaml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LATIN_NAME = re.compile(r"[A-Z][a-z\u00e0-\u00ff'’-]+(?: (?:[A-Z][a-z\u00e0-\u00ff'’-]+|of|the|de|del|la|al|and|on|upon))*")
_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class KnownNames:
    """Names from the bundled gazetteer, by lower-case form: single words and whole phrases, as they are written."""

    words: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleEvidence:
    """How the article itself writes words: counts of each word as written, and pairs of capitalised words mid-sentence."""

    counts: Counter[str] = field(default_factory=Counter)
    pairs: frozenset[tuple[str, str]] = frozenset()
    firsts: frozenset[str] = frozenset()  # words written first in such a pair ("Police" in "Police Department")
    seconds: frozenset[str] = frozenset()  # words written second ("Department")

    def writes(self, word: str) -> int:
        return self.counts.get(word, 0)


def article_evidence(*texts: str) -> ArticleEvidence:
    counts: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        tokens = list(_TOKEN.finditer(text))
        counts.update(m.group(0) for m in tokens)
        for a, b in zip(tokens, tokens[1:]):
            if text[a.end() : b.start()] == " " and a.group(0)[0].isupper() and b.group(0)[0].isupper() and mid_sentence(text, a.start()):
                pairs.add((a.group(0), b.group(0)))
    return ArticleEvidence(counts, frozenset(pairs), frozenset(a for a, _ in pairs), frozenset(b for _, b in pairs))


def _english_names(entry: dict) -> list[str]:
    names = [entry.get("name")]
    names += [a for a in entry.get("aliases") or () if isinstance(a, str)]
    return [n for n in names if isinstance(n, str) and _LATIN_NAME.fullmatch(n)]


_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def known_names(lexicon: Lexicon, data_dir: Path = _TAGGER_DATA) -> KnownNames:
    """Single-word names that are no ordinary word, and multi-word names, from the tagger's bundled files.

    Names the gazetteer itself marks as ordinary words (``cased_aliases``: "Turkey", "Chad") are left out, as are
    words the lexicon knows as verbs, adjectives or adverbs or as very common words.
    """
    words: dict[str, str] = {}
    phrases: dict[str, str] = {}
    ordinary: set[str] = set()
    surnames: dict[str, str] = {}
    with _LOCK:
        for name in _NAME_FILES:
            path = data_dir / name
            if not path.exists():
                continue
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # noqa: S506 - a safe loader
            for entry in data.get("entities") or ():
                if not isinstance(entry, dict):
                    continue
                ordinary.update(a.lower() for a in entry.get("cased_aliases") or () if isinstance(a, str))
                person = entry.get("type") == "PERSON"
                for n in _english_names(entry):
                    parts = n.split()
                    if len(parts) > 1:
                        phrases[n.lower()] = n
                    elif n == entry.get("name") and not person:
                        words[n.lower()] = n  # a place or organisation named by one word: "Athens"
                name = entry.get("name")
                if person and isinstance(name, str) and _LATIN_NAME.fullmatch(name) and len(name.split()) > 1:
                    surnames[name.split()[-1].lower()] = name.split()[-1]  # a surname on its own, when rare: "Zelensky"
    words.update((low, w) for low, w in surnames.items() if lexicon.zipf(low) < 3.0 and low not in words)
    words = {
        low: w for low, w in words.items()
        if low not in ordinary and len(low) >= 3 and not lexicon.is_common_lowercase(low) and lexicon.zipf(low) < 5.5
    }
    return KnownNames(words, phrases)
