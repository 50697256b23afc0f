"""A name a country or a capital shares with a region elsewhere ("Georgia", a US state; "Niger", a Nigerian state;
"Washington", a state far from the capital): the gazetteer links it to the country or capital, and an article whose
other places are all on the region's side means the region, as geoparsers (CLAVIN, Mordecai) pick the candidate the
text's unambiguous places agree with."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from schemas import Entity
from services.tagger.gazetteer import Gazetteer, GazetteerEntry, first_level_regions, km
from services.tagger.linking import _countries, name_key

__all__ = ["SharedName", "SharedPlaces"]

# What a region's longer name adds to the name it shares: "Georgia State", "State of Georgia", "Niger State",
# "Santa Elena Province", "San José Department".
_REGION_WORD = r"(?:state|province|region|department|county|district|governorate|oblast|prefecture|territory)"
_LONGER_NAME = re.compile(rf"^(?:{_REGION_WORD} of (?:the )?(?P<after>.+)|(?P<before>.+?) {_REGION_WORD})$", re.IGNORECASE)
# A capital this far from a region's label point lies outside it: Washington, D.C. is 3,680 km from Washington State;
# a region named for the capital it holds has its label point within 120 km of it (Buenos Aires Province, 113 km).
_OUTSIDE_KM = 500
_PLACE_TYPES = frozenset({"GPE", "LOC"})
_REGION, _DEFAULT = 1, -1
# A region this far from every place of the one other country an article's places are in is another continent's: a bare
# "Savannah" beside Atlanta and Georgia is not Ghana's Savannah Region (Atlanta is 8,900 km from it); England beside
# Chisinau and Moldova (2,100 km) is still England. Two places of that country at least: one is no context.
_FAR_KM, _FAR_PLACES = 5_000, 2
# A region of this many people is one the world's news names by itself, as the gazetteer holds every city this large:
# "California" (39 million in its towns) beside Sydney and Melbourne is the US state; Ghana's Savannah Region (64,000)
# is as likely a town of the article's own country the gazetteer lacks.
_KNOWN_ABROAD = 300_000


@dataclass(frozen=True, slots=True)
class SharedName:
    """A name the gazetteer gives ``default`` (a country or capital) that ``regions`` have as their shorter name."""

    name: str
    default: GazetteerEntry
    regions: tuple[GazetteerEntry, ...]


def _shared(gazetteer: Gazetteer, region: GazetteerEntry, name: str) -> GazetteerEntry | None:
    """The country or capital the gazetteer gives ``name``, a shorter name of ``region`` it does not give the region,
    where the region is elsewhere: another country's, or far from the capital (not the province named for it)."""
    default = gazetteer.lookup(name)
    if default is None or default.id == region.id or default.coordinates is None or region.coordinates is None:
        return None
    if default.country == default.id:
        return default if region.country != default.id else None  # "Mexico" is not the State of Mexico
    if default.capital and (region.country != default.country or km(default.coordinates, region.coordinates) > _OUTSIDE_KM):
        return default
    return None


def shared_names(gazetteer: Gazetteer, regions: Sequence[GazetteerEntry] | None = None) -> list[SharedName]:
    """Every name a country or capital of ``gazetteer`` shares with a region of the bundled ``regions.yaml`` elsewhere
    (``regions``: gazetteer.first_level_regions, read again if not given), the region linking only by its longer name
    ("Georgia State", "State of Georgia")."""
    found: dict[str, tuple[str, GazetteerEntry, dict[str, GazetteerEntry]]] = {}
    for region in first_level_regions(gazetteer) if regions is None else regions:
        for alias, _ in region.surface_forms():
            longer = _LONGER_NAME.match(alias)
            name = longer and (longer.group("after") or longer.group("before"))
            default = _shared(gazetteer, region, name) if name else None
            if default is not None:
                found.setdefault(name_key(name), (name, default, {}))[2][region.id] = region
    return [SharedName(name, default, tuple(regions.values())) for name, default, regions in found.values()]


class SharedPlaces:
    """Decides, per article, whether a shared name means the region: when the article's other places speak for the
    region and none for the country or capital (:meth:`resolve`)."""

    def __init__(self, gazetteer: Gazetteer, regions: Sequence[GazetteerEntry] | None = None) -> None:
        regions = first_level_regions(gazetteer) if regions is None else regions
        self._gazetteer = gazetteer
        self.names = shared_names(gazetteer, regions)
        self._names = {name_key(s.name): s for s in self.names}
        self._defaults = frozenset(s.default.id for s in self._names.values())
        # For a region of the capital's own country, which of its country's regions a city lies in: the nearest label point.
        countries = {r.country for s in self._names.values() for r in s.regions if r.country == s.default.country}
        self._all_regions = {entry.id: entry for entry in regions}
        self._regions: dict[str, list[GazetteerEntry]] = {}
        for entry in regions:
            if entry.country in countries:
                self._regions.setdefault(entry.country, []).append(entry)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return len(self._names)

    def _in_region(self, place: GazetteerEntry, region: GazetteerEntry) -> bool:
        regions = self._regions.get(region.country or "", [])
        if place.coordinates is None or not regions or any(place.id == r.id for r in regions):
            return False  # another region of the country
        return min(regions, key=lambda r: km(place.coordinates, r.coordinates)).id == region.id  # type: ignore[arg-type]

    def _side(self, place: GazetteerEntry, default: GazetteerEntry, region: GazetteerEntry, national: bool = False) -> int:
        """Which of the two ``place`` speaks for (``_REGION``, ``_DEFAULT``), or 0; ``national``: ``place`` is the
        country of a national state body or office holder the article names (the White House, the president).

        The region's own country's towns and regions speak for it, not that country's name or capital (a country's
        affairs: "the U.S. urged Georgia", "criticism from Washington"); the other's own places speak for the country or
        capital, and so does another country's place twice as near it as the region (Russia, Turkey, Armenia for
        Georgia). Where the capital and the region share a country, only a place inside the region speaks for it
        (Seattle); the country's national bodies and office holders, any foreign place and a place of the country twice
        as near the capital as the region speak for the capital ("Washington" beside the White House or China is the
        government's)."""
        if place.id in (region.id, default.id):
            return _REGION if place.id == region.id else _DEFAULT
        if place.coordinates is None or default.coordinates is None or region.coordinates is None:
            return 0
        if default.country != region.country:
            if place.country == region.country:
                return _REGION if place.id != place.country and not place.capital else 0
            if place.country == default.country:
                return _DEFAULT
        elif place.country != default.country:
            return _DEFAULT
        elif place.id == place.country:
            return _DEFAULT if national else 0
        elif self._in_region(place, region):
            return _REGION
        return _DEFAULT if 2 * km(place.coordinates, default.coordinates) < km(place.coordinates, region.coordinates) else 0

    def _places(self, entity: Entity, people: Callable[[Entity], str | None]) -> Iterable[tuple[GazetteerEntry, bool]]:
        """The places an entity stands for, each with whether the entity is a national state body or office holder
        there: a linked place itself; the countries of a linked person or organisation (its offices', its state's, its
        own); the country whose people an unlinked word names ("Georgian")."""
        entry = self._gazetteer.get(entity.canonical_id) if entity.canonical_id else None
        if entry is not None and entry.type in _PLACE_TYPES and entry.country is not None:
            return ((entry, False),)
        if entry is None:
            countries, national = {people(entity)}, set()
        else:
            national = {entry.state_body_of, *(role.of for role in entry.roles)}
            countries = _countries(entry) | national
        return [(c, c.id in national) for c in (self._gazetteer.get(q) for q in countries if q) if c is not None]

    def resolve(self, entities: Sequence[Entity], people: Callable[[Entity], str | None] = lambda _: None,
                regions: Sequence[GazetteerEntry] = ()) -> list[Entity]:
        """``entities`` with each mention of a shared name linked to the region instead where exactly one of its regions
        has a place of the article on its side and no place is on the country's or capital's; ``people``: the QID of
        the country an unlinked mention names the people of ("Georgian"), or None; ``regions``: regions the article
        names as such in an apposition with a place the gazetteer lacks ("Savannah, Georgia": appositions.py), each
        on its own side."""
        shared = {i: self._names[key] for i, e in enumerate(entities)
                  if e.canonical_id in self._defaults and (key := name_key(e.text)) in self._names
                  and self._names[key].default.id == e.canonical_id}
        if not shared:
            return self._far_regions_out(entities, people, regions)
        places = [p for i, e in enumerate(entities) if i not in shared for p in self._places(e, people)]
        places += [(region, False) for region in regions]
        meant: dict[str, GazetteerEntry | None] = {}
        for s in {s.name: s for s in shared.values()}.values():
            chosen = []
            for region in s.regions:
                sides = {self._side(place, s.default, region, national) for place, national in places}
                if _REGION in sides and _DEFAULT not in sides:
                    chosen.append(region)
            meant[s.name] = chosen[0] if len(chosen) == 1 else None
        result = list(entities)
        for i, s in shared.items():
            region = meant[s.name]
            if region is not None:
                result[i] = result[i].model_copy(update={"canonical_id": region.id, "canonical_name": region.name,
                                                         "key": region.id, "type": region.type})
        return self._far_regions_out(result, people, regions)

    def _far_regions_out(self, entities: Sequence[Entity], people: Callable[[Entity], str | None],
                         regions: Sequence[GazetteerEntry]) -> list[Entity]:
        """``entities`` with a region of fewer people than a city the gazetteer holds, named bare ("Savannah", not
        "Savannah Region"), unlinked where the article's other places are all of one other country and each far from it:
        nothing in the article backs the far-off country (no place, office, people's word of it), and the region's name
        is as likely a place of that other country the gazetteer lacks (Savannah, Georgia). A populous region is known
        abroad: "California" beside Sydney and Melbourne."""
        far = {i: r for i, e in enumerate(entities) if (r := self._all_regions.get(e.canonical_id or "")) is not None
               and name_key(e.text) == name_key(r.name) and r.coordinates is not None and (r.population or 0) < _KNOWN_ABROAD}
        if not far:
            return list(entities)
        result = list(entities)
        for i, region in far.items():
            places = [p for k, e in enumerate(entities) if k != i and e.canonical_id != region.id
                      for p, _ in self._places(e, people)] + list(regions)
            countries = {p.country for p in places}
            if len(countries) == 1 and region.country not in countries and len({p.id for p in places}) >= _FAR_PLACES and all(
                p.coordinates is not None and km(p.coordinates, region.coordinates) > _FAR_KM for p in places  # type: ignore[arg-type]
            ):
                result[i] = result[i].model_copy(update={"canonical_id": None, "canonical_name": None, "key": name_key(result[i].text)})
        return result
