"""Rules: which articles each kind of condition matches, and loader errors that name the line."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from schemas import Entity, TaggedArticle
from services.alerter.errors import RuleError
from services.alerter.rules import load_rulebook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FETCHED = datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)
EXAMPLE_RULES = Path(__file__).resolve().parents[2] / "examples" / "rules.yaml"

# (surface, type, canonical id, canonical name); None id = unlinked
LINKS = {
    "NATO": ("ORG", "Q7184", "NATO"),
    "Atlantic Alliance": ("ORG", "Q7184", "NATO"),
    "Ukraine": ("GPE", "Q212", "Ukraine"),
    "Kyiv": ("GPE", "Q1899", "Kyiv"),
    "kyiv": ("GPE", "Q1899", "Kyiv"),
    "Russia": ("GPE", "Q159", "Russia"),
    "Moscow": ("GPE", "Q649", "Moscow"),
    "Washington": ("GPE", "Q30", "United States"),
    "Brussels": ("GPE", "Q458", "European Union"),
    "Mark Rutte": ("PERSON", "Q57792", "Mark Rutte"),
    "Oksana Demchuk": ("PERSON", None, None),
}


def tagged(title: str, body: str, *, source: str = "wire-en", language: str = "en", story: str = "st_1") -> TaggedArticle:
    """An article whose entities are every LINKS surface form found in its text."""
    entities = []
    for field, text in (("title", title), ("body", body)):
        for surface, (type_, qid, name) in LINKS.items():
            start = text.find(surface)
            while start != -1:
                end = start + len(surface)
                entities.append(
                    Entity(text=surface, type=type_, field=field, start=start, end=end, canonical_id=qid, canonical_name=name)
                )
                start = text.find(surface, end)
    return TaggedArticle(
        id=f"{source}/{abs(hash(title)) % 10_000}",
        source=source,
        url="https://news.example.org/a/1",
        fetched_at=FETCHED,
        language=language,
        language_confidence=0.97,
        original_title=title,
        original_body=body,
        title=title,
        body=body,
        entities=entities,
        story_id=story,
    )


NATO_VISIT = tagged(
    "NATO head arrives in Kyiv on unannounced trip",
    "The alliance's secretary general met officials in Kyiv on Tuesday and promised more air defense "
    "systems for Ukraine before winter, as the counteroffensive against Russia slows.",
)
NATO_VISIT_TRANSLATED = tagged(
    "The Secretary General of the Atlantic Alliance assures in kyiv that Ukraine advances",
    "Mark Rutte said in kyiv that Ukraine is closer than ever to NATO.and that Moscow loses ground every day.",
    source="agencia-es",
    language="es",
)
SANCTIONS = tagged(
    "Brussels and Washington agree new sanctions on Russia",
    "Officials said the package targets shipping and tightens export  controls on chips sold to Russia.",
    source="markets.example.com",
)
BLOG_POST = tagged(
    "Why Ukraine needs more air defenses now",
    "An opinion piece on Ukraine and its Patriot batteries.",
    source="defense-blog",
)
LOCAL = tagged(
    "Mayor opens new bridge",
    "Oksana Demchuk cut the ribbon. Nothing about Defenseless or defensive lines here.",
    source="city-desk",
    language="uk",
)
# The normalizer labels Norwegian as Bokmål (nb) or Nynorsk (nn), never as the macrolanguage "no" a rule writes.
OIL_NB = tagged("Oljeprisen stiger etter nye funn i Nordsjøen", "Equinor meldte fredag om nye funn av olje.",
                source="nyheter-no", language="nb")
# The same report as it came, in Spanish (the English above is its translation).
NATO_VISIT_ORIGINAL = NATO_VISIT_TRANSLATED.model_copy(update={
    "original_title": "El secretario general de la OTAN asegura en Kiev que Ucrania avanza",
    "original_body": "Mark Rutte dijo en Kiev que Ucrania está más cerca que nunca de la OTAN y de su defensa antiaérea.",
})
ARTICLES = {
    "nato_visit": NATO_VISIT,
    "nato_visit_es": NATO_VISIT_TRANSLATED,
    "nato_visit_original": NATO_VISIT_ORIGINAL,
    "sanctions": SANCTIONS,
    "blog": BLOG_POST,
    "local": LOCAL,
    "oil_nb": OIL_NB,
}

CASES = [
    # (when-YAML, article, expected reasons or None for "no match")
    ("entity: Q7184", "nato_visit", ["entity:Q7184 (NATO) in title"]),
    ("entity: q7184", "nato_visit_es", ["entity:Q7184 (NATO) in title and body"]),
    ("entity: nato", "nato_visit", ["entity:Q7184 (NATO) in title"]),
    ("entity: Q7184", "sanctions", None),
    ("entity: oksana demchuk", "local", ["entity:'Oksana Demchuk' (unlinked) in body"]),
    ("entity: Q1", "local", None),
    ("entity: United States", "sanctions", ["entity:Q30 (United States) in title"]),
    ("keyword: air defense", "nato_visit", ["keyword:'air defense'"]),
    ("keyword: AIR DEFENSE", "nato_visit", ["keyword:'AIR DEFENSE'"]),
    ("keyword: air defense", "blog", None),  # whole words: "defenses" is not "defense"
    ("keyword: defense", "local", None),  # "Defenseless" and "defensive" are other words
    ("keyword: export controls", "sanctions", ["keyword:'export controls'"]),  # any whitespace between words
    ("keyword: [ceasefire, sanctions]", "sanctions", ["keyword:'sanctions'"]),
    ("keyword: [ceasefire, truce]", "sanctions", None),
    ("keyword: ground", "nato_visit_es", ["keyword:'ground'"]),  # found in body only
    # A keyword as the source writes it: the original text counts too, and the reason says so.
    ("keyword: OTAN", "nato_visit_original", ["keyword:'OTAN' in the original"]),
    ("keyword: defensa antiaérea", "nato_visit_original", ["keyword:'defensa antiaérea' in the original"]),
    ("keyword: [OTAN, ground]", "nato_visit_original", ["keyword:'OTAN' in the original", "keyword:'ground'"]),
    ("keyword: OTAN", "nato_visit_es", None),
    # Proximity as the source writes it, as a keyword is found there.
    ("near: {terms: [OTAN, defensa], within: 5}", "nato_visit_original", ["near:'OTAN' 'defensa' 4 words apart in the original body"]),
    ("query: '\"Ucrania OTAN\"~5'", "nato_visit_original", ["near:'Ucrania' 'OTAN' 5 words apart in the original title"]),
    ("query: '\"Ucrania OTAN\"~4'", "nato_visit_original", None),
    ("near: {terms: [OTAN, defensa], within: 5}", "nato_visit_es", None),
    ("language: es", "nato_visit_es", ["language:es"]),
    ("language: [de, fr]", "nato_visit_es", None),
    ("language: ES", "nato_visit_es", ["language:es"]),
    # Norwegian written as the macrolanguage finds Bokmål and Nynorsk; a three-letter code is its two-letter one.
    ("language: 'no'", "oil_nb", ["language:nb"]),
    ("language: nn", "oil_nb", None),
    ("language: [eng, deu]", "nato_visit", ["language:en"]),
    ("language: spa", "nato_visit_es", ["language:es"]),
    ("language: nor", "oil_nb", ["language:nb"]),
    ("source: wire-en", "nato_visit", ["source:'wire-en'"]),
    ("source: wire", "nato_visit", None),  # exact, not substring
    ("source: Wire-EN", "nato_visit", ["source:'wire-en'"]),  # any case, as tag
    ("source: 'WIRE-*'", "nato_visit", ["source:'wire-en' matches 'WIRE-*'"]),
    ("source: '*.example.com'", "sanctions", ["source:'markets.example.com' matches '*.example.com'"]),
    ("source: [agencia-*, wire-*]", "nato_visit_es", ["source:'agencia-es' matches 'agencia-*'"]),
    (
        "all: [{entity: Q7184}, {entity: Q212}]",
        "nato_visit",
        ["entity:Q7184 (NATO) in title", "entity:Q212 (Ukraine) in body"],
    ),
    ("all: [{entity: Q7184}, {entity: Q212}]", "sanctions", None),
    ("all: [{entity: Q7184}, {entity: Q30}]", "nato_visit", None),
    ("any: [{entity: Q30}, {entity: Q458}]", "sanctions", ["entity:Q30 (United States) in title", "entity:Q458 (European Union) in title"]),
    ("any: [{entity: Q30}, {entity: Q458}]", "nato_visit", None),
    ("not: {source: '*blog*'}", "nato_visit", ["not source:'*blog*'"]),
    ("not: {source: '*blog*'}", "blog", None),
    ("not: {any: [{language: es}, {language: pt}]}", "nato_visit_es", None),
    ("{entity: Q212, language: es}", "nato_visit_es", ["entity:Q212 (Ukraine) in title and body", "language:es"]),
    ("{entity: Q212, language: es}", "nato_visit", None),
    (
        "all: [{entity: Q212}, {any: [{keyword: air defense}, {keyword: Patriot}]}, {not: {source: '*blog*'}}]",
        "nato_visit",
        ["entity:Q212 (Ukraine) in body", "keyword:'air defense'", "not source:'*blog*'"],
    ),
    (
        "all: [{entity: Q212}, {any: [{keyword: air defenses}, {keyword: Patriot}]}, {not: {source: '*blog*'}}]",
        "blog",
        None,
    ),
]


def rules_yaml(when: str, *, enabled: str = "true") -> str:
    if not when.startswith("{"):
        when = "{" + when + "}"
    return f"""
webhooks:
  hook:
    url: http://127.0.0.1:9/hook
    secret: {SECRET}
rules:
  - id: r1
    when: {when}
    webhooks: [hook]
    enabled: {enabled}
"""


@pytest.mark.parametrize(("when", "article", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_rule_matches_exactly_the_articles_it_describes(when: str, article: str, expected: list[str] | None) -> None:
    book = load_rulebook(rules_yaml(when), env={})
    matches = book.evaluate(ARTICLES[article])
    if expected is None:
        assert matches == []
    else:
        assert [m.rule.id for m in matches] == ["r1"]
        assert matches[0].matched == expected


def test_disabled_rule_never_matches() -> None:
    book = load_rulebook(rules_yaml("entity: Q7184", enabled="false"), env={})
    assert book.rules[0].enabled is False
    assert book.evaluate(NATO_VISIT) == []


def test_matches_come_back_in_rulebook_order_for_each_rule_that_holds() -> None:
    text = f"""
webhooks: {{hook: {{url: "http://127.0.0.1:9/", secret: {SECRET}}}}}
rules:
  - {{id: ukraine, when: {{entity: Q212}}}}
  - {{id: russia-sanctions, when: {{all: [{{entity: Russia}}, {{keyword: sanctions}}]}}}}
  - {{id: nato, when: {{entity: NATO}}, webhooks: [hook]}}
"""
    book = load_rulebook(text, env={})
    assert [m.rule.id for m in book.evaluate(NATO_VISIT)] == ["ukraine", "nato"]
    assert [m.rule.id for m in book.evaluate(SANCTIONS)] == ["russia-sanctions"]
    assert [e.name for e in book.endpoints_for("nato")] == ["hook"]
    assert book.endpoints_for("ukraine") == []


def test_example_rules_fire_for_a_nato_chief_visiting_kyiv_in_either_language() -> None:
    book = load_rulebook(EXAMPLE_RULES, env={})
    assert {"newsroom"} == set(book.webhooks)
    for article in (NATO_VISIT, NATO_VISIT_TRANSLATED):
        fired = {m.rule.id for m in book.evaluate(article)}
        assert "nato-in-ukraine" in fired
    assert "ukraine-air-defense" in {m.rule.id for m in book.evaluate(NATO_VISIT)}
    assert "ukraine-air-defense" not in {m.rule.id for m in book.evaluate(BLOG_POST)}
    assert {m.rule.id for m in book.evaluate(SANCTIONS)} == {"sanctions-on-russia"}
    assert book.evaluate(LOCAL) == []


def test_example_rules_take_webhook_url_and_secret_from_the_environment() -> None:
    other = "whsec_" + "A" * 32
    book = load_rulebook(
        EXAMPLE_RULES, env={"WIREWATCH_WEBHOOK_URL": "https://hooks.example.net/in", "WIREWATCH_WEBHOOK_SECRET": other}
    )
    endpoint = book.webhooks["newsroom"]
    assert endpoint.url == "https://hooks.example.net/in"
    assert endpoint.secrets == (other,)
    defaults = load_rulebook(EXAMPLE_RULES, env={}).webhooks["newsroom"]
    assert defaults.url == "http://127.0.0.1:8099/hooks/wirewatch"
    assert defaults.secrets[0].startswith("whsec_") and defaults.secrets[0] != other


# ---- environment interpolation


def test_env_variables_and_defaults_are_interpolated_in_strings() -> None:
    text = """
webhooks:
  hook:
    url: ${HOOK_URL}
    secret: "${HOOK_SECRET:-whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}"
    timeout_s: ${HOOK_TIMEOUT:-2.5}
rules:
  - id: r1
    when: {keyword: "${WATCH_WORD:-ceasefire}", source: "$${literal}"}
    webhooks: [hook]
"""
    book = load_rulebook(text, env={"HOOK_URL": "https://in.example.net/x", "WATCH_WORD": "sanctions"})
    hook = book.webhooks["hook"]
    assert hook.url == "https://in.example.net/x"
    assert hook.secrets == (SECRET,)
    assert hook.timeout_s == 2.5
    when = book.rules[0].when
    assert when.conditions[0].phrases == ("sanctions",)
    assert when.conditions[1].patterns == ("${literal}",)


def test_empty_env_variable_falls_back_to_its_default() -> None:
    text = rules_yaml('{keyword: "${WORD:-truce}"}')
    book = load_rulebook(text, env={"WORD": ""})
    assert book.rules[0].when.phrases == ("truce",)


def test_unset_env_variable_without_default_is_an_error_on_its_line() -> None:
    text = "webhooks:\n  hook:\n    url: ${NOWHERE}\n    secret: " + SECRET + "\nrules: []\n"
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env={})
    assert err.value.line == 3
    assert "NOWHERE is not set" in str(err.value)


@pytest.mark.parametrize(("secret", "env", "message"), [
    ("${HOOK_SECRET}", {"HOOK_SECRET": ""}, "webhook 'hook' secret: environment variable HOOK_SECRET is set but empty, and has no default"),
    ("", {}, "webhook 'hook' secret is empty"),
])
def test_an_empty_secret_is_said_as_such_not_as_none(secret: str, env: dict, message: str) -> None:
    """`HOOK_SECRET= wirewatch rules check` said "secret must be a string, got None", naming no variable."""
    text = f"webhooks:\n  hook:\n    url: http://127.0.0.1:9/\n    secret: {secret}\nrules: []\n"
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env=env)
    assert err.value.line == 4
    assert str(err.value) == f"<rules>:4: {message}"


def test_space_separated_secrets_in_one_variable_allow_key_rotation() -> None:
    new = "whsec_" + "B" * 32
    text = "webhooks:\n  hook: {url: 'http://127.0.0.1:9/', secret: '${SECRETS}'}\nrules: []\n"
    book = load_rulebook(text, env={"SECRETS": f"{new} {SECRET}"})
    assert book.webhooks["hook"].secrets == (new, SECRET)


def test_rulebook_loads_from_a_file_path_and_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(rules_yaml("entity: Q7184"))
    assert load_rulebook(path, env={}).rules[0].id == "r1"
    assert load_rulebook(str(path), env={}).rules[0].id == "r1"
    path.write_text(rules_yaml("{entitty: Q7184}"))
    with pytest.raises(RuleError, match=r"mine\.yaml:8: .*unknown condition key 'entitty'"):
        load_rulebook(path, env={})
    with pytest.raises(RuleError, match="missing.yaml: no such rules file"):
        load_rulebook(tmp_path / "missing.yaml", env={})


# ---- errors that point at the line


def test_every_broken_rule_is_an_error_in_the_files_order_and_one_alone_is_raised_as_before() -> None:
    from services.alerter.errors import RuleErrors

    text = ("rules:\n  - {id: a, when: {entity: Q212}, cooldown: soon}\n  - {id: ok, when: {keyword: x}}\n"
            "  - {id: a, when: {keyword: y}}\n  - {id: b, when: {language: english}}\n")
    with pytest.raises(RuleErrors) as err:
        load_rulebook(text, env={})
    assert [(e.line, e.problem.split(":")[0]) for e in err.value.errors] == [(2, "rule 'a' cooldown"), (5, "rule 'b'")]
    assert (err.value.line, err.value.summary()) == (2, "2 errors in 2 rules")
    assert str(err.value).splitlines()[1] == "<rules>:5: rule 'b': language 'english' is not an ISO 639 code like 'en' or 'es'"
    with pytest.raises(RuleError) as one:
        load_rulebook("rules:\n  - {id: ok, when: {keyword: x}}\n  - {id: b, when: {language: english}}\n", env={})
    assert type(one.value) is RuleError and one.value.line == 3


HEAD = f"webhooks:\n  hook:\n    url: http://127.0.0.1:9/\n    secret: {SECRET}\nrules:\n"  # rules start on line 6

ERRORS = [
    ("unknown condition key", HEAD + "  - id: a\n    when:\n      entitty: NATO\n", 8, "unknown condition key 'entitty' (did you mean 'entity'?"),
    ("rule without id", HEAD + "  - description: x\n    when: {entity: NATO}\n", 6, "rule without id"),
    ("duplicate rule id", HEAD + "  - {id: a, when: {entity: NATO}}\n  - {id: a, when: {entity: Q212}}\n", 7, "duplicate rule id 'a' (first defined on line 6)"),
    ("undefined webhook", HEAD + "  - id: a\n    when: {entity: NATO}\n    webhooks: [hook, pager]\n", 8, "webhook 'pager' is not defined"),
    ("empty all", HEAD + "  - id: a\n    when:\n      all: []\n", 8, "'all' has no conditions"),
    ("empty any", HEAD + "  - id: a\n    when:\n      any: []\n", 8, "'any' has no conditions"),
    ("empty condition", HEAD + "  - id: a\n    when:\n      all:\n        - {}\n", 9, "empty condition"),
    ("no when", HEAD + "  - id: a\n    description: nothing\n", 6, "has no 'when'"),
    ("unknown rule key", HEAD + "  - id: a\n    when: {entity: NATO}\n    enabeld: false\n", 8, "unknown key 'enabeld'"),
    ("enabled not bool", HEAD + "  - id: a\n    when: {entity: NATO}\n    enabled: sometimes\n", 8, "enabled must be true or false"),
    ("bad rule id", HEAD + "  - id: 'a rule: spaces'\n    when: {entity: NATO}\n", 6, "rule id 'a rule: spaces'"),
    ("bad language", HEAD + "  - id: a\n    when: {language: english}\n", 7, "language 'english' is not an ISO 639 code"),
    ("not a list", HEAD + "  - id: a\n    when: {all: {entity: NATO}}\n", 7, "'all' takes a list of conditions"),
    ("keyword empty list", HEAD + "  - id: a\n    when: {keyword: []}\n", 7, "must not be an empty list"),
    ("rules not a list", "rules: {a: 1}\n", 1, "'rules' must be a list"),
    ("no rules", "webhooks: {}\n", 1, "no 'rules' list"),
    ("empty file", "", 1, "rules file is empty"),
    ("unknown top key", "rule:\n  - id: a\n", 1, "unknown key 'rule' (did you mean 'rules'?"),
    ("secret without prefix", "webhooks:\n  hook:\n    url: http://x/\n    secret: MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\nrules: []\n", 4, "secret must look like 'whsec_<base64>'"),
    ("secret not base64", "webhooks:\n  hook:\n    url: http://x/\n    secret: whsec_not*base64!\nrules: []\n", 4, "not valid base64"),
    ("secret too short", "webhooks:\n  hook:\n    url: http://x/\n    secret: whsec_c2hvcnQ=\nrules: []\n", 4, "secret key is 5 bytes"),
    ("webhook without secret", "webhooks:\n  hook:\n    url: http://x/\nrules: []\n", 3, "webhook 'hook' has no 'secret'"),
    ("webhook bad url", f"webhooks:\n  hook:\n    url: ftp://x/\n    secret: {SECRET}\nrules: []\n", 3, "must be an http:// or https:// URL"),
    ("webhook bad timeout", f"webhooks:\n  hook:\n    url: http://x/\n    secret: {SECRET}\n    timeout_s: -1\nrules: []\n", 5, "timeout_s must be a positive number"),
    ("duplicate yaml key", HEAD + "  - id: a\n    id: b\n    when: {entity: NATO}\n", 7, "duplicate key 'id' (first on line 6)"),
]


ERRORS += [
    ("unknown rule key names the rule", HEAD + "  - id: a\n    wen: {entity: NATO}\n", 7, "rule 'a': unknown key 'wen' (did you mean 'when'?"),
    ("and is all", HEAD + "  - id: a\n    when: {and: [{entity: NATO}]}\n", 7, "unknown condition key 'and' (did you mean 'all'?"),
    ("AND is all", HEAD + "  - id: a\n    when: {AND: [{entity: NATO}]}\n", 7, "unknown condition key 'AND' (did you mean 'all'?"),
    ("or is any", HEAD + "  - id: a\n    when: {Or: [{entity: NATO}]}\n", 7, "unknown condition key 'Or' (did you mean 'any'?"),
    ("none is not", HEAD + "  - id: a\n    when: {none: {entity: NATO}}\n", 7, "unknown condition key 'none' (did you mean 'not'?"),
    ("NOT is not", HEAD + "  - id: a\n    when: {NOT: {entity: NATO}}\n", 7, "unknown condition key 'NOT' (did you mean 'not'?"),
    ("Entity is entity", HEAD + "  - id: a\n    when: {Entity: NATO}\n", 7, "unknown condition key 'Entity' (did you mean 'entity'?"),
    ("norwegian is false", HEAD + "  - id: a\n    when: {language: [nb, no]}\n", 7, "got no (which YAML reads as false): quote it, 'no'"),
]

QUERY_SUGGESTIONS = [
    ("entitty:NATO", "unknown field 'entitty' (did you mean 'entity'?"),
    ("Entity:NATO", "unknown field 'Entity' (did you mean 'entity'?"),
    ("AND:NATO", "'AND' is an operator, not a field"),
    ("NATO NOT:Kyiv", "'NOT' is an operator, not a field"),
]


@pytest.mark.parametrize(("query", "message"), QUERY_SUGGESTIONS)
def test_a_misspelt_query_field_gets_a_suggestion(query: str, message: str) -> None:
    with pytest.raises(RuleError) as err:
        load_rulebook(f"rules:\n  - {{id: a, query: '{query}'}}\n", env={})
    assert message in str(err.value)


YAML_ERRORS = [
    ("rules:\n  - id: a\n    query: 'entity:NATO AND \"air defense\"\n  - id: b\n    when: {entity: NATO}\n", 3, 12,
     "found unexpected end of stream at line 6, column 1, while scanning a quoted scalar that starts at line 3, column 12"),
    ("rules:\n  - id: a\n    when: [entity: NATO\n", 3, 11, "while parsing a flow sequence that starts at line 3, column 11"),
    ("rules:\n  - id: a\n    when:\n      entity: NATO\n     keyword: x\n", 5, 6, "expected <block end>"),
    ("rules:\n\t- id: a\n", 2, 1, "YAML does not allow tabs"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"), YAML_ERRORS)
def test_invalid_yaml_points_where_the_unfinished_part_began(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env={})
    assert (err.value.line, err.value.column) == (line, column)
    assert message in str(err.value)


@pytest.mark.parametrize(("name", "text", "line", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_invalid_rules_file_names_the_line_and_the_problem(name: str, text: str, line: int, message: str) -> None:
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env={})
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith(f"<rules>:{line}: ")


def test_a_cooldown_without_follow_ups_is_said_to_change_nothing() -> None:
    book = load_rulebook("rules:\n  - {id: quiet, when: {keyword: ceasefire}, cooldown: 30m}\n"
                         "  - {id: spaced, when: {keyword: ceasefire}, follow_up: true, cooldown: 30m}\n", env={})
    assert len(book.warnings) == 1 and "rule 'quiet': cooldown spaces follow-ups" in book.warnings[0]


EXAMPLE_RULES = Path(__file__).resolve().parents[2] / "examples" / "rules.yaml"
A_SECRET = "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0"


def test_the_example_secret_in_use_is_a_warning_naming_the_variable_to_set():
    book = load_rulebook(EXAMPLE_RULES, env={})
    assert [w for w in book.warnings if "secret" in w] == [
        f"{EXAMPLE_RULES}:14: webhook 'newsroom' signs with the secret written in this file, as WIREWATCH_WEBHOOK_SECRET "
        "is not set: anyone who has the file can sign as wirewatch; set WIREWATCH_WEBHOOK_SECRET"]
    assert not [w for w in load_rulebook(EXAMPLE_RULES, env={"WIREWATCH_WEBHOOK_SECRET": A_SECRET}).warnings if "secret" in w]


def test_a_secret_written_in_the_file_is_a_warning_as_is_a_default_in_use():
    text = f"webhooks:\n  hook:\n    url: http://127.0.0.1:1/\n    secret: [{A_SECRET}, '${{NEXT:-{A_SECRET}}}']\nrules: []\n"
    written = ("<rules>:4: webhook 'hook' signs with a secret written in this file: anyone who has the file can sign as "
               "wirewatch; write secret: ${VAR} and set VAR in the environment (or .env)")
    book = load_rulebook(text, env={})
    assert book.warnings == book.endpoint_warnings == (written, (
        "<rules>:4: webhook 'hook' signs with the secret written in this file, as NEXT is not set: anyone who has the "
        "file can sign as wirewatch; set NEXT"))
    assert load_rulebook(text, env={"NEXT": A_SECRET}).warnings == (written,)


@pytest.mark.parametrize("secret", ["${HOOK_SECRET}", "'${HOOK_SECRET} ${NEXT}'", "['${HOOK_SECRET}', '${NEXT:-}']"])
def test_a_secret_read_from_variables_only_is_no_warning(secret):
    text = f"webhooks:\n  hook:\n    url: http://127.0.0.1:1/\n    secret: {secret}\nrules: []\n"
    assert load_rulebook(text, env={"HOOK_SECRET": A_SECRET, "NEXT": A_SECRET}).warnings == ()


def test_the_alerter_logs_the_example_secret_in_use_when_it_starts(tmp_path, monkeypatch):
    from structlog.testing import capture_logs

    from services.runtime.app import create_app
    from services.runtime.settings import Settings

    monkeypatch.delenv("WIREWATCH_WEBHOOK_SECRET", raising=False)
    settings = Settings(broker="127.0.0.1:1", data_dir=tmp_path, alerter={"rules": EXAMPLE_RULES})
    with capture_logs() as logs:
        create_app(settings, ("alerter",))
    warned = [e["warning"] for e in logs if e["event"] == "rule_warning"]
    assert any("as WIREWATCH_WEBHOOK_SECRET is not set" in w for w in warned), logs


def test_a_query_for_norwegian_finds_a_report_the_normalizer_labelled_bokmal() -> None:
    """`language: no` matched nothing: the normalizer labels Norwegian nb or nn, and the rule compared codes as written."""
    book = load_rulebook("rules:\n  - {id: oil, query: 'language:no AND olje'}\n", env={})
    assert [m.matched for m in book.evaluate(OIL_NB)] == [["language:nb", "keyword:'olje'"]]
    assert book.evaluate(NATO_VISIT) == []
