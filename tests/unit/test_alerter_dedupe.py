"""Dedupe keys, deterministic alert ids and the alert built from a rule match."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from schemas import Entity, TaggedArticle
from services.alerter.dedupe import alert_id, dedupe_key, make_alert
from services.alerter.rules import load_rulebook

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=timezone.utc)
RULES = """
rules:
  - id: nato-in-ukraine
    when: {all: [{entity: Q7184}, {entity: Q212}]}
"""


def article(*, id: str, source: str, language: str, title: str, story: str = "st_42") -> TaggedArticle:
    body = "Allies pledged support to Ukraine at the meeting."
    return TaggedArticle(
        id=id,
        source=source,
        url=f"https://{source}.example.org/{id}",
        fetched_at=NOW,
        language=language,
        language_confidence=0.9,
        original_title=title,
        original_body=body,
        title=title,
        body=body,
        entities=[
            Entity(text="NATO", type="ORG", field="title", start=0, end=4, canonical_id="Q7184", canonical_name="NATO"),
            Entity(text="Ukraine", type="GPE", field="body", start=24, end=31, canonical_id="Q212", canonical_name="Ukraine"),
            Entity(text="kyiv", type="GPE", field="title", start=20, end=24, canonical_id="Q1899", canonical_name="Kyiv"),
            Entity(text="Kyiv", type="GPE", field="body", start=0, end=0, canonical_id="Q1899", canonical_name="Kyiv"),
            Entity(text="Halyna", type="PERSON", field="body", start=0, end=0),
        ],
        story_id=story,
    )


WIRE = article(id="wire-en/77", source="wire-en", language="en", title="NATO leader lands in kyiv\nfor talks")
AGENCY = article(id="agencia-es/5", source="agencia-es", language="es", title="NATO chief in kyiv, says Ukraine advances")


def test_alert_id_is_stable_for_a_key_and_differs_between_keys() -> None:
    key = dedupe_key("nato-in-ukraine", "st_42")
    assert key == "nato-in-ukraine:st_42"
    assert alert_id(key) == alert_id("nato-in-ukraine:st_42")
    assert alert_id(key) != alert_id(dedupe_key("nato-in-ukraine", "st_43"))
    assert alert_id(key) != alert_id(dedupe_key("nato-in-ukraine-2", "st_42"))
    assert alert_id(key).startswith("alrt_") and len(alert_id(key)) == len("alrt_") + 26


def test_same_story_in_two_languages_gives_one_alert_id() -> None:
    book = load_rulebook(RULES, env={})
    [wire_match] = book.evaluate(WIRE)
    [agency_match] = book.evaluate(AGENCY)
    first = make_alert(wire_match, WIRE, NOW)
    second = make_alert(agency_match, AGENCY, NOW.replace(minute=7))
    assert first.id == second.id
    assert first.dedupe_key == second.dedupe_key == "nato-in-ukraine:st_42"
    assert first.article_ids == ["wire-en/77"] and second.article_ids == ["agencia-es/5"]


def test_alert_carries_summary_reasons_and_sorted_canonical_entities() -> None:
    book = load_rulebook(RULES, env={})
    [match] = book.evaluate(WIRE)
    alert = make_alert(match, WIRE, NOW)
    assert alert.rule_id == "nato-in-ukraine"
    assert alert.story_id == "st_42"
    assert alert.fired_at == NOW
    assert alert.summary == 'nato-in-ukraine: "NATO leader lands in kyiv for talks" (wire-en, en)'
    assert alert.matched == ["entity:Q7184 (NATO) in title", "entity:Q212 (Ukraine) in body"]
    assert alert.title == WIRE.title
    assert alert.url == "https://wire-en.example.org/wire-en/77"
    assert alert.entities == ["Kyiv", "NATO", "Ukraine"]


def test_untitled_article_is_summarized_from_its_body() -> None:
    book = load_rulebook(RULES, env={})
    untitled = WIRE.model_copy(update={"title": ""})
    [match] = book.evaluate(untitled)
    assert make_alert(match, untitled, NOW).summary.startswith('nato-in-ukraine: "Allies pledged support')


def test_long_titles_are_cut_to_one_short_line() -> None:
    book = load_rulebook(RULES, env={})
    long = WIRE.model_copy(update={"title": "NATO " + "very " * 100 + "long"})
    [match] = book.evaluate(long)
    summary = make_alert(match, long, NOW).summary
    assert "\n" not in summary and len(summary) < 220 and "…" in summary


def test_naive_now_is_refused() -> None:
    book = load_rulebook(RULES, env={})
    [match] = book.evaluate(WIRE)
    with pytest.raises(ValueError):
        make_alert(match, WIRE, datetime(2026, 3, 5, 10, 0))


def test_an_alert_says_which_language_its_title_is_in() -> None:
    from schemas import Change, Translation

    book = load_rulebook(RULES, env={})
    greek = article(id="ert/1", source="ert", language="el", title="Ο επικεφαλής του ΝΑΤΟ στο Κίεβο")
    translated = article(id="efe/2", source="efe", language="es", title="NATO chief in Kyiv").model_copy(
        update={"original_title": "El jefe de la OTAN en Kiev", "translation": Translation(engine="apertium", source_language="es")})
    kept = article(id="dpa/3", source="dpa", language="de", title="NATO chief in Kyiv").model_copy(update={"changes": [Change(
        kind="translation", rule="title-already-english", field="title", before="NATO chief in Kyiv", after="NATO chief in Kyiv",
        reason="the title is English (the body is de): left as it is")]})
    languages = {}
    for a in (WIRE, greek, translated, kept):
        [match] = book.evaluate(a)
        languages[a.id] = make_alert(match, a, NOW).title_language
    # Untranslated (no translator for Greek): its title is the Greek original; the rest read in English.
    assert languages == {"wire-en/77": "en", "ert/1": "el", "efe/2": "en", "dpa/3": "en"}
