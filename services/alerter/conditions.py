"""The conditions of the rule language and how each is checked against an article.

Leaves (``entity``, ``keyword``, ``near``, ``language``, ``source``, ``tag``, ``story_size``) and the
combinators ``AllOf``, ``AnyOf`` and ``Not``. ``check`` returns the human-readable reasons a condition
holds (every branch that holds, so a user sees all of them) or None. ``parse_condition_query`` builds
the same objects from the compact query string (grammar in ``query.py``).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from schemas import Entity
from services.alerter.facts import TOKEN, Facts, is_state_body
from services.alerter.names import ENTITY_ID, normal_id
from services.alerter.query import parse_query
from services.runtime.text import is_unaccented, unaccented
from services.tagger.spellings import key_words

__all__ = [
    "Condition",
    "EntityCondition",
    "KeywordCondition",
    "LanguageCondition",
    "SourceCondition",
    "NearCondition",
    "TagCondition",
    "StorySizeCondition",
    "CopyCondition",
    "AllOf",
    "AnyOf",
    "Not",
    "names_it_only_itself",
    "parse_condition_query",
    "QID",
]

QID = re.compile(r"^[Qq][1-9][0-9]*$")


class Condition(Protocol):
    def check(self, facts: Facts) -> list[str] | None:
        """The reasons this condition holds, or None when it does not."""

    def describe(self) -> str:
        """The condition as a user wrote it, in one line."""


def _fields(entities: Sequence[Entity]) -> str:
    present = {e.field for e in entities}
    return " and ".join(f for f in ("title", "body") if f in present)


def _texts(mentions: Sequence[Entity]) -> str:
    return ", ".join(dict.fromkeys(repr(e.text) for e in mentions))


def _by_people(mentions: Sequence[Entity]) -> str:
    """How mentions the tagger gave a country (``country_id``) name it: ``by its people: 'Ukrainian'``, ``by its state
    body: 'Russian Foreign Ministry'``, or both."""
    bodies = [e for e in mentions if is_state_body(e)]
    words = [e for e in mentions if not is_state_body(e)]
    parts = ([f"its people: {_texts(words)}"] if words else []) + (
        [f"its state bod{'ies' if len({e.text for e in bodies}) > 1 else 'y'}: {_texts(bodies)}"] if bodies else [])
    return "by " + " and ".join(parts)


@dataclass(frozen=True)
class EntityCondition:
    """An entity linked to an id (a QID, or geonames:<id>), or named by a name; optionally salient.

    A name matches the entity the gazetteer resolves it to (``key``, set by the loader: any alias, any
    language), a linked entity with that canonical name, and an unlinked mention with that text, in British or
    American spelling as its key is (``spellings.key_words``: "Defence Ministry" and "Defense Ministry"). Salient:
    named in the title and/or lead (``where``: any of them), at least ``min_mentions`` times, with at least
    ``min_salience``. With ``people``, a country is also named by a word for its people ("Ukrainian troops": the
    tagger's ``country_id``); opt-in, since "Russian" in a report is not always a report about Russia. With ``sides``,
    also by a side taken for or against its people ("pro-Russian separatists": the tagger's ``side_country_id``).
    """

    value: str
    where: tuple[str, ...] = ()
    min_mentions: int = 1
    min_salience: float = 0.0
    key: str | None = None
    label: str | None = None
    people: bool = False
    sides: bool = False

    @property
    def qid(self) -> str | None:
        """The entity id the rule gives (``Q7184``, ``geonames:709717``); None for a name."""
        return normal_id(self.value) if ENTITY_ID.match(self.value) else None

    def check(self, facts: Facts) -> list[str] | None:
        ident = self.qid
        name = key_words(self.value.casefold())  # "Defence Ministry" is also "Defense Ministry"
        plain = is_unaccented(self.value)  # "Jose Gomez" is also "José Gómez" (the gazetteer's ``key`` folds already)
        linked: dict[str, list[Entity]] = {}
        unlinked: dict[str, list[Entity]] = {}
        people: dict[str, list[Entity]] = {}
        sides: dict[str, list[Entity]] = {}
        country = (ident or self.key) if self.people else None
        side_of = (ident or self.key) if self.sides else None
        for entity in facts.entities:
            # "pro-Moscow" (Moscow, linked, on Russia's side) is Russia's side; "pro-Russia" is named as Russia already.
            if (side_of is not None and entity.side_country_id is not None and normal_id(entity.side_country_id) == side_of
                    and normal_id(entity.canonical_id or "") != side_of):
                sides.setdefault(entity.side_country_id, []).append(entity)
            if country is not None and entity.country_id is not None and normal_id(entity.country_id) == country:
                people.setdefault(entity.country_id, []).append(entity)
            elif entity.canonical_id is not None:
                cid = normal_id(entity.canonical_id)
                if cid == ident or (ident is None and (cid == self.key or _named(entity.canonical_name or "", name, plain))):
                    linked.setdefault(entity.canonical_id, []).append(entity)
            elif ident is None and _named(entity.text, name, plain):
                unlinked.setdefault(entity.text, []).append(entity)
        salient = bool(self.where) or self.min_mentions > 1 or self.min_salience > 0
        reasons = []
        for cid, mentions in linked.items():
            label = mentions[0].canonical_name or mentions[0].text
            reason = self._salient(facts, cid, mentions) if salient else ""
            if reason is not None:
                reasons.append(f"entity:{cid} ({label}) in {_fields(mentions)}{reason}")
        for text, mentions in unlinked.items():
            key = getattr(mentions[0], "key", None)
            reason = self._salient(facts, key, mentions) if salient else ""
            if reason is not None:
                reasons.append(f"entity:{text!r} (unlinked) in {_fields(mentions)}{reason}")
        for found in (people, sides):
            for cid, mentions in found.items():
                # Its own salience: the words' keys ("name:ukrainian") are not the country's.
                reason = self._salient(facts, None, mentions) if salient else ""
                if reason is not None:
                    how = _by_people(mentions) if found is people else "by a side: " + _texts(mentions)
                    name = mentions[0].country_name if found is people else mentions[0].side_country_name
                    reasons.append(f"entity:{cid} ({name or cid}) {how} in {_fields(mentions)}{reason}")
        return reasons or None

    def _salient(self, facts: Facts, key: str | None, mentions: list[Entity]) -> str | None:
        stats = facts.stats(key, mentions)
        places = [w for w in self.where if (w == "title" and stats.in_title) or (w == "lead" and stats.in_lead)]
        if self.where and not places:
            return None
        if stats.mentions < self.min_mentions or stats.salience < self.min_salience:
            return None
        parts = [f"{stats.mentions} mention{'s' if stats.mentions != 1 else ''}"]
        if places:
            parts.append("in " + " and ".join(places))
        if self.min_salience > 0:
            parts.append(f"salience {stats.salience:g}")
        return ", " + ", ".join(parts)

    def describe(self) -> str:
        extra = (["people"] if self.people else []) + (["sides"] if self.sides else [])
        if self.where:
            extra.append("in " + "|".join(self.where))
        if self.min_mentions > 1:
            extra.append(f"mentions>={self.min_mentions}")
        if self.min_salience > 0:
            extra.append(f"salience>={self.min_salience:g}")
        return f"entity:{self.value}" + (f" ({', '.join(extra)})" if extra else "")

    def resolved(self) -> str | None:
        """What the entity the rule names is in the gazetteer (``Q7747 Vladimir Putin``), when the loader found it."""
        parts = [p for p in (self.key if self.key != self.value else None, self.label if self.label != self.value else None) if p]
        return " ".join(parts) or None


def _named(text: str, name: str, plain: bool) -> bool:
    """Whether ``text`` is ``name`` (case-folded, British spellings folded) in any case and either spelling, and with or
    without diacritics when ``plain``."""
    return key_words((unaccented(text) if plain else text).casefold()) == name


@dataclass(frozen=True)
class KeywordCondition:
    """Any of these words or phrases, whole words, case-insensitive, in the title or body: in English, or as the
    article came (its original language, its spelling before the name repairs). A phrase typed in plain letters matches
    with or without diacritics ("Sao Paulo" finds "São Paulo", as the newsroom's search does); one written with them
    matches as written ("año" is not "ano")."""

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
                    reasons.append(f"keyword:{phrase!r}{_as_written(written) if plain else ''}{where}")
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


def _as_written(written: str) -> str:  # " as 'São Paulo'": a keyword typed in plain letters found diacritics
    return "" if is_unaccented(written) else f" as {' '.join(written.split())!r}"


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Lookarounds instead of \b so phrases that start or end with punctuation ("U.S.") still work;
    # any run of whitespace matches a space, as line breaks in bodies fall anywhere.
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


# The normalizer labels an article with the narrower code of a macrolanguage (services/normalize/language.py):
# Norwegian as Bokmål or Nynorsk, Serbo-Croatian as Croatian, Serbian or Bosnian. A rule's `no` means all of them.
_MEMBERS = {"no": ("nb", "nn"), "sh": ("hr", "sr", "bs")}


def _iso639_1(code: str) -> str:
    """``code`` as the normalizer writes an article's language: ISO 639-1 where one exists (``eng`` is ``en``)."""
    code = code.lower()
    if len(code) == 2:
        return code
    from services.normalize.language import to_iso639_1  # only for a three-letter code: it loads langcodes' tables

    return to_iso639_1(code)


@dataclass(frozen=True)
class LanguageCondition:
    """The original language of the article is one of these ISO 639-1 codes (or of the languages of a
    macrolanguage: ``no`` is Bokmål and Nynorsk too); a three-letter code is its ISO 639-1 code."""

    codes: tuple[str, ...]
    _accepted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = tuple(dict.fromkeys(_iso639_1(c) for c in self.codes))
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "_accepted", frozenset(c for code in codes for c in (code, *_MEMBERS.get(code, ()))))

    def check(self, facts: Facts) -> list[str] | None:
        return [f"language:{facts.language}"] if facts.language in self._accepted else None

    def describe(self) -> str:
        return "language:" + "|".join(self.codes)


@dataclass(frozen=True)
class SourceCondition:
    """The article's source is one of these names, or matches one of these glob patterns, in any case (as ``tag``):
    a feed id written ``Wire-EN`` in the feeds file is ``wire-en`` to a rule."""

    patterns: tuple[str, ...]

    def check(self, facts: Facts) -> list[str] | None:
        source = facts.source.casefold()
        for pattern in self.patterns:
            if fnmatch.fnmatchcase(source, pattern.casefold()):
                if pattern.casefold() == source:
                    return [f"source:{facts.source!r}"]
                return [f"source:{facts.source!r} matches {pattern!r}"]
        return None

    def describe(self) -> str:
        return "source:" + "|".join(repr(p) for p in self.patterns)


@dataclass(frozen=True)
class NearCondition:
    """All these words or phrases in one field, each starting within ``within`` words of the others: in English, or, as
    a keyword, in the text as the article came (``near:'defensa' 'Zelenski' 2 words apart in the original title``)."""

    terms: tuple[str, ...]
    within: int
    _tokens: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    _plain: tuple[bool, ...] = field(init=False, repr=False, compare=False)  # as a keyword's: with or without diacritics

    def __post_init__(self) -> None:
        toks = tuple(tuple(w.casefold() for w in TOKEN.findall(t)) for t in self.terms)
        if any(not t for t in toks):
            raise ValueError("near: every term needs at least one word")
        object.__setattr__(self, "_tokens", toks)
        object.__setattr__(self, "_plain", tuple(is_unaccented(t) for t in self.terms))

    def check(self, facts: Facts) -> list[str] | None:
        for field_name in ("title", "body", "original title", "original body"):
            view = {p: (facts.words(field_name, plain=p), facts.positions(field_name, plain=p)) for p in set(self._plain)}
            span = _closest([view[p] for p in self._plain], self._tokens)
            if span is not None and span <= self.within:
                terms = " ".join(repr(t) for t in self.terms)
                where = field_name.replace("original ", "the original ")
                return [f"near:{terms} {span} word{'s' if span != 1 else ''} apart in {where}"]
        return None

    def describe(self) -> str:
        return f"near:{' '.join(repr(t) for t in self.terms)}~{self.within}"


def _closest(views: Sequence[tuple[list[str], dict[str, list[int]]]], terms: tuple[tuple[str, ...], ...]) -> int | None:
    """The smallest distance, in words, between the starts of the first and last of the terms in one window; each term
    looked for in its own view of the field's words (``(words, index)``: as written, or without diacritics)."""
    hits: list[tuple[int, int]] = []
    for t, (seq, (words, index)) in enumerate(zip(terms, views)):
        starts = [i for i in index.get(seq[0], ()) if len(seq) == 1 or tuple(words[i : i + len(seq)]) == seq]
        if not starts:
            return None
        hits.extend((i, t) for i in starts)
    hits.sort()
    need = len(terms)
    best: int | None = None
    counts: dict[int, int] = {}
    left = 0
    for right, (pos, t) in enumerate(hits):
        counts[t] = counts.get(t, 0) + 1
        while len(counts) == need:
            span = pos - hits[left][0]
            best = span if best is None else min(best, span)
            lt = hits[left][1]
            counts[lt] -= 1
            if not counts[lt]:
                del counts[lt]
            left += 1
    return best


@dataclass(frozen=True)
class TagCondition:
    """The article's feed has one of these tags (case-insensitive)."""

    tags: tuple[str, ...]

    def check(self, facts: Facts) -> list[str] | None:
        have = facts.tags
        found = [t for t in self.tags if t.casefold() in have]
        return [f"tag:{t!r}" for t in found] or None

    def describe(self) -> str:
        return "tag:" + "|".join(repr(t) for t in self.tags)


@dataclass(frozen=True)
class StorySizeCondition:
    """The article's story has at least ``min`` (and at most ``max``) articles."""

    min: int = 1
    max: int | None = None

    def check(self, facts: Facts) -> list[str] | None:
        size = facts.story_size
        if size < self.min or (self.max is not None and size > self.max):
            return None
        return [f"story_size:{size}"]

    def describe(self) -> str:
        return f"story_size:{self.min}.." + ("" if self.max is None else str(self.max))


@dataclass(frozen=True)
class CopyCondition:
    """The article is (``copy: true``) or is not (``copy: false``) a copy of an earlier article of its story: the same
    text republished (a syndicated wire story), as the story stage found it (``story_evidence.copy_of``)."""

    is_copy: bool

    def check(self, facts: Facts) -> list[str] | None:
        original = facts.copy_of
        if (original is not None) != self.is_copy:
            return None
        return [f"copy of {original}"] if original is not None else ["not a copy"]

    def describe(self) -> str:
        return f"copy:{str(self.is_copy).lower()}"


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]

    def check(self, facts: Facts) -> list[str] | None:
        reasons: list[str] = []
        for condition in self.conditions:
            found = condition.check(facts)
            if found is None:
                return None
            reasons.extend(found)
        return reasons

    def describe(self) -> str:
        return "all(" + ", ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]

    def check(self, facts: Facts) -> list[str] | None:
        # Every branch that holds is reported, so a user sees all the reasons an alert fired.
        reasons: list[str] = []
        held = False
        for condition in self.conditions:
            found = condition.check(facts)
            if found is not None:
                held = True
                reasons.extend(found)
        return reasons if held else None

    def describe(self) -> str:
        return "any(" + ", ".join(c.describe() for c in self.conditions) + ")"


@dataclass(frozen=True)
class Not:
    condition: Condition

    def check(self, facts: Facts) -> list[str] | None:
        return None if self.condition.check(facts) is not None else [f"not {self.condition.describe()}"]

    def describe(self) -> str:
        return f"not {self.condition.describe()}"


def names_it_only_itself(condition: Condition, entity: EntityCondition, option: str) -> bool:
    """Whether every article ``condition`` holds for names ``entity`` itself, not only as ``option`` ("people" or
    "sides") would let it be named: the condition requires (in every branch of an ``any``) an entity condition on the
    same entity that does not ask for the option. A burst counts the rule's matches only, so such a burst's option
    counts nothing more."""
    if isinstance(condition, EntityCondition):
        return not getattr(condition, option) and _same_entity(condition, entity)
    if isinstance(condition, AllOf):
        return any(names_it_only_itself(c, entity, option) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return all(names_it_only_itself(c, entity, option) for c in condition.conditions)
    return False  # a Not, or a condition on something else, requires no mention


def _same_entity(a: EntityCondition, b: EntityCondition) -> bool:
    def ident(c: EntityCondition) -> str:
        return c.qid or c.key or key_words(c.value.casefold())  # "Defence Ministry" is "Defense Ministry"

    return ident(a) == ident(b)



# --------------------------------------------------------------------------- the compact query form


def _query_leaf(field_name: str, value: str, token) -> Condition:
    if token.proximity is not None:
        words = value.split()
        if len(words) < 2:
            raise ValueError('proximity needs at least two words: "nato kyiv"~10')
        return NearCondition(tuple(words), token.proximity)
    if field_name == "keyword":
        return KeywordCondition((value,))
    if field_name in ("entity.people", "entity.sides"):
        # As {entity: {name: …, people: true}} and {entity: {name: …, sides: true}}; both: one OR the other.
        value = normal_id(value) if ENTITY_ID.match(value) else value
        return EntityCondition(value, people=field_name == "entity.people", sides=field_name == "entity.sides")
    if field_name in ("entity", "entity.title", "entity.lead"):
        where = () if field_name == "entity" else (field_name.split(".")[1],)
        return EntityCondition(normal_id(value) if ENTITY_ID.match(value) else value, where=where)
    if field_name == "language":
        if not re.match(r"^[A-Za-z]{2,3}$", value):
            raise ValueError(f"language {value!r} is not an ISO 639 code like 'en' or 'es'")
        return LanguageCondition((value.lower(),))
    if field_name == "source":
        return SourceCondition((value,))
    if field_name == "tag":
        return TagCondition((value,))
    if field_name == "copy":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"copy takes true or false, got {value!r}")
        return CopyCondition(value.lower() == "true")
    if field_name == "story_size":
        if not value.isdigit():
            raise ValueError(f"story_size takes a whole number (at least), got {value!r}")
        return StorySizeCondition(min=int(value))
    raise ValueError(f"unknown field {field_name!r}")  # pragma: no cover - the lexer checks


def _query_node(op: str, parts: list) -> Condition:
    if op == "not":
        return Not(parts[0])
    return AllOf(tuple(parts)) if op == "all" else AnyOf(tuple(parts))


def parse_condition_query(text: str) -> Condition:
    """A condition from the compact query form; QueryError (with a column) when it cannot be parsed."""
    return parse_query(text, _query_leaf, _query_node)
