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

    def __init__(self, gazetteer) -> None:
        self._gazetteer = gazetteer
        self._aliases: dict[str, dict[str, str]] | None = None

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

    def known(self, entity_id: str) -> str | None:
        """The canonical name of the entity with this id, or None when the gazetteer has no such entity."""
        entry = self._gazetteer.get(entity_id)
        return entry.name if entry is not None else None

    def is_country(self, entity_id: str) -> bool:
        """Whether the entity with this id is a country (the gazetteer's own ``country`` is itself)."""
        entry = self._gazetteer.get(entity_id)
        return entry is not None and entry.country == entry.id

    def resolve(self, name: str) -> Resolution:
        entry = self._gazetteer.lookup(name) or self._gazetteer.lookup_acronym(name)
        if entry is not None:
            return Resolution(id=entry.id, name=entry.name)
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
