"""Build the tagger's demonym table, services/tagger/data/demonyms.yaml: the NORP words that name a country's people
("Ukrainian", "Ukrainians", "Israelis", "Britons"), each with the QID of the country of the bundled gazetteer.

    .venv/bin/pip install -r scripts/requirements-gazetteer.txt   # babel as pinned there: CLDR changes between releases
    .venv/bin/python scripts/build_demonyms.py

Sources (build time only; the tagger reads the YAML this writes):
- The countries of the bundled gazetteer (services/tagger/data: places.yaml and gazetteer.yaml): every entity that
  is its own country, with its QID.
- Unicode CLDR (Unicode licence) through ``babel``: each country's ISO code (its English territory name), the
  currencies it has used (supplemental currency data, 1900 on) and their English names, whose first word is the
  country's adjective ("Ukrainian Hryvnia", "German Mark", "Saudi Riyal"). Only a currency whose ISO 4217 code
  starts with the country's code counts ("UAH" for UA), so a shared or foreign currency ("Soviet Rouble",
  "CFA Franc", "US Dollar" in Ecuador) names no one; nor does a name that is the country's own ("Hong Kong Dollar").
- ``EXTRA`` below, by hand: the people's nouns CLDR's currency names lack (American, Briton, Filipino, Dane, Pole,
  Emirati, Palestinian, Kazakh, ...) and the countries whose currency names no people (euro, CFA franc, US dollar).
- ``ADJECTIVE`` below, by hand: the adjective that keys a country's bodies where its people's words are nouns only
  ("New Zealand", not "New Zealander"), written as the row's ``adjective``; elsewhere its first word is.

Plurals are made here ("Ukrainians", "Saudis", "Filipinos"), not for words that are their own plural ("Swiss",
"Chinese", "British") or adjectives only ("Danish", "Icelandic"). A word two countries claim is left out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

from babel import Locale
from babel.numbers import get_territory_currencies

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.tagger.gazetteer import Gazetteer, fold  # noqa: E402

OUTPUT = ROOT / "services" / "tagger" / "data" / "demonyms.yaml"

# The gazetteer's name of a country whose CLDR English name differs and is no alias of it.
ISO_BY_NAME = {"Republic of Ireland": "IE", "Ivory Coast": "CI", "The Gambia": "GM", "State of Palestine": "PS"}

# ISO code -> people's words CLDR's currency names do not give (singular; plurals are made below).
EXTRA: dict[str, list[str]] = {
    "US": ["American"], "GB": ["Briton", "Brit"], "PH": ["Filipino", "Filipina"], "AE": ["Emirati"],
    "PS": ["Palestinian"], "MM": ["Burmese"], "CI": ["Ivorian"], "TL": ["Timorese", "East Timorese"],
    "KZ": ["Kazakh"], "UZ": ["Uzbek"], "TJ": ["Tajik"], "TM": ["Turkmen"], "TW": ["Taiwanese"],
    "DK": ["Dane"], "SE": ["Swede"], "FI": ["Finn"], "PL": ["Pole"], "TR": ["Turk"], "IS": ["Icelander"],
    "NZ": ["New Zealander"], "NL": ["Dutchman", "Dutchwoman"], "FR": ["Frenchman", "Frenchwoman"],
    "IE": ["Irishman", "Irishwoman"], "LU": ["Luxembourger", "Luxembourgish"], "GY": ["Guyanese"],
    "BA": ["Bosnian"], "ME": ["Montenegrin"], "XK": ["Kosovar", "Kosovan"], "SK": ["Slovakian"],
    "CZ": ["Czech"], "CY": ["Cypriot"], "CG": ["Congolese"], "CF": ["Central African"], "SN": ["Senegalese"],
    "ML": ["Malian"], "NE": ["Nigerien"], "BF": ["Burkinabe"], "CM": ["Cameroonian"], "TD": ["Chadian"],
    "GA": ["Gabonese"], "BJ": ["Beninese"], "TG": ["Togolese"], "GW": ["Bissau-Guinean"], "LI": ["Liechtensteiner"],
    "SG": ["Singaporean"], "BN": ["Bruneian"], "HK": ["Hongkonger"], "LS": ["Basotho"],
    "VU": ["Ni-Vanuatu"], "BZ": ["Belizean"], "SB": ["Solomon Islander"], "TT": ["Trinidadian", "Tobagonian"],
    "KP": ["North Korean"], "KR": ["South Korean"], "SA": ["Saudi Arabian"],
    "AF": ["Afghan"], "AR": ["Argentinian"], "KG": ["Kyrgyz"], "PR": ["Puerto Rican"], "GL": ["Greenlander", "Greenlandic"], "FO": ["Faroese"],
    "PG": ["Papua New Guinean"], "SM": ["Sammarinese"], "EH": ["Sahrawi"], "FM": ["Micronesian"],
    "MH": ["Marshallese"], "PW": ["Palauan"], "NR": ["Nauruan"], "TV": ["Tuvaluan"], "KI": ["I-Kiribati"],
    "GD": ["Grenadian"], "AG": ["Antiguan"], "LC": ["Saint Lucian"], "GI": ["Gibraltarian"], "IM": ["Manx"],
    "GU": ["Guamanian"], "KY": ["Caymanian"], "NC": ["New Caledonian"], "ST": ["Santomean"],
}
# ISO code -> the country's adjective where its people's words are nouns only: "New Zealand" keys a body of New Zealand
# ("New Zealand Reserve Bank"), not "New Zealander"; an ethnic people's word is no state's ("I-Kiribati", "Basotho").
ADJECTIVE: dict[str, str] = {
    "NZ": "New Zealand", "HK": "Hong Kong", "LI": "Liechtenstein", "SB": "Solomon Islands", "GL": "Greenlandic",
    "KI": "Kiribati", "VU": "Vanuatu", "LS": "Lesotho",
}
# Words that are their own plural or adjectives only: no "s" added.
_NO_PLURAL = re.compile(r"(?:ese|s|sh|ch|ic|x|z|y|Basotho|Burkinabe)$")
# Currency names whose leading words are a place, not a people ("Portuguese Guinea Escudo", "New Taiwan Dollar").
_NOT_PEOPLE = {"Portuguese Guinea", "New Taiwan"}
_PLURAL = {"Frenchman": "Frenchmen", "Frenchwoman": "Frenchwomen", "Dutchman": "Dutchmen", "Dutchwoman": "Dutchwomen",
           "Irishman": "Irishmen", "Irishwoman": "Irishwomen", "Czech": "Czechs"}
_QUALIFIERS = {"New", "Hard", "Convertible", "Reformed", "Socialist", "Kupon", "Silver", "Readjusted", "Gold"}
_FROM = datetime.date(1900, 1, 1)
_TO = datetime.date(2026, 1, 1)


def currency_adjective(name: str, units: set[str]) -> str | None:
    """The people's adjective a CLDR currency name opens with ("Ukrainian Hryvnia" -> "Ukrainian"), if any:
    the name less its unit words (every currency name's last word: "Argentine Peso Ley") and their qualifiers."""
    words = re.sub(r"\s*\(.*\)$", "", name).split()
    while len(words) > 1 and (words[-1] in units or words[-1] in _QUALIFIERS):
        words = words[:-1]
    adjective = " ".join(words)
    if len(words) == len(name.split()) or adjective in _NOT_PEOPLE or not re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", adjective):
        return None  # "US", "CFP", "Bosnia-Herzegovina", "São Tomé & Príncipe"
    return adjective


def plural(word: str) -> str | None:
    if word in _PLURAL:
        return _PLURAL[word]
    return None if _NO_PLURAL.search(word) else word + "s"


def build() -> tuple[list[dict[str, object]], list[str]]:
    english = Locale("en")
    iso_by_name = {fold(n): iso for iso, n in english.territories.items() if len(iso) == 2 and iso.isalpha()}
    countries = [e for e in Gazetteer.load([]) if e.country == e.id and e.type == "GPE"]
    units = {re.sub(r"\s*\(.*\)$", "", n).split()[-1] for n in english.currencies.values() if " " in n}
    taken = {fold(n) for e in countries for n in [e.name, *e.aliases]}  # "Philippines" is no plural of "Philippine"
    notes: list[str] = []
    words: dict[str, list[str]] = {}  # country QID -> singular words
    isos: dict[str, str] = {}
    for entry in countries:
        iso = ISO_BY_NAME.get(entry.name) or next((iso_by_name[fold(n)] for n in [entry.name, *entry.aliases] if fold(n) in iso_by_name), None)
        if iso is None:
            notes.append(f"{entry.name} ({entry.id}): no CLDR territory")
            continue
        own = {fold(entry.name), fold(english.territories[iso])}  # "Hong Kong Dollar"; not French "Argentine"
        found: list[str] = []
        for code in get_territory_currencies(iso, start_date=_FROM, end_date=_TO, tender=True):
            adjective = currency_adjective(english.currencies.get(code, ""), units) if code.startswith(iso) else None
            if adjective and fold(adjective) not in own and adjective not in found:
                found.append(adjective)
        found += [w for w in EXTRA.get(iso, []) if w not in found]
        isos[entry.id] = iso
        if found:
            words[entry.id] = found
        else:
            notes.append(f"{entry.name} ({entry.id}, {iso}): no demonym")
    owners: dict[str, set[str]] = {}
    for qid, singular in words.items():
        for word in singular:
            owners.setdefault(fold(word), set()).add(qid)
    names = {e.id: e.name for e in countries}
    table = []
    for qid, singular in sorted(words.items(), key=lambda kv: names[kv[0]]):
        kept = [w for w in singular if len(owners[fold(w)]) == 1]
        notes += [f"{w}: claimed by {sorted(owners[fold(w)])}, left out" for w in singular if w not in kept and qid == min(owners[fold(w)])]
        forms = []
        for word in kept:
            forms += [word] + [p for p in [plural(word)] if p and fold(p) not in taken]
        if forms:
            row: dict[str, object] = {"country": qid, "name": names[qid], "demonyms": forms}
            if isos[qid] in ADJECTIVE:
                row["adjective"] = ADJECTIVE[isos[qid]]
            table.append(row)
    return table, notes


def render(table: list[dict[str, object]]) -> str:
    head = (
        "# GENERATED by scripts/build_demonyms.py: do not edit; change EXTRA there.\n"
        "# The words that name a country's people (NORP), each country by its gazetteer QID. Sources: the bundled\n"
        "# gazetteer's countries; Unicode CLDR currency names (Unicode licence, via babel) for the adjectives\n"
        "# (\"Ukrainian Hryvnia\"); a short hand list for the nouns (American, Briton, Filipino). Plurals generated.\n"
        "# `adjective`: the word that keys the country's bodies where its people's words are nouns (\"New Zealand\").\n"
        f"# {len(table)} countries, {sum(len(t['demonyms']) for t in table)} words.\n"  # type: ignore[arg-type]
        "demonyms:\n"
    )
    return head + "".join(f"- {json.dumps(t, ensure_ascii=False)}\n" for t in table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    table, notes = build()
    for note in notes:
        print(note, file=sys.stderr)
    args.out.write_text(render(table), encoding="utf-8")
    print(f"wrote {args.out}: {len(table)} countries", file=sys.stderr)


if __name__ == "__main__":
    main()
