"""The conditions on the words of an article: ``keyword`` (words or phrases, whole words) and ``near`` (words within N
of each other), in English or as the article came, a term typed in plain letters matching with or without diacritics,
and each word in its British or American spelling ("defence", "defense": services.tagger.spellings).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from services.alerter.facts import TOKEN, Facts
from services.runtime.text import is_unaccented
from services.tagger.spellings import spellings_of

__all__ = ["KeywordCondition", "NearCondition"]


@dataclass(frozen=True)
class KeywordCondition:
    """Any of these words or phrases, whole words, case-insensitive, in the title or body: in English, or as the
    article came (its original language, its spelling before the name repairs). A phrase typed in plain letters matches
    with or without diacritics ("Sao Paulo" finds "São Paulo", as the newsroom's search does); one written with them
    matches as written ("año" is not "ano"). Each word matches its other spelling too, as the tagger's keys fold them
    ("defense ministry" finds "Defence Ministry"; "labour" only in an office's name); the reason says what the text
    writes where that is not the phrase as typed (``keyword:'defense ministry' as 'Defence Ministry'``)."""

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    plain: tuple[bool, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(_phrase_pattern(p) for p in self.phrases))
        object.__setattr__(self, "plain", tuple(is_unaccented(p) for p in self.phrases))

    def check(self, facts: Facts) -> list[str] | None:
        reasons = []
        for phrase, pattern, plain in zip(self.phrases, self.patterns, self.plain):
            for texts, where in (((facts.title, facts.body), ""), (facts.originals, " in the original")):
                written = _found(pattern, texts, facts if plain else None)
                if written is not None:
                    reasons.append(f"keyword:{phrase!r}{_as_written(written, phrase)}{where}")
                    break
        return reasons or None

    def describe(self) -> str:
        return "keyword:" + "|".join(repr(p) for p in self.phrases)


def _found(pattern: re.Pattern[str], texts: Sequence[str], facts: Facts | None) -> str | None:
    """What ``pattern`` first matches in ``texts``, as the text writes it; with ``facts``, looked for in the texts without
    their diacritics (the same offsets: services.runtime.text.unaccented)."""
    for text in texts:
        match = pattern.search(facts.unaccented(text) if facts is not None else text)
        if match is not None:
            return text[match.start():match.end()]
    return None


def _as_written(written: str, phrase: str) -> str:
    """" as 'São Paulo'", " as 'Defence Ministry'": where the text writes the phrase otherwise than with other
    capitals or spaces (diacritics a phrase typed in plain letters found, or another spelling)."""
    written = " ".join(written.split())
    return "" if written.casefold() == " ".join(phrase.split()).casefold() else f" as {written!r}"


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Lookarounds instead of \b so phrases that start or end with punctuation ("U.S.") still work;
    # any run of whitespace matches a space, as line breaks in bodies fall anywhere.
    typed = phrase.split()
    words = [re.escape(w) if len(alike) == 1 else "(?:" + "|".join(map(re.escape, alike)) + ")"
             for w, alike in zip(typed, _spelt([w.casefold() for w in typed]))]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


_LETTERS = re.compile(r"([^\W\d_]+)")


def _spelt(words: list[str]) -> list[tuple[str, ...]]:
    """Each casefolded word of a term with its every spelling (services.tagger.spellings), the typed one first; a word
    joined by a hyphen or an apostrophe in every spelling of each of its parts ("air-defence", "defence's")."""
    pieces = [_LETTERS.split(w) for w in words]  # odd places: runs of letters
    alike = iter(spellings_of([run for p in pieces for run in p[1::2]]))
    return [tuple("".join(c) for c in product(*((s,) if i % 2 == 0 else next(alike) for i, s in enumerate(p))))
            for p in pieces]


@dataclass(frozen=True)
class NearCondition:
    """All these words or phrases in one field, each starting within ``within`` words of the others: in English, or, as
    a keyword, in the text as the article came (``near:'defensa' 'Zelenski' 2 words apart in the original title``). As a
    keyword's, the reason says how the field writes a term written otherwise than typed (``near:'canceled' 'storm' 3
    words apart in title, 'canceled' as 'Cancelled'``)."""

    terms: tuple[str, ...]
    within: int
    _tokens: tuple[tuple[tuple[str, ...], ...], ...] = field(init=False, repr=False, compare=False)  # word: spellings
    _plain: tuple[bool, ...] = field(init=False, repr=False, compare=False)  # as a keyword's: with or without diacritics

    def __post_init__(self) -> None:
        toks = tuple(tuple(_spelt([w.casefold() for w in TOKEN.findall(t)])) for t in self.terms)
        if any(not t for t in toks):
            raise ValueError("near: every term needs at least one word")
        object.__setattr__(self, "_tokens", toks)
        object.__setattr__(self, "_plain", tuple(is_unaccented(t) for t in self.terms))

    def check(self, facts: Facts) -> list[str] | None:
        for field_name in ("title", "body", "original title", "original body"):
            view = {p: (facts.words(field_name, plain=p), facts.positions(field_name, plain=p)) for p in set(self._plain)}
            found = _closest([view[p] for p in self._plain], self._tokens)
            if found is not None and found[0] <= self.within:
                span, starts = found
                terms = " ".join(repr(t) for t in self.terms)
                where = field_name.replace("original ", "the original ")
                written = "".join(f", {term!r}{_as_written(text, term)}" for term, text in zip(self.terms, self._written(
                    facts, field_name, starts)) if _as_written(text, term))
                return [f"near:{terms} {span} word{'s' if span != 1 else ''} apart in {where}{written}"]
        return None

    def _written(self, facts: Facts, field_name: str, starts: Sequence[int]) -> list[str]:
        """Each term as the field writes it where it was found (its words from ``starts``, and what lies between them):
        the words of a plain term were found in the text without its diacritics, at the same offsets."""
        text = facts.text(field_name)
        spans = {p: facts.spans(field_name, plain=p) for p in set(self._plain)}
        return [text[spans[plain][start][0]:spans[plain][start + len(words) - 1][1]]
                for words, plain, start in zip(self._tokens, self._plain, starts)]

    def describe(self) -> str:
        return f"near:{' '.join(repr(t) for t in self.terms)}~{self.within}"


def _closest(views: Sequence[tuple[list[str], dict[str, list[int]]]],
             terms: tuple[tuple[tuple[str, ...], ...], ...]) -> tuple[int, list[int]] | None:
    """The smallest distance, in words, between the starts of the first and last of the terms in one window, and where
    each term starts in that window; each term looked for in its own view of the field's words (``(words, index)``: as
    written, or without diacritics), each of its words in any of its spellings."""
    hits: list[tuple[int, int]] = []
    for t, (seq, (words, index)) in enumerate(zip(terms, views)):
        firsts = index.get(seq[0][0], []) if len(seq[0]) == 1 else [i for w in seq[0] for i in index.get(w, ())]
        starts = [i for i in firsts
                  if len(seq) == 1 or all(w in alike for w, alike in zip(words[i + 1 : i + len(seq)], seq[1:]))
                  and i + len(seq) <= len(words)]
        if not starts:
            return None
        hits.extend((i, t) for i in starts)
    hits.sort()
    need = len(terms)
    best: int | None = None
    window = (0, 0)
    counts: dict[int, int] = {}
    left = 0
    for right, (pos, t) in enumerate(hits):
        counts[t] = counts.get(t, 0) + 1
        while len(counts) == need:
            span = pos - hits[left][0]
            if best is None or span < best:
                best, window = span, (left, right)
            lt = hits[left][1]
            counts[lt] -= 1
            if not counts[lt]:
                del counts[lt]
            left += 1
    if best is None:
        return None
    starts: dict[int, int] = {}
    for pos, t in hits[window[0]:window[1] + 1]:
        starts.setdefault(t, pos)
    return best, [starts[t] for t in range(need)]
