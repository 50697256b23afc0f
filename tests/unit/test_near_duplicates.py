"""Copies: the same text published twice is known as a copy of the first, and joins its story, whatever else.

The fixtures (tests/fixtures/copies) are a wire report of a strike, the same text republished under another
headline with a byline and one respelling (a syndicated copy), and another outlet's own report of the strike; and a
British report dense in the spellings table 2 folds ("programme", "paediatric", "fibre": 6_programme_wire.txt), its
syndicated copy (7_), its American edition (8_) and a copy with edits (9_).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from schemas.models import StoryEvidence, TaggedArticle
from services.alerter.facts import Facts
from services.alerter.conditions import parse_condition_query
from services.alerter.errors import RuleError
from services.alerter.rules import load_rulebook
from services.tagger.assign import StoryAssigner, story_config
from services.tagger.near_duplicates import MAX_DISTANCE, MIN_RESEMBLANCE, bands, distance, resemblance, simhash, sketch
from services.tagger.settings import TaggerSettings
from services.tagger.stories import StoryIndex
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "copies"
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=timezone.utc)


def text(name: str) -> tuple[str, str]:
    title, _date, body = (FIXTURES / name).read_text().split("\n", 2)
    return title, body.strip()


def tagged(article_id: str, name: str, **fields) -> TaggedArticle:
    title, body = text(name)
    return TaggedArticle(id=article_id, source=article_id.split("/")[0], fetched_at=NOW, published_at=NOW, language="en",
                         language_confidence=1.0, original_title=title, original_body=body, title=title, body=body,
                         story_id=article_id, **fields)


def test_a_republished_text_is_within_a_few_bits_and_another_report_of_the_event_is_not() -> None:
    wire, copy, rewrite = (simhash(text(n)[1]) for n in ("1_wire.txt", "2_syndicated.txt", "3_rewrite.txt"))
    assert distance(wire, copy) <= MAX_DISTANCE
    assert set(bands(wire)) & set(bands(copy))  # the index finds it by a band
    assert distance(wire, rewrite) > 10 and distance(copy, rewrite) > 10
    assert simhash("Port strike ends after two days of talks.") is None  # too short to tell a copy by


def test_the_copy_joins_the_original_s_story_and_names_it() -> None:
    assigner = StoryAssigner(story_config(TaggerSettings()))
    first, _ = assigner.place(tagged("wire/1", "1_wire.txt"), now=NOW)
    own, _ = assigner.place(tagged("daily/7", "3_rewrite.txt"), now=NOW)
    copy, decision = assigner.place(tagged("herald/3", "2_syndicated.txt"), now=NOW)
    assert copy.story_evidence.copy_of == "wire/1" and copy.story_id == first.story_id
    assert copy.story_evidence.rule == "near-duplicate" and copy.story_evidence.threshold == MIN_RESEMBLANCE
    assert copy.story_evidence.score == pytest.approx(resemblance(sketch(text("1_wire.txt")[1]),
                                                                  sketch(text("2_syndicated.txt")[1])), abs=1e-3)
    assert own.story_evidence.copy_of is None and own.story_evidence.rule != "near-duplicate"
    assert decision.story.simhashes["herald/3"] == simhash(text("2_syndicated.txt")[1])


def test_a_copy_joins_even_where_similarity_would_not() -> None:
    # A threshold no similarity reaches: every article opens a story of its own, except a copy.
    config = replace(story_config(TaggerSettings()), threshold=1.01)
    assigner = StoryAssigner(config)
    first, _ = assigner.place(tagged("wire/1", "1_wire.txt"), now=NOW)
    own, _ = assigner.place(tagged("daily/7", "3_rewrite.txt"), now=NOW)
    copy, _ = assigner.place(tagged("herald/3", "2_syndicated.txt"), now=NOW)
    assert own.story_id != first.story_id
    assert copy.story_id == first.story_id and copy.story_evidence.copy_of == "wire/1"


def test_a_restarted_index_still_knows_the_copy() -> None:
    assigner = StoryAssigner(story_config(TaggerSettings()))
    first, _ = assigner.place(tagged("wire/1", "1_wire.txt"), now=NOW)
    restarted = StoryIndex(assigner.index.config)
    restarted.sync((sid, assigner.index.raw(sid)) for sid in assigner.index.stories)
    again = StoryAssigner(assigner.index.config)
    again.index = restarted
    copy, _ = again.place(tagged("herald/3", "2_syndicated.txt"), now=NOW)
    assert copy.story_evidence.copy_of == "wire/1" and copy.story_id == first.story_id


def evidence(copy_of: str | None) -> StoryEvidence:
    return StoryEvidence(decision="joined", score=1.0, threshold=0.95, rule="near-duplicate" if copy_of else "weighted",
                         copy_of=copy_of)


def test_rules_can_leave_copies_out_or_ask_for_them(tmp_path) -> None:
    copy = tagged("herald/3", "2_syndicated.txt", story_evidence=evidence("wire/1"))
    own = tagged("daily/7", "3_rewrite.txt", story_evidence=evidence(None))
    assert parse_condition_query("keyword:strike AND copy:false").check(Facts(copy)) is None
    assert parse_condition_query("keyword:strike AND copy:false").check(Facts(own)) is not None
    assert parse_condition_query("copy:true").check(Facts(copy)) == ["copy of wire/1"]
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: strikes\n    when: {all: [{keyword: strike}, {copy: false}]}\n")
    book = load_rulebook(path)
    assert [m.rule.id for m in book.evaluate(own)] == ["strikes"] and book.evaluate(copy) == []
    path.write_text("rules:\n  - id: strikes\n    when: {copy: maybe}\n")
    with pytest.raises(RuleError, match="copy must be true or false"):
        load_rulebook(path)


WARNING = ("The Met Office has issued a yellow warning for heavy rain covering {c} from 6am until midnight on Thursday. "
           "Between 30 and 50 millimetres of rain is expected widely, with up to 80 millimetres possible on high ground. "
           "Flooding of a few homes and businesses is likely, and spray and flooding on roads will probably make journey "
           "times longer. Bus and train services will probably be affected, with journey times taking longer. Some "
           "interruption to power supplies and other "
           "services is likely. People are advised to check the forecast before travelling.")


def warning(article_id: str, county: str, key: str) -> TaggedArticle:
    from schemas.models import Salience

    body = WARNING.format(c=county)
    return TaggedArticle(
        id=article_id, source="weather", fetched_at=NOW, published_at=NOW, language="en", language_confidence=1.0,
        original_title=f"Rain warning for {county}", original_body=body, title=f"Rain warning for {county}", body=body,
        story_id=article_id, salience=[
            Salience(key=key, name=county, type="GPE", mentions=2, in_title=True, in_lead=True),
            Salience(key="Q1132045", name="Met Office", type="ORG", mentions=1, in_title=False, in_lead=True)])


def test_a_template_filled_in_for_another_place_reads_like_a_copy_but_is_not_one() -> None:
    cornwall, devon = warning("met/1", "Cornwall", "Q23148"), warning("met/2", "Devon", "Q23156")
    assert distance(simhash(cornwall.body), simhash(devon.body)) <= MAX_DISTANCE  # by its text alone, a copy
    assigner = StoryAssigner(story_config(TaggerSettings()))
    first, _ = assigner.place(cornwall, now=NOW)
    other, _ = assigner.place(devon, now=NOW)
    assert other.story_evidence.copy_of is None and other.story_id != first.story_id
    again, _ = assigner.place(warning("bbc/9", "Cornwall", "Q23148"), now=NOW)  # the Cornwall warning republished
    assert again.story_evidence.copy_of == "met/1" and again.story_id == first.story_id


# A localised edition of one report: British spelling, and the same text as an American site republished it.
BRITISH = (
    "Defence ministers from across the region met in Brussels on Tuesday to discuss how to organise a joint response to "
    "the rising number of cyber attacks on neighbouring countries' power grids. The meeting, held at the alliance's "
    "headquarters, was called after hackers disabled a regional control centre for several hours last month, leaving "
    "40,000 homes without electricity. Officials said the attack had been carefully organised and that the group behind "
    "it had travelled through servers in at least six countries. Ministers agreed to set up a rapid response team and to "
    "share intelligence on threats to energy infrastructure. Spending on cyber defence will rise by 12 per cent next "
    "year, a spokesperson said, and the U.S. has offered to train staff at the new centre. Critics said the plan was "
    "long overdue and that the programme's budget was too small to protect the neighbourhood's ageing grid.")
AMERICAN = {"Defence": "Defense", "defence": "defense", "organise": "organize", "neighbouring": "neighboring",
            "centre": "center", "travelled": "traveled", "per cent": "percent", "U.S.": "US", "programme": "program",
            "neighbourhood": "neighborhood", "ageing": "aging"}
# The same report as an Indian site ran it: the time in IST added, one sentence reworded.
EDITED = {"on Tuesday": "on Tuesday (2:30 p.m. IST)",
          "the attack had been carefully organised and that the group behind it had travelled":
          "the attack was carefully planned and that the group responsible had routed it"}
DEFENCE = [("Q1088364", "Brussels", "GPE"), ("Q7184", "NATO", "ORG"), ("Q1321", "cyber attacks", "ORG")]


def report(article_id: str, body: str, entities: list[tuple[str, str, str]], title: str) -> TaggedArticle:
    from schemas.models import Salience

    return TaggedArticle(
        id=article_id, source=article_id.split("/")[0], fetched_at=NOW, published_at=NOW, language="en",
        language_confidence=1.0, original_title=title, original_body=body, title=title, body=body, story_id=article_id,
        salience=[Salience(key=key, name=name, type=kind, mentions=2, in_title=False, in_lead=True)
                  for key, name, kind in entities])


def edition(changes: dict[str, str]) -> str:
    body = BRITISH
    for old, new in changes.items():
        body = body.replace(old, new)
    return body


@pytest.mark.parametrize("changes", [AMERICAN, EDITED], ids=["american-spelling", "a-sentence-edited"])
def test_a_localised_edition_with_edits_is_known_as_a_copy(changes: dict[str, str]) -> None:
    # Its SimHash bits can lie well beyond 3 of the original's (11 and 14 apart before spellings were folded); the
    # shingles it shares with the original tell.
    british, other = report("wire/1", BRITISH, DEFENCE, "Ministers plan cyber defence team"), \
        report("site/2", edition(changes), DEFENCE, "Allies agree cyber response team")
    assert resemblance(sketch(british.body), sketch(other.body)) >= MIN_RESEMBLANCE
    config = replace(story_config(TaggerSettings()), threshold=1.01)  # similarity joins nothing: only the copy rule
    assigner = StoryAssigner(config)
    first, _ = assigner.place(british, now=NOW)
    copy, _ = assigner.place(other, now=NOW)
    assert copy.story_evidence.copy_of == "wire/1" and copy.story_id == first.story_id
    assert copy.story_evidence.rule == "near-duplicate"


# A weekly notice filled in for two weeks: the same agency, market and words, other figures and days. These two
# weeks' SimHash bits happen to lie 3 apart; a third of their shingles differ.
CLAIMS = ("The Labor Department said on Thursday that initial claims for state unemployment benefits {0} by {1} to a "
          "seasonally adjusted {2} for the week ended {3}. Economists polled by Reuters had forecast {4} claims for "
          "the latest week. The four-week moving average of claims, considered a better measure of labor market "
          "trends as it irons out week-to-week volatility, {5} {6} to {7}. The number of people continuing to receive "
          "benefits after an initial week of aid {8} {9} to {10} during the week ended {11}, the claims report showed. "
          "The labor market remains tight, and the Federal Reserve is watching the data closely before its next "
          "meeting on interest rates.")
WEEKS = (("fell", "10,000", "204,000", "March 4", "231,000", "rose", "4,000", "224,250", "increased", "8,000",
          "1.70 million", "April 14"),
         ("fell", "8,000", "232,000", "June 14", "234,000", "fell", "3,750", "214,000", "decreased", "11,000",
          "1.88 million", "March 22"))
LABOR = [("Q1154699", "Labor Department", "ORG"), ("Q30", "United States", "GPE"), ("Q53536", "Federal Reserve", "ORG")]


def test_a_notice_filled_in_for_another_week_is_not_a_copy_even_with_the_same_names() -> None:
    first_week, second_week = (report(f"claims/{i}", CLAIMS.format(*w), LABOR, "Jobless claims") for i, w in enumerate(WEEKS))
    assert resemblance(sketch(first_week.body), sketch(second_week.body)) < MIN_RESEMBLANCE
    assigner = StoryAssigner(story_config(TaggerSettings()))
    first, _ = assigner.place(first_week, now=NOW)
    second, _ = assigner.place(second_week, now=NOW)
    assert second.story_evidence.copy_of is None and second.story_evidence.rule != "near-duplicate"
    again, _ = assigner.place(report("paper/3", CLAIMS.format(*WEEKS[0]), LABOR, "Jobless claims fall"), now=NOW)
    assert again.story_evidence.copy_of == "claims/0" and again.story_id == first.story_id


# Two trade accords filled in from one template (bench/corpus.py): other figures, quotes and people, the same two
# countries. Their SimHash bits lie 3 apart; they share two thirds of their shingles.
ACCORD = [("Q96", "Mexico", "GPE"), ("Q142", "France", "GPE")]


def test_a_template_fill_is_no_copy_of_a_member_whose_sketch_gave_way_to_later_ones() -> None:
    (title, body), (other_title, other_body) = text("4_accord.txt"), text("5_accord_another.txt")
    assert distance(simhash(body), simhash(other_body)) <= MAX_DISTANCE
    assert resemblance(sketch(body), sketch(other_body)) < MIN_RESEMBLANCE
    assigner = StoryAssigner(replace(story_config(TaggerSettings()), copy_sketches=1))
    assigner.place(report("wire/1", body, ACCORD, title), now=NOW)
    republished, _ = assigner.place(report("site/2", body, ACCORD, title), now=NOW)  # its sketch is the one kept
    again, _ = assigner.place(report("paper/4", body, ACCORD, title), now=NOW)  # known by the sketch kept
    assert republished.story_evidence.copy_of == "wire/1" and again.story_evidence.copy_of == "site/2"
    another, _ = assigner.place(report("wire/3", other_body, ACCORD, other_title), now=NOW)
    assert another.story_evidence.copy_of is None and another.story_evidence.rule != "near-duplicate"


def test_an_american_edition_of_a_british_report_is_known_as_its_copy() -> None:
    # "programme", "paediatric", "fibre", "anaesthetists", "grey", "oestrogen", "aluminium" respelt: before they were
    # folded the two texts shared half their shingles (resemblance 0.52, 21 bits apart), and the edition was no copy.
    british, american = text("6_programme_wire.txt")[1], text("8_program_american.txt")[1]
    assert resemblance(sketch(british), sketch(american)) >= MIN_RESEMBLANCE
    assigner = StoryAssigner(replace(story_config(TaggerSettings()), threshold=1.01))
    first, _ = assigner.place(tagged("wire/6", "6_programme_wire.txt"), now=NOW)
    edition, _ = assigner.place(tagged("us/6", "8_program_american.txt"), now=NOW)
    assert edition.story_evidence.copy_of == "wire/6" and edition.story_id == first.story_id
