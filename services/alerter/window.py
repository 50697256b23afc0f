"""Windows and bursts over a rule's matches, as pure functions of (state, event, now).

State is plain JSON-able dicts so a Faust table can hold it and a restart keeps the counts.

*Count window*: the articles (or distinct sources) seen for one key within the last ``within_s``
seconds; an article seen twice (a re-fetch) counts once.

*Burst*: time is cut into buckets of ``bucket_s``. The baseline is an exponentially weighted
moving average (EWMA, weight ``alpha``) of the count per bucket and of its variance, updated
when a bucket closes (empty buckets count as zeros). The current bucket bursts when, after
``warmup`` closed buckets, its count is at least ``min_count``, at least ``ratio`` × the
baseline mean, and its z-score ``(count - mean) / sd`` is at least ``z``, where ``sd`` is the
EWMA standard deviation floored at ``sqrt(max(mean, 1))`` (the Poisson noise of a rare count,
so a quiet key with a baseline of zero does not burst on one article). A key bursts at most
once per bucket. An item counts once: the last ``BURST_MAX_IDS`` item ids are remembered
across buckets, so a re-fetch, or a message consumed again after a crash (its effect already in
the recovered state, its offset not yet committed), does not count twice.

*Merges*: when the story stage finds that stories X and Y report one event and reports X as Y from
then on, the rule's window and story burst for Y take in what X counted (``merge_window``,
``merge_burst``): the event is counted whole, whichever id its reports first came under.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["WindowResult", "observe_window", "merge_window", "BurstResult", "bucket_start", "observe_burst", "merge_burst",
           "BURST_MAX_IDS"]

# How many recent article ids a burst key remembers (across buckets) to count an article once.
BURST_MAX_IDS = 1000
# Empty buckets folded into the baseline one by one; past this the baseline has decayed to ~0 anyway.
_MAX_GAP_BUCKETS = 500


@dataclass(frozen=True)
class WindowResult:
    met: bool
    articles: int
    sources: int
    article_ids: list[str]
    source_names: list[str]


def observe_window(
    state: dict | None, *, now: float, article_id: str, source: str, count: int, within_s: float, distinct: str = "articles"
) -> tuple[dict, WindowResult]:
    """Add one matching article at ``now`` (seconds) and say whether ``count`` articles/sources fell within ``within_s``."""
    events = [e for e in (state or {}).get("events", []) if e[0] > now - within_s]
    if not any(e[1] == article_id for e in events):
        events.append([now, article_id, source])
    # Bounded: the newest events are the ones a window can still use.
    cap = max(4 * count, 64)
    events = events[-cap:]
    ids = [e[1] for e in events]
    sources = list(dict.fromkeys(e[2] for e in events))
    have = len(sources) if distinct == "sources" else len(ids)
    return {"events": events}, WindowResult(have >= count, len(ids), len(sources), ids, sources)


def merge_window(state: dict | None, others: Iterable[dict | None]) -> dict | None:
    """``state`` with the events of ``others`` (the windows of stories merged into this one) added, an article once.

    A merged story counts what its earlier ids counted: three reports under X and two under Y are five once the
    story stage found that X and Y report one event. Idempotent: merging the same window again adds nothing.
    """
    events = list((state or {}).get("events", []))
    seen = {e[1] for e in events}
    for other in others:
        for e in (other or {}).get("events", []):
            if e[1] not in seen:
                seen.add(e[1])
                events.append(list(e))
    if not events:
        return state
    return {"events": sorted(events, key=lambda e: e[0])}


@dataclass(frozen=True)
class BurstResult:
    burst: bool
    count: int
    mean: float
    sd: float
    zscore: float
    bucket_start: float
    # When there is no burst, the first condition that does not hold, in words ("warming up: 1 of 3 buckets closed").
    short: str = ""


def _fold(mean: float, var: float, x: float, alpha: float) -> tuple[float, float]:
    diff = x - mean
    incr = alpha * diff
    return mean + incr, (1 - alpha) * (var + diff * incr)


def bucket_start(now: float, bucket_s: float) -> float:
    """When the burst bucket that ``now`` falls in began (seconds): buckets are cut from the epoch on, alike for every key."""
    return math.floor(now / bucket_s) * bucket_s


def _advance(state: dict | None, start: float, bucket_s: float, alpha: float) -> dict:
    """A copy of a burst state whose current bucket is the one at ``start``: the buckets before it closed and folded."""
    s = dict(state or {})
    if not s:
        return {"start": start, "count": 0, "ids": [], "mean": 0.0, "var": 0.0, "closed": 0, "fired": None}
    if start > s["start"]:
        mean, var = _fold(s["mean"], s["var"], s["count"], alpha)
        gap = min(int(round((start - s["start"]) / bucket_s)) - 1, _MAX_GAP_BUCKETS)
        for _ in range(max(gap, 0)):
            mean, var = _fold(mean, var, 0.0, alpha)
        s.update(start=start, count=0, mean=mean, var=var, closed=s["closed"] + 1 + max(gap, 0))
    # A late article for a bucket already closed (start < s["start"]) cannot change history: it counts in the current one.
    return s


def merge_burst(
    state: dict | None, others: Iterable[tuple[str, dict]], *, now: float, bucket_s: float, alpha: float = 0.3
) -> dict | None:
    """``state`` with the story bursts of stories merged into this one (``(story id, burst state)``) folded in, once each.

    The merged story's baseline is the sum of the baselines (its mean and variance per bucket: the sum of
    independent counts), its current bucket holds both buckets' articles, and it has seen as many closed
    buckets as the longer history: a merge does not restart the warm-up, nor hide a burst the two halves
    make together. Each earlier id is folded in once (``merged``); its ids are remembered so a re-fetch of
    one of its articles does not count again.
    """
    others = [(sid, o) for sid, o in others if o and sid not in (state or {}).get("merged", [])]
    if not others:
        return state
    start = bucket_start(now, bucket_s)
    s = _advance(state, start, bucket_s, alpha)
    for sid, other in others:
        o = _advance(other, start, bucket_s, alpha)
        s["mean"] += o["mean"]
        s["var"] += o["var"]
        s["closed"] = max(s["closed"], o["closed"])
        s["count"] += o["count"]
        s["ids"] = list(dict.fromkeys(s["ids"] + o["ids"]))[-BURST_MAX_IDS:]
        s["merged"] = [*s.get("merged", []), sid]
    return s


def observe_burst(
    state: dict | None,
    *,
    now: float,
    item_id: str,
    bucket_s: float,
    alpha: float = 0.3,
    z: float = 3.0,
    ratio: float = 3.0,
    min_count: int = 3,
    warmup: int = 3,
) -> tuple[dict, BurstResult]:
    """Count ``item_id`` at ``now`` in its bucket and say whether the bucket is a burst (see the module docstring)."""
    s = _advance(state, bucket_start(now, bucket_s), bucket_s, alpha)
    if item_id not in s["ids"]:
        s["count"] += 1
        s["ids"] = (s["ids"] + [item_id])[-BURST_MAX_IDS:]
    mean, count = s["mean"], s["count"]
    sd = max(math.sqrt(max(s["var"], 0.0)), math.sqrt(max(mean, 1.0)))
    zscore = (count - mean) / sd
    unmet = [why for holds, why in (
        (s["closed"] >= warmup, f"warming up: {s['closed']} of {warmup} buckets closed"),
        (count >= min_count, f"{count} < min_count {min_count}"),
        (count >= ratio * mean, f"{count} < ratio {ratio:g} × baseline {mean:.3g}"),
        (zscore >= z, f"z {zscore:.2f} < {z:g}"),
        (s.get("fired") != s["start"], "already fired in this bucket"),
    ) if not holds]
    if not unmet:
        s["fired"] = s["start"]
    return s, BurstResult(not unmet, count, round(mean, 3), round(sd, 3), round(zscore, 2), s["start"],
                          unmet[0] if unmet else "")
