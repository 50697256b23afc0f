"""How much an article is about each of its entities: mention count, and whether the title or the lead names it.

Rules and story clustering ask for the entities an article is about, not the ones it names in passing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.models import Entity, Salience
from services.runtime.text import LEAD_MAX_CHARS, lead_end

__all__ = ["LEAD_MAX_CHARS", "lead_end", "salience"]


@dataclass
class _Tally:
    name: str
    type: str
    mentions: int = 0
    in_title: bool = False
    in_lead: bool = False
    linked: bool = False
    surfaces: list[str] = field(default_factory=list)


def salience(entities: Sequence[Entity], body: str) -> list[Salience]:
    """One record per entity key, most salient first (title, then lead, then mentions, then name)."""
    lead = lead_end(body)
    tallies: dict[str, _Tally] = {}
    for entity in entities:
        if entity.key is None:
            continue
        tally = tallies.get(entity.key)
        if tally is None:
            tally = tallies[entity.key] = _Tally(name=entity.canonical_name or entity.text, type=entity.type)
        tally.mentions += 1
        tally.linked = tally.linked or entity.canonical_id is not None
        if entity.canonical_name is None and len(entity.text) > len(tally.name):
            tally.name = entity.text  # unlinked: the fullest spelling names it best
        if entity.field == "title":
            tally.in_title = True
        elif entity.start < lead:
            tally.in_lead = True
    records = [
        Salience(key=key, name=t.name, type=t.type, mentions=t.mentions, in_title=t.in_title, in_lead=t.in_lead)
        for key, t in tallies.items()
    ]
    records.sort(key=lambda s: (not s.in_title, not s.in_lead, -s.mentions, s.name))
    return records
