"""Readiness and stall detection, decided from plain facts."""

from services.runtime.health import PartitionProgress, Readiness


def test_worker_that_consumes_is_not_ready_before_joining_its_group():
    assert not Readiness(started=True, consumes=True, joined=False, rebalancing=False, assigned=0).ready
    assert Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=2).ready


def test_idle_spare_worker_with_no_partitions_is_ready():
    assert Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=0).ready


def test_rebalancing_or_stalled_worker_is_not_ready():
    assert not Readiness(started=True, consumes=True, joined=True, rebalancing=True, assigned=2).ready
    assert not Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=2,
                         stalled=["articles.raw[0]"]).ready


def test_worker_that_consumes_nothing_is_ready_once_started():
    assert Readiness(started=True, consumes=False, joined=False, rebalancing=False, assigned=0).ready
    assert not Readiness(started=False, consumes=False, joined=False, rebalancing=False, assigned=0).ready


def test_partition_is_stalled_only_when_behind_and_not_moving():
    p = PartitionProgress(offset=10, since=0.0)
    p.update(10, now=100.0)
    assert p.stalled(lag=5, now=130.0, stall_after_s=120)
    assert not p.stalled(lag=0, now=130.0, stall_after_s=120), "caught up is not stalled"
    p.update(11, now=131.0)
    assert not p.stalled(lag=5, now=200.0, stall_after_s=120), "it moved at 131"
