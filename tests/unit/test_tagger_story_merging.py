"""One event that opened as two stories is reported as one once an article shows it: the pure core of story merging."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from services.tagger.assign import evidence
from services.tagger.stories import Story, StoryConfig, StoryIndex
from services.tagger.story_records import opened
from tests.unit.test_tagger_stories import KYIV_VISIT, T0, features, kyiv

NAMES = {"Q7184": 4, "Q212": 3, "Q1899": 4, "Q57792": 2}
# The names-only story below is reached by 0.2 over the threshold: merged at this margin (the default), not at 0.3.
CONFIG = StoryConfig(merge_margin=0.2)


def finnish(f):
    return dataclasses.replace(f, language="fi")


def kazakh(f):
    """The same report in a language nothing here reads: a story it opens holds another language than the wire's."""
    return dataclasses.replace(f, language="kk")


def placed(index: StoryIndex, f) -> tuple[str, int]:
    """What the article is reported as: the story id and the articles reported under it."""
    decision = index.decide(f)
    index.apply(decision)
    return decision.reported, decision.reported_size


def _two_halves(index: StoryIndex) -> None:
    """A report whose words meet (few names linked), and one whose names meet (no words: a language nothing reads)."""
    assert placed(index, features("wire-1", {"Q7184": 4, "Q57792": 2}, KYIV_VISIT, places={"Q1899"})) == ("wire-1", 1)
    assert placed(index, kazakh(features("kk-1", NAMES, "", places={"Q1899"}))) == ("kk-1", 1)


def test_an_article_that_reaches_two_stories_by_a_wide_margin_merges_them():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    decision = index.decide(kyiv("agency-1", at=T0 + timedelta(hours=1)))
    # The article goes where it would have gone unmerged (its best match), and the other story is reported under it.
    assert (decision.reported, decision.merged, decision.reported_size) == ("wire-1", ("kk-1",), 3)
    assert [s.id for s in decision.updated] == ["kk-1"] and decision.updated[0].merged_into == "wire-1"
    index.apply(decision)
    # Each keeps its own summary for comparisons; both are reported as wire-1.
    assert sorted(index.stories) == ["kk-1", "wire-1"] and index.reported_id("kk-1") == "wire-1"
    assert index.reported_size("wire-1") == 3
    # A re-sent copy of an article sent before the merge names the story its original named (re-delivered after a
    # crash, it must not fire a second alert under the merged id); the size is the merged story's.
    again = index.decide(kazakh(features("kk-1", NAMES, "", places={"Q1899"})))
    assert again.duplicate and (again.reported, again.reported_size) == ("kk-1", 3)


def test_a_re_sent_copy_names_the_story_its_original_named_through_two_merges_and_a_restart():
    config = StoryConfig(merge_margin=0.1)
    index = StoryIndex(config)
    index.sync((s.id, s.model_dump_json()) for s in (opened(kazakh(features("a", {**NAMES, "Q30": 1}, "")), config, None),
                                                    opened(features("c", NAMES, ""), config, None)))
    assert placed(index, features("d", NAMES, ""))[0] == "c"  # c matches best, a is reached: a is reported as c
    index.sync([*((sid, index.raw(sid)) for sid in index.stories),
                ("z", opened(finnish(features("z", {**NAMES, "Q99": 1}, "")), config, None).model_dump_json())])
    decision = index.decide(finnish(features("f", {**NAMES, "Q99": 1}, "")))  # z matches best, c's group is reached
    assert (decision.reported, decision.merged) == ("z", ("c",))
    index.apply(decision)
    restarted = StoryIndex(config)
    restarted.sync((sid, index.raw(sid)) for sid in index.stories)
    assert {restarted.reported_id(sid) for sid in restarted.stories} == {"z"}
    for article, first_named in (("a", "a"), ("c", "c"), ("d", "c"), ("z", "z"), ("f", "z")):
        again = restarted.decide(features(article, NAMES, ""))
        assert again.duplicate and again.reported == first_named, article


def test_later_reports_of_either_half_are_reported_as_one_story():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    placed(index, kyiv("agency-1", at=T0 + timedelta(hours=1)))
    assert placed(index, features("kk-2", NAMES, "", places={"Q1899"}, at=T0 + timedelta(hours=2))) == ("wire-1", 4)
    assert placed(index, features("wire-2", {"Q7184": 4}, KYIV_VISIT, places={"Q1899"}, at=T0 + timedelta(hours=3))) == ("wire-1", 5)


def test_a_merged_story_s_id_becomes_an_alias_of_the_story_it_was_merged_into():
    """Reports of the merged story carry the id gone as an alias: an alert a rule fired under it is the event's."""
    index = StoryIndex(CONFIG)
    _two_halves(index)
    assert index.aliases("wire-1") == [] and index.aliases("kk-1") == []
    placed(index, kyiv("agency-1", at=T0 + timedelta(hours=1)))
    assert index.aliases("wire-1") == ["kk-1"]
    restarted = StoryIndex(CONFIG)
    restarted.sync((sid, index.raw(sid)) for sid in index.stories)
    assert restarted.aliases("wire-1") == ["kk-1"]


def test_a_merge_survives_a_restart_through_the_story_table():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    placed(index, kyiv("agency-1", at=T0 + timedelta(hours=1)))
    table = [(sid, index.raw(sid)) for sid in index.stories]
    restarted = StoryIndex(CONFIG)
    restarted.sync(table)
    assert restarted.reported_id("kk-1") == "wire-1" and restarted.reported_size("wire-1") == 3
    assert Story.model_validate_json(dict(table)["kk-1"]).merged_into == "wire-1"


def test_a_merged_group_moves_whole_under_the_id_of_the_articles_best_match():
    config = StoryConfig(merge_margin=0.1)
    a = opened(kazakh(features("a", {**NAMES, "Q30": 1}, "")), config, None)
    b = opened(kazakh(features("b", {**NAMES, "Q30": 1}, "")), config, None).model_copy(update={"merged_into": "a"})
    c = opened(features("c", NAMES, ""), config, None)
    index = StoryIndex(config)
    index.sync((s.id, s.model_dump_json()) for s in (a, b, c))
    decision = index.decide(features("d", NAMES, ""))
    # c matches best; a and b (one story, reported as a) are reached too: both are reported as c from now on.
    assert (decision.reported, decision.merged, decision.reported_size) == ("c", ("a",), 4)
    assert sorted((s.id, s.merged_into) for s in decision.updated) == [("a", "c"), ("b", "c")]
    index.apply(decision)
    assert {index.reported_id(sid) for sid in index.stories} == {"c"}


def test_no_merge_when_off_or_when_one_story_is_only_just_reached():
    off = StoryIndex(StoryConfig(merge_margin=None))
    _two_halves(off)
    decision = off.decide(kyiv("agency-1", at=T0 + timedelta(hours=1)))
    assert (decision.merged, decision.reported) == ((), "wire-1")
    wider = StoryIndex(StoryConfig(merge_margin=0.3))  # kk-1 is reached by 0.2 only, short of 0.3
    _two_halves(wider)
    assert wider.decide(kyiv("agency-1", at=T0 + timedelta(hours=1))).merged == ()


def test_no_merge_of_two_stories_in_the_same_languages_or_whose_names_disagree():
    # Two English stories the article reaches widely were kept apart on every piece of evidence there is: no merge.
    english = StoryIndex(CONFIG)
    assert placed(english, features("wire-1", {"Q7184": 4, "Q57792": 2}, KYIV_VISIT, places={"Q1899"})) == ("wire-1", 1)
    assert placed(english, features("en-2", NAMES, "", places={"Q1899"})) == ("en-2", 1)
    assert english.decide(kyiv("agency-1", at=T0 + timedelta(hours=1))).merged == ()
    # In different languages but naming other people and places, in Latin letters: not one event opened twice.
    apart = StoryIndex(CONFIG)
    assert placed(apart, dataclasses.replace(features("wire-1", {"Q7184": 4, "Q57792": 2}, KYIV_VISIT, places={"Q1899"}),
                                             name_keys={"stolt": 4.0, "kiev": 3.0, "zelen": 3.0})) == ("wire-1", 1)
    assert placed(apart, kazakh(dataclasses.replace(features("kk-1", NAMES, "", places={"Q1899"}),
                                                    name_keys={"tokai": 4.0, "astan": 3.0}))) == ("kk-1", 1)
    assert apart.decide(kyiv("agency-1", at=T0 + timedelta(hours=1))).merged == ()
    # The same two with names that agree: merged (the names rule off, or it would have joined kk-1 to the wire at once).
    together = StoryIndex(dataclasses.replace(CONFIG, names_margin=0))
    assert placed(together, dataclasses.replace(features("wire-1", {"Q7184": 4, "Q57792": 2}, KYIV_VISIT, places={"Q1899"}),
                                                name_keys={"stolt": 4.0, "kiev": 3.0, "zelen": 3.0})) == ("wire-1", 1)
    assert placed(together, kazakh(dataclasses.replace(features("kk-1", NAMES, "", places={"Q1899"}),
                                                       name_keys={"stolt": 4.0, "kiev": 3.0}))) == ("kk-1", 1)
    assert together.decide(kyiv("agency-1", at=T0 + timedelta(hours=1))).merged == ("kk-1",)


def test_a_report_of_another_event_merges_nothing():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    floods = features("floods", {"Q8818": 4, "Q29": 2}, "flood valencia rain mud dead", places={"Q8818"})
    decision = index.decide(floods)
    assert decision.created and decision.merged == () and decision.reported == "floods"


def test_the_evidence_names_the_stories_merged_into_the_articles_own():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    article = kyiv("agency-1", at=T0 + timedelta(hours=1))
    why = evidence(article, index.decide(article), index)
    assert why.merged == ["kk-1"] and why.compared == "wire-1" and why.decision == "joined"


def test_the_largest_stories_count_a_merged_story_under_its_id():
    index = StoryIndex(CONFIG)
    _two_halves(index)
    place_floods = features("floods", {"Q8818": 4, "Q29": 2}, "flood valencia rain mud dead", places={"Q8818"})
    placed(index, place_floods)
    assert index.largest(10) == [("floods", 1), ("kk-1", 1), ("wire-1", 1)]
    placed(index, kyiv("agency-1", at=T0 + timedelta(hours=1)))
    assert index.largest(10) == [("wire-1", 3), ("floods", 1)] and index.largest(1) == [("wire-1", 3)]
