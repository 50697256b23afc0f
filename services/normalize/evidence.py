"""What a repair may rest on: the article's own writing and the names the project bundles.

A repair changes text only with evidence in it (issue 15): the repaired form occurs
elsewhere in the same article, or is a known name (the tagger's bundled gazetteer:
countries, cities, leaders, organisations), or the glued form is no word while its
parts are (the lexicon). This module gathers the first two once per article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from services.normalize.casing import EnglishCase
from services.normalize.lexicon import Lexicon
from services.normalize.names import NameTable
from services.normalize.text import mid_sentence

__all__ = ["ALWAYS_CAPITALIZED", "ArticleEvidence", "ArticleNames", "KnownNames", "article_evidence", "article_names", "common_word",
           "known_names"]

_LATIN_NAME = re.compile(r"[A-Z][a-z\u00e0-\u00ff'’-]+(?: (?:[A-Z][a-z\u00e0-\u00ff'’-]+|of|the|de|del|la|al|and|on|upon))*")
_TOKEN = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")


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
    openings: frozenset[tuple[str, str]] = frozenset()  # such pairs at a sentence start ("Prime Minister Theresa May said")

    def writes(self, word: str) -> int:
        return self.counts.get(word, 0)


def article_evidence(*texts: str) -> ArticleEvidence:
    counts: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    openings: set[tuple[str, str]] = set()
    for text in texts:
        tokens = list(_TOKEN.finditer(text))
        counts.update(m.group(0) for m in tokens)
        for a, b in zip(tokens, tokens[1:]):
            if text[a.end() : b.start()] == " " and a.group(0)[0].isupper() and b.group(0)[0].isupper():
                (pairs if mid_sentence(text, a.start()) else openings).add((a.group(0), b.group(0)))
    return ArticleEvidence(counts, frozenset(pairs), frozenset(a for a, _ in pairs), frozenset(b for _, b in pairs), frozenset(openings))


def _english_names(entry: dict) -> list[str]:
    names = [entry.get("name")]
    names += [a for a in entry.get("aliases") or () if isinstance(a, str)]
    return [n for n in names if isinstance(n, str) and _LATIN_NAME.fullmatch(n)]


@lru_cache(maxsize=4)
def known_names(lexicon: Lexicon) -> KnownNames:
    """Single-word names that are no ordinary word, and multi-word names, from the tagger's bundled files.

    Names the gazetteer itself marks as ordinary words (``cased_aliases``: "Turkey", "Chad") are left out, as are
    words the lexicon knows as verbs, adjectives or adverbs or as very common words.
    """
    from services.tagger.gazetteer import BUNDLED, bundled_raw  # the files as the tagger reads them, read once

    words: dict[str, str] = {}
    phrases: dict[str, str] = {}
    ordinary: set[str] = set()
    surnames: dict[str, str] = {}
    for path in BUNDLED:
        for entry in bundled_raw(path):
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


# Always capitalized in English ("March", "May" and "August" are also ordinary words, so they are left out).
ALWAYS_CAPITALIZED = tuple(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April June July September October November December".split()
)


@dataclass(frozen=True, slots=True)
class ArticleNames:
    """What the article and the bundled names say: cased forms by lower-case word (the name table's and the
    article's own), names glued words may start with, how the article writes each word, and gazetteer names."""

    cased: dict[str, str] = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    article: dict[str, str] = field(default_factory=dict)
    evidence: ArticleEvidence = field(default_factory=ArticleEvidence)
    known: KnownNames = field(default_factory=KnownNames)
    case: EnglishCase | None = None
    standalone: Counter[str] = field(default_factory=Counter)  # capitalised words written alone mid-sentence


def article_names(body: str, table: NameTable, lexicon: Lexicon, *, title: str = "", known: KnownNames | None = None,
                  case: EnglishCase | None = None) -> ArticleNames:
    """Names from the table plus the capitalized words the body uses mid-sentence (titles are often in headline case)."""
    # a word English also writes in lower case is no name by the table alone: "City" of "Kansas City", "Parliament"
    cased = {low: word for low, word in table.canonical_words().items()
             if not lexicon.is_common_lowercase(low) and not (case is not None and case.ordinary(low))}
    cased.update((w.lower(), w) for w in ALWAYS_CAPITALIZED)
    names = set(table.known_names())
    article: dict[str, str] = {}
    standalone: Counter[str] = Counter()
    for m in _WORD.finditer(body):
        word = m.group(0)
        if len(word) < 3 or not word[0].isupper() or not mid_sentence(body, m.start()):
            continue
        if not (word[1:].islower() or word.isupper()) or _in_capitalized_phrase(body, m):
            continue
        standalone[word] += 1
        low = word.lower()
        if low in cased or common_word(low, lexicon):
            continue
        article[low] = word
        names.add(word)
    known = known if known is not None else KnownNames()
    return ArticleNames(cased, frozenset(names), article, article_evidence(title, body), known, case, standalone)


def _in_capitalized_phrase(text: str, m: re.Match[str]) -> bool:
    """Part of a title-case phrase ("International Defense Industry Forum", "U.S. Secretary of State"): no evidence
    the word alone is a name."""
    before = re.search(r"((?:[^\W\d_]\.){2,}|[^\W\d_]+)[ ]+$", text[max(0, m.start() - 40) : m.start()])
    after = re.match(r"[ ]+([^\W\d_]+)", text[m.end() : m.end() + 40])
    return any(x is not None and x.group(1)[0].isupper() for x in (before, after))


def common_word(low: str, lexicon: Lexicon) -> bool:
    """A word that is often lower-case in English: never turned into a name."""
    if lexicon.is_common_lowercase(low) or lexicon.zipf(low) >= 5.0:
        return True
    return low.endswith("s") and lexicon.is_common_lowercase(low[:-1])
