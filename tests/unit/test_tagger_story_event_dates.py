"""The event's day as the text states it (``story_features.event_dates``, ``StoryConfig.event_date_factor``): two
attacks in the same war read alike, and the day the lead gives each tells them apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from schemas.models import TaggedArticle
from services.normalize.dates import find_dates
from services.tagger.assign import story_config
from services.tagger.settings import TaggerSettings
from services.tagger.stories import Story, StoryConfig, StoryIndex, grow, similarity
from services.tagger.story_features import article_features, event_dates
from services.tagger.story_scoring import date_conflict
from tests.unit.test_tagger_story_time import WORDS, features

THURSDAY = datetime(2014, 7, 17, 18, 0, tzinfo=timezone.utc)  # the day Israel's ground operation in Gaza began
DATED = StoryConfig()  # event_date_factor 0.5
OFF = StoryConfig(event_date_factor=1.0)


def article(body: str, title: str = "Israel strikes Gaza", published: datetime | None = THURSDAY) -> TaggedArticle:
    """A tagged article whose dates the normalizer found, resolved against its publication (else fetch) date."""
    reference = (published or THURSDAY).date()
    dates = [*find_dates(title, "title", reference), *find_dates(body, "body", reference)]
    return TaggedArticle(id="a-1", source="file", published_at=published, fetched_at=THURSDAY, language="en",
                         language_confidence=1.0, original_title=title, original_body=body, title=title, body=body,
                         story_id="a-1", dates=dates)


def stated(body: str, **kwargs) -> set[str]:
    a = article(body, **kwargs)
    return {d.isoformat() for d in event_dates(a, a.published_at)}


def test_the_lead_s_weekday_is_the_event_s_day_within_the_last_week():
    assert stated("Israeli troops entered Gaza on Tuesday, the army said.") == {"2014-07-15"}
    assert stated("Thursday's strike killed four boys on a beach.") == {"2014-07-17"}


def test_an_explicit_date_in_the_lead_counts_up_to_a_month_back():
    assert stated("GAZA, July 13, 2014 - Israel ordered residents of northern Gaza to leave.") == {"2014-07-13"}
    assert stated("The rockets fell on 12 July near Ashkelon.") == {"2014-07-12"}
    assert stated("The truce signed on 26 November 2012 has collapsed.") == set(), "background, months before"


def test_plans_background_and_words_that_only_repeat_the_publication_date_are_no_event_day():
    assert stated("Egypt will host talks on Sunday.") == set(), "a plan: later than the report"
    assert stated("Presidential elections are due on June 3.") == set()
    assert stated("Rockets were fired yesterday and today.") == set(), "no more than the publication date says"
    assert stated("Fighting went on last week.") == set(), "a week is no day"
    lead = "Israel widened its offensive in Gaza, officials said. " * 8
    assert stated(lead + "A first strike came on Monday.") == set(), "below the lead: background"


def test_an_article_of_unknown_time_states_no_event_day():
    a = article("Israeli troops entered Gaza on Tuesday.", published=None)
    assert event_dates(a, None) == frozenset()
    assert article_features(a, now=THURSDAY).event_dates == frozenset(), "read from a file, no date: judged as before"


def test_article_features_carry_the_stated_days():
    a = article("Israeli troops entered Gaza on Tuesday.")
    assert article_features(a, now=THURSDAY).event_dates == frozenset({date(2014, 7, 15)})


def dated(article_id: str, *days: date, **kwargs):
    return replace(features(article_id, THURSDAY, **kwargs), event_dates=frozenset(days))


def two_attacks(config: StoryConfig) -> StoryIndex:
    """Two live stories of one war, both reported on Thursday: Sunday's strike on a house (its words are the report's to
    the last one) and the ground operation that began on Thursday (all but one)."""
    index = StoryIndex(config)
    sunday = grow(None, dated("sunday", date(2014, 7, 13), words=WORDS | {"rafah": 1.0}), config)
    thursday = grow(None, dated("thursday", date(2014, 7, 17)), config)
    index.sync([(s.id, s.model_dump_json()) for s in (sunday, thursday)])
    return index


def test_a_report_joins_the_story_of_the_day_its_lead_states_over_a_closer_one_of_another_day():
    report = dated("report", date(2014, 7, 17), words=WORDS | {"rafah": 1.0})
    # Without the stated day the closer words win, although Sunday's strike is not what the report tells.
    assert two_attacks(OFF).decide(report).story.id == "sunday"
    decision = two_attacks(DATED).decide(report)
    assert not decision.created and decision.story.id == "thursday"
    story = two_attacks(DATED).stories["sunday"]
    assert similarity(report, story, DATED).score == pytest.approx(similarity(report, story, OFF).score * 0.5)


def test_a_report_whose_day_conflicts_with_its_only_match_opens_a_story_when_the_factor_blocks():
    for config, opens in ((replace(DATED, event_date_factor=0.0), True), (OFF, False)):
        index = StoryIndex(config)
        index.apply(index.decide(dated("sunday", date(2014, 7, 13))))
        assert index.decide(dated("thursday", date(2014, 7, 17))).created is opens


def test_a_report_that_states_no_day_or_a_day_next_to_the_story_s_is_scored_as_before():
    index = two_attacks(DATED)
    undated = features("undated", THURSDAY, words=WORDS | {"rafah": 1.0})
    next_day = dated("monday", date(2014, 7, 14), words=WORDS | {"rafah": 1.0})
    for report in (undated, next_day):
        for story in index.stories.values():
            if report is undated or story.id == "sunday":
                assert similarity(report, story, DATED).score == similarity(report, story, OFF).score
        assert index.decide(report).story.id == "sunday"


def test_a_story_holds_every_day_its_members_state_so_a_report_of_any_of_them_agrees():
    config = DATED
    story = grow(None, dated("first", date(2014, 7, 13)), config)
    story = grow(story, dated("second", date(2014, 7, 17)), config)
    story = grow(story, features("third", THURSDAY), config)  # states no day
    assert story.event_dates == {"2014-07-13": 1, "2014-07-17": 1}
    assert not date_conflict(dated("report", date(2014, 7, 18)), story)
    assert date_conflict(dated("report", date(2014, 7, 15)), story)


def test_a_story_recorded_before_event_days_were_kept_still_loads_and_conflicts_with_nothing():
    raw = grow(None, features("old", THURSDAY), StoryConfig()).model_dump(mode="json")
    del raw["event_dates"]
    story = Story.model_validate(raw)
    assert story.event_dates == {}
    assert not date_conflict(dated("report", date(2014, 7, 17)), story)


def test_the_stated_day_is_a_setting_that_halves_a_conflicting_score_by_default():
    assert story_config(TaggerSettings()).event_date_factor == 0.5
    assert story_config(TaggerSettings(story_event_date_factor=1.0)).event_date_factor == 1.0
