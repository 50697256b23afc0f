"""A place named with the region or country it lies in, as news writes them ("Savannah, Georgia", "Paris, Texas",
"Kaduna, Nigeria", "London, Ontario", "Athens, Ga."): the classic geoparser rule that in "A, B" the writer puts A
inside B, so A is the candidate inside B and B the candidate holding A (CLAVIN and Mordecai read the same apposition).
A town the gazetteer lacks is found there by its region (towns.py): "Springfield, Mo." is Missouri's Springfield."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from schemas import Entity
from services.tagger.gazetteer import Gazetteer, GazetteerEntry, first_level_regions, km
from services.tagger.linking import name_key
from services.tagger.name_evidence import is_dateline
from services.tagger.shared_places import SharedName, shared_names
from services.tagger.towns import Towns

__all__ = ["LANGUAGES", "STATE_ABBREVIATIONS", "Apposition", "Appositions", "state_abbreviations"]

_PLACE_TYPES = frozenset({"GPE", "LOC"})
# What NER may call a dateline's all-capital place: "TALLAHASSEE" in "TALLAHASSEE, FLA (Reuters) -" is an ORG to en_core_web_sm.
_DATELINE_TYPES = frozenset({"ORG", "NORP", "FAC", "PERSON"})
# "A, B": one comma and at most one space between the two names (tokenised text, as CoNLL's, has one before it too).
_COMMA = re.compile(r"[ \t]?,[ \t]?")
# B owning or opening a name is a clause after an opening phrase: "In Washington, Georgia's prime minister said", "In
# Paris, Texas Governor Greg Abbott said". An apposition ends at a comma, a full stop, a dash, a date or a small word.
_CLAUSE_GOES_ON = re.compile(r"['’]s\b|[ \t]+[A-Z]")
# A list goes on after B ("London, Paris and Berlin", "Texas, Georgia or Florida"); "Paris, Texas, and" does not.
_LIST_GOES_ON = re.compile(r"(?:[ \t]?,)?[ \t]+(?:and|or|&)[ \t]+")
# The same in the languages read untranslated with a model of their own: "Florence, Carolina del Sur" is A in B as
# "Florence, S.C." is; French also writes "Florence, en Caroline du Sud". Their lists go on with their own "and"/"or".
# No state abbreviation is read there: AP's and the postal service's are English news's.
_COMMAS = {"en": _COMMA, "es": _COMMA, "fr": re.compile(r"[ \t]?,[ \t]?(?:en[ \t]+)?")}
_LISTS_GO_ON = {"en": _LIST_GOES_ON, "es": re.compile(r"(?:[ \t]?,)?[ \t]+(?:y|e|o|u)[ \t]+"),
                "fr": re.compile(r"(?:[ \t]?,)?[ \t]+(?:et|ou)[ \t]+")}
LANGUAGES = frozenset(_COMMAS)
# Spanish and French also write the region in brackets after the town: "Florence (Carolina del Sur)", "Florence (Caroline
# du Sud)", read as "Florence, Carolina del Sur" is.
_BRACKETS = {"es": re.compile(r"[ \t]?\([ \t]?"), "fr": re.compile(r"[ \t]?\([ \t]?(?:en[ \t]+)?")}
_BRACKET_CLOSES = re.compile(r"[ \t]?\)")
_NO_ABBREVIATION = re.compile(r"(?!)(?P<state>)")
# A city this much farther from a region's label point than from its nearest region's, and 300 km more, is not in the
# region: label points are centres, so a border city (Philadelphia, 68 km from Delaware's and 127 km from
# Pennsylvania's; El Paso, 323 km from New Mexico's and 855 km from Texas's) is still in the region the writer names,
# but Portland, Oregon (74 km from Oregon's, 4,092 km from Maine's) is not in Maine.
_NEAREST_FACTOR, _NEAREST_SLACK_KM = 3, 300
# US states as AP and the postal service abbreviate them after a city: B only there ("Ga." or "IN" alone is no place).
STATE_ABBREVIATIONS = Path(__file__).with_name("data") / "state_abbreviations.yaml"
# Where an apposition closes: punctuation, a dash, a dateline's "(Reuters)", the end of the line or text.
_CLOSES = r"(?=[ \t]*(?:[,.;:)!?\n]|[-–—]|\(|$))"


class _Pair(NamedTuple):
    """An "A, B": ``a`` and ``b`` indexes of the article's entities (``b`` None where NER missed an abbreviated state),
    ``holders`` B's candidates to hold A, ``abbreviated`` whether B is a state's abbreviation."""

    a: int
    b: int | None
    holders: tuple[GazetteerEntry, ...]
    abbreviated: bool = False


def state_abbreviations(gazetteer: Gazetteer) -> dict[str, GazetteerEntry]:
    """Each US state's abbreviation as news writes it after a city ("Ga.", "GA", "Fla", "N.Y.") and its state."""
    return _abbreviations(gazetteer, STATE_ABBREVIATIONS)[1]


def _abbreviations(gazetteer: Gazetteer, path: Path) -> tuple[re.Pattern[str], dict[str, GazetteerEntry]]:
    """What follows "A, " when B is an abbreviated state ("Ga.", "N.Y.", "MO", "Fla"), and each abbreviation's state
    (keyed by the text matched). A postal code or a one-part form without its full stop is a word by itself, not
    followed by a capitalised word: "WASHINGTON, IN A MOVE" is no Indiana; one that is also an English word or a given
    name ("Wash", "Miss", "Ill") only where the apposition closes right after it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = frozenset(data["words"])
    states: dict[str, GazetteerEntry] = {}
    for row in data["states"]:
        state = gazetteer.get(row["id"])
        if state is None:
            continue
        dotted = [code for code in (row["ap"], *row.get("other", ())) if code]
        dotless = [code[:-1] for code in dotted if re.fullmatch(r"[A-Z][a-z]+\.", code)]
        # An all-capital dateline or headline writes them in capitals ("TALLAHASSEE, FLA (Reuters)", "SPRINGFIELD, MO. -",
        # "ALBANY, N.Y."); a two-letter one only where it is the state's postal code ("LA." is as often Los Angeles).
        capitals = [code.upper() for code in (*dotted, *dotless)
                    if len(re.sub(r"[. ]", "", code)) > 2 or code.rstrip(".").upper() == row["postal"]]
        states.update({code: state for code in (*dotted, *dotless, *capitals, row["postal"]) if code})
    ap = "|".join(re.escape(code) for code in sorted(states, key=len, reverse=True) if code.endswith("."))
    postal = "|".join(code for code in states if re.fullmatch("[A-Z]{2}", code))
    named = "|".join(code for code in states if re.fullmatch("[A-Z][a-z]+|[A-Z]{3,}", code) and code.title() not in words)
    worded = "|".join(code for code in states if code.title() in words and not re.fullmatch("[A-Z]{2}", code))
    return re.compile(rf"{_COMMA.pattern}(?P<state>{ap}|(?:{postal}|{named})(?![\w.])(?![ \t]+[A-Z])|(?:{worded}){_CLOSES})"), states


@dataclass(frozen=True, slots=True)
class Apposition:
    """What an article's appositions decided: its entities relinked, and the places they speak for that no entity of the
    gazetteer stands for: a town of the towns table linked beside its region ("Springfield, Mo."), and the regions an
    apposition with a place the gazetteer lacks names ("Athens, Georgia" where the table had no Athens: the state,
    unless the article's other places say otherwise)."""

    entities: list[Entity]
    regions: tuple[GazetteerEntry, ...]


def _is_country(entry: GazetteerEntry) -> bool:
    return entry.country == entry.id


class Appositions:
    """Reads "A, B" in an article's text (:meth:`resolve`)."""

    def __init__(self, gazetteer: Gazetteer, regions: Sequence[GazetteerEntry] | None = None,
                 shared: Sequence[SharedName] | None = None, towns: Towns | None = None) -> None:
        """``regions`` (gazetteer.first_level_regions) and ``shared`` (shared_places.shared_names) as the tagger's
        SharedPlaces read them, made again if not given; ``towns``: the bundled towns table if not given."""
        regions = first_level_regions(gazetteer) if regions is None else regions
        self._gazetteer = gazetteer
        self._regions: dict[str, list[GazetteerEntry]] = {}  # a country's first-level regions
        for entry in regions:
            self._regions.setdefault(entry.country, []).append(entry)  # type: ignore[arg-type]
        self._region_ids = frozenset(r.id for regions in self._regions.values() for r in regions)
        # The other places a name may be: a city the gazetteer names "London, Canada" beside London, the regions two
        # countries share a name with ("Punjab, India", "Punjab, Pakistan"), a region a country shares its name with
        # and that links only by its longer name ("Georgia State").
        self._named: dict[str, list[GazetteerEntry]] = {}
        for entry in gazetteer:
            if entry.type in _PLACE_TYPES and entry.coordinates is not None and ", " in entry.name:
                self._named.setdefault(name_key(entry.name.split(", ")[0]), []).append(entry)
        shared = shared_names(gazetteer, regions) if shared is None else shared
        for name in shared:
            self._named.setdefault(name_key(name.name), []).extend(name.regions)
        self._shared = frozenset(name_key(name.name) for name in shared)
        self._abbreviation, self._states = _abbreviations(gazetteer, STATE_ABBREVIATIONS)
        self._towns = Towns() if towns is None else towns

    def _candidates(self, entity: Entity) -> list[GazetteerEntry]:
        linked = self._gazetteer.get(entity.canonical_id) if entity.canonical_id else None
        found = [linked] if linked is not None else []
        return found + [e for e in self._named.get(name_key(entity.text), ()) if e not in found]

    def _in_region(self, place: GazetteerEntry, region: GazetteerEntry) -> bool:
        if place.coordinates is None or region.coordinates is None:
            return True  # nothing says otherwise
        regions = self._regions.get(region.country or "", [region])
        nearest = min(km(place.coordinates, r.coordinates) for r in regions)  # type: ignore[arg-type]
        return km(place.coordinates, region.coordinates) <= _NEAREST_FACTOR * nearest + _NEAREST_SLACK_KM

    def _inside(self, place: GazetteerEntry, holder: GazetteerEntry) -> bool:
        """Whether ``place`` (a city or region) lies in ``holder`` (a country or first-level region)."""
        if place.id == holder.id or _is_country(place) or place.country is None:
            return False
        if _is_country(holder):
            return place.country == holder.id
        return place.country == holder.country and place.id not in self._region_ids and self._in_region(place, holder)

    def _holds(self, entry: GazetteerEntry) -> bool:
        return _is_country(entry) or entry.id in self._region_ids

    def _town(self, a: Entity, holders: Sequence[GazetteerEntry]) -> tuple[GazetteerEntry, GazetteerEntry] | None:
        """The town of the towns table named as ``a`` in the one region of B's ``holders`` that has one, and that region
        ("Springfield, Mo.", "Athens, Georgia": no Greek capital); none where ``a`` is linked to a first-level region of
        such a region's country ("Texas, Georgia" is a list). The gazetteer's entry where the town is one of its cities."""
        linked = self._gazetteer.get(a.canonical_id) if a.canonical_id else None
        if linked is not None and linked.id in self._region_ids and any(linked.country == h.country for h in holders):
            return None
        found = [(town, h) for h in holders if not _is_country(h) and (town := self._towns.get(a.text, h)) is not None]
        if len(found) != 1:
            return None
        town, holder = found[0]
        return self._gazetteer.get(town.id) or town, holder

    def _apart(self, entities: Sequence[Entity], texts: Mapping[str, str], abbreviation: re.Pattern[str],
               comma_re: re.Pattern[str]) -> list[Entity]:
        """``entities`` with a place NER took whole with the state, region or country after it ("Athens, Ga.",
        "Springfield, Missouri"), which the gazetteer does not know as one name, as two mentions A and B to be read as any
        "A, B"; and a dateline's place NER took for another kind of name before an abbreviated state ("TALLAHASSEE, FLA
        (Reuters) -", an organisation to en_core_web_sm) a place."""
        out: list[Entity] = []
        for e in entities:
            text = texts.get(e.field, "")
            if e.type not in _PLACE_TYPES:
                if e.type in _DATELINE_TYPES and e.text[:1].isupper() and is_dateline(e.field, text, e.start, e.end) \
                        and abbreviation.match(text, e.end):
                    e = _unlinked(e).model_copy(update={"type": "GPE"})
                out.append(e)
                continue
            comma = comma_re.search(e.text)
            if comma is None or not e.text[:1].isupper() or "," in e.text[comma.end():] or self._gazetteer.lookup(e.text):
                out.append(e)
                continue
            a_end, b_start = e.start + comma.start(), e.start + comma.end()
            state = abbreviation.match(text, a_end)
            if state is not None and state.start("state") == b_start and b_start < e.end <= state.end("state"):
                b = _mention(state.group("state"), "GPE", e.field, b_start)
            else:
                holder = self._gazetteer.lookup(e.text[comma.end():])
                if holder is None or not (self._holds(holder) or name_key(e.text[comma.end():]) in self._shared):
                    out.append(e)
                    continue
                b = _linked(_mention(text[b_start : e.end], e.type, e.field, b_start), holder)
            a = _mention(text[e.start : a_end], e.type, e.field, e.start)
            place = self._gazetteer.lookup(a.text)
            out += [a if place is None or place.type not in _PLACE_TYPES else _linked(a, place), b]
        return out

    def _state_mentions(self, entities: Sequence[Entity], texts: Mapping[str, str]) -> list[Entity]:
        """``entities`` with a mention of each state abbreviated after a place that NER missed ("Phoenix, Ariz, will") or
        took into the next name ("Athens, Ga. Police said": "Ga." and "Police" apart)."""
        added: list[Entity] = []
        cut: dict[int, Entity | None] = {}
        for a in entities:
            text = texts.get(a.field, "")
            found = self._abbreviation.match(text, a.end) if a.type in _PLACE_TYPES and a.text[:1].isupper() else None
            if found is None:
                continue
            start, end = found.span("state")
            over = [k for k, e in enumerate(entities) if e.field == a.field and e.start < end and e.end > start]
            if not over:
                added.append(_mention(found.group("state"), "GPE", a.field, start))
            elif len(over) == 1 and entities[over[0]].start == start and entities[over[0]].end > end and entities[over[0]].canonical_id is None:
                longer = entities[over[0]]
                tail = longer.text[end - start :]
                rest = len(tail) - len(tail.lstrip())
                added.append(_mention(found.group("state"), "GPE", a.field, start))
                left = longer.text[end - start + rest :]  # a name goes on ("Police"); a date does not ("Calif 1996-08-30")
                cut[over[0]] = _mention(left, longer.type, a.field, end + rest) if re.match(r"[A-Z]", left) else None
        if not added:
            return list(entities)
        kept = [cut[k] if k in cut else e for k, e in enumerate(entities)]
        return sorted([e for e in kept if e is not None] + added, key=lambda e: (e.field, e.start, e.end))

    def _pairs(self, texts: Mapping[str, str], entities: Sequence[Entity], abbreviation: re.Pattern[str],
               comma_re: re.Pattern[str], list_goes_on: re.Pattern[str], bracket_re: re.Pattern[str] | None = None) -> list[_Pair]:
        """Every "A, B" that is no list ("London, Paris and Berlin"), B a place mention or an abbreviated state; with
        ``bracket_re``, every "A (B)" too."""
        places = [i for i, e in enumerate(entities) if e.type in _PLACE_TYPES]
        pairs = []
        for n, i in enumerate(places):
            a = entities[i]
            text = texts.get(a.field, "")
            before = entities[places[n - 1]] if n > 0 else None
            if not a.text[:1].isupper() or (before is not None and before.field == a.field and comma_re.fullmatch(text[before.end : a.start])):
                continue  # "Paris, London, Berlin"
            abbreviated = abbreviation.match(text, a.end)
            if abbreviated is not None:
                start, end = abbreviated.span("state")
                b = next((k for k, e in enumerate(entities) if e.field == a.field and e.start == start and e.end <= end), None)
                pairs.append(_Pair(i, b, (self._states[abbreviated.group("state")],), abbreviated=True))
                continue
            if n + 1 >= len(places):
                continue
            j = places[n + 1]
            b = entities[j]
            bracketed = bool(bracket_re and bracket_re.fullmatch(text[a.end : b.start]) and _BRACKET_CLOSES.match(text, b.end))
            if a.field != b.field or not (bracketed or comma_re.fullmatch(text[a.end : b.start])) or (
                not bracketed and _CLAUSE_GOES_ON.match(text, b.end)
            ):
                continue
            holders = tuple(c for c in self._candidates(b) if self._holds(c))
            after = entities[places[n + 2]] if n + 2 < len(places) else None
            if after is not None and after.field == b.field and comma_re.fullmatch(text[b.end : after.start]):
                holders = self._in_country(holders, after)
                if not holders:
                    continue  # "Texas, Georgia, Florida"; not "Atlanta, Georgia, USA"
            elif after is not None and after.field == b.field and list_goes_on.fullmatch(text[b.end : after.start]) and (
                not self._followed_by_place(text, entities, places, n + 2, comma_re)
            ):
                holders = self._holding_in_list(a, holders, after)
                if not holders:
                    continue  # "London, Paris and Berlin"; not "Portland, Maine, and Yarmouth, Nova Scotia"
            pairs.append(_Pair(i, j, holders))
        return pairs

    def _in_country(self, holders: Sequence[GazetteerEntry], after: Entity) -> tuple[GazetteerEntry, ...]:
        """Those of B's ``holders`` in the country ``after`` names ("Atlanta, Georgia, USA"), none if it names none."""
        country = self._gazetteer.get(after.canonical_id) if after.canonical_id else None
        if country is None or not _is_country(country):
            return ()
        return tuple(h for h in holders if not _is_country(h) and h.country == country.id)

    def _holding_in_list(self, a: Entity, holders: Sequence[GazetteerEntry], after: Entity) -> tuple[GazetteerEntry, ...]:
        """Those of B's ``holders`` that make "A, B, and C" an apposition and no list: those holding one of A's candidates
        ("Atlanta, Georgia, and Miami"), else B's regions of C's country where A is linked to another country's place
        ("Paris, Texas, and Dallas"); none for a list ("London, Paris and Berlin", "Houston, Louisiana and Mississippi",
        "Kyiv, Georgia and Moldova")."""
        holding = tuple(h for h in holders if any(self._inside(p, h) for p in self._candidates(a) if not _is_country(p))
                        or self._town(a, (h,)) is not None)
        if holding:
            return holding
        linked = self._gazetteer.get(a.canonical_id) if a.canonical_id else None
        then = self._gazetteer.get(after.canonical_id) if after.canonical_id else None
        if linked is None or then is None or _is_country(linked):
            return ()
        return tuple(h for h in holders if not _is_country(h) and h.country == then.country and linked.country != h.country)

    @staticmethod
    def _followed_by_place(text: str, entities: Sequence[Entity], places: Sequence[int], n: int,
                           comma_re: re.Pattern[str] = _COMMA) -> bool:
        """Whether the place ``places[n]`` is itself the A of an "A, B"."""
        if n + 1 >= len(places):
            return False
        this, then = entities[places[n]], entities[places[n + 1]]
        return this.field == then.field and comma_re.fullmatch(text[this.end : then.start]) is not None

    def resolve(self, entities: Sequence[Entity], texts: Mapping[str, str], language: str = "en") -> Apposition:
        """``entities`` with each "A, B" read: A the town of that name B's region has (the towns table: "Springfield,
        Mo.", "Paris, Texas"), else the candidate inside B, nearest B's label point where several are, and B the region
        or country holding it; so are the article's other mentions of A and B by the same names. Where neither is, a
        city A is unlinked ("Portland, Maine" were the table to lack it), as is a region of another country than B's
        candidates where B may be a region (Ghana's Savannah in "Savannah, Georgia"); A, if a
        country, is no apposition ("Russia, China") unless B is an abbreviated state ("Columbia, Mo."), which is that
        state there only. ``texts``: each field's text by name; ``language``: the text's, one of ``LANGUAGES`` (in
        Spanish and French, no state abbreviation is read)."""
        english = language == "en"
        abbreviation = self._abbreviation if english else _NO_ABBREVIATION
        comma_re, list_goes_on = _COMMAS.get(language, _COMMA), _LISTS_GO_ON.get(language, _LIST_GOES_ON)
        entities = self._apart(entities, texts, abbreviation, comma_re)
        entities = self._state_mentions(entities, texts) if english else entities
        regions: list[GazetteerEntry] = []
        # What each mention in a pair is; the article's other mentions of the same name, as linked, are the same place
        # unless two pairs disagree ("Tbilisi, Georgia" and "Atlanta, Georgia": each pair's own mentions only).
        own: dict[int, GazetteerEntry | None] = {}
        decided: dict[tuple[str, str | None], set[str | None]] = {}
        towns: dict[str, GazetteerEntry] = {}  # the towns linked that the gazetteer lacks, by id

        def decide(index: int | None, entry: GazetteerEntry | None, spread: bool = True) -> None:
            if index is None:
                return
            own[index] = entry
            if spread:  # an abbreviation is the state only where it follows a place: "Ga." alone is not
                decided.setdefault((name_key(entities[index].text), entities[index].canonical_id), set()).add(entry and entry.id)

        for i, j, holders, abbreviated in self._pairs(texts, entities, abbreviation, comma_re, list_goes_on, _BRACKETS.get(language)):
            a = entities[i]
            if abbreviated:  # the state, whatever A turns out to be
                decide(j, holders[0], spread=False)
                regions.extend(holders)
            linked = self._gazetteer.get(a.canonical_id) if a.canonical_id else None
            if not holders or (linked is not None and _is_country(linked) and not abbreviated):  # "Columbia, Mo." is no list
                continue
            town = self._town(a, holders)
            if town is not None:  # the region's own town of that name: GeoNames says it is in B, no distance guessed
                place, holder = town
                decide(i, place)
                decide(j, holder, spread=not abbreviated)
                if place.id not in self._gazetteer:
                    towns[place.id] = place
                    regions.append(place)
                continue
            inside = [(p, h) for p in self._candidates(a) if not _is_country(p) for h in holders if self._inside(p, h)]
            if inside:
                place, holder = min(inside, key=lambda ph: km(ph[0].coordinates, ph[1].coordinates) if ph[0].coordinates and ph[1].coordinates else 0.0)
                decide(i, place)
                decide(j, holder, spread=not abbreviated)
                continue
            if linked is not None and any(not _is_country(h) for h in holders) and (
                linked.id not in self._region_ids or all(linked.country != h.country for h in holders)
            ):
                decide(i, None)
                linked = None
            if linked is None and j is not None and not abbreviated and name_key(entities[j].text) in self._shared:
                regions.extend(h for h in holders if not _is_country(h) and h.id != entities[j].canonical_id)
        if not own:
            return Apposition(list(entities), tuple(regions))
        result = []
        for index, entity in enumerate(entities):
            meant = decided.get((name_key(entity.text), entity.canonical_id), set())
            if index in own:
                entry = own[index]
            elif len(meant) == 1:
                (qid,) = meant
                entry = (towns.get(qid) or self._gazetteer.get(qid)) if qid else None
            else:
                result.append(entity)
                continue
            result.append(_unlinked(entity) if entry is None else _linked(entity, entry))
        return Apposition(result, tuple(regions))


def _linked(entity: Entity, entry: GazetteerEntry) -> Entity:
    if entity.canonical_id == entry.id:
        return entity
    return entity.model_copy(update={"canonical_id": entry.id, "canonical_name": entry.name, "key": entry.id, "type": entry.type})


def _mention(text: str, kind: str, field: str, start: int) -> Entity:
    return Entity(text=text, type=kind, field=field, start=start, end=start + len(text), key=name_key(text))  # type: ignore[arg-type]


def _unlinked(entity: Entity) -> Entity:
    return entity.model_copy(update={"canonical_id": None, "canonical_name": None, "key": name_key(entity.text)})
