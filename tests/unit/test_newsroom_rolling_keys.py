"""A newsroom upgraded before the tagger (a rolling upgrade) stores an older tagger's report with its own key rule's keys:
the same entities as a current tagger's report of them, so that the mark (``articles.keys_from``, ``message:N``) is true."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cache

import orjson
import pytest

from schemas import NormalizedArticle, TaggedArticle
from services.newsroom.rekey import KEY_RULE, by_this_rule, delivered_keys
from services.newsroom.records import article_row
from services.tagger.core import Tagger
from services.tagger.demonyms import Demonyms
from services.tagger.gazetteer import Gazetteer
from services.tagger.pipeline import load_pipeline
from services.tagger.settings import TaggerSettings
from tests.unit.test_newsroom_rekey import keys_of, marks_of, old_report
from tests.unit.test_newsroom_store import NOW, open_store  # noqa: F401 - fixture: both backends

TITLE = "Israel Defence Forces strike as flights are grounded"
BODY = ("The Israel Defence Forces said on Monday that strikes would go on. The U.S. Federal Aviation Administration "
        "grounded flights to Tel Aviv. The National Paediatric Programme of the Scott Labour Centre was suspended, its "
        "director Jane Okafor said.")
# The keys taggers of earlier rules (rekey.KEY_RULE) gave the names this rule's tagger keys so: rule 1 kept British
# spellings, rule 2 folded "defence" and "centre" but not "programme" or "paediatric", rules 1-3 keyed a state office
# named by its country by the words written.
EARLIER = {
    1: {"name:israeli defense forces": "name:israel defence forces",
        "name:american federal aviation administration": "name:u.s federal aviation administration",
        "name:national pediatric program": "name:national paediatric programme",
        "name:scott labour center": "name:scott labour centre"},
    2: {"name:israeli defense forces": "name:israel defense forces",
        "name:american federal aviation administration": "name:u.s federal aviation administration",
        "name:national pediatric program": "name:national paediatric programme"},
    3: {"name:israeli defense forces": "name:israel defense forces",
        "name:american federal aviation administration": "name:u.s federal aviation administration"},
}


@cache
def tagger() -> Tagger:
    return Tagger(TaggerSettings(spacy_model="en_core_web_sm"), nlp=load_pipeline("en_core_web_sm"))


@cache
def keys_by_name():
    return Demonyms.load(Gazetteer.load()).key_of


def tagged(body: str = BODY, title: str = TITLE) -> TaggedArticle:
    """The report as the bundled (current) tagger tags it."""
    return tagger().tag(NormalizedArticle(
        id="wire/current", source="wire", fetched_at=datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc), language="en",
        language_confidence=0.97, original_title=title, original_body=body, title=title, body=body)).model_copy(
        update={"story_id": "s-strikes"})


def keyed_by(report: TaggedArticle, article_id: str, earlier: dict[str, str]) -> TaggedArticle:
    """``report`` under another id, each key as an earlier rule's tagger gave it (``earlier``: this rule's -> that one's)."""
    return report.model_copy(update={
        "id": article_id, "url": f"https://wire.example/{article_id}",
        "entities": [e.model_copy(update={"key": earlier.get(e.key, e.key)}) for e in report.entities],
        "salience": [s.model_copy(update={"key": earlier.get(s.key, s.key)}) for s in report.salience]})


def test_an_older_taggers_report_is_stored_as_the_same_entities_as_a_current_taggers(open_store):  # noqa: F811
    current = tagged()
    assert {x.key for x in current.salience} >= set(EARLIER[1])  # the tagger keys them so today
    s = open_store()
    s.write_article(current, now=NOW)
    for rule, earlier in EARLIER.items():
        s.write_article(keyed_by(current, f"wire/rule-{rule}", earlier), now=NOW)
    reports = ["wire/current", *(f"wire/rule-{rule}" for rule in EARLIER)]
    # The current tagger's report as delivered; each older one's as the current tagger would have keyed it.
    assert keys_of(s, "wire/current") == sorted((x.key, x.mentions) for x in current.salience)
    assert [keys_of(s, report) for report in reports] == [keys_of(s, "wire/current")] * 4
    assert [s.article(report)["entities"] for report in reports] == [s.article("wire/current")["entities"]] * 4
    # One page per entity, listing all four reports; no page for a key only an older tagger gave.
    for key in EARLIER[1]:
        assert s.entity(key)["articles"] == 4, key
    assert s.entity("name:israeli defense forces")["name"] == "Israel Defence Forces"
    for key in {old for earlier in EARLIER.values() for old in earlier.values()}:
        assert s.entity(key) is None, key
    story = s.story("s-strikes")
    assert {e["key"]: e["articles"] for e in story["entities"] if e["key"] in EARLIER[1]} == dict.fromkeys(EARLIER[1], 4)
    # The mark is true: the store's next open has nothing to make again.
    assert marks_of(s) == [f"message:{KEY_RULE}"] * 4
    stored = keys_of(s, "wire/current")
    s.close()
    assert keys_of(open_store(), "wire/rule-1") == stored


def test_a_report_naming_an_entity_by_an_older_key_and_by_this_rules_counts_it_once(open_store):  # noqa: F811
    s = open_store()
    s.write_article(old_report(1, "s-strikes", ("Israel Defence Forces", "name:israel defence forces"),
                               ("Israel Defense Forces", "name:israeli defense forces"),
                               ("Foreign Ministry", "name:russian foreign ministry")), now=NOW)
    # Both mentions under this rule's key; a key the article's text gave ("Russia's Foreign Ministry") stays.
    assert keys_of(s, "wire/1") == [("Q7184", 2), ("name:israeli defense forces", 2), ("name:russian foreign ministry", 1)]
    assert s.entity("name:israeli defense forces")["articles"] == 1
    assert s.entity("name:israel defence forces") is None


# Real-shaped reports naming unlinked entities of every kind the key rule reads: people's words in the plural, teams
# named as peoples, state bodies named by their country's word, name, possessive or "of", bodies named again, offices.
REPORTS = [
    (TITLE, BODY),
    ("", "The Russian Foreign Ministry said on Monday it was concerned. The Foreign Ministry added that talks would go "
         "on. Russia's Defence Ministry said the Interior Ministry was told. Ukrainians and Britons protested."),
    ("RUGBY UNION - SPRINGBOKS BEAT ALL BLACKS", "The Springboks beat the All Blacks 32-22 in Pretoria on Saturday. A "
     "quick penalty let the Springboks' winger raced around the outside to score the Springboks' second try. Springbok "
     "coach Andre Markgraaff said the Springboks had earned it."),
    ("", "The Ministry of Foreign Affairs of Ukraine said the Armed Forces of Ukraine held the line. The Central Bank of "
         "Russia raised rates. The Supreme Court of India ruled on Tuesday, and the Bank of China lent more."),
    ("", "Israelis and Palestinians marched. The Israel Defence Forces said the Knesset would vote; the Russian State "
         "Duma and the Kremlin said nothing. The U.S. Agency for International Development sent aid."),
    ("", "Moscow's Health Department said the Labour Ministry and the National Paediatric Programme would help Kurds "
         "and Filipinos in the city. Swiss and Cypriot officials met the Syrian Observatory for Human Rights."),
]


@pytest.mark.parametrize("title,body", REPORTS)
def test_this_rules_steps_leave_a_current_taggers_keys_as_they_are(title: str, body: str) -> None:
    """What the newsroom makes of a delivered report (:func:`delivered_keys`, ``by_this_rule``) from each mention's key,
    name and label alone is what the tagger made with the article's text: the same entity, the same key."""
    key_of = keys_by_name()
    report = tagged(title=title, body=body)
    row = article_row(report)
    mentions = [{"key": e.key, "name": e.canonical_name or e.text, "type": e.type} for e in report.entities if e.key]
    assert any(m["key"].startswith("name:") for m in mentions)
    assert by_this_rule(mentions, key_of) == mentions
    assert delivered_keys(row) is row


def test_a_delivered_reports_keys_are_made_as_the_store_makes_a_stored_reports_of_an_earlier_rule() -> None:
    key_of = Demonyms.load(Gazetteer.load()).key_of
    for earlier in EARLIER.values():
        row = article_row(keyed_by(tagged(), "wire/older", earlier))
        stored = orjson.loads(row.values["entities"])
        # As fill_keys makes a report marked by an earlier rule (by_this_rule), mention by mention remembered.
        assert orjson.loads(delivered_keys(row).values["entities"]) == by_this_rule(stored, key_of) != stored
