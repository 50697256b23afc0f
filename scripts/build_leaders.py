"""Refresh services/tagger/data/leaders.yaml from Wikidata: who holds each country's and each
international organisation's top offices now, with their names in many languages.

    .venv/bin/python scripts/build_leaders.py                 # needs the internet (query.wikidata.org)
    .venv/bin/python scripts/build_leaders.py --dry-run       # print what would change

What it asks Wikidata (SPARQL, https://query.wikidata.org/sparql):
- for every sovereign state (P31 Q3624078, not dissolved): head of state (P35) and head of
  government (P6) statements without an end time (P582), with their start (P580), and the
  offices' names (P1906, P1313);
- for the organisations listed in ORGANISATIONS: chairperson (P488) or director/manager (P1037)
  statements without an end time;
- for every person found: English label, and labels and aliases in LANGUAGES.

How it merges with the file already there (the curated snapshot the project ships):
- a person Wikidata names gets the office as a current role; aliases are the union of the
  file's and Wikidata's (the file's hand-chosen ``cased_aliases`` are kept as they are);
- a current role in the file that Wikidata no longer names is ended (``until`` = the run date),
  so a former office holder stays linkable with their office marked as past;
- entries whose roles are all past are kept.

The project ships the curated snapshot because nothing may be downloaded at run time; run this
where the internet is reachable and commit the result.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.tagger.gazetteer import GazetteerEntry, is_acronym  # noqa: E402

DATA = ROOT / "services" / "tagger" / "data"
OUTPUT = DATA / "leaders.yaml"
ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = "wirewatch-build-leaders/0.1 (https://github.com/wirewatch/wirewatch)"
LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "pl", "ru", "uk", "ar", "zh", "ja", "ko", "he", "fa", "tr", "hi")
MAX_ALIASES = 40

# Organisation QID -> (office title, property naming its head).
ORGANISATIONS: dict[str, tuple[str, str]] = {
    "Q1065": ("Secretary-General of the United Nations", "P488"),
    "Q7184": ("Secretary General of NATO", "P488"),
    "Q8880": ("President of the European Commission", "P488"),
    "Q8886": ("President of the European Council", "P488"),
    "Q8889": ("President of the European Parliament", "P488"),
    "Q7804": ("Managing Director of the International Monetary Fund", "P488"),
    "Q7164": ("President of the World Bank Group", "P488"),
    "Q7817": ("Director-General of the World Health Organization", "P488"),
    "Q7825": ("Director-General of the World Trade Organization", "P488"),
    "Q8901": ("President of the European Central Bank", "P488"),
    "Q53536": ("Chair of the Federal Reserve", "P488"),
    "Q7159": ("Chairperson of the African Union Commission", "P488"),
    "Q7795": ("Secretary General of OPEC", "P488"),
    "Q81299": ("Secretary General of the OSCE", "P488"),
    "Q47488": ("President of the International Criminal Court", "P488"),
}

STATES_QUERY = """
SELECT ?country ?person ?personLabel ?kind ?start ?officeLabel WHERE {
  ?country wdt:P31 wd:Q3624078 .
  FILTER NOT EXISTS { ?country wdt:P576 ?dissolved }
  { ?country p:P35 ?st . ?st ps:P35 ?person . BIND("head_of_state" AS ?kind) OPTIONAL { ?country wdt:P1906 ?office } }
  UNION
  { ?country p:P6 ?st . ?st ps:P6 ?person . BIND("head_of_government" AS ?kind) OPTIONAL { ?country wdt:P1313 ?office } }
  ?st wikibase:rank ?rank . FILTER(?rank != wikibase:DeprecatedRank)
  FILTER NOT EXISTS { ?st pq:P582 ?ended }
  OPTIONAL { ?st pq:P580 ?start }
  ?person wdt:P31 wd:Q5 .
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }
}
"""

ORGANISATIONS_QUERY = """
SELECT ?org ?person ?personLabel ?start WHERE {
  VALUES (?org ?prop ?ps ?pq) { %s }
  ?org ?prop ?st . ?st ?ps ?person .
  ?st wikibase:rank ?rank . FILTER(?rank != wikibase:DeprecatedRank)
  FILTER NOT EXISTS { ?st pq:P582 ?ended }
  OPTIONAL { ?st pq:P580 ?start }
  ?person wdt:P31 wd:Q5 .
  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }
}
"""

NAMES_QUERY = """
SELECT ?person ?name WHERE {
  VALUES ?person { %s }
  { ?person rdfs:label ?name } UNION { ?person skos:altLabel ?name }
  FILTER(LANG(?name) IN (%s))
}
"""

_QID_URI = re.compile(r"/entity/(Q[1-9][0-9]*)$")


def sparql(endpoint: str, query: str, timeout_s: float = 120.0) -> list[dict[str, Any]]:
    """The bindings of one SPARQL SELECT, each variable as its plain value."""
    body = urllib.parse.urlencode({"query": query, "format": "json"}).encode()
    request = urllib.request.Request(endpoint, data=body, headers={
        "User-Agent": USER_AGENT, "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - the endpoint is an operator's choice
        data = json.loads(response.read())
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def qid(uri: str) -> str | None:
    match = _QID_URI.search(uri)
    return match.group(1) if match else None


def start_of(value: str | None) -> str | None:
    """Wikidata's '2025-05-06T00:00:00Z' as 2025-05-06 (precision is not in the plain value; a day is kept)."""
    return value[:10] if value and re.match(r"^\d{4}-\d{2}-\d{2}", value) else None


def current_roles(endpoint: str) -> dict[str, dict[str, Any]]:
    """Person QID -> {'name': ..., 'roles': [...]} for every current office the queries return."""
    people: dict[str, dict[str, Any]] = {}

    def add(person_uri: str, label: str, role: dict[str, Any]) -> None:
        person = qid(person_uri)
        if person is None or role["of"] is None:
            return
        entry = people.setdefault(person, {"name": label, "roles": []})
        if role not in entry["roles"]:
            entry["roles"].append(role)

    for row in sparql(endpoint, STATES_QUERY):
        office = row.get("officeLabel") or ("Head of state" if row["kind"] == "head_of_state" else "Head of government")
        add(row["person"], row.get("personLabel", ""), {
            "office": office, "of": qid(row["country"]), "kind": row["kind"], "since": start_of(row.get("start"))})
    values = " ".join(f"(wd:{org} p:{prop} ps:{prop} pq:P582)" for org, (_, prop) in ORGANISATIONS.items())
    for row in sparql(endpoint, ORGANISATIONS_QUERY % values):
        org = qid(row["org"])
        if org not in ORGANISATIONS:
            continue
        add(row["person"], row.get("personLabel", ""), {
            "office": ORGANISATIONS[org][0], "of": org, "kind": "head_of_organisation", "since": start_of(row.get("start"))})
    return people


def names(endpoint: str, people: list[str], batch: int = 200) -> dict[str, list[str]]:
    """Person QID -> labels and aliases in LANGUAGES."""
    found: dict[str, list[str]] = {}
    languages = ", ".join(f'"{lang}"' for lang in LANGUAGES)
    for i in range(0, len(people), batch):
        values = " ".join(f"wd:{p}" for p in people[i : i + batch])
        for row in sparql(endpoint, NAMES_QUERY % (values, languages)):
            person = qid(row["person"])
            if person is not None:
                found.setdefault(person, []).append(row["name"])
    return found


def merge(existing: list[dict[str, Any]], people: dict[str, dict[str, Any]], aliases: dict[str, list[str]],
          today: str) -> list[dict[str, Any]]:
    """The file's entries updated with Wikidata's current offices (see the module docstring)."""
    by_id = {e["id"]: dict(e) for e in existing}
    for person, found in people.items():
        by_id.setdefault(person, {"id": person, "name": found["name"], "type": "PERSON"})
    for entry in by_id.values():
        found = people.get(entry["id"], {}).get("roles", [])
        held = {(r["of"], r["kind"]) for r in found}
        current = {(r["of"], r["kind"]): r for r in entry.get("roles", []) if not r.get("until")}
        # Past offices stay; an office the file has as current and Wikidata no longer names has ended.
        roles = [r for r in entry.get("roles", []) if r.get("until")]
        roles += [{**r, "until": today} for key, r in current.items() if key not in held]
        for role in found:
            old = current.get((role["of"], role["kind"]), {})
            merged = {**old, **role, "since": role["since"] or old.get("since")}
            roles.append({k: v for k, v in merged.items() if v is not None})
        entry["roles"] = roles
    for person, extra in aliases.items():
        if person not in by_id:
            continue
        entry = by_id[person]
        cased = set(entry.get("cased_aliases", []))
        merged = list(dict.fromkeys([*entry.get("aliases", []), *(a for a in extra if a != entry["name"] and a not in cased and a.strip())]))
        # A one-word alias (a bare surname) is too ambiguous to take from Wikidata unchecked; acronyms likewise.
        entry["aliases"] = [a for a in merged if a in entry.get("aliases", []) or (" " in a.strip() and not is_acronym(a))][:MAX_ALIASES]
    for entry in by_id.values():
        GazetteerEntry.model_validate(entry)  # fail before writing anything invalid
    current = [e for e in by_id.values() if any(not r.get("until") for r in e.get("roles", []))]
    former = [e for e in by_id.values() if e not in current]
    return sorted(current, key=lambda e: e["name"]) + sorted(former, key=lambda e: e["name"])


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=100_000, sort_keys=False).strip()


def render(entries: list[dict[str, Any]], today: str, source: str) -> str:
    lines = [
        "# wirewatch bundled gazetteer: heads of state and government and heads of international organisations.",
        f"# as_of: {today}",
        f"# Sources: {source}",
        "# Regenerate with internet: scripts/build_leaders.py (queries Wikidata P35/P6); this file is the curated snapshot.",
        "entities:",
    ]
    lines.extend(f"- {_flow(entry)}" for entry in entries)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default=ENDPOINT, help="SPARQL endpoint (default: Wikidata's)")
    parser.add_argument("--file", type=Path, default=OUTPUT, help="the leaders file to update")
    parser.add_argument("--today", default=date.today().isoformat(), help="the date written as as_of and as the end of ended offices")
    parser.add_argument("--dry-run", action="store_true", help="print the result instead of writing it")
    args = parser.parse_args(argv)
    existing = (yaml.safe_load(args.file.read_text(encoding="utf-8")) or {}).get("entities", []) if args.file.exists() else []
    people = current_roles(args.endpoint)
    if not people:
        print(f"{args.endpoint}: no current office holders returned; nothing written", file=sys.stderr)
        return 1
    aliases = names(args.endpoint, sorted(people))
    merged = merge(existing, people, aliases, args.today)
    text = render(merged, args.today, f"Wikidata ({args.endpoint}) on {args.today}, merged over the curated file")
    if args.dry_run:
        sys.stdout.write(text)
    else:
        args.file.write_text(text, encoding="utf-8")
    current = sum(1 for e in merged if any(not r.get("until") for r in e.get("roles", [])))
    print(f"{args.file}: {current} current office holders, {len(merged) - current} former", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
