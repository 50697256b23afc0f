"""The ``article:before-country`` repair: the article Romance languages put before a country's name, dropped.

Italian, French, Portuguese, Catalan and Romanian write most country names with an article ("la Bielorussia", "l'Indonésie",
"a Indonésia"), which Apertium, through Spanish or straight, carries into English word for word: "the Belarus",
"in the Indonesia", "with the North Korea". English writes most country names without one. The article is dropped
before a country the gazetteer names (``places.yaml``, with the corrections of ``gazetteer.yaml``) when:

- the country is not one English writes with "the": a plural, a republic, kingdom, union or islands ("the United
  Kingdom", "the Netherlands", "the Czech Republic"), "the Gambia", "the Bahamas" (their names start with "The"),
  and countries whose name is also a river's ("the Jordan", "the Niger", "the Senegal");
- the article is not part of a longer noun phrase: the name ends the clause or meets a function word, a determiner,
  a possessive, a bracket or a quotation mark ("the Indonesia has", "in the Mexico.", "the Indonesia's", "the Greece
  that", "the China every time"), or a verb that can only be finite ("the Indonesia grows", "went up", "the China
  concedes"; an -ed form only before a determiner: "the China presented his plan"); never a noun, a participle or
  another name after it ("the Ukraine crisis", "the Ukraine armed forces", "the Israel Defense Forces", "the
  Russia-Ukraine border"), nor "of" ("the Georgia of the 1990s", "the Russia of Putin" are English).
"""

from __future__ import annotations

import re
from functools import lru_cache

from services.normalize.changes import Edit
from services.normalize.evidence import ArticleNames
from services.normalize.lexicon import Lexicon, word_classes
from services.normalize.text import overlaps

__all__ = ["article_before_country", "country_names"]

# Words in a country's name that make English write "the" before it ("the Czech Republic", "the Cayman Islands").
_TAKES_THE_WORDS = frozenset("Republic Kingdom States Union Emirates Federation Islands Island Isle Lands Territory Coast Sahara City of".split())
# Plural names, and names English also gives a river (where "the Jordan" is the river).
_TAKES_THE = frozenset("Netherlands Philippines Maldives Seychelles Comoros Bahamas Gambia Congo Vatican Jordan Niger Senegal Paraguay Uruguay".split())
# Words after the name that end its noun phrase: the article belongs to the name alone. Not "of" ("the Georgia of the 1990s").
_FOLLOWERS = frozenset(
    "in on at to from with by for into during after before since until against between among as about over under through "
    "and or but nor while because although though if when where whereas that which who whose "
    "is was are were has have had will would can could should may might must does did also still already now then".split()
)
# Determiners and possessives: they start a noun phrase of their own ("the China every time", "presented his plan").
_DETERMINERS = frozenset("a an the this these those every each its his her their".split())
# Third-person forms whose noun (a say, a go) is never written in the plural in the news; other verbs that are nouns too
# ("talks", "plans") are left: "the Ukraine talks" is a noun phrase.
_FINITE = frozenset({"says", "goes"})
_AFTER = re.compile(r"(?:['’]s\b|[ \t]*(?:[.,;:!?)\]”\"«»(\n]|$)|[ \t]+([a-z]+)\b)")
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)\b")


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """The English names of the gazetteer's countries English writes without "the" ("Belarus", "North Korea")."""
    from services.tagger.gazetteer import BUNDLED_GAZETTEER, BUNDLED_PLACES, bundled_raw

    names: dict[str, set[str]] = {}
    for path in (BUNDLED_PLACES, BUNDLED_GAZETTEER):  # gazetteer.yaml renames some ("People's Republic of China" is "China")
        for entry in bundled_raw(path):
            if not isinstance(entry.get("name"), str):
                continue
            country = entry["id"] == entry.get("country") and entry.get("type") == "GPE"
            if country or (path == BUNDLED_GAZETTEER and entry["id"] in names):
                names.setdefault(entry["id"], set()).add(entry["name"])  # both: "Ireland" and "Republic of Ireland"
    return frozenset(n for both in names.values() for n in both
                     if not n.startswith("The ") and n not in _TAKES_THE and not _TAKES_THE_WORDS.intersection(n.split()))


@lru_cache(maxsize=4)
def _pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![^\W\d_])(?:the|The) (?P<name>{alternatives})(?![\w-])")


def article_before_country(text: str, ctx: ArticleNames, lexicon: Lexicon, blocked) -> list[Edit]:
    """"the Belarus" → "Belarus" where the article belongs to the country's name alone (module docstring)."""
    names = country_names()
    edits = []
    for m in _pattern(names).finditer(text):
        if overlaps((m.start(), m.start("name")), blocked):
            continue  # the name may be one the translator copied ("la Cina o la Russia"): it is the English one all the same
        after = _AFTER.match(text, m.end())
        if after is None or (after.group(1) is not None and not _ends_name_phrase(text, after)):
            continue
        edits.append(Edit(m.start(), m.start("name"), text[m.start() : m.start("name")], ""))
    return edits


def _ends_name_phrase(text: str, after: re.Match[str]) -> bool:
    """Whether the word after a country's name (``after``'s group 1) starts something other than the name's noun phrase."""
    word = after.group(1)
    if word in _FOLLOWERS or word in _DETERMINERS or word in _FINITE:
        return True
    classes = word_classes()
    if classes.only_finite_verb(word):
        return True
    following = _NEXT_WORD.match(text, after.end())
    return classes.past_or_participle(word) and following is not None and following.group(1) in _DETERMINERS
