"""Names the gazetteer does not know, kept through Apertium as the source writes them: a run of capitalised words
inside a sentence holding a word the translator does not know (Swedish "Brett Kavanaugh", where it knows "brett",
wide, but not "Kavanaugh"; "Las Vegas", which the Icelandic pivot reads as "las", read).

A word the route's first hop does not know, written with a capital inside a sentence, is a name; the capitalised
words beside it that it does not know either, or that English writes as names ("Brett"), are part of it, a title
beside it is not ("Presidente Trump"). The name is kept only when the translator, given it on its own, changes
it: one it renders as written ("Rosa Parks") is left to it, and a run whose every word it knows ("Casa Blanca" as
White House, "Gobierno Sánchez") is no candidate. A capital says nothing at a sentence start, nor in a line
written in Title Case, nor in capitals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from services.normalize.text import latin_letters, mid_sentence

__all__ = ["NameRun", "find_name_runs", "lost_as_words", "names_in", "word_parts"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PARTS = re.compile(r"['’-]")  # Apertium reads "Jean-Pierre" as two words


@dataclass(frozen=True, slots=True)
class NameRun:
    """``text[start:end]``: capitalised words written inside a sentence, one space apart."""

    start: int
    end: int
    source: str

    @property
    def words(self) -> list[str]:
        return self.source.split(" ")


def _capitalised(word: str) -> bool:
    """A capital first and lower case after it ("Kavanaugh", "McCarthy", "Jean-Pierre"), in Latin script: not "OTAN"."""
    return (word[0].isupper() and any(c.islower() for c in word[1:])
            and latin_letters(word))


def _title_case(words: list[re.Match[str]]) -> bool:
    """Every word longer than the short function words some Title Case leaves in lower case ("de", "the", "and") is
    capitalised, and there are three such words or more: a heading, whose capitals say nothing about names. A line of
    sentence case has a verb or a noun in lower case; a short headline of names ("Kavanaugh i Las Vegas") is no
    Title Case."""
    long_words = [w.group(0) for w in words if len(w.group(0)) > 3]
    return not any(w[0].islower() for w in long_words) and len(long_words) >= 3


def find_name_runs(text: str) -> list[NameRun]:
    """The runs of capitalised words in ``text``, in order, but for a word opening a sentence, in the lines that write
    lower case (a line in Title Case capitalises words that are no names)."""
    runs: list[NameRun] = []
    offset = 0
    for line in text.split("\n"):
        words = list(_WORD.finditer(line))
        if not _title_case(words):
            run: list[re.Match[str]] = []
            for word in [*words, None]:
                if word is not None and _capitalised(word.group(0)) and (
                        not run or line[run[-1].end() : word.start()] == " "):
                    run.append(word)
                    continue
                if run and not mid_sentence(text, offset + run[0].start()):
                    run = run[1:]  # "Brett Kavanaugh dijo": the first capital may be the sentence's, the rest are a name's
                if run:
                    runs.append(NameRun(offset + run[0].start(), offset + run[-1].end(), line[run[0].start() : run[-1].end()]))
                run = [word] if word is not None and _capitalised(word.group(0)) else []
        offset += len(line) + 1
    return runs


def word_parts(word: str) -> tuple[str, ...]:
    """The word and, where it has any, the parts Apertium reads as words of their own ("Jean-Pierre": "Jean", "Pierre")."""
    return (word, *_PARTS.split(word))


def names_in(runs: list[NameRun], unknown: Collection[str], is_name: Callable[[str], bool]) -> list[NameRun]:
    """Within ``runs``, the names to keep: the stretches of two words or more, each a word the translator does not
    know (``unknown``: its first hop's, as the source writes them) or one English writes as a name ("Brett",
    ``is_name``), holding at least one of the first. A title or an institution beside a name ("Presidente Trump",
    "Gobierno Kavanaugh", "Corte Suprema Brett Kavanaugh") is left out, to be translated."""
    names = []
    for run in runs:
        stretch: list[tuple[int, str]] = []
        at = run.start
        for word in [*run.words, None]:
            if word is not None and (any(p in unknown for p in word_parts(word)) or all(is_name(p) for p in word_parts(word)[1:] or (word,))):
                stretch.append((at, word))
            else:
                if len(stretch) > 1 and any(p in unknown for _, w in stretch for p in word_parts(w)):
                    start, end = stretch[0][0], stretch[-1][0] + len(stretch[-1][1])
                    names.append(NameRun(start, end, run.source[start - run.start : end - run.start]))
                stretch = []
            if word is not None:
                at += len(word) + 1
    return names


def lost_as_words(run: NameRun, alone: str) -> bool:
    """Whether the translator, given the run on its own (``alone`` its translation), changed it."""
    return " ".join(alone.split()).strip(" .") != run.source
