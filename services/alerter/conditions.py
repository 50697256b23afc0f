"""The conditions of the rule language: the tree they make and how each is checked against an article.

The combinators ``AllOf``, ``AnyOf`` and ``Not``, and the leaves on what an article is (``language``, ``source``,
``tag``, ``story_size``, ``copy``); the leaves on what it says have modules of their own, exported again from here:
``entity_conditions.py`` (``entity``) and ``keyword_conditions.py`` (``keyword``, ``near``). ``check`` returns the
human-readable reasons a condition holds (every branch that holds, so a user sees all of them) or None.
``parse_condition_query`` builds the same objects from the compact query string (grammar in ``query.py``).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Protocol

from services.alerter.entity_conditions import EntityCondition, same_entity
from services.alerter.facts import Facts
from services.alerter.keyword_conditions import KeywordCondition, NearCondition
from services.alerter.names import ENTITY_ID, normal_id
from services.alerter.query import parse_query

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
        return not getattr(condition, option) and same_entity(condition, entity)
    if isinstance(condition, AllOf):
        return any(names_it_only_itself(c, entity, option) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return all(names_it_only_itself(c, entity, option) for c in condition.conditions)
    return False  # a Not, or a condition on something else, requires no mention


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
