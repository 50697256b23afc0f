"""The ceiling bench's body reading: an article's paragraphs, pooled into one vector, as evidence of its own."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_story_ceiling import evidence, stems  # noqa: E402
from bench.story_body import GROUP_CHARS, body_evidence, paragraphs, pooled  # noqa: E402
from services.tagger.embedding import DIMENSIONS  # noqa: E402
from services.tagger.story_features import ArticleFeatures  # noqa: E402


def test_paragraphs_follow_the_line_breaks_and_skip_a_repeated_title() -> None:
    body = "Homs taken\n\nGovernment forces took the old city.\n\n\n  Rebels   left on buses.  \n"
    assert paragraphs("Homs taken", body) == ["Government forces took the old city.", "Rebels left on buses."]


def test_a_body_without_breaks_is_read_in_sentence_groups() -> None:
    sentence = "Syrian rebels blew up a hotel in Aleppo used as barracks by the army, a monitoring group said."
    groups = paragraphs("Aleppo hotel", " ".join([sentence] * 12))
    assert len(groups) > 1 and all(len(g) <= GROUP_CHARS for g in groups)
    assert " ".join(groups) == " ".join([sentence] * 12)  # nothing lost, nothing reordered


def test_pooling_reads_only_the_first_paragraphs_asked_for() -> None:
    vectors = np.zeros((3, DIMENSIONS), dtype=np.float32)
    vectors[0, 0] = vectors[1, 1] = vectors[2, 2] = 1.0
    two = pooled(vectors, 2)
    assert two[0] == pytest.approx(two[1], abs=1e-6) and two[2] == 0.0
    assert pooled(vectors, None)[2] > 0.5  # all three: the third paragraph counts
    assert pooled(vectors, None, "max") @ pooled(vectors, None, "mean") == pytest.approx(1.0, abs=1e-3)
    assert not pooled(vectors[:0], None).any()  # no paragraphs: a zero vector, similar to nothing


def test_body_evidence_compares_pooled_paragraphs_and_joins_them_to_the_lead() -> None:
    axis = np.eye(DIMENSIONS, dtype=np.float32)
    # Two articles with the same lead reading, whose bodies say different things.
    bodies = [np.stack([axis[1], axis[2]]), np.stack([axis[3], axis[4]])]
    leads = np.stack([axis[0], axis[0]])
    kinds = body_evidence(bodies, leads)
    assert kinds["body mean, all paragraphs"][1, 0] == pytest.approx(0.0, abs=1e-6)
    assert kinds["body max, 4 paragraphs"][0, 0] == pytest.approx(1.0, abs=1e-3)
    # Each the lead plus its unit body mean: the shared lead is half of either.
    assert kinds["embedding and body mean, one vector"][1, 0] == pytest.approx(0.5, abs=0.01)


def test_body_kinds_enter_the_means_beside_what_the_stage_carries() -> None:
    found = [ArticleFeatures(f"a{k}", None, {"Q1": 1.0}, frozenset(), {"homs": 1.0}, embedding=np.array(v))
             for k, v in enumerate(([1.0, 0.0], [1.0, 0.0]))]
    docs = [stems("Homs taken", "rebels leave Homs"), stems("Homs falls", "rebels quit Homs")]
    body = np.array([[1.0, 0.0], [0.0, 1.0]])  # bodies apart, leads together
    kinds = evidence(docs, found, bodies={f"body mean, {k} paragraphs": body for k in (2, 4, 8, "all")})
    assert kinds["mean: embedding, body mean, 4 paragraphs"][1, 0] == pytest.approx(0.5)
    carried = "mean: words (stream idf), embedding, entities"
    assert kinds[carried + ", body mean, all paragraphs"][1, 0] == pytest.approx(kinds[carried][1, 0] * 3 / 4)
    assert "mean: words (stream idf), body mean, 2 paragraphs, entities" in kinds
    assert not any("body" in name for name in evidence(docs, found))
