"""The similarity-ceiling benchmark's clusterers and stream document frequency: what its figures rest on."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_story_ceiling import (  # noqa: E402
    auc, average_link, evidence, file_idf, separation, siblings, stems, stream_clusters, stream_idf, thresholds,
)
from services.tagger.story_features import ArticleFeatures  # noqa: E402

# Two events, a1 a2 (similar) and b1 b2 (similar); a3 close to a1 but far from a2.
SIMS = np.array([
    # a1   a2   b1   b2   a3
    [1.0, 0.6, 0.1, 0.0, 0.7],
    [0.6, 1.0, 0.0, 0.1, 0.1],
    [0.1, 0.0, 1.0, 0.5, 0.0],
    [0.0, 0.1, 0.5, 1.0, 0.1],
    [0.7, 0.1, 0.0, 0.1, 1.0],
])
SAME_DAY = np.zeros(5)


def test_stream_mean_and_nearest_differ_on_an_article_close_to_one_member_only() -> None:
    # a3 averages 0.4 against {a1, a2}: the mean link opens a story at 0.5, the nearest member (0.7) joins.
    assert stream_clusters(SIMS, SAME_DAY, 0.5, "mean") == [0, 0, 1, 1, 2]
    assert stream_clusters(SIMS, SAME_DAY, 0.5, "nearest") == [0, 0, 1, 1, 0]


def test_stream_clusters_keep_articles_apart_beyond_the_window() -> None:
    days = np.array([0.0, 10.0, 10.0, 10.0, 10.0])  # a1 is ten days older than the rest
    out = stream_clusters(SIMS, days, 0.5, "nearest")
    assert out[1] != out[0] and out[4] != out[0]  # a2 and a3 may not join a1's stale story


def test_average_link_merges_while_the_mean_similarity_reaches_the_threshold() -> None:
    labels = average_link(SIMS, 0.45)
    assert labels[0] == labels[4] and labels[2] == labels[3] and labels[0] != labels[2]
    assert labels[1] != labels[0]  # a2's mean to {a1, a3} is 0.35
    assert len(set(average_link(SIMS, 0.0))) == 1
    assert len(set(average_link(SIMS, 0.95))) == 5


def test_stream_document_frequency_knows_only_the_past() -> None:
    docs = [stems("Homs rebels evacuate", "rebels leave Homs district"),
            stems("Homs rebels evacuate district", "rebels quit Homs"),
            stems("Kharkiv mayor shot", "mayor Kernes shot in Kharkiv")]
    docs += [stems("Homs siege", "Homs shelled")] * 5
    stream = stream_idf(docs)
    # The first pair is weighed as the first two articles alone would weigh it: later "Homs" articles do not count.
    assert stream[1, 0] == pytest.approx(file_idf(docs[:2])[1, 0])
    assert stream[1, 0] != pytest.approx(file_idf(docs)[1, 0])
    assert stream[2, 0] == pytest.approx(0.0)  # nothing shared with the Kharkiv report
    assert np.allclose(stream, stream.T)


def test_stems_count_the_title_twice_and_skip_stop_words() -> None:
    assert stems("Rebels evacuate", "the rebels said") == Counter({"rebel": 3, "evacu": 2})


def test_auc_counts_how_often_a_same_event_pair_outscores_a_different_event_one() -> None:
    # 0.9 beats both, 0.8 beats 0.1 and ties 0.8 (half): 3.5 of 4.
    assert auc(np.array([0.9, 0.8]), np.array([0.1, 0.8])) == pytest.approx(0.875)
    assert auc(np.array([0.2]), np.array([0.5, 0.9])) == 0.0


def test_separation_within_a_day_reads_only_pairs_time_cannot_tell_apart() -> None:
    events = ["a", "a", "b", "b", "a"]
    days = np.array([0.0, 0.0, 0.0, 0.0, 5.0])  # a3 five days later: its pairs count over all pairs only
    same, different, every, near = separation(SIMS, events, days)
    # Same-event pairs: a1-a2 0.6, b1-b2 0.5, a1-a3 0.7, a2-a3 0.1; that 0.1 only ties some different-event pairs.
    assert same[1] == pytest.approx(0.55)
    assert near == 1.0  # within a day: 0.6 and 0.5 against 0.1, 0.0, 0.0, 0.1
    assert every < near


def test_siblings_compare_pairs_among_the_named_events_only() -> None:
    events = ["a", "a", "b", "b", "c"]
    score, same, across = siblings(SIMS, events, ("a", "b"))
    assert score == 1.0  # 0.6 and 0.5 above 0.1, 0.0, 0.0, 0.1; c's article is not counted
    assert same == pytest.approx(0.55) and across == pytest.approx(0.05)


def test_the_title_embedding_is_evidence_of_its_own_and_in_means_when_given() -> None:
    def features(k: int, vector: list[float]) -> ArticleFeatures:
        return ArticleFeatures(f"a{k}", None, {"Q1": 1.0}, frozenset(), {"homs": 1.0}, embedding=np.array(vector),
                               title_terms={"homs": 1.0})

    found = [features(0, [1.0, 0.0]), features(1, [0.6, 0.8])]
    docs = [stems("Homs taken", "rebels leave Homs"), stems("Homs falls", "rebels quit Homs")]
    titles = np.array([[1.0, 0.0], [0.0, 1.0]])  # the headlines say different things
    kinds = evidence(docs, found, titles)
    assert kinds["title embedding"][1, 0] == pytest.approx(0.0)
    assert kinds["mean: embedding, title embedding"][1, 0] == pytest.approx(0.3)
    assert "title words by rarity in news" in kinds
    assert not any("title embedding" in name for name in evidence(docs, found))


def test_thresholds_span_the_same_range_at_any_step() -> None:
    assert thresholds()[0] == 0.04 and thresholds()[-1] == 0.8 and len(thresholds()) == 39
    assert thresholds(0.01)[-1] == 0.8 and len(thresholds(0.01)) == 77 and 0.27 in thresholds(0.01)
