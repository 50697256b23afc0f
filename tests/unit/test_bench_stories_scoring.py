"""The story benchmark's scoring: B-cubed (also over a subset of articles), the held-out threshold choice over
event folds, and the two TF-IDF clusterers it compares the story stage with."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench.bench_stories import _final, b_cubed, held_out, ntrex_code, tfidf_average_link, tfidf_single_pass  # noqa: E402

GOLD = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}


def test_b_cubed_of_a_perfect_and_a_lumped_clustering() -> None:
    assert b_cubed(GOLD, dict(GOLD)) == pytest.approx((1.0, 1.0, 1.0))
    lumped = {a: "all" for a in GOLD}
    p, r, _ = b_cubed(GOLD, lumped)
    assert r == pytest.approx(1.0)
    assert p == pytest.approx((3 * 3 / 6 + 2 * 2 / 6 + 1 / 6) / 6)  # each article: share of its cluster in its event


def test_b_cubed_over_a_subset_still_counts_the_whole_cluster() -> None:
    # c1 wrongly joined A's cluster: scored over C's articles only, c1's precision is 1/4, not 1.
    predicted = {"a1": "x", "a2": "x", "a3": "x", "c1": "x", "b1": "y", "b2": "y"}
    p, r, _ = b_cubed(GOLD, predicted, over={"c1"})
    assert p == pytest.approx(0.25)
    assert r == pytest.approx(1.0)
    p_b, r_b, _ = b_cubed(GOLD, predicted, over={"b1", "b2"})
    assert (p_b, r_b) == pytest.approx((1.0, 1.0))


def test_held_out_scores_each_fold_at_the_threshold_best_on_the_others() -> None:
    perfect = dict(GOLD)
    lumped = {a: "all" for a in GOLD}
    # Lumping is worse on every fold, so every fold picks the perfect run's threshold and scores 1.
    p, r, f, chosen = held_out(GOLD, {0.1: lumped, 0.5: perfect}, folds=3)
    assert chosen == [0.5, 0.5, 0.5]
    assert (p, r, f) == pytest.approx((1.0, 1.0, 1.0))


ARTICLES = [
    ("m1", "Malaysia Airlines flight MH17 shot down over eastern Ukraine near Donetsk, 298 aboard the Boeing"),
    ("r1", "Reserve Bank of India publishes draft rules for small finance banks and payments banks licences"),
    ("m2", "Boeing of Malaysia Airlines, flight MH17, downed over eastern Ukraine; all 298 aboard killed near Donetsk"),
    ("r2", "RBI draft rules: licences for payments banks and small finance banks, says the Reserve Bank of India"),
    ("p1", "Researchers show planetary rotation shapes ocean heat transport and habitability of alien worlds"),
]


@pytest.mark.parametrize("clusterer", [lambda t: tfidf_single_pass(t, 0.2), lambda t: tfidf_average_link(t, 0.1)])
def test_tfidf_clusterers_group_reports_of_one_event_and_keep_others_apart(clusterer) -> None:
    out = clusterer(ARTICLES)
    assert out["m1"] == out["m2"]
    assert out["r1"] == out["r2"]
    assert len({out["m1"], out["r1"], out["p1"]}) == 3



def test_a_decision_learned_on_some_events_groups_other_events_by_their_evidence() -> None:
    import dataclasses
    from datetime import datetime, timedelta, timezone

    import numpy as np

    from bench.story_learning import learned_held_out
    from services.tagger.stories import StoryConfig, StoryIndex
    from services.tagger.story_features import ArticleFeatures

    # Twelve events of three reports each, interleaved in time: each event has its own words and its own
    # direction in embedding space; every report also has words and a direction of its own.
    rng = np.random.default_rng(7)
    t0 = datetime(2014, 5, 1, tzinfo=timezone.utc)
    directions = [rng.normal(size=512) for _ in range(12)]
    features, gold = [], {}
    for n in range(36):
        event = n % 12
        words = {f"event{event}word{k}": 1.0 for k in range(4)} | {"said": 1.0, f"noise{n}": 1.0}
        vector = directions[event] + 0.5 * rng.normal(size=512)
        features.append(ArticleFeatures(f"a{n}", t0 + timedelta(hours=n), {}, frozenset(), words,
                                        embedding=(vector / np.linalg.norm(vector)).astype(np.float32),
                                        title_terms={f"event{event}word0": 1.0, f"noise{n}": 1.0}))
        gold[f"a{n}"] = f"E{event}"

    rules = []

    def run(config: StoryConfig) -> dict[str, str]:
        index, out = StoryIndex(config), {}
        for f in features:
            decision = index.decide(f)
            index.apply(decision)
            out[f.article_id] = decision.story.id
            rules.append((decision.scores.rule, decision.created))
        return out

    config = StoryConfig()
    assert b_cubed(gold, run(dataclasses.replace(config, threshold=0.99)))[2] < 0.6  # the floor: all apart
    rules.clear()
    p, r, f = learned_held_out(features, gold, config, 4, run, b_cubed)
    assert (p, r) == pytest.approx((1.0, 1.0))
    assert {rule for rule, created in rules if not created} == {"learned"}  # every join was the learned decision's


def test_shared_stories_name_the_events_a_story_mixes() -> None:
    from bench.bench_stories import shared_stories

    predicted = {"a1": "x", "a2": "x", "a3": "x", "c1": "x", "b1": "y", "b2": "y"}
    assert shared_stories(GOLD, predicted) == {"x": ["A", "C"]}
    assert shared_stories(GOLD, dict(GOLD)) == {}


def test_languages_are_named_by_two_letters_or_by_the_files_own_codes_and_a_missing_one_says_what_there_is() -> None:
    available = {"eng", "spa", "tha", "zho-TW"}
    assert (ntrex_code("es", available), ntrex_code("tha", available), ntrex_code("zho-TW", available)) == (
        "spa", "tha", "zho-TW")
    with pytest.raises(SystemExit, match=r"no documents in 'th'.*a code of the file: eng, spa, tha, zho-TW"):
        ntrex_code("th", available)
    with pytest.raises(SystemExit, match="no documents in 'ru'"):  # known code, but not in this file
        ntrex_code("ru", available)


def test_a_merged_story_is_scored_under_the_id_it_ended_under() -> None:
    # kk merged into s1, later s1 into s0: an article placed in kk counts as s0, as the newsroom would show it.
    renamed = {"kk": "s1", "s1": "s0"}
    assert [_final(s, renamed) for s in ("kk", "s1", "s0", "other")] == ["s0", "s0", "s0", "other"]
    assert _final("a", {"a": "b", "b": "a"}) in ("a", "b")  # a cycle ends rather than loops
