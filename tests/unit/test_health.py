"""Readiness and stall detection, decided from plain facts."""

from services.runtime.health import PartitionProgress, Readiness, partition_lag


def test_worker_that_consumes_is_not_ready_before_joining_its_group():
    assert not Readiness(started=True, consumes=True, joined=False, rebalancing=False, assigned=0).ready
    assert Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=2).ready


def test_a_worker_holding_a_partition_never_fetched_since_its_assignment_is_not_ready():
    state = Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=2, never_fed=["alerts[0]"])
    assert not state.ready and state.as_dict()["never_fed"] == ["alerts[0]"]


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


def test_lag_counts_what_waits_in_the_stream_buffers_not_only_what_is_unread():
    # 1,000 messages: Faust has read them all into its buffers, the group has committed 400 as done.
    assert partition_lag(1000, read=999, committed=400) == 600
    assert partition_lag(1000, read=999, committed=1000) == 0
    assert partition_lag(1000, read=None, committed=None) == 1000, "a new group that has done nothing yet"
    # A table changelog is never committed: what was read is what counts.
    assert partition_lag(1000, read=999, committed=None, internal=True) == 0
    assert partition_lag(1000, read=998, committed=None, internal=True) == 1


def test_a_partition_read_to_its_end_whose_commits_still_move_is_not_stalled():
    p = PartitionProgress(offset=(999, 400), since=0.0)
    p.update((999, 700), now=100.0)
    assert not p.stalled(lag=300, now=200.0, stall_after_s=120), "its commits moved at 100"
    assert p.stalled(lag=300, now=221.0, stall_after_s=120)


def test_a_high_water_mark_that_goes_back_is_a_broker_reset_with_the_unread_counted():
    from services.runtime.recovery import Watchdog

    dog = Watchdog(stall_after_s=60)
    assert dog.broker_reset("raw[0]", highwater=500, read=480) is None
    dog.note_lag("raw[0]", 19)
    assert dog.broker_reset("raw[0]", highwater=500, read=499) is None, "caught up after a seek is no reset"
    assert dog.broker_reset("raw[0]", highwater=3, read=499) == 19, "what was unread at the last look is lost"
    assert dog.broker_reset("raw[1]", highwater=0, read=None) is None


def test_an_idle_worker_rejoins_only_when_a_backlog_has_not_moved_for_the_stall_time():
    from services.runtime.recovery import Watchdog

    dog = Watchdog(stall_after_s=60)
    assert not dog.idle_backlog(0, {"raw[0]": 10})
    assert not dog.idle_backlog(30, {"raw[0]": 10})
    assert not dog.idle_backlog(50, {"raw[0]": 12}), "someone moved it: not stuck"
    assert dog.idle_backlog(111, {"raw[0]": 12})
    assert not dog.idle_backlog(112, {}), "nothing waits"
    assert dog.may_rejoin(200) and not dog.may_rejoin(230), "at most one rejoin per stall time"
    assert dog.may_rejoin(261)


def test_an_idle_worker_with_a_backlog_is_not_ready():
    assert not Readiness(started=True, consumes=True, joined=True, rebalancing=False, assigned=0,
                         idle_backlog=["articles.raw[2]"]).ready


def test_a_worker_that_finished_nothing_for_the_stall_time_is_idle():
    from services.runtime.recovery import Watchdog

    dog = Watchdog(stall_after_s=60)
    assert not dog.worker_idle(0, 10)
    assert not dog.worker_idle(59, 10)
    assert dog.worker_idle(61, 10)
    assert not dog.worker_idle(62, 11), "it finished one: busy, maybe slow, not stuck"


def test_a_partition_never_fetched_since_its_assignment_is_never_fed_after_the_first_fetch_time():
    from services.runtime.recovery import Watchdog

    dog = Watchdog(stall_after_s=120, first_fetch_after_s=30)
    assert not dog.never_fed(1000.0, None), "no assignment recovered yet"
    dog.assigned_at = 1000.0
    assert not dog.never_fed(1029.0, None), "give the fetcher its time"
    assert dog.never_fed(1031.0, None), "not one fetch answered in 31 s"
    assert dog.never_fed(1031.0, 990.0), "fetched before the assignment only: the new one was never fetched"
    assert not dog.never_fed(1031.0, 1001.0), "fetched once since the assignment: a slow agent is no stall"
    assert not dog.never_fed(5000.0, 1001.0), "an old fetch is Faust's flow control pausing a busy partition, not this"
