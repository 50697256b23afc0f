"""A lower-cased word restored from the name it stands in (issue 15): evidence from the words around it.

Three shapes that edited English does not write, each a lower-case word inside a name:

- ``abbreviation`` — a title or month abbreviation with its full stop: "the rev. David Johnson", "det. Dennis
  McCarthy", "on oct. 2" (edited English writes "Rev.", "Det.", "Oct."); and a word right after a capitalised
  title abbreviation: "Det Insp bob Blemmings", "Sen. chris Coons".
- ``inside a title-case phrase`` — a word between a capitalised word and a capitalised ordinary English word:
  "Baton Rouge police Department", "Senate judiciary Committee", "National Center for disaster Prevention".
  The right-hand word is one English writes in lower case ("Department"), so its capital says the phrase is a
  name written in title case, and the word inside it lost its capital. A role before a name is left alone
  ("BBC presenter Mark Reed": the capitalised word after it is followed by another).
- ``surname`` — a word after a name English writes only capitalised ("Jeff", "Eden") that the article writes
  capitalised on its own elsewhere: "Sen. Jeff flake" where the article says "Flake said" and "with Flake".

The callers check the article's own counts first; these rules need no other evidence than the shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.lang.en.stop_words import STOP_WORDS

from services.normalize.casing import EnglishCase
from services.normalize.text import DEMONYM_ENDINGS, mid_sentence, title_case

__all__ = ["NAME_LINKS", "abbreviation", "between_names", "inside_title_phrase", "surname"]

# Titles written before a name, abbreviated (with or without a full stop in British style).
TITLE_ABBREVIATIONS = frozenset("mr mrs ms dr prof rev det insp supt sgt sen rep gov cllr lt col capt gen cmdr".split())
MONTH_ABBREVIATIONS = frozenset("jan feb aug sept oct nov dec".split())
# Months that are also English words ("may", "march", "august"): a month only before a day and a year or comma.
_WORD_MONTHS = frozenset("may march august".split())
_DAY_AFTER = re.compile(r" ([1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?:,| (?:1[89]|20)\d\d\b)")
# Words inside names that stay in lower case ("Stadio di San Siro", "Justice and Development Party").
NAME_LINKS = frozenset("for of and on de du des del della di da das do dos la le van von der den al el bin ibn y".split())


def _spaced(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end() : b.start()] == " "


def abbreviation(text: str, tokens: list[re.Match[str]], i: int) -> str | None:
    """ "rev." before a name, "oct." with its stop, a word after "Det Insp": the capitalised form, else None."""
    m = tokens[i]
    token = m.group(0)
    after = text[m.end() : m.end() + 3]
    if token in _WORD_MONTHS and _DAY_AFTER.match(text, m.end()):
        return token.capitalize()  # "on may 30, 2005"
    if token in MONTH_ABBREVIATIONS and after[:1] == "." and (after[1:2] in ("", "\n") or re.fullmatch(r" [\dA-Z]", after[1:3])):
        return token.capitalize()  # "on oct. 2, 1968", "until oct."
    if token in TITLE_ABBREVIATIONS and after[:2] == ". " and i + 1 < len(tokens) and title_case(tokens[i + 1].group(0)):
        return token.capitalize()  # "the rev. David Johnson"
    if i > 0 and token not in STOP_WORDS and token not in NAME_LINKS and len(token) >= 3:
        left = tokens[i - 1]
        gap = text[left.end() : m.start()]
        if left.group(0).lower() in TITLE_ABBREVIATIONS and title_case(left.group(0)) and gap in (" ", ". ") and (
                gap == ". " or left.group(0) not in ("Gen", "Rep", "Col")):
            return token.capitalize()  # "Det Insp bob Blemmings"
    return None


def inside_title_phrase(text: str, tokens: list[re.Match[str]], i: int, case: EnglishCase,
                        is_verb: Callable[[str], bool], person: Callable[[str], bool]) -> str | None:
    """A word between a capitalised word and a capitalised ordinary word: "Baton Rouge police Department".
    ``person`` says whether the article uses a capitalised word as a person's name ("Hazard said", "Eden Hazard"):
    then the word before it is a role ("Chelsea star Hazard"), not part of a phrase."""
    m = tokens[i]
    token = m.group(0)
    if i == 0 or i + 1 >= len(tokens) or token in STOP_WORDS or token in NAME_LINKS or is_verb(token):
        return None
    left, right = tokens[i - 1], tokens[i + 1]
    if not (_spaced(text, left, m) and _spaced(text, m, right)) or not _right_of_name(text, tokens, i + 1, case):
        return None
    if person(right.group(0)):
        return None
    if title_case(left.group(0)) and mid_sentence(text, left.start()):
        return token[0].upper() + token[1:]  # "Senate judiciary Committee"
    if left.group(0) in ("for", "of") and i >= 2 and _spaced(text, tokens[i - 2], left):
        before = tokens[i - 2]
        if title_case(before.group(0)) and mid_sentence(text, before.start()) and case.ordinary(before.group(0)):
            return token[0].upper() + token[1:]  # "National Center for disaster Prevention", "Institute for policy Research"
    return None


def _right_of_name(text: str, tokens: list[re.Match[str]], j: int, case: EnglishCase) -> bool:
    """The capitalised word at ``j`` is an ordinary English word ("Department") that no name follows (not "Mark Reed")."""
    word = tokens[j].group(0)
    if not title_case(word) or not case.ordinary(word) or case.name(word) is not None or word.lower() in STOP_WORDS:
        return False
    if re.match(r"[-\d]", text[tokens[j].end() : tokens[j].end() + 1]):
        return False  # part of a designation: "Ukrainian military An-26 jets"
    if j + 1 < len(tokens) and _spaced(text, tokens[j], tokens[j + 1]):
        nxt = tokens[j + 1].group(0)
        if nxt[:1].isupper() and nxt.lower() not in NAME_LINKS:
            return False
        if not case.ordinary(nxt) and nxt.lower() not in STOP_WORDS:
            return False  # a word English does not write in lower case follows: a name that lost its capital too
            # ("Still Game star Ford kieran")
    return True


def surname(text: str, tokens: list[re.Match[str]], i: int, case: EnglishCase, standalone: int, capital: int, lower: int,
            is_verb: Callable[[str], bool]) -> str | None:
    """A word after a name English writes only capitalised, when the article writes it capitalised on its own
    mid-sentence (``standalone``) and capitalised at least as often as in lower case: "Jeff flake", "Eden hazard"."""
    m = tokens[i]
    token = m.group(0)
    if i == 0 or standalone < 1 or capital < lower or token in STOP_WORDS or token in NAME_LINKS or is_verb(token) or len(token) < 3:
        return None
    left = tokens[i - 1]
    word = left.group(0)
    if not _spaced(text, left, m) or not title_case(word) or case.name(word) != word or word.endswith(DEMONYM_ENDINGS):
        return None
    if not mid_sentence(text, left.start()) or text[m.end() : m.end() + 1] in ("-", "'", "’"):
        return None
    return token[0].upper() + token[1:]


def between_names(text: str, tokens: list[re.Match[str]], i: int, case: EnglishCase) -> str | None:
    """A word English writes only capitalised between two capitalised words, however short: "Stadio san Paolo"
    (a word of three letters needs more than English's own case elsewhere: "del" is no "Del")."""
    m = tokens[i]
    token = m.group(0)
    name = case.name(token)
    if name is None or token in NAME_LINKS or i == 0 or i + 1 >= len(tokens):
        return None
    left, right = tokens[i - 1], tokens[i + 1]
    if (_spaced(text, left, m) and _spaced(text, m, right) and title_case(left.group(0)) and title_case(right.group(0))
            and mid_sentence(text, left.start())):
        return name
    return None
