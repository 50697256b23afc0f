"""Whether a place's name, found in English text, is only part of a longer name.

"Hong Kong" in "the Hong Kong Open", "Israel" in "the Israel Defense Forces", "Cuba" in "Santiago de Cuba",
"St. Martin" in "St. Martin's" (a church) name something else: a tournament, an army, a city, a parish.
An entity linker takes the whole name as the mention (the longest match, or NER's span) and links it, or
links nothing when it does not know it; it does not link a word inside it. The gazetteer's longest match and
NER's longer span already do that when they see the longer name (linking.py); this reads the capital letters
for the longer names neither of them knows:

- a capitalised word right after the place, on the same line: "Hong Kong Open", "Israel Defense Forces";
  not an office ("Kyiv Mayor Vitali Klitschko", "Texas Governor Greg Abbott": the place is a modifier, and
  the person's office is the place's), a day or a month ("Israel Monday"), or another name ("Israel Hamas war");
- a capitalised word and "de" before it, or "de" (Dutch "der", "den") and a capitalised word after it:
  "Santiago de Cuba", "Van der Westhuizen" (a rugby player, not the Turkish city); not
  a title or the form of a state. English "of" says where someone or something is from, not a name:
  "Chancellor Angela Merkel of Germany", "Benetton of Italy", "Xining of Qinghai Province";
- a saint's name with a possessive: "St. Martin's" (a church, a school), not the island of Saint Martin;
- a part of an Arabic name, whose words are joined by particles ("al-", "el-", the article before a sun letter:
  "ad-", "ash-", "as-", "an-"..., "bin", "ibn", "bint") or open with one ("Abu", "Abdul", "Abd al-"): "Ahmad" (an
  alias of Kuwait's Al Ahmadi) in "Ahmad al-Ali", "Ahmad ash-Shami", "Said al-Ahmad", "Mohammed bin Salman",
  "Abu Bakr al-Baghdadi". A place the gazetteer knows by the whole run is its longest match, not a part:
  "Abu Dhabi", "Ras al-Khaimah", "Al-Hasakah". Not a run: another known name on the particle's other side ("the
  Dubai Abu Dhabi road"), or an English word before "al-" ("In al-Raqqa", "The al-Raqqa front").

In a sentence of capitals or of capitalised words (a headline, "Hong Kong Police Arrest Activists") a capital
says nothing: the rules that read capitals are silent there; the particles of an Arabic name are words, and count.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from services.normalize.dates import MONTH_NAMES, WEEKDAYS
from services.runtime.sentences import sentence_bounds
from services.tagger.name_evidence import is_english_word

__all__ = ["inside_arabic_name", "inside_longer_name"]

# Words after which a place's name stays a modifier; the caller's titles ("Mayor", "President") come on top.
_NOT_A_NAME = frozenset(
    """
    i newsroom bureau
    cardinal archbishop bishop rabbi imam pastor coach captain
    """.split()
) | frozenset(WEEKDAYS) | frozenset(MONTH_NAMES)
_STATE_FORMS = frozenset({"kingdom", "republic", "state", "states", "emirate", "principality", "commonwealth", "duchy", "federation", "union"})
# Words of a title that are no office by themselves: "Israel Defense Forces" is no title, "Defense Minister" is.
_QUALIFIERS = frozenset(
    "foreign defence defense interior finance state general vice prime high first supreme former acting executive deputy crown".split()
)
_AFTER = re.compile(r"(?:[ \t]+(?:de|del|da|do|du|di|der|den))?[ \t]+([A-Z][\w'’.&-]*)")
_RUN = re.compile(r"(?:[ \t]+[A-Z][\w'’.&-]*){1,4}")
# Only the Romance "de": English "of" before a place says where someone or something is from ("Chancellor
# Angela Merkel of Germany", "Benetton of Italy").
_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][\w'’.-]*)[ \t]+(?:de|del|da|do|du|di)[ \t]+$")
# After an abbreviation's full stop a capital may start a sentence: "the West Coast of the U.S. As Rosa approaches".
_SENTENCE_OPENERS = frozenset("a an the as at in on it its this that these those there then but and or if when while after before".split())
_SAINT = re.compile(r"(?:St\.?|Saint|Ste\.?|San|Santa)\s", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s(?!\w)")
# Particles that join an Arabic name's words, and those that open one; "al-" also opens a place's name ("al-Raqqa").
# Before a "sun letter" the article's l is written as that letter: "ad-Din", "ash-Shami", "as-Sadr", "an-Nahar".
_ARTICLE = r"(?:al|el|ad|adh|an|ar|as|ash|at|ath|az|Al|El|Ad|Adh|An|Ar|As|Ash|At|Ath|Az|AL|EL)"
_JOINING = rf"(?:{_ARTICLE}-|(?:al|el)[ \t]+|(?:bin|ibn|bint|Bin|Ibn|Bint|BIN|IBN|BINT)[ \t]+)"
_OPENING = r"(?:Abu|Abou|Abdul|Abdel|Abd|ABU|ABOU|ABDUL|ABDEL|ABD)[ \t]+(?:(?:al|el)-)?"
_PARTICLE_AFTER = re.compile(rf"[ \t]+(?:{_JOINING}|{_OPENING})([A-Z][\w'’-]*)")
_JOINED_BEFORE = re.compile(rf"(?<![\w'’.-])([A-Z][\w]*)[ \t]+{_JOINING}$")
_OPENED_BEFORE = re.compile(rf"(?<![\w'’.-]){_OPENING}$")
# Given names and titles that open an Arabic name and that English also writes as words: "Said al-Ahmad" is a man,
# not the verb, as "In al-Raqqa" and "The al-Raqqa front" are English words before a place.
_NAME_WORDS = frozenset("said sultan amir emir jihad sheikh sheik imam mufti".split())
_HEADLINE_SHARE = 0.5
_SENTENCE_WINDOW = 400


def _headline(line: str) -> bool:
    """All capitals, or title case (most ordinary words after the first capitalised: "Hong Kong Police Arrest
    Six"): capitals say nothing there. Names do not count: a news sentence is full of them."""
    if not any(c.islower() for c in line):
        return True
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line)[1:] if len(w) >= 4 and is_english_word(w)]
    return bool(words) and sum(w[0].isupper() for w in words) > _HEADLINE_SHARE * len(words)


def _is_name_word(word: str, titles: Collection[str]) -> bool:
    bare = word.casefold().strip(".'’-")
    return bool(bare) and bare not in titles and bare not in _NOT_A_NAME


def inside_longer_name(text: str, start: int, end: int, names: Collection[tuple[int, int]], titles: Collection[str]) -> bool:
    """Whether the place named at ``text[start:end]`` is part of a longer capitalised name.

    ``names`` are the spans of the other names found in the text (a capitalised word that starts one of them
    is that name, not a continuation); ``titles`` the words of offices ("mayor", "president").
    """
    begin, stop = sentence_bounds(text, start, end, _SENTENCE_WINDOW)
    if _headline(text[begin:stop]):
        return False
    if _SAINT.match(text, start) and _POSSESSIVE.match(text, end):
        return True  # "St. Martin's"
    after = _AFTER.match(text, end)
    # "Israel Hamas war" is two names; "Santiago de Cuba" is one.
    first = after.group(1).casefold().strip(".'’-") if after else ""
    if text[end - 1] == "." and first in _SENTENCE_OPENERS:
        return False
    if after and first not in _NOT_A_NAME and (after.group(1) != after.group().split()[0] or not any(s <= after.start(1) < e for s, e in names)):
        run = [w.casefold().strip(".'’-") for w in _RUN.match(text, after.start(1) - 1).group().split()]
        if not any(w in titles and w not in _QUALIFIERS for w in run):  # "Kyiv Mayor", "U.S. Defense Secretary"
            return True
    before = _BEFORE.search(text[max(0, start - 60) : start])
    if before:
        word = before.group(1).casefold().strip(".")
        return _is_name_word(word, titles) and word not in _STATE_FORMS
    return False


def inside_arabic_name(text: str, start: int, end: int, names: Collection[tuple[int, int]]) -> bool:
    """Whether the place named at ``text[start:end]`` is a word of an Arabic name run ("Ahmad al-Ali").

    ``names`` are the spans of the other names the gazetteer knows in the text: a particle between two of them
    joins no name ("the Dubai Abu Dhabi road")."""

    def known(at: int) -> bool:
        return any(s <= at < e for s, e in names)

    after = _PARTICLE_AFTER.match(text, end)
    if after and not known(after.start(1)):
        return True  # "Ahmad al-Ali", "Ahmad bin Ali", "Ahmad Abu Zeid"
    window = max(0, start - 40)
    if _OPENED_BEFORE.search(text, window, start):
        return True  # "Abu Ahmad", "Abd al-Ahmad"
    joined = _JOINED_BEFORE.search(text, window, start)
    if joined is None or known(joined.start(1)):
        return False
    word = joined.group(1)
    return not is_english_word(word) or word.casefold() in _NAME_WORDS  # "Ali bin Ahmad", "Said al-Ahmad"
