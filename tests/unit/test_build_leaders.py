"""scripts/build_leaders.py against a loopback SPARQL endpoint that answers in Wikidata's result format:
new office holders come in, an office nobody holds any more is ended, curated names are kept."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import yaml
from aiohttp import web

from services.tagger.gazetteer import load_entries

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_leaders  # noqa: E402

WD = "http://www.wikidata.org/entity/"


def _uri(qid: str) -> dict[str, str]:
    return {"type": "uri", "value": WD + qid}


def _lit(value: str, lang: str | None = None) -> dict[str, str]:
    return {"type": "literal", "value": value, **({"xml:lang": lang} if lang else {})}


# Two countries and one organisation, in the shape query.wikidata.org answers.
STATES = [
    {"country": _uri("Q183"), "person": _uri("Q1000001"), "personLabel": _lit("Anna Example", "en"),
     "kind": _lit("head_of_government"), "start": _lit("2031-05-06T00:00:00Z"), "officeLabel": _lit("Chancellor of Germany", "en")},
    {"country": _uri("Q183"), "person": _uri("Q1000002"), "personLabel": _lit("Bernd Beispiel", "en"),
     "kind": _lit("head_of_state"), "officeLabel": _lit("President of Germany", "en")},
    {"country": _uri("Q30"), "person": _uri("Q22686"), "personLabel": _lit("Donald Trump", "en"),
     "kind": _lit("head_of_state"), "start": _lit("2025-01-20T00:00:00Z"), "officeLabel": _lit("President of the United States", "en")},
]
ORGS = [{"org": _uri("Q7184"), "person": _uri("Q57792"), "personLabel": _lit("Mark Rutte", "en"), "start": _lit("2024-10-01T00:00:00Z")}]
NAMES = [
    {"person": _uri("Q1000001"), "name": _lit("Anna Example", "en")},
    {"person": _uri("Q1000001"), "name": _lit("Анна Экзампл", "ru")},
    {"person": _uri("Q1000001"), "name": _lit("Example", "de")},  # a bare surname: not taken unchecked
    {"person": _uri("Q22686"), "name": _lit("Donald John Trump", "en")},
    {"person": _uri("Q22686"), "name": _lit("DJT", "en")},  # an acronym: not taken unchecked
]

CURATED = """\
# curated
entities:
- {id: Q22686, name: Donald Trump, type: PERSON, aliases: [Дональд Трамп], cased_aliases: [Trump],
   roles: [{office: President of the United States, of: Q30, kind: head_of_state, since: 2025-01-20}]}
- {id: Q61053, name: Olaf Scholz, type: PERSON, aliases: [Scholz],
   roles: [{office: Chancellor of Germany, of: Q183, kind: head_of_government, since: 2021-12-08}]}
- {id: Q567, name: Angela Merkel, type: PERSON, aliases: [Merkel],
   roles: [{office: Chancellor of Germany, of: Q183, kind: head_of_government, since: 2005-11-22, until: 2021-12-08}]}
"""


@pytest.fixture
async def endpoint():
    queries: list[str] = []

    async def sparql(request: web.Request) -> web.Response:
        query = parse_qs((await request.read()).decode())["query"][0]
        queries.append(query)
        if request.headers.get("User-Agent", "").startswith("Python-urllib"):
            return web.Response(status=403, text="Wikidata asks for a descriptive User-Agent")
        rows = ORGS if "VALUES (?org" in query else NAMES if "rdfs:label" in query else STATES
        return web.json_response({"head": {"vars": []}, "results": {"bindings": rows}}, content_type="application/sparql-results+json")

    app = web.Application()
    app.router.add_post("/sparql", sparql)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/sparql", queries
    await runner.cleanup()


async def test_a_refresh_adds_new_office_holders_and_ends_offices_no_longer_held(endpoint, tmp_path):
    url, queries = endpoint
    leaders = tmp_path / "leaders.yaml"
    leaders.write_text(CURATED)
    code = await asyncio.to_thread(build_leaders.main, ["--endpoint", url, "--file", str(leaders), "--today", "2031-06-01"])
    assert code == 0
    assert any("wdt:P35" in q or "p:P35" in q for q in queries)
    text = leaders.read_text()
    assert "# as_of: 2031-06-01" in text
    entries = {e.id: e for e in load_entries([leaders], bundled=False)}

    anna = entries["Q1000001"]
    assert [(r.office, r.of, r.kind, r.since, r.until) for r in anna.roles] == [
        ("Chancellor of Germany", "Q183", "head_of_government", "2031-05-06", None)]
    assert "Анна Экзампл" in anna.aliases and "Example" not in anna.aliases
    assert [r.office for r in entries["Q1000002"].roles] == ["President of Germany"]
    assert [(r.of, r.kind) for r in entries["Q57792"].roles] == [("Q7184", "head_of_organisation")]

    # Scholz is no longer returned: his office is ended on the run date, and he stays linkable.
    [scholz] = entries["Q61053"].roles
    assert (scholz.since, scholz.until) == ("2021-12-08", "2031-06-01")
    assert "Scholz" in entries["Q61053"].aliases
    # Merkel's past office is untouched; Trump keeps his curated names and gets Wikidata's.
    assert entries["Q567"].roles[0].until == "2021-12-08"
    trump = entries["Q22686"]
    assert trump.cased_aliases == ("Trump",) and "Дональд Трамп" in trump.aliases and "Donald John Trump" in trump.aliases
    assert "DJT" not in trump.aliases
    assert [r.until for r in trump.roles] == [None]

    # Current office holders first, former ones after.
    order = [e["id"] for e in yaml.safe_load(text)["entities"]]
    assert order.index("Q61053") > max(order.index(q) for q in ("Q1000001", "Q1000002", "Q22686", "Q57792"))


async def test_an_endpoint_returning_nobody_writes_nothing(tmp_path):
    async def empty(request: web.Request) -> web.Response:
        return web.json_response({"results": {"bindings": []}})

    app = web.Application()
    app.router.add_post("/sparql", empty)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    leaders = tmp_path / "leaders.yaml"
    leaders.write_text(CURATED)
    try:
        code = await asyncio.to_thread(build_leaders.main, ["--endpoint", f"http://127.0.0.1:{runner.addresses[0][1]}/sparql",
                                                            "--file", str(leaders)])
    finally:
        await runner.cleanup()
    assert code == 1 and leaders.read_text() == CURATED
