"""Who a surname alone names: the key that pairs "Assad" with "Bashar al-Assad", a surname inside "pro-Assad", and
the one head of state or government a surname names where it qualifies a regime ("the Assad regime", "Putin's
government") in an article that gives no full name but names his country; and linking's pass that gives an article's surnames the person
they name (link_surnames).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from services.tagger.gazetteer import Gazetteer, GazetteerEntry, fold
from services.tagger.mentions import LINKABLE_TYPES, TITLE_WORDS, Candidate, FieldMentions, strip_titles
from services.tagger.name_evidence import is_english_word
from services.tagger.personal_titles import title_before

__all__ = ["bare_surname", "leader_fits", "leader_named_by", "link_surnames", "one_person", "qualifies_a_regime",
           "same_given_name", "side_before", "side_prefix", "side_rest_is_a_name", "surname_key"]

# The Arabic article written onto a family name: "al-Assad", "el-Sisi", "as-Sadr"; news drops it ("Assad said").
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|adh|an|ar|as|ash|at|ath|az)[-‐‑]", re.IGNORECASE)
# "pro-Assad", "anti-Assad": a side taken for or against someone, spelt onto his name.
_SIDE = re.compile(r"(?:pro|anti)[-‐‑](?=[A-Z])", re.IGNORECASE)
_SIDE_BEFORE = re.compile(r"(?<![\w-])(?:pro|anti)[-‐‑]$", re.IGNORECASE)
# What a ruler's name qualifies when it stands for his rule: "the Assad regime", "Assad's forces", "the Putin
# government", "Maduro loyalists". "family", "era", "years" are left out: "the Assad family" is also his father.
_REGIME_NOUN = re.compile(
    r"(?:['’]s)?[ \t]+(?:regime|government|administration|forces|troops|army|militias?|loyalists|camp|cabinet|"
    r"security forces|government forces|regime forces)\b"
)
_HEAD_KINDS = frozenset({"head_of_state", "head_of_government"})
# Titles that go with any name and say nothing of an office: "Mr Assad", "former Prime Minister Johnson".
_COURTESY = frozenset({"mr", "mrs", "ms", "dr", "sir", "lord", "lady", "former", "acting", "leader", "chief", "head", "official"})
# Words no name ends with (function words, auxiliaries, "says"): "Pro-Assad Areas Are ..." is no "Areas Are".
_NOT_A_NAME_END = frozenset(
    "a an the and or but nor of to in on at for with by from as into than that this these those who which is are was "
    "were be been being has have had do does did will would can could may might must shall should says said say".split()
)
_HEADLINE_WORD = re.compile(r"[^\W\d_]{4,}")


def bare_surname(word: str) -> str:
    """A family name as news writes it alone: "al-Assad" -> "Assad"."""
    return _ARABIC_ARTICLE.sub("", word)


def surname_key(word: str) -> str:
    """A family name folded and without the Arabic article: "al-Assad" and "Assad" are one key."""
    return fold(bare_surname(word))


def side_prefix(surface: str) -> int:
    """The length of a leading "pro-" or "anti-" before a capitalised name ("pro-Assad": 4), else 0."""
    m = _SIDE.match(surface)
    return m.end() if m else 0


def side_rest_is_a_name(rest: str, *, text: str, field: str) -> bool:
    """What is left of a span once the surname of a side is cut out ("pro-Assad Syrian Army" -> "Syrian Army") is kept
    only if it still reads as a name: not on a headline in title case ("Pro-Assad Areas Are Attacked in Syria", where
    capitals say nothing), not ending in a function word or verb ("Areas Are"), and not one ordinary English word
    ("anti-Assad Observatory"; "anti-Assad Syrian" keeps "Syrian")."""
    words = rest.split()
    if not words or words[-1].casefold() in _NOT_A_NAME_END:
        return False
    if len(words) == 1 and is_english_word(words[0]):
        return False
    return not (field == "title" and _title_cased(text))


def _title_cased(title: str) -> bool:
    """A headline whose every longer word is capitalised, as many English outlets write them."""
    words = _HEADLINE_WORD.findall(title)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def side_before(text: str, start: int) -> str | None:
    """"pro" or "anti" where a side is spelt onto the name at text[start:] ("pro-Moscow", "anti-Assad"), else None."""
    m = _SIDE_BEFORE.search(text, max(0, start - 6), start)
    return m.group()[:-1].casefold() if m else None


def qualifies_a_regime(text: str, start: int, end: int) -> bool:
    """The name at text[start:end] qualifies a ruler's regime, government or forces, or is a side's ("pro-Assad")."""
    return _REGIME_NOUN.match(text, end) is not None or _SIDE_BEFORE.search(text, max(0, start - 6), start) is not None


@lru_cache(maxsize=4)
def _people_by_surname(gazetteer: Gazetteer) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for entry in gazetteer:
        words = entry.name.split()
        if entry.type == "PERSON" and len(words) >= 2:
            found.setdefault(surname_key(words[-1]), set()).add(entry.id)
    return {key: frozenset(ids) for key, ids in found.items()}


def leader_named_by(gazetteer: Gazetteer, word: str) -> GazetteerEntry | None:
    """The one person of the gazetteer with this family name, if he is or was a head of state or government."""
    ids = _people_by_surname(gazetteer).get(surname_key(word), frozenset())
    entry = gazetteer.get(next(iter(ids))) if len(ids) == 1 else None
    return entry if entry is not None and any(role.kind in _HEAD_KINDS for role in entry.roles) else None


@lru_cache(maxsize=4)
def _people_words(gazetteer: Gazetteer) -> Callable[[str], tuple[str, str] | None]:
    from services.tagger.demonyms import Demonyms  # demonyms.py reads linking.py, which reads this module

    return Demonyms.load(gazetteer).country


def leader_fits(gazetteer: Gazetteer, leader: GazetteerEntry, surname: str, texts: Mapping[str, str], named: Sequence[Candidate]) -> bool:
    """Whether an article may mean ``leader`` by a surname that qualifies a regime: it names a country he held office
    in (a place or body of it, "Aleppo", or its people, "Syrian"), and gives that surname no title he never held.
    "The Johnson administration escalated the war in Vietnam. President Johnson..." is not Boris Johnson's, a prime
    minister of the United Kingdom, which the article never names."""
    countries = {country for c in named if c.entry is not None and c.entry.id != leader.id
                 for country in ({c.entry.country} | {role.of for role in c.entry.roles})}
    people = _people_words(gazetteer)
    countries |= {found[0] for c in named if c.entry is None and c.type in LINKABLE_TYPES
                  for word in texts[c.field][c.start : c.end].split() if (found := people(_bare_word(word))) is not None}
    if not countries & {role.of for role in leader.roles}:
        return False
    held = set(" ".join(role.office for role in leader.roles).casefold().split())
    titled = re.compile(rf"(?<![\w-])([A-Za-z]+)\.?[ \t]+{re.escape(surname)}(?![\w-])")
    # "President Johnson": Boris Johnson was no president. Courtesy titles say nothing of an office.
    return not any(title in TITLE_WORDS and title not in _COURTESY and title not in held
                   for text in texts.values() for title in (m.group(1).casefold() for m in titled.finditer(text)))


def one_person(names: Collection[str]) -> str | None:
    """The name of the one person several spellings give, each the end of the longest: "Lopez Obrador" and
    "Andres Manuel Lopez Obrador", "Kanye West" and "Rapper Kanye West" (a word before a name is no given
    name: "Kanye West" is the name); None for two people ("Joe Biden", "Hunter Biden")."""
    words = {name: fold(name).split() for name in names}
    longest = max(words.values(), key=len)
    if any(longest[len(longest) - len(w) :] != w for w in words.values()):
        return None
    proper = [name for name in names if not is_english_word(name.split()[0])]
    return max(proper or names, key=lambda name: (len(name.split()), len(name)))


def same_given_name(known: str, name: str) -> bool:
    """Two full names of one surname that open with the same given name are one person: "Bashar Hafez al Assad" is
    "Bashar al-Assad"; "Hafez al-Assad", his father, is not."""
    return fold(known.split()[0]) == fold(name.split()[0])


def _bare_word(word: str) -> str:
    return word.strip(".,;:!?'’\"“”()")


def _surname(name: str) -> str | None:
    words = strip_titles(name).split()
    return surname_key(words[-1]) if len(words) >= 2 else None


def _titled_one_name(name: str) -> str | None:
    """The one name a known person is called by after his title ("Pope Francis": "francis"), which names him alone
    later in the article as a surname does: "Francis urged..." after "Pope Francis", as "Francisco" after "el papa
    Francisco". Only a person the gazetteer knows: "Harry" after an unknown "Prince Harry" keeps its own key."""
    rest = strip_titles(name).split()
    return surname_key(rest[0]) if len(rest) == 1 and len(name.split()) > 1 else None


def link_surnames(gazetteer: Gazetteer, fields: Sequence[FieldMentions], candidates: list[Candidate],
                  language: str | None = None) -> list[Candidate]:
    """'Stoltenberg' -> the 'Jens Stoltenberg' the same article names; also surnames NER missed, where the article names
    the person in full or by a personal title and the surname ('M. Yuan', 'Mr Yuan': the ``language``'s titles or
    English ones; personal_titles.py), as the title says the word is a person's name. 'Assad' is the
    'Bashar al-Assad' named (the Arabic article dropped), and so is 'pro-Assad'; where no one of that name is named in
    full, a surname that qualifies a regime ('the Assad regime', 'Assad forces') is the one head of state or
    government of that surname the gazetteer knows (leader_named_by), where the article speaks of his country
    (leader_fits).

    A surname two people of the article share ('Joe Biden', 'Hunter Biden', then 'Biden said') stays
    unresolved: the nearest full name before it, what rule-based coreference picks, was wrong as often as
    right in real news ('Naina Yeltsin had an operation. ... Yeltsin, 65, ...' is Boris Yeltsin).
    """
    texts = {f.field: f.text for f in fields}
    full_names: dict[str, set[tuple[str | None, str]]] = {}
    surfaces: dict[str, str] = {}
    titled: dict[str, str] = {}  # surnames the article gives with a personal title ("M. Yuan"), by key
    for c in candidates:
        if c.type != "PERSON":
            continue
        surface = texts[c.field][c.start : c.end]
        names = [c.entry.name, surface] if c.entry is not None else [strip_titles(surface)]
        for name in names:
            key = _surname(name) or (_titled_one_name(name) if c.entry is not None else None)
            if key is None:
                continue
            full_names.setdefault(key, set()).add((c.entry.id if c.entry else None, c.canonical_name or strip_titles(surface)))
            surfaces.setdefault(key, bare_surname(name.split()[-1]))
        words = strip_titles(surface).split()
        if c.entry is None and len(words) == 1 and words[0][:1].isupper() and words[0].casefold().strip(".") not in TITLE_WORDS and (
                surface != words[0] or title_before(texts[c.field], c.start, language)):
            titled.setdefault(surname_key(words[0]), bare_surname(words[0]))  # "Mr Yuan", "M. Yuan"

    entries_by_id = {c.entry.id: c.entry for c in candidates if c.entry is not None}

    def person_for(key: str) -> tuple[GazetteerEntry | None, str] | None:
        found = full_names.get(key)
        linked = {qid for qid, _ in found or () if qid is not None}
        if len(linked) == 1 and all(qid or same_given_name(entries_by_id[next(iter(linked))].name, name) for qid, name in found):
            found = {(next(iter(linked)), "")}  # "Bashar Hafez al Assad" is the "Bashar al-Assad" the gazetteer knows
        if not found or len({qid for qid, _ in found}) != 1:
            return None  # unknown, or two Stoltenbergs in one article: do not guess
        qid = next(iter(found))[0]
        if qid is not None:
            return entries_by_id[qid], entries_by_id[qid].name
        name = one_person({name for _, name in found})
        return None if name is None else (None, name)

    def titled_person(key: str) -> tuple[GazetteerEntry | None, str | None] | None:
        # A person, but no name to give beyond the word itself: no canonical name, as a surname alone has none.
        return (None, None) if key in titled and key not in full_names else None

    result: list[Candidate] = []
    for c in candidates:
        surface = texts[c.field][c.start : c.end]
        words = surface.split()
        if c.entry is None and c.type in LINKABLE_TYPES:
            side = side_prefix(surface)
            if c.type == "PERSON" and len(words) >= 2 and not side:
                c = replace(c, canonical_name=strip_titles(surface))
            elif (len(words) == 1 or side) and surface[side : side + 1].isupper():
                word = words[0][side:]
                start = c.start + side
                person = person_for(surname_key(word))
                if person is None and surname_key(word) not in full_names and qualifies_a_regime(texts[c.field], start, start + len(word)):
                    leader = leader_named_by(gazetteer, word)
                    fits = leader is not None and leader_fits(gazetteer, leader, word, texts, candidates)
                    person = (leader, leader.name) if fits else None
                person = person or titled_person(surname_key(word))
                if person is not None:
                    entry, name = person
                    rest = c.start + surface.index(words[1], len(words[0])) if len(words) > 1 else c.end
                    if rest < c.end and side_rest_is_a_name(texts[c.field][rest : c.end], text=texts[c.field], field=c.field):
                        result.append(replace(c, start=rest))  # "anti-Assad Syrian": the rest keeps NER's label
                    c = replace(c, start=start, end=start + len(word), type="PERSON", entry=entry, canonical_name=name)
        result.append(c)

    # A surname NER did not tag at all ("... said Stoltenberg, who ...").
    for key, surface in (titled | surfaces).items():
        person = person_for(key) or titled_person(key)
        if person is None:
            continue
        entry, name = person
        pattern = re.compile(rf"(?<![\w-]){re.escape(surface)}(?![\w-])")
        for f in fields:
            taken = [(c.start, c.end) for c in result if c.field == f.field]
            for m in pattern.finditer(f.text):
                if any(s < m.end() and m.start() < e for s, e in taken):
                    continue
                result.append(Candidate(f.field, m.start(), m.end(), "PERSON", entry, name))
    return result
