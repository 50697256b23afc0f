"""A bare "Parliament" named as the whole a chamber of it belongs to, beside that chamber ("the State Duma, the lower
house of Parliament"; "the lower house of Parliament, the State Duma"): the chamber's country's, keyed as its name with
the country's word is (``name:russian parliament``), whatever else the article is about. And a body known by its own
name as one country's ("Duma": Russia's) with another country's word right before it ("the Ukrainian Duma"): neither
country's, keyed by the words written, as "Ukrainian Duma" in one mention is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from schemas import Entity
from services.tagger.linking import name_key

__all__ = ["chambers", "named_by_another"]

_PARLIAMENT = re.compile(r"(?:the[ \t]+)?parliament", re.IGNORECASE)
# "the lower house of", "the upper chamber of the": what makes the chamber named beside it one of this parliament's.
_CHAMBER_OF = re.compile(r"(?:the[ \t]+)?(?:lower|upper)[ \t]+(?:house|chamber)[ \t]+of[ \t]+(?:the[ \t]+)?$",
                         re.IGNORECASE)
# The apposition's comma, the chamber before it ("the State Duma, ") or after it (", the State Duma": "the" is cut off a
# span).
_COMMA_BEFORE = re.compile(r"[ \t]*,[ \t]*")
_COMMA_AFTER = re.compile(r"[ \t]*,[ \t]*(?:the[ \t]+)?")
_MEMBERS_AFTER = re.compile(r"[ \t]+(?:members?|deput(?:y|ies)|lawmakers?|legislators?|MPs?)\b", re.IGNORECASE)


def _chamber_beside(body: Entity, entities: Sequence[Entity], text: str) -> Entity | None:
    """The mention given a country (no people's word) that names the chamber of ``body``, a bare "Parliament" written
    after "the lower house of": right before that phrase or right after ``body``, a comma between; else None."""
    cut = _CHAMBER_OF.search(text, max(0, body.start - 40), body.start)
    if cut is None:
        return None
    for other in entities:
        if other.field != body.field or other.country_id is None or other.type == "NORP":
            continue
        if other.end <= cut.start() and _COMMA_BEFORE.fullmatch(text, other.end, cut.start()):
            return other
        if body.end <= other.start and _COMMA_AFTER.fullmatch(text, body.end, other.start):
            return other
    return None


def chambers(entities: Sequence[Entity], texts: Mapping[str, str], as_body: Callable[[Entity, str, str], Entity],
             country_name: Callable[[str], str | None]) -> list[Entity]:
    """``entities`` with each unlinked bare "Parliament" that a state body of one country is named beside as its lower
    or upper house ("the State Duma, the lower house of Parliament": the Duma is Russia's) given that country and keyed
    by it (``as_body(entity, qid, "Parliament")``: ``name:russian parliament``, named "Russian Parliament")."""
    out = []
    for e in entities:
        if (e.canonical_id is None and e.country_id is None and e.canonical_name is None and e.field in texts
                and e.type in ("ORG", "GPE", "LOC", "FAC") and _PARLIAMENT.fullmatch(e.text)):
            chamber = _chamber_beside(e, entities, texts[e.field])
            name = country_name(chamber.country_id) if chamber is not None and chamber.country_id is not None else None
            if chamber is not None and name is not None:
                e = as_body(e, chamber.country_id, "Parliament").model_copy(
                    update={"country_id": chamber.country_id, "country_name": name})
        out.append(e)
    return out


def named_by_another(entities: Sequence[Entity], texts: Mapping[str, str], own: Callable[[Entity], bool],
                     country_before: Callable[[str, int], tuple[int, str] | None]) -> list[Entity]:
    """``entities`` with each body given its own country by its name alone (``own``: "Duma", Russia's) that another
    country's people's word or name is written right before (``country_before(text, start)``: where that word starts
    and the QID it names; "the Ukrainian Duma", "Ukraine's Duma", where NER finds no entity and the organisations file
    finds "Duma"), given no country and keyed and named by the words written (``name:ukrainian duma``, "Ukrainian
    Duma"), as "Ukrainian Duma" in one mention is. There is no Ukrainian Duma (Ukraine's parliament is the Verkhovna
    Rada): the writer may mean the Rada, a Ukrainian faction of the Duma, or something else, and neither country's page
    should list it. Its own country's word leaves it alone ("Russian Duma"), and so does a word for its members after
    it ("a Palestinian Knesset member", "a Turkish Bundestag deputy": the people's word is the member's)."""
    out = []
    for e in entities:
        if e.field in texts and own(e) and not _MEMBERS_AFTER.match(texts[e.field], e.end):
            found = country_before(texts[e.field], e.start)
            if found is not None and found[1] != e.country_id:
                words = texts[e.field][found[0]:e.end]
                e = e.model_copy(update={"canonical_name": words, "key": name_key(words), "country_id": None,
                                         "country_name": None})
        out.append(e)
    return out
