"""The rule language beyond plain conditions: salience, proximity, feed tags, story size, and the query string."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, Salience, TaggedArticle
from services.alerter.errors import RuleError
from services.alerter.query import QueryError
from services.alerter.rules import load_rulebook, parse_condition_query

NOW = datetime(2026, 3, 5, 9, 30, tzinfo=timezone.utc)


def entity(text: str, field: str, start: int, qid: str | None, name: str | None, type_: str = "ORG") -> Entity:
    return Entity(text=text, type=type_, field=field, start=start, end=start + len(text), canonical_id=qid, canonical_name=name)


def article(title: str, body: str, entities: list[Entity], *, source: str = "wire-en", **fields) -> TaggedArticle:
    return TaggedArticle(
        id=f"{source}/{abs(hash(title)) % 1000}", source=source, fetched_at=NOW, language="en", language_confidence=0.9,
        original_title=title, original_body=body, title=title, body=body, entities=entities, story_id="st_1", **fields,
    )


def find(text: str, surface: str, field: str, qid: str | None, name: str | None, type_: str = "ORG") -> list[Entity]:
    out, start = [], text.find(surface)
    while start != -1:
        out.append(entity(surface, field, start, qid, name, type_))
        start = text.find(surface, start + 1)
    return out


LEAD_STORY_BODY = (
    "NATO ministers met in Brussels on Tuesday to agree new air defense deliveries.\n\n"
    "Later, officials said NATO would review the plan. NATO members disagreed on timing."
)
HEADLINE = article(
    "NATO pledges more air defense", LEAD_STORY_BODY,
    find("NATO pledges more air defense", "NATO", "title", "Q7184", "NATO") + find(LEAD_STORY_BODY, "NATO", "body", "Q7184", "NATO"),
)
PASSING_BODY = "Markets rose on Tuesday after a calm session in Asia.\n\nAn analyst mentioned NATO once, near the end."
PASSING = article("Stocks climb", PASSING_BODY, find(PASSING_BODY, "NATO", "body", "Q7184", "NATO"), source="markets")
TAGGED_FEED = article("Ceasefire talks resume", "Envoys met in Geneva about a ceasefire on the border.", [],
                      source="agency", tags=["Defense", "europe"], story_size=4)

SALIENCE_CASES = [
    ("{entity: {id: Q7184, in: title}}", "headline", ["entity:Q7184 (NATO) in title and body, 4 mentions, in title"]),
    ("{entity: {id: Q7184, in: title}}", "passing", None),
    ("{entity: {id: Q7184, in: lead}}", "headline", ["entity:Q7184 (NATO) in title and body, 4 mentions, in lead"]),
    ("{entity: {id: Q7184, in: lead}}", "passing", None),  # named only in the last paragraph
    ("{entity: {name: nato, in: [title, lead]}}", "headline", ["entity:Q7184 (NATO) in title and body, 4 mentions, in title and lead"]),
    ("{entity: {id: Q7184, min_mentions: 3}}", "headline", ["entity:Q7184 (NATO) in title and body, 4 mentions"]),
    ("{entity: {id: Q7184, min_mentions: 2}}", "passing", None),
    ("{entity: {id: Q7184, min_salience: 0.6}}", "headline", ["entity:Q7184 (NATO) in title and body, 4 mentions, salience 0.96"]),
    ("{entity: {id: Q7184, min_salience: 0.6}}", "passing", None),
    ("{near: {terms: [NATO, air defense], within: 3}}", "headline", ["near:'NATO' 'air defense' 3 words apart in title"]),
    ("{near: {terms: [ministers, deliveries], within: 10}}", "headline", None),  # 11 words apart
    ("{near: {terms: [ministers, deliveries], within: 11}}", "headline", ["near:'ministers' 'deliveries' 11 words apart in body"]),
    ("{near: {terms: [markets, nato], within: 12}}", "passing", None),  # 13 apart
    ("{near: {terms: [deliveries, ministers], within: 11}}", "headline", ["near:'deliveries' 'ministers' 11 words apart in body"]),
    ("{tag: defense}", "tagged_feed", ["tag:'defense'"]),
    ("{tag: [sports, EUROPE]}", "tagged_feed", ["tag:'EUROPE'"]),
    ("{tag: defense}", "headline", None),  # no feed tags: no match, no error
    ("{story_size: 3}", "tagged_feed", ["story_size:4"]),
    ("{story_size: {min: 5}}", "tagged_feed", None),
    ("{story_size: 2}", "headline", None),  # a story of one article
    ("{query: 'entity:NATO AND NOT source:markets'}", "headline", ["entity:Q7184 (NATO) in title and body", "not source:'markets'"]),
    ("{query: 'entity:NATO AND NOT source:markets'}", "passing", None),
    ("{query: 'entity.title:Q7184 OR tag:defense'}", "tagged_feed", ["tag:'defense'"]),
    ("{query: '\"nato air\"~3 (\"air defense\" OR ceasefire)'}", "headline", ["near:'nato' 'air' 3 words apart in title", "keyword:'air defense'"]),
    ("{query: '-entity:NATO ceasefire story_size:2'}", "tagged_feed", ["not entity:NATO", "keyword:'ceasefire'", "story_size:4"]),
]
ARTICLES = {"headline": HEADLINE, "passing": PASSING, "tagged_feed": TAGGED_FEED}


@pytest.mark.parametrize(("when", "name", "expected"), SALIENCE_CASES, ids=[f"{c[1]}:{c[0]}" for c in SALIENCE_CASES])
def test_rule_language_matches_exactly_what_it_says(when: str, name: str, expected: list[str] | None) -> None:
    book = load_rulebook(f"rules:\n  - id: r1\n    when: {when}\n", env={})
    matches = book.evaluate(ARTICLES[name])
    if expected is None:
        assert matches == []
    else:
        assert [m.matched for m in matches] == [expected]


def test_query_form_and_yaml_form_agree_on_every_article() -> None:
    as_query = load_rulebook("rules:\n  - id: q\n    query: entity:Q7184 AND (\"air defense\" OR tag:defense) AND NOT source:markets\n", env={})
    as_yaml = load_rulebook(
        "rules:\n  - id: q\n    when: {all: [{entity: Q7184}, {any: [{keyword: air defense}, {tag: defense}]}, {not: {source: markets}}]}\n",
        env={},
    )
    for a in ARTICLES.values():
        assert bool(as_query.evaluate(a)) == bool(as_yaml.evaluate(a))
    assert as_query.evaluate(HEADLINE) and not as_query.evaluate(PASSING)


def test_salience_from_the_tagger_wins_over_the_computed_one() -> None:
    tagged = PASSING.model_copy(update={"salience": [Salience(key="Q7184", name="NATO", type="ORG", mentions=1, in_title=True, in_lead=False)]})
    book = load_rulebook("rules:\n  - {id: r, when: {entity: {id: Q7184, in: title}}}\n", env={})
    assert [m.matched for m in book.evaluate(tagged)] == [["entity:Q7184 (NATO) in body, 1 mention, in title"]]


QUERY_ERRORS = [
    ("entity:NATO AND", 16, "ends where a term was expected"),
    ("(entity:NATO OR entity:Q212", 28, "expected ')' to close the '(' at column 1"),
    ("entity:NATO)", 12, "unexpected ')'"),
    ("entiy:NATO", 1, "unknown field 'entiy'"),
    ('keyword:"air defense', 9, "unclosed quote"),
    ("language:english", 1, "not an ISO 639 code"),
    ("entity: NATO", 1, "entity: needs a value"),
    ("OR entity:NATO", 1, "expected a term, found OR"),
    ("nato~3", 5, 'proximity is written "word word"~N'),
]


@pytest.mark.parametrize(("query", "column", "message"), QUERY_ERRORS, ids=[q[0] for q in QUERY_ERRORS])
def test_query_errors_point_at_the_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_condition_query(query)
    assert err.value.column == column
    assert message in str(err.value)


def test_query_error_in_a_rules_file_names_line_and_column_of_the_character() -> None:
    text = "rules:\n  - id: a\n    query: 'entity:NATO AND entiy:Q212'\n"
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env={})
    assert (err.value.line, err.value.column) == (3, 29)
    assert text.splitlines()[2][err.value.column - 1 :].startswith("entiy:")
    assert str(err.value).startswith("<rules>:3:29: rule 'a' query: unknown field 'entiy'")


POLICY_ERRORS = [
    ("window: {count: 3}", "window needs 'within'"),
    ("window: {count: 0, within: 1h}", "window count must be at least 1"),
    ("window: {count: 2, within: soon}", "not a duration: 'soon'"),
    ("window: {count: 2, within: 1h, distinct: authors}", "distinct must be 'articles' or 'sources'"),
    ("burst: {of: entity}", "burst of entity needs 'entity"),
    ("burst: {alpha: 2}", "alpha must be at most 1"),
    ("window: {count: 2, within: 1h}\n    burst: {}", "a window or a burst, not both"),
    ("cooldown: -5m", "not a duration"),
    ("follow_up: yes please", "follow_up must be true or false"),
]
CONDITION_ERRORS = [
    ("{entity: {id: NATO}}", "is not a Wikidata QID"),
    ("{entity: {id: Q1, in: headline}}", "entity in must be 'title' or 'lead'"),
    ("{near: {terms: [nato], within: 3}}", "at least two words or phrases"),
]


@pytest.mark.parametrize(("extra", "message"), POLICY_ERRORS, ids=[p[1] for p in POLICY_ERRORS])
def test_invalid_rule_options_are_refused_on_their_line(extra: str, message: str) -> None:
    text = f"rules:\n  - id: a\n    when: {{entity: Q7184}}\n    {extra}\n"
    with pytest.raises(RuleError) as err:
        load_rulebook(text, env={})
    assert message in str(err.value)
    assert err.value.line in (4, 5)


@pytest.mark.parametrize(("when", "message"), CONDITION_ERRORS, ids=[p[1] for p in CONDITION_ERRORS])
def test_invalid_conditions_are_refused_on_their_line(when: str, message: str) -> None:
    with pytest.raises(RuleError) as err:
        load_rulebook(f"rules:\n  - id: a\n    when: {when}\n", env={})
    assert message in str(err.value)
    assert err.value.line == 3


def test_policy_options_are_read_with_units() -> None:
    text = """
rules:
  - id: a
    when: {entity: Q7184}
    window: {count: 3, within: 2h, distinct: sources}
    follow_up: true
    cooldown: 10m
    repeat_interval: 1d
  - id: b
    query: entity:Q212
    burst: {entity: Q212, bucket: 5m, z: 4, min_count: 5}
"""
    book = load_rulebook(text, env={})
    a, b = book.rules
    assert (a.policy.window.count, a.policy.window.within_s, a.policy.window.distinct) == (3, 7200.0, "sources")
    assert (a.policy.follow_up, a.policy.cooldown_s, a.policy.repeat_s) == (True, 600.0, 86400.0)
    assert (b.policy.burst.of, b.policy.burst.entity, b.policy.burst.bucket_s, b.policy.burst.z, b.policy.burst.min_count) == (
        "entity", "Q212", 300.0, 4.0, 5)


@pytest.mark.parametrize(("query", "word", "column"), [("entity:NATO or entity:Q212", "or", 13), ("sanctions and Russia", "and", 11),
                                                       ("entity:NATO not source:blog", "not", 13)])
def test_an_operator_written_in_lower_case_is_warned_of(query: str, word: str, column: int) -> None:
    """`entity:NATO or entity:Q212` is read as NATO AND 'or' AND Q212, and matched nothing with no word said."""
    book = load_rulebook(f"rules:\n  - {{id: q, query: '{query}'}}\n", env={})
    assert list(book.warnings) == [f"<rules>:2: rule 'q' query: {word!r} (column {column} of the query) is read as a keyword, so the "
                             f"terms around it must all hold; for the operator write {word.upper()}; to search for the "
                             f'word, quote it: "{word}"']


@pytest.mark.parametrize("query", ['entity:NATO "or" entity:Q212', "keyword:and", "entity:NATO OR entity:Q212", "android"])
def test_a_word_plainly_meant_as_a_word_is_not_warned_of(query: str) -> None:
    assert load_rulebook(f"rules:\n  - {{id: q, query: '{query}'}}\n", env={}).warnings == ()
