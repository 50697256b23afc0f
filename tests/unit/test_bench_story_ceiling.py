"""The similarity-ceiling benchmark's clusterers and stream document frequency: what its figures rest on."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_story_ceiling import average_link, file_idf, stems, stream_clusters, stream_idf  # noqa: E402

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
