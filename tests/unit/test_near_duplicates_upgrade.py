"""Copies across a restart and an upgrade: a story read back from the story table still knows its members' copies,
whichever method hashed them.

``tests/fixtures/copies/story_before_sketches.json`` is the story table's record of ``1_wire.txt`` as the story stage
wrote it before words were folded and sketches kept (commit a2f8798): one member, its SimHash by method 1.
``story_method_2.json`` is its record of ``6_programme_wire.txt`` as the story stage wrote it before spellings table 2
(commit 68a9328, its words folded by table 1): one member, its SimHash and sketch by method 2.
"""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from services.tagger.assign import StoryAssigner, story_config
from services.tagger.near_duplicates import MAX_DISTANCE, METHOD, MIN_RESEMBLANCE, distance, resemblance, simhash, sketch
from services.tagger.settings import TaggerSettings
from services.tagger.story_records import Story
from tests.unit.test_near_duplicates import BRITISH, DEFENCE, EDITED, FIXTURES, NOW, edition, report, tagged, text

BEFORE_SKETCHES = (FIXTURES / "story_before_sketches.json").read_text().strip()
METHOD_2 = (FIXTURES / "story_method_2.json").read_text().strip()


def restarted(table: dict[str, str], threshold: float | None = None) -> StoryAssigner:
    """A story stage started on ``table`` (story id -> record), as a worker restarts on its story table."""
    config = story_config(TaggerSettings())
    if threshold is not None:
        config = replace(config, threshold=threshold)
    assigner = StoryAssigner(config)
    assigner.index.sync(table.items())
    return assigner


def table(assigner: StoryAssigner) -> dict[str, str]:
    return {sid: assigner.index.raw(sid) for sid in assigner.index.stories}


def test_a_copy_of_a_member_hashed_before_the_upgrade_is_known_as_a_copy() -> None:
    # By the running method, the pre-upgrade SimHash lies 14 bits from its syndicated copy's: the copy opened a
    # story of its own (a second story, a second alert) until the member aged out of the window.
    wire, copy = text("1_wire.txt")[1], text("2_syndicated.txt")[1]
    stored = orjson.loads(BEFORE_SKETCHES)["simhashes"]["wire/1"]
    assert stored == simhash(wire, method=1) and distance(stored, simhash(copy)) > MAX_DISTANCE
    assigner = restarted({"wire/1": BEFORE_SKETCHES})
    own, _ = assigner.place(tagged("daily/7", "3_rewrite.txt"), now=NOW)
    syndicated, decision = assigner.place(tagged("herald/3", "2_syndicated.txt"), now=NOW)
    assert own.story_evidence.copy_of is None and own.story_id != "wire/1"
    assert syndicated.story_evidence.copy_of == "wire/1" and syndicated.story_id == "wire/1"
    assert syndicated.story_evidence.rule == "near-duplicate"
    # Each member keeps the method that hashed it, through the table and a restart.
    again = Story.model_validate_json(table(assigner)["wire/1"])
    assert again.fingerprint_method == METHOD and again.older_simhashes == {1: {"wire/1": stored}}
    assert set(again.simhashes) == set(again.sketches) == {"herald/3"}
    later, _ = restarted(table(assigner)).place(tagged("paper/5", "2_syndicated.txt"), now=NOW)
    assert later.story_evidence.copy_of in {"wire/1", "herald/3"} and later.story_id == "wire/1"


def british_and_edited() -> tuple:
    british = report("wire/1", BRITISH, DEFENCE, "Ministers plan cyber defence team")
    edited = report("site/2", edition(EDITED), DEFENCE, "Allies agree cyber response team")
    assert distance(simhash(british.body), simhash(edited.body)) > MAX_DISTANCE  # only the sketch tells
    return british, edited


def test_a_restarted_stage_still_knows_a_copy_with_edits_by_the_sketch() -> None:
    british, edited = british_and_edited()
    before = StoryAssigner(story_config(TaggerSettings()))
    first, _ = before.place(british, now=NOW)
    after = restarted(table(before), threshold=1.01)  # similarity joins nothing: only the copy rule
    copy, _ = after.place(edited, now=NOW)
    assert copy.story_evidence.copy_of == "wire/1" and copy.story_id == first.story_id


def test_a_copy_with_edits_of_a_member_sketched_before_spellings_table_2_is_known_by_its_sketch() -> None:
    # Four bits from the member by method 2: its SimHash alone would not tell, and its sketch was dropped on reading.
    wire, edited = text("6_programme_wire.txt")[1], text("9_programme_edited.txt")[1]
    stored_sketch = orjson.loads(METHOD_2)["sketches"]["wire/6"]
    assert distance(simhash(wire, method=2), simhash(edited, method=2)) > MAX_DISTANCE
    assert resemblance(stored_sketch, sketch(edited, method=2)) >= MIN_RESEMBLANCE
    assigner = restarted({"wire/6": METHOD_2}, threshold=1.01)
    copy, _ = assigner.place(tagged("post/9", "9_programme_edited.txt"), now=NOW)
    assert copy.story_evidence.copy_of == "wire/6" and copy.story_id == "wire/6"
    assert copy.story_evidence.score == pytest.approx(resemblance(stored_sketch, sketch(edited, method=2)), abs=1e-3)
    again = Story.model_validate_json(table(assigner)["wire/6"])
    assert again.older_sketches == {2: {"wire/6": stored_sketch}}  # kept through the table and a restart


def test_a_record_written_with_sketches_before_methods_were_kept_keeps_its_sketches() -> None:
    record = orjson.loads(METHOD_2)
    del record["fingerprint_method"], record["older_simhashes"]  # as the story stage wrote it on 2026-12-06
    copy, _ = restarted({"wire/6": orjson.dumps(record).decode()}, threshold=1.01).place(
        tagged("post/9", "9_programme_edited.txt"), now=NOW)
    assert copy.story_evidence.copy_of == "wire/6" and copy.story_id == "wire/6"


def test_a_record_hashed_by_a_method_this_code_does_not_know_decides_no_copy() -> None:
    # After a rollback: the record's fingerprints are not compared, and the similarity decides as for any report.
    before = StoryAssigner(story_config(TaggerSettings()))
    first, _ = before.place(tagged("wire/1", "1_wire.txt"), now=NOW)
    record = orjson.loads(table(before)[first.story_id]) | {"fingerprint_method": METHOD + 1}
    again, _ = restarted({first.story_id: orjson.dumps(record).decode()}).place(tagged("paper/5", "1_wire.txt"), now=NOW)
    assert again.story_evidence.copy_of is None and again.story_evidence.rule != "near-duplicate"


def test_a_copy_of_a_member_hashed_before_spellings_table_2_is_known_as_a_copy() -> None:
    # The wire writes "programme", "paediatric", "fibre", "anaesthetists": by the running method the stored member's
    # fingerprints lie far from its syndicated copy's, and a copy compared across methods opened a second story.
    wire, copy = text("6_programme_wire.txt")[1], text("7_programme_syndicated.txt")[1]
    record = orjson.loads(METHOD_2)
    stored, stored_sketch = record["simhashes"]["wire/6"], record["sketches"]["wire/6"]
    assert record["fingerprint_method"] == 2 and stored == simhash(wire, method=2)
    assert distance(stored, simhash(copy)) > MAX_DISTANCE and resemblance(stored_sketch, sketch(copy)) < MIN_RESEMBLANCE
    assigner = restarted({"wire/6": METHOD_2}, threshold=1.01)  # similarity joins nothing: only the copy rule
    syndicated, _ = assigner.place(tagged("herald/6", "7_programme_syndicated.txt"), now=NOW)
    assert syndicated.story_evidence.copy_of == "wire/6" and syndicated.story_id == "wire/6"
    again = Story.model_validate_json(table(assigner)["wire/6"])
    assert again.fingerprint_method == METHOD and again.older_simhashes == {2: {"wire/6": stored}}
    assert again.older_sketches == {2: {"wire/6": stored_sketch}}
    assert set(again.simhashes) == set(again.sketches) == {"herald/6"}
