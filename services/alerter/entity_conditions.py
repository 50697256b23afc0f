"""The ``entity`` condition: an entity a rule names by id or by name, linked or unlinked, optionally salient, and (opted in)
named by a word for its people or a side taken for them; how each mention is matched and what the reason says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas import Entity
from services.alerter.facts import Facts, is_state_body
from services.alerter.names import ENTITY_ID, normal_id
from services.runtime.text import is_unaccented, unaccented
from services.tagger.spellings import key_words

__all__ = ["EntityCondition", "same_entity"]


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
    # Worked out once, not for each article: the id, the name as keys write it ("Defence Ministry" is also "Defense
    # Ministry"), and whether it is typed in plain letters ("Jose Gomez" is also "José Gómez"; keys fold already).
    _ident: str | None = field(init=False, repr=False, compare=False)
    _name: str = field(init=False, repr=False, compare=False)
    _plain: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ident", normal_id(self.value) if ENTITY_ID.match(self.value) else None)
        object.__setattr__(self, "_name", key_words(self.value.casefold()))
        object.__setattr__(self, "_plain", is_unaccented(self.value))

    @property
    def qid(self) -> str | None:
        """The entity id the rule gives (``Q7184``, ``geonames:709717``); None for a name."""
        return self._ident

    def check(self, facts: Facts) -> list[str] | None:
        ident, name, plain = self._ident, self._name, self._plain
        linked: dict[str, list[Entity]] = {}
        unlinked: dict[str, list[Entity]] = {}
        people: dict[str, list[Entity]] = {}
        sides: dict[str, list[Entity]] = {}
        country = (ident or self.key) if self.people else None
        side_of = (ident or self.key) if self.sides else None
        if ident is not None and country is None and side_of is None:
            # The common rule, an entity by its id alone: only the mentions linked to it, looked up, not scanned.
            for entity in facts.linked_to(ident):
                linked.setdefault(entity.canonical_id or ident, []).append(entity)
            return self._reasons(facts, linked, unlinked, people, sides)
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
        return self._reasons(facts, linked, unlinked, people, sides)

    def _reasons(self, facts: Facts, linked: dict[str, list[Entity]], unlinked: dict[str, list[Entity]],
                 people: dict[str, list[Entity]], sides: dict[str, list[Entity]]) -> list[str] | None:
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


def same_entity(a: EntityCondition, b: EntityCondition) -> bool:
    """Whether two entity conditions name the same entity: one id, one gazetteer key, or one name."""

    def ident(c: EntityCondition) -> str:
        return c.qid or c.key or key_words(c.value.casefold())  # "Defence Ministry" is "Defense Ministry"

    return ident(a) == ident(b)
