"""Windows, bursts and follow-ups with an injected clock: when matches become alerts, and how often."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from schemas import Alert
from services.alerter.dedupe import alert_id, decide, load_state, sequence_id
from services.alerter.rules import AlertPolicy, BurstSpec, WindowSpec
from services.alerter.window import observe_burst, observe_window
from tests.support.buckets import bucket_with_room

T0 = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
KEY = "nato:st_1"


def match(article: str, source: str = "wire-en", at: datetime = T0) -> Alert:
    return Alert(id=alert_id(KEY), rule_id="nato", story_id="st_1", article_ids=[article], dedupe_key=KEY, fired_at=at,
                 summary="nato: x", matched=["entity:Q7184 (NATO) in title"], sources=[source])


def run(policy: AlertPolicy, events: list[tuple[float, str, str]], state: dict | None = None):
    """Feed (minutes after T0, article, source) matches through decide; return the alerts and the final state."""
    alerts = []
    for minutes, article, source in events:
        now = T0 + timedelta(minutes=minutes)
        decision = decide(state, match(article, source, now), policy, now)
        state = decision.state
        if decision.alert is not None:
            alerts.append(decision.alert)
    return alerts, state


def test_window_fires_on_the_third_article_within_the_hour_and_not_before() -> None:
    policy = AlertPolicy(window=WindowSpec(count=3, within_s=3600))
    alerts, _ = run(policy, [(0, "a", "s1"), (30, "b", "s1"), (59, "c", "s2")])
    [alert] = alerts
    assert alert.article_ids == ["a", "b", "c"] and alert.kind == "fired" and alert.id == alert_id(KEY)
    assert (alert.window.articles, alert.window.sources, alert.window.within_s) == (3, 2, 3600)


def test_window_forgets_articles_older_than_its_width() -> None:
    policy = AlertPolicy(window=WindowSpec(count=3, within_s=3600))
    alerts, _ = run(policy, [(0, "a", "s1"), (50, "b", "s1"), (70, "c", "s1")])
    assert alerts == []  # "a" left the window before "c" came
    alerts, _ = run(policy, [(0, "a", "s1"), (50, "b", "s1"), (70, "c", "s1"), (80, "d", "s1")])
    assert [a.article_ids for a in alerts] == [["b", "c", "d"]]


def test_a_refetched_article_counts_once_in_a_window() -> None:
    policy = AlertPolicy(window=WindowSpec(count=2, within_s=3600))
    alerts, _ = run(policy, [(0, "a", "s1"), (5, "a", "s1"), (10, "a", "s1")])
    assert alerts == []


def test_distinct_sources_window_needs_that_many_publishers() -> None:
    policy = AlertPolicy(window=WindowSpec(count=2, within_s=3600, distinct="sources"))
    alerts, _ = run(policy, [(0, "a", "wire"), (1, "b", "wire"), (2, "c", "wire")])
    assert alerts == []
    alerts, _ = run(policy, [(0, "a", "wire"), (1, "b", "wire"), (2, "c", "agency")])
    assert [a.sources for a in alerts] == [["wire", "agency"]]


def test_window_state_survives_a_round_trip_through_json() -> None:
    import orjson

    policy = AlertPolicy(window=WindowSpec(count=2, within_s=3600))
    _, state = run(policy, [(0, "a", "s1")])
    restored = load_state(orjson.dumps(state).decode())  # what the table holds after a restart
    alerts, _ = run(policy, [(10, "b", "s1")], state=restored)
    assert [a.article_ids for a in alerts] == [["a", "b"]]


def test_one_alert_per_story_without_follow_ups() -> None:
    alerts, _ = run(AlertPolicy(), [(0, "a", "s1"), (1, "b", "s2"), (600, "c", "s3")])
    assert [a.article_ids for a in alerts] == [["a"]]


def test_follow_ups_group_new_articles_and_wait_for_the_cooldown() -> None:
    policy = AlertPolicy(follow_up=True, cooldown_s=600)
    alerts, state = run(policy, [(0, "a", "s1"), (2, "b", "s2"), (5, "c", "s3"), (5, "a", "s1"), (11, "d", "s1")])
    assert [(a.kind, a.sequence, a.article_ids) for a in alerts] == [("fired", 0, ["a"]), ("follow-up", 1, ["b", "c", "d"])]
    assert alerts[1].sources == ["s2", "s3", "s1"]
    assert alerts[1].id == sequence_id(KEY, 1) != alerts[0].id
    # Nothing new: a re-fetch after the cooldown is not a follow-up.
    more, _ = run(policy, [(40, "c", "s3")], state=state)
    assert more == []


def test_follow_up_ids_are_the_same_when_the_same_matches_are_replayed() -> None:
    policy = AlertPolicy(follow_up=True, cooldown_s=60)
    events = [(0, "a", "s1"), (2, "b", "s1"), (4, "c", "s1")]
    first, _ = run(policy, events)
    again, _ = run(policy, events)
    assert [a.id for a in first] == [a.id for a in again] and len({a.id for a in first}) == 3


def test_repeat_interval_realerts_a_story_that_still_matches() -> None:
    policy = AlertPolicy(repeat_s=4 * 3600)
    alerts, _ = run(policy, [(0, "a", "s1"), (60, "a", "s1"), (241, "a", "s1"), (300, "b", "s1")])
    assert [(a.kind, a.sequence) for a in alerts] == [("fired", 0), ("repeat", 1)]


def test_state_of_the_previous_version_means_already_fired() -> None:
    state = load_state(T0.isoformat())
    alerts, _ = run(AlertPolicy(), [(5, "b", "s1")], state=state)
    assert alerts == []


def steady(state, minutes_per_bucket: int, per_bucket: int, buckets: int, start: int = 0):
    """``per_bucket`` articles in each of ``buckets`` buckets; returns the state and whether any bucket burst."""
    burst = False
    for b in range(buckets):
        for i in range(per_bucket):
            t = (start + b) * minutes_per_bucket * 60 + i
            state, res = observe_burst(state, now=t, item_id=f"{b}-{i}", bucket_s=minutes_per_bucket * 60)
            burst = burst or res.burst
    return state, burst


def test_burst_fires_when_the_rate_jumps_well_above_its_own_baseline() -> None:
    state, burst = steady(None, 15, 2, 12)
    assert not burst  # a steady two per bucket is the baseline, not a burst
    results = []
    for i in range(12):
        state, res = observe_burst(state, now=12 * 900 + i, item_id=f"jump-{i}", bucket_s=900)
        results.append(res.burst)
    first = results.index(True)
    assert 3 <= first + 1 <= 12 and results.count(True) == 1  # fires once in the bucket
    assert state["mean"] < 3


def test_busy_key_needs_a_bigger_jump_than_a_quiet_one() -> None:
    busy, _ = steady(None, 15, 10, 12)
    fired = []
    for i in range(14):
        busy, res = observe_burst(busy, now=12 * 900 + i, item_id=f"x{i}", bucket_s=900)
        fired.append(res.burst)
    assert not any(fired)  # 14 against a baseline of 10 is noise
    quiet, _ = steady(None, 15, 1, 12)
    fired = []
    for i in range(5):
        quiet, res = observe_burst(quiet, now=12 * 900 + i, item_id=f"x{i}", bucket_s=900)
        fired.append(res.burst)
    assert fired.index(True) == 3  # four against a baseline of 1 is news (z >= 3 with the Poisson floor)


def test_no_burst_during_warmup_and_a_long_silence_decays_the_baseline() -> None:
    state = None
    for i in range(10):
        state, res = observe_burst(state, now=i, item_id=str(i), bucket_s=900, warmup=3)
    assert not res.burst  # first bucket ever: no baseline yet
    busy, _ = steady(None, 15, 10, 12)
    fired = []
    for i in range(8):  # after two days of silence, a handful is a burst again
        busy, res = observe_burst(busy, now=(12 + 192) * 900 + i, item_id=f"y{i}", bucket_s=900)
        fired.append(res.burst)
    assert any(fired) and busy["mean"] < 1


def test_story_burst_policy_alerts_the_story_when_it_bursts() -> None:
    policy = AlertPolicy(burst=BurstSpec(of="story", bucket_s=600, min_count=3, warmup=1))
    events = [(0, "a", "s"), (10, "b", "s")] + [(20 + i * 0.1, f"c{i}", "s") for i in range(4)]
    alerts, _ = run(policy, events)
    [alert] = alerts
    assert alert.burst.key == "story:st_1" and alert.burst.count >= 3 and alert.kind == "fired"


def test_window_counts_an_article_once_even_if_it_is_also_the_newest() -> None:
    state, res = observe_window(None, now=0, article_id="a", source="s", count=2, within_s=60)
    state, res = observe_window(state, now=30, article_id="a", source="s", count=2, within_s=60)
    assert (res.met, res.articles) == (False, 1)


def test_burst_counts_an_article_consumed_again_after_a_crash_once() -> None:
    # The recovered state already holds the last buckets; the same messages arrive again because their
    # offsets were never committed. They are old news, not a jump.
    state = None
    for minute, item in enumerate(["q0", "q1", "q2", "q3", "q4"]):
        state, _ = observe_burst(state, now=minute * 60.0 + 1, item_id=item, bucket_s=60, min_count=3)
    before = dict(state)
    for minute, item in enumerate(["q0", "q1", "q2", "q3", "q4"]):
        state, result = observe_burst(state, now=minute * 60.0 + 1, item_id=item, bucket_s=60, min_count=3)
        assert not result.burst
    assert state["count"] == before["count"] == 1 and state["closed"] == before["closed"] == 4


def test_the_worked_burst_example_of_docs_alerts_md_is_what_the_code_computes() -> None:
    """The page said √var = 0.76 where the EWMA of 2, 1, 3, 2, 2, 1 gives 0.83: a reader checking it by hand was lost."""
    import math
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text()
    example = page[page.index("**Worked example**"):page.index("The alert carries `burst:")]
    counts = [int(n) for n in re.findall(r"\d+", re.search(r"named in ([\d,\sand]+) matching articles", example).group(1))]
    state, n = None, 0
    for bucket, count in enumerate(counts):
        for _ in range(count):
            n += 1
            state, _ = observe_burst(state, now=bucket * 900.0, item_id=str(n), bucket_s=900)
    rows = re.findall(r"^\| (\d+) \| ([\d.]+) \| (yes|no) \| (.+?) \|$", example, re.M)
    assert [int(r[0]) for r in rows] == [3, 5, 6, 7]
    results = {}
    for count in range(1, 8):
        state, results[count] = observe_burst(state, now=len(counts) * 900.0, item_id=f"new-{count}", bucket_s=900)
    said = re.search(r"`mean = ([\d.]+)`, `√var = ([\d.]+)`, so `sd = max\(([\d.]+), √[\d.]+\) = ([\d.]+)`", example)
    assert said is not None
    assert float(said.group(1)) == results[1].mean
    assert float(said.group(2)) == float(said.group(3)) == round(math.sqrt(state["var"]), 2)
    assert float(said.group(4)) == results[1].sd
    for count, z, over_ratio, verdict in rows:
        result = results[int(count)]
        assert float(z) == result.zscore
        assert (over_ratio == "yes") == (result.count >= 3 * result.mean)
        assert verdict.startswith("**yes**") == result.burst


def _quiet_then(counts: list[int], now_count: int, **spec) -> object:
    """The burst result of the ``now_count``-th article of the bucket after buckets of ``counts`` articles."""
    state, n, result = None, 0, None
    for bucket, count in enumerate(counts):
        for _ in range(count):
            n += 1
            state, _ = observe_burst(state, now=bucket * 60.0, item_id=str(n), bucket_s=60, **spec)
    for i in range(now_count):
        state, result = observe_burst(state, now=len(counts) * 60.0, item_id=f"now-{i}", bucket_s=60, **spec)
    return result


@pytest.mark.parametrize(("counts", "now_count", "spec", "short"), [
    ([], 5, {}, "warming up: 0 of 3 buckets closed"),
    ([1, 0, 1], 2, {}, "2 < min_count 3"),
    ([4, 4, 4, 4], 5, {"z": 0}, "5 < ratio 3 × baseline 3.04"),
    ([1, 0, 1, 1], 3, {}, "z 2.39 < 3"),  # mean 0.613 after 1, 0, 1, 1; sd floored at 1
    ([1, 0, 1, 1], 5, {}, "already fired in this bucket"),
    ([1, 0, 1, 1], 4, {}, ""),
])
def test_a_bucket_that_does_not_burst_says_which_condition_failed(counts, now_count, spec, short) -> None:
    """`rules test` said "no burst (2 in bucket, baseline 0)" for a rule still warming up, which no article could fix."""
    result = _quiet_then(counts, now_count, **spec)
    assert result.short == short and result.burst == (short == "")


@pytest.mark.parametrize("now", [
    1_764_003_599.0,  # the last second of an hour: a bucket of 3600 s has no room left
    1_764_003_600.0,  # the first of the next
    1_764_003_300.5,  # five minutes before the hour: just too little room in an hourly bucket
    1_764_001_234.5,
])
def test_a_bucket_length_picked_with_room_keeps_a_tests_matches_in_one_bucket_whatever_the_time(now: float) -> None:
    """The integration tests name such a length in their burst rules rather than sleeping until an hour or minute
    starts anew; the bucket is the one observe_burst counts in."""
    length = bucket_with_room(300, shortest_s=3600, now=now)
    assert 3600 <= length < 7200
    state, first = observe_burst(None, now=now, item_id="first", bucket_s=length, warmup=0, min_count=1, ratio=0, z=0)
    state, last = observe_burst(state, now=now + 299.999, item_id="last", bucket_s=length, warmup=0, min_count=1, ratio=0,
                                z=0)
    assert first.burst and not last.burst and last.short == "already fired in this bucket"
    assert last.bucket_start == first.bucket_start and last.count == 2
