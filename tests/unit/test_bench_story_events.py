"""The ceiling bench's event frame: what happened to whom, read from a title and a lead's first sentence."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_story_ceiling import evidence, stems  # noqa: E402
from bench.story_events import event_frames, first_sentence_text, load_parser  # noqa: E402
from services.tagger.story_features import ArticleFeatures  # noqa: E402

ALEPPO = ("Syria rebels blow up Aleppo hotel used as barracks",
          "BEIRUT (Reuters) - Syrian rebels blew up a hotel in Aleppo on Thursday, killing 14 soldiers, "
          "a monitoring group said.")
HOMS = ("Government forces take Homs",
        "Syrian government forces took the old city of Homs on Wednesday after 1,200 fighters left.")


@pytest.fixture(scope="module")
def nlp():
    try:
        return load_parser()
    except RuntimeError as exc:
        pytest.skip(str(exc))


def test_the_first_sentence_starts_after_a_dateline_or_a_caption_counter() -> None:
    dated = "SLAVIANSK, Ukraine (Reuters) - Armed separatists seized a bus."
    assert first_sentence_text(dated) == "Armed separatists seized a bus."
    assert first_sentence_text("1 of 4. Relatives wait outside the court.") == "Relatives wait outside the court."
    assert first_sentence_text("Rebels left Homs.") == "Rebels left Homs."


def test_two_events_of_one_day_in_one_war_have_frames_that_do_not_meet(nlp) -> None:
    aleppo, homs = event_frames(nlp, [ALEPPO, HOMS])
    # What happened, to what, and how many: the reporting verb ("said") is not the event.
    assert {"T:blow_up", "O:hotel", "F:blow_up>hotel", "T:kill", "N:14"} <= aleppo.keys()
    assert not any(key.startswith("T:say") for key in aleppo)
    assert {"T:take", "N:1200"} <= homs.keys()
    assert any(key.startswith("F:take>") for key in homs)
    # Both are Syrian government and rebel news of 8 May; their frames share no predicate, object or number.
    shared = {k for k in aleppo.keys() & homs.keys() if k[0] in "TOFN"}
    assert shared == set()


def test_the_event_frame_is_evidence_of_its_own_and_in_means_when_given() -> None:
    def features(k: int) -> ArticleFeatures:
        return ArticleFeatures(f"a{k}", None, {"Q1": 1.0}, frozenset(), {"homs": 1.0}, embedding=np.array([1.0, 0.0]))

    found = [features(0), features(1)]
    docs = [stems(*HOMS), stems(*ALEPPO)]
    frames = [{"T:take": 2.0, "O:homs": 4.0}, {"T:take": 2.0, "O:hotel": 4.0}]
    kinds = evidence(docs, found, frames=frames)
    assert kinds["event frame"][1, 0] == pytest.approx(4.0 / 20.0)  # only "take" meets: 2*2 of |(2, 4)|^2
    assert "mean: words (stream idf), embedding, entities, event frame" in kinds
    assert not any("event frame" in name for name in evidence(docs, found))
