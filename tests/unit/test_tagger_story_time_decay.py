"""Time as evidence in the story stage (``StoryConfig.time_decay``): an article's score with a story falls with the time
between them, nothing inside the story's span, nothing when a time is unknown."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.tagger.assign import story_config
from services.tagger.settings import TaggerSettings
from services.tagger.stories import StoryConfig, StoryIndex, grow, similarity
from services.tagger.story_scoring import time_factor
from tests.unit.test_tagger_story_time import T0, WORDS, features

DECAY = StoryConfig(time_decay=0.5)  # the window is 72 hours: the Gaussian's sigma a day


def monday_and_wednesday(config: StoryConfig) -> StoryIndex:
    """Two live stories of one kind of event, two days apart: Monday's rail strike (its words are the report's to the
    last one) and Wednesday's (all but one)."""
    index = StoryIndex(config)
    monday = grow(None, features("monday", T0, words=WORDS | {"rail": 1.0}), config)
    wednesday = grow(None, features("wednesday", T0 + timedelta(days=2)), config)
    index.sync([(s.id, s.model_dump_json()) for s in (monday, wednesday)])
    return index


def test_a_report_joins_the_story_of_its_day_over_a_slightly_closer_one_two_days_old():
    report = features("report", T0 + timedelta(days=2), words=WORDS | {"rail": 1.0})
    # Without time as evidence the closer words win, although Monday's story is two days behind the report.
    assert monday_and_wednesday(StoryConfig()).decide(report).story.id == "monday"
    decision = monday_and_wednesday(DECAY).decide(report)
    assert not decision.created and decision.story.id == "wednesday"


def test_a_report_that_shares_part_of_a_story_joins_it_the_same_day_and_not_two_days_on():
    # NATO and Ukraine again, half the words: enough the same day, not two days later (another meeting, another event).
    partial = {"entities": {"Q7184": 4, "Q212": 3}, "words": dict(list(WORDS.items())[:4]) | {"brussels": 1.0, "shells": 1.0}}
    same_day, two_days_on = (features("report", T0 + timedelta(days=d), **partial) for d in (0, 2))
    for config, joins_two_days_on in ((StoryConfig(), True), (DECAY, False)):
        index = StoryIndex(config)
        index.sync([("kyiv", grow(None, features("kyiv", T0), config).model_dump_json())])
        assert index.decide(same_day).story.id == "kyiv"
        assert (index.decide(two_days_on).story.id == "kyiv") is joins_two_days_on
    story = index.stories["kyiv"]
    assert similarity(two_days_on, story, DECAY).score == pytest.approx(
        similarity(same_day, story, DECAY).score * time_factor(two_days_on.at, story, DECAY))


def test_an_undated_report_is_scored_as_if_time_were_no_evidence():
    index = monday_and_wednesday(DECAY)
    undated = features("undated", None, words=WORDS | {"rail": 1.0})
    for story in index.stories.values():
        assert similarity(undated, story, DECAY).score == similarity(undated, story, StoryConfig()).score
    assert index.decide(undated).story.id == "monday", "the closest words decide, as without the rule"


@pytest.mark.parametrize(("gap", "kept"), [(timedelta(0), 1.0), (timedelta(days=1), 0.80), (timedelta(days=2), 0.57),
                                           (timedelta(hours=71), 0.51)])
def test_the_score_kept_falls_smoothly_to_half_at_the_window_s_edge(gap, kept):
    story = grow(None, features("story", T0), DECAY)
    assert time_factor(T0 + gap, story, DECAY) == pytest.approx(kept, abs=0.01)
    assert time_factor(T0 - gap, story, DECAY) == pytest.approx(kept, abs=0.01), "a report older than the story too"
    assert time_factor(T0 + gap, story, replace(DECAY, time_decay=0.0)) == 1.0


def test_time_as_evidence_is_a_setting_and_off_by_default():
    assert story_config(TaggerSettings()).time_decay == 0.0
    assert story_config(TaggerSettings(story_time_decay=0.5)).time_decay == 0.5
