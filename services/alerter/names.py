"""Entity names in rules resolved to the keys the tagger links mentions to, through the tagger's gazetteer.

``{entity: Putin}`` means Q7747 because the gazetteer knows "Putin" as an alias of Vladimir Putin (any language,
any script, as ``wirewatch gazetteer lookup`` shows); a name it does not know, or knows for several entities,
is said so with the nearest names it does know.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["ENTITY_ID", "EntityNames", "Resolution", "default_names", "normal_id"]

# The keys the tagger gives linked entities: a Wikidata QID, or geonames:<id> for a generated place without a QID.
ENTITY_ID = re.compile(r"^(?:[Qq][1-9][0-9]*|[Gg][Ee][Oo][Nn][Aa][Mm][Ee][Ss]:[1-9][0-9]*)$")


def normal_id(value: str) -> str:
    """An entity id as the tagger writes it: ``Q7184``, ``geonames:709717``."""
    return value.upper() if value[:1] in "Qq" else value.lower()


@dataclass(frozen=True)
class Resolution:
    """What a name in a rule stands for: one entity (``id``), several (``ambiguous``), or none (``suggestions``)."""

    id: str | None = None
    name: str | None = None
    ambiguous: tuple[tuple[str, str], ...] = ()
    suggestions: tuple[tuple[str, str, str], ...] = ()  # (alias as written, id, canonical name)


class EntityNames:
    """Look-ups over a gazetteer (anything with ``lookup``, ``lookup_acronym``, ``get`` and iteration over entries)."""

    def __init__(self, gazetteer, towns=None) -> None:
        """``towns``: the tagger's towns table (services.tagger.towns; the bundled one if not given), whose towns are
        linked only beside their region and so are named here as the tagger names them, "Springfield, Missouri"."""
        self._gazetteer = gazetteer
        self._aliases: dict[str, dict[str, str]] | None = None
        self._towns = towns
        self._region_names: dict[str, set[str]] | None = None  # built on first need: :meth:`_regions_named`

    def _index(self) -> dict[str, dict[str, str]]:
        # Folded alias -> {id: alias as written}; built on first need (an unknown or ambiguous name), not per load.
        if self._aliases is None:
            from services.tagger.gazetteer import fold

            index: dict[str, dict[str, str]] = {}
            for entry in self._gazetteer:
                for alias in (entry.name, *entry.aliases, *entry.cased_aliases):
                    index.setdefault(fold(" ".join(alias.split())), {}).setdefault(entry.id, alias)
            self._aliases = index
        return self._aliases

    @property
    def towns(self):
        if self._towns is None:
            from services.tagger.towns import Towns

            self._towns = Towns()
        return self._towns

    def known(self, entity_id: str) -> str | None:
        """The canonical name of the entity with this id (of the gazetteer, or a town of the towns table), or None when
        neither has it."""
        entry = self._gazetteer.get(entity_id)
        if entry is not None:
            return entry.name
        return self.towns.named(entity_id) if entity_id.startswith("geonames:") else None

    def _regions_named(self, name: str) -> set[str]:
        """The ids of the places ``name`` may be as the region after a town: any of the gazetteer's names, the short name
        a region shares with a country or capital ("Georgia", "Washington": it links by its longer one), a US state's
        abbreviation as news writes it ("Ga.", "GA", "Mo")."""
        from services.tagger.gazetteer import fold

        if self._region_names is None:
            from services.tagger.appositions import state_abbreviations
            from services.tagger.shared_places import shared_names

            found: dict[str, set[str]] = {}
            for shared in shared_names(self._gazetteer):
                found.setdefault(fold(shared.name), set()).update(r.id for r in shared.regions)
            for code, state in state_abbreviations(self._gazetteer).items():  # as written: "IN" is no "in"
                found.setdefault(code, set()).add(state.id)
            self._region_names = found
        folded = fold(" ".join(name.split()))
        return (set(self._index().get(folded, ())) | self._region_names.get(folded, set())
                | self._region_names.get(name, set()) | self._region_names.get(name + ".", set()))

    def _town(self, name: str) -> Resolution | None:
        """A town of the towns table named with its region, as the tagger links it ("Springfield, Missouri", "Athens,
        Ga.", "Savannah, GA": the region by any of its names or a US state's abbreviation), where one region of that
        name has a town of that name; else a place of the gazetteer named with its country ("Paris, France"); None
        otherwise."""
        town, comma, region_name = (part.strip() for part in name.rpartition(","))
        if not comma or not town or not region_name:
            return None
        regions = list(filter(None, map(self._gazetteer.get, self._regions_named(region_name))))
        found = {town_entry.id: town_entry for region in regions if (town_entry := self.towns.get(town, region)) is not None}
        place = self._gazetteer.lookup(town)
        if not found and place is not None and any(place.country == r.id != place.id for r in regions):
            found[place.id] = place  # a city the gazetteer has, with its country after it: "Paris, France"
        if len(found) != 1:
            return None
        (entry,) = found.values()
        return Resolution(id=entry.id, name=entry.name)

    def is_country(self, entity_id: str) -> bool:
        """Whether the entity with this id is a country (the gazetteer's own ``country`` is itself)."""
        entry = self._gazetteer.get(entity_id)
        return entry is not None and entry.country == entry.id

    def resolve(self, name: str) -> Resolution:
        entry = self._gazetteer.lookup(name) or self._gazetteer.lookup_acronym(name)
        if entry is not None:
            return Resolution(id=entry.id, name=entry.name)
        town = self._town(name)
        if town is not None:
            return town
        from services.tagger.gazetteer import fold

        key = fold(" ".join(name.split()))
        index = self._index()
        shared = index.get(key) or index.get(key[4:] if key.startswith("the ") else key) or {}
        if len(shared) > 1:
            return Resolution(ambiguous=tuple(sorted((i, self.known(i) or "") for i in shared)))
        suggestions: list[tuple[str, str, str]] = []
        for close in difflib.get_close_matches(key, index.keys(), n=6, cutoff=0.8):
            for entity_id, alias in index[close].items():
                if all(s[1] != entity_id for s in suggestions):
                    suggestions.append((alias, entity_id, self.known(entity_id) or alias))
        return Resolution(suggestions=tuple(suggestions[:3]))


@lru_cache(maxsize=4)
def _load(paths: tuple[Path, ...]) -> EntityNames:
    from services.tagger.gazetteer import Gazetteer

    return EntityNames(Gazetteer.load(paths))


def default_names(paths: Iterable[Path] | None = None) -> EntityNames:
    """The gazetteer the tagger links with: the bundled data and ``paths`` (default: WIREWATCH_TAGGER__GAZETTEER)."""
    if paths is None:
        from services.runtime.settings import Settings

        paths = Settings().tagger.gazetteer
    return _load(tuple(Path(p) for p in paths))
