"""A rule's words typed in plain letters ("Sao Paulo", "Erdogan") match a report that writes them with their diacritics,
in the alerter and in `wirewatch rules test` alike; words written with diacritics match as written ("año" is not "ano")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from schemas import Entity, TaggedArticle
from services.alerter.rules import load_rulebook
from services.cli import main
from tests.unit.test_alerter_rules import rules_yaml, tagged


def mentioned(article: TaggedArticle, text: str, qid: str | None = None, name: str | None = None) -> TaggedArticle:
    """``article`` with a mention of ``text`` in its title (linked to ``qid`` when given, else unlinked)."""
    start = article.title.index(text)
    entity = Entity(text=text, type="PERSON", field="title", start=start, end=start + len(text), canonical_id=qid,
                    canonical_name=name)
    return article.model_copy(update={"entities": [*article.entities, entity]})


ARTICLES = {
    "sao_paulo": tagged("Floods cut roads around São Paulo", "Rain closed the SÃO PAULO\nring road on Monday."),
    "plain": tagged("Floods cut roads around Sao Paulo", "Rain closed the ring road on Monday."),
    "original": tagged("Floods in Brazil's largest city", "Rain closed roads.").model_copy(update={
        "language": "pt", "original_title": "Enchentes em São Paulo", "original_body": "A chuva fechou estradas."}),
    "erdogan": mentioned(tagged("Erdoğan meets Zürich bankers", "Talks in Zürich."), "Erdoğan", "Q39259", "Recep Tayyip Erdoğan"),
    "gomez": mentioned(tagged("José Gómez wins the mayoral race", "A close count."), "José Gómez"),
    "ano": tagged("The ano festival opens", "Crowds arrive."),
    "año": tagged("A good AÑO for Spanish wine", "Harvest news."),
}

CASES = [
    # A keyword typed without diacritics finds the spelling with them, and the reason says what it found, as written.
    ("keyword: Sao Paulo", "sao_paulo", ["keyword:'Sao Paulo' as 'São Paulo'"]),
    ("keyword: sao paulo", "plain", ["keyword:'sao paulo'"]),
    ("keyword: São Paulo", "plain", None),  # written with them: as written
    ("keyword: São Paulo", "sao_paulo", ["keyword:'São Paulo'"]),
    ("keyword: Sao Paulo", "original", ["keyword:'Sao Paulo' as 'São Paulo' in the original"]),
    ("keyword: [Zurich, Erdogan]", "erdogan", ["keyword:'Zurich' as 'Zürich'", "keyword:'Erdogan' as 'Erdoğan'"]),
    ("keyword: Sao", "sao_paulo", ["keyword:'Sao' as 'São'"]),
    ("keyword: Sa", "sao_paulo", None),  # still whole words
    ("keyword: ano", "año", ["keyword:'ano' as 'AÑO'"]),
    ("keyword: año", "ano", None),  # "año" (year) is not "ano"
    ("keyword: año", "año", ["keyword:'año'"]),
    # The query language's keywords and proximity, the same way.
    ("query: 'Erdogan AND keyword:\"sao paulo\"'", "sao_paulo", None),
    ("query: 'Erdogan OR keyword:\"sao paulo\"'", "sao_paulo", ["keyword:'sao paulo' as 'São Paulo'"]),
    ("near: {terms: [floods, Sao Paulo], within: 4}", "sao_paulo",
     ["near:'floods' 'Sao Paulo' 4 words apart in title, 'Sao Paulo' as 'São Paulo'"]),
    ("near: {terms: [closed, sao paulo], within: 2}", "sao_paulo",  # across a line break, in capitals
     ["near:'closed' 'sao paulo' 2 words apart in body, 'sao paulo' as 'SÃO PAULO'"]),
    ("query: '\"roads Sao\"~2'", "sao_paulo", ["near:'roads' 'Sao' 2 words apart in title, 'Sao' as 'São'"]),
    ("near: {terms: [floods, São Paulo], within: 4}", "plain", None),
    # Names: the gazetteer's look-up takes diacritics off already; a name it does not know finds the unlinked mention.
    ("entity: Erdogan", "erdogan", ["entity:Q39259 (Recep Tayyip Erdoğan) in title"]),
    ("entity: Jose Gomez", "gomez", ["entity:'José Gómez' (unlinked) in title"]),
    ("entity: José Gómez", "gomez", ["entity:'José Gómez' (unlinked) in title"]),
]


@pytest.mark.parametrize(("when", "article", "expected"), CASES, ids=[f"{c[1]}:{c[0]}" for c in CASES])
def test_a_rule_typed_in_plain_letters_matches_the_spelling_with_diacritics(when: str, article: str,
                                                                            expected: list[str] | None) -> None:
    matches = load_rulebook(rules_yaml(when), env={}).evaluate(ARTICLES[article])
    assert [m.matched for m in matches] == ([expected] if expected is not None else [])


def test_rules_test_says_a_keyword_typed_without_diacritics_found_them(tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {id: brazil-floods, when: {keyword: Sao Paulo}}\n")
    line = ARTICLES["sao_paulo"].model_dump_json()
    result = CliRunner().invoke(main, ["rules", "test", str(rules), "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert "brazil-floods: keyword:'Sao Paulo' as 'São Paulo' -> ALERT (fired)" in result.stdout
